package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/edge"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const tListenerRule = "aws:lb/listenerRule:ListenerRule"

// listenerRuleRules are what CreateRule refuses in the routes' listener rules (pkg/edge refuses the same
// values before planning; these hold whatever else plans a rule).
func listenerRuleRules() []Rule {
	const (
		elb   = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
		guide = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	)
	return []Rule{
		{
			ID: "lb.listener-rule-priority", Type: tListenerRule, Property: "listenerArn, priority",
			Limit:  "a priority from 1 to 50000, and no two rules of one listener with the same priority (PriorityInUse)",
			Source: elb + "API_CreateRule.html (Priority; PriorityInUseException)",
			Fix:    "give each route its own priority (edge.Route.Priority)",
			check:  listenerRulePriority,
		},
		{
			ID: "lb.listener-rule-conditions", Type: tListenerRule, Property: "conditions",
			Limit: fmt.Sprintf("at most one host-header and one path-pattern condition, %d values per condition, %d values and %d wildcards (* ?) per rule; "+
				"hosts up to %d characters of A-Z a-z 0-9 - . * ? with a \".\" and only letters after the last; paths up to %d characters of "+
				`A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`,
				edge.MaxValuesPerCondition, edge.MaxRouteConditionValues, edge.MaxRouteWildcards, edge.MaxConditionValueLength, edge.MaxConditionValueLength),
			Source: elb + "API_RuleCondition.html; " + guide + "rule-condition-types.html (condition basics); " +
				guide + "load-balancer-limits.html (condition values, wildcards and match evaluations per rule: 5)",
			Fix:   "split the route's hosts and paths over two routes, or use fewer wildcards",
			check: listenerRuleConditions,
		},
	}
}

func listenerRulePriority(r *plan.Resource, in *input) []finding {
	p, ok := num(r, "priority")
	if !ok {
		return nil
	}
	if p < edge.MinRulePriority || p > edge.MaxRulePriority {
		return []finding{{value: fmt.Sprint(p), detail: fmt.Sprintf("outside %d to %d", edge.MinRulePriority, edge.MaxRulePriority)}}
	}
	listener, ok := str(r, "listenerArn")
	if !ok {
		return nil
	}
	var others []string
	for _, o := range in.byType[tListenerRule] {
		if op, ok := num(o, "priority"); ok && o.URN != r.URN && op == p && o.Str("listenerArn") == listener {
			others = append(others, o.URN)
		}
	}
	if len(others) == 0 {
		return nil
	}
	sort.Strings(others)
	return []finding{{value: fmt.Sprint(p), detail: "also the priority of " + strings.Join(others, ", ") + " on the same listener"}}
}

func listenerRuleConditions(r *plan.Resource, _ *input) []finding {
	conditions, _ := r.In("conditions").([]any)
	var hosts, paths []string
	var nHost, nPath int
	for _, c := range conditions {
		m, _ := c.(map[string]any)
		if h, ok := m["hostHeader"].(map[string]any); ok {
			nHost++
			hosts = append(hosts, stringsOf(h["values"])...)
		}
		if p, ok := m["pathPattern"].(map[string]any); ok {
			nPath++
			paths = append(paths, stringsOf(p["values"])...)
		}
	}
	value := strings.Join(append(append([]string{}, hosts...), paths...), ",")
	switch {
	case nHost > 1 || nPath > 1:
		return []finding{{value: value, detail: fmt.Sprintf("%d host-header and %d path-pattern conditions, want at most one of each", nHost, nPath)}}
	case len(hosts) == 0 && len(paths) == 0:
		return nil // other condition types (http-header, source-ip, ...) are not the routes'
	}
	if p := edge.ConditionProblem(hosts, paths); p != "" {
		return []finding{{value: value, detail: p}}
	}
	return nil
}

// stringsOf is a list input as strings (unknown values skipped).
func stringsOf(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok && s != "[unknown]" {
			out = append(out, s)
		}
	}
	return out
}
