package data

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	keyArn     = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"
	vpcId      = "vpc-0123456789abcdef0"
	serviceSg  = "sg-0aaaaaaaaaaaaaaaa"
	token      = "Test-Only-Auth-Token-0123456789abcdef"
	tokenParam = "arn:aws:ssm:ap-southeast-2:123456789012:parameter/fargate-platform/test/REDIS_PASSWORD"

	tInstance   = "aws:rds/instance:Instance"
	tDbParams   = "aws:rds/parameterGroup:ParameterGroup"
	tDbSubnets  = "aws:rds/subnetGroup:SubnetGroup"
	tGroup      = "aws:elasticache/replicationGroup:ReplicationGroup"
	tCacheParam = "aws:elasticache/parameterGroup:ParameterGroup"
	tCacheSubs  = "aws:elasticache/subnetGroup:SubnetGroup"
	tSg         = "aws:ec2/securityGroup:SecurityGroup"
	tIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tRole       = "aws:iam/role:Role"
	tRolePolicy = "aws:iam/rolePolicy:RolePolicy"
)

var isolated = []string{"subnet-0000000000000000a", "subnet-0000000000000000b"}

// dev and prod mirror the stacks' defaults for the two environments.
func dev() Args {
	return Args{
		LogGroupRetentionDays: 14,
		Database: DatabaseArgs{EngineVersion: "16", InstanceClass: "db.t4g.micro", AllocatedStorage: 20,
			MaxAllocatedStorage: 100, BackupRetentionDays: 1, SkipFinalSnapshot: true, Name: "app", Username: "app"},
		Cache: CacheArgs{Engine: "valkey", EngineVersion: "8.1", NodeType: "cache.t4g.micro", Nodes: 1},
	}
}

func prod() Args {
	return Args{
		LogGroupRetentionDays: 365,
		Protect:               true,
		Database: DatabaseArgs{EngineVersion: "16.6", InstanceClass: "db.m7g.large", AllocatedStorage: 100,
			MaxAllocatedStorage: 1000, BackupRetentionDays: 14, MultiAz: true, DeletionProtection: true,
			MonitoringInterval: 60, Name: "app", Username: "app"},
		Cache: CacheArgs{Engine: "valkey", EngineVersion: "8.1", NodeType: "cache.m7g.large", Nodes: 2,
			SnapshotRetentionDays: 7},
	}
}

// result is one plan: the recording, and the component's env and secrets with their values resolved.
type result struct {
	rec     *plan.Recorder
	env     map[string]string
	order   []string // env then secret names, in the order the component lists them
	secrets map[string]resolvedSecret
}

type resolvedSecret struct {
	ValueFrom, ReadArn string
	Kind               container.Kind
}

// withInputs fills the Pulumi-valued arguments main would pass (the network's and secrets' outputs).
func withInputs(a *Args) {
	a.VpcId = pulumi.String(vpcId)
	a.SubnetIds = pulumi.ToStringArray(isolated)
	a.ServiceSecurityGroupId = pulumi.String(serviceSg)
	a.KmsKeyArn = pulumi.String(keyArn)
	a.Cache.AuthToken = pulumi.ToSecret(pulumi.String(token)).(pulumi.StringOutput)
	a.Cache.AuthTokenSecret = container.Parameter("REDIS_PASSWORD", pulumi.String(tokenParam).ToStringOutput())
}

// run plans one Data under the recording mock.
func run(t *testing.T, args Args) result {
	t.Helper()
	res := result{rec: plan.NewRecorder("fargate-platform", "test", "ap-southeast-2"),
		env: map[string]string{}, secrets: map[string]resolvedSecret{}}
	var mu sync.Mutex
	done := make(chan struct{})
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		withInputs(&args)
		d, err := New(ctx, "fp-test", &args)
		if err != nil {
			return err
		}
		var values []any
		for _, e := range d.Environment {
			res.order = append(res.order, e.Name)
			values = append(values, e.Value)
		}
		for _, s := range d.Secrets {
			res.order = append(res.order, s.Name)
			values = append(values, s.ValueFrom, s.ReadArn)
		}
		pulumi.All(values...).ApplyT(func(v []any) error {
			mu.Lock()
			defer mu.Unlock()
			for i, e := range d.Environment {
				res.env[e.Name] = v[i].(string)
			}
			for i, s := range d.Secrets {
				j := len(d.Environment) + 2*i
				res.secrets[s.Name] = resolvedSecret{v[j].(string), v[j+1].(string), s.Kind}
			}
			close(done)
			return nil
		})
		return nil
	}, res.rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("env and secrets never resolved")
	}
	return res
}

func one(t *testing.T, rec *plan.Recorder, typ string) *plan.Resource {
	t.Helper()
	rs := rec.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func TestBothStoresAreEncryptedWithTheStackKey(t *testing.T) {
	tests := []struct {
		name          string
		give          Args
		wantRetention float64
	}{
		{"dev", dev(), 14},
		{"prod", prod(), 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give).rec
			db := one(t, rec, tInstance)
			assert.Equal(t, true, db.In("storageEncrypted"))
			assert.Equal(t, keyArn, db.Str("kmsKeyId"))
			assert.Equal(t, keyArn, db.Str("masterUserSecretKmsKeyId"))
			assert.Equal(t, true, db.In("performanceInsightsEnabled"))
			assert.Equal(t, keyArn, db.Str("performanceInsightsKmsKeyId"))
			assert.Equal(t, float64(7), db.In("performanceInsightsRetentionPeriod"))
			assert.Equal(t, "gp3", db.Str("storageType"))

			cache := one(t, rec, tGroup)
			assert.Equal(t, true, cache.In("atRestEncryptionEnabled"))
			assert.Equal(t, keyArn, cache.Str("kmsKeyId"))

			groups := rec.ByType(tLogGroup)
			require.Len(t, groups, 2)
			for _, g := range groups {
				assert.Equal(t, keyArn, g.Str("kmsKeyId"), g.Name)
				assert.Equal(t, tt.wantRetention, g.In("retentionInDays"), g.Name)
			}
		})
	}
}

func TestDatabaseIsPrivate(t *testing.T) {
	rec := run(t, prod()).rec
	db := one(t, rec, tInstance)
	assert.Equal(t, false, db.In("publiclyAccessible"))

	subnets := one(t, rec, tDbSubnets)
	assert.Equal(t, []any{isolated[0], isolated[1]}, subnets.In("subnetIds"))
	assert.Equal(t, subnets.Outputs["name"], db.Str("dbSubnetGroupName"))

	cacheSubnets := one(t, rec, tCacheSubs)
	assert.Equal(t, []any{isolated[0], isolated[1]}, cacheSubnets.In("subnetIds"))
	assert.Equal(t, cacheSubnets.Outputs["name"], one(t, rec, tGroup).Str("subnetGroupName"))

	dbSg := rec.Find(tSg, "fp-test-db")
	cacheSg := rec.Find(tSg, "fp-test-cache")
	require.NotNil(t, dbSg)
	require.NotNil(t, cacheSg)
	assert.Equal(t, []any{dbSg.ID}, db.In("vpcSecurityGroupIds"))
	assert.Equal(t, []any{cacheSg.ID}, one(t, rec, tGroup).In("securityGroupIds"))
}

func TestSecurityGroupRulesAreOnlyFromAndToTheServiceGroup(t *testing.T) {
	rec := run(t, dev()).rec
	dbSg := rec.Find(tSg, "fp-test-db")
	cacheSg := rec.Find(tSg, "fp-test-cache")
	require.NotNil(t, dbSg)
	require.NotNil(t, cacheSg)
	require.Len(t, rec.ByType(tSg), 2)
	for _, sg := range rec.ByType(tSg) {
		assert.Empty(t, sg.In("ingress"), "no inline rules: %s", sg.Name)
		assert.Empty(t, sg.In("egress"), "no inline rules: %s", sg.Name)
		assert.Equal(t, vpcId, sg.Str("vpcId"))
	}

	type rule struct {
		group, referenced string
		port              float64
	}
	var ingress, egress []rule
	for _, r := range rec.ByType(tIngress) {
		assert.Equal(t, "tcp", r.Str("ipProtocol"))
		assert.Equal(t, r.In("fromPort"), r.In("toPort"), "one port, not a range")
		for _, open := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
			assert.Nil(t, r.In(open), "%s: %s", r.Name, open)
		}
		assert.NotEmpty(t, r.Str("description"))
		ingress = append(ingress, rule{r.Str("securityGroupId"), r.Str("referencedSecurityGroupId"), r.In("fromPort").(float64)})
	}
	for _, r := range rec.ByType(tEgress) {
		assert.Equal(t, "tcp", r.Str("ipProtocol"))
		assert.Equal(t, r.In("fromPort"), r.In("toPort"), "one port, not a range")
		for _, open := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
			assert.Nil(t, r.In(open), "%s: %s", r.Name, open)
		}
		assert.NotEmpty(t, r.Str("description"))
		egress = append(egress, rule{r.Str("securityGroupId"), r.Str("referencedSecurityGroupId"), r.In("fromPort").(float64)})
	}
	assert.ElementsMatch(t, []rule{{dbSg.ID, serviceSg, 5432}, {cacheSg.ID, serviceSg, 6379}}, ingress)
	assert.ElementsMatch(t, []rule{{serviceSg, dbSg.ID, 5432}, {serviceSg, cacheSg.ID, 6379}}, egress)
}

func TestParameterGroupsForceTlsLogSlowStatementsAndNeverEvict(t *testing.T) {
	tests := []struct {
		name            string
		dbVersion       string
		engine, version string
		wantDbFamily    string
		wantCacheFamily string
	}{
		{"postgres 16, valkey 7.2", "16", "valkey", "7.2", "postgres16", "valkey7"},
		{"postgres 16.6, valkey 8.1", "16.6", "valkey", "8.1", "postgres16", "valkey8"},
		{"postgres 17, redis 7.1", "17", "redis", "7.1", "postgres17", "redis7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := dev()
			args.Database.EngineVersion = tt.dbVersion
			args.Cache.Engine, args.Cache.EngineVersion = tt.engine, tt.version
			rec := run(t, args).rec

			pg := one(t, rec, tDbParams)
			assert.Equal(t, tt.wantDbFamily, pg.Str("family"))
			params := map[string]string{}
			for _, p := range pg.In("parameters").([]any) {
				m := p.(map[string]any)
				params[m["name"].(string)] = m["value"].(string)
				assert.Equal(t, "immediate", m["applyMethod"], m["name"])
			}
			assert.Equal(t, map[string]string{"rds.force_ssl": "1", "log_min_duration_statement": "1000"}, params)
			db := one(t, rec, tInstance)
			assert.Equal(t, pg.Outputs["name"], db.Str("parameterGroupName"))
			assert.Equal(t, "postgres", db.Str("engine"))
			assert.Equal(t, tt.dbVersion, db.Str("engineVersion"))

			cp := one(t, rec, tCacheParam)
			assert.Equal(t, tt.wantCacheFamily, cp.Str("family"))
			assert.Equal(t, []any{map[string]any{"name": "maxmemory-policy", "value": "noeviction"}}, cp.In("parameters"))
			group := one(t, rec, tGroup)
			assert.Equal(t, cp.Outputs["name"], group.Str("parameterGroupName"))
			assert.Equal(t, tt.engine, group.Str("engine"))
			assert.Equal(t, tt.version, group.Str("engineVersion"))
		})
	}
}

func TestProductionProtections(t *testing.T) {
	tests := []struct {
		name              string
		give              Args
		wantProtect       bool
		wantDeletionProt  bool
		wantSkipFinal     bool
		wantDeleteBackups bool
		wantMultiAz       bool
		wantRetention     float64
		wantCacheFinal    any
		wantCacheSnapshot float64
	}{
		{"dev", dev(), false, false, true, true, false, 1, nil, 0},
		{"prod", prod(), true, true, false, false, true, 14, "fp-test-cache-final", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, tt.give).rec
			db := one(t, rec, tInstance)
			assert.Equal(t, tt.wantProtect, db.Protect)
			assert.Equal(t, tt.wantDeletionProt, db.In("deletionProtection"))
			assert.Equal(t, tt.wantSkipFinal, db.In("skipFinalSnapshot"))
			assert.Equal(t, "fp-test-db-final", db.Str("finalSnapshotIdentifier"))
			assert.Equal(t, tt.wantDeleteBackups, db.In("deleteAutomatedBackups"))
			assert.Equal(t, tt.wantMultiAz, db.In("multiAz"))
			assert.Equal(t, tt.wantRetention, db.In("backupRetentionPeriod"))
			assert.Equal(t, true, db.In("copyTagsToSnapshot"))
			assert.Equal(t, true, db.In("autoMinorVersionUpgrade"))
			assert.Equal(t, false, db.In("applyImmediately"))
			assert.Equal(t, "fp-test-db", db.Str("identifier"))
			assert.Equal(t, DbCaCertIdentifier, db.Str("caCertIdentifier"))
			assert.Equal(t, true, db.In("iamDatabaseAuthenticationEnabled"))

			group := one(t, rec, tGroup)
			assert.Equal(t, tt.wantProtect, group.Protect)
			assert.Equal(t, tt.wantCacheSnapshot, group.In("snapshotRetentionLimit"))
			assert.Equal(t, tt.wantCacheFinal, group.In("finalSnapshotIdentifier"))
			assert.Equal(t, true, group.In("autoMinorVersionUpgrade"))
			assert.Equal(t, false, group.In("applyImmediately"))
			assert.Equal(t, "fp-test-cache", group.Str("replicationGroupId"))
		})
	}
}

func TestStorageAutoscalesToTheMaximum(t *testing.T) {
	tests := []struct {
		name       string
		alloc, max int
		wantMax    float64
	}{
		{"autoscaling", 20, 100, 100},
		{"max equal to allocated turns autoscaling off", 50, 50, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := dev()
			args.Database.AllocatedStorage, args.Database.MaxAllocatedStorage = tt.alloc, tt.max
			db := one(t, run(t, args).rec, tInstance)
			assert.Equal(t, float64(tt.alloc), db.In("allocatedStorage"))
			assert.Equal(t, tt.wantMax, db.In("maxAllocatedStorage"))
		})
	}
}

func TestMasterPasswordIsManagedByRds(t *testing.T) {
	res := run(t, prod())
	db := one(t, res.rec, tInstance)
	assert.Equal(t, true, db.In("manageMasterUserPassword"))
	assert.Nil(t, db.In("password"), "no password input")
	assert.Len(t, res.rec.ByType("random:index/randomPassword:RandomPassword"), 0)
	assert.Len(t, res.rec.ByType("aws:secretsmanager/secret:Secret"), 0, "RDS owns the secret")

	secretArn := db.Outputs["masterUserSecrets"].([]any)[0].(map[string]any)["secretArn"].(string)
	require.True(t, strings.HasPrefix(secretArn, "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:rds!db-"))
	assert.Equal(t, resolvedSecret{secretArn + ":password::", secretArn, container.SecretManager}, res.secrets["DB_PASSWORD"])

	rotation := one(t, res.rec, "aws:secretsmanager/secretRotation:SecretRotation")
	assert.Equal(t, secretArn, rotation.Str("secretId"))
	assert.Nil(t, rotation.In("rotationLambdaArn"), "RDS rotates its own secret")
	assert.Equal(t, false, rotation.In("rotateImmediately"))
	assert.Equal(t, "cron(0 14 ? * SUN *)", rotation.Str("rotationRules.scheduleExpression"))
	assert.Equal(t, "1h", rotation.Str("rotationRules.duration"))
}

func TestCacheRequiresTlsAndAuth(t *testing.T) {
	res := run(t, dev())
	group := one(t, res.rec, tGroup)
	assert.Equal(t, "valkey", group.Str("engine"))
	assert.Equal(t, true, group.In("transitEncryptionEnabled"))
	assert.Equal(t, "required", group.Str("transitEncryptionMode"))
	assert.Equal(t, "ROTATE", group.Str("authTokenUpdateStrategy"))
	assert.Equal(t, "[secret]", group.In("authToken"), "the token is a secret in state")
	assert.True(t, group.RawInputs["authToken"].ContainsSecrets())
	assert.Equal(t, float64(6379), group.In("port"))
	assert.Equal(t, resolvedSecret{tokenParam, tokenParam, container.SSMParameter}, res.secrets["REDIS_PASSWORD"])
}

func TestAuthTokenIsSecretEvenWhenPassedPlain(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args := dev()
		withInputs(&args)
		args.Cache.AuthToken = pulumi.String(token)
		_, err := New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	group := one(t, rec, tGroup)
	assert.Equal(t, "[secret]", group.In("authToken"))
}

func TestCacheNodesDecideFailoverAndMultiAz(t *testing.T) {
	tests := []struct {
		nodes        int
		wantFailover bool
	}{
		{1, false},
		{2, true},
		{3, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d nodes", tt.nodes), func(t *testing.T) {
			args := dev()
			args.Cache.Nodes = tt.nodes
			group := one(t, run(t, args).rec, tGroup)
			assert.Equal(t, float64(tt.nodes), group.In("numCacheClusters"))
			assert.Nil(t, group.In("numberCacheClusters"), "the deprecated field stays unset")
			assert.Nil(t, group.In("numNodeGroups"), "cluster mode stays off")
			assert.Equal(t, tt.wantFailover, group.In("automaticFailoverEnabled"))
			assert.Equal(t, tt.wantFailover, group.In("multiAzEnabled"))
		})
	}
}

func TestMonitoringRoleOnlyWhenIntervalIsSet(t *testing.T) {
	t.Run("interval 0: no role", func(t *testing.T) {
		rec := run(t, dev()).rec
		assert.Len(t, rec.ByType(tRole), 0)
		assert.Len(t, rec.ByType(tRolePolicy), 0)
		db := one(t, rec, tInstance)
		assert.Equal(t, float64(0), db.In("monitoringInterval"))
		assert.Nil(t, db.In("monitoringRoleArn"))
	})
	t.Run("interval 60: scoped role", func(t *testing.T) {
		rec := run(t, prod()).rec
		role := one(t, rec, tRole)
		db := one(t, rec, tInstance)
		assert.Equal(t, float64(60), db.In("monitoringInterval"))
		assert.Equal(t, role.Outputs["arn"], db.Str("monitoringRoleArn"))
		assert.Len(t, rec.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), 0, "no managed policy")
		assert.Nil(t, role.In("managedPolicyArns"))

		trust, err := iampolicy.Parse(role.Str("assumeRolePolicy"))
		require.NoError(t, err)
		require.Len(t, trust.Statement, 1)
		st := trust.Statement[0]
		assert.Equal(t, "Allow", st.Effect)
		assert.Equal(t, []string{"monitoring.rds.amazonaws.com"}, st.Principal.Service)
		assert.Empty(t, st.Principal.AWS)
		assert.Equal(t, []string{"sts:AssumeRole"}, st.Action)
		assert.Equal(t, iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {plan.Account}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:rds:ap-southeast-2:123456789012:db:fp-test-db"}},
		}, st.Condition)

		policy := one(t, rec, tRolePolicy)
		assert.Equal(t, role.Outputs["name"], policy.Str("role"))
		doc, err := iampolicy.Parse(policy.Str("policy"))
		require.NoError(t, err)
		group := "arn:aws:logs:ap-southeast-2:123456789012:log-group:RDSOSMetrics"
		require.Len(t, doc.Statement, 2)
		assert.Equal(t, iampolicy.Statement{Sid: "RDSOSMetricsGroup", Effect: "Allow",
			Action:   []string{"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogStreams"},
			Resource: []string{group, group + ":*"}}, doc.Statement[0])
		assert.Equal(t, iampolicy.Statement{Sid: "RDSOSMetricsStreams", Effect: "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"},
			Resource: []string{group + ":log-stream:*"}}, doc.Statement[1])

		assert.Contains(t, db.Dependencies, policy.URN, "the instance waits for the role's permissions")
	})
}

func TestLogExportsGoToPreCreatedEncryptedGroups(t *testing.T) {
	rec := run(t, dev()).rec
	db := one(t, rec, tInstance)
	assert.Equal(t, []any{"postgresql", "upgrade"}, db.In("enabledCloudwatchLogsExports"))
	var names []string
	for _, g := range rec.ByType(tLogGroup) {
		names = append(names, g.Str("name"))
		assert.Contains(t, db.Dependencies, g.URN, "the instance must not create the group itself")
	}
	assert.ElementsMatch(t, []string{"/aws/rds/instance/fp-test-db/postgresql", "/aws/rds/instance/fp-test-db/upgrade"}, names)
}

func TestWindowsAreSetAndDoNotOverlap(t *testing.T) {
	rec := run(t, prod()).rec
	db := one(t, rec, tInstance)
	group := one(t, rec, tGroup)
	assert.Equal(t, DbBackupWindow, db.Str("backupWindow"))
	assert.Equal(t, DbMaintenanceWindow, db.Str("maintenanceWindow"))
	assert.Equal(t, CacheSnapshotWindow, group.Str("snapshotWindow"))
	assert.Equal(t, CacheMaintenanceWindow, group.Str("maintenanceWindow"))

	// Minutes of the week, with daily windows repeated on every day.
	minutes := func(hhmm string) int {
		var h, m int
		_, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m)
		require.NoError(t, err)
		return h*60 + m
	}
	days := map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
	weekly := func(w string) [][2]int {
		parts := strings.Split(w, "-")
		s, e := strings.SplitN(parts[0], ":", 2), strings.SplitN(parts[1], ":", 2)
		return [][2]int{{days[s[0]]*1440 + minutes(s[1]), days[e[0]]*1440 + minutes(e[1])}}
	}
	daily := func(w string) [][2]int {
		parts := strings.Split(w, "-")
		var out [][2]int
		for d := 0; d < 7; d++ {
			out = append(out, [2]int{d*1440 + minutes(parts[0]), d*1440 + minutes(parts[1])})
		}
		return out
	}
	all := map[string][][2]int{
		"db backup": daily(DbBackupWindow), "db maintenance": weekly(DbMaintenanceWindow),
		"cache snapshot": daily(CacheSnapshotWindow), "cache maintenance": weekly(CacheMaintenanceWindow),
	}
	for a, as := range all {
		for _, w := range as {
			assert.Greater(t, w[1], w[0], a)
			assert.GreaterOrEqual(t, w[1]-w[0], 60, "%s: at least an hour", a)
		}
		for b, bs := range all {
			if a >= b {
				continue
			}
			for _, x := range as {
				for _, y := range bs {
					assert.False(t, x[0] < y[1] && y[0] < x[1], "%s overlaps %s", a, b)
				}
			}
		}
	}
}

func TestEnvironmentAndSecretsAreTheConnectionContract(t *testing.T) {
	res := run(t, prod())
	db := one(t, res.rec, tInstance)
	group := one(t, res.rec, tGroup)

	assert.Equal(t, []string{"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SSLMODE", "DB_SSLROOTCERT",
		"REDIS_URL", "DB_PASSWORD", "REDIS_PASSWORD"}, res.order)
	assert.Equal(t, map[string]string{
		"DB_HOST":        db.Outputs["address"].(string),
		"DB_PORT":        "5432",
		"DB_NAME":        "app",
		"DB_USER":        "app",
		"DB_SSLMODE":     "verify-full",
		"DB_SSLROOTCERT": DbSslRootCert,
		"REDIS_URL":      "rediss://" + group.Outputs["primaryEndpointAddress"].(string) + ":6379/0",
	}, res.env)
	assert.Len(t, res.secrets, 2)

	for name, value := range res.env {
		assert.NotContains(t, value, token, name)
		assert.NotContains(t, strings.ToLower(value), "password", name)
		assert.NotContains(t, value, "@", "%s: no credentials in a URL", name)
		assert.NotEqual(t, "DATABASE_URL", name)
	}
	for name, s := range res.secrets {
		assert.NotContains(t, s.ValueFrom, token, name)
	}
}

func TestEveryChildBelongsToTheComponent(t *testing.T) {
	assert.Empty(t, run(t, prod()).rec.Strays("fargate-platform:data:Data", "fp-test-"))
}

func TestBadArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		give    func(a *Args)
		wantErr string
	}{
		{"no VPC", func(a *Args) { a.VpcId = nil }, "VpcId"},
		{"no key", func(a *Args) { a.KmsKeyArn = nil }, "KmsKeyArn"},
		{"unparseable postgres version", func(a *Args) { a.Database.EngineVersion = "latest" }, `Database.EngineVersion "latest"`},
		{"no instance class", func(a *Args) { a.Database.InstanceClass = "" }, "Database.InstanceClass"},
		{"max storage below allocated", func(a *Args) { a.Database.MaxAllocatedStorage = 10 }, "Database.MaxAllocatedStorage 10"},
		{"monitoring interval RDS refuses", func(a *Args) { a.Database.MonitoringInterval = 7 }, "Database.MonitoringInterval 7"},
		{"memcached", func(a *Args) { a.Cache.Engine = "memcached" }, `Cache.Engine "memcached"`},
		{"cache version without minor", func(a *Args) { a.Cache.EngineVersion = "8" }, `Cache.EngineVersion "8"`},
		{"no node type", func(a *Args) { a.Cache.NodeType = "" }, "Cache.NodeType"},
		{"no auth token", func(a *Args) { a.Cache.AuthToken = nil }, "Cache.AuthToken"},
		{"no auth token secret", func(a *Args) { a.Cache.AuthTokenSecret = container.Secret{} }, "Cache.AuthTokenSecret"},
		{"token under another name", func(a *Args) { a.Cache.AuthTokenSecret.Name = "REDIS_AUTH" }, `Cache.AuthTokenSecret.Name "REDIS_AUTH"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				args := dev()
				withInputs(&args)
				tt.give(&args)
				_, err := New(ctx, "fp-test", &args)
				return err
			}, rec.RunOptions(nil, nil)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources())
		})
	}

	t.Run("name too long for the replication group id", func(t *testing.T) {
		rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			args := dev()
			withInputs(&args)
			_, err := New(ctx, strings.Repeat("x", 35), &args)
			return err
		}, rec.RunOptions(nil, nil)...)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "40 characters")
		assert.Empty(t, rec.Resources())
	})
}

func TestDefaults(t *testing.T) {
	args := Args{Database: DatabaseArgs{InstanceClass: "db.t4g.micro"}, Cache: CacheArgs{NodeType: "cache.t4g.micro"}}
	withInputs(&args)
	args.Cache.AuthTokenSecret.Name = ""
	got, err := args.withDefaults("fp-test")
	require.NoError(t, err)
	assert.Equal(t, 365, got.LogGroupRetentionDays)
	assert.Equal(t, "16", got.Database.EngineVersion)
	assert.Equal(t, 20, got.Database.AllocatedStorage)
	assert.Equal(t, 20, got.Database.MaxAllocatedStorage)
	assert.Equal(t, 7, got.Database.BackupRetentionDays)
	assert.Equal(t, "app", got.Database.Name)
	assert.Equal(t, "app", got.Database.Username)
	assert.False(t, got.Database.SkipFinalSnapshot)
	assert.Equal(t, "valkey", got.Cache.Engine)
	assert.Equal(t, "8.1", got.Cache.EngineVersion)
	assert.Equal(t, "valkey8", got.Cache.ParameterFamily)
	assert.Equal(t, 1, got.Cache.Nodes)
	assert.Equal(t, "REDIS_PASSWORD", got.Cache.AuthTokenSecret.Name)

	redis := args
	redis.Cache.Engine = "redis"
	got, err = redis.withDefaults("fp-test")
	require.NoError(t, err)
	assert.Equal(t, "7.1", got.Cache.EngineVersion)
	assert.Equal(t, "redis7", got.Cache.ParameterFamily)
}
