// Command costdiff prints, as Markdown for a pull request comment, what the head commit does to each
// stack's monthly cost: `go run ./internal/costdiff BASE.json HEAD.json [BASE.json HEAD.json ...]`, each
// pair the `plan --report cost --json` of one stack at the base and at the head. A base file that is
// missing or empty (the base predates the cost report) counts as a stack that cost nothing.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/fargate-platform/fargate-platform/pkg/cost"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "costdiff:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	if len(args) == 0 || len(args)%2 != 0 {
		return errors.New("usage: costdiff BASE.json HEAD.json [BASE.json HEAD.json ...]")
	}
	fmt.Fprintln(w, "### Monthly cost at list prices (`go run . plan --stack NAME --report cost`)")
	fmt.Fprintln(w)
	for i := 0; i < len(args); i += 2 {
		before, err := read(args[i], true)
		if err != nil {
			return err
		}
		after, err := read(args[i+1], false)
		if err != nil {
			return err
		}
		if before.Stack == "" {
			fmt.Fprintf(w, "_%s: the base has no cost report, so it counts as $0._\n\n", after.Stack)
		}
		cost.Diff(before, after).WriteMarkdown(w)
	}
	fmt.Fprintln(w, "Traffic, log volume and the Spot discount are the report's assumptions; `--verbose` shows every line.")
	return nil
}

// read reads one report; a missing or empty base is an empty report.
func read(path string, base bool) (cost.Report, error) {
	data, err := os.ReadFile(path)
	if base && (errors.Is(err, fs.ErrNotExist) || (err == nil && len(data) == 0)) {
		return cost.Report{}, nil
	}
	if err != nil {
		return cost.Report{}, err
	}
	r, err := cost.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return cost.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
