package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const tRule = "aws:lb/listenerRule:ListenerRule"

// cable and api are the routes of a Rails app with Action Cable on its own service and an API on a host.
var (
	cable = Route{Name: "cable", Port: 28080, Paths: []string{"/cable", "/cable/*"}, Priority: 10}
	api   = Route{Name: "api", Port: 3000, HealthCheckPath: "/healthz", Hosts: []string{"api.example.com"}, Paths: []string{"/v1/*"}, Priority: 20}
)

func withRoutes(rs ...Route) Args {
	return with(devArgs(), func(a *Args) { a.Routes = rs })
}

func TestRoutesForwardTheirConditionsToTheirOwnTargetGroups(t *testing.T) {
	tests := []struct {
		name           string
		give           Route
		wantConditions []any
		wantHealth     string
	}{
		{"paths only (a websocket service)", cable,
			[]any{map[string]any{"pathPattern": map[string]any{"values": []any{"/cable", "/cable/*"}}}}, "/up"},
		{"host and paths, both to match", api,
			[]any{map[string]any{"hostHeader": map[string]any{"values": []any{"api.example.com"}}},
				map[string]any{"pathPattern": map[string]any{"values": []any{"/v1/*"}}}}, "/healthz"},
		{"host only", Route{Name: "admin", Port: 8080, Hosts: []string{"admin.example.com", "*.admin.example.com"}, Priority: 50000},
			[]any{map[string]any{"hostHeader": map[string]any{"values": []any{"admin.example.com", "*.admin.example.com"}}}}, "/up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, withRoutes(tt.give), "ap-southeast-2")
			require.Len(t, rec.ByType(tTargetGroup), 2, "the main web service's and the route's")
			require.Len(t, rec.ByType(tRule), 1)
			require.Len(t, rec.ByType(tListener), 1, "still one listener")
			https := one(t, rec, tListener, "fp-test-https")
			main := one(t, rec, tTargetGroup, "fp-test")
			tg := one(t, rec, tTargetGroup, "fp-test-"+tt.give.Name)

			rule := one(t, rec, tRule, "fp-test-"+tt.give.Name)
			assert.Equal(t, https.Outputs["arn"], rule.In("listenerArn"))
			assert.Equal(t, float64(tt.give.Priority), rule.In("priority"))
			assert.Equal(t, []any{map[string]any{"type": "forward", "targetGroupArn": tg.Outputs["arn"]}}, rule.In("actions"))
			assert.Equal(t, tt.wantConditions, rule.In("conditions"))
			assert.Equal(t, map[string]any{"Name": "fp-test-" + tt.give.Name}, rule.In("tags"))
			assert.Regexp(t, `^arn:aws:elasticloadbalancing:ap-southeast-2:\d{12}:listener-rule/app/fp-test/[0-9a-f]+/[0-9a-f]+/[0-9a-f]+$`, rule.Outputs["arn"])

			// The default action is the main web service's, untouched.
			assert.Equal(t, main.Outputs["arn"], https.In("defaultActions.0.targetGroupArn"))
			assert.Equal(t, float64(8080), main.In("port"))

			// The route's group: today's settings on the route's port and health path.
			assert.Equal(t, float64(tt.give.Port), tg.In("port"))
			assert.Equal(t, map[string]any{"Name": "fp-test-" + tt.give.Name}, tg.In("tags"))
			assert.Equal(t, tt.wantHealth, tg.Str("healthCheck.path"))
			assert.Nil(t, tg.In("name"), "auto-named, so a replacement is created before the old group goes")
			assert.Nil(t, tg.In("namePrefix"))
			for _, k := range []string{"protocol", "protocolVersion", "targetType", "vpcId", "deregistrationDelay",
				"healthCheck.enabled", "healthCheck.protocol", "healthCheck.port", "healthCheck.matcher", "healthCheck.interval",
				"healthCheck.timeout", "healthCheck.healthyThreshold", "healthCheck.unhealthyThreshold"} {
				assert.Equal(t, main.In(k), tg.In(k), k)
			}
			assert.Equal(t, "HTTP1", tg.Str("protocolVersion"))
			assert.Equal(t, "ip", tg.Str("targetType"))
			assert.Equal(t, float64(30), tg.In("deregistrationDelay"))
		})
	}
}

func TestNoRoutesNoRules(t *testing.T) {
	rec := run(t, devArgs(), "ap-southeast-2")
	assert.Len(t, rec.ByType(tRule), 0)
	assert.Len(t, rec.ByType(tTargetGroup), 1)
}

// TestRouteTargetGroupNamesStayWithin32 computes the physical name as pulumi-aws does (logical name, "-"
// and 7 random characters; it refuses more than 32) for the longest component and route names.
func TestRouteTargetGroupNamesStayWithin32(t *testing.T) {
	long24, long20 := "fargate-platform-staging", "streaming-websockets"
	require.Len(t, long24, 24)
	require.Len(t, long20, MaxRouteNameLength)
	cases := []struct {
		component, route, want string
	}{
		{"fp-test", "cable", "fp-test-cable"},
		{"fargate-platform-prod", "ws", "fargate-platform-prod-ws"}, // exactly 24: kept whole
		{"fargate-platform-prod", "cable", "fargate-platform-" + hash6("fargate-platform-prod-cable")},
		{long24, long20, "fargate-platform-" + hash6(long24+"-"+long20)},
		{long24, "a", "fargate-platform-" + hash6(long24+"-a")},
		// Cut at a hyphen: the hyphen goes, never two in a row.
		{"abcdefghijklmnop", "websockets", "abcdefghijklmnop-" + hash6("abcdefghijklmnop-websockets")},
	}
	for _, tt := range cases {
		t.Run(tt.component+"/"+tt.route, func(t *testing.T) {
			got := routeTargetGroupName(tt.component, tt.route)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got+"-1a2b3c4"), 32)
			assert.NotContains(t, got, "--")
			assert.True(t, strings.HasPrefix(got, tt.component[:min(len(tt.component), 16)]), "starts with the component's name")
		})
	}
	// Two routes of a 24-character component differ although their first 17 characters do not.
	assert.NotEqual(t, routeTargetGroupName(long24, "cable"), routeTargetGroupName(long24, "cables"))

	// And planned: the mock auto-names as the engine does.
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	args := with(devArgs(), func(a *Args) {
		a.Routes = []Route{{Name: long20, Port: 8080, Paths: []string{"/a"}, Priority: 1}, {Name: "b", Port: 8080, Paths: []string{"/b"}, Priority: 2}}
	})
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, long24, &args)
		return err
	}, rec.RunOptions(nil, nil)...))
	tgs := rec.ByType(tTargetGroup)
	require.Len(t, tgs, 3)
	for _, tg := range tgs {
		assert.LessOrEqual(t, len(tg.Outputs["name"].(string)), 32, tg.Name)
	}
	assert.Equal(t, map[string]any{"Name": long24 + "-" + long20}, one(t, rec, tTargetGroup, routeTargetGroupName(long24, long20)).In("tags"))
}

// hash6 is the first 6 hex characters of s's SHA-256, written out here so the test does not reuse the code.
func hash6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:6]
}

// ingressOnService and egressFromAlb are the service group's ingress and the ALB group's egress, as
// "port <- referenced group" and "port -> referenced group", sorted.
func sgPorts(t *testing.T, rec *plan.Recorder) (ingress, egress []string) {
	t.Helper()
	albSg := one(t, rec, tSg, "fp-test-alb").ID
	for _, r := range rec.ByType(tIngress) {
		if r.Str("securityGroupId") == serviceSg {
			assert.Equal(t, "tcp", r.Str("ipProtocol"))
			assert.Equal(t, r.In("fromPort"), r.In("toPort"))
			assert.Equal(t, albSg, r.Str("referencedSecurityGroupId"), r.Name)
			assert.Nil(t, r.In("cidrIpv4"))
			ingress = append(ingress, fmt.Sprintf("%v", r.In("fromPort")))
		}
	}
	for _, r := range rec.ByType(tEgress) {
		require.Equal(t, albSg, r.Str("securityGroupId"))
		assert.Equal(t, "tcp", r.Str("ipProtocol"))
		assert.Equal(t, r.In("fromPort"), r.In("toPort"))
		assert.Equal(t, serviceSg, r.Str("referencedSecurityGroupId"), r.Name)
		assert.Nil(t, r.In("cidrIpv4"))
		egress = append(egress, fmt.Sprintf("%v", r.In("fromPort")))
	}
	sort.Strings(ingress)
	sort.Strings(egress)
	return ingress, egress
}

func TestOneIngressAndOneEgressRulePerDistinctPort(t *testing.T) {
	tests := []struct {
		name  string
		give  []Route
		want  []string
		names []string // the extra rules' logical names
	}{
		{"no routes: nginx's port only", nil, []string{"8080"}, nil},
		{"a route on nginx's port adds none", []Route{{Name: "admin", Port: 8080, Hosts: []string{"admin.example.com"}, Priority: 5}}, []string{"8080"}, nil},
		{"two ports, one shared by two routes", []Route{cable, api, {Name: "cable2", Port: 28080, Paths: []string{"/cable2"}, Priority: 11}},
			[]string{"28080", "3000", "8080"}, []string{"fp-test-web-from-alb-3000", "fp-test-web-from-alb-28080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, withRoutes(tt.give...), "ap-southeast-2")
			ingress, egress := sgPorts(t, rec)
			assert.Equal(t, tt.want, ingress)
			assert.Equal(t, tt.want, egress)
			// Today's pair keeps its names; the others are named by port.
			one(t, rec, tIngress, "fp-test-web-from-alb")
			one(t, rec, tEgress, "fp-test-alb-to-web")
			for _, n := range tt.names {
				one(t, rec, tIngress, n)
				one(t, rec, tEgress, strings.Replace(n, "web-from-alb", "alb-to-web", 1))
			}
		})
	}
}

func TestRouteOutputsWaitForTheirRules(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	args := withRoutes(cable, api)
	var e *Edge
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		if e, err = New(ctx, "fp-test", &args); err != nil {
			return err
		}
		for _, r := range []string{"cable", "api"} {
			for n, v := range map[string]pulumi.StringOutput{"tg": e.RouteTargetGroupArns[r], "suffix": e.RouteTargetGroupArnSuffix[r], "label": e.RouteAlbResourceLabels[r]} {
				if _, err := ssm.NewParameter(ctx, "consumer-"+r+"-"+n, &ssm.ParameterArgs{
					Type: pulumi.String("String"), Value: pulumi.String("-"), Description: v}); err != nil {
					return err
				}
			}
		}
		return nil
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	assert.Len(t, e.RouteTargetGroupArns, 2)
	alb := one(t, rec, tAlb, "fp-test-alb")
	for _, r := range []string{"cable", "api"} {
		tg := one(t, rec, tTargetGroup, "fp-test-"+r)
		consumer := one(t, rec, "aws:ssm/parameter:Parameter", "consumer-"+r+"-tg")
		assert.Equal(t, tg.Outputs["arn"], consumer.In("description"))
		assert.Contains(t, consumer.Dependencies, one(t, rec, tRule, "fp-test-"+r).URN, "ECS must not see the group before a rule uses it")
		assert.Equal(t, tg.Outputs["arnSuffix"], one(t, rec, "aws:ssm/parameter:Parameter", "consumer-"+r+"-suffix").In("description"))
		label := one(t, rec, "aws:ssm/parameter:Parameter", "consumer-"+r+"-label").Str("description")
		assert.Equal(t, fmt.Sprintf("%s/%s", alb.Outputs["arnSuffix"], tg.Outputs["arnSuffix"]), label)
		assert.Regexp(t, `^app/fp-test/[0-9a-f]+/targetgroup/fp-test-`+r+`-[0-9a-f]+/[0-9a-f]+$`, label)
	}
}

func TestBadRoutesRegisterNothing(t *testing.T) {
	route := func(change func(*Route)) []Route {
		r := Route{Name: "cable", Port: 28080, Paths: []string{"/cable"}, Priority: 10}
		change(&r)
		return []Route{r}
	}
	many := make([]Route, MaxRoutes+1)
	for i := range many {
		many[i] = Route{Name: fmt.Sprintf("r%d", i), Port: 8080, Paths: []string{fmt.Sprintf("/r%d", i)}, Priority: i + 1}
	}
	tests := []struct {
		name    string
		give    []Route
		wantErr string
	}{
		{"no host, no path", route(func(r *Route) { r.Paths = nil }), "Routes[0] (cable): no Hosts and no Paths"},
		{"name too long", route(func(r *Route) { r.Name = "streaming-websockets1" }), `Routes[0].Name "streaming-websockets1": want a DNS label of 1 to 20`},
		{"name not a DNS label", route(func(r *Route) { r.Name = "Cable_Service" }), `Routes[0].Name "Cable_Service"`},
		{"name ends in a hyphen", route(func(r *Route) { r.Name = "cable-" }), `Routes[0].Name "cable-"`},
		{"the main service's name", route(func(r *Route) { r.Name = "web" }), `Routes[0] (web).Name "web": the main web service's name`},
		{"duplicate name", []Route{cable, with2(cable, func(r *Route) { r.Priority = 11 })}, `Routes[1] (cable).Name "cable": also Routes[0]'s`},
		{"duplicate priority", []Route{cable, with2(api, func(r *Route) { r.Priority = 10 })}, "Routes[1] (api).Priority 10: also route cable's"},
		{"priority 0", route(func(r *Route) { r.Priority = 0 }), "Routes[0] (cable).Priority 0: want 1 to 50000"},
		{"priority above 50000", route(func(r *Route) { r.Priority = 50001 }), "Priority 50001: want 1 to 50000"},
		{"no port", route(func(r *Route) { r.Port = 0 }), "Routes[0] (cable).Port 0: want the targets' container port, 1 to 65535"},
		{"port too high", route(func(r *Route) { r.Port = 65536 }), "Port 65536"},
		{"relative health path", route(func(r *Route) { r.HealthCheckPath = "health" }), `Routes[0] (cable).HealthCheckPath "health": want an absolute path`},
		{"4 paths in one condition", route(func(r *Route) { r.Paths = []string{"/a", "/b", "/c", "/d"} }), "Paths has 4 values, want at most 3"},
		{"4 hosts in one condition", route(func(r *Route) { r.Hosts = []string{"a.example.com", "b.example.com", "c.example.com", "d.example.com"} }), "Hosts has 4 values, want at most 3"},
		{"6 values in the rule", route(func(r *Route) {
			r.Hosts = []string{"a.example.com", "b.example.com", "c.example.com"}
			r.Paths = []string{"/a", "/b", "/c"}
		}), "Hosts and Paths have 6 values together, want at most 5"},
		{"6 wildcards", route(func(r *Route) { r.Paths = []string{"/a/*/*", "/b/*/*", "/c/??"} }), "6 wildcards (* and ?) together, want at most 5"},
		{"path of 129", route(func(r *Route) { r.Paths = []string{"/" + strings.Repeat("a", 128)} }), `Paths[0] "/aaaa`},
		{"path with a space", route(func(r *Route) { r.Paths = []string{"/my cable"} }), `Paths[0] "/my cable": want at most 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ? (case-sensitive)`},
		{"path with a query", route(func(r *Route) { r.Paths = []string{"/cable?x=1"} }), `Paths[0] "/cable?x=1"`},
		{"relative path", route(func(r *Route) { r.Paths = []string{"cable"} }), `Paths[0] "cable": want a pattern starting with / or *`},
		{"host without a dot", route(func(r *Route) { r.Hosts = []string{"localhost"} }), `Hosts[0] "localhost": want at most 128 characters of A-Z a-z 0-9 - . * ?`},
		{"host with a wildcard TLD", route(func(r *Route) { r.Hosts = []string{"example.*"} }), `Hosts[0] "example.*"`},
		{"host with a digit after the last dot", route(func(r *Route) { r.Hosts = []string{"10.0.0.1"} }), `Hosts[0] "10.0.0.1"`},
		{"host with a port", route(func(r *Route) { r.Hosts = []string{"app.example.com:443"} }), `Hosts[0] "app.example.com:443"`},
		{"host of 129", route(func(r *Route) { r.Hosts = []string{strings.Repeat("a", 125) + ".com"} }), "Hosts[0]"},
		{"100 routes", many, "Routes: 100 routes, want at most 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			args := withRoutes(tt.give...)
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "edge: Routes")
			assert.Empty(t, rec.Resources())
		})
	}
}

// TestConditionValuesAtTheLimitsPass: the limits are the ALB's, not tighter.
func TestConditionValuesAtTheLimitsPass(t *testing.T) {
	tests := []struct {
		name         string
		hosts, paths []string
	}{
		{"3 hosts and 2 paths", []string{"a.example.com", "*.b.example.com", "c?.example.com"}, []string{"/a", "/b/*"}},
		{"5 wildcards", []string{"*.example.com"}, []string{"/a/*", "/b/??", "*.json"}},
		{"128-character values", []string{strings.Repeat("a", 124) + ".com"}, []string{"/" + strings.Repeat("a", 127)}},
		{"every path character", nil, []string{`/A-Za-z0_9.$~"'@:+&`}},
		{"upper-case host (compared case-insensitively)", []string{"API.Example.COM"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Empty(t, ConditionProblem(tt.hosts, tt.paths))
			rec := run(t, withRoutes(Route{Name: "r", Port: 9000, Hosts: tt.hosts, Paths: tt.paths, Priority: 1}), "ap-southeast-2")
			assert.Len(t, rec.ByType(tRule), 1)
		})
	}
}

func with2(r Route, change func(*Route)) Route {
	change(&r)
	return r
}
