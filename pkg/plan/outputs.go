package plan

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// outputs returns what the provider would: the inputs, plus the values only the cloud knows, in the
// shapes AWS and Cloudflare use. The id is stable for a URN.
func (r *Recorder) outputs(typ, name, urn string, in resource.PropertyMap, custom bool) (resource.PropertyMap, string, error) {
	out := in.Copy()
	if !custom {
		// Remote components (awsx) only reach the mock as their inputs: answer with what they return.
		if fn, ok := remoteOutputs[typ]; ok {
			for k, v := range fn(r, urn, in) {
				out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
			}
		}
		return out, "", nil
	}

	// Physical name: the "name" input, or an auto-name like the engine's (logical name + 7 hex).
	physical := inputString(in, "name")
	if physical == "" {
		physical = name + "-" + hexID(urn, 7)
	}
	acct, region := Account, r.Region
	arn := func(service, res string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, acct, res)
	}
	id := physical
	set := map[string]any{}

	switch typ {
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "vpc/"+id)
		set["defaultSecurityGroupId"] = "sg-" + hexID(urn+"default", 17)
		set["mainRouteTableId"] = "rtb-" + hexID(urn+"main", 17)
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "subnet/"+id)
	case "aws:ec2/routeTable:RouteTable":
		id = "rtb-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "route-table/"+id)
	case "aws:ec2/internetGateway:InternetGateway":
		id = "igw-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "internet-gateway/"+id)
	case "aws:ec2/natGateway:NatGateway":
		id = "nat-" + hexID(urn, 17)
	case "aws:ec2/eip:Eip":
		id = "eipalloc-" + hexID(urn, 17)
		set["allocationId"] = id
		set["publicIp"] = fmt.Sprintf("13.%d.%d.%d", 200+int(hexID(urn, 2)[0])%50, int(hexID(urn, 2)[1]), 10)
	case "aws:ec2/networkInterface:NetworkInterface":
		id = "eni-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "network-interface/"+id)
		set["privateIp"] = "10.0.0.10"
	case "aws:ec2/eipAssociation:EipAssociation":
		id = "eipassoc-" + hexID(urn, 17)
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = "lt-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "launch-template/"+id)
		set["latestVersion"] = 1
		set["defaultVersion"] = 1
	case "aws:autoscaling/group:Group":
		id = physical
		set["arn"] = arn("autoscaling", "autoScalingGroup:"+uuid(urn)+":autoScalingGroupName/"+physical)
	case "aws:ec2/route:Route":
		id = "r-" + inputString(in, "routeTableId") + "1080289494"
	case "aws:ec2/routeTableAssociation:RouteTableAssociation":
		id = "rtbassoc-" + hexID(urn, 17)
	case "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
		id = "sg-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "security-group/"+id)
	case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
		id = "sgr-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "security-group-rule/"+id)
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		id = "sgrule-" + hexID(urn, 10)
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id = "vpce-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "vpc-endpoint/"+id)
	case "aws:ec2/flowLog:FlowLog":
		id = "fl-" + hexID(urn, 17)
		set["arn"] = arn("ec2", "vpc-flow-log/"+id)
	case "aws:cloudwatch/logGroup:LogGroup":
		set["arn"] = arn("logs", "log-group:"+physical)
	case "aws:iam/role:Role":
		set["arn"] = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, physical)
		set["uniqueId"] = "AROA" + strings.ToUpper(hexID(urn, 17))
	case "aws:iam/policy:Policy":
		set["arn"] = fmt.Sprintf("arn:aws:iam::%s:policy/%s", acct, physical)
		id = set["arn"].(string)
	case "aws:iam/rolePolicy:RolePolicy":
		id = inputString(in, "role") + ":" + physical
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		set["arn"] = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", acct,
			strings.TrimPrefix(inputString(in, "url"), "https://"))
		id = set["arn"].(string)
	case "aws:kms/key:Key":
		id = uuid(urn)
		set["keyId"] = id
		set["arn"] = arn("kms", "key/"+id)
	case "aws:kms/alias:Alias":
		set["arn"] = arn("kms", physical)
		set["targetKeyArn"] = arn("kms", "key/"+inputString(in, "targetKeyId"))
	case "aws:ecr/repository:Repository":
		set["arn"] = arn("ecr", "repository/"+physical)
		set["repositoryUrl"] = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", acct, region, physical)
		set["registryId"] = acct
	case "aws:ssm/parameter:Parameter":
		set["arn"] = arn("ssm", "parameter/"+strings.TrimPrefix(physical, "/"))
		set["version"] = 1
	case "aws:secretsmanager/secret:Secret":
		set["arn"] = arn("secretsmanager", "secret:"+physical+"-"+hexID(urn, 6))
		id = set["arn"].(string)
	case "aws:secretsmanager/secretVersion:SecretVersion":
		set["arn"] = inputString(in, "secretId")
		set["versionId"] = uuid(urn)
		id = inputString(in, "secretId") + "|" + set["versionId"].(string)
	case "random:index/randomPassword:RandomPassword":
		// A stand-in value, secret as the provider marks it: the plan never shows it.
		n := inputNumber(in, "length", 32)
		out["result"] = resource.MakeSecret(resource.NewStringProperty(hexID("password"+urn, n)))
		id = "none"
	case "aws:rds/instance:Instance":
		physical = inputString(in, "identifier")
		if physical == "" {
			physical = name + "-" + hexID(urn, 7)
		}
		id = "db-" + strings.ToUpper(hexID(urn, 26))
		host := fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", physical, hexID(urn, 11), region)
		set["identifier"] = physical
		set["address"] = host
		set["endpoint"] = host + ":5432"
		set["port"] = 5432
		set["resourceId"] = id
		set["arn"] = arn("rds", "db:"+physical)
		if inputBool(in, "manageMasterUserPassword") {
			set["masterUserSecrets"] = []any{map[string]any{
				"secretArn":    arn("secretsmanager", "secret:rds!db-"+uuid(urn+"secret")+"-"+hexID(urn, 6)),
				"kmsKeyId":     inputString(in, "masterUserSecretKmsKeyId"),
				"secretStatus": "active",
			}}
		}
	case "aws:rds/subnetGroup:SubnetGroup":
		set["arn"] = arn("rds", "subgrp:"+physical)
	case "aws:rds/parameterGroup:ParameterGroup":
		set["arn"] = arn("rds", "pg:"+physical)
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		physical = inputString(in, "replicationGroupId")
		id = physical
		set["arn"] = arn("elasticache", "replicationgroup:"+physical)
		set["primaryEndpointAddress"] = fmt.Sprintf("master.%s.%s.%s.cache.amazonaws.com", physical, hexID(urn, 6), shortRegion(region))
		set["readerEndpointAddress"] = fmt.Sprintf("replica.%s.%s.%s.cache.amazonaws.com", physical, hexID(urn, 6), shortRegion(region))
		set["port"] = 6379
	case "aws:elasticache/subnetGroup:SubnetGroup":
		set["arn"] = arn("elasticache", "subnetgroup:"+physical)
	case "aws:elasticache/parameterGroup:ParameterGroup":
		set["arn"] = arn("elasticache", "parametergroup:"+physical)
	case "aws:ecs/cluster:Cluster":
		set["arn"] = arn("ecs", "cluster/"+physical)
		id = set["arn"].(string)
	case "aws:ecs/taskDefinition:TaskDefinition":
		family := inputString(in, "family")
		set["arn"] = arn("ecs", "task-definition/"+family+":1")
		set["arnWithoutRevision"] = arn("ecs", "task-definition/"+family)
		set["revision"] = 1
		id = family
	case "aws:ecs/service:Service":
		cluster := inputString(in, "cluster")
		clusterName := cluster[strings.LastIndex(cluster, "/")+1:]
		id = arn("ecs", "service/"+clusterName+"/"+physical)
	case "aws:appautoscaling/target:Target":
		id = inputString(in, "resourceId")
		set["arn"] = arn("application-autoscaling", "scalable-target/"+hexID(urn, 28))
	case "aws:appautoscaling/policy:Policy":
		set["arn"] = arn("autoscaling", "scalingPolicy:"+uuid(urn)+":resource/"+inputString(in, "resourceId")+":policyName/"+physical)
	case "aws:lb/loadBalancer:LoadBalancer":
		suffix := "app/" + physical + "/" + hexID(urn, 16)
		set["arn"] = arn("elasticloadbalancing", "loadbalancer/"+suffix)
		set["arnSuffix"] = suffix
		set["dnsName"] = fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", physical, 1000000000+int(hexID(urn, 8)[0])*1000, region)
		set["zoneId"] = albZoneIds[region]
		id = set["arn"].(string)
	case "aws:lb/targetGroup:TargetGroup":
		suffix := "targetgroup/" + physical + "/" + hexID(urn, 16)
		set["arn"] = arn("elasticloadbalancing", suffix)
		set["arnSuffix"] = suffix
		id = set["arn"].(string)
	case "aws:lb/listener:Listener":
		// listener/app/<load balancer name>/<load balancer id>/<listener id>, as ELB names it.
		lb := strings.TrimPrefix(inputString(in, "loadBalancerArn"), arn("elasticloadbalancing", "loadbalancer/"))
		if lb == "" || strings.HasPrefix(lb, "arn:") {
			lb = "app/" + name + "/" + hexID(urn, 16)
		}
		set["arn"] = arn("elasticloadbalancing", "listener/"+lb+"/"+hexID(urn+"l", 16))
		id = set["arn"].(string)
	case "aws:lb/listenerRule:ListenerRule":
		// listener-rule/app/<load balancer name>/<load balancer id>/<listener id>/<rule id>.
		l := inputString(in, "listenerArn")
		if _, rest, ok := strings.Cut(l, ":listener/"); ok {
			set["arn"] = arn("elasticloadbalancing", "listener-rule/"+rest+"/"+hexID(urn, 16))
		} else {
			set["arn"] = arn("elasticloadbalancing", "listener-rule/app/"+name+"/"+hexID(urn, 16)+"/"+hexID(urn+"l", 16)+"/"+hexID(urn+"r", 16))
		}
		id = set["arn"].(string)
	case "aws:lb/trustStore:TrustStore":
		set["arn"] = arn("elasticloadbalancing", "truststore/"+physical+"/"+hexID(urn, 16))
		id = set["arn"].(string)
	case "aws:acm/certificate:Certificate":
		id = arn("acm", "certificate/"+uuid(urn))
		set["arn"] = id
		set["domainValidationOptions"] = validationOptions(in)
		set["status"] = "PENDING_VALIDATION"
	case "aws:acm/certificateValidation:CertificateValidation":
		id = inputString(in, "certificateArn")
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		physical = inputString(in, "bucket")
		if physical == "" {
			physical = strings.ToLower(name) + "-" + hexID(urn, 12)
		}
		id = physical
		set["bucket"] = physical
		set["arn"] = "arn:aws:s3:::" + physical
		set["bucketDomainName"] = physical + ".s3.amazonaws.com"
		set["bucketRegionalDomainName"] = fmt.Sprintf("%s.s3.%s.amazonaws.com", physical, region)
	case "aws:s3/bucketObjectv2:BucketObjectv2":
		set["versionId"] = hexID(urn, 32)
		id = inputString(in, "key")
	case "aws:sns/topic:Topic":
		set["arn"] = arn("sns", physical)
		id = set["arn"].(string)
	case "aws:sns/topicSubscription:TopicSubscription":
		id = inputString(in, "topic") + ":" + uuid(urn)
		set["arn"] = id
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		set["arn"] = arn("cloudwatch", "alarm:"+physical)
	case "aws:cloudwatch/dashboard:Dashboard":
		set["dashboardArn"] = fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", acct, inputString(in, "dashboardName"))
	case "aws:cloudtrail/trail:Trail":
		set["arn"] = arn("cloudtrail", "trail/"+physical)
	case "aws:guardduty/detector:Detector":
		id = hexID(urn, 32)
		set["arn"] = arn("guardduty", "detector/"+id)
		set["accountId"] = acct
	case "aws:scheduler/schedule:Schedule":
		group := inputString(in, "groupName")
		if group == "" {
			group = "default"
		}
		set["arn"] = arn("scheduler", "schedule/"+group+"/"+physical)
		id = group + "/" + physical
	// EFS ids and ARNs as the API returns them (API_FileSystemDescription, API_MountTargetDescription,
	// API_AccessPointDescription); a backup or file system policy is known by its file system's id.
	case "aws:efs/fileSystem:FileSystem":
		id = "fs-" + hexID(urn, 17)
		set["arn"] = arn("elasticfilesystem", "file-system/"+id)
		set["dnsName"] = id + ".efs." + region + ".amazonaws.com"
		set["ownerId"] = acct
		if inputString(in, "creationToken") == "" {
			set["creationToken"] = "terraform-" + hexID(urn+"token", 26)
		}
	case "aws:efs/mountTarget:MountTarget":
		id = "fsmt-" + hexID(urn, 17)
		fs := inputString(in, "fileSystemId")
		set["fileSystemArn"] = arn("elasticfilesystem", "file-system/"+fs)
		set["networkInterfaceId"] = "eni-" + hexID(urn+"eni", 17)
		set["dnsName"] = fs + ".efs." + region + ".amazonaws.com"
		set["ownerId"] = acct
	case "aws:efs/accessPoint:AccessPoint":
		id = "fsap-" + hexID(urn, 17)
		set["arn"] = arn("elasticfilesystem", "access-point/"+id)
		set["fileSystemArn"] = arn("elasticfilesystem", "file-system/"+inputString(in, "fileSystemId"))
		set["ownerId"] = acct
	case "aws:efs/backupPolicy:BackupPolicy", "aws:efs/fileSystemPolicy:FileSystemPolicy":
		id = inputString(in, "fileSystemId")
	case "aws:servicediscovery/httpNamespace:HttpNamespace":
		// Cloud Map ids are "ns-" and 16 characters; the ARN is namespace/<id>.
		id = "ns-" + hexID(urn, 16)
		set["arn"] = arn("servicediscovery", "namespace/"+id)
	case "aws:codebuild/project:Project":
		set["arn"] = arn("codebuild", "project/"+physical)
	case "aws:codepipeline/pipeline:Pipeline":
		set["arn"] = arn("codepipeline", physical)
	case "cloudflare:index/record:Record", "cloudflare:index/dnsRecord:DnsRecord":
		id = hexID(urn, 32)
		set["hostname"] = inputString(in, "name")
	default:
		if strings.HasPrefix(typ, "aws:") {
			// A type without a specific answer still gets an ARN of the right service.
			service := strings.SplitN(strings.TrimPrefix(typ, "aws:"), "/", 2)[0]
			set["arn"] = arn(service, physical)
		}
		if typ != "" && !strings.HasPrefix(typ, "aws:") {
			id = hexID(urn, 32)
		}
	}
	if _, has := out["name"]; !has && physical != "" && strings.HasPrefix(typ, "aws:") {
		set["name"] = physical
	}
	set["id"] = id
	for k, v := range set {
		out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return out, id, nil
}

// remoteOutputs answers for remote components by type token.
var remoteOutputs = map[string]func(r *Recorder, urn string, in resource.PropertyMap) map[string]any{
	// awsx.ec2.Vpc: one subnet per AZ per tier, as the awsx component returns them.
	"awsx:ec2:Vpc": func(r *Recorder, urn string, in resource.PropertyMap) map[string]any {
		azs := inputNumber(in, "numberOfAvailabilityZones", 3)
		tiers := map[string][]any{}
		for _, tier := range []string{"public", "private", "isolated"} {
			for i := 0; i < azs; i++ {
				tiers[tier] = append(tiers[tier], "subnet-"+hexID(fmt.Sprintf("%s%s%d", urn, tier, i), 17))
			}
		}
		return map[string]any{
			"vpcId":             "vpc-" + hexID(urn, 17),
			"publicSubnetIds":   tiers["public"],
			"privateSubnetIds":  tiers["private"],
			"isolatedSubnetIds": tiers["isolated"],
		}
	},
}

// validationOptions mirrors ACM: one CNAME per name, and a wildcard shares its base name's record.
func validationOptions(in resource.PropertyMap) []any {
	names := []string{inputString(in, "domainName")}
	if sans, ok := in["subjectAlternativeNames"]; ok && sans.IsArray() {
		for _, s := range sans.ArrayValue() {
			if s.IsString() {
				names = append(names, s.StringValue())
			}
		}
	}
	var out []any
	for _, n := range names {
		base := strings.TrimPrefix(n, "*.")
		out = append(out, map[string]any{
			"domainName":          n,
			"resourceRecordName":  "_" + hexID(base, 32) + "." + base + ".",
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": "_" + hexID(base+"v", 32) + "." + hexID(base+"w", 10) + ".acm-validations.aws.",
		})
	}
	return out
}

// albZoneIds are the canonical hosted zone ids of ALBs per region.
var albZoneIds = map[string]string{
	"ap-southeast-2": "Z1GM3OXH4ZPM65", "us-east-1": "Z35SXDOTRQ7X7K", "us-west-2": "Z1H1FL5HABSF5",
	"eu-west-1": "Z32O12XQLNTSW2", "eu-central-1": "Z215JYRZR1TBD5", "ap-southeast-1": "Z1LMS91P8CMLE5",
}

func shortRegion(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"southeast": "se", "northeast": "ne", "south": "s", "east": "e", "west": "w",
		"north": "n", "central": "c"}[parts[1]]
	return parts[0] + dir + parts[2]
}

func uuid(seed string) string {
	h := hexID(seed, 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func inputString(in resource.PropertyMap, key string) string {
	v, ok := in[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsOutput() {
		v = v.OutputValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func inputNumber(in resource.PropertyMap, key string, def int) int {
	v, ok := in[resource.PropertyKey(key)]
	if ok && v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}

func inputBool(in resource.PropertyMap, key string) bool {
	v, ok := in[resource.PropertyKey(key)]
	return ok && v.IsBool() && v.BoolValue()
}
