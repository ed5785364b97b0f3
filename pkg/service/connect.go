package service

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Internal services are reached through ECS Service Connect: every service that calls one, and the
// internal service itself, joins the stack's Cloud Map namespace; ECS puts a proxy in each task, and a
// caller reaches http://<name>:<port> without DNS records or a load balancer. Service Connect needs an
// HTTP (API-only) namespace at least, which costs nothing for the names it holds
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html).
//
// Reaching it is a network decision too: the internal service's own group admits its port only from a
// "callers" group, which only the services that declare the call wear, and whose one egress rule goes to
// it. The stack's shared task group has no ingress at all (pkg/network), so nothing else gets in.

// connect is what the internal services add to the tier.
type connect struct {
	namespace *servicediscovery.HttpNamespace
	// groups are each internal service's own group; callers the groups of those that call it.
	groups, callers map[string]*ec2.SecurityGroup
	// members are the services that take part: the internal ones and their callers.
	members map[string]bool
	// ready are the rules a service waits for, so that its first tasks can reach what they call.
	ready  []pulumi.Resource
	a      Args
	region string
}

func newConnect(ctx *pulumi.Context, name string, a Args, region string, parent pulumi.ResourceOption) (*connect, error) {
	c := &connect{groups: map[string]*ec2.SecurityGroup{}, callers: map[string]*ec2.SecurityGroup{},
		members: map[string]bool{}, a: a, region: region}
	var internal []Spec
	for _, s := range a.specs {
		if s.Role == RoleInternal {
			internal = append(internal, s)
			c.members[s.Name] = true
		}
		for _, callee := range s.Calls {
			c.members[s.Name], c.members[callee] = true, true
		}
	}
	if len(internal) == 0 {
		return c, nil
	}
	ns, err := servicediscovery.NewHttpNamespace(ctx, name, &servicediscovery.HttpNamespaceArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String("Service Connect names of " + name + "'s internal services"),
	}, parent)
	if err != nil {
		return nil, err
	}
	c.namespace = ns
	for _, s := range internal {
		id := name + "-" + s.Name
		sg, err := ec2.NewSecurityGroup(ctx, id, &ec2.SecurityGroupArgs{
			VpcId:       a.VpcId,
			Description: pulumi.Sprintf("Internal service %s: port %d from its callers only", s.Name, s.Port),
			Tags:        pulumi.StringMap{"Name": pulumi.String(id)},
		}, parent)
		if err != nil {
			return nil, err
		}
		callers, err := ec2.NewSecurityGroup(ctx, id+"-callers", &ec2.SecurityGroupArgs{
			VpcId:       a.VpcId,
			Description: pulumi.Sprintf("Tasks that call internal service %s", s.Name),
			Tags:        pulumi.StringMap{"Name": pulumi.String(id + "-callers")},
		}, parent)
		if err != nil {
			return nil, err
		}
		in, err := vpc.NewSecurityGroupIngressRule(ctx, id+"-from-callers", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           sg.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(s.Port),
			ToPort:                    pulumi.Int(s.Port),
			ReferencedSecurityGroupId: callers.ID(),
			Description:               pulumi.Sprintf("%s's callers", s.Name),
		}, parent)
		if err != nil {
			return nil, err
		}
		out, err := vpc.NewSecurityGroupEgressRule(ctx, id+"-to-service", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           callers.ID(),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(s.Port),
			ToPort:                    pulumi.Int(s.Port),
			ReferencedSecurityGroupId: sg.ID(),
			Description:               pulumi.Sprintf("To internal service %s", s.Name),
		}, parent)
		if err != nil {
			return nil, err
		}
		c.groups[s.Name], c.callers[s.Name] = sg, callers
		c.ready = append(c.ready, in, out)
	}
	return c, nil
}

// configuration is a service's Service Connect setting: an internal service publishes its port under its
// name, a caller joins as a client; any other service has none. The proxy logs to the service's group.
func (c *connect) configuration(s Spec) ecs.ServiceServiceConnectConfigurationPtrInput {
	if c.namespace == nil || !c.members[s.Name] {
		return nil
	}
	cfg := ecs.ServiceServiceConnectConfigurationArgs{
		Enabled:   pulumi.Bool(true),
		Namespace: c.namespace.Arn,
		LogConfiguration: ecs.ServiceServiceConnectConfigurationLogConfigurationArgs{
			LogDriver: pulumi.String("awslogs"),
			Options: pulumi.StringMap{
				"awslogs-group":         pulumi.String(logGroupName(c.a.LogGroupPrefix, s.Name)),
				"awslogs-region":        pulumi.String(c.region),
				"awslogs-stream-prefix": pulumi.String(s.Name + "-connect"),
			},
		},
	}
	if s.Role == RoleInternal {
		cfg.Services = ecs.ServiceServiceConnectConfigurationServiceArray{ecs.ServiceServiceConnectConfigurationServiceArgs{
			PortName:      pulumi.String(s.Name),
			DiscoveryName: pulumi.String(s.Name),
			ClientAlias: ecs.ServiceServiceConnectConfigurationServiceClientAliasArray{
				ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs{Port: pulumi.Int(s.Port), DnsName: pulumi.String(s.Name)},
			},
		}}
	}
	return cfg
}

// securityGroupsOf are the groups a service's tasks wear: the stack's, its own as an internal service,
// its callers' group for each internal service it calls, and the client group of each volume it mounts.
func securityGroupsOf(s Spec, a Args, c *connect) pulumi.StringArray {
	out := pulumi.StringArray{a.SecurityGroupId}
	if sg, ok := c.groups[s.Name]; ok {
		out = append(out, sg.ID())
	}
	for _, callee := range s.Calls {
		out = append(out, c.callers[callee].ID())
	}
	for _, m := range s.Mounts {
		out = append(out, m.ClientSecurityGroupId)
	}
	return out
}
