// Package iameval decides, offline, whether IAM would allow one API call inside one account, so tests can
// prove that the deploy roles may make every call a deploy makes and may not make the calls that would
// escalate.
//
// It evaluates the subset of the policy language this program writes (iampolicy documents: Action and
// NotAction, Resource and NotResource, Principal, and the condition operators in condition.go) exactly as
// the IAM User Guide documents it, and refuses everything else loudly: a policy it cannot read gives a
// Decision with Err set, never a silent allow or a silent deny. Sources:
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
//
// Not modelled: SCPs, RCPs, session policies, ACLs, grants, cross-account requests, NotPrincipal, policy
// variables, and the Date, IpAddress and Binary operators (each refused rather than guessed).
package iameval

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// Named is a policy document with the name reports use ("fargate-platform-github-deploy-dev-compute",
// "bucket policy").
type Named struct {
	Name string
	Doc  iampolicy.Document
}

// Request is one API call as IAM sees it.
type Request struct {
	// Principal is the calling role's ARN, arn:aws:iam::<acct>:role/<name> (a role session is treated as
	// its role), a service principal such as "logs.amazonaws.com", or a federated provider's ARN.
	Principal string
	// Action is the IAM action, "s3:PutObject".
	Action string
	// Resource is the ARN the action is authorised against, or "*".
	Resource string
	// Context holds the request context keys (aws:RequestedRegion, aws:TagKeys, iam:PassedToService ...).
	// Key names compare case-insensitively, as AWS does; values as the operator says. Nothing is filled in
	// for the caller: a key the caller leaves out is missing, as it would be from such a request.
	Context map[string][]string
}

// Policies are all the policies that apply to one request.
type Policies struct {
	// Identity holds the principal's identity-based policies (inline and managed).
	Identity []Named
	// Boundary is its permissions boundary; nil means none.
	Boundary []Named
	// Resource is the resource-based policy of the target (bucket, key, topic or trust policy); nil: none.
	Resource *Named
	// ResourcePolicyRequired: the resource policy alone decides whether IAM policies count, as for KMS key
	// policies and role trust policies: access needs the resource policy to allow the principal directly,
	// or to allow the account (arn:aws:iam::<acct>:root) so that identity policies (∩ boundary) can grant it.
	ResourcePolicyRequired bool
}

// Decision is the outcome and the statement that decided it.
type Decision struct {
	Allowed bool
	// Reason is "allowed", "explicit deny", "no statement allows", "not allowed by the permissions
	// boundary", "the resource policy does not allow it" or, with Err, "cannot evaluate: ...".
	Reason string
	// Statement names what decided: "<policy name>/<Sid or #index>"; for an implicit deny, the policy set
	// that lacked an allow.
	Statement string
	// Err is set when a policy or the request could not be read. Such a decision is a deny, but a test that
	// expects a deny must still check Err: an unreadable policy proves nothing.
	Err error
}

// String renders the decision for a test failure message.
func (d Decision) String() string {
	switch {
	case d.Allowed:
		return "allowed by " + d.Statement
	case d.Statement == "":
		return "denied: " + d.Reason
	}
	return fmt.Sprintf("denied: %s (%s)", d.Reason, d.Statement)
}

// Evaluate decides the request as IAM does within one account: an explicit Deny in any policy wins; then
// an Allow is needed from the identity policies or from the resource policy naming the principal, and a
// boundary, when there is one, must allow it too.
func Evaluate(p Policies, r Request) Decision {
	e := evaluation{req: r, ctx: make(map[string][]string, len(r.Context))}
	for k, v := range r.Context {
		e.ctx[strings.ToLower(k)] = v
	}
	if d, bad := p.check(e); bad {
		return d
	}
	var res []Named
	if p.Resource != nil {
		res = []Named{*p.Resource}
	}

	// "If the code finds even one explicit deny that applies, the code returns a final decision of Deny."
	for _, set := range [][]Named{p.Identity, p.Boundary, res} {
		if where, ok := e.find(set, "Deny", anyPrincipal); ok {
			return Decision{Reason: "explicit deny", Statement: where}
		}
	}

	idWhere, idOK := e.find(p.Identity, "Allow", anyPrincipal)
	resWhere, direct := e.find(res, "Allow", directly)
	_, delegated := e.find(res, "Allow", viaAccount)
	var where string
	switch {
	case p.ResourcePolicyRequired && p.Resource == nil:
		return Decision{Reason: "the resource policy does not allow it", Statement: "no resource policy given"}
	case p.ResourcePolicyRequired && !direct && !delegated:
		// "Without permission from the key policy, IAM policies that allow permissions have no effect."
		return Decision{Reason: "the resource policy does not allow it", Statement: p.Resource.Name}
	case direct:
		where = resWhere
	case idOK: // with ResourcePolicyRequired, only where the resource policy delegates to the account
		where = idWhere
	case p.ResourcePolicyRequired:
		return Decision{Reason: "no statement allows", Statement: setName("identity policies", p.Identity)}
	default:
		return Decision{Reason: "no statement allows", Statement: setName("identity policies", p.Identity) + " and " + setName("resource policy", res)}
	}
	// The boundary limits identity grants and, for a role, resource-policy grants too: "Resource-based
	// policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions
	// boundary or session policy." (evaluation logic, same account).
	if p.Boundary != nil {
		if _, ok := e.find(p.Boundary, "Allow", anyPrincipal); !ok {
			return Decision{Reason: "not allowed by the permissions boundary", Statement: setName("permissions boundary", p.Boundary)}
		}
	}
	return Decision{Allowed: true, Reason: "allowed", Statement: where}
}

// principalTest says which Principal matches count for a resource-policy statement.
type principalTest func(direct, account bool) bool

func anyPrincipal(direct, account bool) bool { return direct || account }
func directly(direct, _ bool) bool           { return direct }
func viaAccount(_, account bool) bool        { return account }

type evaluation struct {
	req Request
	ctx map[string][]string // lower-cased key names
}

// find returns the first statement with this effect that applies to the request.
func (e evaluation) find(set []Named, effect string, who principalTest) (string, bool) {
	for _, n := range set {
		for i, st := range n.Doc.Statement {
			if st.Effect != effect || !e.applies(st) {
				continue
			}
			if st.Principal != nil && !who(principalMatch(st.Principal, e.req.Principal)) {
				continue
			}
			return label(n, i, st), true
		}
	}
	return "", false
}

// applies reports whether the statement's action, resource and every condition match.
func (e evaluation) applies(st iampolicy.Statement) bool {
	action := func(p string) bool { return glob(strings.ToLower(p), strings.ToLower(e.req.Action), nil) }
	resource := func(p string) bool { return resourceMatch(p, e.req.Resource) }
	switch {
	case len(st.Action) > 0 && !slices.ContainsFunc(st.Action, action),
		len(st.NotAction) > 0 && slices.ContainsFunc(st.NotAction, action),
		len(st.Resource) > 0 && !slices.ContainsFunc(st.Resource, resource),
		len(st.NotResource) > 0 && slices.ContainsFunc(st.NotResource, resource):
		return false
	}
	// "all operators AND, all keys AND, values of one key OR" (condition element).
	for name, keys := range st.Condition {
		o, _ := parseOperator(name) // checked before evaluation
		for key, want := range keys {
			got, present := e.ctx[strings.ToLower(key)]
			if !o.holds(want, got, present && len(got) > 0) {
				return false
			}
		}
	}
	return true
}

// principalMatch tells whether a Principal element names the caller directly ("*", its exact ARN, its
// service or federated provider) or through its account. "When you use an AWS account identifier as the
// principal in a policy, you delegate authority to the account. All identities inside the account can
// access the resource if they have the appropriate IAM permissions attached to explicitly allow access."
// (reference_policies_elements_principal.html#principal-accounts)
func principalMatch(p *iampolicy.Principal, who string) (direct, account bool) {
	parts := strings.SplitN(who, ":", 6)
	for _, a := range p.AWS {
		switch {
		case a == "*" || a == who:
			direct = true
		case len(parts) == 6 && parts[4] != "" && (a == parts[4] || a == "arn:"+parts[1]+":iam::"+parts[4]+":root"):
			account = true
		}
	}
	return direct || slices.Contains(p.Service, who) || slices.Contains(p.Federated, who), account
}

// check refuses a request or policy the evaluator cannot read, before anything is decided.
func (p Policies) check(e evaluation) (Decision, bool) {
	r := e.req
	fail := func(where string, err error) (Decision, bool) {
		return Decision{Reason: "cannot evaluate: " + err.Error(), Statement: where, Err: fmt.Errorf("iameval: %s: %w", where, err)}, true
	}
	if r.Principal == "" || r.Resource == "" || !strings.Contains(r.Action, ":") {
		return fail("request", fmt.Errorf("Principal %q, Action %q and Resource %q: all three are required, the action as service:Name", r.Principal, r.Action, r.Resource))
	}
	all := slices.Concat(p.Identity, p.Boundary)
	if p.Resource != nil {
		all = append(all, *p.Resource)
	}
	for j, n := range all {
		for i, st := range n.Doc.Statement {
			if err := checkStatement(st, p.Resource != nil && j == len(all)-1, e.ctx); err != nil {
				return fail(label(n, i, st), err)
			}
		}
	}
	return Decision{}, false
}

func checkStatement(st iampolicy.Statement, resourcePolicy bool, ctx map[string][]string) error {
	switch {
	case st.Effect != "Allow" && st.Effect != "Deny":
		return fmt.Errorf("Effect %q: want Allow or Deny (case-sensitive)", st.Effect)
	case (len(st.Action) > 0) == (len(st.NotAction) > 0):
		return errors.New("give exactly one of Action and NotAction")
	case len(st.Resource) > 0 && len(st.NotResource) > 0:
		return errors.New("give at most one of Resource and NotResource")
	case !resourcePolicy && len(st.Resource) == 0 && len(st.NotResource) == 0:
		return errors.New("an identity or boundary statement needs Resource or NotResource")
	case !resourcePolicy && st.Principal != nil:
		return errors.New("a Principal belongs in resource policies only")
	case resourcePolicy && (st.Principal == nil || len(st.Principal.AWS)+len(st.Principal.Service)+len(st.Principal.Federated) == 0):
		return errors.New("a resource policy statement needs a Principal")
	}
	patterns := slices.Concat(st.Action, st.NotAction, st.Resource, st.NotResource)
	if st.Principal != nil {
		for _, a := range slices.Concat(st.Principal.AWS, st.Principal.Service, st.Principal.Federated) {
			if a != "*" && strings.ContainsAny(a, "*?") {
				return fmt.Errorf("principal %q: IAM allows no wildcard in a principal but \"*\"; use aws:PrincipalArn with ArnLike", a)
			}
			patterns = append(patterns, a)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Condition)) { // sorted: the same error every run
		keys := st.Condition[name]
		o, err := parseOperator(name)
		if err != nil {
			return err
		}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			values := keys[key]
			if err := o.check(key, values, ctx[strings.ToLower(key)]); err != nil {
				return err
			}
			patterns = append(patterns, values...)
		}
	}
	for _, s := range patterns {
		if strings.Contains(s, "${") {
			return fmt.Errorf("%q: policy variables are not evaluated; write the value out", s)
		}
	}
	return nil
}

func label(n Named, i int, st iampolicy.Statement) string {
	if st.Sid != "" {
		return n.Name + "/" + st.Sid
	}
	return fmt.Sprintf("%s/#%d", n.Name, i)
}

func setName(kind string, set []Named) string {
	names := make([]string, 0, len(set))
	for _, n := range set {
		names = append(names, n.Name)
	}
	if len(names) == 0 {
		return kind + " (none)"
	}
	return kind + " (" + strings.Join(names, ", ") + ")"
}
