package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Stateful resources: losing one by accident loses data or locks data away.
var stateful = []string{
	"aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:kms/key:Key",
	"aws:ecr/repository:Repository", "aws:s3/bucketV2:BucketV2", "aws:secretsmanager/secret:Secret",
}

func TestStatefulResourcesAreProtectedInProdOnly(t *testing.T) {
	tests := []struct {
		stack       string
		wantProtect bool
	}{
		{"prod", true},
		{"dev", false}, // dev must stay easy to tear down
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			p := plans[tt.stack]
			for _, typ := range stateful {
				for _, r := range need(t, p, typ) {
					assert.Equal(t, tt.wantProtect, r.Protect, r.URN)
				}
			}
		})
	}
}

func TestDataStoresArePrivateAndEncryptedAtRestAndInTransit(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, db := range need(t, p, "aws:rds/instance:Instance") {
			assert.Equal(t, true, db.In("storageEncrypted"), db.URN)
			assert.Regexp(t, `^arn:aws:kms:`, db.Str("kmsKeyId"), db.URN)
			assert.Equal(t, false, db.In("publiclyAccessible"), db.URN)
			assert.Equal(t, true, db.In("manageMasterUserPassword"), db.URN)
			assert.Nil(t, db.In("password"), "%s: a password in config or state", db.URN)
		}
		for _, pg := range need(t, p, "aws:rds/parameterGroup:ParameterGroup") {
			assert.Contains(t, parameters(pg), "rds.force_ssl=1", pg.URN)
		}
		for _, c := range need(t, p, "aws:elasticache/replicationGroup:ReplicationGroup") {
			assert.Equal(t, true, c.In("atRestEncryptionEnabled"), c.URN)
			assert.Equal(t, true, c.In("transitEncryptionEnabled"), c.URN)
			assert.Regexp(t, `^arn:aws:kms:`, c.Str("kmsKeyId"), c.URN)
			assert.Equal(t, "[secret]", c.In("authToken"), c.URN)
		}
		for _, pg := range need(t, p, "aws:elasticache/parameterGroup:ParameterGroup") {
			assert.Contains(t, parameters(pg), "maxmemory-policy=noeviction", pg.URN)
		}
	})
}

// parameters flattens a parameter group's parameters to name=value.
func parameters(r *plan.Resource) []string {
	var out []string
	list, _ := r.In("parameters").([]any)
	for _, p := range list {
		m := p.(map[string]any)
		out = append(out, m["name"].(string)+"="+m["value"].(string))
	}
	return out
}

// TestOnlyTheLoadBalancerFacesTheInternet: no security group admits the world, the ALB admits only
// Cloudflare's ranges on 80/443, and the tasks and data stores admit only other security groups.
func TestOnlyTheLoadBalancerFacesTheInternet(t *testing.T) {
	cloudflare := map[string]bool{}
	for _, c := range plan.CloudflareIPv4 {
		cloudflare[c] = true
	}
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for _, r := range need(t, p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
			cidr := r.Str("cidrIpv4")
			port := r.In("fromPort")
			switch {
			case cidr == "":
				assert.NotEmpty(t, r.Str("referencedSecurityGroupId"), "%s admits neither a CIDR nor a group", r.URN)
			case cloudflare[cidr]:
				assert.Contains(t, []any{float64(80), float64(443)}, port, r.URN)
				assert.Equal(t, port, r.In("toPort"), r.URN)
			default:
				// Only the VPC itself, to the interface endpoints' HTTPS.
				assert.Regexp(t, `^10\.`, cidr, r.URN)
				assert.Equal(t, float64(443), port, r.URN)
			}
		}
		for _, s := range need(t, p, "aws:ec2/subnet:Subnet") {
			assert.Equal(t, false, s.In("mapPublicIpOnLaunch"), s.URN)
		}
		for _, svc := range need(t, p, "aws:ecs/service:Service") {
			assert.Equal(t, false, svc.In("networkConfiguration.assignPublicIp"), svc.URN)
		}
	})
}

func TestServicesDeployWithoutDowntimeInProd(t *testing.T) {
	tests := []struct {
		stack                 string
		wantMinHealthyPercent float64
	}{
		{"prod", 100},
		{"dev", 50},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			svcs := need(t, plans[tt.stack], "aws:ecs/service:Service")
			assert.Len(t, svcs, 2)
			for _, s := range svcs {
				assert.Equal(t, "LATEST", s.Str("platformVersion"), s.URN)
				assert.Equal(t, tt.wantMinHealthyPercent, s.In("deploymentMinimumHealthyPercent"), s.URN)
				assert.Equal(t, float64(200), s.In("deploymentMaximumPercent"), s.URN)
				assert.Equal(t, true, s.In("deploymentCircuitBreaker.enable"), s.URN)
				assert.Equal(t, true, s.In("deploymentCircuitBreaker.rollback"), s.URN)
				assert.Equal(t, true, s.In("enableExecuteCommand"), s.URN)
				assert.Equal(t, true, s.In("waitForSteadyState"), s.URN)
			}
		})
	}
}

// TestTheOnlyListenerIsHTTPSOnATLS13Policy: Cloudflare redirects http:// at the edge and reaches the ALB on
// 443 only, so the ALB listens nowhere else (Security Hub ELB.18 fails a port 80 listener, a redirect
// included).
func TestTheOnlyListenerIsHTTPSOnATLS13Policy(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		listeners := need(t, p, "aws:lb/listener:Listener")
		require.Len(t, listeners, 1)
		l := listeners[0]
		assert.Equal(t, float64(443), l.In("port"))
		assert.Equal(t, "HTTPS", l.Str("protocol"))
		assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", l.Str("sslPolicy"))
		assert.NotEmpty(t, l.Str("certificateArn"))
	})
}

// TestServicesRollAfterTheDatabasePasswordRotates: RDS rotates its managed password in place and ECS
// reads secrets only at task start, so every ECS service of the plan must be redeployed after each
// rotation window, by its own schedule <project>-<stack>-redeploy-<service> (other schedules, such as a
// scheduled task's, are not redeploys and are left out).
func TestServicesRollAfterTheDatabasePasswordRotates(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		rotations := need(t, p, "aws:secretsmanager/secretRotation:SecretRotation")
		assert.Len(t, rotations, 1)
		assert.Equal(t, "cron(0 14 ? * SUN *)", rotations[0].Str("rotationRules.scheduleExpression"))
		assert.Equal(t, "1h", rotations[0].Str("rotationRules.duration"))
		prefix := project + "-" + stack + "-"
		var want, got []string
		for _, s := range need(t, p, "aws:ecs/service:Service") {
			require.True(t, strings.HasPrefix(s.Name, prefix), s.URN)
			want = append(want, prefix+"redeploy-"+strings.TrimPrefix(s.Name, prefix))
		}
		for _, s := range need(t, p, "aws:scheduler/schedule:Schedule") {
			if !strings.HasPrefix(s.Str("name"), prefix+"redeploy-") {
				continue
			}
			got = append(got, s.Str("name"))
			// Sunday 15:05 UTC: after the 14:00-15:00 window.
			assert.Equal(t, "cron(5 15 ? * SUN *)", s.Str("scheduleExpression"), s.URN)
			assert.Equal(t, "UTC", s.Str("scheduleExpressionTimezone"), s.URN)
		}
		assert.ElementsMatch(t, want, got, "one redeploy schedule per ECS service")
	})
}

// TestExecutionRolePullsExactlyTheStacksImages: its own two repositories, plus GuardDuty's Fargate agent
// where runtime monitoring is on (prod), whose sidecar Fargate pulls with the same role.
func TestExecutionRolePullsExactlyTheStacksImages(t *testing.T) {
	tests := []struct {
		stack string
		want  []string
	}{
		{"dev", []string{
			"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-dev/app",
			"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-dev/nginx",
		}},
		{"prod", []string{
			"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-prod/app",
			"arn:aws:ecr:ap-southeast-2:123456789012:repository/fargate-platform-prod/nginx",
			"arn:aws:ecr:ap-southeast-2:005257825471:repository/aws-guardduty-agent-fargate",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			role := plans[tt.stack].Find("aws:iam/rolePolicy:RolePolicy", "fargate-platform-"+tt.stack+"-execution")
			require.NotNil(t, role)
			var pulls []string
			for _, s := range policy(t, role, "policy").Statement {
				if contains(s.Action, "ecr:BatchGetImage") {
					pulls = append(pulls, s.Resource...)
				}
			}
			assert.ElementsMatch(t, tt.want, pulls)
		})
	}
}
