package permissions

import "github.com/fargate-platform/fargate-platform/pkg/iampolicy"

// The targets: each is one statement of a deploy policy. A stack's resources are reached by their names
// ("<project>-<stack>-*", "/<project>/<stack>/*") where AWS authorises by name, and by the StackTag where
// names are generated ids.
var (
	// Unscoped holds the actions AWS authorises against no resource (Describe*, List*, a few creates).
	Unscoped = &Target{Sid: "Unscoped", Resources: func(Scope) []string { return []string{"*"} }}

	// Ec2Create is a call that creates a VPC resource: it must tag it as the stack's, and every existing
	// resource it names (the VPC of a subnet, the subnet of a NAT gateway) must be the stack's.
	Ec2Create = &Target{Sid: "Ec2Create", Resources: ec2All, Condition: Scope.TaggingNew}
	// Ec2Stack is a change to a VPC resource the stack tagged.
	Ec2Stack = &Target{Sid: "Ec2Stack", Resources: ec2All, Condition: Scope.StackTagged}
	// Ec2TagOnCreate is ec2:CreateTags inside a create call (ec2:CreateAction is set only then).
	Ec2TagOnCreate = &Target{Sid: "Ec2TagOnCreate", Resources: ec2All, Condition: func(s Scope) iampolicy.Condition {
		c := s.TaggingNew()
		c["Null"] = map[string][]string{"ec2:CreateAction": {"false"}}
		return c
	}}
	// Ec2AdoptDefault tags the VPC's default security group, which AWS creates untagged with the VPC.
	Ec2AdoptDefault = &Target{Sid: "Ec2AdoptDefaultGroup", Resources: func(s Scope) []string {
		return []string{s.ARN("ec2", "security-group/*")}
	}, Condition: func(s Scope) iampolicy.Condition {
		return iampolicy.Condition{
			"StringEquals": {"aws:RequestTag/" + StackTag: {s.Name()}},
			"Null":         {"aws:ResourceTag/" + StackTag: {"true"}},
		}
	}}

	// EfsCreate creates a file system. elasticfilesystem:CreateFileSystem takes no resource, so the request
	// holds it: tagged as the stack's, and encrypted (elasticfilesystem:Encrypted).
	EfsCreate = &Target{Sid: "EfsCreate", Resources: func(Scope) []string { return []string{"*"} },
		Condition: func(s Scope) iampolicy.Condition {
			c := s.TaggingNew()
			c["Bool"] = map[string][]string{"elasticfilesystem:Encrypted": {"true"}}
			return c
		}}
	// EfsTagOnCreate is elasticfilesystem:TagResource inside CreateFileSystem or CreateAccessPoint
	// (elasticfilesystem:CreateAction is set only then).
	EfsTagOnCreate = &Target{Sid: "EfsTagOnCreate", Resources: efsAll, Condition: func(s Scope) iampolicy.Condition {
		c := s.TaggingNew()
		c["Null"] = map[string][]string{"elasticfilesystem:CreateAction": {"false"}}
		return c
	}}
	// EfsStack is everything else on the file systems and access points the stack tagged.
	EfsStack = &Target{Sid: "EfsStack", Resources: efsAll, Condition: Scope.StackTagged}
	// EfsMountTargetInterfaces are the EC2 calls EFS makes with the caller's rights for a mount target's
	// network interface: create it in the stack's subnet with the stack's group, change its groups, delete
	// it. EFS creates the interface without the stack's tag, so the interface may carry none; every subnet
	// and group the call names must carry the stack's.
	EfsMountTargetInterfaces = &Target{Sid: "EfsMountTargetInterfaces", Resources: func(s Scope) []string {
		return []string{s.ARN("ec2", "network-interface/*"), s.ARN("ec2", "subnet/*"), s.ARN("ec2", "security-group/*")}
	}, Condition: func(s Scope) iampolicy.Condition {
		return iampolicy.Condition{"StringEqualsIfExists": {"aws:ResourceTag/" + StackTag: {s.Name()}}}
	}}

	// Ec2RunNatInstance is the ec2:RunInstances an Auto Scaling group checks its creator for: the stack's
	// launch template and interface (with its subnet and group), new instances and volumes, and public AMIs.
	Ec2RunNatInstance = &Target{Sid: "Ec2RunNatInstance", Resources: func(s Scope) []string {
		return []string{s.ARN("ec2", "*"), "arn:aws:ec2:" + s.Region + "::image/*"}
	}, Condition: func(s Scope) iampolicy.Condition {
		return iampolicy.Condition{"StringEqualsIfExists": {"aws:ResourceTag/" + StackTag: {s.Name()}}}
	}}

	// CloudMapCreate creates the stack's Cloud Map namespace. servicediscovery:CreateHttpNamespace and
	// TagResource take no resource (Service Authorization Reference, AWS Cloud Map), so the request holds
	// them: tagged as the stack's, and any namespace with a stack tag must carry the stack's.
	CloudMapCreate = &Target{Sid: "CloudMapCreate", Resources: func(Scope) []string { return []string{"*"} },
		Condition: Scope.TaggingNew}
	// CloudMapStack reads, waits on and deletes the namespaces the stack tagged.
	CloudMapStack = &Target{Sid: "CloudMapStack", Resources: func(s Scope) []string {
		return []string{s.ARN("servicediscovery", "namespace/*")}
	}, Condition: Scope.StackTagged}
	// CloudMapRetag changes a namespace's other tags: TagResource and UntagResource take no resource, so
	// the request may name no tag key but the stack's own tag key never (it cannot move a namespace
	// between stacks).
	CloudMapRetag = &Target{Sid: "CloudMapRetag", Resources: func(Scope) []string { return []string{"*"} },
		Condition: func(Scope) iampolicy.Condition {
			return iampolicy.Condition{"ForAllValues:StringNotEquals": {"aws:TagKeys": {StackTag}}}
		}}

	// StackRolesBounded creates or changes the policies of the stack's roles, only with the stack's
	// permissions boundary on them.
	StackRolesBounded = &Target{Sid: "StackRolesBounded", Global: true, Resources: stackRoles,
		Condition: func(s Scope) iampolicy.Condition {
			return iampolicy.Condition{"StringEquals": {"iam:PermissionsBoundary": {s.BoundaryArn}}}
		}}
	// StackRoles reads, tags and deletes the stack's roles.
	StackRoles = &Target{Sid: "StackRoles", Global: true, Resources: stackRoles}
	// PassStackRoles hands the stack's roles to the services that run with them (the condition's values
	// are the union of the calls' iam:PassedToService).
	PassStackRoles = &Target{Sid: "PassStackRoles", Global: true, Resources: stackRoles}
	// ServiceLinkedRoles are created by a service's first use in the account.
	ServiceLinkedRoles = &Target{Sid: "ServiceLinkedRoles", Global: true, Resources: func(s Scope) []string {
		return []string{s.IAM("role/aws-service-role/*")}
	}}

	// KmsCreate creates a key tagged as the stack's (and tags it in the same call).
	KmsCreate = &Target{Sid: "KmsCreate", Resources: func(Scope) []string { return []string{"*"} },
		Condition: Scope.TaggingNew}
	// StackKeys administers and uses the keys tagged as the stack's.
	StackKeys = &Target{Sid: "StackKeys", Resources: func(s Scope) []string { return []string{s.ARN("kms", "key/*")} },
		Condition: Scope.StackTagged}
	// StackKeyGrants lets AWS services the stack uses (RDS, ElastiCache, ECR) hold grants on its keys.
	StackKeyGrants = &Target{Sid: "StackKeyGrants", Resources: func(s Scope) []string { return []string{s.ARN("kms", "key/*")} },
		Condition: func(s Scope) iampolicy.Condition {
			c := s.StackTagged()
			c["Bool"] = map[string][]string{"kms:GrantIsForAWSResource": {"true"}}
			return c
		}}
	// StackAliases are the stack's key aliases.
	StackAliases = &Target{Sid: "StackAliases", Resources: func(s Scope) []string { return []string{s.ARN("kms", "alias/"+s.Name()+"*")} }}

	// Named: the services that authorise by name.
	StackRepositories      = named("EcrRepositories", func(s Scope) []string { return []string{s.ARN("ecr", "repository/"+s.Name()+"/*")} })
	StackAutoScalingGroups = named("AutoScalingGroups", func(s Scope) []string {
		return []string{s.ARN("autoscaling", "autoScalingGroup:*:autoScalingGroupName/"+s.Name()+"-*")}
	})
	StackCluster  = named("EcsCluster", func(s Scope) []string { return []string{s.ARN("ecs", "cluster/"+s.Name())} })
	StackServices = named("EcsServices", func(s Scope) []string { return []string{s.ARN("ecs", "service/"+s.Name()+"/*")} })
	StackTaskDefs = named("EcsTaskDefinitions", func(s Scope) []string {
		return []string{s.ARN("ecs", "task-definition/"+s.Name()+"-*:*"), s.ARN("ecs", "task-definition/"+s.Name()+"-*")}
	})
	StackTasks = named("EcsTasks", func(s Scope) []string { return []string{s.ARN("ecs", "task/"+s.Name()+"/*")} })
	// StackRunTask runs the stack's task definitions in the stack's cluster only.
	StackRunTask = &Target{Sid: "EcsRunTask", Resources: func(s Scope) []string {
		return []string{s.ARN("ecs", "task-definition/"+s.Name()+"-*:*")}
	}, Condition: func(s Scope) iampolicy.Condition {
		return iampolicy.Condition{"ArnEquals": {"ecs:cluster": {s.ARN("ecs", "cluster/"+s.Name())}}}
	}}
	ScalingCreate = &Target{Sid: "ScalingCreate", Resources: scalableTargets, Condition: Scope.TaggingNew}
	ScalingStack  = &Target{Sid: "ScalingStack", Resources: scalableTargets, Condition: Scope.StackTagged}

	StackLoadBalancer = named("LoadBalancer", func(s Scope) []string {
		return []string{s.ARN("elasticloadbalancing", "loadbalancer/app/"+s.Name()+"/*"),
			s.ARN("elasticloadbalancing", "listener/app/"+s.Name()+"/*"),
			s.ARN("elasticloadbalancing", "listener-rule/app/"+s.Name()+"/*")}
	})
	TargetGroupCreate = &Target{Sid: "TargetGroupCreate", Resources: targetGroups, Condition: Scope.TaggingNew}
	TargetGroupStack  = &Target{Sid: "TargetGroupStack", Resources: targetGroups, Condition: Scope.StackTagged}
	StackTrustStores  = named("TrustStores", func(s Scope) []string {
		return []string{s.ARN("elasticloadbalancing", "truststore/"+s.Name()+"*/*")}
	})
	CertificateCreate = &Target{Sid: "CertificateCreate", Resources: certificates, Condition: Scope.TaggingNew}
	CertificateStack  = &Target{Sid: "CertificateStack", Resources: certificates, Condition: Scope.StackTagged}

	StackBuckets = named("Buckets", func(s Scope) []string { return []string{"arn:aws:s3:::" + s.Name() + "-*"} })
	StackObjects = named("BucketObjects", func(s Scope) []string { return []string{"arn:aws:s3:::" + s.Name() + "-*/*"} })

	StackDatabases = named("Rds", func(s Scope) []string {
		n := s.Name()
		return []string{s.ARN("rds", "db:"+n+"-*"), s.ARN("rds", "subgrp:"+n+"-*"), s.ARN("rds", "pg:"+n+"-*"),
			s.ARN("rds", "snapshot:"+n+"-*")}
	})
	// RdsDefaults are the default groups AWS owns that an instance uses implicitly (its option group).
	RdsDefaults = named("RdsDefaults", func(s Scope) []string {
		return []string{s.ARN("rds", "og:default:*"), s.ARN("rds", "pg:default.*")}
	})
	StackCaches = named("ElastiCache", func(s Scope) []string {
		n := s.Name()
		return []string{s.ARN("elasticache", "replicationgroup:"+n+"-*"), s.ARN("elasticache", "cluster:"+n+"-*"),
			s.ARN("elasticache", "subnetgroup:"+n+"-*"), s.ARN("elasticache", "parametergroup:"+n+"-*"),
			s.ARN("elasticache", "snapshot:"+n+"-*")}
	})
	StackSecrets = named("Secrets", func(s Scope) []string {
		return []string{s.ARN("secretsmanager", "secret:"+s.Name()+"/*")}
	})
	// RdsManagedSecret is the master password secret RDS creates with the caller's rights ("rds!db-...").
	RdsManagedSecret = named("RdsManagedSecret", func(s Scope) []string {
		return []string{s.ARN("secretsmanager", "secret:rds!*")}
	})
	StackParameters = named("Parameters", func(s Scope) []string {
		return []string{s.ARN("ssm", "parameter"+s.Path()+"/*")}
	})
	StackLogGroups = named("LogGroups", func(s Scope) []string {
		return []string{s.ARN("logs", "log-group:"+s.Path()+"/*"), s.ARN("logs", "log-group:/aws/rds/instance/"+s.Name()+"-*")}
	})
	StackTopics = named("Topics", func(s Scope) []string {
		return []string{s.ARN("sns", s.Name()+"-*")}
	})
	StackAlarms = named("Alarms", func(s Scope) []string {
		return []string{s.ARN("cloudwatch", "alarm:"+s.Name()+"-*")}
	})
	// Dashboards have global ARNs, but the API is regional: pinned like the rest.
	StackDashboards = &Target{Sid: "Dashboards", Resources: func(s Scope) []string {
		return []string{"arn:aws:cloudwatch::" + s.Account + ":dashboard/" + s.Name() + "*"}
	}}
	StackTrails = named("Trail", func(s Scope) []string {
		return []string{s.ARN("cloudtrail", "trail/"+s.Name()+"*")}
	})
	// Detectors: a GuardDuty detector is the account's, one per region; its id is generated.
	Detectors = named("Detector", func(s Scope) []string {
		return []string{s.ARN("guardduty", "detector/*")}
	})
	StackSchedules = named("Schedules", func(s Scope) []string {
		return []string{s.ARN("scheduler", "schedule/default/"+s.Name()+"-*")}
	})
)

// Administrator is who runs the bootstrap program: its own resources (the OIDC provider, the deploy
// policies and their attachments, the pipeline) are listed so the table covers every type the project
// creates, but no deploy role is written from them (BootstrapTypes).
var Administrator = &Target{Sid: "BootstrapAdministrator", Global: true, Resources: func(Scope) []string { return []string{"*"} }}

func named(sid string, resources func(Scope) []string) *Target {
	return &Target{Sid: sid, Resources: resources}
}

func ec2All(s Scope) []string { return []string{s.ARN("ec2", "*")} }

// efsAll are the stack account's file systems and access points in its region (their ids are generated).
func efsAll(s Scope) []string {
	return []string{s.ARN("elasticfilesystem", "file-system/*"), s.ARN("elasticfilesystem", "access-point/*")}
}

func stackRoles(s Scope) []string { return []string{s.IAM("role/" + s.Name() + "-*")} }

func scalableTargets(s Scope) []string {
	return []string{s.ARN("application-autoscaling", "scalable-target/*")}
}

func targetGroups(s Scope) []string {
	return []string{s.ARN("elasticloadbalancing", "targetgroup/*")}
}

func certificates(s Scope) []string { return []string{s.ARN("acm", "certificate/*")} }
