package compliance

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Write prints the report compactly: a line per control and a line per check with PASS or FAIL and how
// many of the resources it read pass, the URNs of the failing ones under a FAIL, a line counting the
// Security Hub controls by how the report covers them, and a final verdict naming the failed checks.
func (r Report) Write(w io.Writer) { r.write(w, false) }

// Emit is the report as `plan --report compliance` gives it: Write, or WriteVerbose with --verbose, the
// JSON to --json's file, and whether every control passed.
func (r Report) Emit(opts plan.ReportOptions, w io.Writer) (bool, error) {
	if opts.Verbose {
		r.WriteVerbose(w)
	} else {
		r.Write(w)
	}
	if opts.JSON != nil {
		if err := r.WriteJSON(opts.JSON); err != nil {
			return false, err
		}
	}
	return r.Passed(), nil
}

// WriteVerbose prints what Write prints with the evidence behind every check (each property read, of
// each resource, with its value) and every Security Hub control the report does not check, with why.
func (r Report) WriteVerbose(w io.Writer) { r.write(w, true) }

func (r Report) write(w io.Writer, verbose bool) {
	if r.Deployer {
		fmt.Fprintf(w, "SOC 2 compliance report (%s)\n", r.Env)
	} else {
		fmt.Fprintf(w, "SOC 2 compliance report (environment %s)\n", r.Env)
	}
	for _, c := range r.Controls {
		if verbose {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s %s\n", verdict(c.Pass()), c.ID, c.Title)
		for _, ch := range c.Checks {
			fmt.Fprintf(w, "  %s %s %s  %s\n", verdict(ch.Pass), ch.ID, ch.Title, ch.count())
			for _, res := range ch.Resources {
				switch {
				case verbose:
					for _, e := range res.Evidence {
						fmt.Fprintf(w, "      %s %s %s = %s\n", verdict(e.Pass), e.URN, e.Property, e.Value)
					}
				case !res.Pass && (ch.Skipped == "" || !ch.Pass):
					fmt.Fprintf(w, "      %s\n", res.name())
				}
			}
		}
	}
	fmt.Fprintln(w)
	if !r.Deployer {
		fmt.Fprintln(w, securityHubSummary())
	}
	if verbose && !r.Deployer {
		for _, cov := range []Coverage{NotAdopted, Runtime, Account, NotApplicable} {
			fmt.Fprintf(w, "\nSecurity Hub controls %s:\n", headings[cov])
			for _, c := range SecurityHub {
				if c.Coverage == cov {
					fmt.Fprintf(w, "  %s %s: %s\n", c.ID, c.Title, c.Why)
				}
			}
		}
	}
	if failed := r.Failed(); len(failed) > 0 {
		fmt.Fprintf(w, "FAIL: %d check(s) failed: %s\n", len(failed), strings.Join(failed, ", "))
		return
	}
	fmt.Fprintf(w, "PASS: every control holds for %s\n", r.Env)
}

// headings introduce the Security Hub controls the report does not check, by why.
var headings = map[Coverage]string{
	NotAdopted:    "not adopted (Security Hub reports them FAILED; each is a decision)",
	Runtime:       "that need runtime data",
	Account:       "on account settings, outside the plan",
	NotApplicable: "that do not apply (the program creates nothing they evaluate)",
}

// count is a check's "passing/total <things>" and, when it was skipped or relaxed, why.
func (c CheckResult) count() string {
	if len(c.Resources) == 0 {
		return c.Skipped
	}
	if len(c.Resources) == 1 && c.Resources[0].URN == "(plan)" {
		return "none in the plan: " + c.Resources[0].Evidence[0].Property
	}
	pass, total := c.Passing()
	s := fmt.Sprintf("%d/%d %s", pass, total, c.noun(total))
	if c.Skipped != "" {
		s += " (" + c.Skipped + ")"
	}
	return s
}

// noun names what a check counted: its Unit, or the types of the resources it read.
func (c CheckResult) noun(n int) string {
	if c.Unit != "" {
		return plural(c.Unit, n)
	}
	var kinds []string
	for _, r := range c.Resources {
		k := plural(nounOf(r.Type), n)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) > 2 {
		return plural("resource", n)
	}
	return strings.Join(kinds, " and ")
}

// nouns are the words the report counts resources by.
var nouns = map[string]string{
	tBucket: "bucket", tBucketLegacy: "bucket", tKey: "key", tRolePolicy: "role policy", tPolicy: "policy",
	tRole: "role", tAttachment: "policy attachment", tTaskDefinition: "task definition", tService: "ECS service",
	tCluster: "ECS cluster", tRepository: "repository", tLoadBalancer: "load balancer", tListener: "listener",
	tDbInstance: "DB instance", tCache: "replication group", tSecret: "secret", tParameter: "parameter",
	tLogGroup: "log group", tAlarm: "alarm", tTopic: "topic", tVpc: "VPC", tSubnet: "subnet",
	tDefaultSG: "default security group", tSecurityGroup: "security group", tIngress: "ingress rule",
	tSGRuleLegacy: "security group rule", tTrail: "trail", tDetector: "detector", tCertificate: "certificate",
}

func nounOf(typ string) string {
	if n, ok := nouns[typ]; ok {
		return n
	}
	if typ == "" {
		return "requirement"
	}
	return typ[strings.LastIndex(typ, ":")+1:]
}

func plural(noun string, n int) string {
	switch {
	case n == 1:
		return noun
	case strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ey"):
		return strings.TrimSuffix(noun, "y") + "ies"
	}
	return noun + "s"
}

// name is how a failing resource is listed: its URN, or for evidence about the plan as a whole the
// requirement that failed.
func (r ResourceResult) name() string {
	if r.Type != "" {
		return r.URN
	}
	e := r.Evidence[0]
	return e.URN + " " + e.Property + " = " + e.Value
}

// securityHubSummary counts the Security Hub controls of the services the program uses by how the
// report covers them.
func securityHubSummary() string {
	n := map[Coverage]int{}
	fsbp := 0
	for _, c := range SecurityHub {
		n[c.Coverage]++
		if c.FSBP {
			fsbp++
		}
	}
	return fmt.Sprintf("Security Hub: %d controls (%d of them FSBP) cover the resource types of this program: %d checked above, "+
		"%d not adopted, %d need runtime data, %d account-level, %d not applicable (--verbose lists them; docs/SOC2.md explains each)",
		len(SecurityHub), fsbp, n[Checked], n[NotAdopted], n[Runtime], n[Account], n[NotApplicable])
}

// jsonReport is the report as WriteJSON writes it.
type jsonReport struct {
	Environment string            `json:"environment"`
	Pass        bool              `json:"pass"`
	Failed      []string          `json:"failed"`
	Controls    []jsonControl     `json:"controls"`
	SecurityHub []jsonSecurityHub `json:"securityHub"`
}

type jsonControl struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Pass   bool        `json:"pass"`
	Checks []jsonCheck `json:"checks"`
}

type jsonCheck struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Pass      bool           `json:"pass"`
	Skipped   string         `json:"skipped,omitempty"`
	Passing   int            `json:"passing"`
	Total     int            `json:"total"`
	Resources []jsonResource `json:"resources"`
}

type jsonResource struct {
	URN      string         `json:"urn"`
	Type     string         `json:"type,omitempty"`
	Pass     bool           `json:"pass"`
	Evidence []jsonEvidence `json:"evidence"`
}

type jsonEvidence struct {
	Property string `json:"property"`
	Value    string `json:"value"`
	Pass     bool   `json:"pass"`
}

type jsonSecurityHub struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	FSBP     bool     `json:"fsbp"`
	Resource string   `json:"resource"`
	Types    []string `json:"types"`
	Coverage Coverage `json:"coverage"`
	Checks   []string `json:"checks,omitempty"`
	Why      string   `json:"why,omitempty"`
	Source   string   `json:"source"`
}

// WriteJSON writes the whole report as JSON for CI: every control and check with its verdict, every
// resource it read with each property and value, and every Security Hub control with how the report covers
// it and where AWS defines it.
func (r Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Environment: r.Env, Pass: r.Passed(), Failed: r.Failed()}
	if out.Failed == nil {
		out.Failed = []string{}
	}
	for _, c := range r.Controls {
		jc := jsonControl{ID: c.ID, Title: c.Title, Pass: c.Pass()}
		for _, ch := range c.Checks {
			pass, total := ch.Passing()
			jch := jsonCheck{ID: ch.ID, Title: ch.Title, Pass: ch.Pass, Skipped: ch.Skipped, Passing: pass, Total: total,
				Resources: []jsonResource{}}
			for _, res := range ch.Resources {
				jr := jsonResource{URN: res.URN, Type: res.Type, Pass: res.Pass}
				for _, e := range res.Evidence {
					jr.Evidence = append(jr.Evidence, jsonEvidence{Property: e.Property, Value: e.Value, Pass: e.Pass})
				}
				jch.Resources = append(jch.Resources, jr)
			}
			jc.Checks = append(jc.Checks, jch)
		}
		out.Controls = append(out.Controls, jc)
	}
	for _, c := range SecurityHub {
		out.SecurityHub = append(out.SecurityHub, jsonSecurityHub{ID: c.ID, Title: c.Title, FSBP: c.FSBP, Resource: c.Resource,
			Types: c.Types, Coverage: c.Coverage, Checks: c.Checks, Why: c.Why, Source: c.Source()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("compliance: %w", err)
	}
	return nil
}
