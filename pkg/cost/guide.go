package cost

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// GuideProgram is the migration guide's design taken literally, as the resources that carry its cost
// (issue 16): three AZs with a public subnet and a NAT gateway (and its address) each, RDS db.t3.micro on
// 20 GB of gp2 in a single AZ, ElastiCache cache.t3.micro Redis (one node), two x86 tasks of 0.5 vCPU and
// 1 GB on on-demand Fargate around the clock, one internet-facing ALB across the three public subnets,
// one ECR repository, one parameter, one secret, and the tasks' one log group (the guide logs to
// CloudWatch; its volume is Assumptions.LogGB). What costs nothing (route tables, security groups, roles)
// is left out: it would change no figure.
func GuideProgram(ctx *pulumi.Context) error {
	vpc, err := ec2.NewVpc(ctx, "guide", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
	if err != nil {
		return err
	}
	var public pulumi.StringArray
	for i := 0; i < 3; i++ {
		subnet, err := ec2.NewSubnet(ctx, fmt.Sprintf("guide-public-%d", i), &ec2.SubnetArgs{VpcId: vpc.ID(),
			CidrBlock: pulumi.Sprintf("10.0.%d.0/24", i)})
		if err != nil {
			return err
		}
		public = append(public, subnet.ID())
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("guide-nat-%d", i), &ec2.EipArgs{Domain: pulumi.String("vpc")})
		if err != nil {
			return err
		}
		if _, err := ec2.NewNatGateway(ctx, fmt.Sprintf("guide-%d", i), &ec2.NatGatewayArgs{AllocationId: eip.AllocationId,
			SubnetId: subnet.ID()}); err != nil {
			return err
		}
	}
	if _, err := lb.NewLoadBalancer(ctx, "guide", &lb.LoadBalancerArgs{LoadBalancerType: pulumi.String("application"),
		Subnets: public}); err != nil {
		return err
	}
	if _, err := rds.NewInstance(ctx, "guide", &rds.InstanceArgs{Engine: pulumi.String("postgres"),
		InstanceClass: pulumi.String("db.t3.micro"), AllocatedStorage: pulumi.Int(20), StorageType: pulumi.String("gp2"),
		MultiAz: pulumi.Bool(false)}); err != nil {
		return err
	}
	if _, err := elasticache.NewCluster(ctx, "guide", &elasticache.ClusterArgs{Engine: pulumi.String("redis"),
		NodeType: pulumi.String("cache.t3.micro"), NumCacheNodes: pulumi.Int(1)}); err != nil {
		return err
	}
	cluster, err := ecs.NewCluster(ctx, "guide", &ecs.ClusterArgs{})
	if err != nil {
		return err
	}
	td, err := ecs.NewTaskDefinition(ctx, "guide", &ecs.TaskDefinitionArgs{Family: pulumi.String("guide"),
		Cpu: pulumi.String("512"), Memory: pulumi.String("1024"), RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ContainerDefinitions: pulumi.String("[]")})
	if err != nil {
		return err
	}
	if _, err := ecs.NewService(ctx, "guide", &ecs.ServiceArgs{Cluster: cluster.Arn, TaskDefinition: td.Arn,
		DesiredCount: pulumi.Int(2), LaunchType: pulumi.String("FARGATE")}); err != nil {
		return err
	}
	if _, err := ecr.NewRepository(ctx, "guide", &ecr.RepositoryArgs{}); err != nil {
		return err
	}
	if _, err := ssm.NewParameter(ctx, "guide", &ssm.ParameterArgs{Type: pulumi.String("SecureString"),
		Value: pulumi.String("x")}); err != nil {
		return err
	}
	if _, err := secretsmanager.NewSecret(ctx, "guide", &secretsmanager.SecretArgs{}); err != nil {
		return err
	}
	_, err = cloudwatch.NewLogGroup(ctx, "guide", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(14)})
	return err
}

// GuidePlan records GuideProgram under the plan's mock, in a Region.
func GuidePlan(region string) (*plan.Recorder, error) {
	rec := plan.NewRecorder("guide", "guide", region)
	if err := pulumi.RunErr(GuideProgram, rec.RunOptions(nil, nil)...); err != nil {
		return nil, fmt.Errorf("cost: the guide's design: %w", err)
	}
	return rec, nil
}

// Guide is the guide's design priced in a Region.
func Guide(region string, a Assumptions) (Report, error) {
	rec, err := GuidePlan(region)
	if err != nil {
		return Report{}, err
	}
	return Estimate(rec, region, a), nil
}
