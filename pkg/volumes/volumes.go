// Package volumes is the stack's shared files: named volumes, each one EFS file system that services mount
// by name. A volume is encrypted with the stack key and backed up by AWS Backup; it has a mount target in
// every private subnet, reachable on NFS (2049) only from the security groups of the services that mount
// it; and its file system policy admits a client only over TLS, only with IAM authorisation, only through
// the volume's one access point, which runs every request as the app's POSIX user inside the volume's own
// directory, and never as root.
//
// A service that mounts a volume needs three things from here: the volume's client security group on its
// tasks (or its own group in ClientSecurityGroupIds), ClientStatement in its task role, and the
// TaskDefinitionVolume entry in its task definition. docs/volumes.md says how and why.
package volumes

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/efs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// NfsPort is the port EFS mount targets serve NFS on; with TLS the mount helper's stunnel still connects
// to it (https://docs.aws.amazon.com/efs/latest/ug/network-access.html).
const NfsPort = 2049

// Defaults of a Volume.
const (
	// DefaultPermissions are the mode bits of a volume's directory when EFS creates it: the app's user
	// reads and writes, its group reads, nobody else enters.
	DefaultPermissions = "0750"
	// DefaultThroughput is Elastic throughput: see Volume.Throughput.
	DefaultThroughput = "elastic"
)

// Throughput modes a Volume may choose. Provisioned throughput is not offered: it bills a fixed MiB/s
// every hour whether used or not, the opposite of what a shared-files volume needs.
var Throughputs = []string{"elastic", "bursting"}

// The settings every volume's file system gets (see docs/volumes.md).
const (
	// PerformanceMode is General Purpose: AWS recommends it for every workload, Max I/O has higher
	// per-operation latency and cannot use Elastic throughput
	// (https://docs.aws.amazon.com/efs/latest/ug/performance.html#performancemodes).
	PerformanceMode = "generalPurpose"
	// TransitionToIa moves files not read for 30 days to Infrequent Access storage, a fraction of the
	// Standard price; TransitionToPrimary brings a file back on its first read, so a hot file stops paying
	// IA's per-read charge (https://docs.aws.amazon.com/efs/latest/ug/lifecycle-management-efs.html).
	TransitionToIa      = "AFTER_30_DAYS"
	TransitionToPrimary = "AFTER_1_ACCESS"
)

// The IAM actions an NFS client is authorised for
// (https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html#efs-filesystempolicy-actions).
const (
	ClientMount      = "elasticfilesystem:ClientMount"
	ClientWrite      = "elasticfilesystem:ClientWrite"
	ClientRootAccess = "elasticfilesystem:ClientRootAccess"
)

// Volume is one named volume.
type Volume struct {
	// Name is how services mount the volume and the suffix of its resources' names: a DNS label (lower-case
	// letters, digits and hyphens, at most 63, starting and ending with a letter or digit). Required.
	Name string
	// Uid and Gid are the POSIX user and group the access point runs every request as, whatever user the
	// container runs as, and that own the volume's directory when EFS creates it: the user the app runs as
	// (1000 in the Rails image). Required; 0 (root) is refused.
	Uid, Gid int
	// Path is the access point's root directory on the file system: clients see it as "/" and reach
	// nothing above it. At most four levels and 100 characters. Default "/<Name>".
	Path string
	// Permissions are the octal mode bits EFS gives that directory when it creates it. Default "0750".
	Permissions string
	// Throughput is elastic or bursting. Default elastic: it scales with the traffic and bills per GB read
	// and written, where bursting ties throughput to the size stored (50 KiB/s per GiB, 1 MiB/s at least,
	// bursts while credits last), which starves a small volume of uploads exactly when it is busy
	// (https://docs.aws.amazon.com/efs/latest/ug/performance.html#throughput-modes). Choose bursting for a
	// volume large enough that its baseline carries its traffic: it then adds no charge beyond storage.
	Throughput string
	// ClientSecurityGroupIds are groups admitted on NFS beside the volume's own client group: the groups
	// of the services that mount the volume, when they exist before it. Each gets its 2049 egress rule to
	// the volume. Default none: the services wear ClientSecurityGroupIds[Name] of the component instead.
	ClientSecurityGroupIds []pulumi.StringInput
}

// Args configures the volumes.
type Args struct {
	// VpcId is the VPC the security groups live in. Required.
	VpcId pulumi.StringInput
	// SubnetIds are the private subnets, one per AZ: a volume gets a mount target in each (EFS allows one
	// per AZ). Required, at least one.
	SubnetIds []pulumi.StringInput
	// KmsKeyArn is the stack key every file system is encrypted with. Required.
	KmsKeyArn pulumi.StringInput
	// Volumes are the volumes, at least one (a stack without volumes does not create the component).
	// Names are unique.
	Volumes []Volume
	// Protect sets Pulumi's protect on every file system. Default false.
	Protect bool
}

// Volumes is the component. Every map is keyed by volume name.
type Volumes struct {
	pulumi.ResourceState

	FileSystemIds  pulumi.StringMapOutput `pulumi:"fileSystemIds"`
	FileSystemArns pulumi.StringMapOutput `pulumi:"fileSystemArns"`
	AccessPointIds pulumi.StringMapOutput `pulumi:"accessPointIds"`
	// AccessPointArns are what a task role's ClientStatement and the file system policy name.
	AccessPointArns pulumi.StringMapOutput `pulumi:"accessPointArns"`
	// SecurityGroupIds are the groups of the mount targets.
	SecurityGroupIds pulumi.StringMapOutput `pulumi:"securityGroupIds"`
	// ClientSecurityGroupIds are the groups a task must wear to reach a volume's mount targets.
	ClientSecurityGroupIds pulumi.StringMapOutput `pulumi:"clientSecurityGroupIds"`

	handles map[string]Handle
	ready   []pulumi.Resource
}

// Handle is one volume as a service sees it. Not a Pulumi output.
type Handle struct {
	Name                  string
	FileSystemId          pulumi.StringOutput
	FileSystemArn         pulumi.StringOutput
	AccessPointId         pulumi.StringOutput
	AccessPointArn        pulumi.StringOutput
	SecurityGroupId       pulumi.StringOutput
	ClientSecurityGroupId pulumi.StringOutput
}

// Volume returns the handle of a volume by name.
func (v *Volumes) Volume(name string) (Handle, bool) {
	h, ok := v.handles[name]
	return h, ok
}

// Ready are the resources a task that mounts any volume must wait for (pulumi.DependsOn): the mount
// targets, without which the mount times out, and the file system policies, without which a mount would be
// judged by EFS's default policy.
func (v *Volumes) Ready() []pulumi.Resource { return slices.Clone(v.ready) }

// dnsLabel is RFC 1123's label, lower case.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// octalMode is CreationInfo.Permissions (https://docs.aws.amazon.com/efs/latest/ug/API_CreationInfo.html).
var octalMode = regexp.MustCompile(`^[0-7]{3,4}$`)

// maxPosixId is the largest uid or gid EFS accepts (API_PosixUser, API_CreationInfo: 0 to 4294967295).
const maxPosixId = 1<<32 - 1

// RootDirectoryProblem says what EFS would refuse in an access point's root directory path, or "": at most
// 100 characters, "/" or one to four levels, no level starting with "." or holding any of $#<>;`|&?{}^*
// or a newline (API_RootDirectory: ^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$,
// https://docs.aws.amazon.com/efs/latest/ug/API_RootDirectory.html). pkg/rules holds plans to it too.
func RootDirectoryProblem(path string) string {
	switch {
	case len(path) < 1 || len(path) > 100:
		return fmt.Sprintf("%d characters, want 1 to 100", len(path))
	case path == "/":
		return ""
	case !strings.HasPrefix(path, "/"):
		return `not absolute: want "/" then one to four directories`
	}
	levels := strings.Split(path[1:], "/")
	if len(levels) > 4 {
		return fmt.Sprintf("%d levels, want at most 4", len(levels))
	}
	for _, l := range levels {
		switch {
		case l == "":
			return `an empty level ("//" or a trailing "/")`
		case strings.HasPrefix(l, "."):
			return fmt.Sprintf("level %q starts with a dot", l)
		case strings.ContainsAny(l, "$#<>;`|&?{}^*\n"):
			return fmt.Sprintf("level %q holds one of $#<>;`|&?{}^*", l)
		}
	}
	return ""
}

func (a *Args) withDefaults() (Args, error) {
	out := *a
	switch {
	case out.VpcId == nil || out.KmsKeyArn == nil:
		return out, fmt.Errorf("volumes: VpcId and KmsKeyArn are required")
	case len(out.SubnetIds) == 0:
		return out, fmt.Errorf("volumes: SubnetIds is empty: give the private subnets, one per AZ (each gets a mount target)")
	case len(out.Volumes) == 0:
		return out, fmt.Errorf("volumes: Volumes is empty: create the component only for a stack that declares volumes")
	}
	for i, s := range out.SubnetIds {
		if s == nil {
			return out, fmt.Errorf("volumes: SubnetIds[%d] is nil", i)
		}
	}
	out.Volumes = make([]Volume, len(a.Volumes))
	seen := map[string]int{}
	for i, v := range a.Volumes {
		if !dnsLabel.MatchString(v.Name) {
			return out, fmt.Errorf("volumes: Volumes[%d].Name %q: want a DNS label: lower-case letters, digits and hyphens, at most 63, starting and ending with a letter or digit", i, v.Name)
		}
		if j, dup := seen[v.Name]; dup {
			return out, fmt.Errorf("volumes: Volumes[%d].Name %q: Volumes[%d] has that name already; give each volume its own", i, v.Name, j)
		}
		seen[v.Name] = i
		at := fmt.Sprintf("volumes: Volumes[%q]", v.Name)
		if v.Path == "" {
			v.Path = "/" + v.Name
		}
		if v.Permissions == "" {
			v.Permissions = DefaultPermissions
		}
		if v.Throughput == "" {
			v.Throughput = DefaultThroughput
		}
		switch {
		case v.Uid == 0 || v.Gid == 0:
			return out, fmt.Errorf("%s.Uid %d, Gid %d: 0 is root; want the uid and gid the app runs as (1000 in the Rails image), so no client writes as root", at, v.Uid, v.Gid)
		case v.Uid < 0 || v.Uid > maxPosixId || v.Gid < 0 || v.Gid > maxPosixId:
			return out, fmt.Errorf("%s.Uid %d, Gid %d: want 1 to 4294967295", at, v.Uid, v.Gid)
		case v.Path == "/":
			return out, fmt.Errorf(`%s.Path "/": the access point would expose the whole file system; want a directory such as "/%s"`, at, v.Name)
		case RootDirectoryProblem(v.Path) != "":
			return out, fmt.Errorf("%s.Path %q: %s", at, v.Path, RootDirectoryProblem(v.Path))
		case !octalMode.MatchString(v.Permissions):
			return out, fmt.Errorf("%s.Permissions %q: want octal mode bits such as 0750 (3 or 4 digits 0-7)", at, v.Permissions)
		case !slices.Contains(Throughputs, v.Throughput):
			return out, fmt.Errorf("%s.Throughput %q: want elastic or bursting", at, v.Throughput)
		}
		for j, g := range v.ClientSecurityGroupIds {
			if g == nil {
				return out, fmt.Errorf("%s.ClientSecurityGroupIds[%d] is nil", at, j)
			}
		}
		out.Volumes[i] = v
	}
	return out, nil
}

// New creates the volumes.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Volumes, error) {
	if args == nil {
		args = &Args{}
	}
	a, err := args.withDefaults()
	if err != nil {
		return nil, err
	}
	v := &Volumes{handles: map[string]Handle{}}
	if err := ctx.RegisterComponentResource("fargate-platform:volumes:Volumes", name, v, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(v)

	maps := map[string]pulumi.StringMap{}
	for _, k := range []string{"fs", "fsArn", "ap", "apArn", "sg", "client"} {
		maps[k] = pulumi.StringMap{}
	}
	for _, vol := range a.Volumes {
		h, ready, err := volume(ctx, name+"-"+vol.Name, vol, a, parent)
		if err != nil {
			return nil, err
		}
		h.Name = vol.Name
		v.handles[vol.Name] = h
		v.ready = append(v.ready, ready...)
		maps["fs"][vol.Name] = h.FileSystemId
		maps["fsArn"][vol.Name] = h.FileSystemArn
		maps["ap"][vol.Name] = h.AccessPointId
		maps["apArn"][vol.Name] = h.AccessPointArn
		maps["sg"][vol.Name] = h.SecurityGroupId
		maps["client"][vol.Name] = h.ClientSecurityGroupId
	}
	v.FileSystemIds = maps["fs"].ToStringMapOutput()
	v.FileSystemArns = maps["fsArn"].ToStringMapOutput()
	v.AccessPointIds = maps["ap"].ToStringMapOutput()
	v.AccessPointArns = maps["apArn"].ToStringMapOutput()
	v.SecurityGroupIds = maps["sg"].ToStringMapOutput()
	v.ClientSecurityGroupIds = maps["client"].ToStringMapOutput()

	return v, ctx.RegisterResourceOutputs(v, pulumi.Map{
		"fileSystemIds": v.FileSystemIds, "fileSystemArns": v.FileSystemArns, "accessPointIds": v.AccessPointIds,
		"accessPointArns": v.AccessPointArns, "securityGroupIds": v.SecurityGroupIds,
		"clientSecurityGroupIds": v.ClientSecurityGroupIds,
	})
}

// volume creates one volume's resources, every one named from id ("<name>-<volume>").
func volume(ctx *pulumi.Context, id string, vol Volume, a Args, parent pulumi.ResourceOption) (Handle, []pulumi.Resource, error) {
	var h Handle
	tags := pulumi.StringMap{"Name": pulumi.String(id)}

	// The file system: regional (every AZ), encrypted with the stack key, files unread for 30 days in
	// Infrequent Access. No creation token: the provider generates a unique one, so a replacement never
	// collides with the file system it replaces.
	fs, err := efs.NewFileSystem(ctx, id, &efs.FileSystemArgs{
		Encrypted:       pulumi.Bool(true),
		KmsKeyId:        a.KmsKeyArn,
		PerformanceMode: pulumi.String(PerformanceMode),
		ThroughputMode:  pulumi.String(vol.Throughput),
		LifecyclePolicies: efs.FileSystemLifecyclePolicyArray{
			efs.FileSystemLifecyclePolicyArgs{TransitionToIa: pulumi.String(TransitionToIa)},
			efs.FileSystemLifecyclePolicyArgs{TransitionToPrimaryStorageClass: pulumi.String(TransitionToPrimary)},
		},
		Tags: tags,
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return h, nil, err
	}

	// Automatic backups: EFS puts the file system in AWS Backup's default plan (daily, kept 35 days)
	// (https://docs.aws.amazon.com/efs/latest/ug/automatic-backups.html).
	if _, err := efs.NewBackupPolicy(ctx, id, &efs.BackupPolicyArgs{
		FileSystemId: fs.ID(),
		BackupPolicy: efs.BackupPolicyBackupPolicyArgs{Status: pulumi.String("ENABLED")},
	}, parent); err != nil {
		return h, nil, err
	}

	sg, client, err := securityGroups(ctx, id, vol, a, parent)
	if err != nil {
		return h, nil, err
	}

	// One mount target per private subnet, so a task reaches the volume in its own AZ.
	var ready []pulumi.Resource
	for i, subnet := range a.SubnetIds {
		mt, err := efs.NewMountTarget(ctx, fmt.Sprintf("%s-%d", id, i), &efs.MountTargetArgs{
			FileSystemId:   fs.ID(),
			SubnetId:       subnet,
			SecurityGroups: pulumi.StringArray{sg.ID()},
		}, parent)
		if err != nil {
			return h, nil, err
		}
		ready = append(ready, mt)
	}

	// The one way in: every request runs as the app's uid and gid, inside the volume's directory, which EFS
	// creates owned by that user on the first mount (https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html).
	ap, err := efs.NewAccessPoint(ctx, id, &efs.AccessPointArgs{
		FileSystemId: fs.ID(),
		PosixUser:    efs.AccessPointPosixUserArgs{Uid: pulumi.Int(vol.Uid), Gid: pulumi.Int(vol.Gid)},
		RootDirectory: efs.AccessPointRootDirectoryArgs{
			Path: pulumi.String(vol.Path),
			CreationInfo: efs.AccessPointRootDirectoryCreationInfoArgs{
				OwnerUid: pulumi.Int(vol.Uid), OwnerGid: pulumi.Int(vol.Gid), Permissions: pulumi.String(vol.Permissions),
			},
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return h, nil, err
	}

	// The file system policy replaces EFS's default one, which lets any client that reaches a mount target
	// in with full access and without IAM (https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html#default-filesystempolicy).
	policy, err := efs.NewFileSystemPolicy(ctx, id, &efs.FileSystemPolicyArgs{
		FileSystemId: fs.ID(),
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			return FileSystemPolicy(v[0].(string), v[1].(string))
		}, fs.Arn, ap.Arn),
	}, parent)
	if err != nil {
		return h, nil, err
	}
	ready = append(ready, policy)

	h = Handle{
		FileSystemId: fs.ID().ToStringOutput(), FileSystemArn: fs.Arn,
		AccessPointId: ap.ID().ToStringOutput(), AccessPointArn: ap.Arn,
		SecurityGroupId: sg.ID().ToStringOutput(), ClientSecurityGroupId: client.ID().ToStringOutput(),
	}
	return h, ready, nil
}

// securityGroups creates the mount targets' group, admitting NFS only from the volume's client group and
// the ClientSecurityGroupIds, and the client group with its one egress rule to it. Every rule is its own
// resource, as in pkg/data. The mount targets' group has no egress: NFS answers, it never calls out.
func securityGroups(ctx *pulumi.Context, id string, vol Volume, a Args, parent pulumi.ResourceOption) (sg, client *ec2.SecurityGroup, err error) {
	sg, err = ec2.NewSecurityGroup(ctx, id+"-efs", &ec2.SecurityGroupArgs{
		VpcId:       a.VpcId,
		Description: pulumi.Sprintf("EFS volume %s: NFS %d from its clients only", vol.Name, NfsPort),
		Tags:        pulumi.StringMap{"Name": pulumi.String(id + "-efs")},
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	// The client group: a task that wears it reaches this volume's mount targets and nothing else.
	client, err = ec2.NewSecurityGroup(ctx, id+"-efs-client", &ec2.SecurityGroupArgs{
		VpcId:       a.VpcId,
		Description: pulumi.Sprintf("Tasks that mount EFS volume %s", vol.Name),
		Tags:        pulumi.StringMap{"Name": pulumi.String(id + "-efs-client")},
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	clients := append([]pulumi.StringInput{client.ID()}, vol.ClientSecurityGroupIds...)
	for i, c := range clients {
		suffix := "client"
		if i > 0 {
			suffix = fmt.Sprintf("service-%d", i-1)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, id+"-efs-from-"+suffix, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(NfsPort),
			ToPort:                    pulumi.Int(NfsPort),
			ReferencedSecurityGroupId: c,
			Description:               pulumi.Sprintf("NFS from the tasks that mount %s", vol.Name),
		}, parent); err != nil {
			return nil, nil, err
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, id+"-efs-to-"+suffix, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           c,
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(NfsPort),
			ToPort:                    pulumi.Int(NfsPort),
			ReferencedSecurityGroupId: sg.ID(),
			Description:               pulumi.Sprintf("NFS to EFS volume %s", vol.Name),
		}, parent); err != nil {
			return nil, nil, err
		}
	}
	return sg, client, nil
}

// FileSystemPolicy is a volume's file system policy: no client in without TLS, none outside the access
// point, none as root; the account's principals mount through the access point when their own identity
// policy allows it (ClientStatement), so each service's task role decides, not this policy. The account is
// read from the file system's ARN.
//
// Sources: aws:SecureTransport, elasticfilesystem:AccessPointArn and elasticfilesystem:AccessedViaMountTarget
// are the condition keys EFS evaluates for NFS clients, and no other
// (https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html#efs-condition-keys-for-nfs);
// an allow in either the identity or the file system policy suffices, so the Allow names the account and
// leaves the choice to IAM (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts);
// a mount without an access point carries no elasticfilesystem:AccessPointArn, which StringNotEquals treats
// as not equal, so the second Deny refuses it too
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
func FileSystemPolicy(fileSystemArn, accessPointArn string) iampolicy.Document {
	anyone := &iampolicy.Principal{AWS: []string{"*"}}
	client := []string{ClientMount, ClientWrite, ClientRootAccess}

	tls := iampolicy.Deny("DenyWithoutTls", client, fileSystemArn)
	tls.Principal = anyone
	tls.Condition = iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}

	outside := iampolicy.Deny("DenyOutsideTheAccessPoint", client, fileSystemArn)
	outside.Principal = anyone
	outside.Condition = iampolicy.Condition{"StringNotEquals": {"elasticfilesystem:AccessPointArn": {accessPointArn}}}

	root := iampolicy.Deny("DenyRootAccess", []string{ClientRootAccess}, fileSystemArn)
	root.Principal = anyone

	mount := iampolicy.Allow("MountThroughTheAccessPoint", []string{ClientMount, ClientWrite}, fileSystemArn)
	mount.Principal = &iampolicy.Principal{AWS: []string{accountRoot(fileSystemArn)}}
	mount.Condition = throughAccessPoint(accessPointArn)
	return iampolicy.New(tls, outside, root, mount)
}

// ClientStatement is the task role statement of a service that mounts a volume: ClientMount (read) and,
// unless readOnly, ClientWrite, on the volume's file system, only through its access point and a mount
// target. Its Sid is "Volume" and the volume's name in CamelCase, unique within a task policy. ClientRootAccess
// is never granted (the file system policy denies it anyway).
func ClientStatement(volume, fileSystemArn, accessPointArn string, readOnly bool) iampolicy.Statement {
	actions := []string{ClientMount}
	if !readOnly {
		actions = append(actions, ClientWrite)
	}
	st := iampolicy.Allow("Volume"+camel(volume), actions, fileSystemArn)
	st.Condition = throughAccessPoint(accessPointArn)
	return st
}

// throughAccessPoint is the condition of every allow: through this access point, via a mount target.
func throughAccessPoint(accessPointArn string) iampolicy.Condition {
	return iampolicy.Condition{
		"StringEquals": {"elasticfilesystem:AccessPointArn": {accessPointArn}},
		"Bool":         {"elasticfilesystem:AccessedViaMountTarget": {"true"}},
	}
}

// accountRoot is the account principal of an ARN's account, in its partition.
func accountRoot(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":root"
}

// camel turns a DNS label into CamelCase ("shared-uploads" -> "SharedUploads"), as a Sid allows only
// letters and digits.
func camel(label string) string {
	var b strings.Builder
	for _, part := range strings.Split(label, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// TaskVolume is one entry of an ECS task definition's "volumes", in the RegisterTaskDefinition API's
// shape, for a service that marshals its own JSON or compares a rendered task definition.
type TaskVolume struct {
	Name                   string                 `json:"name"`
	EfsVolumeConfiguration EfsVolumeConfiguration `json:"efsVolumeConfiguration"`
}

// EfsVolumeConfiguration is the API's EFSVolumeConfiguration. RootDirectory stays unset: with an access
// point ECS requires it omitted or "/", and the access point's path is the root
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html).
type EfsVolumeConfiguration struct {
	FileSystemId        string              `json:"fileSystemId"`
	TransitEncryption   string              `json:"transitEncryption"`
	AuthorizationConfig AuthorizationConfig `json:"authorizationConfig"`
}

// AuthorizationConfig is the API's EFSAuthorizationConfig: the access point, and IAM authorisation with
// the task role (which ECS allows only with transit encryption ENABLED).
type AuthorizationConfig struct {
	AccessPointId string `json:"accessPointId"`
	Iam           string `json:"iam"`
}

// NewTaskVolume is the task definition volume named taskVolume that mounts a volume: TLS (ENABLED), IAM
// authorisation with the task role (ENABLED), through the access point.
func NewTaskVolume(taskVolume, fileSystemId, accessPointId string) TaskVolume {
	return TaskVolume{Name: taskVolume, EfsVolumeConfiguration: EfsVolumeConfiguration{
		FileSystemId:        fileSystemId,
		TransitEncryption:   "ENABLED",
		AuthorizationConfig: AuthorizationConfig{AccessPointId: accessPointId, Iam: "ENABLED"},
	}}
}

// TaskDefinitionVolume is NewTaskVolume as the ecs.TaskDefinition input, with this volume's ids.
func (h Handle) TaskDefinitionVolume(taskVolume string) ecs.TaskDefinitionVolumeArgs {
	t := NewTaskVolume(taskVolume, "", "")
	c := t.EfsVolumeConfiguration
	return ecs.TaskDefinitionVolumeArgs{
		Name: pulumi.String(t.Name),
		EfsVolumeConfiguration: ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs{
			FileSystemId:      h.FileSystemId,
			TransitEncryption: pulumi.String(c.TransitEncryption),
			AuthorizationConfig: ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs{
				AccessPointId: h.AccessPointId,
				Iam:           pulumi.String(c.AuthorizationConfig.Iam),
			},
		},
	}
}
