package main

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/edge"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/observability"
	"github.com/fargate-platform/fargate-platform/pkg/service"
	"github.com/fargate-platform/fargate-platform/pkg/volumes"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// How the stack's services (stacks.ServiceSpec) become the components' Args: the edge's default target
// and routes, the service tier's Specs, the alarms' services. A stack without `services` keeps the
// component's own default shape (service.Args without Services), so its plan does not move.

// defaultWeb is the web service the HTTPS listener's default action reaches.
func defaultWeb(cfg stacks.Config) stacks.ServiceSpec {
	for _, s := range cfg.Services {
		if s.Role == stacks.RoleWeb && s.Routing.IsDefault() {
			return s
		}
	}
	return stacks.ServiceSpec{} // not reached: stacks.Load requires one
}

// targetPort is the container port a web service's target group sends to: nginx's when it is in front.
func targetPort(s stacks.ServiceSpec) int {
	if s.Nginx {
		return service.NginxPort
	}
	return s.Port
}

// edgeRoutes are the routed web services, as listener rules.
func edgeRoutes(cfg stacks.Config) []edge.Route {
	var out []edge.Route
	for _, s := range cfg.Services {
		if s.Role != stacks.RoleWeb || s.Routing.IsDefault() {
			continue
		}
		out = append(out, edge.Route{Name: s.Name, Port: targetPort(s), HealthCheckPath: s.HealthCheckPath,
			Hosts: s.Routing.Hosts, Paths: s.Routing.Paths, Priority: s.Routing.Priority})
	}
	return out
}

// volumeArgs are the stack's volumes for pkg/volumes.
func volumeArgs(cfg stacks.Config) []volumes.Volume {
	var out []volumes.Volume
	for _, v := range cfg.Volumes {
		out = append(out, volumes.Volume{Name: v.Name, Uid: v.Uid, Gid: v.Gid, Path: v.Path, Throughput: v.Throughput})
	}
	return out
}

// serviceSpecs are the declared services for pkg/service, wired to the edge's target groups and the
// volumes. nil for a stack without `services`.
func serviceSpecs(cfg stacks.Config, web *edge.Edge, vols *volumes.Volumes) []service.Spec {
	if !cfg.ServicesDeclared {
		return nil
	}
	var out []service.Spec
	for _, s := range cfg.Services {
		spec := service.Spec{
			Name: s.Name, Role: s.Role, Container: s.Container,
			Command: s.Command, Entrypoint: s.Entrypoint,
			Secrets: s.Secrets, AllSecrets: s.AllSecrets, Rails: s.Preset == stacks.PresetRails,
			Cpu: s.Cpu, Memory: s.Memory, Port: s.Port,
			HealthCheckPath: s.HealthCheckPath, HealthCheckCommand: s.HealthCheckCommand,
			User: s.User, WritablePaths: s.WritablePaths, StopTimeout: s.StopTimeout,
			Desired: s.Desired, Min: s.Min, Max: s.Max,
			CapacityProvider: s.CapacityProvider, ExplicitCapacity: s.ExplicitCapacity,
			CpuTarget: s.Scaling.CpuTarget, MemoryTarget: s.Scaling.MemoryTarget, RequestsPerTarget: s.Scaling.RequestsPerTarget,
			Nginx: s.Nginx, NginxCpu: s.NginxCpu, NginxMemory: s.NginxMemory,
			Calls: s.Calls, Cron: s.Schedule.Cron, Timezone: s.Schedule.Timezone, Order: s.Order,
			DatabaseUrl: s.DatabaseUrl,
		}
		if s.Image != "" {
			spec.Image = pulumi.String(s.Image)
		}
		names := make([]string, 0, len(s.Environment))
		for n := range s.Environment {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			spec.Environment = append(spec.Environment, service.KeyValue{Name: n, Value: s.Environment[n]})
		}
		if q := s.Scaling.QueueLatency; q != nil {
			spec.QueueLatency = &service.QueueLatencyArgs{JobSystem: q.JobSystem, Queues: q.Queues, TargetSeconds: q.TargetSeconds}
		}
		if s.Role == stacks.RoleWeb {
			if s.Routing.IsDefault() {
				spec.TargetGroupArn, spec.AlbResourceLabel = web.TargetGroupArn, web.AlbResourceLabel
			} else {
				spec.TargetGroupArn, spec.AlbResourceLabel = web.RouteTargetGroupArns[s.Name], web.RouteAlbResourceLabels[s.Name]
			}
		}
		for _, m := range s.Mounts {
			h, _ := vols.Volume(m.Volume) // stacks.Load checked the name
			spec.Mounts = append(spec.Mounts, service.Mount{
				Volume: m.Volume, Path: m.Path, ReadOnly: m.ReadOnly,
				TaskVolume:     h.TaskDefinitionVolume(m.Volume),
				FileSystemArn:  h.FileSystemArn,
				AccessPointArn: h.AccessPointArn,
				Statement: func(fs, ap string, readOnly bool) iampolicy.Statement {
					return volumes.ClientStatement(m.Volume, fs, ap, readOnly)
				},
				ClientSecurityGroupId: h.ClientSecurityGroupId,
			})
		}
		out = append(out, spec)
	}
	return out
}

// alarmedServices are the ECS services the alarms and dashboard watch: every web, worker and internal
// service, with the fewest tasks it may run.
func alarmedServices(cfg stacks.Config, svc *service.Service) []observability.ServiceRef {
	var out []observability.ServiceRef
	for _, s := range cfg.Services {
		if stacks.IsLongRunning(s.Role) {
			out = append(out, observability.ServiceRef{Name: s.Name, Role: s.Role, ServiceName: svc.ServiceNames[s.Name], DesiredMin: s.Min})
		}
	}
	return out
}

// usesQueueLatency reports whether a worker scales on queue latency: the stack then has the sidecar's
// repository.
func usesQueueLatency(cfg stacks.Config) bool {
	for _, s := range cfg.Services {
		if s.Scaling.QueueLatency != nil {
			return true
		}
	}
	return false
}
