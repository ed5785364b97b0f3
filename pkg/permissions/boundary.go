package permissions

import "github.com/fargate-platform/fargate-platform/pkg/iampolicy"

// BoundaryName is the managed policy the bootstrap creates for a stack and every role of the stack carries
// as its permissions boundary: "<project>-<stack>-boundary".
func BoundaryName(project, stack string) string { return project + "-" + stack + "-boundary" }

// BoundaryArn is that policy's ARN in an account.
func BoundaryArn(account, project, stack string) string {
	return "arn:aws:iam::" + account + ":policy/" + BoundaryName(project, stack)
}

// Boundary is the most any role of the stack may ever do, whatever policy the deploy role puts on it: run
// the stack's containers (pull its images, write its logs, read its parameters and secrets), open ECS Exec
// channels, deliver its flow logs, trail events and RDS metrics, redeploy its services, use the app
// bucket, and mount its EFS volumes when it has any. A role with an administrator policy and this boundary can still reach nothing outside the stack:
// no IAM, no other stack's secrets or keys, no state (IAM: "Permissions boundaries for IAM entities",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). A test proves every
// role policy the program plans fits inside it.
func Boundary(s Scope) iampolicy.Document {
	n, path := s.Name(), s.Path()
	logs := func(groups ...string) []string {
		var out []string
		for _, g := range groups {
			out = append(out, s.ARN("logs", "log-group:"+g), s.ARN("logs", "log-group:"+g+":*"))
		}
		return out
	}
	statements := []iampolicy.Statement{
		iampolicy.Allow("PullStackImages", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
			"ecr:GetDownloadUrlForLayer"}, s.ARN("ecr", "repository/"+n+"/*"),
			// GuardDuty's runtime agent, pulled from GuardDuty's account in the region.
			"arn:aws:ecr:"+s.Region+":*:repository/aws-guardduty-agent-fargate"),
		iampolicy.Allow("Unscoped", []string{"ecr:GetAuthorizationToken", "logs:DescribeLogGroups",
			"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
			"ssmmessages:OpenDataChannel"}, "*"),
		iampolicy.Allow("WriteStackLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			logs(path+"/*")...),
		// RDS enhanced monitoring writes to the account's RDSOSMetrics group (AmazonRDSEnhancedMonitoringRole).
		iampolicy.Allow("RdsMetrics", []string{"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogStreams",
			"logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"}, logs("RDSOSMetrics")...),
		iampolicy.Allow("ReadStackParameters", []string{"ssm:GetParameters"}, s.ARN("ssm", "parameter"+path+"/*")),
		iampolicy.Allow("ReadStackSecrets", []string{"secretsmanager:GetSecretValue"}, s.ARN("secretsmanager", "secret:"+n+"/*")),
		// RDS names its managed secret rds!db-<uuid> and tags it with the instance: only the stack's.
		{Sid: "ReadStackDatabaseSecret", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"},
			Resource: []string{s.ARN("secretsmanager", "secret:rds!*")},
			Condition: iampolicy.Condition{"StringLike": {
				"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": {s.ARN("rds", "db:"+n+"-*")}}}},
		{Sid: "DecryptWithStackKeys", Effect: "Allow", Action: []string{"kms:Decrypt"},
			Resource: []string{s.ARN("kms", "key/*")}, Condition: s.StackTagged()},
		iampolicy.Allow("RedeployStackServices", []string{"ecs:UpdateService"}, s.ARN("ecs", "service/"+n+"/*")),
	}
	if s.AppBucketArn != "" {
		statements = append(statements,
			iampolicy.Allow("AppBucketObjects", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, s.AppBucketArn+"/*"),
			iampolicy.Allow("AppBucketList", []string{"s3:ListBucket"}, s.AppBucketArn))
	}
	if s.Volumes {
		// EFS evaluates no tag for NFS clients (only aws:SecureTransport, elasticfilesystem:AccessPointArn and
		// elasticfilesystem:AccessedViaMountTarget: https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html),
		// so the ceiling is the account's file systems in the stack's region, through a mount target. Each
		// file system's policy admits only its own access point and refuses root; each task role names its
		// volume's file system and access point (pkg/volumes ClientStatement).
		statements = append(statements, iampolicy.Statement{Sid: "MountStackVolumes", Effect: "Allow",
			Action:    []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
			Resource:  []string{s.ARN("elasticfilesystem", "file-system/*")},
			Condition: iampolicy.Condition{"Bool": {"elasticfilesystem:AccessedViaMountTarget": {"true"}}}})
	}
	if s.ScheduledTasks {
		// A scheduled service's Scheduler role (pkg/service RunTaskDocument) runs its task family on the
		// stack's cluster and passes the task's execution and task roles to ECS tasks: both held to the stack.
		run := iampolicy.Allow("RunStackTasks", []string{"ecs:RunTask"}, s.ARN("ecs", "task-definition/"+n+"-*:*"))
		run.Condition = iampolicy.Condition{"ArnEquals": {"ecs:cluster": {s.ARN("ecs", "cluster/"+n)}}}
		pass := iampolicy.Allow("PassStackTaskRoles", []string{"iam:PassRole"}, s.IAM("role/"+n+"-*"))
		pass.Condition = iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}
		statements = append(statements, run, pass)
	}
	return iampolicy.New(statements...)
}
