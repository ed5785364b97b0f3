package compliance

import (
	"fmt"
	"slices"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// The NAT instance of a non-prod stack (natStrategy instance, pkg/network natinstance.go): an EC2 Auto
// Scaling group of one, its launch template and the fixed network interface the private routes target.
// The launch template and Auto Scaling controls apply to it; four of them fail by design, and are accepted
// as deviations for it alone, outside prod (natDeviation).
const (
	tAutoScaling      = "aws:autoscaling/group:Group"
	tLaunchTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	tNetworkInterface = "aws:ec2/networkInterface:NetworkInterface"
	tEip              = "aws:ec2/eip:Eip"
	tEipAssociation   = "aws:ec2/eipAssociation:EipAssociation"
)

// optNatInstance: only natStrategy instance creates EC2 resources; prod and staging refuse it.
const optNatInstance = "only a NAT instance (natStrategy instance, refused in prod and staging) runs EC2; the other strategies use NAT gateways"

// Deviation is a deliberate, reasoned failure of a check, accepted only for the resources Covers selects
// and only outside prod: any other resource that fails still fails the check, and in prod nothing is
// accepted. The evidence keeps its FAIL lines; the report names the deviation and its reason.
type Deviation struct {
	// Why is the reason the failure is accepted, as the report prints it.
	Why string
	// Covers reports whether the deviation covers a resource.
	Covers func(v *view, r *plan.Resource) bool
}

// natDeviation accepts a failure of the NAT instance (natResource) in a non-prod stack, for why.
func natDeviation(why string) *Deviation {
	return &Deviation{Why: "the NAT instance: " + why, Covers: natResource}
}

// The reasons of the NAT instance's deviations.
const (
	whyNatOneAz = "one instance in one AZ by design: it holds the fixed interface the routes target, which lives in one " +
		"subnet; the group replaces a failed instance within minutes, and dev accepts egress lost meanwhile " +
		"(prod and staging keep a NAT gateway per AZ)"
	whyNatOneType = "one t4g.nano, the cheapest Graviton type, by design; a dev stack's egress needs no other"
	whyNatSrcDest = "a NAT forwards packets that are neither from nor to it: EC2 drops them unless source/destination " +
		"checking is off (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html)"
	whyNatPublicIP = "a NAT instance needs a public address to reach the internet: the Elastic IP on its interface, " +
		"the stack's egress address; its security group admits HTTPS from the VPC only"
	whyNatNoSSM = "no agent and no instance role: the group replaces the instance weekly (maxInstanceLifetime), each " +
		"from the latest Amazon Linux 2023 AMI and with the security updates applied at boot, so nothing is " +
		"patched or reached in place"
)

// natResource reports whether r is part of a NAT instance: an interface with source/destination checking
// off that a default route (0.0.0.0/0) targets, a launch template attaching such an interface, or a group
// of at most one instance launched from such a template.
func natResource(v *view, r *plan.Resource) bool {
	switch r.Type {
	case tNetworkInterface:
		return natInterface(v, r)
	case tLaunchTemplate:
		return natTemplate(v, r)
	case tAutoScaling:
		max, _ := num(r, "maxSize")
		return max <= 1 && slices.ContainsFunc(v.rec.ByType(tLaunchTemplate), func(lt *plan.Resource) bool {
			return natTemplate(v, lt) && slices.Contains(names(lt), r.Str("launchTemplate.id"))
		})
	}
	return false
}

// natInterface reports whether an interface is a NAT instance's: source/destination check off, and the
// target of a default route.
func natInterface(v *view, eni *plan.Resource) bool {
	if eni.In("sourceDestCheck") != false {
		return false
	}
	for _, rt := range v.referring(tRoute, "networkInterfaceId", eni) {
		if rt.Str("destinationCidrBlock") == "0.0.0.0/0" {
			return true
		}
	}
	return false
}

// natTemplate reports whether a launch template attaches only a NAT instance's interface.
func natTemplate(v *view, lt *plan.Resource) bool {
	nics := list(lt, "networkInterfaces")
	if len(nics) != 1 {
		return false
	}
	id := lt.Str("networkInterfaces.0.networkInterfaceId")
	return slices.ContainsFunc(v.rec.ByType(tNetworkInterface), func(eni *plan.Resource) bool {
		return natInterface(v, eni) && slices.Contains(names(eni), id)
	})
}

// ltNoPublicIP: no interface of the launch template asks for a public IPv4 address (EC2.25 reads
// associatePublicIpAddress of each of them).
func ltNoPublicIP(_ *view, r *plan.Resource) []Evidence {
	nics := list(r, "networkInterfaces")
	if len(nics) == 0 {
		return []Evidence{ev(r, "networkInterfaces", nil, true)}
	}
	var out []Evidence
	for i := range nics {
		p := fmt.Sprintf("networkInterfaces.%d.associatePublicIpAddress", i)
		out = append(out, ev(r, p, r.In(p), r.In(p) == nil || r.Str(p) == "false" || r.In(p) == false))
	}
	return out
}

// ltIMDSv2: the launch template requires IMDSv2 tokens (EC2.170: metadataOptions.httpTokens required).
func ltIMDSv2(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "metadataOptions.httpTokens", r.In("metadataOptions.httpTokens"), r.Str("metadataOptions.httpTokens") == "required")}
}

// ltEncryptedVolumes: every EBS volume the launch template maps is encrypted (EC2.181); a template
// without a mapping leaves the AMI's volumes to the account's default, which the report cannot see.
func ltEncryptedVolumes(_ *view, r *plan.Resource) []Evidence {
	maps := list(r, "blockDeviceMappings")
	if len(maps) == 0 {
		return []Evidence{ev(r, "blockDeviceMappings", nil, false)}
	}
	var out []Evidence
	for i := range maps {
		p := fmt.Sprintf("blockDeviceMappings.%d.ebs.encrypted", i)
		out = append(out, ev(r, p, r.In(p), r.Str(p) == "true" || r.In(p) == true))
	}
	return out
}

// ltInstanceProfile: instances the template launches carry an instance profile, which SSM Agent needs to
// register them with Systems Manager (SSM.1).
func ltInstanceProfile(_ *view, r *plan.Resource) []Evidence {
	v := r.In("iamInstanceProfile")
	return []Evidence{ev(r, "iamInstanceProfile", v, r.Str("iamInstanceProfile.arn") != "" || r.Str("iamInstanceProfile.name") != "")}
}

// asgLaunchTemplate: the group launches from a launch template, not a launch configuration (AutoScaling.9).
func asgLaunchTemplate(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{
		ev(r, "launchTemplate.id", r.In("launchTemplate.id"), r.Str("launchTemplate.id") != ""),
		ev(r, "launchConfiguration", r.In("launchConfiguration"), r.Str("launchConfiguration") == ""),
	}
}

// asgELBHealthCheck: a group behind a load balancer (target groups or Classic Load Balancers) uses ELB
// health checks (AutoScaling.1); a group behind none passes with its health check type as evidence.
func asgELBHealthCheck(_ *view, r *plan.Resource) []Evidence {
	behind := len(list(r, "targetGroupArns")) > 0 || len(list(r, "loadBalancers")) > 0
	return []Evidence{
		ev(r, "targetGroupArns", r.In("targetGroupArns"), true),
		ev(r, "loadBalancers", r.In("loadBalancers"), true),
		ev(r, "healthCheckType", r.In("healthCheckType"), !behind || r.Str("healthCheckType") == "ELB"),
	}
}

// asgMultiAz: the group's subnets span at least two subnets, one per AZ (AutoScaling.2).
func asgMultiAz(_ *view, r *plan.Resource) []Evidence {
	subnets := list(r, "vpcZoneIdentifiers")
	return []Evidence{ev(r, "vpcZoneIdentifiers", r.In("vpcZoneIdentifiers"), len(subnets) >= 2)}
}

// asgMultipleTypes: the group runs at least two instance types (a mixed instances policy with two
// overrides) in at least two AZs (AutoScaling.6).
func asgMultipleTypes(_ *view, r *plan.Resource) []Evidence {
	overrides := list(r, "mixedInstancesPolicy.launchTemplate.overrides")
	return []Evidence{
		ev(r, "mixedInstancesPolicy.launchTemplate.overrides", len(overrides), len(overrides) >= 2),
		ev(r, "vpcZoneIdentifiers", r.In("vpcZoneIdentifiers"), len(list(r, "vpcZoneIdentifiers")) >= 2),
	}
}

// eniSourceDestCheck: the interface keeps source/destination checking on (EC2.180; the provider's
// default is true).
func eniSourceDestCheck(_ *view, r *plan.Resource) []Evidence {
	return []Evidence{ev(r, "sourceDestCheck", r.In("sourceDestCheck"), r.In("sourceDestCheck") != false)}
}

// eniNoPublicIP: no Elastic IP is associated with the interface, so the instance it belongs to has no
// public IPv4 address (EC2.9).
func eniNoPublicIP(v *view, r *plan.Resource) []Evidence {
	var assoc []string
	for _, a := range v.referring(tEipAssociation, "networkInterfaceId", r) {
		assoc = append(assoc, a.URN)
	}
	return []Evidence{ev(r, "Elastic IP associations", assoc, len(assoc) == 0)}
}
