package queuelatency

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stage is one FROM and the instructions under it, keyword upper-cased, arguments as written.
type stage struct {
	from string
	inst [][2]string
}

func (s stage) args(keyword string) []string {
	var out []string
	for _, i := range s.inst {
		if i[0] == keyword {
			out = append(out, i[1])
		}
	}
	return out
}

// dockerfileStages reads the Dockerfile: comments dropped, continuation lines joined.
func dockerfileStages(t *testing.T) []stage {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	var stages []stage
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		keyword, rest, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		keyword = strings.ToUpper(keyword)
		if keyword == "FROM" {
			stages = append(stages, stage{from: rest})
			continue
		}
		require.NotEmpty(t, stages, "%s before FROM", keyword)
		stages[len(stages)-1].inst = append(stages[len(stages)-1].inst, [2]string{keyword, rest})
	}
	require.NoError(t, sc.Err())
	return stages
}

// goVersion is go.mod's go line.
func goVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(b)
	require.NotNil(t, m)
	return string(m[1])
}

// The image cannot be built here (no Docker engine); these are the properties a reader would check.
func TestDockerfile(t *testing.T) {
	stages := dockerfileStages(t)
	require.Len(t, stages, 2, "a build stage and the runtime image")
	build, runtime := stages[0], stages[1]

	t.Run("the compiler is go.mod's, on the builder's platform, cross-compiling for the target", func(t *testing.T) {
		assert.Equal(t, "--platform=$BUILDPLATFORM golang:"+goVersion(t)+"-trixie AS build", build.from)
		assert.Equal(t, []string{"TARGETOS TARGETARCH"}, build.args("ARG"))
		require.Len(t, build.args("RUN"), 1)
		assert.Regexp(t, `^GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build -trimpath .*-o /out/queuelatency \./queuelatency/cmd/queuelatency$`,
			build.args("RUN")[0])
	})

	t.Run("static, reproducible, and no module download", func(t *testing.T) {
		env := strings.Fields(strings.Join(build.args("ENV"), " "))
		for _, want := range []string{"CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly", "GOPROXY=off"} {
			assert.Contains(t, env, want)
		}
	})

	t.Run("the runtime image: distroless static, non-root by number, no shell step", func(t *testing.T) {
		assert.Regexp(t, `^gcr\.io/distroless/static-debian\d+:nonroot(@sha256:[0-9a-f]{64})?$`, runtime.from)
		assert.Equal(t, []string{"65532:65532"}, runtime.args("USER"))
		assert.Equal(t, []string{`["/queuelatency"]`}, runtime.args("ENTRYPOINT"), "exec form: no shell to run it")
		assert.Equal(t, []string{"--from=build /out/queuelatency /queuelatency"}, runtime.args("COPY"))
		for _, keyword := range []string{"RUN", "VOLUME", "EXPOSE", "CMD", "ADD"} {
			assert.Empty(t, runtime.args(keyword), "%s: the sidecar writes nothing and listens on nothing", keyword)
		}
	})

	t.Run("the ignore file lets through exactly what the build stage copies", func(t *testing.T) {
		b, err := os.ReadFile("Dockerfile.dockerignore")
		require.NoError(t, err)
		var allowed []string
		for _, l := range strings.Split(string(b), "\n") {
			if p, ok := strings.CutPrefix(strings.TrimSpace(l), "!"); ok {
				allowed = append(allowed, p)
			}
		}
		assert.Contains(t, string(b), "\n*\n", "everything else is left out of the context")
		var copied []string
		for _, c := range build.args("COPY") {
			f := strings.Fields(c)
			copied = append(copied, f[:len(f)-1]...)
		}
		slices.Sort(allowed)
		slices.Sort(copied)
		assert.Equal(t, copied, allowed)
	})
}

// The build stage's go build, run here on the files the stage copies and nothing else: an empty module
// cache and GOPROXY=off, for both platforms the image is built for. It fails if the package starts
// needing a module, or stops building for arm64.
func TestBinaryBuildsAsTheDockerfileDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the binary twice")
	}
	ctx := t.TempDir()
	for _, p := range []string{"../go.mod", "../go.sum"} {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(ctx, filepath.Base(p)), b, 0o644))
	}
	require.NoError(t, os.CopyFS(filepath.Join(ctx, "queuelatency"), os.DirFS(".")))

	for _, arch := range []string{"arm64", "amd64"} {
		t.Run(arch, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "queuelatency")
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./queuelatency/cmd/queuelatency")
			cmd.Dir = ctx
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly", "GOPROXY=off",
				"GOWORK=off", "GOMODCACHE="+t.TempDir(), "GOOS=linux", "GOARCH="+arch)
			b, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", b)

			f, err := elf.Open(out)
			require.NoError(t, err)
			defer f.Close()
			want := map[string]elf.Machine{"arm64": elf.EM_AARCH64, "amd64": elf.EM_X86_64}[arch]
			assert.Equal(t, want, f.Machine)
			for _, p := range f.Progs {
				assert.NotEqual(t, elf.PT_INTERP, p.Type, "statically linked: distroless/static has no libc")
			}
		})
	}
}
