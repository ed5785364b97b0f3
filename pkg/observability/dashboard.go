package observability

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Dashboard is a CloudWatch dashboard body.
type Dashboard struct {
	Widgets []Widget `json:"widgets"`
}

// Widget is one dashboard widget on the 24-column grid.
type Widget struct {
	Type       string `json:"type"` // text or metric
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

// TextProperties are a text widget's.
type TextProperties struct {
	Markdown string `json:"markdown"`
}

// MetricProperties are a metric widget's. Each entry of Metrics is a CloudWatch metric row:
// [namespace, name, dimension, value, ..., {options}] or [{expression options}].
type MetricProperties struct {
	Title   string  `json:"title"`
	Region  string  `json:"region"`
	View    string  `json:"view"`
	Stacked bool    `json:"stacked"`
	Period  int     `json:"period"`
	Stat    string  `json:"stat,omitempty"`
	Metrics [][]any `json:"metrics"`
}

// DashboardIds are the resolved names a dashboard shows.
type DashboardIds struct {
	Region, Cluster, Alb, TargetGroup, DbInstance, CacheGroup string
	// Services are the ECS services, in order: web-role ones go to section 3, worker and internal ones
	// to section 5, each section keeping this order.
	Services []DashboardService
	// CacheNodes is the number of cache clusters in the group.
	CacheNodes int
	// Domain is the app's host name, or "".
	Domain string
}

// DashboardService is one ECS service on the dashboard.
type DashboardService struct {
	// Name is the service's name in the stack (ServiceRef.Name); it titles the widgets.
	Name string
	// Role is RoleWeb, RoleWorker or RoleInternal. Default: as ServiceRef.Role.
	Role string
	// ServiceName is the ECS service's name (the ServiceName dimension).
	ServiceName string
}

// newDashboard creates the dashboard once every name it shows is known.
func newDashboard(ctx *pulumi.Context, name string, a Args, region string, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	inputs := []any{a.ClusterName, a.AlbArnSuffix, a.TargetGroupArnSuffix, a.DbInstanceId, a.CacheReplicationGroupId}
	for _, s := range a.Services {
		inputs = append(inputs, s.ServiceName)
	}
	body := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		ids := DashboardIds{Region: region, Cluster: v[0].(string), Alb: v[1].(string), TargetGroup: v[2].(string),
			DbInstance: v[3].(string), CacheGroup: v[4].(string), CacheNodes: a.CacheNodes, Domain: a.Domain}
		for i, s := range a.Services {
			ids.Services = append(ids.Services, DashboardService{Name: s.Name, Role: s.Role, ServiceName: v[5+i].(string)})
		}
		b, err := json.Marshal(Layout(ids))
		if err != nil {
			return "", fmt.Errorf("observability: dashboard: %w", err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)

	// One dashboard per stack, read top to bottom the way a request travels.
	d, err := cloudwatch.NewDashboard(ctx, name, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(name),
		DashboardBody: body,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return d.DashboardName, nil
}

// Layout lays the dashboard out along a request: 1 Cloudflare, 2 the ALB, 3 the web services, 4 the data
// stores, 5 the workers that drain the queues and the internal services. A section with one service is
// headed "## N. <name> service", one with several "## 3. Web services" or "## 5. Workers and internal
// services"; each service is one row of CPU, memory and tasks. A section without services is left out,
// and the others keep their numbers.
func Layout(ids DashboardIds) Dashboard {
	var d Dashboard
	y := 0
	row := func(height int, widgets ...Widget) {
		x := 0
		w := 24 / len(widgets)
		for _, wd := range widgets {
			wd.X, wd.Y, wd.Width, wd.Height = x, y, w, height
			d.Widgets = append(d.Widgets, wd)
			x += w
		}
		y += height
	}
	metric := func(title, stat string, rows ...[]any) Widget {
		return Widget{Type: "metric", Properties: MetricProperties{Title: title, Region: ids.Region,
			View: "timeSeries", Period: 60, Stat: stat, Metrics: rows}}
	}
	text := func(md string) Widget { return Widget{Type: "text", Properties: TextProperties{Markdown: md}} }

	zone := "the zone"
	if ids.Domain != "" {
		zone = "the zone serving `" + ids.Domain + "`"
	}
	row(2, text("## 1. Cloudflare\nEdge requests, cache hits, WAF and firewall events are not in CloudWatch: open "+
		"[Cloudflare analytics](https://dash.cloudflare.com/) → "+zone+" → Analytics & Logs → Traffic and Security."))

	lb := []any{"LoadBalancer", ids.Alb}
	tgDims := []any{"LoadBalancer", ids.Alb, "TargetGroup", ids.TargetGroup}
	row(1, text("## 2. Load balancer"))
	row(6,
		metric("Requests", "Sum", append(append([]any{"AWS/ApplicationELB", "RequestCount"}, lb...), opts{"label": "Requests"})),
		metric("5xx % of requests", "Sum",
			[]any{opts{"expression": "100 * FILL(elb, 0) / req", "label": "ALB 5xx %", "id": "elbRate"}},
			[]any{opts{"expression": "100 * FILL(target, 0) / req", "label": "Target 5xx %", "id": "targetRate"}},
			append(append([]any{"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"}, lb...), opts{"id": "elb", "visible": false}),
			append(append([]any{"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"}, tgDims...), opts{"id": "target", "visible": false}),
			append(append([]any{"AWS/ApplicationELB", "RequestCount"}, lb...), opts{"id": "req", "visible": false}),
		),
		metric("Target response time (s)", "",
			append(append([]any{"AWS/ApplicationELB", "TargetResponseTime"}, tgDims...), opts{"stat": "p99", "label": "p99"}),
			append(append([]any{"AWS/ApplicationELB", "TargetResponseTime"}, tgDims...), opts{"stat": "p50", "label": "p50"}),
		),
	)

	var web, workers []DashboardService
	for _, s := range ids.Services {
		if roleOf(s.Name, s.Role) == RoleWeb {
			web = append(web, s)
		} else {
			workers = append(workers, s)
		}
	}
	section := func(n int, several string, services []DashboardService) {
		switch len(services) {
		case 0:
			return
		case 1:
			row(1, text(fmt.Sprintf("## %d. %s service", n, services[0].Name)))
		default:
			row(1, text(fmt.Sprintf("## %d. %s", n, several)))
		}
		for _, s := range services {
			key := s.Name
			dims := []any{"ClusterName", ids.Cluster, "ServiceName", s.ServiceName}
			row(6,
				metric(key+" CPU %", "Average", append(append([]any{"AWS/ECS", "CPUUtilization"}, dims...), opts{"label": "Average"}),
					append(append([]any{"AWS/ECS", "CPUUtilization"}, dims...), opts{"stat": "Maximum", "label": "Maximum"})),
				metric(key+" memory %", "Average", append(append([]any{"AWS/ECS", "MemoryUtilization"}, dims...), opts{"label": "Average"}),
					append(append([]any{"AWS/ECS", "MemoryUtilization"}, dims...), opts{"stat": "Maximum", "label": "Maximum"})),
				metric(key+" tasks", "Average",
					append(append([]any{"ECS/ContainerInsights", "RunningTaskCount"}, dims...), opts{"label": "Running"}),
					append(append([]any{"ECS/ContainerInsights", "DesiredTaskCount"}, dims...), opts{"label": "Desired"})),
			)
		}
	}
	section(3, "Web services", web)

	db := []any{"DBInstanceIdentifier", ids.DbInstance}
	var cacheCpu, cacheMem [][]any
	for i := 1; i <= ids.CacheNodes; i++ {
		node := fmt.Sprintf("%s-%03d", ids.CacheGroup, i)
		cacheCpu = append(cacheCpu, []any{"AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", node})
		cacheMem = append(cacheMem, []any{"AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node})
	}
	row(1, text("## 4. PostgreSQL and Redis"))
	row(6,
		metric("RDS CPU % and connections", "Average",
			append(append([]any{"AWS/RDS", "CPUUtilization"}, db...), opts{"label": "CPU %"}),
			append(append([]any{"AWS/RDS", "DatabaseConnections"}, db...), opts{"label": "Connections", "yAxis": "right"})),
		metric("RDS free storage and memory (bytes)", "Minimum",
			append(append([]any{"AWS/RDS", "FreeStorageSpace"}, db...), opts{"label": "Free storage"}),
			append(append([]any{"AWS/RDS", "FreeableMemory"}, db...), opts{"label": "Freeable memory"})),
		metric("Redis engine CPU %", "Average", cacheCpu...),
		metric("Redis memory %", "Maximum", cacheMem...),
	)
	section(5, "Workers and internal services", workers)
	return d
}

// opts is a metric row's trailing options object.
type opts map[string]any
