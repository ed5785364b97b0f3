package compliance

import (
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The EFS types of a stack's volumes (pkg/volumes).
const (
	tEfsFileSystem   = "aws:efs/fileSystem:FileSystem"
	tEfsMountTarget  = "aws:efs/mountTarget:MountTarget"
	tEfsAccessPoint  = "aws:efs/accessPoint:AccessPoint"
	tEfsBackupPolicy = "aws:efs/backupPolicy:BackupPolicy"
	tEfsPolicy       = "aws:efs/fileSystemPolicy:FileSystemPolicy"

	optNoVolumes = "a stack without volumes has no file systems"
)

// efsEncrypted is EFS.1 and EFS.8: encrypted at rest, with a customer-managed key (stricter than both
// controls, which accept the AWS managed aws/elasticfilesystem key).
func efsEncrypted(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "encrypted", r.In("encrypted"), isTrue(r, "encrypted")),
		ev(r, "kmsKeyId", r.In("kmsKeyId"), isCMK(r.Str("kmsKeyId")))}
}

// efsBackups is EFS.2 and EFS.7: automatic backups on (BackupPolicy.Status ENABLED), which puts the file
// system in AWS Backup's default EFS plan: the backup plan EFS.2 looks for.
func efsBackups(v *view, r *plan.Resource) []Evidence {
	policies := v.referring(tEfsBackupPolicy, "fileSystemId", r)
	if len(policies) == 0 {
		return []Evidence{ev(r, "backup policy", "none: automatic backups are off", false)}
	}
	var out []Evidence
	for _, p := range policies {
		out = append(out, ev(r, "backup policy "+p.Name+" status", p.In("backupPolicy.status"), p.Str("backupPolicy.status") == "ENABLED"))
	}
	return out
}

// efsRootDirectory is EFS.3: the access point's root directory is a directory, not the file system's root.
func efsRootDirectory(_ *view, r *plan.Resource) []Evidence {
	path := r.Str("rootDirectory.path")
	return []Evidence{ev(r, "rootDirectory.path", r.In("rootDirectory.path"), path != "" && path != "/")}
}

// efsUserIdentity is EFS.4: the access point enforces a POSIX user; stricter, neither its uid nor its gid is
// root.
func efsUserIdentity(_ *view, r *plan.Resource) []Evidence {
	uid, okU := num(r, "posixUser.uid")
	gid, okG := num(r, "posixUser.gid")
	return []Evidence{ev(r, "posixUser", r.In("posixUser"), okU && okG && uid != 0 && gid != 0)}
}

// efsPrivateMountTargets is EFS.6: a mount target's subnet assigns no public IPs (the control), and, like
// RDS.46, routes nothing to an internet gateway. A subnet the plan does not create cannot be shown private.
func efsPrivateMountTargets(v *view, r *plan.Resource) []Evidence {
	id := r.Str("subnetId")
	var subnet *plan.Resource
	for _, s := range v.rec.ByType(tSubnet) {
		if s.ID == id {
			subnet = s
		}
	}
	if subnet == nil {
		return []Evidence{ev(r, "subnet "+id, "not in the plan: cannot show it assigns no public IPs", false)}
	}
	return append([]Evidence{ev(r, "subnet "+id+" mapPublicIpOnLaunch", subnet.In("mapPublicIpOnLaunch"), !isTrue(subnet, "mapPublicIpOnLaunch"))},
		v.privateSubnet(r, id)...)
}

// efsClient is an NFS client request as EFS authorises it.
type efsClient struct {
	what, action string
	tls          bool
	accessPoint  bool // through the file system's access point
	identity     bool // the caller's identity policy allows every client action on the file system
	outsider     bool // a principal of another account (or an anonymous client)
}

// efsPolicyCheck evaluates, with pkg/iameval, the file system's policy against client requests that must be
// denied: an identity policy allowing everything on the file system must not get them through.
func efsPolicyCheck(clients ...efsClient) each {
	return func(v *view, r *plan.Resource) []Evidence {
		policies := v.referring(tEfsPolicy, "fileSystemId", r)
		if len(policies) == 0 {
			return []Evidence{ev(r, "file system policy", "none: EFS's default policy lets any client that reaches a mount target in, without IAM", false)}
		}
		stmts, err := decodePolicy(policies[0].Str("policy"))
		if err != nil {
			return []Evidence{ev(r, "file system policy", err.Error(), false)}
		}
		doc := iampolicy.New()
		for _, st := range stmts {
			st.Statement.NotAction, st.Statement.NotResource = st.NotAction, st.NotResource
			doc.Statement = append(doc.Statement, st.Statement)
		}
		fsArn, _ := r.Outputs["arn"].(string)
		account := strings.SplitN(fsArn, ":", 6)
		if len(account) < 5 {
			return []Evidence{ev(r, "arn", fsArn, false)}
		}
		ap := "arn:aws:elasticfilesystem:" + account[3] + ":" + account[4] + ":access-point/fsap-none"
		if aps := v.referring(tEfsAccessPoint, "fileSystemId", r); len(aps) > 0 {
			ap, _ = aps[0].Outputs["arn"].(string)
		}
		fsPolicy := iameval.Named{Name: "file system policy", Doc: doc}
		all := iameval.Named{Name: "identity allowing every client action", Doc: iampolicy.New(
			iampolicy.Allow("All", []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"}, fsArn))}
		var out []Evidence
		for _, c := range clients {
			ctx := map[string][]string{"aws:SecureTransport": {boolString(c.tls)}, "elasticfilesystem:AccessedViaMountTarget": {"true"}}
			if c.accessPoint {
				ctx["elasticfilesystem:AccessPointArn"] = []string{ap}
			}
			p := iameval.Policies{Resource: &fsPolicy}
			if c.identity {
				p.Identity = []iameval.Named{all}
			}
			principal := "arn:aws:iam::" + account[4] + ":role/any-task-role"
			if c.outsider {
				principal = "arn:aws:iam::999999999999:role/outsider"
			}
			d := iameval.Evaluate(p, iameval.Request{Principal: principal, Action: c.action, Resource: fsArn, Context: ctx})
			value := d.String()
			if d.Err != nil {
				value = "cannot evaluate: " + d.Err.Error()
			}
			out = append(out, ev(r, c.what, value, d.Err == nil && !d.Allowed))
		}
		return out
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// efsTLS is EFS.TLS: no client gets in without TLS, whatever its identity policy allows.
var efsTLS = efsPolicyCheck(
	efsClient{what: "ClientMount without TLS", action: "elasticfilesystem:ClientMount", accessPoint: true, identity: true},
	efsClient{what: "ClientWrite without TLS", action: "elasticfilesystem:ClientWrite", accessPoint: true, identity: true},
)

// efsAccessPoints is EFS.AccessPoints: a client gets in only through an access point, never as root, and
// only when its own account's IAM says so.
var efsAccessPoints = efsPolicyCheck(
	efsClient{what: "ClientMount without an access point", action: "elasticfilesystem:ClientMount", tls: true, identity: true},
	efsClient{what: "ClientWrite without an access point", action: "elasticfilesystem:ClientWrite", tls: true, identity: true},
	efsClient{what: "ClientRootAccess through the access point", action: "elasticfilesystem:ClientRootAccess", tls: true, accessPoint: true, identity: true},
	efsClient{what: "ClientMount by another account or an anonymous client", action: "elasticfilesystem:ClientMount", tls: true, accessPoint: true, outsider: true},
)
