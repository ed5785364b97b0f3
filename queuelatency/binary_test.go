//go:build unix

package queuelatency

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// binary builds cmd/queuelatency once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "queuelatency-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "queuelatency")
		buildOut, buildErr = exec.Command("go", "build", "-o", binPath, "./cmd/queuelatency").CombinedOutput()
	})
	require.NoError(t, buildErr, string(buildOut))
	return binPath
}

// sidecar is the real binary running with an environment of the test's.
type sidecar struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line
	stderr *lockedBuffer
	done   chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startSidecar(t *testing.T, env map[string]string) *sidecar {
	t.Helper()
	cmd := exec.Command(binary(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	s := &sidecar{cmd: cmd, lines: make(chan string, 100), stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	require.NoError(t, cmd.Start())
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("sidecar stderr:\n%s", s.stderr.String())
		}
	})
	return s
}

// next waits for the next stdout line.
func (s *sidecar) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-s.lines:
		require.True(t, ok, "stdout closed")
		return l
	case <-time.After(10 * time.Second):
		t.Fatalf("no stdout line in 10s")
		return ""
	}
}

// stop sends SIGTERM, as ECS does, and returns the exit code.
func (s *sidecar) stop(t *testing.T) int {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5s after SIGTERM")
	}
	return s.cmd.ProcessState.ExitCode()
}

// waitStderr waits until stderr contains want.
func (s *sidecar) waitStderr(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.stderr.String(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("stderr never contained %q", want)
}

func TestSidecarBinaryReadsSidekiqOverTLSAndStopsOnSIGTERM(t *testing.T) {
	r := startRedis(t, redisServerOptions{password: "s3cret-token", tls: true})
	before := time.Now()
	enq := func(d time.Duration) string {
		return strconv.FormatFloat(float64(before.Add(-d).UnixMicro())/1e6, 'f', 6, 64)
	}
	r.cmd(t, "LPUSH", "queue:default", job(enq(2*time.Minute)))
	r.cmd(t, "LPUSH", "queue:default", job(enq(10*time.Second)))
	r.cmd(t, "LPUSH", "queue:mailers", job(strconv.FormatInt(before.Add(-30*time.Second).UnixMilli(), 10))) // Sidekiq 8

	s := startSidecar(t, map[string]string{
		"REDIS_URL":      r.url("rediss", "localhost"),
		"REDIS_PASSWORD": "s3cret-token",
		"SSL_CERT_FILE":  r.caFile, // crypto/x509's system roots on Linux: here, the test's CA alone
		"SERVICE":        "fp-test-worker",
		"QUEUES":         "mailers,default,empty",
	})
	series := map[string]float64{}
	for range 4 {
		for k, v := range requireEMF(t, s.next(t)) {
			series[k] = v
		}
	}
	elapsed := time.Since(before).Seconds()
	within := func(key string, wait float64) {
		t.Helper()
		require.Contains(t, series, key)
		assert.GreaterOrEqual(t, series[key], wait)
		assert.LessOrEqual(t, series[key], wait+elapsed+0.001)
	}
	within("fargate-platform/Queues|QueueLatency|Queue=default,Service=fp-test-worker", 120)
	within("fargate-platform/Queues|QueueLatency|Queue=mailers,Service=fp-test-worker", 30)
	within("fargate-platform/Queues|QueueLatency|Service=fp-test-worker", 120)
	assert.Equal(t, float64(0), series["fargate-platform/Queues|QueueLatency|Queue=empty,Service=fp-test-worker"])
	assert.Len(t, series, 4)

	assert.Equal(t, 0, s.stop(t), "SIGTERM is a clean stop")
	logs := s.stderr.String()
	assert.Contains(t, logs, `"msg":"started"`)
	assert.Contains(t, logs, `"msg":"stopped"`)
	assert.NotContains(t, logs, "s3cret-token")
	assert.NotContains(t, logs, `"level":"ERROR"`)
}

func TestSidecarBinaryPrintsNothingWhenRedisIsUnreachable(t *testing.T) {
	s := startSidecar(t, map[string]string{
		"REDIS_URL": "rediss://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/0",
		"SERVICE":   "fp-test-worker",
	})
	s.waitStderr(t, `"msg":"queue latency not read: no metric for this interval"`)
	assert.Contains(t, s.stderr.String(), "connection refused")
	assert.Equal(t, 0, s.stop(t), "a read error does not stop the sidecar; SIGTERM does")
	var stdout []string
	for l := range s.lines {
		stdout = append(stdout, l)
	}
	assert.Empty(t, stdout, "no line: never a zero for a queue it could not read")

	// Every stderr line is one JSON object.
	for _, l := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		assert.True(t, json.Valid([]byte(l)), l)
	}
}

func TestSidecarBinaryRefusesAConfigurationAtStart(t *testing.T) {
	tests := []struct {
		name    string
		give    map[string]string
		wantErr string
	}{
		{"no SERVICE", map[string]string{"REDIS_URL": "rediss://cache:6379/0"}, `SERVICE \"\"`},
		{"no REDIS_URL", map[string]string{"SERVICE": "w"}, "REDIS_URL is not set"},
		{"a password in a bad URL is not echoed", map[string]string{"SERVICE": "w", "REDIS_URL": "http://u:hunter2@cache"}, `REDIS_URL: scheme \"http\"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSidecar(t, tt.give)
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
				t.Fatalf("still running")
			}
			assert.Equal(t, 2, s.cmd.ProcessState.ExitCode())
			logs := s.stderr.String()
			assert.Contains(t, logs, `"msg":"configuration: not starting"`)
			assert.Contains(t, logs, tt.wantErr)
			assert.NotContains(t, logs, "hunter2")
			_, open := <-s.lines
			assert.False(t, open, "nothing on stdout")
		})
	}
}
