package permissions

import (
	"slices"
	"sort"

	"github.com/fargate-platform/fargate-platform/stacks"
)

// needs says which stack configs plan a resource type; every other type of MainTypes is in every plan. A
// whole-stack test holds this to the real plans: the types a stack's plan holds are exactly TypesFor its
// config, so a deploy role gets every permission its stack needs and none of another shape's.
var needs = map[string]func(stacks.Config) bool{
	"aws:cloudtrail/trail:Trail":                         func(c stacks.Config) bool { return c.Alarms.CloudTrail },
	"aws:ssm/parameter:Parameter":                        func(c stacks.Config) bool { return len(c.Secrets.AppSecrets) > 0 },
	"aws:guardduty/detector:Detector":                    ownsDetector,
	"aws:guardduty/detectorFeature:DetectorFeature":      ownsDetector,
	"aws:lb/trustStore:TrustStore":                       func(c stacks.Config) bool { return c.Edge.AuthenticatedOriginPulls },
	"aws:s3/bucketObjectv2:BucketObjectv2":               func(c stacks.Config) bool { return c.Edge.AuthenticatedOriginPulls },
	"aws:appautoscaling/scheduledAction:ScheduledAction": func(c stacks.Config) bool { return c.Service.ScheduledScaleToZero },
	"aws:ec2/natGateway:NatGateway":                      natGateways,
	"aws:ec2/eip:Eip":                                    func(c stacks.Config) bool { return natGateways(c) || natInstance(c) },
	"aws:ec2/networkInterface:NetworkInterface":          natInstance,
	"aws:ec2/eipAssociation:EipAssociation":              natInstance,
	"aws:ec2/launchTemplate:LaunchTemplate":              natInstance,
	"aws:autoscaling/group:Group":                        natInstance,
	"aws:ecr/repositoryPolicy:RepositoryPolicy":          func(c stacks.Config) bool { return len(c.Registry.PullAccountIds) > 0 },
	"aws:s3/bucketVersioningV2:BucketVersioningV2":       func(c stacks.Config) bool { return c.Environment.IsProd() },
	"aws:sns/topicSubscription:TopicSubscription":        func(c stacks.Config) bool { return len(c.Alarms.Emails) > 0 || c.Alarms.WebhookUrl != "" },
	"aws:servicediscovery/httpNamespace:HttpNamespace":   func(c stacks.Config) bool { return HasRole(c, stacks.RoleInternal) },
	"aws:efs/fileSystem:FileSystem":                      HasVolumes,
	"aws:efs/mountTarget:MountTarget":                    HasVolumes,
	"aws:efs/accessPoint:AccessPoint":                    HasVolumes,
	"aws:efs/backupPolicy:BackupPolicy":                  HasVolumes,
	"aws:efs/fileSystemPolicy:FileSystemPolicy":          HasVolumes,
	"aws:lb/listenerRule:ListenerRule":                   HasRoutes,
}

// BootstrapTypes are created only by the bootstrap program, run by an administrator: no deploy role
// needs them.
var BootstrapTypes = map[string]bool{
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": true,
	"aws:iam/policy:Policy":                               true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   true,
	"aws:codebuild/project:Project":                       true,
	"aws:codepipeline/pipeline:Pipeline":                  true,
}

// TypesFor lists the resource types the main program plans for a stack config, sorted: what its deploy
// role must be able to create, read, update and delete.
func TypesFor(c stacks.Config) []string {
	var out []string
	for _, r := range Table {
		if BootstrapTypes[r.Type] || r.Type == WorkflowType || r.Type == DataSourceType {
			continue
		}
		if need, ok := needs[r.Type]; ok && !need(c) {
			continue
		}
		out = append(out, r.Type)
	}
	sort.Strings(out)
	return out
}

// natGateways: the stack's NAT is one or more NAT gateways, each with its address.
func natGateways(c stacks.Config) bool {
	return c.Network.NatStrategy == stacks.NatSingle || c.Network.NatStrategy == stacks.NatOnePerAz
}

// natInstance: the stack's NAT is the NAT instance (network.NatInstance).
func natInstance(c stacks.Config) bool { return c.Network.NatStrategy == stacks.NatInstance }

// ownsDetector: the stack runs GuardDuty and creates the Region's detector (guardDutyDetector: create); one
// that adopts it only reads it (DataSources).
func ownsDetector(c stacks.Config) bool {
	return c.Alarms.GuardDuty && c.Alarms.GuardDutyDetector == stacks.GuardDutyCreate
}

// HasVolumes reports whether the stack declares volumes (key `volumes`): its plan then holds pkg/volumes'
// EFS types, and its boundary lets task roles mount them (Scope.Volumes).
func HasVolumes(c stacks.Config) bool { return len(c.Volumes) > 0 }

// HasRoutes reports whether the stack declares routed web services: each is an edge.Route, with its
// listener rule on the HTTPS listener (aws:lb/listenerRule).
func HasRoutes(c stacks.Config) bool {
	return slices.ContainsFunc(c.Services, func(s stacks.ServiceSpec) bool {
		return s.Role == stacks.RoleWeb && !s.Routing.IsDefault()
	})
}

// HasRole reports whether a service of the stack has the role.
func HasRole(c stacks.Config, role string) bool {
	return slices.ContainsFunc(c.Services, func(s stacks.ServiceSpec) bool { return s.Role == role })
}
