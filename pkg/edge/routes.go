package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Route is one more web service behind the HTTPS listener.
//
// The main web service keeps the listener's default action (TargetGroupArn); each Route adds a target group
// and a listener rule that forwards the requests its conditions match to it. A request must match every
// condition the rule has (the host and the path when both are given) and any one value of each. WebSockets
// need nothing more: an ALB upgrades an HTTP/1.1 connection to a WebSocket through an ordinary forward
// action, on HTTPS listeners too ("WebSockets", https://docs.aws.amazon.com/elasticloadbalancing/latest/
// application/load-balancer-listeners.html). The ALB's idle timeout (IdleTimeoutSeconds) closes a
// WebSocket that stays silent longer, so the app must ping more often (Action Cable pings every 3 s).
type Route struct {
	// Name is the service's name, a DNS label of at most 20 characters (MaxRouteNameLength); it names the
	// route's target group, listener rule and tags ("<component>-<Name>"). Required; unique among the
	// routes; "web" is the main web service's.
	Name string
	// Port is the port its targets listen on (the container port), 1 to 65535. Required.
	Port int
	// HealthCheckPath is the target group's health check path. Default the Args.HealthCheckPath.
	HealthCheckPath string
	// Hosts are host-header values (case-insensitive, * and ? allowed, e.g. "ws.example.com",
	// "*.example.com"). Optional, but a route needs Hosts or Paths.
	Hosts []string
	// Paths are path-pattern values (case-sensitive, * and ? allowed, e.g. "/cable", "/cable/*"); a pattern
	// is compared with the path only, never the query string. Optional, but a route needs Hosts or Paths.
	Paths []string
	// Priority is the listener rule's priority, 1 to 50000, unique among the routes: the ALB evaluates rules
	// from the lowest value up, and the default action (the main web service) last. Required.
	Priority int
}

// ALB limits the routes are held to before any resource exists. Sources:
//   - RuleCondition, HostHeaderConditionConfig, PathPatternConditionConfig (Elastic Load Balancing API
//     Reference, https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html):
//     a host name is case-insensitive, up to 128 characters, of A-Z a-z 0-9 - . * ?, with at least one "."
//     and only letters after the last one; a path pattern is case-sensitive, up to 128 characters, of
//     A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ? (the & written &amp; in the query API, which the SDK does).
//   - "Condition types for listener rules", condition basics (https://docs.aws.amazon.com/
//     elasticloadbalancing/latest/application/rule-condition-types.html): at most one host-header and one
//     path-pattern condition per rule, up to three match evaluations (values) per condition, up to five per
//     rule, and at most five wildcards per rule.
//   - "Quotas for your Application Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/
//     application/load-balancer-limits.html): condition values per rule 5, condition wildcards per rule 5,
//     match evaluations per rule 5, target groups per Application Load Balancer 100 (not adjustable).
//   - CreateRule (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html):
//     priority 1 to 50000, unique per listener (PriorityInUse).
const (
	// MaxRouteNameLength keeps "<component>-<route>" readable in tags and the target group's name within
	// 32 characters (see routeTargetGroupName).
	MaxRouteNameLength = 20
	// MaxRouteConditionValues is the values of a rule's conditions together (hosts and paths).
	MaxRouteConditionValues = 5
	// MaxValuesPerCondition is the values of one condition (the hosts, or the paths).
	MaxValuesPerCondition = 3
	// MaxRouteWildcards is the * and ? characters of a rule's values together.
	MaxRouteWildcards = 5
	// MaxConditionValueLength is the characters of one host or path value.
	MaxConditionValueLength = 128
	// MinRulePriority and MaxRulePriority bound a listener rule's priority.
	MinRulePriority, MaxRulePriority = 1, 50000
	// MaxRoutes leaves room for the main web service's target group within the 100 target groups an ALB
	// may use.
	MaxRoutes = 99
)

var (
	routeName   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	hostValue   = regexp.MustCompile(`^[A-Za-z0-9.*?-]*\.[A-Za-z]+$`)
	pathValue   = regexp.MustCompile(`^[A-Za-z0-9_\-.$/~"'@:+&*?]+$`)
	hostAllowed = "A-Z a-z 0-9 - . * ?, with at least one \".\" and only letters after the last"
	pathAllowed = `A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`
)

// ConditionProblem says what an ALB refuses in one rule's host-header and path-pattern values ("" when
// nothing): the count per condition and per rule, the wildcards per rule, and each value's length and
// characters. pkg/rules holds planned listener rules to the same limits. It is the ALB's limits, no tighter:
// routesWithDefaults also wants paths that can match (starting with / or *).
func ConditionProblem(hosts, paths []string) string {
	switch {
	case len(hosts) == 0 && len(paths) == 0:
		return "no Hosts and no Paths: a route needs at least one host or path value"
	case len(hosts) > MaxValuesPerCondition:
		return fmt.Sprintf("Hosts has %d values, want at most %d (match evaluations per condition)", len(hosts), MaxValuesPerCondition)
	case len(paths) > MaxValuesPerCondition:
		return fmt.Sprintf("Paths has %d values, want at most %d (match evaluations per condition)", len(paths), MaxValuesPerCondition)
	case len(hosts)+len(paths) > MaxRouteConditionValues:
		return fmt.Sprintf("Hosts and Paths have %d values together, want at most %d (condition values per rule)", len(hosts)+len(paths), MaxRouteConditionValues)
	}
	wildcards := 0
	for i, h := range hosts {
		if len(h) > MaxConditionValueLength || !hostValue.MatchString(h) {
			return fmt.Sprintf("Hosts[%d] %q: want at most %d characters of %s", i, h, MaxConditionValueLength, hostAllowed)
		}
		wildcards += strings.Count(h, "*") + strings.Count(h, "?")
	}
	for i, p := range paths {
		if len(p) > MaxConditionValueLength || !pathValue.MatchString(p) {
			return fmt.Sprintf("Paths[%d] %q: want at most %d characters of %s (case-sensitive)", i, p, MaxConditionValueLength, pathAllowed)
		}
		wildcards += strings.Count(p, "*") + strings.Count(p, "?")
	}
	if wildcards > MaxRouteWildcards {
		return fmt.Sprintf("Hosts and Paths have %d wildcards (* and ?) together, want at most %d (condition wildcards per rule)", wildcards, MaxRouteWildcards)
	}
	return ""
}

// routesWithDefaults fills each route's health check path and checks the routes against each other and the
// ALB's limits; errors name the route, the field, the value and what is allowed.
func routesWithDefaults(routes []Route, healthCheckPath string) ([]Route, error) {
	if len(routes) > MaxRoutes {
		return nil, fmt.Errorf("edge: Routes: %d routes, want at most %d (an ALB uses at most 100 target groups, one is the main web service's)", len(routes), MaxRoutes)
	}
	out := make([]Route, len(routes))
	names, priorities := map[string]int{}, map[int]string{}
	for i, r := range routes {
		r.Hosts = append([]string(nil), r.Hosts...)
		r.Paths = append([]string(nil), r.Paths...)
		at := fmt.Sprintf("edge: Routes[%d] (%s)", i, r.Name)
		if r.HealthCheckPath == "" {
			r.HealthCheckPath = healthCheckPath
		}
		switch {
		case len(r.Name) > MaxRouteNameLength || !routeName.MatchString(r.Name):
			return nil, fmt.Errorf("edge: Routes[%d].Name %q: want a DNS label of 1 to %d characters (lower-case letters, digits and hyphens, no hyphen first or last)", i, r.Name, MaxRouteNameLength)
		case r.Name == "web":
			return nil, fmt.Errorf("%s.Name %q: the main web service's name (its target group's former name is an alias of today's); name the route after its service", at, r.Name)
		case names[r.Name] != 0:
			return nil, fmt.Errorf("%s.Name %q: also Routes[%d]'s; want a name per route", at, r.Name, names[r.Name]-1)
		case r.Port < 1 || r.Port > 65535:
			return nil, fmt.Errorf("%s.Port %d: want the targets' container port, 1 to 65535", at, r.Port)
		case r.Priority < MinRulePriority || r.Priority > MaxRulePriority:
			return nil, fmt.Errorf("%s.Priority %d: want %d to %d", at, r.Priority, MinRulePriority, MaxRulePriority)
		case priorities[r.Priority] != "":
			return nil, fmt.Errorf("%s.Priority %d: also route %s's; want a priority per route (an ALB refuses two rules of one priority on a listener)", at, r.Priority, priorities[r.Priority])
		case !strings.HasPrefix(r.HealthCheckPath, "/") || len(r.HealthCheckPath) > 1024:
			return nil, fmt.Errorf("%s.HealthCheckPath %q: want an absolute path of at most 1024 characters", at, r.HealthCheckPath)
		}
		if p := ConditionProblem(r.Hosts, r.Paths); p != "" {
			return nil, fmt.Errorf("%s: %s", at, p)
		}
		for j, p := range r.Paths {
			// AWS takes any other first character, but such a pattern never matches: request paths start with "/".
			if p[0] != '/' && p[0] != '*' {
				return nil, fmt.Errorf("%s: Paths[%d] %q: want a pattern starting with / or * (request paths start with /)", at, j, p)
			}
		}
		names[r.Name], priorities[r.Priority] = i+1, r.Name
		out[i] = r
	}
	return out, nil
}

// maxTargetGroupLogicalName is the longest logical name a target group may have: pulumi-aws auto-names it
// "<logical name>-<7 random hex>" and refuses (does not truncate) more than 32 characters
// (tfbridge.AutoName("name", 32, "-"); pkg/rules name.lb-target-group).
const maxTargetGroupLogicalName = 32 - 8

// routeTargetGroupName is the logical name of a route's target group: "<component>-<route>" when that fits
// in 24 characters, else its first 17 characters and 6 hex characters of its SHA-256, so that the group stays
// auto-named (a replacement is created before the old group goes, as today's) within 32 characters for any
// valid input (a 24-character component and a 20-character route: 45 characters before shortening).
func routeTargetGroupName(component, route string) string {
	full := component + "-" + route
	if len(full) <= maxTargetGroupLogicalName {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	return strings.TrimRight(full[:maxTargetGroupLogicalName-7], "-") + "-" + hex.EncodeToString(sum[:])[:6]
}

// extraPorts are the routes' ports other than the main web service's, each once, ascending: each needs its
// own ALB egress rule and task ingress rule.
func extraPorts(a Args) []int {
	seen := map[int]bool{a.ContainerPort: true}
	var out []int
	for _, r := range a.Routes {
		if !seen[r.Port] {
			seen[r.Port] = true
			out = append(out, r.Port)
		}
	}
	sort.Ints(out)
	return out
}

// targetGroupArgs are the settings every web target group shares, today's main group's among them:
// registered by IP (Fargate's awsvpc mode), HTTP/1.1 to the targets, 2 passes in, 3 failures out, every 15 s,
// and 30 s of draining instead of the default 300 (requests are short; a WebSocket is cut after 30 s and
// its client reconnects).
func targetGroupArgs(a Args, port int, healthCheckPath string, tags pulumi.StringMap) *lb.TargetGroupArgs {
	return &lb.TargetGroupArgs{
		Port:                pulumi.Int(port),
		Protocol:            pulumi.String("HTTP"),
		ProtocolVersion:     pulumi.String("HTTP1"),
		TargetType:          pulumi.String("ip"),
		VpcId:               a.VpcId,
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Path:               pulumi.String(healthCheckPath),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(15),
			Timeout:            pulumi.Int(5),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: tags,
	}
}

// routes creates each route's target group and the HTTPS listener's rule that forwards to it, and fills
// the Edge's route maps.
func routes(ctx *pulumi.Context, name string, a Args, e *Edge, alb *lb.LoadBalancer, https *lb.Listener, parent pulumi.ResourceOrInvokeOption) error {
	e.RouteTargetGroupArns = map[string]pulumi.StringOutput{}
	e.RouteTargetGroupArnSuffix = map[string]pulumi.StringOutput{}
	e.RouteAlbResourceLabels = map[string]pulumi.StringOutput{}
	for _, r := range a.Routes {
		tags := pulumi.StringMap{"Name": pulumi.String(name + "-" + r.Name)}
		tg, err := lb.NewTargetGroup(ctx, routeTargetGroupName(name, r.Name), targetGroupArgs(a, r.Port, r.HealthCheckPath, tags), parent)
		if err != nil {
			return err
		}

		// One host-header and one path-pattern condition at most (a rule takes one of each); a request must
		// match both when both are given.
		var conditions lb.ListenerRuleConditionArray
		if len(r.Hosts) > 0 {
			conditions = append(conditions, &lb.ListenerRuleConditionArgs{
				HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.ToStringArray(r.Hosts)},
			})
		}
		if len(r.Paths) > 0 {
			conditions = append(conditions, &lb.ListenerRuleConditionArgs{
				PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.ToStringArray(r.Paths)},
			})
		}
		// The route's requests, forwarded to its group; everything else still takes the default action.
		rule, err := lb.NewListenerRule(ctx, name+"-"+r.Name, &lb.ListenerRuleArgs{
			ListenerArn: https.Arn,
			Priority:    pulumi.Int(r.Priority),
			Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
				Type:           pulumi.String("forward"),
				TargetGroupArn: tg.Arn,
			}},
			Conditions: conditions,
			Tags:       tags,
		}, parent)
		if err != nil {
			return err
		}

		// As TargetGroupArn: ECS refuses a target group no load balancer uses, so the ARN waits for the rule.
		e.RouteTargetGroupArns[r.Name] = pulumi.All(tg.Arn, rule.Arn).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
		e.RouteTargetGroupArnSuffix[r.Name] = tg.ArnSuffix
		e.RouteAlbResourceLabels[r.Name] = pulumi.Sprintf("%s/%s", alb.ArnSuffix, tg.ArnSuffix)
	}
	return nil
}

// routeOutputs are the route maps as registered outputs, keyed by route name.
func routeOutputs(e *Edge) pulumi.Map {
	m := func(in map[string]pulumi.StringOutput) pulumi.StringMap {
		out := pulumi.StringMap{}
		for k, v := range in {
			out[k] = v
		}
		return out
	}
	return pulumi.Map{
		"routeTargetGroupArns":      m(e.RouteTargetGroupArns),
		"routeTargetGroupArnSuffix": m(e.RouteTargetGroupArnSuffix),
		"routeAlbResourceLabels":    m(e.RouteAlbResourceLabels),
	}
}
