package compliance

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// efsVolume adds to stack() one volume as pkg/volumes builds it, compliant unless fault (an "efs-..." fault of
// TestEachFaultFailsExactlyItsCheck) breaks one setting: the file system in the stack key, its automatic
// backups, a mount target in each given subnet behind a group admitting NFS from a client group only, an
// access point, and a file system policy that requires TLS and the access point and refuses root.
func efsVolume(ctx *pulumi.Context, fault string, key pulumi.StringInput, network pulumi.IDInput, subnets pulumi.StringArray,
	publicTable pulumi.IDInput) error {
	fsArgs := &efs.FileSystemArgs{Encrypted: pulumi.Bool(true), KmsKeyId: key, ThroughputMode: pulumi.String("elastic")}
	switch fault {
	case "efs-unencrypted":
		fsArgs.Encrypted, fsArgs.KmsKeyId = pulumi.Bool(false), nil
	case "efs-aws-key":
		fsArgs.KmsKeyId = pulumi.String("arn:aws:kms:ap-southeast-2:123456789012:alias/aws/elasticfilesystem")
	}
	fs, err := efs.NewFileSystem(ctx, "uploads", fsArgs, pulumi.Protect(fault != "efs-unprotected"))
	if err != nil {
		return err
	}
	if fault != "efs-no-backups" {
		status := "ENABLED"
		if fault == "efs-backups-disabled" {
			status = "DISABLED"
		}
		if _, err := efs.NewBackupPolicy(ctx, "uploads", &efs.BackupPolicyArgs{FileSystemId: fs.ID(),
			BackupPolicy: efs.BackupPolicyBackupPolicyArgs{Status: pulumi.String(status)}}); err != nil {
			return err
		}
	}

	sg, err := ec2.NewSecurityGroup(ctx, "uploads-efs", &ec2.SecurityGroupArgs{VpcId: network, Description: pulumi.String("efs")})
	if err != nil {
		return err
	}
	client, err := ec2.NewSecurityGroup(ctx, "uploads-client", &ec2.SecurityGroupArgs{VpcId: network, Description: pulumi.String("client")})
	if err != nil {
		return err
	}
	nfs := &vpc.SecurityGroupIngressRuleArgs{SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(2049), ToPort: pulumi.Int(2049), ReferencedSecurityGroupId: client.ID(), Description: pulumi.String("NFS")}
	if fault == "efs-nfs-open" {
		nfs.ReferencedSecurityGroupId, nfs.CidrIpv4 = nil, pulumi.String("10.0.0.0/8")
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, "uploads-nfs", nfs); err != nil {
		return err
	}
	if fault == "efs-public-subnet" || fault == "efs-public-ip-subnet" {
		public, err := ec2.NewSubnet(ctx, "public-0", &ec2.SubnetArgs{VpcId: network, CidrBlock: pulumi.String("10.0.9.0/24"),
			MapPublicIpOnLaunch: pulumi.Bool(fault == "efs-public-ip-subnet")})
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, "public-0", &ec2.RouteTableAssociationArgs{SubnetId: public.ID(),
			RouteTableId: publicTable}); err != nil {
			return err
		}
		subnets = pulumi.StringArray{public.ID()}
	}
	for i, s := range subnets {
		if _, err := efs.NewMountTarget(ctx, "uploads-"+string(rune('a'+i)), &efs.MountTargetArgs{FileSystemId: fs.ID(),
			SubnetId: s, SecurityGroups: pulumi.StringArray{sg.ID()}}); err != nil {
			return err
		}
	}

	path, user := "/uploads", &efs.AccessPointPosixUserArgs{Uid: pulumi.Int(1000), Gid: pulumi.Int(1000)}
	switch fault {
	case "efs-root-directory":
		path = "/"
	case "efs-root-user":
		user.Uid = pulumi.Int(0)
	}
	apArgs := &efs.AccessPointArgs{FileSystemId: fs.ID(), PosixUser: user,
		RootDirectory: efs.AccessPointRootDirectoryArgs{Path: pulumi.String(path)}}
	if fault == "efs-no-user" {
		apArgs.PosixUser = nil
	}
	ap, err := efs.NewAccessPoint(ctx, "uploads", apArgs)
	if err != nil {
		return err
	}
	if fault == "efs-no-policy" {
		return nil
	}
	_, err = efs.NewFileSystemPolicy(ctx, "uploads", &efs.FileSystemPolicyArgs{FileSystemId: fs.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document { return efsTestPolicy(fault, v[0].(string), v[1].(string)) }, fs.Arn, ap.Arn)})
	return err
}

// efsTestPolicy is pkg/volumes' file system policy, written out here so the report is tested against the
// document and not against the component; a fault drops or adds one statement.
func efsTestPolicy(fault, fsArn, apArn string) iampolicy.Document {
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	client := []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"}
	var out []iampolicy.Statement
	if fault != "efs-no-tls-deny" {
		tls := iampolicy.Deny("DenyWithoutTls", client, fsArn)
		tls.Principal, tls.Condition = anyone, iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}
		out = append(out, tls)
	}
	if fault != "efs-any-access-point" {
		outside := iampolicy.Deny("DenyOutsideTheAccessPoint", client, fsArn)
		outside.Principal = anyone
		outside.Condition = iampolicy.Condition{"StringNotEquals": {"elasticfilesystem:AccessPointArn": {apArn}}}
		out = append(out, outside)
	}
	if fault != "efs-root-allowed" {
		root := iampolicy.Deny("DenyRootAccess", client[2:], fsArn)
		root.Principal = anyone
		out = append(out, root)
	}
	mount := iampolicy.Allow("MountThroughTheAccessPoint", client[:2], fsArn)
	mount.Principal = &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}}
	if fault == "efs-allow-anyone" {
		mount.Principal = anyone
	}
	mount.Condition = iampolicy.Condition{"StringEquals": {"elasticfilesystem:AccessPointArn": {apArn}},
		"Bool": {"elasticfilesystem:AccessedViaMountTarget": {"true"}}}
	return iampolicy.New(append(out, mount)...)
}

// TestAStackWithoutVolumesPassesTheEfsChecksAndSaysWhy: every EFS check is optional, and says so.
func TestAStackWithoutVolumesPassesTheEfsChecksAndSaysWhy(t *testing.T) {
	report := Evaluate(record(t, stack("")), "prod")
	n := 0
	for _, c := range report.Controls {
		for _, ch := range c.Checks {
			if !strings.HasPrefix(ch.ID, "EFS.") {
				continue
			}
			n++
			assert.True(t, ch.Pass, ch.ID)
			assert.Equal(t, "none in the plan: "+optNoVolumes, ch.Skipped, ch.ID)
		}
	}
	assert.Equal(t, 7, n, "EFS.AccessPoints, EFS.3, EFS.4, EFS.1/EFS.8, EFS.6, EFS.TLS, EFS.2/EFS.7")
}

// TestEfsPolicyEvidenceSaysWhichStatementDenies: the report keeps, as evidence, the decision on each client
// request, naming the statement that refused it.
func TestEfsPolicyEvidenceSaysWhichStatementDenies(t *testing.T) {
	report := Evaluate(record(t, stack("efs")), "prod")
	got := map[string]string{}
	for _, id := range []string{"EFS.TLS", "EFS.AccessPoints"} {
		c := check(t, report, id)
		require.True(t, c.Pass, "%s: %v", id, c.Evidence)
		for _, e := range c.Evidence {
			got[e.Property] = e.Value
		}
	}
	assert.Equal(t, map[string]string{
		"ClientMount without TLS":                               "denied: explicit deny (file system policy/DenyWithoutTls)",
		"ClientWrite without TLS":                               "denied: explicit deny (file system policy/DenyWithoutTls)",
		"ClientMount without an access point":                   "denied: explicit deny (file system policy/DenyOutsideTheAccessPoint)",
		"ClientWrite without an access point":                   "denied: explicit deny (file system policy/DenyOutsideTheAccessPoint)",
		"ClientRootAccess through the access point":             "denied: explicit deny (file system policy/DenyRootAccess)",
		"ClientMount by another account or an anonymous client": "denied: no statement allows (identity policies (none) and resource policy (file system policy))",
	}, got)
}
