package plan

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Command describes one program's `plan` subcommand.
type Command struct {
	// Dir holds Pulumi.yaml and the stack files. Default ".".
	Dir string
	// Program is the Pulumi program, the same function `pulumi up` runs.
	Program pulumi.RunFunc
	// RunOptions are given to every run after the mock's own, as `pulumi up` gives them to pulumi.Run
	// (the program's capture of the config it is handed).
	RunOptions []pulumi.RunOption
	// IsConfigError tells a bad stack config (exit 2, message only) from a program failure (exit 1).
	IsConfigError func(error) bool
	// Reports are extra checks over the recorded plan, chosen with --report NAME (see Report); a failure
	// makes the command exit 1.
	Reports map[string]Report
	// Rules checks every recorded plan against what AWS and Cloudflare will refuse (package rules), before
	// any report: each error is one violation, printed on its own line, and any makes the command exit 1.
	// Default none.
	Rules func(rec *Recorder, sc StackConfig) []error
	// Stdout and Stderr default to the process's.
	Stdout, Stderr io.Writer
}

// Run parses args (the words after "plan") and returns the process exit status: 0 planned, 1 the
// program, a plan-time rule or a report failed, 2 bad usage or bad stack config.
func (c Command) Run(args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to plan: reads Pulumi.<stack>.yaml (required)")
	out := fs.String("out", "", "write the plan as `pulumi stack export` JSON to this file (default plan-<stack>.json; - for stdout)")
	report := fs.String("report", "", "run a report over the plan (e.g. compliance); exits 1 when it fails")
	quiet := fs.Bool("quiet", false, "do not print the resource tree")
	verbose := fs.Bool("verbose", false, "with --report: print the evidence behind every verdict")
	jsonOut := fs.String("json", "", "with --report: also write the whole report as JSON to this file (for CI)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stack == "" {
		fmt.Fprintln(stderr, "plan: --stack is required, e.g. `go run . plan --stack dev`")
		return 2
	}
	if (*verbose || *jsonOut != "") && *report == "" {
		fmt.Fprintln(stderr, "plan: --verbose and --json need a report, e.g. `--report compliance --json compliance.json`")
		return 2
	}
	var reportFn Report
	if *report != "" {
		fn, ok := c.Reports[*report]
		if !ok {
			fmt.Fprintf(stderr, "plan: unknown report %q\n", *report)
			return 2
		}
		reportFn = fn
	}
	dir := c.Dir
	if dir == "" {
		dir = "."
	}

	start := time.Now()
	sc, err := LoadStackConfig(dir, *stack)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	rec, err := c.Plan(sc)
	if err != nil {
		if c.IsConfigError != nil && c.IsConfigError(err) {
			// pulumi.RunErr wraps the program's error in a list of one ("1 error occurred: * ..."): print
			// the innermost error that is still the config error, which lists its problems itself.
			for inner := errors.Unwrap(err); inner != nil && c.IsConfigError(inner); inner = errors.Unwrap(inner) {
				err = inner
			}
			fmt.Fprintf(stderr, "plan: stack %s: %v\n", *stack, err)
			return 2
		}
		fmt.Fprintf(stderr, "plan: stack %s: %v\n", *stack, err)
		return 1
	}
	elapsed := time.Since(start)

	if !*quiet {
		rec.WriteTree(stdout)
	}
	path := *out
	if path == "" {
		path = "plan-" + *stack + ".json"
	}
	if path == "-" {
		if err := rec.WriteJSON(stdout, time.Now()); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	} else {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return 1
		}
		if err := rec.WriteJSON(f, time.Now()); err != nil {
			f.Close()
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "plan: %d resources planned in %s; wrote %s\n", len(rec.Resources()),
			elapsed.Round(time.Millisecond), path)
	}
	if c.Rules != nil {
		if violations := c.Rules(rec, sc); len(violations) > 0 {
			for _, v := range violations {
				fmt.Fprintln(stderr, v)
			}
			fmt.Fprintf(stderr, "plan: stack %s: %d plan-time rule violation(s): a deploy would fail on each; fix them first (README, Plan-time rules)\n",
				*stack, len(violations))
			return 1
		}
	}
	if reportFn != nil {
		pass, err := runReport(reportFn, rec, sc, ReportOptions{Verbose: *verbose}, *jsonOut, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "plan: report %s: %v\n", *report, err)
			return 1
		}
		if !pass {
			return 1
		}
	}
	return 0
}

// Plan runs the program for a loaded stack config under the recording mock.
func (c Command) Plan(sc StackConfig) (*Recorder, error) {
	region := sc.Values["aws:region"]
	rec := NewRecorder(sc.Project, sc.Stack, region)
	if err := pulumi.RunErr(c.Program, append(rec.RunOptions(sc.Values, sc.SecretKeys), c.RunOptions...)...); err != nil {
		return rec, err
	}
	return rec, nil
}
