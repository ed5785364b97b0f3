package service

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

func TestRedeployIsOffByDefault(t *testing.T) {
	rec := run(t, baseArgs())
	assert.Len(t, rec.ByType("aws:scheduler/schedule:Schedule"), 0)
	assert.Nil(t, rec.Find("aws:iam/role:Role", "fp-test-redeploy"))
}

// TestRedeployRollsBothServicesThroughAScopedRole: RDS rotates its managed password in place and ECS reads
// secrets only at task start, so a weekly forced deployment must reach both services, and nothing else.
func TestRedeployRollsBothServicesThroughAScopedRole(t *testing.T) {
	a := baseArgs()
	a.Redeploy = RedeployArgs{Cron: "cron(5 15 ? * SUN *)"}
	rec := run(t, a)

	services := map[string]string{} // service name -> ARN
	for _, s := range rec.ByType("aws:ecs/service:Service") {
		services[s.Outputs["name"].(string)] = s.ID
	}
	require.Len(t, services, 2)

	schedules := rec.ByType("aws:scheduler/schedule:Schedule")
	require.Len(t, schedules, 2)
	role := rec.Find("aws:iam/role:Role", "fp-test-redeploy")
	require.NotNil(t, role)
	targeted := map[string]bool{}
	for _, s := range schedules {
		assert.Equal(t, "cron(5 15 ? * SUN *)", s.Str("scheduleExpression"))
		assert.Equal(t, "UTC", s.Str("scheduleExpressionTimezone"))
		assert.Equal(t, "OFF", s.Str("flexibleTimeWindow.mode"))
		assert.Equal(t, UpdateServiceTarget, s.Str("target.arn"))
		assert.Equal(t, role.Outputs["arn"], s.Str("target.roleArn"))
		var input struct {
			Cluster, Service   string
			ForceNewDeployment bool
		}
		require.NoError(t, json.Unmarshal([]byte(s.Str("target.input")), &input))
		assert.Equal(t, "fp-test", input.Cluster)
		assert.True(t, input.ForceNewDeployment)
		assert.Contains(t, services, input.Service)
		targeted[input.Service] = true
	}
	assert.Len(t, targeted, 2, "each service has its schedule")

	trust, err := iampolicy.Parse(role.Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{"scheduler.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{plan.Account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	// The schedule group Scheduler names as the source, not the schedule (its confused-deputy docs).
	assert.Equal(t, []string{"arn:aws:scheduler:" + region + ":123456789012:schedule-group/default"},
		trust.Statement[0].Condition["ArnEquals"]["aws:SourceArn"])

	policy, err := iampolicy.Parse(rec.Find("aws:iam/rolePolicy:RolePolicy", "fp-test-redeploy").Str("policy"))
	require.NoError(t, err)
	require.Len(t, policy.Statement, 1)
	assert.Equal(t, []string{"ecs:UpdateService"}, policy.Statement[0].Action)
	want := []string{}
	for _, arn := range services {
		want = append(want, arn)
	}
	assert.ElementsMatch(t, want, policy.Statement[0].Resource)
}

// TestNginxTrustsCloudflaresHeaderOnlyWhenToldTo: CF-Connecting-IP is believable only while the ALB admits
// Cloudflare alone; a caller that opens the ALB passes X-Forwarded-For, which the ALB appends to.
func TestNginxTrustsCloudflaresHeaderOnlyWhenToldTo(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{"default", "", "CF-Connecting-IP"},
		{"ALB open to the world", "X-Forwarded-For", "X-Forwarded-For"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := baseArgs()
			a.RealIpHeader = tt.give
			rec := run(t, a)
			var defs []ContainerDefinition
			require.NoError(t, json.Unmarshal([]byte(taskDef(t, rec, "fp-test-web").Str("containerDefinitions")), &defs))
			got := ""
			for _, d := range defs {
				for _, e := range d.Environment {
					if d.Name == NginxContainer && e.Name == "REAL_IP_HEADER" {
						got = e.Value
					}
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
