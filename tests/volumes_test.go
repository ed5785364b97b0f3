package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/compliance"
	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/rules"
	"github.com/fargate-platform/fargate-platform/pkg/volumes"
)

// No shipped stack declares volumes yet (stacks.Config has none, permissions.HasVolumes is false), so the
// whole-stack identity tests never meet an EFS resource. These tests hold the EFS rows, the boundary, the
// rules and the compliance checks to a plan of pkg/volumes itself, as a stack with volumes would plan it.

const volumesKey = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"

// volumesPlan plans two volumes of stack dev, named as main.go names components ("<project>-<stack>"), in
// two private subnets of a VPC (one per AZ, routed to no internet gateway) as pkg/network makes them.
func volumesPlan(t *testing.T) *plan.Recorder {
	t.Helper()
	rec := plan.NewRecorder(project, "dev", "ap-southeast-2")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		network, err := ec2.NewVpc(ctx, project+"-dev", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		table, err := ec2.NewRouteTable(ctx, project+"-dev-private", &ec2.RouteTableArgs{VpcId: network.ID()})
		if err != nil {
			return err
		}
		var private []pulumi.StringInput
		for i, az := range []string{"ap-southeast-2a", "ap-southeast-2b"} {
			s, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-dev-private-%d", project, i), &ec2.SubnetArgs{VpcId: network.ID(),
				CidrBlock: pulumi.Sprintf("10.0.%d.0/24", 64+i), AvailabilityZone: pulumi.String(az), MapPublicIpOnLaunch: pulumi.Bool(false)})
			if err != nil {
				return err
			}
			if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-dev-private-%d", project, i),
				&ec2.RouteTableAssociationArgs{SubnetId: s.ID(), RouteTableId: table.ID()}); err != nil {
				return err
			}
			private = append(private, s.ID())
		}
		_, err = volumes.New(ctx, project+"-dev", &volumes.Args{
			VpcId:     network.ID(),
			SubnetIds: private,
			KmsKeyArn: pulumi.String(volumesKey),
			Volumes: []volumes.Volume{{Name: "uploads", Uid: 1000, Gid: 1000},
				{Name: "reports", Uid: 1000, Gid: 1000, ClientSecurityGroupIds: []pulumi.StringInput{pulumi.String("sg-0bbbbbbbbbbbbbbbb")}}},
		})
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec
}

// volumesDeployRole is the dev deploy role as the bootstrap would write it for a stack with volumes.
func volumesDeployRole(t *testing.T, p *plan.Recorder) identity {
	t.Helper()
	types, missing := permissions.Types(p)
	require.Empty(t, missing, "resource types with no row in pkg/permissions/table.go")
	for _, typ := range []string{"aws:efs/fileSystem:FileSystem", "aws:efs/mountTarget:MountTarget", "aws:efs/accessPoint:AccessPoint",
		"aws:efs/backupPolicy:BackupPolicy", "aws:efs/fileSystemPolicy:FileSystemPolicy"} {
		assert.Contains(t, types, typ)
	}
	statements, err := permissions.Deploy(scopeOf("dev"), types)
	require.NoError(t, err)
	return identity{arn: "arn:aws:iam::" + plan.Account + ":role/" + project + "-github-deploy-dev",
		policies: []iameval.Named{{Name: project + "-github-deploy-dev", Doc: iampolicy.New(statements...)}}}
}

// TestTheDeployRoleOfAStackWithVolumesMayMakeEveryEfsCall walks every call of every EFS row (create, read,
// update, delete, tag on create, the key grant, the mount targets' network interfaces) on the planned ARNs,
// each allowed by the statement the table names for it.
func TestTheDeployRoleOfAStackWithVolumesMayMakeEveryEfsCall(t *testing.T) {
	p := volumesPlan(t)
	role := volumesDeployRole(t, p)
	checked := map[string]bool{}
	for _, q := range deployRequests(t, "dev", p) {
		if q.Type == permissions.WorkflowType {
			continue // deploy.yml's own calls are the shipped stacks' test (TestTheDeployRoleMayMakeEveryCallOfTheDeploy)
		}
		checked[q.Type+" "+string(q.Op)] = true
		d := evaluate(role, nil, nil, q.Action, q.Resource, q.Context)
		if assert.True(t, d.Allowed, "%s: %s %s on %s (target %s): %s", q.URN, q.Op, q.Action, q.Resource, q.Target, d) {
			assert.True(t, strings.HasSuffix(d.Statement, "/"+q.Target), "%s %s allowed by %s, not %s", q.Type, q.Action, d.Statement, q.Target)
		}
	}
	for _, typ := range []string{"aws:efs/fileSystem:FileSystem", "aws:efs/mountTarget:MountTarget", "aws:efs/accessPoint:AccessPoint",
		"aws:efs/backupPolicy:BackupPolicy", "aws:efs/fileSystemPolicy:FileSystemPolicy"} {
		for _, op := range []permissions.Op{permissions.Create, permissions.Read, permissions.Update, permissions.Delete} {
			assert.True(t, checked[typ+" "+string(op)], "no %s call of %s evaluated", op, typ)
		}
	}
}

// TestTheEfsRowsNameResourcesTheActionsAreAuthorisedAgainst is TestEveryCallNamesAResourceTheActionIsAuthorisedAgainst
// over the volumes plan, stricter for the EFS rows: an action that takes resources is asked on one.
func TestTheEfsRowsNameResourcesTheActionsAreAuthorisedAgainst(t *testing.T) {
	ref := loadSar(t)
	p := volumesPlan(t)
	for _, q := range deployRequests(t, "dev", p) {
		// The network's rows may ask some calls on "*" (as the shipped stacks' test allows); the EFS rows
		// name resources.
		ref.check(t, q, strings.HasPrefix(q.Type, "aws:efs/"))
	}
}

// TestTheEfsStatementsKeepTheDeployRoleInItsStack: each EFS permission, asked of another stack's resources or
// outside what a deploy does, is denied; beside each, its legitimate twin is allowed.
func TestTheEfsStatementsKeepTheDeployRoleInItsStack(t *testing.T) {
	role := volumesDeployRole(t, volumesPlan(t))
	fs := func(id string) string {
		return "arn:aws:elasticfilesystem:ap-southeast-2:" + plan.Account + ":file-system/" + id
	}
	ec2 := func(res string) string { return "arn:aws:ec2:ap-southeast-2:" + plan.Account + ":" + res }
	ctx := func(kv ...string) map[string][]string {
		out := map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = []string{kv[i+1]}
		}
		return out
	}
	tag := "aws:ResourceTag/" + permissions.StackTag
	req := "aws:RequestTag/" + permissions.StackTag
	tests := []struct {
		name, action, resource string
		ctx                    map[string][]string
		want                   bool
	}{
		{"creates an encrypted file system tagged as dev's", "elasticfilesystem:CreateFileSystem", "*",
			ctx(req, project+"-dev", "elasticfilesystem:Encrypted", "true"), true},
		{"not an unencrypted one", "elasticfilesystem:CreateFileSystem", "*",
			ctx(req, project+"-dev", "elasticfilesystem:Encrypted", "false"), false},
		{"not one tagged as prod's", "elasticfilesystem:CreateFileSystem", "*",
			ctx(req, project+"-prod", "elasticfilesystem:Encrypted", "true"), false},
		{"deletes dev's file system", "elasticfilesystem:DeleteFileSystem", fs("fs-0dev"), ctx(tag, project+"-dev"), true},
		{"not prod's", "elasticfilesystem:DeleteFileSystem", fs("fs-0prod"), ctx(tag, project+"-prod"), false},
		{"cannot rewrite prod's file system policy", "elasticfilesystem:PutFileSystemPolicy", fs("fs-0prod"), ctx(tag, project+"-prod"), false},
		{"cannot turn off prod's backups", "elasticfilesystem:PutBackupPolicy", fs("fs-0prod"), ctx(tag, project+"-prod"), false},
		{"tags inside its own create", "elasticfilesystem:TagResource", fs("fs-0new"),
			ctx(req, project+"-dev", "elasticfilesystem:CreateAction", "CreateFileSystem"), true},
		{"cannot retag prod's file system as dev's", "elasticfilesystem:TagResource", fs("fs-0prod"),
			ctx(req, project+"-dev", tag, project+"-prod"), false},
		{"creates a mount target's interface in its subnet", "ec2:CreateNetworkInterface", ec2("subnet/subnet-0dev"), ctx(tag, project+"-dev"), true},
		{"not in prod's subnet", "ec2:CreateNetworkInterface", ec2("subnet/subnet-0prod"), ctx(tag, project+"-prod"), false},
		{"cannot delete prod's tagged interfaces", "ec2:DeleteNetworkInterface", ec2("network-interface/eni-0prod"), ctx(tag, project+"-prod"), false},
		{"cannot mount anything itself", volumes.ClientWrite, fs("fs-0dev"), ctx(tag, project+"-dev"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := evaluate(role, nil, nil, tt.action, tt.resource, tt.ctx)
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

// TestATaskRoleMountsItsVolumeInsideTheBoundary: ClientStatement fits the boundary of a stack with volumes,
// and a stack without volumes gives its task roles no EFS access whatever their policies say.
func TestATaskRoleMountsItsVolumeInsideTheBoundary(t *testing.T) {
	p := volumesPlan(t)
	fs := p.Find("aws:efs/fileSystem:FileSystem", project+"-dev-uploads")
	require.NotNil(t, fs)
	var ap string
	for _, r := range p.ByType("aws:efs/accessPoint:AccessPoint") {
		if r.Str("fileSystemId") == fs.ID {
			ap = r.Outputs["arn"].(string)
		}
	}
	require.NotEmpty(t, ap)
	st := volumes.ClientStatement("uploads", fs.Outputs["arn"].(string), ap, false)
	task := identity{arn: "arn:aws:iam::" + plan.Account + ":role/" + project + "-dev-web-task-0000000",
		policies: []iameval.Named{{Name: "web task policy", Doc: iampolicy.New(st)}}}
	mount := map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}, "aws:SecureTransport": {"true"},
		"elasticfilesystem:AccessPointArn": {ap}, "elasticfilesystem:AccessedViaMountTarget": {"true"}}
	for _, tt := range []struct {
		name    string
		volumes bool
		want    bool
	}{{"a stack with volumes", true, true}, {"a stack without", false, false}} {
		t.Run(tt.name, func(t *testing.T) {
			s := scopeOf("dev")
			s.Volumes = tt.volumes
			boundary := []iameval.Named{{Name: "boundary", Doc: permissions.Boundary(s)}}
			for _, action := range st.Action {
				d := evaluate(task, boundary, nil, action, fs.Outputs["arn"].(string), mount)
				require.NoError(t, d.Err, d.String())
				assert.Equal(t, tt.want, d.Allowed, "%s: %s", action, d)
			}
		})
	}
}

// TestAStackWithVolumesPassesTheRulesAndTheReport: the volumes plan is one AWS would accept, and every EFS
// check of the compliance report reads it and passes, in dev and prod.
func TestAStackWithVolumesPassesTheRulesAndTheReport(t *testing.T) {
	p := volumesPlan(t)
	for _, v := range rules.Check(p, rules.Stack{Region: "ap-southeast-2"}) {
		t.Error(v)
	}
	for _, env := range []string{"dev", "prod"} {
		r := compliance.Evaluate(p, env)
		read := 0
		for _, c := range r.Controls {
			for _, ch := range c.Checks {
				if !strings.HasPrefix(ch.ID, "EFS.") {
					continue
				}
				read++
				assert.True(t, ch.Pass, "%s %s: %v", env, ch.ID, ch.Evidence)
				assert.Empty(t, ch.Skipped, "%s %s", env, ch.ID)
				assert.NotEmpty(t, ch.Resources, "%s %s read nothing", env, ch.ID)
			}
		}
		assert.GreaterOrEqual(t, read, 6, env)
	}
}
