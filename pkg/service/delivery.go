package service

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What a deploy needs to know about the tier, as data. The deploy workflow
// (.github/workflows/deploy-stack.yml) reads both lists from the stack outputs, so it names no task and no
// service: a stack with other tasks or services deploys with the same workflow.

// releaseTasks is Service.ReleaseTasks: one entry per release task, in run order.
func releaseTasks(a Args, defs map[string]*ecs.TaskDefinition, groups map[string]*cloudwatch.LogGroup, c *connect) pulumi.StringMapArrayOutput {
	out := pulumi.StringMapArray{}
	for _, r := range releasesOf(a.specs) {
		out = append(out, pulumi.StringMap{
			"name":              pulumi.String(r.Name),
			"family":            defs[r.Name].Family,
			"taskDefinitionArn": defs[r.Name].Arn,
			"container":         pulumi.String(r.Container),
			"logGroup":          groups[r.Name].Name,
			// hardened sets each container's awslogs-stream-prefix to its service's name.
			"logStreamPrefix": pulumi.String(r.Name),
			// The groups its task wears (comma-separated): the stack's, and a mounted volume's client group.
			"securityGroups": securityGroupsOf(r, a, c).ToStringArrayOutput().ApplyT(func(ids []string) string {
				return strings.Join(ids, ",")
			}).(pulumi.StringOutput),
		})
	}
	return out.ToStringMapArrayOutput()
}

// rolledServices is Service.Services: one entry per service a deploy rolls, in the services' order.
func rolledServices(a Args, services map[string]*ecs.Service, defs map[string]*ecs.TaskDefinition) pulumi.StringMapArrayOutput {
	out := pulumi.StringMapArray{}
	for _, s := range servicesOf(a.specs) {
		out = append(out, pulumi.StringMap{
			"name":              pulumi.String(s.Name),
			"serviceName":       services[s.Name].Name,
			"taskDefinitionArn": defs[s.Name].Arn,
		})
	}
	return out.ToStringMapArrayOutput()
}
