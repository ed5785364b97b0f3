package service

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// runDelivery plans the tier and returns the recorded plan with the two lists a deploy reads.
func runDelivery(t *testing.T, args Args) (rec *plan.Recorder, release, services []map[string]string) {
	t.Helper()
	rec = plan.NewRecorder("fargate-platform", "test", region)
	var s *Service
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		s, err = New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec, awaitList(t, s.ReleaseTasks), awaitList(t, s.Services)
}

func awaitList(t *testing.T, o pulumi.StringMapArrayOutput) []map[string]string {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	require.NoError(t, err)
	require.True(t, res.Known)
	return res.Value.([]map[string]string)
}

// TestReleaseTasksAreExportedInRunOrderAsPlanned: the deploy runs each entry with aws ecs run-task and reads
// its container's exit code and log stream, so every field must be what the task definition really holds.
func TestReleaseTasksAreExportedInRunOrderAsPlanned(t *testing.T) {
	for name, args := range map[string]Args{"dev": devArgs(), "prod": prodArgs()} {
		t.Run(name, func(t *testing.T) {
			rec, release, _ := runDelivery(t, args)
			require.Len(t, release, 1, "today's tier has one release task")
			assert.Equal(t, "migrate", release[0]["name"], "the migration runs first")
			for _, r := range release {
				assert.ElementsMatch(t, []string{"name", "family", "taskDefinitionArn", "container", "logGroup", "logStreamPrefix", "securityGroups"},
					keys(r), "the fields deploy-stack.yml reads")
				assert.Equal(t, "sg-0service", r["securityGroups"], "the task wears the stack's group, as the services do")
				td := taskDef(t, rec, r["family"])
				assert.Equal(t, td.Outputs["arn"], r["taskDefinitionArn"])
				c, ok := containers(t, rec, r["family"])[r["container"]]
				require.True(t, ok, "%s: container %q is in the task definition", r["name"], r["container"])
				assert.True(t, c.Essential, "the exit code that decides is an essential container's")
				assert.Equal(t, r["logGroup"], c.LogConfiguration.Options["awslogs-group"])
				assert.Equal(t, r["logStreamPrefix"], c.LogConfiguration.Options["awslogs-stream-prefix"])
				assert.NotNil(t, rec.Find("aws:cloudwatch/logGroup:LogGroup", "fp-test-"+r["name"]), "its log group is the stack's")
			}
		})
	}
}

// TestEveryServiceIsExportedWithTheRevisionItMustRun: the deploy checks after the roll that each service
// runs its new revision (a circuit-breaker rollback also reaches steady state), so the list holds every
// service of the tier and no release task.
func TestEveryServiceIsExportedWithTheRevisionItMustRun(t *testing.T) {
	rec, release, services := runDelivery(t, prodArgs())
	planned := rec.ByType("aws:ecs/service:Service")
	require.Len(t, services, len(planned), "every service, once")
	byName := map[string]*plan.Resource{}
	for _, p := range planned {
		byName[p.Outputs["name"].(string)] = p
	}
	for _, s := range services {
		assert.ElementsMatch(t, []string{"name", "serviceName", "taskDefinitionArn"}, keys(s))
		p, ok := byName[s["serviceName"]]
		require.True(t, ok, "%s: %s is a planned service", s["name"], s["serviceName"])
		assert.Equal(t, p.Str("taskDefinition"), s["taskDefinitionArn"], s["name"])
		for _, r := range release {
			assert.NotEqual(t, r["taskDefinitionArn"], s["taskDefinitionArn"], "a release task is not a service")
		}
	}
	assert.Equal(t, []string{"web", "worker"}, []string{services[0]["name"], services[1]["name"]})
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
