package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/service"
	"github.com/fargate-platform/fargate-platform/queuelatency"
)

// The example stack (Pulumi.example.yaml) declares every shape of the services model; these tests assert
// each behaviour on its plan, as `go run . plan --stack example` writes it.

const example = "fargate-platform-example"

var (
	exampleOnce sync.Once
	examplePlan *plan.Recorder
)

func examplePlanned(t *testing.T) *plan.Recorder {
	t.Helper()
	if p, ok := plans["example"]; ok {
		return p
	}
	exampleOnce.Do(func() { examplePlan = readPlan(t, root, "example") })
	require.NotNil(t, examplePlan)
	return examplePlan
}

func find(t *testing.T, p *plan.Recorder, typ, name string) *plan.Resource {
	t.Helper()
	r := p.Find(typ, name)
	require.NotNil(t, r, "%s %s is in the plan", typ, name)
	return r
}

func containersOf(t *testing.T, p *plan.Recorder, service string) map[string]serviceContainer {
	t.Helper()
	td := find(t, p, "aws:ecs/taskDefinition:TaskDefinition", example+"-"+service)
	var defs []serviceContainer
	require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
	out := map[string]serviceContainer{}
	for _, d := range defs {
		out[d.Name] = d
	}
	return out
}

type serviceContainer struct {
	service.ContainerDefinition
	PortMappings []struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
		AppProtocol   string `json:"appProtocol"`
	} `json:"portMappings"`
}

func ecsService(t *testing.T, p *plan.Recorder, name string) *plan.Resource {
	return find(t, p, "aws:ecs/service:Service", example+"-"+name)
}

func groupsOf(r *plan.Resource) []string {
	var out []string
	for _, g := range r.In("networkConfiguration.securityGroups").([]any) {
		out = append(out, g.(string))
	}
	return out
}

func TestExampleTwoWebServicesOnTheListener(t *testing.T) {
	p := examplePlanned(t)
	rules := need(t, p, "aws:lb/listenerRule:ListenerRule")
	require.Len(t, rules, 1, "one routed web service: cable")
	rule := rules[0]
	assert.EqualValues(t, 10, rule.In("priority"))
	assert.Equal(t, []any{"/cable", "/cable/*"}, plan.Lookup(rule.In("conditions").([]any)[0].(map[string]any), "pathPattern.values"))
	cable := ecsService(t, p, "cable")
	lbs := cable.In("loadBalancers").([]any)
	require.Len(t, lbs, 1)
	lb := lbs[0].(map[string]any)
	assert.Equal(t, "cable", lb["containerName"], "no nginx in front of the websocket service")
	assert.EqualValues(t, 28080, lb["containerPort"])
	forward := rule.In("actions").([]any)[0].(map[string]any)
	assert.Equal(t, lb["targetGroupArn"], forward["targetGroupArn"], "the rule forwards to cable's own target group")

	web := ecsService(t, p, "web")
	wlb := web.In("loadBalancers").([]any)[0].(map[string]any)
	assert.Equal(t, service.NginxContainer, wlb["containerName"], "the default web service keeps nginx in front")
	assert.NotEqual(t, lb["targetGroupArn"], wlb["targetGroupArn"])
	listener := need(t, p, "aws:lb/listener:Listener")[0]
	assert.Equal(t, wlb["targetGroupArn"], plan.Lookup(listener.In("defaultActions").([]any)[0].(map[string]any), "targetGroupArn"),
		"what no rule matches goes to web")

	c := containersOf(t, p, "cable")["cable"]
	assert.Equal(t, []string{"bundle", "exec", "puma", "-p", "28080", "cable/config.ru"}, c.Command)
	assert.Equal(t, 28080, c.PortMappings[0].ContainerPort)
}

func TestExampleWorkersOnTheirQueuesOneOnSpotOneOnQueueLatency(t *testing.T) {
	p := examplePlanned(t)
	worker := ecsService(t, p, "worker")
	assert.Equal(t, []any{map[string]any{"base": float64(0), "capacityProvider": "FARGATE_SPOT", "weight": float64(1)}},
		worker.In("capacityProviderStrategies"), "the default-queue worker runs on Spot")
	mailers := ecsService(t, p, "mailers")
	assert.Nil(t, mailers.In("capacityProviderStrategies"), "mailers runs on the cluster's default (FARGATE in staging)")
	assert.Equal(t, []string{"bundle", "exec", "sidekiq", "-q", "default"}, containersOf(t, p, "worker")["worker"].Command)

	cs := containersOf(t, p, "mailers")
	assert.Equal(t, []string{"bundle", "exec", "sidekiq", "-q", "mailers"}, cs["mailers"].Command)
	sidecar, ok := cs[service.QueueLatencyContainer]
	require.True(t, ok, "mailers has the queue-latency sidecar")
	assert.False(t, sidecar.Essential)
	assert.True(t, strings.HasSuffix(strings.Split(sidecar.Image, ":")[0], "/"+example+"/queue-latency"), sidecar.Image)
	env := map[string]string{}
	for _, e := range sidecar.Environment {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "mailers", env[queuelatency.EnvQueues])
	assert.Equal(t, example+"-mailers", env[queuelatency.EnvService])
	var secrets []string
	for _, s := range sidecar.Secrets {
		secrets = append(secrets, s.Name)
	}
	assert.Equal(t, []string{"REDIS_PASSWORD"}, secrets, "the sidecar reads nothing but the queue's password")
	_, workerHas := containersOf(t, p, "worker")[service.QueueLatencyContainer]
	assert.False(t, workerHas, "only the worker that scales on latency carries the sidecar")

	policy := find(t, p, "aws:appautoscaling/policy:Policy", example+"-mailers-queue-latency")
	m := policy.In("targetTrackingScalingPolicyConfiguration.customizedMetricSpecification").(map[string]any)
	assert.Equal(t, queuelatency.Namespace, m["namespace"])
	assert.Equal(t, queuelatency.MetricName, m["metricName"])
	assert.Equal(t, []any{map[string]any{"name": queuelatency.ServiceDimension, "value": example + "-mailers"}}, m["dimensions"])
	assert.EqualValues(t, 20, policy.In("targetTrackingScalingPolicyConfiguration.targetValue"))
	assert.Nil(t, p.Find("aws:appautoscaling/policy:Policy", example+"-worker-queue-latency"))
	assert.NotNil(t, p.Find("aws:ecr/repository:Repository", example+"-queue-latency"), "the sidecar's image has its repository")
}

func TestExampleInternalServiceIsReachedOnlyByItsCallers(t *testing.T) {
	p := examplePlanned(t)
	ns := need(t, p, "aws:servicediscovery/httpNamespace:HttpNamespace")
	require.Len(t, ns, 1)
	pdf := ecsService(t, p, "pdf")
	sc := pdf.In("serviceConnectConfiguration").(map[string]any)
	assert.Equal(t, true, sc["enabled"])
	assert.Equal(t, ns[0].Outputs["arn"], sc["namespace"])
	assert.Equal(t, []any{map[string]any{"portName": "pdf", "discoveryName": "pdf",
		"clientAlias": []any{map[string]any{"dnsName": "pdf", "port": float64(3000)}}}}, sc["services"])
	pm := containersOf(t, p, "pdf")["pdf"].PortMappings
	require.Len(t, pm, 1)
	assert.Equal(t, "pdf", pm[0].Name, "Service Connect names the port")
	assert.Equal(t, "http", pm[0].AppProtocol)
	assert.True(t, strings.Contains(containersOf(t, p, "pdf")["pdf"].Image, "@sha256:"), "an external image runs by digest")

	sg := find(t, p, "aws:ec2/securityGroup:SecurityGroup", example+"-pdf")
	callers := find(t, p, "aws:ec2/securityGroup:SecurityGroup", example+"-pdf-callers")
	var into []*plan.Resource
	for _, r := range p.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if r.Str("securityGroupId") == sg.ID {
			into = append(into, r)
		}
	}
	require.Len(t, into, 1, "pdf's group admits one source")
	assert.Equal(t, callers.ID, into[0].Str("referencedSecurityGroupId"))
	assert.EqualValues(t, 3000, into[0].In("fromPort"))
	assert.EqualValues(t, 3000, into[0].In("toPort"))
	assert.Contains(t, groupsOf(pdf), sg.ID)

	for name, calls := range map[string]bool{"web": true, "worker": true, "mailers": false, "cable": false} {
		svc := ecsService(t, p, name)
		assert.Equal(t, calls, slices.Contains(groupsOf(svc), callers.ID), "%s wears pdf's callers group: %v", name, calls)
		assert.Equal(t, calls, svc.In("serviceConnectConfiguration") != nil, "%s joins Service Connect: %v", name, calls)
	}
}

func TestExampleScheduledJobRunsOnItsCron(t *testing.T) {
	p := examplePlanned(t)
	s := find(t, p, "aws:scheduler/schedule:Schedule", example+"-nightly")
	assert.Equal(t, "cron(0 3 * * ? *)", s.Str("scheduleExpression"))
	assert.Equal(t, "Australia/Sydney", s.Str("scheduleExpressionTimezone"))
	cluster := need(t, p, "aws:ecs/cluster:Cluster")[0]
	assert.Equal(t, cluster.Outputs["arn"], s.Str("target.arn"), "the target is the cluster: ECS RunTask")
	td := find(t, p, "aws:ecs/taskDefinition:TaskDefinition", example+"-nightly")
	assert.Equal(t, td.Outputs["arn"], s.Str("target.ecsParameters.taskDefinitionArn"))
	assert.Equal(t, "FARGATE", s.Str("target.ecsParameters.launchType"))
	assert.Equal(t, false, s.In("target.ecsParameters.networkConfiguration.assignPublicIp"))
	assert.Nil(t, p.Find("aws:ecs/service:Service", example+"-nightly"), "a scheduled job is no ECS service")

	doc := policy(t, find(t, p, "aws:iam/rolePolicy:RolePolicy", example+"-nightly-schedule"), "policy")
	require.Len(t, doc.Statement, 2)
	assert.Equal(t, []string{"ecs:RunTask"}, doc.Statement[0].Action)
	assert.Equal(t, []string{"arn:aws:ecs:ap-southeast-2:123456789012:task-definition/" + example + "-nightly:*"}, doc.Statement[0].Resource)
	assert.Equal(t, []string{cluster.Outputs["arn"].(string)}, doc.Statement[0].Condition["ArnEquals"]["ecs:cluster"])
	assert.Equal(t, []string{"iam:PassRole"}, doc.Statement[1].Action)
	assert.Len(t, doc.Statement[1].Resource, 2, "its execution and task roles, nothing else")
}

func TestExampleReleaseTasksAreTasksNotServices(t *testing.T) {
	p := examplePlanned(t)
	for _, name := range []string{"migrate", "data-migrate"} {
		td := find(t, p, "aws:ecs/taskDefinition:TaskDefinition", example+"-"+name)
		assert.Equal(t, example+"-"+name, td.Str("family"))
		assert.Nil(t, p.Find("aws:ecs/service:Service", example+"-"+name), "%s is run by the deploy, never as a service", name)
	}
	assert.Equal(t, []string{"bin/rails", "data:migrate"}, containersOf(t, p, "data-migrate")["data-migrate"].Command)
}

func TestExampleVolumeIsMountedByItsTwoServicesOnly(t *testing.T) {
	p := examplePlanned(t)
	fs := need(t, p, "aws:efs/fileSystem:FileSystem")
	require.Len(t, fs, 1)
	client := find(t, p, "aws:ec2/securityGroup:SecurityGroup", example+"-uploads-efs-client")
	for _, name := range []string{"web", "worker", "mailers", "cable", "pdf", "nightly", "migrate"} {
		mounts := slices.Contains([]string{"web", "worker"}, name)
		td := find(t, p, "aws:ecs/taskDefinition:TaskDefinition", example+"-"+name)
		var efs []any
		for _, v := range td.In("volumes").([]any) {
			if c := plan.Lookup(v.(map[string]any), "efsVolumeConfiguration"); c != nil {
				efs = append(efs, c)
			}
		}
		doc := policy(t, find(t, p, "aws:iam/rolePolicy:RolePolicy", example+"-"+name+"-task"), "policy")
		var efsActions []string
		for _, s := range doc.Statement {
			for _, a := range s.Action {
				if strings.HasPrefix(a, "elasticfilesystem:") {
					efsActions = append(efsActions, a)
				}
			}
		}
		if !mounts {
			assert.Empty(t, efs, "%s has no EFS volume", name)
			assert.Empty(t, efsActions, "%s's task role cannot mount", name)
			if svc := p.Find("aws:ecs/service:Service", example+"-"+name); svc != nil {
				assert.NotContains(t, groupsOf(svc), client.ID, "%s does not reach the mount targets", name)
			}
			continue
		}
		require.Len(t, efs, 1, name)
		c := efs[0].(map[string]any)
		assert.Equal(t, fs[0].ID, c["fileSystemId"])
		assert.Equal(t, "ENABLED", c["transitEncryption"])
		assert.Equal(t, "ENABLED", plan.Lookup(c, "authorizationConfig.iam"))
		assert.Equal(t, []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}, efsActions)
		assert.Contains(t, groupsOf(ecsService(t, p, name)), client.ID)
		var mounted bool
		for _, m := range containersOf(t, p, name)[map[string]string{"web": "web", "worker": "worker"}[name]].MountPoints {
			mounted = mounted || m.SourceVolume == "uploads" && m.ContainerPath == "/rails/storage" && !m.ReadOnly
		}
		assert.True(t, mounted, "%s mounts uploads at /rails/storage", name)
	}
}

func TestExampleExecutionRolesReadExactlyTheirServicesSecrets(t *testing.T) {
	p := examplePlanned(t)
	reads := func(role string) []string {
		doc := policy(t, find(t, p, "aws:iam/rolePolicy:RolePolicy", role), "policy")
		var out []string
		for _, s := range doc.Statement {
			if slices.Contains(s.Action, "ssm:GetParameters") || slices.Contains(s.Action, "secretsmanager:GetSecretValue") {
				out = append(out, s.Resource...)
			}
		}
		return out
	}
	all := reads(example + "-execution")
	assert.Len(t, all, 3, "the shared role reads the app secret, the database and the Redis secrets")
	assert.Empty(t, reads(example+"-pdf-execution"), "pdf receives no secret (secrets: [])")
	assert.ElementsMatch(t, all, reads(example+"-cable-execution"), "cable lists all three")
	pdf := find(t, p, "aws:ecs/taskDefinition:TaskDefinition", example+"-pdf")
	role := find(t, p, "aws:iam/role:Role", example+"-pdf-execution")
	assert.Equal(t, role.Outputs["arn"], pdf.Str("executionRoleArn"))
	assert.Empty(t, containersOf(t, p, "pdf")["pdf"].Secrets)
	for _, e := range containersOf(t, p, "pdf")["pdf"].Environment {
		assert.NotEqual(t, "RAILS_ENV", e.Name, "preset none: no Rails settings")
	}
}
