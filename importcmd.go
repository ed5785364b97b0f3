package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	composeimport "github.com/fargate-platform/fargate-platform/pkg/compose"
)

// listFlag is a repeatable string flag (-f, --env-file, --profile).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// importCommand is `go run . import compose.yaml [-f override.yaml ...] [--env-file F ...] [--profile P]
// --stack NAME [--json report.json] [--diff] [--set-secrets]`: a Compose project becomes
// Pulumi.<stack>.yaml and import-<stack>.md in the working directory. Exit status 0 when nothing needs the
// user, 3 when something does (the report lists it first), 2 on a usage or load error.
func importCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files, envFiles, profiles listFlag
	fs.Var(&files, "f", "an override file, merged in order (repeatable)")
	fs.Var(&envFiles, "env-file", "a file interpolation reads (repeatable; default the project's .env)")
	fs.Var(&profiles, "profile", "a profile to activate (repeatable)")
	stack := fs.String("stack", "", "the stack to write (Pulumi.<stack>.yaml); required")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	diff := fs.Bool("diff", false, "print what would change in the existing stack file and write nothing")
	setSecrets := fs.Bool("set-secrets", false, "run `pulumi config set --secret` for every secret whose value the project holds")
	o := composeimport.Options{Project: "fargate-platform"}
	fs.StringVar(&o.Environment, "environment", "", "the stack's environment (dev, staging, prod)")
	fs.StringVar(&o.Region, "region", "", "aws:region")
	fs.StringVar(&o.Domain, "domain", "", "the domain the app is served on")
	fs.StringVar(&o.ZoneId, "zone-id", "", "the Cloudflare zone id")
	fs.StringVar(&o.AppImageTag, "app-image-tag", "", "appImageTag (default: the app image's tag, when immutable)")
	fs.StringVar(&o.NginxImageTag, "nginx-image-tag", "", "nginxImageTag")
	// The Compose file comes first, flags after it (flag stops at the first non-flag argument).
	var main string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		main, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if main == "" && fs.NArg() > 0 {
		main = fs.Arg(0)
	}
	if main == "" || *stack == "" {
		fmt.Fprintln(stderr, "usage: import compose.yaml [-f override.yaml ...] [--env-file F ...] [--profile P] --stack NAME [--json report.json] [--diff] [--set-secrets]")
		return 2
	}
	o.Stack = *stack
	p, err := composeimport.Load(context.Background(), composeimport.LoadOptions{Files: append([]string{main}, files...), EnvFiles: envFiles, Profiles: profiles})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	res := composeimport.Import(p, o)
	stackPath := "Pulumi." + *stack + ".yaml"
	old, _ := os.ReadFile(stackPath)
	file, err := res.StackFile(o.Project, old)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *diff {
		fmt.Fprint(stdout, composeimport.Diff(old, file))
		return exitFor(res)
	}
	report := res.Report.Markdown()
	writes := map[string][]byte{stackPath: file, "import-" + *stack + ".md": report}
	if *jsonOut != "" {
		j, err := res.Report.JSON()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		writes[*jsonOut] = j
	}
	for path, b := range writes {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	if *setSecrets {
		dir, _ := filepath.Abs(".")
		for _, c := range res.SecretCommands(dir) {
			c.Stdout, c.Stderr = stdout, stderr
			if err := c.Run(); err != nil {
				fmt.Fprintf(stderr, "import: %s: %v\n", strings.Join(c.Args[:6], " "), err)
				return 2
			}
		}
	}
	fmt.Fprintf(stdout, "wrote %s and import-%s.md: %d service(s), %d item(s) need you\n", stackPath, *stack, len(res.Services), res.Report.NeedsYou)
	return exitFor(res)
}

func exitFor(res *composeimport.Result) int {
	if res.Report.NeedsYou > 0 {
		return 3
	}
	return 0
}
