package service

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/container"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// ExecActions are the Session Manager channels an ECS Exec session opens from inside the task. They
// support no resource-level permissions.
var ExecActions = []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}

// taskTrust lets only ECS tasks of this account and region assume a role.
func taskTrust(account, region string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: &iampolicy.Principal{Service: []string{"ecs-tasks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:aws:ecs:%s:%s:*", region, account)}},
		},
	})
}

// logStreams is what awslogs and the ECS Exec agent write to: the group and its streams.
func logStreams(groupArns ...string) []string {
	var out []string
	for _, g := range groupArns {
		out = append(out, g, g+":*")
	}
	return out
}

// executionDocument is what ECS itself needs to start the tasks: pull from the stack's repositories,
// write to the stack's container log groups, and read (and decrypt) exactly the secrets the containers
// reference.
func executionDocument(region string, repositories []string, keyArn string, logGroupArns []string,
	ssmArns, secretArns []string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("PullStackImages",
			[]string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
			repositories...),
		iampolicy.Allow("GetRegistryToken", []string{"ecr:GetAuthorizationToken"}, "*"),
		iampolicy.Allow("WriteContainerLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			logStreams(logGroupArns...)...),
	}
	var via []string
	if len(ssmArns) > 0 {
		statements = append(statements, iampolicy.Allow("ReadParameters", []string{"ssm:GetParameters"}, ssmArns...))
		via = append(via, "ssm."+region+".amazonaws.com")
	}
	if len(secretArns) > 0 {
		statements = append(statements, iampolicy.Allow("ReadSecrets", []string{"secretsmanager:GetSecretValue"}, secretArns...))
		via = append(via, "secretsmanager."+region+".amazonaws.com")
	}
	if len(via) > 0 {
		// The key decrypts only through the two stores, never a direct kms:Decrypt call.
		decrypt := iampolicy.Allow("DecryptSecrets", []string{"kms:Decrypt"}, keyArn)
		decrypt.Condition = iampolicy.Condition{"StringEquals": {"kms:ViaService": via}}
		statements = append(statements, decrypt)
	}
	return iampolicy.New(statements...)
}

// taskDocument is what the app's own processes may do: open ECS Exec sessions (encrypted with the stack
// key, logged to the exec group) and, when declared, use one bucket's objects.
func taskDocument(keyArn, execGroupArn, bucketArn string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("EcsExecChannels", ExecActions, "*"),
		iampolicy.Allow("EcsExecSessionKey", []string{"kms:Decrypt"}, keyArn),
		// The agent looks the exec log group up (to check its encryption) before it logs a session.
		iampolicy.Allow("EcsExecFindLogGroup", []string{"logs:DescribeLogGroups"}, "*"),
		iampolicy.Allow("EcsExecSessionLogs",
			[]string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			logStreams(execGroupArn)...),
	}
	if bucketArn != "" {
		statements = append(statements,
			iampolicy.Allow("AppBucketObjects", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, bucketArn+"/*"),
			iampolicy.Allow("AppBucketList", []string{"s3:ListBucket"}, bucketArn))
	}
	return iampolicy.New(statements...)
}

// roles creates the execution role and one task role per task.
type roles struct {
	execution       *iam.Role
	executionPolicy *iam.RolePolicy
	task            map[string]*iam.Role
	taskPolicies    []pulumi.Resource
}

func newRoles(ctx *pulumi.Context, name string, a Args, account, region string,
	logGroupArns map[string]pulumi.StringOutput, parent pulumi.ResourceOption) (*roles, error) {
	trust := pulumi.String(taskTrust(account, region).JSON())
	r := &roles{task: map[string]*iam.Role{}}

	// The execution role: ECS's own credentials to start the tasks, never the app's.
	exec, err := iam.NewRole(ctx, name+"-execution", &iam.RoleArgs{
		PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
		AssumeRolePolicy:    trust,
		Description:         pulumi.String("ECS task execution for " + name + ": image pulls, container logs, secrets"),
	}, parent)
	if err != nil {
		return nil, err
	}
	r.execution = exec

	// Which secrets come from which store is known now; their ARNs only once they exist.
	inputs := []any{a.RepositoryArns, a.KmsKeyArn,
		logGroupArns[taskWeb], logGroupArns[taskWorker], logGroupArns[taskMigrate]}
	for _, s := range a.Secrets {
		inputs = append(inputs, s.ReadArn)
	}
	r.executionPolicy, err = iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role: exec.Name,
		Policy: iampolicy.Build(func(v []any) iampolicy.Document {
			var ssmArns, secretArns []string
			for i, s := range a.Secrets {
				arn := v[5+i].(string)
				if s.Kind == container.SSMParameter && !slices.Contains(ssmArns, arn) {
					ssmArns = append(ssmArns, arn)
				}
				if s.Kind == container.SecretManager && !slices.Contains(secretArns, arn) {
					secretArns = append(secretArns, arn)
				}
			}
			return executionDocument(region, iampolicy.Strings(v[0]), v[1].(string),
				[]string{v[2].(string), v[3].(string), v[4].(string)}, ssmArns, secretArns)
		}, inputs...),
	}, parent)
	if err != nil {
		return nil, err
	}

	// One task role per task, so CloudTrail tells web, worker and migration calls apart.
	for _, task := range []string{taskWeb, taskWorker, taskMigrate} {
		role, err := iam.NewRole(ctx, name+"-"+task+"-task", &iam.RoleArgs{
			PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
			AssumeRolePolicy:    trust,
			Description:         pulumi.String("App processes of the " + name + " " + task + " task"),
		}, parent)
		if err != nil {
			return nil, err
		}
		policy, err := iam.NewRolePolicy(ctx, name+"-"+task+"-task", &iam.RolePolicyArgs{
			Role: role.Name,
			Policy: iampolicy.Build(func(v []any) iampolicy.Document {
				return taskDocument(v[0].(string), v[1].(string), a.AppBucketArn)
			}, a.KmsKeyArn, logGroupArns["exec"]),
		}, parent)
		if err != nil {
			return nil, err
		}
		r.task[task] = role
		r.taskPolicies = append(r.taskPolicies, policy)
	}
	return r, nil
}
