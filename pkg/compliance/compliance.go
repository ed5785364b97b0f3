// Package compliance evaluates the SOC 2 controls the platform supports over a recorded plan: each
// control is a set of checks, named after AWS Security Hub's Foundational Security Best Practices
// controls where one exists, and each check reads every resource of the types it concerns, so a resource
// added later without the control fails. The report carries, for every check, the resources' URNs and the
// property values read, and is meant to be kept as audit evidence.
//
// A check marked prod-only concerns availability or cost (Multi-AZ, deletion protection, replicas,
// backups of a cache): a dev stack may relax it and the report says so. Encryption, IAM and network
// boundaries are never relaxed. A check over a resource type the plan does not hold fails ("a plan
// missing its database is not compliant"), unless the check says why the type is optional.
package compliance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Evidence is one property of one resource a check read, and whether it satisfies the check.
type Evidence struct {
	URN      string
	Property string
	Value    string
	Pass     bool
}

// CheckResult is a check's verdict with its evidence. Skipped says why the verdict needed no resources
// (an optional type absent) or why a failure does not count (a prod-only check in dev).
type CheckResult struct {
	ID, Title string
	Pass      bool
	Evidence  []Evidence
	Skipped   string
	// Resources are the evidence grouped by the resource it is about, in the order first read.
	Resources []ResourceResult
	// Unit names what Resources count when they are not resources of the plan (alarms' metrics).
	Unit string
}

// ResourceResult is the evidence a check read of one resource, and whether all of it passes. Type is the
// resource's type, or "" for evidence about the plan as a whole ("(plan)", "(alarms)").
type ResourceResult struct {
	URN, Type string
	Pass      bool
	Evidence  []Evidence
}

// Passing counts the resources whose evidence all passes, of all the check read.
func (c CheckResult) Passing() (pass, total int) {
	for _, r := range c.Resources {
		if r.Pass {
			pass++
		}
	}
	return pass, len(c.Resources)
}

// ControlResult is a SOC 2 control's checks.
type ControlResult struct {
	ID, Title string
	Checks    []CheckResult
}

// Pass reports whether every check of the control passed.
func (c ControlResult) Pass() bool {
	for _, ch := range c.Checks {
		if !ch.Pass {
			return false
		}
	}
	return true
}

// Report is the evaluation of every control over one plan.
type Report struct {
	Env      string
	Controls []ControlResult
	// Deployer marks the report of the deploy identities (EvaluateDeployer): no Security Hub summary.
	Deployer bool
}

// Passed reports whether every control passed.
func (r Report) Passed() bool {
	for _, c := range r.Controls {
		if !c.Pass() {
			return false
		}
	}
	return true
}

// Check returns the results of a check id in every control that holds it (a check may serve two
// controls), or nil.
func (r Report) Check(id string) []CheckResult {
	var out []CheckResult
	for _, c := range r.Controls {
		for _, ch := range c.Checks {
			if ch.ID == id {
				out = append(out, ch)
			}
		}
	}
	return out
}

// Failed returns "<control> <check>" for every failed check.
func (r Report) Failed() []string {
	var out []string
	for _, c := range r.Controls {
		for _, ch := range c.Checks {
			if !ch.Pass {
				out = append(out, c.ID+" "+ch.ID)
			}
		}
	}
	return out
}

func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

// IsProd reports whether an environment is held to every control: prod and staging (where a prod change
// is proven), and anything unknown, which gets the strictest reading.
func IsProd(env string) bool { return env != "dev" }

// Evaluate runs every control over a plan for an environment ("dev", "staging" or "prod").
func Evaluate(rec *plan.Recorder, env string) Report {
	return evaluate(rec, Report{Env: env}, Controls())
}

// evaluate runs controls over a plan into report.
func evaluate(rec *plan.Recorder, report Report, controls []Control) Report {
	env := report.Env
	if report.Deployer {
		env = "prod" // the deploy identities are held to every check
	}
	v := newView(rec, env)
	for _, c := range controls {
		cr := ControlResult{ID: c.ID, Title: c.Title}
		for _, ch := range c.Checks {
			cr.Checks = append(cr.Checks, ch.evaluate(v))
		}
		report.Controls = append(report.Controls, cr)
	}
	return report
}

// Control is a SOC 2 criterion and the checks that implement it.
type Control struct {
	ID, Title string
	Checks    []Check
}

// Check is one verifiable setting over every resource of some types.
type Check struct {
	ID, Title string
	// Types are the resource types the check reads, every one of them.
	Types []string
	// ProdOnly marks an availability or cost item a dev stack may relax.
	ProdOnly bool
	// Optional, when set, says why a plan without any resource of Types passes.
	Optional string
	// Deviation, when set, accepts the failure of the resources it covers outside prod (natinstance.go).
	Deviation *Deviation
	// Unit names what the report counts for a check whose evidence is about the plan as a whole rather
	// than one resource per line (default: the resources' types).
	Unit string
	// Each returns the evidence for one resource; the check passes when every line passes.
	Each func(v *view, r *plan.Resource) []Evidence
}

func (c Check) evaluate(v *view) CheckResult {
	res := c.verdict(v)
	res.Unit = c.Unit
	res.Resources = group(v.rec, res.Evidence)
	return res
}

// group collects evidence by resource; evidence about the plan as a whole ("(alarms)") is one entry per
// line, so the count says how many of its requirements hold.
func group(rec *plan.Recorder, evidence []Evidence) []ResourceResult {
	var out []ResourceResult
	at := map[string]int{}
	for _, e := range evidence {
		key := e.URN
		typ := ""
		if r := rec.Get(e.URN); r != nil {
			typ = r.Type
		} else {
			key += " " + e.Property
		}
		i, seen := at[key]
		if !seen {
			i = len(out)
			at[key] = i
			out = append(out, ResourceResult{URN: e.URN, Type: typ, Pass: true})
		}
		out[i].Evidence = append(out[i].Evidence, e)
		out[i].Pass = out[i].Pass && e.Pass
	}
	return out
}

func (c Check) verdict(v *view) CheckResult {
	res := CheckResult{ID: c.ID, Title: c.Title}
	var rs []*plan.Resource
	for _, t := range c.Types {
		rs = append(rs, v.rec.ByType(t)...)
	}
	if len(rs) == 0 {
		if c.Optional != "" {
			res.Pass, res.Skipped = true, "none in the plan: "+c.Optional
			return res
		}
		res.Evidence = []Evidence{{URN: "(plan)", Property: "resources of type " + strings.Join(c.Types, " or "), Value: "none", Pass: false}}
		return res
	}
	res.Pass = true
	var accepted []string
	for _, r := range rs {
		pass := true
		for _, e := range c.Each(v, r) {
			res.Evidence = append(res.Evidence, e)
			pass = pass && e.Pass
		}
		if !pass && c.Deviation != nil && !v.prod && c.Deviation.Covers(v, r) {
			accepted = append(accepted, r.Name)
			continue
		}
		res.Pass = res.Pass && pass
	}
	if len(accepted) > 0 {
		res.Skipped = "deliberate deviation in " + v.env + " for " + strings.Join(accepted, ", ") + ", " + c.Deviation.Why
	}
	if !res.Pass && c.ProdOnly && !v.prod {
		res.Pass, res.Skipped = true, "relaxed in "+v.env+": availability/cost item required in prod"
	}
	return res
}

// view is a plan with the lookups checks share.
type view struct {
	rec  *plan.Recorder
	env  string
	prod bool
}

func newView(rec *plan.Recorder, env string) *view {
	return &view{rec: rec, env: env, prod: IsProd(env)}
}

// ev is one evidence line.
func ev(r *plan.Resource, property string, value any, pass bool) Evidence {
	return Evidence{URN: r.URN, Property: property, Value: show(value), Pass: pass}
}

// show prints a property value as the report shows it.
func show(v any) string {
	switch t := v.(type) {
	case nil:
		return "(unset)"
	case string:
		if t == "" {
			return `""`
		}
		return t
	case float64:
		return fmt.Sprintf("%g", t)
	case []string:
		return "[" + strings.Join(t, ", ") + "]"
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + show(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// isTrue reports whether an input is the boolean true.
func isTrue(r *plan.Resource, path string) bool { return r.In(path) == true }

// num returns a numeric input, and whether it is set.
func num(r *plan.Resource, path string) (float64, bool) {
	f, ok := r.In(path).(float64)
	return f, ok
}

// list returns a list input.
func list(r *plan.Resource, path string) []any {
	l, _ := r.In(path).([]any)
	return l
}

// names are the values a resource is referred to by in other resources' inputs: its id, its name and
// bucket outputs (a bucket's configuration names the bucket, a lifecycle policy its repository).
func names(r *plan.Resource) []string {
	out := []string{}
	if r.ID != "" {
		out = append(out, r.ID)
	}
	for _, k := range []string{"name", "bucket", "arn"} {
		if s, ok := r.Outputs[k].(string); ok && s != "" {
			out = append(out, s)
		}
		if s := r.Str(k); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// referring returns the resources of a type whose input at path names r.
func (v *view) referring(typ, path string, r *plan.Resource) []*plan.Resource {
	var out []*plan.Resource
	ids := names(r)
	for _, c := range v.rec.ByType(typ) {
		ref := c.Str(path)
		for _, id := range ids {
			if ref == id {
				out = append(out, c)
				break
			}
		}
	}
	return out
}
