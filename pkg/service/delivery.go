package service

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What a deploy needs to know about the tier, as data. The deploy workflow
// (.github/workflows/deploy-stack.yml) reads both lists from the stack outputs, so it names no task and no
// service: a stack with other tasks or services deploys with the same workflow.

// releaseTask is a one-off task a deploy runs before the services roll.
type releaseTask struct{ task, container string }

// releaseOrder is the run order of the release tasks: today the migration alone.
var releaseOrder = []releaseTask{{taskMigrate, MigrateContainer}}

// rolledOrder is the services a deploy rolls, in the order the deploy reports them.
var rolledOrder = []string{taskWeb, taskWorker}

// releaseTasks is Service.ReleaseTasks: one entry per release task, in run order.
func releaseTasks(defs map[string]*ecs.TaskDefinition, groups map[string]*cloudwatch.LogGroup) pulumi.StringMapArrayOutput {
	var out pulumi.StringMapArray
	for _, r := range releaseOrder {
		out = append(out, pulumi.StringMap{
			"name":              pulumi.String(r.task),
			"family":            defs[r.task].Family,
			"taskDefinitionArn": defs[r.task].Arn,
			"container":         pulumi.String(r.container),
			"logGroup":          groups[r.task].Name,
			// hardened sets each container's awslogs-stream-prefix to its task's name.
			"logStreamPrefix": pulumi.String(r.task),
		})
	}
	return out.ToStringMapArrayOutput()
}

// rolledServices is Service.Services: one entry per service a deploy rolls.
func rolledServices(services map[string]*ecs.Service, defs map[string]*ecs.TaskDefinition) pulumi.StringMapArrayOutput {
	var out pulumi.StringMapArray
	for _, task := range rolledOrder {
		out = append(out, pulumi.StringMap{
			"name":              pulumi.String(task),
			"serviceName":       services[task].Name,
			"taskDefinitionArn": defs[task].Arn,
		})
	}
	return out.ToStringMapArrayOutput()
}
