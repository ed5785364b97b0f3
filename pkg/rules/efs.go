package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/pkg/volumes"
)

const (
	tEfsFileSystem  = "aws:efs/fileSystem:FileSystem"
	tEfsMountTarget = "aws:efs/mountTarget:MountTarget"
	tEfsAccessPoint = "aws:efs/accessPoint:AccessPoint"
	tSubnet         = "aws:ec2/subnet:Subnet"

	efsAPI = "https://docs.aws.amazon.com/efs/latest/ug/"
)

// efsRules are what the EFS API refuses in a volume's file system, mount targets and access point.
func efsRules() []Rule {
	return []Rule{
		{
			ID: "efs.access-point-root", Type: tEfsAccessPoint,
			Property: "rootDirectory.path, rootDirectory.creationInfo, posixUser",
			Limit: "a path of 1 to 100 characters, \"/\" or up to four levels, none starting with \".\" or holding $#<>;`|&?{}^*; " +
				"creation permissions of 3 or 4 octal digits; uids and gids from 0 to 4294967295",
			Source: efsAPI + "API_RootDirectory.html (Path); " + efsAPI + "API_CreationInfo.html; " + efsAPI + "API_PosixUser.html",
			Fix:    "fix the volume's path, permissions, uid or gid (pkg/volumes refuses the same values before planning)",
			check:  accessPointRoot,
		},
		{
			ID: "efs.mount-target-per-az", Type: tEfsMountTarget, Property: "fileSystemId, subnetId",
			Limit:  "one mount target per file system per Availability Zone: a second one in a subnet of the same AZ is refused (MountTargetConflict)",
			Source: efsAPI + "API_CreateMountTarget.html",
			Fix:    "give the volumes one private subnet per AZ (network.PrivateSubnetIds has one per AZ)",
			check:  mountTargetPerAz,
		},
		{
			ID: "efs.mount-target-security-groups", Type: tEfsMountTarget, Property: "securityGroups",
			Limit:  "at most 5 security groups",
			Source: efsAPI + "API_CreateMountTarget.html (SecurityGroups)",
			Fix:    "admit clients by rules on one group, not by more groups",
			check: func(r *plan.Resource, _ *input) []finding {
				if n := len(listOf(r, "securityGroups")); n > 5 {
					return []finding{{value: strings.Join(listOf(r, "securityGroups"), ","), detail: fmt.Sprintf("%d groups", n)}}
				}
				return nil
			},
		},
		{
			ID: "efs.lifecycle-policies", Type: tEfsFileSystem, Property: "lifecyclePolicies, throughputMode",
			Limit: "one transition per lifecycle policy and each kind at most once; transitionToArchive only with transitionToIa, " +
				"Elastic throughput and General Purpose performance mode",
			Source: efsAPI + "API_PutLifecycleConfiguration.html; " + efsAPI + "API_LifecyclePolicy.html; " +
				"https://www.pulumi.com/registry/packages/aws/api-docs/efs/filesystem/#transitiontoarchive_go",
			Fix:   "list each transition as its own lifecycle policy, and archive only Elastic, General Purpose file systems",
			check: lifecyclePolicies,
		},
	}
}

// octal is CreationInfo.Permissions.
var octal = regexp.MustCompile(`^[0-7]{3,4}$`)

func accessPointRoot(r *plan.Resource, _ *input) []finding {
	var out []finding
	if path, ok := str(r, "rootDirectory.path"); ok {
		if p := volumes.RootDirectoryProblem(path); p != "" {
			out = append(out, finding{value: path, detail: "rootDirectory.path: " + p})
		}
	}
	if mode, ok := str(r, "rootDirectory.creationInfo.permissions"); ok && !octal.MatchString(mode) {
		out = append(out, finding{value: mode, detail: "rootDirectory.creationInfo.permissions: not 3 or 4 octal digits"})
	}
	for _, path := range []string{"posixUser.uid", "posixUser.gid", "rootDirectory.creationInfo.ownerUid", "rootDirectory.creationInfo.ownerGid"} {
		if f, ok := r.In(path).(float64); ok && (f < 0 || f > 4294967295) {
			out = append(out, finding{value: fmt.Sprintf("%.0f", f), detail: path + ": outside 0 to 4294967295"})
		}
	}
	return out
}

// mountTargetPerAz compares the mount target with the others of its file system, by the AZ of the subnets
// the plan creates (a subnet it does not create has an AZ the plan cannot know).
func mountTargetPerAz(r *plan.Resource, in *input) []finding {
	az := func(subnet string) string {
		for _, s := range in.byType[tSubnet] {
			if s.ID == subnet || s.Outputs["id"] == subnet {
				return s.Str("availabilityZone")
			}
		}
		return ""
	}
	mine := az(r.Str("subnetId"))
	if mine == "" {
		return nil
	}
	var others []string
	for _, o := range in.byType[tEfsMountTarget] {
		if o != r && o.Str("fileSystemId") == r.Str("fileSystemId") && az(o.Str("subnetId")) == mine {
			others = append(others, o.URN)
		}
	}
	if len(others) == 0 {
		return nil
	}
	sort.Strings(others)
	return []finding{{value: r.Str("subnetId"), detail: fmt.Sprintf("%s holds another mount target of %s: %s", mine, r.Str("fileSystemId"), strings.Join(others, ", "))}}
}

var transitions = []string{"transitionToIa", "transitionToPrimaryStorageClass", "transitionToArchive"}

func lifecyclePolicies(r *plan.Resource, _ *input) []finding {
	policies, _ := r.In("lifecyclePolicies").([]any)
	seen := map[string]int{}
	var out []finding
	for i, p := range policies {
		m, _ := p.(map[string]any)
		var set []string
		for _, t := range transitions {
			if v, ok := m[t].(string); ok && v != "" {
				set = append(set, t)
				seen[t]++
			}
		}
		if len(set) != 1 {
			out = append(out, finding{value: fmt.Sprint(m), detail: fmt.Sprintf("lifecyclePolicies[%d] has %d transitions, want 1", i, len(set))})
		}
	}
	for _, t := range transitions {
		if seen[t] > 1 {
			out = append(out, finding{value: t, detail: fmt.Sprintf("%s in %d policies, want at most 1", t, seen[t])})
		}
	}
	if seen["transitionToArchive"] > 0 {
		throughput, mode := r.Str("throughputMode"), r.Str("performanceMode")
		if throughput != "elastic" || (mode != "" && mode != "generalPurpose") || seen["transitionToIa"] == 0 {
			out = append(out, finding{value: fmt.Sprintf("throughputMode %q, performanceMode %q", throughput, mode),
				detail: "transitionToArchive needs transitionToIa, Elastic throughput and General Purpose"})
		}
	}
	return out
}

// listOf is a list input as strings.
func listOf(r *plan.Resource, path string) []string {
	l, _ := r.In(path).([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		out = append(out, fmt.Sprint(v))
	}
	return out
}
