// Package compose imports a Docker Compose project into this program's services model: it loads the
// project with Compose's own parser (compose-go), classifies every service (an app service with a role, a
// store the stack replaces with a managed one, a development tool, a proxy the ALB replaces), maps each key
// it can carry, and produces the stack config values (Pulumi.<stack>.yaml) and a Report that names every
// service and key as mapped, changed, dropped or needing the user. It creates no Pulumi resource.
//
// Load → Import → Render: the shape of kompose's loader and transformers (a model in between, and an item
// for every key it cannot carry), never dropping a key silently.
package compose

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// LoadOptions say which files make the project.
type LoadOptions struct {
	// Files are the Compose file and its overrides, merged in order as `docker compose -f a -f b` does.
	Files []string
	// EnvFiles are the files interpolation reads (`--env-file`; default the project's .env, when present).
	// The shell environment is never read, so an import is the same on every machine.
	EnvFiles []string
	// Profiles are the profiles to activate (`--profile`); services of other profiles are left out.
	Profiles []string
}

// Project is a loaded Compose project and what the importer needs beyond compose-go's model.
type Project struct {
	*types.Project
	// EnvFileValues are each service's variables read from its env_file entries, by service.
	EnvFileValues map[string]map[string]string
	// MissingEnvFiles are env_file paths that do not exist, by service (a .env kept out of the repository).
	MissingEnvFiles map[string][]string
	// Defaults are the literal defaults written in the files (`${NAME:-value}`), by variable name.
	Defaults map[string]string
	// Anchored are the services whose definition carries a YAML anchor that another service merges.
	Anchored map[string]bool
	// Extensions are the top-level x- keys of the files.
	Extensions []string
}

var defaultRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}]*)\}`)

// Load reads the project. Interpolation sees only the env files given (or the project's .env); env_file
// entries are read by the importer itself, so a missing one (the production .env nobody commits) is
// reported instead of failing the load.
func Load(ctx context.Context, o LoadOptions) (*Project, error) {
	if len(o.Files) == 0 {
		return nil, fmt.Errorf("compose: no Compose file given")
	}
	dir, err := filepath.Abs(filepath.Dir(o.Files[0]))
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	envFiles := o.EnvFiles
	if len(envFiles) == 0 {
		if _, err := os.Stat(filepath.Join(dir, ".env")); err == nil {
			envFiles = []string{filepath.Join(dir, ".env")}
		}
	}
	env, err := dotenv.GetEnvFromFile(map[string]string{}, envFiles)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	var kv []string
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	opts, err := cli.NewProjectOptions(o.Files,
		cli.WithWorkingDirectory(dir),
		cli.WithEnv(kv),
		cli.WithProfiles(o.Profiles),
		cli.WithoutEnvironmentResolution,
	)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	proj, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	p := &Project{Project: proj, EnvFileValues: map[string]map[string]string{}, MissingEnvFiles: map[string][]string{},
		Defaults: map[string]string{}, Anchored: map[string]bool{}}
	for name, s := range proj.Services {
		vals := map[string]string{}
		for _, f := range s.EnvFiles {
			if _, err := os.Stat(f.Path); err != nil {
				rel, _ := filepath.Rel(dir, f.Path)
				p.MissingEnvFiles[name] = append(p.MissingEnvFiles[name], rel)
				continue
			}
			m, err := dotenv.GetEnvFromFile(env, []string{f.Path})
			if err != nil {
				return nil, fmt.Errorf("compose: service %s: %w", name, err)
			}
			for k, v := range m {
				vals[k] = v
			}
		}
		p.EnvFileValues[name] = vals
	}
	for _, f := range o.Files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		for _, m := range defaultRe.FindAllStringSubmatch(string(raw), -1) {
			if m[2] != "" {
				p.Defaults[m[1]] = m[2]
			}
		}
		var doc yaml.Node
		if yaml.Unmarshal(raw, &doc) == nil && len(doc.Content) == 1 {
			top := doc.Content[0]
			for i := 0; i+1 < len(top.Content); i += 2 {
				key := top.Content[i].Value
				if strings.HasPrefix(key, "x-") {
					p.Extensions = append(p.Extensions, key)
				}
				if key != "services" {
					continue
				}
				svcs := top.Content[i+1]
				for j := 0; j+1 < len(svcs.Content); j += 2 {
					if svcs.Content[j+1].Anchor != "" {
						p.Anchored[svcs.Content[j].Value] = true
					}
				}
			}
		}
	}
	sort.Strings(p.Extensions)
	return p, nil
}

// Env is a service's environment as the container would see it: env_file values, then `environment`
// (which wins, as in Compose). A name without a value (passed through from the shell) maps to nil.
func (p *Project) Env(name string) map[string]*string {
	out := map[string]*string{}
	for k, v := range p.EnvFileValues[name] {
		v := v
		out[k] = &v
	}
	for k, v := range p.Services[name].Environment {
		if v == nil {
			if _, fromFile := out[k]; fromFile {
				continue
			}
		}
		out[k] = v
	}
	return out
}
