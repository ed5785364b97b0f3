// Package data is the stack's data tier: one RDS PostgreSQL instance and one ElastiCache (Valkey or Redis
// OSS) replication group, both in the isolated subnets, reachable only from the service security group,
// encrypted at rest with the stack key and in transit with TLS, and handed to the app as plain
// environment (hosts, ports, names) plus ECS secrets (the passwords) — never a URL with a password in it.
package data

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// Ports the stores listen on.
const (
	DbPort    = 5432
	CachePort = 6379
)

// Windows, in UTC, placed in the small hours of Sydney (UTC+10, +11 in summer) and staggered so the
// cache snapshot, the database backup and the two maintenance windows never overlap.
const (
	CacheSnapshotWindow    = "14:00-15:00"         // 00:00-01:00 AEST
	DbBackupWindow         = "15:30-16:30"         // 01:30-02:30 AEST
	DbMaintenanceWindow    = "sun:17:00-sun:18:00" // Mon 03:00-04:00 AEST
	CacheMaintenanceWindow = "sun:18:30-sun:19:30" // Mon 04:30-05:30 AEST
)

// DbPasswordRotation is when RDS rotates the master password (weekly, Sunday 14:00-15:00 UTC, Mon
// 00:00-01:00 AEST) instead of whenever the default every-7-days schedule falls. ECS reads DB_PASSWORD only
// at task start, so the service must roll its tasks after this window (see docs/data.md).
const (
	DbPasswordRotation         = "cron(0 14 ? * SUN *)"
	DbPasswordRotationDuration = "1h"
)

// DbCaCertIdentifier is the CA that signs the instance's server certificate (AWS's default since 2024;
// clients verify it with the RDS global bundle).
const DbCaCertIdentifier = "rds-ca-rsa2048-g1"

// DbSslRootCert is where the app image must hold the RDS CA bundle
// (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem) for sslmode=verify-full; it is handed
// to the app as DB_SSLROOTCERT.
const DbSslRootCert = "/etc/ssl/certs/rds-global-bundle.pem"

// SlowStatementMs is log_min_duration_statement: statements slower than this are logged with their text.
const SlowStatementMs = 1000

// DbLogExports are the PostgreSQL logs RDS publishes to CloudWatch Logs.
var DbLogExports = []string{"postgresql", "upgrade"}

// MonitoringIntervals are the enhanced monitoring periods RDS accepts (0 turns it off).
var MonitoringIntervals = []int{0, 1, 5, 10, 15, 30, 60}

// Args configures the data tier.
type Args struct {
	// PermissionsBoundaryArn is set as the permissions boundary of every role the component creates.
	// Default "": none.
	PermissionsBoundaryArn string
	// VpcId is the VPC both security groups live in. Required.
	VpcId pulumi.StringInput
	// SubnetIds are the isolated subnets (no route out) both subnet groups span. Required.
	SubnetIds pulumi.StringArrayInput
	// ServiceSecurityGroupId is the ECS tasks' group: the only source admitted to either store. The
	// component adds its egress rules to the two stores. Required.
	ServiceSecurityGroupId pulumi.StringInput
	// KmsKeyArn encrypts the database storage, its managed master secret, Performance Insights, the cache
	// and the RDS log groups. Required.
	KmsKeyArn pulumi.StringInput
	// LogGroupRetentionDays is the retention of the RDS log groups. Default 365.
	LogGroupRetentionDays int
	// Protect sets Pulumi's protect on the instance and the replication group. Default false.
	Protect bool

	Database DatabaseArgs
	Cache    CacheArgs
}

// DatabaseArgs configures the RDS PostgreSQL instance.
type DatabaseArgs struct {
	// EngineVersion is a major ("16") or major.minor ("16.6") PostgreSQL version. Default "16".
	EngineVersion string
	// InstanceClass such as db.t4g.micro. Required.
	InstanceClass string
	// AllocatedStorage is the initial gp3 size in GiB. Default 20.
	AllocatedStorage int
	// MaxAllocatedStorage is where storage autoscaling stops, in GiB; equal to AllocatedStorage turns
	// autoscaling off, below it is an error. Default AllocatedStorage.
	MaxAllocatedStorage int
	// BackupRetentionDays is how long automated backups (point-in-time recovery) are kept. Default 7.
	BackupRetentionDays int
	// MultiAz runs a synchronous standby in a second AZ. Default false.
	MultiAz bool
	// DeletionProtection makes RDS refuse to delete the instance. Default false.
	DeletionProtection bool
	// SkipFinalSnapshot deletes the instance without a final snapshot: its data is then gone. Default
	// false (a snapshot "<name>-db-final" is taken, and automated backups are retained).
	SkipFinalSnapshot bool
	// MonitoringInterval is the enhanced monitoring period in seconds, 0 for none. Default 0.
	MonitoringInterval int
	// Name is the database created on the instance. Default "app".
	Name string
	// Username is the master user; RDS generates and keeps its password in Secrets Manager. Default "app".
	Username string
}

// CacheArgs configures the ElastiCache replication group.
type CacheArgs struct {
	// Engine is valkey or redis. Default valkey.
	Engine string
	// EngineVersion is major.minor: valkey 7.2 or 8.x, redis 7.0 or 7.1. Default 8.1 for valkey, 7.1 for
	// redis.
	EngineVersion string
	// ParameterFamily is the parameter group family. Default "<engine><major>" (valkey7, valkey8, redis7),
	// the same mapping as stacks.CacheVersions.
	ParameterFamily string
	// NodeType such as cache.t4g.micro. Required.
	NodeType string
	// Nodes is the number of cache clusters (primary plus replicas); 2 or more turn on automatic
	// failover and Multi-AZ. Default 1.
	Nodes int
	// SnapshotRetentionDays keeps daily snapshots, 0 for none; above 0 a final snapshot
	// "<name>-cache-final" is also taken on delete. Default 0.
	SnapshotRetentionDays int
	// AuthToken is the AUTH token (secret), from the secrets component. Required.
	AuthToken pulumi.StringInput
	// AuthTokenSecret is the same token as the app receives it (REDIS_PASSWORD), from the secrets
	// component; it is handed on in Secrets. Its Name defaults to REDIS_PASSWORD and must be that.
	// Required.
	AuthTokenSecret container.Secret
}

// Data is the component.
type Data struct {
	pulumi.ResourceState

	DbAddress pulumi.StringOutput `pulumi:"dbAddress"`
	// DbPort is the port the instance listens on (5432).
	DbPort     pulumi.IntOutput    `pulumi:"dbPort"`
	DbName     pulumi.StringOutput `pulumi:"dbName"`
	DbUsername pulumi.StringOutput `pulumi:"dbUsername"`
	// DbInstanceId is the instance identifier ("<name>-db"), the DBInstanceIdentifier alarm dimension.
	DbInstanceId  pulumi.StringOutput `pulumi:"dbInstanceId"`
	DbInstanceArn pulumi.StringOutput `pulumi:"dbInstanceArn"`
	// DbSecretArn is the Secrets Manager secret RDS manages for the master user ({"username","password"}).
	DbSecretArn       pulumi.StringOutput `pulumi:"dbSecretArn"`
	DbSecurityGroupId pulumi.StringOutput `pulumi:"dbSecurityGroupId"`

	CacheReplicationGroupId pulumi.StringOutput `pulumi:"cacheReplicationGroupId"`
	// CacheMemberClusterIds are the node ids ("<id>-001", ...), the CacheClusterId alarm dimension.
	CacheMemberClusterIds pulumi.StringArrayOutput `pulumi:"cacheMemberClusterIds"`
	// CachePrimaryEndpoint is the primary's DNS name; it follows a failover.
	CachePrimaryEndpoint pulumi.StringOutput `pulumi:"cachePrimaryEndpoint"`
	// CachePort is the port the group listens on (6379).
	CachePort            pulumi.IntOutput    `pulumi:"cachePort"`
	CacheSecurityGroupId pulumi.StringOutput `pulumi:"cacheSecurityGroupId"`

	// Environment is what the app's containers receive in clear: DB_HOST, DB_PORT, DB_NAME, DB_USER,
	// DB_SSLMODE, DB_SSLROOTCERT and REDIS_URL (rediss://, no password). Not a Pulumi output.
	Environment []container.Env
	// Secrets is what they receive as ECS secrets: DB_PASSWORD (the managed secret's "password" key) and
	// REDIS_PASSWORD. Not a Pulumi output.
	Secrets []container.Secret
}

func (a *Args) withDefaults(name string) (Args, error) {
	out := *a
	if out.LogGroupRetentionDays == 0 {
		out.LogGroupRetentionDays = 365
	}
	db, c := &out.Database, &out.Cache
	if db.EngineVersion == "" {
		db.EngineVersion = "16"
	}
	if db.AllocatedStorage == 0 {
		db.AllocatedStorage = 20
	}
	if db.MaxAllocatedStorage == 0 {
		db.MaxAllocatedStorage = db.AllocatedStorage
	}
	if db.BackupRetentionDays == 0 {
		db.BackupRetentionDays = 7
	}
	if db.Name == "" {
		db.Name = "app"
	}
	if db.Username == "" {
		db.Username = "app"
	}
	if c.Engine == "" {
		c.Engine = "valkey"
	}
	if c.EngineVersion == "" {
		c.EngineVersion = map[string]string{"valkey": "8.1", "redis": "7.1"}[c.Engine]
	}
	if c.Nodes == 0 {
		c.Nodes = 1
	}
	if c.AuthTokenSecret.Name == "" {
		c.AuthTokenSecret.Name = "REDIS_PASSWORD"
	}

	_, dbMajorErr := major(db.EngineVersion)
	cacheMajor, cacheMajorErr := major(c.EngineVersion)
	if c.ParameterFamily == "" && cacheMajorErr == nil {
		c.ParameterFamily = fmt.Sprintf("%s%d", c.Engine, cacheMajor)
	}
	switch {
	case out.VpcId == nil || out.SubnetIds == nil || out.ServiceSecurityGroupId == nil || out.KmsKeyArn == nil:
		return out, fmt.Errorf("data: VpcId, SubnetIds, ServiceSecurityGroupId and KmsKeyArn are required")
	case len(name+"-cache") > 40:
		return out, fmt.Errorf("data: name %q: the replication group id %q exceeds ElastiCache's 40 characters", name, name+"-cache")
	case dbMajorErr != nil:
		return out, fmt.Errorf("data: Database.EngineVersion %q: want a PostgreSQL version such as 16 or 16.6", db.EngineVersion)
	case db.InstanceClass == "":
		return out, fmt.Errorf("data: Database.InstanceClass is required, e.g. db.t4g.micro")
	case db.MaxAllocatedStorage < db.AllocatedStorage:
		return out, fmt.Errorf("data: Database.MaxAllocatedStorage %d: want at least AllocatedStorage (%d)", db.MaxAllocatedStorage, db.AllocatedStorage)
	case !slices.Contains(MonitoringIntervals, db.MonitoringInterval):
		return out, fmt.Errorf("data: Database.MonitoringInterval %d: want one of 0, 1, 5, 10, 15, 30, 60", db.MonitoringInterval)
	case c.Engine != "valkey" && c.Engine != "redis":
		return out, fmt.Errorf("data: Cache.Engine %q: want valkey or redis (a replication group runs nothing else)", c.Engine)
	case cacheMajorErr != nil || !strings.Contains(c.EngineVersion, "."):
		return out, fmt.Errorf("data: Cache.EngineVersion %q: want major.minor, such as 8.1 (valkey) or 7.1 (redis)", c.EngineVersion)
	case c.NodeType == "":
		return out, fmt.Errorf("data: Cache.NodeType is required, e.g. cache.t4g.micro")
	case c.AuthToken == nil || c.AuthTokenSecret.ValueFrom.OutputState == nil:
		return out, fmt.Errorf("data: Cache.AuthToken and Cache.AuthTokenSecret are required: AUTH needs a token over TLS")
	case c.AuthTokenSecret.Name != "REDIS_PASSWORD":
		return out, fmt.Errorf("data: Cache.AuthTokenSecret.Name %q: want REDIS_PASSWORD, the name the app reads", c.AuthTokenSecret.Name)
	}
	return out, nil
}

// major is the leading number of a version ("16" of "16.6").
func major(version string) (int, error) {
	return strconv.Atoi(strings.SplitN(version, ".", 2)[0])
}

// New creates the data tier.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Data, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	d := &Data{}
	if err := ctx.RegisterComponentResource("fargate-platform:data:Data", name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)

	if err := database(ctx, name, a, d, parent); err != nil {
		return nil, err
	}
	if err := cache(ctx, name, a, d, parent); err != nil {
		return nil, err
	}

	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{
		"dbAddress": d.DbAddress, "dbPort": d.DbPort, "dbName": d.DbName, "dbUsername": d.DbUsername,
		"dbInstanceId": d.DbInstanceId, "dbInstanceArn": d.DbInstanceArn, "dbSecretArn": d.DbSecretArn,
		"dbSecurityGroupId": d.DbSecurityGroupId, "cacheReplicationGroupId": d.CacheReplicationGroupId,
		"cacheMemberClusterIds": d.CacheMemberClusterIds, "cachePrimaryEndpoint": d.CachePrimaryEndpoint,
		"cachePort": d.CachePort, "cacheSecurityGroupId": d.CacheSecurityGroupId,
	})
}

// storeSecurityGroup creates a store's group, admitting port only from the service group, and the
// service group's matching egress rule. The store's group has no egress: a database answers, it never
// calls out.
func storeSecurityGroup(ctx *pulumi.Context, name, what string, port int, a Args, parent pulumi.ResourceOption) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       a.VpcId,
		Description: pulumi.Sprintf("%s: %d from the service tasks only", what, port),
		Tags:        pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-from-service", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           sg.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(port),
		ToPort:                    pulumi.Int(port),
		ReferencedSecurityGroupId: a.ServiceSecurityGroupId,
		Description:               pulumi.Sprintf("%s from the service tasks", what),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-service-out", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           a.ServiceSecurityGroupId,
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(port),
		ToPort:                    pulumi.Int(port),
		ReferencedSecurityGroupId: sg.ID(),
		Description:               pulumi.Sprintf("Service tasks to %s", what),
	}, parent); err != nil {
		return nil, err
	}
	return sg, nil
}

func database(ctx *pulumi.Context, name string, a Args, d *Data, parent pulumi.ResourceOption) error {
	db := a.Database
	identifier := name + "-db"
	dbMajor, _ := major(db.EngineVersion) // checked by withDefaults

	sg, err := storeSecurityGroup(ctx, name+"-db", "PostgreSQL", DbPort, a, parent)
	if err != nil {
		return err
	}

	// The DB subnet group pins the instance (and a Multi-AZ standby) to the isolated subnets.
	subnets, err := rds.NewSubnetGroup(ctx, name+"-db", &rds.SubnetGroupArgs{
		SubnetIds:   a.SubnetIds,
		Description: pulumi.String("Isolated subnets of " + identifier),
		Tags:        pulumi.StringMap{"Name": pulumi.String(identifier)},
	}, parent)
	if err != nil {
		return err
	}

	// Our own parameter group: TLS refused to no one and required of everyone, and slow statements logged.
	// Both parameters are dynamic, so they apply without a reboot.
	params, err := rds.NewParameterGroup(ctx, name+"-db", &rds.ParameterGroupArgs{
		Family:      pulumi.Sprintf("postgres%d", dbMajor),
		Description: pulumi.String("TLS-only, slow statement log: " + identifier),
		Parameters: rds.ParameterGroupParameterArray{
			rds.ParameterGroupParameterArgs{Name: pulumi.String("rds.force_ssl"), Value: pulumi.String("1"),
				ApplyMethod: pulumi.String("immediate")},
			rds.ParameterGroupParameterArgs{Name: pulumi.String("log_min_duration_statement"),
				Value: pulumi.String(strconv.Itoa(SlowStatementMs)), ApplyMethod: pulumi.String("immediate")},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(identifier)},
	}, parent)
	if err != nil {
		return err
	}

	// The exported log groups, created before RDS would create them itself: unencrypted, kept forever.
	var deps []pulumi.Resource
	for _, log := range DbLogExports {
		group, err := cloudwatch.NewLogGroup(ctx, name+"-db-"+log, &cloudwatch.LogGroupArgs{
			Name:            pulumi.Sprintf("/aws/rds/instance/%s/%s", identifier, log),
			RetentionInDays: pulumi.Int(a.LogGroupRetentionDays),
			KmsKeyId:        a.KmsKeyArn,
		}, parent)
		if err != nil {
			return err
		}
		deps = append(deps, group)
	}

	// Enhanced monitoring only when asked for; the instance waits for the role's policy, or RDS refuses
	// the role as lacking permissions.
	var monitoringRole pulumi.StringPtrInput
	if db.MonitoringInterval > 0 {
		role, policy, err := monitoringRoleFor(ctx, name, identifier, a.PermissionsBoundaryArn, parent)
		if err != nil {
			return err
		}
		monitoringRole = role.Arn
		deps = append(deps, policy)
	}

	// The instance: private, encrypted with the stack key, its master password generated and kept by RDS
	// in Secrets Manager (it never passes through config or state), changes held for the maintenance
	// window.
	instance, err := rds.NewInstance(ctx, name+"-db", &rds.InstanceArgs{
		Identifier:                       pulumi.String(identifier),
		Engine:                           pulumi.String("postgres"),
		EngineVersion:                    pulumi.String(db.EngineVersion),
		AllowMajorVersionUpgrade:         pulumi.Bool(true), // only ever on a deliberate dbEngineVersion change
		AutoMinorVersionUpgrade:          pulumi.Bool(true),
		InstanceClass:                    pulumi.String(db.InstanceClass),
		ParameterGroupName:               params.Name,
		StorageType:                      pulumi.String("gp3"),
		AllocatedStorage:                 pulumi.Int(db.AllocatedStorage),
		MaxAllocatedStorage:              pulumi.Int(maxStorage(db)),
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         a.KmsKeyArn,
		DbName:                           pulumi.String(db.Name),
		Username:                         pulumi.String(db.Username),
		ManageMasterUserPassword:         pulumi.Bool(true),
		MasterUserSecretKmsKeyId:         a.KmsKeyArn,
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		Port:                             pulumi.Int(DbPort),
		DbSubnetGroupName:                subnets.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{sg.ID()},
		PubliclyAccessible:               pulumi.Bool(false),
		MultiAz:                          pulumi.Bool(db.MultiAz),
		CaCertIdentifier:                 pulumi.String(DbCaCertIdentifier),
		BackupRetentionPeriod:            pulumi.Int(db.BackupRetentionDays),
		BackupWindow:                     pulumi.String(DbBackupWindow),
		MaintenanceWindow:                pulumi.String(DbMaintenanceWindow),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		DeletionProtection:               pulumi.Bool(db.DeletionProtection),
		SkipFinalSnapshot:                pulumi.Bool(db.SkipFinalSnapshot),
		FinalSnapshotIdentifier:          pulumi.String(identifier + "-final"),
		// Keep automated backups after a delete unless the stack chose to throw the data away.
		DeleteAutomatedBackups:             pulumi.Bool(db.SkipFinalSnapshot),
		DatabaseInsightsMode:               pulumi.String("standard"),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        a.KmsKeyArn,
		PerformanceInsightsRetentionPeriod: pulumi.Int(7),
		MonitoringInterval:                 pulumi.Int(db.MonitoringInterval),
		MonitoringRoleArn:                  monitoringRole,
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(DbLogExports),
		ApplyImmediately:                   pulumi.Bool(false),
		Tags:                               pulumi.StringMap{"Name": pulumi.String(identifier)},
	}, parent, pulumi.Protect(a.Protect), pulumi.DependsOn(deps))
	if err != nil {
		return err
	}

	secretArn := instance.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem()

	// Pin the managed secret's rotation to a known hour, so the restart that must follow it can be
	// scheduled; no Lambda: RDS rotates its own secret.
	if _, err := secretsmanager.NewSecretRotation(ctx, name+"-db-password", &secretsmanager.SecretRotationArgs{
		SecretId:          secretArn,
		RotateImmediately: pulumi.Bool(false),
		RotationRules: secretsmanager.SecretRotationRotationRulesArgs{
			ScheduleExpression: pulumi.String(DbPasswordRotation),
			Duration:           pulumi.String(DbPasswordRotationDuration),
		},
	}, parent); err != nil {
		return err
	}
	d.DbAddress = instance.Address
	d.DbPort = instance.Port
	d.DbName = instance.DbName
	d.DbUsername = instance.Username
	d.DbInstanceId = instance.Identifier
	d.DbInstanceArn = instance.Arn
	d.DbSecretArn = secretArn
	d.DbSecurityGroupId = sg.ID().ToStringOutput()

	d.Environment = append(d.Environment,
		container.Env{Name: "DB_HOST", Value: instance.Address},
		container.Env{Name: "DB_PORT", Value: pulumi.Sprintf("%d", instance.Port)},
		container.Env{Name: "DB_NAME", Value: instance.DbName},
		container.Env{Name: "DB_USER", Value: instance.Username},
		// verify-full: encrypted and the server proven to be this instance (name and RDS CA), so a
		// hijacked DNS name or address cannot collect the password.
		container.Env{Name: "DB_SSLMODE", Value: pulumi.String("verify-full").ToStringOutput()},
		container.Env{Name: "DB_SSLROOTCERT", Value: pulumi.String(DbSslRootCert).ToStringOutput()},
	)
	d.Secrets = append(d.Secrets, container.SecretJSONKey("DB_PASSWORD", secretArn, "password"))
	return nil
}

// maxStorage is MaxAllocatedStorage as the API wants it: 0 (autoscaling off) when it equals the
// allocation, since RDS refuses a maximum that is not above it.
func maxStorage(db DatabaseArgs) int {
	if db.MaxAllocatedStorage == db.AllocatedStorage {
		return 0
	}
	return db.MaxAllocatedStorage
}

// monitoringRoleFor is enhanced monitoring's role: assumable only by RDS monitoring for this account's
// instance, writing only to the RDSOSMetrics log group (the inline equivalent of
// AmazonRDSEnhancedMonitoringRole, scoped to that group).
func monitoringRoleFor(ctx *pulumi.Context, name, identifier, boundary string, parent pulumi.ResourceOption) (*iam.Role, *iam.RolePolicy, error) {
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("data: caller identity: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("data: region: %w", err)
	}
	trust := iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"monitoring.rds.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {caller.AccountId}},
			"ArnLike": {"aws:SourceArn": {fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region.Name, caller.AccountId,
				identifier)}},
		},
	})
	role, err := iam.NewRole(ctx, name+"-db-monitoring", &iam.RoleArgs{
		PermissionsBoundary: iampolicy.Boundary(boundary),
		AssumeRolePolicy:    pulumi.String(trust.JSON()),
		Description:         pulumi.String("RDS enhanced monitoring of " + identifier),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	group := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:RDSOSMetrics", region.Name, caller.AccountId)
	policy, err := iam.NewRolePolicy(ctx, name+"-db-monitoring", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.String(iampolicy.New(
			iampolicy.Allow("RDSOSMetricsGroup",
				[]string{"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogStreams"},
				group, group+":*"),
			iampolicy.Allow("RDSOSMetricsStreams",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"},
				group+":log-stream:*"),
		).JSON()),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, policy, nil
}

func cache(ctx *pulumi.Context, name string, a Args, d *Data, parent pulumi.ResourceOption) error {
	c := a.Cache
	id := name + "-cache"

	sg, err := storeSecurityGroup(ctx, id, map[string]string{"valkey": "Valkey", "redis": "Redis OSS"}[c.Engine], CachePort, a, parent)
	if err != nil {
		return err
	}

	// The cache subnet group pins every node to the isolated subnets.
	subnets, err := elasticache.NewSubnetGroup(ctx, id, &elasticache.SubnetGroupArgs{
		SubnetIds:   a.SubnetIds,
		Description: pulumi.String("Isolated subnets of " + id),
		Tags:        pulumi.StringMap{"Name": pulumi.String(id)},
	}, parent)
	if err != nil {
		return err
	}

	// noeviction: Sidekiq keeps its jobs in this store, and any evicting policy (the default is
	// volatile-lru) silently drops them under memory pressure; a full store must fail writes instead.
	params, err := elasticache.NewParameterGroup(ctx, id, &elasticache.ParameterGroupArgs{
		Family:      pulumi.String(c.ParameterFamily),
		Description: pulumi.String("noeviction for Sidekiq: " + id),
		Parameters: elasticache.ParameterGroupParameterArray{
			elasticache.ParameterGroupParameterArgs{Name: pulumi.String("maxmemory-policy"), Value: pulumi.String("noeviction")},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(id)},
	}, parent)
	if err != nil {
		return err
	}

	failover := c.Nodes >= 2
	var finalSnapshot pulumi.StringPtrInput
	if c.SnapshotRetentionDays > 0 {
		finalSnapshot = pulumi.String(id + "-final")
	}
	// A replication group (Valkey runs on nothing else), encrypted at rest with the stack key and in
	// transit with TLS required, and AUTH on. ROTATE keeps the previous token valid while a new one rolls
	// out, so running tasks keep working during a rotation.
	group, err := elasticache.NewReplicationGroup(ctx, id, &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(id),
		Description:              pulumi.String("Sidekiq queues and Rails cache of " + name),
		Engine:                   pulumi.String(c.Engine),
		EngineVersion:            pulumi.String(c.EngineVersion),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		NodeType:                 pulumi.String(c.NodeType),
		NumCacheClusters:         pulumi.Int(c.Nodes),
		AutomaticFailoverEnabled: pulumi.Bool(failover),
		MultiAzEnabled:           pulumi.Bool(failover),
		ParameterGroupName:       params.Name,
		Port:                     pulumi.Int(CachePort),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{sg.ID()},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 a.KmsKeyArn,
		TransitEncryptionEnabled: pulumi.Bool(true),
		TransitEncryptionMode:    pulumi.String("required"),
		AuthToken:                pulumi.ToSecret(c.AuthToken).(pulumi.StringOutput),
		AuthTokenUpdateStrategy:  pulumi.String("ROTATE"),
		SnapshotRetentionLimit:   pulumi.Int(c.SnapshotRetentionDays),
		SnapshotWindow:           pulumi.String(CacheSnapshotWindow),
		FinalSnapshotIdentifier:  finalSnapshot,
		MaintenanceWindow:        pulumi.String(CacheMaintenanceWindow),
		// Changes wait for the maintenance window; the provider applies an auth token change at once
		// (its own ModifyReplicationGroup call with ApplyImmediately), so a rotation never waits.
		ApplyImmediately: pulumi.Bool(false),
		Tags:             pulumi.StringMap{"Name": pulumi.String(id)},
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return err
	}

	port := group.Port.Elem()
	d.CacheReplicationGroupId = group.ReplicationGroupId
	d.CacheMemberClusterIds = group.MemberClusters
	d.CachePrimaryEndpoint = group.PrimaryEndpointAddress
	d.CachePort = port
	d.CacheSecurityGroupId = sg.ID().ToStringOutput()

	// rediss:// (TLS) to the primary, database 0; the password travels separately as REDIS_PASSWORD.
	d.Environment = append(d.Environment, container.Env{Name: "REDIS_URL",
		Value: pulumi.Sprintf("rediss://%s:%d/0", group.PrimaryEndpointAddress, port)})
	d.Secrets = append(d.Secrets, c.AuthTokenSecret)
	return nil
}
