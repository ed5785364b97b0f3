package volumes

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

const (
	keyArn   = "arn:aws:kms:ap-southeast-2:123456789012:key/0f0e0d0c-0000-4000-8000-000000000001"
	vpcId    = "vpc-0123456789abcdef0"
	workerSg = "sg-0bbbbbbbbbbbbbbbb"

	tFileSystem = "aws:efs/fileSystem:FileSystem"
	tBackup     = "aws:efs/backupPolicy:BackupPolicy"
	tMount      = "aws:efs/mountTarget:MountTarget"
	tAccess     = "aws:efs/accessPoint:AccessPoint"
	tPolicy     = "aws:efs/fileSystemPolicy:FileSystemPolicy"
	tSg         = "aws:ec2/securityGroup:SecurityGroup"
	tIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

var private = []string{"subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"}

// dev is one volume with every default; prod two, one of them admitting a service's own group too.
func dev() Args {
	return Args{Volumes: []Volume{{Name: "uploads", Uid: 1000, Gid: 1000}}}
}

func prod() Args {
	return Args{Protect: true, Volumes: []Volume{
		{Name: "uploads", Uid: 1000, Gid: 1000, ClientSecurityGroupIds: []pulumi.StringInput{pulumi.String(workerSg)}},
		{Name: "shared-reports", Uid: 2000, Gid: 3000, Path: "/data/reports", Permissions: "0770", Throughput: "bursting"},
	}}
}

// withInputs fills what main passes: the network's VPC and private subnets, the secrets component's key.
func withInputs(a *Args) {
	a.VpcId = pulumi.String(vpcId)
	a.KmsKeyArn = pulumi.String(keyArn)
	a.SubnetIds = nil
	for _, s := range private {
		a.SubnetIds = append(a.SubnetIds, pulumi.String(s))
	}
}

// run plans one Volumes under the recording mock.
func run(t *testing.T, args Args) (*plan.Recorder, *Volumes) {
	t.Helper()
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	var v *Volumes
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		withInputs(&args)
		var err error
		v, err = New(ctx, "fp-test", &args)
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	return rec, v
}

// find is the one resource of a type with a logical name.
func find(t *testing.T, rec *plan.Recorder, typ, name string) *plan.Resource {
	t.Helper()
	r := rec.Find(typ, name)
	require.NotNil(t, r, "%s %s", typ, name)
	return r
}

// referring are the resources of typ whose input key is value.
func referring(rec *plan.Recorder, typ, key, value string) []*plan.Resource {
	var out []*plan.Resource
	for _, r := range rec.ByType(typ) {
		if r.Str(key) == value {
			out = append(out, r)
		}
	}
	return out
}

func awaitMap(t *testing.T, o pulumi.StringMapOutput) map[string]string {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	require.NoError(t, err)
	require.True(t, res.Known)
	return res.Value.(map[string]string)
}

func TestEveryFileSystemIsEncryptedWithTheStackKeyAndTiersToInfrequentAccess(t *testing.T) {
	tests := []struct {
		name           string
		give           Args
		wantThroughput map[string]string // logical name -> throughput mode
	}{
		{"dev", dev(), map[string]string{"fp-test-uploads": "elastic"}},
		{"prod", prod(), map[string]string{"fp-test-uploads": "elastic", "fp-test-shared-reports": "bursting"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := run(t, tt.give)
			require.Len(t, rec.ByType(tFileSystem), len(tt.wantThroughput))
			for name, throughput := range tt.wantThroughput {
				fs := find(t, rec, tFileSystem, name)
				assert.Equal(t, true, fs.In("encrypted"), name)
				assert.Equal(t, keyArn, fs.Str("kmsKeyId"), name)
				assert.Equal(t, "generalPurpose", fs.Str("performanceMode"), name)
				assert.Equal(t, throughput, fs.Str("throughputMode"), name)
				assert.Nil(t, fs.In("provisionedThroughputInMibps"), name)
				assert.Nil(t, fs.In("availabilityZoneName"), "regional, not One Zone: %s", name)
				assert.Nil(t, fs.In("creationToken"), "the provider generates a unique token: %s", name)
				assert.Equal(t, []any{
					map[string]any{"transitionToIa": "AFTER_30_DAYS"},
					map[string]any{"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
				}, fs.In("lifecyclePolicies"), name)
				assert.Equal(t, map[string]any{"Name": name}, fs.In("tags"), name)
			}
		})
	}
}

func TestEveryFileSystemHasAutomaticBackups(t *testing.T) {
	rec, _ := run(t, prod())
	require.Len(t, rec.ByType(tBackup), 2)
	for _, fs := range rec.ByType(tFileSystem) {
		backups := referring(rec, tBackup, "fileSystemId", fs.ID)
		require.Len(t, backups, 1, fs.Name)
		assert.Equal(t, "ENABLED", backups[0].Str("backupPolicy.status"), fs.Name)
		assert.Equal(t, fs.Name, backups[0].Name)
	}
}

func TestOneMountTargetPerPrivateSubnetBehindTheVolumesGroup(t *testing.T) {
	tests := []struct {
		name    string
		give    Args
		volumes []string
	}{
		{"dev", dev(), []string{"uploads"}},
		{"prod", prod(), []string{"uploads", "shared-reports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := run(t, tt.give)
			assert.Len(t, rec.ByType(tMount), len(private)*len(tt.volumes))
			for _, vol := range tt.volumes {
				fs := find(t, rec, tFileSystem, "fp-test-"+vol)
				sg := find(t, rec, tSg, "fp-test-"+vol+"-efs")
				targets := referring(rec, tMount, "fileSystemId", fs.ID)
				var subnets []string
				for _, mt := range targets {
					subnets = append(subnets, mt.Str("subnetId"))
					assert.Equal(t, []any{sg.ID}, mt.In("securityGroups"), mt.Name)
					assert.Nil(t, mt.In("ipAddress"), mt.Name)
				}
				assert.ElementsMatch(t, private, subnets, vol)
			}
		})
	}
}

// rule is a security group rule as the tests compare it.
type rule struct {
	group, referenced string
	port              float64
}

func TestNfsReachesAVolumeOnlyFromItsClients(t *testing.T) {
	rec, _ := run(t, prod())
	uploads := find(t, rec, tSg, "fp-test-uploads-efs")
	uploadsClient := find(t, rec, tSg, "fp-test-uploads-efs-client")
	reports := find(t, rec, tSg, "fp-test-shared-reports-efs")
	reportsClient := find(t, rec, tSg, "fp-test-shared-reports-efs-client")
	require.Len(t, rec.ByType(tSg), 4)
	for _, sg := range rec.ByType(tSg) {
		assert.Equal(t, vpcId, sg.Str("vpcId"), sg.Name)
		assert.Empty(t, sg.In("ingress"), "no inline rules: %s", sg.Name)
		assert.Empty(t, sg.In("egress"), "no inline rules: %s", sg.Name)
	}

	var ingress, egress []rule
	for typ, into := range map[string]*[]rule{tIngress: &ingress, tEgress: &egress} {
		for _, r := range rec.ByType(typ) {
			assert.Equal(t, "tcp", r.Str("ipProtocol"), r.Name)
			assert.Equal(t, r.In("fromPort"), r.In("toPort"), "one port, not a range: %s", r.Name)
			for _, open := range []string{"cidrIpv4", "cidrIpv6", "prefixListId"} {
				assert.Nil(t, r.In(open), "%s: %s", r.Name, open)
			}
			assert.NotEmpty(t, r.Str("description"), r.Name)
			*into = append(*into, rule{r.Str("securityGroupId"), r.Str("referencedSecurityGroupId"), r.In("fromPort").(float64)})
		}
	}
	// Exactly these: 2049 into each volume's group from its clients, 2049 out of each client to it. The
	// worker's group reaches uploads, not reports; the mount targets' groups have no egress at all.
	assert.ElementsMatch(t, []rule{
		{uploads.ID, uploadsClient.ID, 2049}, {uploads.ID, workerSg, 2049},
		{reports.ID, reportsClient.ID, 2049},
	}, ingress)
	assert.ElementsMatch(t, []rule{
		{uploadsClient.ID, uploads.ID, 2049}, {workerSg, uploads.ID, 2049},
		{reportsClient.ID, reports.ID, 2049},
	}, egress)
}

func TestTheAccessPointRunsEveryRequestAsTheAppUserInsideTheVolumesDirectory(t *testing.T) {
	tests := []struct {
		name, volume       string
		give               Args
		wantUid, wantGid   float64
		wantPath, wantMode string
	}{
		{"defaults", "uploads", dev(), 1000, 1000, "/uploads", "0750"},
		{"own path and mode", "shared-reports", prod(), 2000, 3000, "/data/reports", "0770"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := run(t, tt.give)
			fs := find(t, rec, tFileSystem, "fp-test-"+tt.volume)
			aps := referring(rec, tAccess, "fileSystemId", fs.ID)
			require.Len(t, aps, 1)
			ap := aps[0]
			assert.Equal(t, map[string]any{"uid": tt.wantUid, "gid": tt.wantGid}, ap.In("posixUser"))
			assert.Equal(t, map[string]any{"path": tt.wantPath, "creationInfo": map[string]any{
				"ownerUid": tt.wantUid, "ownerGid": tt.wantGid, "permissions": tt.wantMode}}, ap.In("rootDirectory"))
			assert.Equal(t, map[string]any{"Name": "fp-test-" + tt.volume}, ap.In("tags"))
		})
	}
}

// policies is a volume's file system policy, decoded, with the ARNs it names.
func policies(t *testing.T, rec *plan.Recorder, volume string) (doc iampolicy.Document, fsArn, apArn string) {
	t.Helper()
	fs := find(t, rec, tFileSystem, "fp-test-"+volume)
	aps := referring(rec, tAccess, "fileSystemId", fs.ID)
	require.Len(t, aps, 1)
	ps := referring(rec, tPolicy, "fileSystemId", fs.ID)
	require.Len(t, ps, 1)
	assert.Nil(t, ps[0].In("bypassPolicyLockoutSafetyCheck"), "the lockout safety check stays on")
	doc, err := iampolicy.Parse(ps[0].Str("policy"))
	require.NoError(t, err)
	return doc, fs.Outputs["arn"].(string), aps[0].Outputs["arn"].(string)
}

func TestTheFileSystemPolicyRequiresTlsTheAccessPointAndNoRoot(t *testing.T) {
	rec, _ := run(t, dev())
	doc, fsArn, apArn := policies(t, rec, "uploads")
	require.True(t, strings.HasPrefix(fsArn, "arn:aws:elasticfilesystem:ap-southeast-2:123456789012:file-system/fs-"))
	require.True(t, strings.HasPrefix(apArn, "arn:aws:elasticfilesystem:ap-southeast-2:123456789012:access-point/fsap-"))
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	client := []string{ClientMount, ClientWrite, ClientRootAccess}
	assert.Equal(t, []iampolicy.Statement{
		{Sid: "DenyWithoutTls", Effect: "Deny", Principal: anyone, Action: client, Resource: []string{fsArn},
			Condition: iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}},
		{Sid: "DenyOutsideTheAccessPoint", Effect: "Deny", Principal: anyone, Action: client, Resource: []string{fsArn},
			Condition: iampolicy.Condition{"StringNotEquals": {"elasticfilesystem:AccessPointArn": {apArn}}}},
		{Sid: "DenyRootAccess", Effect: "Deny", Principal: anyone, Action: []string{ClientRootAccess}, Resource: []string{fsArn}},
		{Sid: "MountThroughTheAccessPoint", Effect: "Allow", Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}},
			Action: []string{ClientMount, ClientWrite}, Resource: []string{fsArn},
			Condition: iampolicy.Condition{"StringEquals": {"elasticfilesystem:AccessPointArn": {apArn}},
				"Bool": {"elasticfilesystem:AccessedViaMountTarget": {"true"}}}},
	}, doc.Statement)
}

// TestOnlyTheServicesThatMountAVolumeMayAndOnlyAsTheyDeclare evaluates the file system policy with a task
// role's ClientStatement as IAM would, client request by client request.
func TestOnlyTheServicesThatMountAVolumeMayAndOnlyAsTheyDeclare(t *testing.T) {
	rec, _ := run(t, prod())
	doc, fsArn, apArn := policies(t, rec, "uploads")
	_, _, otherAp := policies(t, rec, "shared-reports")
	fsPolicy := iameval.Named{Name: "file system policy", Doc: doc}
	role := func(name string, statements ...iampolicy.Statement) (string, []iameval.Named) {
		arn := "arn:aws:iam::123456789012:role/fp-test-" + name + "-task"
		if len(statements) == 0 {
			return arn, nil
		}
		return arn, []iameval.Named{{Name: name + " task policy", Doc: iampolicy.New(statements...)}}
	}
	web, webPolicy := role("web", ClientStatement("uploads", fsArn, apArn, false))
	reader, readerPolicy := role("reader", ClientStatement("uploads", fsArn, apArn, true))
	other, otherPolicy := role("other")
	// An identity policy that grants everything on the file system, root access included.
	admin, adminPolicy := role("admin", iampolicy.Allow("All", []string{ClientMount, ClientWrite, ClientRootAccess}, fsArn))
	mount := func(ap string, tls bool) map[string][]string {
		ctx := map[string][]string{"aws:SecureTransport": {map[bool]string{true: "true", false: "false"}[tls]},
			"elasticfilesystem:AccessedViaMountTarget": {"true"}}
		if ap != "" {
			ctx["elasticfilesystem:AccessPointArn"] = []string{ap}
		}
		return ctx
	}
	tests := []struct {
		name      string
		principal string
		identity  []iameval.Named
		action    string
		ctx       map[string][]string
		want      bool
	}{
		{"the web service writes through the access point over TLS", web, webPolicy, ClientWrite, mount(apArn, true), true},
		{"and mounts", web, webPolicy, ClientMount, mount(apArn, true), true},
		{"not without TLS", web, webPolicy, ClientWrite, mount(apArn, false), false},
		{"not through another volume's access point", web, webPolicy, ClientMount, mount(otherAp, true), false},
		{"not without an access point", web, webPolicy, ClientMount, mount("", true), false},
		{"never as root", web, webPolicy, ClientRootAccess, mount(apArn, true), false},
		{"a read-only mount reads", reader, readerPolicy, ClientMount, mount(apArn, true), true},
		{"a read-only mount does not write", reader, readerPolicy, ClientWrite, mount(apArn, true), false},
		{"a service that does not mount the volume gets nothing", other, otherPolicy, ClientMount, mount(apArn, true), false},
		{"an identity granting root access still gets no root", admin, adminPolicy, ClientRootAccess, mount(apArn, true), false},
		{"nor a mount around the access point", admin, adminPolicy, ClientWrite, mount("", true), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := iameval.Evaluate(iameval.Policies{Identity: tt.identity, Resource: &fsPolicy},
				iameval.Request{Principal: tt.principal, Action: tt.action, Resource: fsArn, Context: tt.ctx})
			require.NoError(t, d.Err, d.String())
			assert.Equal(t, tt.want, d.Allowed, d.String())
		})
	}
}

func TestClientStatementGrantsWhatTheMountDeclares(t *testing.T) {
	const fs = "arn:aws:elasticfilesystem:ap-southeast-2:123456789012:file-system/fs-0123456789abcdef0"
	const ap = "arn:aws:elasticfilesystem:ap-southeast-2:123456789012:access-point/fsap-0123456789abcdef0"
	tests := []struct {
		name, volume string
		readOnly     bool
		wantSid      string
		wantActions  []string
	}{
		{"read and write", "uploads", false, "VolumeUploads", []string{ClientMount, ClientWrite}},
		{"read only", "shared-reports", true, "VolumeSharedReports", []string{ClientMount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, iampolicy.Statement{Sid: tt.wantSid, Effect: "Allow", Action: tt.wantActions, Resource: []string{fs},
				Condition: iampolicy.Condition{"StringEquals": {"elasticfilesystem:AccessPointArn": {ap}},
					"Bool": {"elasticfilesystem:AccessedViaMountTarget": {"true"}}}},
				ClientStatement(tt.volume, fs, ap, tt.readOnly))
		})
	}
}

func TestTaskVolumeIsTheEcsApiShapeWithTlsAndIam(t *testing.T) {
	b, err := json.Marshal(NewTaskVolume("uploads", "fs-0123456789abcdef0", "fsap-0123456789abcdef0"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"uploads","efsVolumeConfiguration":{"fileSystemId":"fs-0123456789abcdef0",
		"transitEncryption":"ENABLED","authorizationConfig":{"accessPointId":"fsap-0123456789abcdef0","iam":"ENABLED"}}}`, string(b))
}

// TestAServiceMountsAVolumeByName is what the service will do: find the volume by name and put its task
// definition volume in a task definition; the recorded input carries the volume's real ids.
func TestAServiceMountsAVolumeByName(t *testing.T) {
	rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
	var v *Volumes
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args := prod()
		withInputs(&args)
		var err error
		if v, err = New(ctx, "fp-test", &args); err != nil {
			return err
		}
		h, ok := v.Volume("uploads")
		if !ok {
			return assert.AnError
		}
		_, err = ecs.NewTaskDefinition(ctx, "fp-test-web", &ecs.TaskDefinitionArgs{
			Family: pulumi.String("fp-test-web"), ContainerDefinitions: pulumi.String("[]"),
			Volumes: ecs.TaskDefinitionVolumeArray{h.TaskDefinitionVolume("uploads")},
		}, pulumi.DependsOn(v.Ready()))
		return err
	}, rec.RunOptions(nil, nil)...)
	require.NoError(t, err)
	_, missing := v.Volume("downloads")
	assert.False(t, missing)

	fs := find(t, rec, tFileSystem, "fp-test-uploads")
	ap := referring(rec, tAccess, "fileSystemId", fs.ID)[0]
	td := find(t, rec, "aws:ecs/taskDefinition:TaskDefinition", "fp-test-web")
	assert.Equal(t, []any{map[string]any{"name": "uploads", "efsVolumeConfiguration": map[string]any{
		"fileSystemId": fs.ID, "transitEncryption": "ENABLED",
		"authorizationConfig": map[string]any{"accessPointId": ap.ID, "iam": "ENABLED"}}}}, td.In("volumes"))
	// The task waits for every mount target and file system policy of the stack's volumes.
	for _, typ := range []string{tMount, tPolicy} {
		for _, r := range rec.ByType(typ) {
			assert.Contains(t, td.Dependencies, r.URN)
		}
	}
}

func TestOutputsAreKeyedByVolumeName(t *testing.T) {
	rec, v := run(t, prod())
	for _, vol := range []string{"uploads", "shared-reports"} {
		fs := find(t, rec, tFileSystem, "fp-test-"+vol)
		ap := referring(rec, tAccess, "fileSystemId", fs.ID)[0]
		h, ok := v.Volume(vol)
		require.True(t, ok)
		assert.Equal(t, vol, h.Name)
		for output, want := range map[pulumi.StringMapOutput]string{
			v.FileSystemIds:          fs.ID,
			v.FileSystemArns:         fs.Outputs["arn"].(string),
			v.AccessPointIds:         ap.ID,
			v.AccessPointArns:        ap.Outputs["arn"].(string),
			v.SecurityGroupIds:       find(t, rec, tSg, "fp-test-"+vol+"-efs").ID,
			v.ClientSecurityGroupIds: find(t, rec, tSg, "fp-test-"+vol+"-efs-client").ID,
		} {
			got := awaitMap(t, output)
			assert.Len(t, got, 2)
			assert.NotEmpty(t, want)
			assert.Equal(t, want, got[vol])
		}
	}
}

func TestFileSystemsAreProtectedInProd(t *testing.T) {
	tests := []struct {
		name        string
		give        Args
		wantProtect bool
	}{
		{"dev", dev(), false},
		{"prod", prod(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := run(t, tt.give)
			for _, r := range rec.Resources() {
				// The data lives in the file system; every other part can be recreated from the program.
				assert.Equal(t, tt.wantProtect && r.Type == tFileSystem, r.Protect, r.URN)
			}
		})
	}
}

func TestEveryChildBelongsToTheComponent(t *testing.T) {
	rec, _ := run(t, prod())
	assert.Empty(t, rec.Strays("fargate-platform:volumes:Volumes", "fp-test-"))
	assert.Len(t, rec.Resources(), 1+2*(1+1+len(private)+1+1+2)+3*2, "component; per volume fs, backup, mount targets, access point, policy, two groups; a rule pair per client")
}

func TestBadArgsRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		give    func(a *Args)
		wantErr string
	}{
		{"no VPC", func(a *Args) { a.VpcId = nil }, "VpcId"},
		{"no key", func(a *Args) { a.KmsKeyArn = nil }, "KmsKeyArn"},
		{"no subnets", func(a *Args) { a.SubnetIds = nil }, "SubnetIds is empty"},
		{"no volumes", func(a *Args) { a.Volumes = nil }, "Volumes is empty"},
		{"upper-case name", func(a *Args) { a.Volumes[0].Name = "Uploads" }, `Volumes[0].Name "Uploads": want a DNS label`},
		{"underscore", func(a *Args) { a.Volumes[1].Name = "shared_reports" }, `Volumes[1].Name "shared_reports": want a DNS label`},
		{"no name", func(a *Args) { a.Volumes[0].Name = "" }, `Volumes[0].Name "": want a DNS label`},
		{"trailing hyphen", func(a *Args) { a.Volumes[0].Name = "uploads-" }, `Volumes[0].Name "uploads-"`},
		{"duplicate names", func(a *Args) { a.Volumes[1].Name = "uploads" }, `Volumes[1].Name "uploads": Volumes[0] has that name already`},
		{"root uid", func(a *Args) { a.Volumes[0].Uid = 0 }, `Volumes["uploads"].Uid 0, Gid 1000: 0 is root`},
		{"root gid", func(a *Args) { a.Volumes[1].Gid = 0 }, `Volumes["shared-reports"].Uid 2000, Gid 0: 0 is root`},
		{"negative uid", func(a *Args) { a.Volumes[0].Uid = -1 }, `Volumes["uploads"].Uid -1, Gid 1000: want 1 to 4294967295`},
		{"the whole file system", func(a *Args) { a.Volumes[0].Path = "/" }, `Volumes["uploads"].Path "/": the access point would expose the whole file system`},
		{"relative path", func(a *Args) { a.Volumes[0].Path = "uploads" }, `Volumes["uploads"].Path "uploads": not absolute`},
		{"five levels", func(a *Args) { a.Volumes[0].Path = "/a/b/c/d/e" }, `Volumes["uploads"].Path "/a/b/c/d/e": 5 levels, want at most 4`},
		{"hidden level", func(a *Args) { a.Volumes[0].Path = "/data/.cache" }, `Volumes["uploads"].Path "/data/.cache": level ".cache" starts with a dot`},
		{"shell character", func(a *Args) { a.Volumes[0].Path = "/data;rm" }, `Volumes["uploads"].Path "/data;rm": level "data;rm" holds one of`},
		{"trailing slash", func(a *Args) { a.Volumes[0].Path = "/data/" }, `Volumes["uploads"].Path "/data/": an empty level`},
		{"mode not octal", func(a *Args) { a.Volumes[1].Permissions = "0780" }, `Volumes["shared-reports"].Permissions "0780": want octal mode bits`},
		{"symbolic mode", func(a *Args) { a.Volumes[1].Permissions = "rwx" }, `Volumes["shared-reports"].Permissions "rwx"`},
		{"provisioned throughput", func(a *Args) { a.Volumes[0].Throughput = "provisioned" }, `Volumes["uploads"].Throughput "provisioned": want elastic or bursting`},
		{"nil client group", func(a *Args) { a.Volumes[0].ClientSecurityGroupIds = []pulumi.StringInput{nil} }, `Volumes["uploads"].ClientSecurityGroupIds[0] is nil`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder("fargate-platform", "test", "ap-southeast-2")
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				args := prod()
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
}

func TestDefaults(t *testing.T) {
	args := dev()
	withInputs(&args)
	got, err := args.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, Volume{Name: "uploads", Uid: 1000, Gid: 1000, Path: "/uploads", Permissions: "0750", Throughput: "elastic"}, got.Volumes[0])
	assert.False(t, got.Protect)
	assert.Empty(t, args.Volumes[0].Path, "the caller's Args are not changed")
}

func TestRootDirectoryProblemIsTheApisPattern(t *testing.T) {
	tests := []struct {
		give string
		want string // "" when EFS accepts it
	}{
		{"/", ""},
		{"/uploads", ""},
		{"/a/b/c/d", ""},
		{"/data/shared-reports_2024", ""},
		{"/" + strings.Repeat("a", 99), ""},
		{"/" + strings.Repeat("a", 100), "101 characters"},
		{"", "0 characters"},
		{"/a/b/c/d/e", "5 levels"},
		{"/a//b", "an empty level"},
		{"/.hidden", "starts with a dot"},
		{"/a/b$c", "holds one of"},
		{"/a/b`c`", "holds one of"},
		{"a", "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := RootDirectoryProblem(tt.give)
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, tt.want)
		})
	}
}
