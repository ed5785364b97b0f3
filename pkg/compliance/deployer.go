package compliance

import (
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The deployer's controls: what an auditor asks of the identities that change the stacks, judged over the
// bootstrap's plan (`go run ./bootstrap plan --stack <account> --report compliance`). The stack's own
// report judges what they deploy; this one judges who may deploy it, and how far they reach.

// DeployerControls are CC6.1 (least privilege of the deploy, preview and push identities) and CC8.1 (a
// change reaches a stack only through its reviewed trigger).
func DeployerControls() []Control {
	return []Control{
		{ID: "CC6.1", Title: "Logical access: the deploy identities are least privilege", Checks: []Check{
			{ID: "Deployer.NoWildcards", Title: `no deploy, preview or push policy allows "*" or "<service>:*" actions`,
				Types: []string{tPolicy, tRolePolicy}, Each: noWildcardActions},
			{ID: "Deployer.BoundedRoles", Title: "roles may be created or given policies only with the stack's permissions boundary",
				Types: []string{tPolicy}, Each: boundedRoleWrites},
			{ID: "Deployer.OwnState", Title: "state objects are granted per stack, never the whole backend",
				Types: []string{tPolicy, tRolePolicy}, Each: ownStateOnly},
			{ID: "Deployer.Sessions", Title: "role sessions last at most two hours", Types: []string{tRole}, Each: shortSessions},
		}},
		{ID: "CC8.1", Title: "Change management: a stack changes only through its reviewed trigger", Checks: []Check{
			{ID: "Deployer.Trust", Title: "GitHub roles trust one repository subject (branch, environment or pull request) and the STS audience",
				Types: []string{tRole}, Each: pinnedTrust},
		}},
	}
}

// EvaluateDeployer runs DeployerControls over a bootstrap plan.
func EvaluateDeployer(rec *plan.Recorder) Report {
	return evaluate(rec, Report{Env: "deploy identities", Deployer: true}, DeployerControls())
}

func policyOf(r *plan.Resource) (iampolicy.Document, bool) {
	d, err := iampolicy.Parse(r.Str("policy"))
	return d, err == nil
}

// roleWrites are the IAM actions that give a role its permissions.
var roleWrites = []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"}

func boundedRoleWrites(_ *view, r *plan.Resource) []Evidence {
	d, ok := policyOf(r)
	if !ok {
		return []Evidence{ev(r, "policy", "unreadable", false)}
	}
	var out []Evidence
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range s.Action {
			for _, w := range roleWrites {
				if !strings.EqualFold(a, w) {
					continue
				}
				b := s.Condition["StringEquals"]["iam:PermissionsBoundary"]
				out = append(out, ev(r, s.Sid+" "+a+" iam:PermissionsBoundary", strings.Join(b, ","), len(b) == 1))
			}
		}
	}
	if len(out) == 0 {
		out = append(out, ev(r, "role writes", "none", true))
	}
	return out
}

func ownStateOnly(_ *view, r *plan.Resource) []Evidence {
	d, ok := policyOf(r)
	if !ok {
		return []Evidence{ev(r, "policy", "unreadable", false)}
	}
	var wide []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, res := range s.Resource {
			if strings.HasSuffix(res, "/.pulumi/*") || strings.HasSuffix(res, "/.pulumi/stacks/*") {
				wide = append(wide, s.Sid+" "+res)
			}
		}
	}
	return []Evidence{ev(r, "whole-backend object grants", strings.Join(wide, ", "), len(wide) == 0)}
}

func shortSessions(_ *view, r *plan.Resource) []Evidence {
	n, _ := r.In("maxSessionDuration").(float64)
	return []Evidence{ev(r, "maxSessionDuration", n, n > 0 && n <= 7200)}
}

func pinnedTrust(_ *view, r *plan.Resource) []Evidence {
	d, err := iampolicy.Parse(r.Str("assumeRolePolicy"))
	if err != nil {
		return []Evidence{ev(r, "assumeRolePolicy", "unreadable", false)}
	}
	var out []Evidence
	for _, s := range d.Statement {
		if s.Principal == nil || len(s.Principal.Federated) == 0 {
			continue
		}
		eq := s.Condition["StringEquals"]
		aud := eq["token.actions.githubusercontent.com:aud"]
		sub := eq["token.actions.githubusercontent.com:sub"]
		out = append(out,
			ev(r, "aud", strings.Join(aud, ","), len(aud) == 1 && aud[0] == "sts.amazonaws.com"),
			ev(r, "sub", strings.Join(sub, ","), len(sub) == 1 && !strings.ContainsAny(sub[0], "*?") &&
				(strings.Contains(sub[0], ":ref:refs/heads/") || strings.Contains(sub[0], ":environment:") ||
					strings.HasSuffix(sub[0], ":pull_request"))))
	}
	if len(out) == 0 {
		out = append(out, ev(r, "federated trust", "none (a service role)", true))
	}
	return out
}
