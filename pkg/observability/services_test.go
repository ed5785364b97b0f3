package observability

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// manyServicesArgs are a stack with three web services, two workers and an internal service.
func manyServicesArgs() Args {
	args := baseArgs()
	args.Services = []ServiceRef{
		{Name: "web", Role: RoleWeb, ServiceName: pulumi.String("fp-test-web"), DesiredMin: 2},
		{Name: "api", Role: RoleWeb, ServiceName: pulumi.String("fp-test-api"), DesiredMin: 3},
		{Name: "worker", Role: RoleWorker, ServiceName: pulumi.String("fp-test-worker"), DesiredMin: 1},
		{Name: "admin", Role: RoleWeb, ServiceName: pulumi.String("fp-test-admin"), DesiredMin: 0},
		{Name: "mailer", Role: RoleWorker, ServiceName: pulumi.String("fp-test-mailer"), DesiredMin: 1},
		{Name: "search", Role: RoleInternal, ServiceName: pulumi.String("fp-test-search"), DesiredMin: 2},
	}
	return args
}

// dashboardOf decodes the one dashboard's body.
func dashboardOf(t *testing.T, rec *plan.Recorder) string {
	t.Helper()
	ds := rec.ByType("aws:cloudwatch/dashboard:Dashboard")
	require.Len(t, ds, 1)
	return ds[0].Str("dashboardBody")
}

type decodedWidget struct {
	Type       string `json:"type"`
	X, Y       int
	Width      int `json:"width"`
	Height     int `json:"height"`
	Properties struct {
		Markdown string  `json:"markdown"`
		Title    string  `json:"title"`
		Metrics  [][]any `json:"metrics"`
	} `json:"properties"`
}

func decode(t *testing.T, body string) []decodedWidget {
	t.Helper()
	var d struct {
		Widgets []decodedWidget `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &d))
	return d.Widgets
}

// TestEveryServiceGetsItsAlarms: each service, whatever its role, has CPU and memory alarms named after
// it on its own ECS service, and a running-tasks alarm at its floor when it has one.
func TestEveryServiceGetsItsAlarms(t *testing.T) {
	alarms := alarmsByName(run(t, manyServicesArgs()))
	tests := []struct {
		service, ecsName string
		wantFloor        string // the running-tasks expression, "" for no alarm
	}{
		{"web", "fp-test-web", "MIN([desired, desired * 0 + 2]) - running"},
		{"api", "fp-test-api", "MIN([desired, desired * 0 + 3]) - running"},
		{"admin", "fp-test-admin", ""},
		{"worker", "fp-test-worker", "MIN([desired, desired * 0 + 1]) - running"},
		{"mailer", "fp-test-mailer", "MIN([desired, desired * 0 + 1]) - running"},
		{"search", "fp-test-search", "MIN([desired, desired * 0 + 2]) - running"},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			dims := map[string]any{"ClusterName": "fp-test", "ServiceName": tt.ecsName}
			for metric, name := range map[string]string{"CPUUtilization": "fp-test-" + tt.service + "-cpu-high", "MemoryUtilization": "fp-test-" + tt.service + "-memory-high"} {
				r := alarms[name]
				require.NotNil(t, r, name)
				assert.Equal(t, "AWS/ECS", r.Str("namespace"), name)
				assert.Equal(t, metric, r.Str("metricName"), name)
				assert.Equal(t, dims, r.In("dimensions"), name)
				assert.Equal(t, float64(85), r.In("threshold"), name)
				assert.True(t, strings.HasPrefix(r.Str("alarmDescription"), tt.service+" service "), name)
			}
			r := alarms["fp-test-"+tt.service+"-running-tasks-low"]
			if tt.wantFloor == "" {
				assert.Nil(t, r, "no floor, no running-tasks alarm")
				return
			}
			require.NotNil(t, r)
			var expr string
			for _, q := range r.In("metricQueries").([]any) {
				q := q.(map[string]any)
				if q["returnData"] == true {
					expr = q["expression"].(string)
					continue
				}
				assert.Equal(t, dims, q["metric"].(map[string]any)["dimensions"])
			}
			assert.Equal(t, tt.wantFloor, expr)
		})
	}
	// 6 services x 2 + 5 floors + 4 ALB + 4 RDS + 3 for the one cache node.
	assert.Len(t, alarms, 12+5+4+4+3)
}

// TestEveryServiceGetsItsDashboardRow: web-role services in section 3, workers and internal services in
// section 5, each in the order given, one full-width row of CPU, memory and tasks on its ECS service.
func TestEveryServiceGetsItsDashboardRow(t *testing.T) {
	widgets := decode(t, dashboardOf(t, run(t, manyServicesArgs())))
	var headings []string
	section := map[string]int{} // service -> section heading index above its row
	var order []string
	for _, w := range widgets {
		if w.Type == "text" {
			headings = append(headings, strings.SplitN(w.Properties.Markdown, "\n", 2)[0])
			continue
		}
		if svc, ok := strings.CutSuffix(w.Properties.Title, " CPU %"); ok && w.Properties.Metrics[0][0] == "AWS/ECS" {
			section[svc] = len(headings)
			order = append(order, svc)
		}
	}
	assert.Equal(t, []string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. Web services", "## 4. PostgreSQL and Redis",
		"## 5. Workers and internal services"}, headings)
	assert.Equal(t, []string{"web", "api", "admin", "worker", "mailer", "search"}, order)

	tests := []struct {
		service, ecsName string
		wantSection      int // 3 or 5
	}{
		{"web", "fp-test-web", 3},
		{"api", "fp-test-api", 3},
		{"admin", "fp-test-admin", 3},
		{"worker", "fp-test-worker", 5},
		{"mailer", "fp-test-mailer", 5},
		{"search", "fp-test-search", 5},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			assert.Equal(t, tt.wantSection, section[tt.service])
			var row []decodedWidget
			for _, w := range widgets {
				if strings.HasPrefix(w.Properties.Title, tt.service+" ") {
					row = append(row, w)
				}
			}
			require.Len(t, row, 3)
			want := map[string][]string{
				tt.service + " CPU %":    {"AWS/ECS", "CPUUtilization"},
				tt.service + " memory %": {"AWS/ECS", "MemoryUtilization"},
				tt.service + " tasks":    {"ECS/ContainerInsights", "RunningTaskCount"},
			}
			for i, w := range row {
				assert.Equal(t, row[0].Y, w.Y, "one row")
				assert.Equal(t, 8*i, w.X)
				assert.Equal(t, 8, w.Width)
				m, ok := want[w.Properties.Title]
				require.True(t, ok, w.Properties.Title)
				require.NotEmpty(t, w.Properties.Metrics)
				for _, metric := range w.Properties.Metrics {
					assert.Equal(t, []any{"ClusterName", "fp-test", "ServiceName", tt.ecsName}, metric[2:6], w.Properties.Title)
				}
				assert.Equal(t, []any{m[0], m[1]}, w.Properties.Metrics[0][:2], w.Properties.Title)
			}
		})
	}
}

// TestOneServiceSectionsAreHeadedByTheService: a section with one service names it; Role defaults to web
// only for the service named web.
func TestOneServiceSectionsAreHeadedByTheService(t *testing.T) {
	tests := []struct {
		name string
		give []DashboardService
		want []string
	}{
		{"the default stack", []DashboardService{{Name: "web"}, {Name: "worker"}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. web service", "## 4. PostgreSQL and Redis", "## 5. worker service"}},
		{"a worker of another name", []DashboardService{{Name: "web"}, {Name: "jobs"}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. web service", "## 4. PostgreSQL and Redis", "## 5. jobs service"}},
		{"a web service of another name", []DashboardService{{Name: "app", Role: RoleWeb}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. app service", "## 4. PostgreSQL and Redis"}},
		{"one internal service", []DashboardService{{Name: "search", Role: RoleInternal}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 4. PostgreSQL and Redis", "## 5. search service"}},
		{"a worker and an internal service", []DashboardService{{Name: "web"}, {Name: "jobs"}, {Name: "search", Role: RoleInternal}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. web service", "## 4. PostgreSQL and Redis", "## 5. Workers and internal services"}},
		{"two web services", []DashboardService{{Name: "web"}, {Name: "api", Role: RoleWeb}},
			[]string{"## 1. Cloudflare", "## 2. Load balancer", "## 3. Web services", "## 4. PostgreSQL and Redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, w := range Layout(DashboardIds{Services: tt.give, CacheNodes: 1}).Widgets {
				if p, ok := w.Properties.(TextProperties); ok {
					got = append(got, strings.SplitN(p.Markdown, "\n", 2)[0])
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestDefaultLayoutIsUnchanged compares the dashboard of the default shapes, with services given by
// Name only, with fixtures written by Layout before services had roles.
func TestDefaultLayoutIsUnchanged(t *testing.T) {
	tests := []struct {
		fixture string
		give    func(*Args)
	}{
		{"testdata/layout-web-worker.json", func(a *Args) { a.Domain, a.CacheNodes = "app.example.com", 2 }},
		{"testdata/layout-worker-only.json", func(a *Args) { a.Services = a.Services[1:] }},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			args := baseArgs()
			tt.give(&args)
			want, err := os.ReadFile(tt.fixture)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), dashboardOf(t, run(t, args)))
		})
	}
}

// TestServiceNamesAndRoles: any DNS label of at most 20 characters, each once, with a role that runs a
// service; the error names the field, the value and what is allowed.
func TestServiceNamesAndRoles(t *testing.T) {
	tests := []struct {
		name    string
		give    ServiceRef // added to the web and worker services
		wantErr string     // "" accepts
	}{
		{"one character", ServiceRef{Name: "a"}, ""},
		{"twenty characters", ServiceRef{Name: "abcdefghij-0123456789"[:20]}, ""},
		{"internal", ServiceRef{Name: "search", Role: RoleInternal}, ""},
		{"twenty-one characters", ServiceRef{Name: "abcdefghij-0123456789"}, `Services[2] Name "abcdefghij-0123456789": want a DNS label`},
		{"upper case", ServiceRef{Name: "Api"}, `Services[2] Name "Api": want a DNS label: lower-case letters, digits and hyphens`},
		{"leading hyphen", ServiceRef{Name: "-api"}, `Services[2] Name "-api": want a DNS label`},
		{"trailing hyphen", ServiceRef{Name: "api-"}, `Services[2] Name "api-": want a DNS label`},
		{"underscore", ServiceRef{Name: "my_api"}, `Services[2] Name "my_api": want a DNS label`},
		{"empty", ServiceRef{Name: ""}, `Services[2] Name "": want a DNS label`},
		{"twice", ServiceRef{Name: "worker"}, `Services[2] Name "worker" appears twice`},
		{"scheduled", ServiceRef{Name: "nightly", Role: "scheduled"}, `Services nightly: Role "scheduled": want web, worker or internal`},
		{"release", ServiceRef{Name: "migrate", Role: "release"}, `Services migrate: Role "release": want web, worker or internal`},
		{"takes the database's alarm name", ServiceRef{Name: "db"}, `Services db: alarm name "fp-test-db-cpu-high" is already another alarm's`},
		{"takes a cache node's alarm name", ServiceRef{Name: "cache-001-engine"}, `Services cache-001-engine: alarm name "fp-test-cache-001-engine-cpu-high" is already another alarm's`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := baseArgs()
			tt.give.ServiceName = pulumi.String("fp-test-x")
			args.Services = append(args.Services, tt.give)
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, alarmsByName(rec)["fp-test-"+tt.give.Name+"-cpu-high"])
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "observability: "+tt.wantErr)
			assert.Empty(t, rec.Resources())
		})
	}
}
