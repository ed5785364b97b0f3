// Package rules checks a recorded plan against what AWS and Cloudflare will refuse, before anything is
// created. Pulumi's mocks accept any value; a real `pulumi up` does not, and its first refusal often comes
// twenty minutes into a deploy. Each rule is a row of Table: the resource type, the property, the limit,
// the document or provider source that states it, and the fix. `plan` runs every row over every resource
// and fails on a violation.
//
// Physical names are computed as the real engine computes them, not read from the mock: an explicit name
// is taken as given; an auto-named resource gets its logical name plus the provider's separator and random
// suffix (pulumi-aws provider/resources.go; most types "-" and 7 hex characters). The bridge refuses an
// auto-name longer than the provider's maximum rather than truncating it (pulumi-terraform-bridge
// pkg/tfbridge/info/autonaming.go, ComputeAutoNameDefault calls resource.NewUniqueName, which errors when
// len(prefix)+randlen > maxlen), so no rule assumes truncation.
package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Rule is one limit a provider enforces on one resource type.
type Rule struct {
	// ID names the rule in a failure, e.g. "name.lb-target-group".
	ID string
	// Type is the resource type token the rule reads.
	Type string
	// Property is the input (or inputs) the rule reads.
	Property string
	// Limit is what the provider accepts, as a sentence.
	Limit string
	// Source is where the limit is written: an AWS or Cloudflare document, or the provider's source.
	Source string
	// Fix says what to change when the rule fails.
	Fix string

	// check returns the resource's violations of the rule; claim returns the keys the resource claims.
	// A row has one of the two.
	check func(r *plan.Resource, in *input) []finding
	claim func(r *plan.Resource, in *input) []claimKey
	// named: the resource's explicit name is claimed under physicalNameClaim.
	named *naming
}

// finding is one offending value and what is wrong with it.
type finding struct {
	value  string // the value, as the provider would receive it
	detail string // what is wrong with it ("36 characters")
}

// Stack is what the rules need to know about the stack beyond its resources.
type Stack struct {
	// Account and Region place the stack; claims are scoped by them. Default plan.Account and the plan's
	// region.
	Account string
	Region  string
	// Zone is the name of the Cloudflare zone the stack's records live in (example.com). Required when the
	// plan has proxied records: their edge certificates depend on it.
	Zone string
	// AdvancedCertificates says the zone has Advanced Certificate Manager, whose certificates cover
	// hostnames deeper than Universal SSL's one level.
	AdvancedCertificates bool
}

// Violation is one resource value a rule refuses.
type Violation struct {
	Rule   Rule
	URN    string
	Value  string
	Detail string
}

// Error is the line `plan` prints: the rule, the resource, the value, the limit, its source and the fix.
func (v Violation) Error() string {
	what := v.Rule.Limit
	if v.Detail != "" {
		what = v.Detail + "; " + v.Rule.Limit
	}
	return fmt.Sprintf("rule %s: %s: %s = %q: %s (source: %s); fix: %s",
		v.Rule.ID, v.URN, v.Rule.Property, v.Value, what, v.Rule.Source, v.Rule.Fix)
}

// Table is every rule, in the order they are checked and documented.
func Table() []Rule {
	var all []Rule
	all = append(all, nameRules()...)
	all = append(all, crossFieldRules()...)
	all = append(all, efsRules()...)
	all = append(all, edgeRules()...)
	all = append(all, listenerRuleRules()...)
	all = append(all, claimRules()...)
	return append(all, physicalNameClaim)
}

// Check runs every rule over every resource of the plan, including the claims a single stack must not make
// twice, and returns the violations in a stable order.
func Check(rec *plan.Recorder, s Stack) []Violation {
	in := newInput(rec, s)
	var out []Violation
	for _, rule := range Table() {
		if rule.check == nil {
			continue
		}
		for _, r := range in.byType[rule.Type] {
			for _, f := range rule.check(r, in) {
				out = append(out, Violation{Rule: rule, URN: r.URN, Value: f.value, Detail: f.detail})
			}
		}
	}
	claims := Claims(rec, s)
	out = append(out, conflicts(claims, claims, true)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rule.ID != out[j].Rule.ID {
			return out[i].Rule.ID < out[j].Rule.ID
		}
		return out[i].URN < out[j].URN
	})
	return out
}

// Errors turns violations into the errors `plan` prints, one line each.
func Errors(vs []Violation) []error {
	out := make([]error, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// input is a plan indexed for the rules.
type input struct {
	Stack
	rec    *plan.Recorder
	byType map[string][]*plan.Resource
}

func newInput(rec *plan.Recorder, s Stack) *input {
	if s.Account == "" {
		s.Account = plan.Account
	}
	if s.Region == "" {
		s.Region = rec.Region
	}
	s.Zone = strings.TrimSuffix(strings.ToLower(s.Zone), ".")
	in := &input{Stack: s, rec: rec, byType: map[string][]*plan.Resource{}}
	for _, r := range rec.Resources() {
		if r.Custom {
			in.byType[r.Type] = append(in.byType[r.Type], r)
		}
	}
	return in
}

// str returns a known string input at path, or "" and false when it is unset, unknown or secret.
func str(r *plan.Resource, path string) (string, bool) {
	s, ok := r.In(path).(string)
	if !ok || s == "" || s == "[unknown]" || s == "[secret]" {
		return "", false
	}
	return s, true
}

// num returns a number input at path (numbers arrive as float64, as in JSON, or as numeric strings).
func num(r *plan.Resource, path string) (int, bool) {
	switch v := r.In(path).(type) {
	case float64:
		return int(v), true
	case string:
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); err == nil {
			return n, true
		}
	}
	return 0, false
}
