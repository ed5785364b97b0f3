package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
		for _, c := range need(t, p, "aws:elasticache/replicationGroup:ReplicationGroup") {
			assert.Equal(t, "required", c.Str("transitEncryptionMode"), c.URN)
		}
	})
	// The zone's SSL/TLS settings, which both stacks' traffic crosses, have one owner (rule
	// claim.cloudflare-zone-settings): prod sets them, dev leaves them to it (manageZoneSettings: false).
	const zoneSettings = "cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride"
	assert.Empty(t, plans["dev"].ByType(zoneSettings))
	zone := need(t, plans["prod"], zoneSettings)[0]
	assert.Equal(t, "strict", zone.Str("settings.ssl"), "Cloudflare Full (Strict)")
	assert.Equal(t, "on", zone.Str("settings.alwaysUseHttps"))
	assert.Equal(t, "1.2", zone.Str("settings.minTlsVersion"))
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
	// Prod changes only through the protected GitHub environment (docs/delivery.md): deploy.yml's prod job
	// hands `production` to deploy-stack.yml, whose one job runs in the environment it is handed.
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
		require.NoError(t, err)
		return string(b)
	}
	deploy, stack := read("deploy.yml"), read("deploy-stack.yml")
	assert.Regexp(t, `(?m)^  prod:\n(?:    .*\n)*      environment: production\n`, deploy)
	assert.Regexp(t, `environment:\s+name: \$\{\{ inputs\.environment \}\}`, stack)
	assert.Contains(t, deploy, "id-token: write")
	assert.Contains(t, stack, "id-token: write")
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
	assert.Contains(t, buf.String(), "  FAIL RDS.3 RDS encrypted at rest with a customer-managed key  0/1 DB instance\n      "+db.URN+"\n")
	buf.Reset()
	r.WriteVerbose(&buf)
	assert.Contains(t, buf.String(), "FAIL "+db.URN+" storageEncrypted = false")
}

// TestComplianceCommandExitsNonZeroOnAFail: a prod stack may accept a single-AZ database and cache by
// config (allowSingleAzProd), but the report must then fail them, name the resource, and exit 1.
func TestComplianceCommandExitsNonZeroOnAFail(t *testing.T) {
	dir := variantDir(t, "prod", map[string]string{"allowSingleAzProd": "true", "dbMultiAz": "false", "cacheNodes": "1"})
	res := runPlan(dir, nil, "--stack", "variant", "--out", filepath.Join(dir, "p.json"), "--quiet", "--report", "compliance")
	assert.Equal(t, 1, res.code, res.stderr)
	assert.Contains(t, res.stdout, "FAIL A1.2")
	db := `urn:pulumi:variant::fargate-platform::fargate-platform:data:Data\$aws:rds/instance:Instance::fargate-platform-variant-db`
	assert.Regexp(t, `  FAIL RDS.5 RDS Multi-AZ  0/1 DB instance\n      `+db+`\n`, res.stdout)
	res = runPlan(dir, nil, "--stack", "variant", "--out", filepath.Join(dir, "p.json"), "--quiet", "--report", "compliance", "--verbose")
	assert.Equal(t, 1, res.code, res.stderr)
	assert.Regexp(t, `FAIL `+db+` multiAz = false`, res.stdout)
}

// TestComplianceReportIsALinePerCheckVerboseAndJSON: by default the prod report is a line per control and
// per check (the header, the Security Hub summary and the verdict besides), not the evidence; --verbose
// has the evidence; --json holds every check with its resources, for CI.
func TestComplianceReportIsALinePerCheckVerboseAndJSON(t *testing.T) {
	controls, checks := len(compliance.Controls()), 0
	for _, c := range compliance.Controls() {
		checks += len(c.Checks)
	}
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "compliance.json")
	res := runPlan(root, nil, "--stack", "prod", "--out", filepath.Join(dir, "p.json"), "--quiet", "--report", "compliance", "--json", jsonPath)
	require.Equal(t, 0, res.code, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	assert.Len(t, lines, 1+controls+checks+3, res.stdout)
	assert.Less(t, len(lines), 120, "the default report stays short")
	assert.NotRegexp(t, `(?m)^      (PASS|FAIL) `, res.stdout, "no evidence without --verbose")
	assert.Contains(t, lines, "  PASS S3.13 every bucket has a lifecycle configuration  2/2 buckets")
	assert.Contains(t, lines, "  PASS ELB.18 every load balancer listener terminates TLS (HTTPS or TLS)  1/1 listener")

	verbose := runPlan(root, nil, "--stack", "prod", "--out", filepath.Join(dir, "p.json"), "--quiet", "--report", "compliance", "--verbose")
	require.Equal(t, 0, verbose.code, verbose.stderr)
	trail := need(t, plans["prod"], "aws:cloudtrail/trail:Trail")[0]
	assert.Contains(t, verbose.stdout, "      PASS "+trail.URN+" enableLogFileValidation = true\n")
	assert.Greater(t, strings.Count(verbose.stdout, "\n"), 4*len(lines))

	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var got struct {
		Environment string `json:"environment"`
		Pass        bool   `json:"pass"`
		Controls    []struct {
			Checks []struct {
				ID        string `json:"id"`
				Pass      bool   `json:"pass"`
				Resources []struct {
					URN      string `json:"urn"`
					Evidence []struct {
						Property string `json:"property"`
					} `json:"evidence"`
				} `json:"resources"`
			} `json:"checks"`
		} `json:"controls"`
		SecurityHub []struct {
			ID string `json:"id"`
		} `json:"securityHub"`
	}
	require.NoError(t, json.Unmarshal(b, &got), "--json writes valid JSON")
	assert.Equal(t, "prod", got.Environment)
	assert.True(t, got.Pass)
	ids := map[string]bool{}
	for _, c := range got.Controls {
		for _, ch := range c.Checks {
			ids[ch.ID] = true
			assert.True(t, ch.Pass, ch.ID)
			for _, r := range ch.Resources {
				assert.NotEmpty(t, r.Evidence, "%s %s", ch.ID, r.URN)
			}
		}
	}
	for _, c := range compliance.Controls() {
		for _, ch := range c.Checks {
			assert.True(t, ids[ch.ID], "the JSON lacks %s", ch.ID)
		}
	}
	assert.Len(t, got.SecurityHub, len(compliance.SecurityHub))
}

// TestSecurityHubTableCoversEveryResourceTypeOfThePlans: every AWS resource type of the dev and prod plans
// is known to pkg/compliance; each one Security Hub's FSBP controls evaluate has at least one of them in the
// table; and no control marked not applicable concerns a type the plans hold.
func TestSecurityHubTableCoversEveryResourceTypeOfThePlans(t *testing.T) {
	known := map[string]compliance.PlanType{}
	for _, p := range compliance.PlanTypes {
		known[p.Token] = p
	}
	inPlans := map[string]bool{}
	eachStack(t, func(t *testing.T, stack string, p *plan.Recorder) {
		for typ := range p.Counts() {
			if !strings.HasPrefix(typ, "aws:") {
				continue
			}
			inPlans[typ] = true
			pt, ok := known[typ]
			if !assert.True(t, ok, "%s is in the %s plan but not in compliance.PlanTypes: add it with its AWS type", typ, stack) {
				continue
			}
			if pt.Of != "" || !slices.Contains(compliance.FSBPResourceTypes, pt.AWS) {
				continue
			}
			covered := slices.ContainsFunc(compliance.SecurityHub, func(c compliance.SecurityHubControl) bool {
				return c.FSBP && slices.Contains(c.Types, typ)
			})
			assert.True(t, covered, "%s (%s) has FSBP controls, none of them in compliance.SecurityHub", typ, pt.AWS)
		}
	})
	for _, c := range compliance.SecurityHub {
		for _, typ := range c.Types {
			if c.Coverage == compliance.NotApplicable {
				assert.False(t, inPlans[typ], "%s is marked not applicable, yet the plans hold %s", c.ID, typ)
			}
		}
	}
}
