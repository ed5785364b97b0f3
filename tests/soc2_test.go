package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The SOC 2 controls, one test each (docs/SOC2.md names them). Each runs the compliance report's checks
// for its control over both plans and asserts the settings that matter most directly, so a regression
// shows up named after the control it breaks.

// control returns the report's result for a control, failing when it is missing.
func control(t *testing.T, p *plan.Recorder, stack, id, titlePrefix string) compliance.ControlResult {
	t.Helper()
	for _, c := range compliance.Evaluate(p, stack).Controls {
		if c.ID == id && strings.HasPrefix(c.Title, titlePrefix) {
			return c
		}
	}
	t.Fatalf("no control %s %q in the report", id, titlePrefix)
	return compliance.ControlResult{}
}

func requirePass(t *testing.T, c compliance.ControlResult) {
	t.Helper()
	for _, ch := range c.Checks {
		if !ch.Pass {
			var bad []string
			for _, e := range ch.Evidence {
				if !e.Pass {
					bad = append(bad, e.URN+" "+e.Property+" = "+e.Value)
				}
			}
			t.Errorf("%s %s: %s fails:\n  %s", c.ID, c.Title, ch.ID, strings.Join(bad, "\n  "))
		}
	}
}

func TestCC6_1LeastPrivilege(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC6.1", "Logical access"))
		// Every role can be assumed only by a service of this account, or through GitHub's OIDC provider.
		for _, r := range need(t, p, "aws:iam/role:Role") {
			for _, s := range policy(t, r, "assumeRolePolicy").Statement {
				assert.NotEmpty(t, s.Condition["StringEquals"]["aws:SourceAccount"], "%s trust has no aws:SourceAccount", r.URN)
			}
		}
		// No role has an AWS managed policy attached.
		assert.Empty(t, p.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
	})
}

func TestCC6_1EncryptionAtRest(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC6.1", "Encryption at rest"))
		for _, param := range need(t, p, "aws:ssm/parameter:Parameter") {
			assert.Equal(t, "SecureString", param.Str("type"), param.URN)
			assert.Regexp(t, `^arn:aws:kms:`, param.Str("keyId"), param.URN)
		}
		for _, s := range need(t, p, "aws:secretsmanager/secret:Secret") {
			assert.Regexp(t, `^arn:aws:kms:`, s.Str("kmsKeyId"), s.URN)
		}
		for _, r := range need(t, p, "aws:ecr/repository:Repository") {
			assert.Equal(t, "KMS", r.Str("encryptionConfigurations.0.encryptionType"), r.URN)
		}
		for _, topic := range need(t, p, "aws:sns/topic:Topic") {
			assert.Regexp(t, `^arn:aws:kms:`, topic.Str("kmsMasterKeyId"), topic.URN)
		}
	})
}

func TestCC6_6BoundaryProtection(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC6.6", "Boundary protection"))
		// albIngressCloudflareOnly is on in both stacks: the ALB admits exactly Cloudflare's ranges on 443,
		// and nothing else from outside the VPC.
		want := map[string]bool{}
		for _, c := range plan.CloudflareIPv4 {
			want[c+":443"] = true
		}
		got := map[string]bool{}
		for _, r := range need(t, p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
			if cidr := r.Str("cidrIpv4"); cidr != "" && !strings.HasPrefix(cidr, "10.") {
				got[cidr+":"+r.Str("fromPort")] = true
			}
		}
		assert.Equal(t, want, got)
		// The tasks and the data stores have no route from the internet.
		for _, db := range need(t, p, "aws:rds/instance:Instance") {
			assert.Equal(t, false, db.In("publiclyAccessible"))
		}
	})
}

func TestCC6_7EncryptionInTransit(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC6.7", "Encryption in transit"))
		zone := need(t, p, "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride")[0]
		assert.Equal(t, "strict", zone.Str("settings.ssl"), "Cloudflare Full (Strict)")
		assert.Equal(t, "on", zone.Str("settings.alwaysUseHttps"))
		assert.Equal(t, "1.2", zone.Str("settings.minTlsVersion"))
		for _, c := range need(t, p, "aws:elasticache/replicationGroup:ReplicationGroup") {
			assert.Equal(t, "required", c.Str("transitEncryptionMode"), c.URN)
		}
	})
}

func TestCC6_8ImageScanningAndHardenedContainers(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC6.8", ""))
		for _, r := range need(t, p, "aws:ecr/repository:Repository") {
			assert.Equal(t, "IMMUTABLE", r.Str("imageTagMutability"), r.URN)
			assert.Equal(t, true, r.In("imageScanningConfiguration.scanOnPush"), r.URN)
		}
		for _, td := range need(t, p, "aws:ecs/taskDefinition:TaskDefinition") {
			var defs []struct {
				Name                   string `json:"name"`
				User                   string `json:"user"`
				Privileged             bool   `json:"privileged"`
				ReadonlyRootFilesystem bool   `json:"readonlyRootFilesystem"`
			}
			require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
			for _, d := range defs {
				assert.True(t, d.ReadonlyRootFilesystem, "%s/%s", td.Name, d.Name)
				assert.False(t, d.Privileged, "%s/%s", td.Name, d.Name)
				assert.NotContains(t, []string{"", "0", "root", "0:0"}, d.User, "%s/%s runs as root", td.Name, d.Name)
			}
		}
	})
}

func TestCC7_2MonitoringAndAlerting(t *testing.T) {
	tests := []struct {
		stack      string
		wantAlarms int
	}{
		{"dev", 17},
		{"prod", 22}, // two cache nodes: replication lag per replica and more
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			p := plans[tt.stack]
			requirePass(t, control(t, p, tt.stack, "CC7.2", ""))
			topic := need(t, p, "aws:sns/topic:Topic")[0].Outputs["arn"]
			alarms := need(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm")
			assert.Len(t, alarms, tt.wantAlarms)
			for _, a := range alarms {
				assert.Equal(t, []any{topic}, a.In("alarmActions"), a.URN)
				assert.Equal(t, []any{topic}, a.In("okActions"), a.URN)
				assert.NotEmpty(t, a.Str("treatMissingData"), a.URN)
			}
			assert.Len(t, need(t, p, "aws:cloudwatch/dashboard:Dashboard"), 1)
		})
	}
}

func TestCC8_1ChangeManagement(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		requirePass(t, control(t, p, stack, "CC8.1", ""))
	})
	// Prod changes only through the protected GitHub environment (docs/delivery.md).
	b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "deploy.yml"))
	require.NoError(t, err)
	assert.Regexp(t, `environment:\s+name: production`, string(b))
	assert.Contains(t, string(b), "id-token: write")
}

func TestA1_2BackupsAndRecovery(t *testing.T) {
	tests := []struct {
		stack           string
		wantBackupDays  float64
		wantSnapshot    bool // a final snapshot on delete
		wantCacheCopies float64
	}{
		{"dev", 1, false, 0},
		{"prod", 14, true, 7},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			p := plans[tt.stack]
			requirePass(t, control(t, p, tt.stack, "A1.2", ""))
			db := need(t, p, "aws:rds/instance:Instance")[0]
			assert.Equal(t, tt.wantBackupDays, db.In("backupRetentionPeriod"))
			assert.Equal(t, !tt.wantSnapshot, db.In("skipFinalSnapshot"))
			if tt.wantSnapshot {
				assert.Equal(t, "fargate-platform-prod-db-final", db.Str("finalSnapshotIdentifier"))
			}
			cache := need(t, p, "aws:elasticache/replicationGroup:ReplicationGroup")[0]
			assert.Equal(t, tt.wantCacheCopies, cache.In("snapshotRetentionLimit"))
		})
	}
}

func TestComplianceReportPassesForEveryStack(t *testing.T) {
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		r := compliance.Evaluate(p, stack)
		assert.True(t, r.Passed(), "failed: %v", r.Failed())
		res := runPlan(root, nil, "--stack", stack, "--out", filepath.Join(t.TempDir(), "p.json"), "--quiet", "--report", "compliance")
		assert.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "PASS CC6.1")
	})
}

// TestComplianceReportFailsNamingControlAndResource breaks one control on purpose in a copy of the prod
// plan: the report must fail, naming the control, the check and the resource.
func TestComplianceReportFailsNamingControlAndResource(t *testing.T) {
	p := readPlan(t, root, "prod") // a copy of its own: the test changes it

	db := need(t, p, "aws:rds/instance:Instance")[0]
	db.Inputs["storageEncrypted"] = false

	r := compliance.Evaluate(p, "prod")
	assert.False(t, r.Passed())
	assert.Contains(t, r.Failed(), "CC6.1 RDS.3")
	var buf bytes.Buffer
	r.Write(&buf)
	assert.Contains(t, buf.String(), "FAIL "+db.URN+" storageEncrypted = false")
}

// TestComplianceCommandExitsNonZeroOnAFail: a prod stack may accept a single-AZ database and cache by
// config (allowSingleAzProd), but the report must then fail them, name the resource, and exit 1.
func TestComplianceCommandExitsNonZeroOnAFail(t *testing.T) {
	dir := variantDir(t, "prod", map[string]string{"allowSingleAzProd": "true", "dbMultiAz": "false", "cacheNodes": "1"})
	res := runPlan(dir, nil, "--stack", "variant", "--out", filepath.Join(dir, "p.json"), "--quiet", "--report", "compliance")
	assert.Equal(t, 1, res.code, res.stderr)
	assert.Contains(t, res.stdout, "FAIL A1.2")
	assert.Regexp(t, `FAIL urn:pulumi:variant::fargate-platform::fargate-platform:data:Data\$aws:rds/instance:Instance::fargate-platform-variant-db multiAz = false`, res.stdout)
}
