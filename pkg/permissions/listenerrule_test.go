package permissions

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/edge"
	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// TestListenerRuleCallsAreTheProvidersOnTheRightArnsAndAllowed plans an edge with one route and holds the
// listener rule's row to terraform-provider-aws listener_rule.go and the Service Authorization Reference:
// CreateRule on the listener, the rule's own calls on listener-rule/app/<stack>/..., the reads on "*"; and
// the stack's deploy policy allows every one of them.
func TestListenerRuleCallsAreTheProvidersOnTheRightArnsAndAllowed(t *testing.T) {
	s := Scope{Account: plan.Account, Region: "ap-southeast-2", Project: "fargate-platform", Stack: "test",
		BoundaryArn: BoundaryArn(plan.Account, "fargate-platform", "test")}
	rec := plan.NewRecorder("fargate-platform", "test", s.Region)
	args := edge.Args{
		VpcId: pulumi.String("vpc-0abc"), PublicSubnetIds: pulumi.StringArray{pulumi.String("subnet-0a"), pulumi.String("subnet-0b")},
		ServiceSecurityGroupId: pulumi.String("sg-0service"), Domain: "app.example.com", ZoneId: "0123456789abcdef0123456789abcdef",
		Routes: []edge.Route{{Name: "cable", Port: 28080, Paths: []string{"/cable"}, Priority: 10}},
	}
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := edge.New(ctx, s.Name(), &args)
		return err
	}, rec.RunOptions(nil, nil)...))
	rules := rec.ByType("aws:lb/listenerRule:ListenerRule")
	require.Len(t, rules, 1)
	rule := rules[0]
	listener := rule.Str("listenerArn")
	require.Regexp(t, `^arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/fargate-platform-test/`, listener)
	own := rule.Outputs["arn"].(string)
	require.Regexp(t, `^arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener-rule/app/fargate-platform-test/`, own)

	reqs, err := Requests(Planned{Resource: rule, Scope: s, Plan: rec}, nil)
	require.NoError(t, err)
	got := map[string][]string{}
	for _, q := range reqs {
		got[string(q.Op)+" "+q.Action] = append(got[string(q.Op)+" "+q.Action], q.Resource)
	}
	assert.Equal(t, map[string][]string{
		string(Create) + " elasticloadbalancing:CreateRule":        {listener},
		string(Create) + " elasticloadbalancing:AddTags":           {own},
		string(Read) + " elasticloadbalancing:DescribeRules":       {"*"},
		string(Read) + " elasticloadbalancing:DescribeTags":        {"*"},
		string(Update) + " elasticloadbalancing:SetRulePriorities": {own},
		string(Update) + " elasticloadbalancing:ModifyRule":        {own},
		string(Update) + " elasticloadbalancing:AddTags":           {own},
		string(Update) + " elasticloadbalancing:RemoveTags":        {own},
		string(Delete) + " elasticloadbalancing:DeleteRule":        {own},
	}, got)

	deploy, err := Deploy(s, []string{"aws:lb/listenerRule:ListenerRule"})
	require.NoError(t, err)
	policies := iameval.Policies{Identity: []iameval.Named{{Name: "deploy", Doc: iampolicy.Document{Version: "2012-10-17", Statement: deploy}}}}
	for _, q := range reqs {
		d := iameval.Evaluate(policies, iameval.Request{Principal: s.IAM("role/deploy"), Action: q.Action, Resource: q.Resource, Context: q.Context})
		assert.True(t, d.Allowed, "%s %s on %s: %s", q.Op, q.Action, q.Resource, d)
	}
	// Another stack's rule is out of reach.
	other := iameval.Request{Principal: s.IAM("role/deploy"), Action: "elasticloadbalancing:DeleteRule",
		Resource: "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener-rule/app/fargate-platform-prod/1/2/3",
		Context:  map[string][]string{"aws:RequestedRegion": {"ap-southeast-2"}}}
	assert.False(t, iameval.Evaluate(policies, other).Allowed)
}
