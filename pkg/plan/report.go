package plan

import (
	"io"
	"os"
)

// ReportOptions are what the plan command's flags ask of a report.
type ReportOptions struct {
	// Verbose (--verbose) asks for the evidence behind every verdict, not only the verdicts.
	Verbose bool
	// JSON (--json FILE) receives the whole report as JSON, for CI to keep or parse; nil without the flag.
	JSON io.Writer
}

// Report is a check over a recorded plan, chosen with --report NAME. It writes its result to w (and, when
// opts.JSON is set, the whole report there) and returns whether the plan passed. An error means the report
// could not be written, not that the plan failed.
type Report func(rec *Recorder, sc StackConfig, opts ReportOptions, w io.Writer) (pass bool, err error)

// runReport runs a report, handing it the file at jsonPath (created, or truncated) when the path is set.
func runReport(fn Report, rec *Recorder, sc StackConfig, opts ReportOptions, jsonPath string, w io.Writer) (bool, error) {
	if jsonPath == "" {
		return fn(rec, sc, opts, w)
	}
	f, err := os.Create(jsonPath)
	if err != nil {
		return false, err
	}
	opts.JSON = f
	pass, err := fn(rec, sc, opts, w)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return pass, err
}
