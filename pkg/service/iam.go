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

// roles are the execution roles and one task role per service.
type roles struct {
	// execution is the stack's shared execution role, for the services that receive every secret (nil
	// when none does); own are the execution roles of services that receive fewer, by service.
	execution         *iam.Role
	own               map[string]*iam.Role
	executionPolicies []pulumi.Resource
	task              map[string]*iam.Role
	taskPolicies      []pulumi.Resource
}

// executionFor is the execution role a service's task definition names.
func (r *roles) executionFor(s Spec) *iam.Role {
	if role, ok := r.own[s.Name]; ok {
		return role
	}
	return r.execution
}

func newRoles(ctx *pulumi.Context, name string, a Args, account, region string,
	logGroupArns map[string]pulumi.StringOutput, parent pulumi.ResourceOption) (*roles, error) {
	trust := pulumi.String(taskTrust(account, region).JSON())
	r := &roles{task: map[string]*iam.Role{}, own: map[string]*iam.Role{}}

	// An execution role: ECS's own credentials to start the tasks, never the app's. It writes to the log
	// groups of the services that use it and reads exactly their secrets.
	execution := func(logical, description string, users []Spec) (*iam.Role, error) {
		role, err := iam.NewRole(ctx, logical, &iam.RoleArgs{
			PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
			AssumeRolePolicy:    trust,
			Description:         pulumi.String(description),
		}, parent)
		if err != nil {
			return nil, err
		}
		// Which secrets come from which store is known now; their ARNs only once they exist.
		inputs := []any{a.RepositoryArns, a.KmsKeyArn}
		for _, u := range users {
			inputs = append(inputs, logGroupArns[u.Name])
		}
		var read []container.Secret
		for _, sec := range a.Secrets {
			if slices.ContainsFunc(users, func(u Spec) bool { return u.receives(sec.Name) }) {
				read = append(read, sec)
				inputs = append(inputs, sec.ReadArn)
			}
		}
		policy, err := iam.NewRolePolicy(ctx, logical, &iam.RolePolicyArgs{
			Role: role.Name,
			Policy: iampolicy.Build(func(v []any) iampolicy.Document {
				var groups, ssmArns, secretArns []string
				for i := range users {
					groups = append(groups, v[2+i].(string))
				}
				for i, sec := range read {
					arn := v[2+len(users)+i].(string)
					if sec.Kind == container.SSMParameter && !slices.Contains(ssmArns, arn) {
						ssmArns = append(ssmArns, arn)
					}
					if sec.Kind == container.SecretManager && !slices.Contains(secretArns, arn) {
						secretArns = append(secretArns, arn)
					}
				}
				return executionDocument(region, iampolicy.Strings(v[0]), v[1].(string), groups, ssmArns, secretArns)
			}, inputs...),
		}, parent)
		if err != nil {
			return nil, err
		}
		r.executionPolicies = append(r.executionPolicies, policy)
		return role, nil
	}
	var shared []Spec
	for _, s := range a.specs {
		if s.AllSecrets {
			shared = append(shared, s)
		}
	}
	if len(shared) > 0 {
		role, err := execution(name+"-execution", "ECS task execution for "+name+": image pulls, container logs, secrets", shared)
		if err != nil {
			return nil, err
		}
		r.execution = role
	}
	for _, s := range a.specs {
		if s.AllSecrets {
			continue
		}
		role, err := execution(name+"-"+s.Name+"-execution",
			"ECS task execution for "+name+" "+s.Name+": image pulls, its logs, its secrets", []Spec{s})
		if err != nil {
			return nil, err
		}
		r.own[s.Name] = role
	}

	// One task role per service, so CloudTrail tells the services' calls apart and each holds only its own
	// mounts.
	for _, s := range a.specs {
		role, err := iam.NewRole(ctx, name+"-"+s.Name+"-task", &iam.RoleArgs{
			PermissionsBoundary: iampolicy.Boundary(a.PermissionsBoundaryArn),
			AssumeRolePolicy:    trust,
			Description:         pulumi.String("App processes of the " + name + " " + s.Name + " task"),
		}, parent)
		if err != nil {
			return nil, err
		}
		inputs := []any{a.KmsKeyArn, logGroupArns["exec"]}
		for _, m := range s.Mounts {
			inputs = append(inputs, m.FileSystemArn, m.AccessPointArn)
		}
		mounts := s.Mounts
		policy, err := iam.NewRolePolicy(ctx, name+"-"+s.Name+"-task", &iam.RolePolicyArgs{
			Role: role.Name,
			Policy: iampolicy.Build(func(v []any) iampolicy.Document {
				doc := taskDocument(v[0].(string), v[1].(string), a.AppBucketArn)
				for i, m := range mounts {
					doc.Statement = append(doc.Statement, m.Statement(v[2+2*i].(string), v[3+2*i].(string), m.ReadOnly))
				}
				return doc
			}, inputs...),
		}, parent)
		if err != nil {
			return nil, err
		}
		r.task[s.Name] = role
		r.taskPolicies = append(r.taskPolicies, policy)
	}
	return r, nil
}
