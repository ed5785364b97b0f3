package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

func named(name string, sts ...iampolicy.Statement) Named {
	return Named{Name: name, Doc: iampolicy.New(sts...)}
}

func withPrincipal(s iampolicy.Statement, p iampolicy.Principal) iampolicy.Statement {
	s.Principal = &p
	return s
}

func withCondition(s iampolicy.Statement, c iampolicy.Condition) iampolicy.Statement {
	s.Condition = c
	return s
}

func call(action, resource string) Request {
	return Request{Principal: deployRole, Action: action, Resource: resource}
}

type decisionCase struct {
	name          string
	give          Policies
	req           Request
	allowed       bool
	wantReason    string
	wantStatement string
}

func runDecisions(t *testing.T, tests []decisionCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.give, tt.req)
			assert.NoError(t, d.Err)
			assert.Equal(t, tt.allowed, d.Allowed, d.String())
			assert.Equal(t, tt.wantReason, d.Reason)
			assert.Equal(t, tt.wantStatement, d.Statement)
		})
	}
}

// TestStatementMatching: Action and NotAction, Resource and NotResource.
func TestStatementMatching(t *testing.T) {
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#AccessPolicyLanguage_Interplay
	getList := Policies{Identity: []Named{named("iam-read",
		iampolicy.Allow("AllowGetList", []string{"iam:Get*", "iam:List*"}, "*"),
		iampolicy.Deny("DenyReports", []string{"iam:*Report"}, "*"))}}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
	// ("Using wildcards in resource ARNs").
	objects := func(pattern string) Policies {
		return Policies{Identity: []Named{named("objects", iampolicy.Allow("Read", []string{"s3:GetObject"}, pattern))}}
	}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
	allButIAM := Policies{Identity: []Named{named("power-user",
		iampolicy.Statement{Sid: "AllButIAM", Effect: "Allow", NotAction: []string{"iam:*"}, Resource: []string{"*"}})}}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html
	regionLock := Policies{Identity: []Named{named("region-lock",
		iampolicy.Allow("All", []string{"*"}, "*"),
		withCondition(iampolicy.Statement{Sid: "DenyAllOutsideRequestedRegions", Effect: "Deny",
			NotAction: []string{"cloudfront:*", "iam:*", "route53:*", "support:*", "sts:*"}, Resource: []string{"*"}},
			iampolicy.Condition{"StringNotEquals": {"aws:RequestedRegion": {"eu-west-1"}}}))}}
	inRegion := func(action, region string) Request {
		r := call(action, "*")
		r.Context = ctx{"aws:RequestedRegion": {region}}
		return r
	}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
	onlyBucket := Policies{Identity: []Named{named("one-bucket",
		iampolicy.Allow("All", []string{"s3:*"}, "*"),
		iampolicy.Statement{Sid: "DenyOtherBuckets", Effect: "Deny", Action: []string{"s3:*"},
			NotResource: []string{"arn:aws:s3:::state", "arn:aws:s3:::state/*"}})}}
	demo := objects("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")

	runDecisions(t, []decisionCase{
		{"explicit and implicit denies: iam:Get* allows GetUser", getList, call("iam:GetUser", "*"), true, "allowed", "iam-read/AllowGetList"},
		{"explicit and implicit denies: CreatePolicy is implicitly denied", getList, call("iam:CreatePolicy", "*"), false, "no statement allows", "identity policies (iam-read) and resource policy (none)"},
		{"explicit and implicit denies: iam:*Report explicitly denies GetOrganizationsAccessReport", getList, call("iam:GetOrganizationsAccessReport", "*"), false, "explicit deny", "iam-read/DenyReports"},
		{"Action element: the prefix and the action name are case-insensitive", getList, call("IAM:getuser", "*"), true, "allowed", "iam-read/AllowGetList"},

		{"Resource wildcards: ? matches one character", objects("arn:aws:s3:::logs-?/*"), call("s3:GetObject", "arn:aws:s3:::logs-a/x"), true, "allowed", "objects/Read"},
		{"Resource wildcards: ? matches no more than one", objects("arn:aws:s3:::logs-?/*"), call("s3:GetObject", "arn:aws:s3:::logs-ab/x"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource element: ARNs are case-sensitive", objects("arn:aws:s3:::State/*"), call("s3:GetObject", "arn:aws:s3:::state/x"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource wildcards example: */test/* matches 1///test///object.jpg", demo, call("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/1///test///object.jpg"), true, "allowed", "objects/Read"},
		{"Resource wildcards example: */test/* matches /test/object.jpg after an empty segment", demo, call("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg"), true, "allowed", "objects/Read"},
		{"Resource wildcards example: */test/* does not match 1-test/object.jpg", demo, call("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource wildcards example: */test/* does not match 1/2/test.jpg", demo, call("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test.jpg"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource wildcards: a * ending a segment expands beyond the colon", objects("arn:aws:dynamodb:*:table/prod-*"), call("s3:GetObject", "arn:aws:dynamodb:eu-west-1:111122223333:table/prod-x"), true, "allowed", "objects/Read"},
		{"Resource wildcards: a * inside a segment does not cross a colon", objects("arn:aws:dynamodb:eu-*1:111122223333:table/x"), call("s3:GetObject", "arn:aws:dynamodb:eu-west:1:111122223333:table/x"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource wildcards: a ? inside a segment does not match a colon", objects("arn:aws:sns:eu-?:111122223333:alarms"), call("s3:GetObject", "arn:aws:sns:eu-::111122223333:alarms"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},
		{"Resource element: a log group's :* covers its streams", objects("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web:*"), call("s3:GetObject", "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web:log-stream:a"), true, "allowed", "objects/Read"},
		{"Resource element: an action on * needs Resource *", objects("arn:aws:ecr:*:111122223333:repository/*"), call("s3:GetObject", "*"), false, "no statement allows", "identity policies (objects) and resource policy (none)"},

		{"NotAction with Allow: every service but IAM", allButIAM, call("s3:GetObject", "arn:aws:s3:::state/x"), true, "allowed", "power-user/AllButIAM"},
		{"NotAction with Allow: IAM is not allowed, not denied", allButIAM, call("iam:CreateRole", "*"), false, "no statement allows", "identity policies (power-user) and resource policy (none)"},
		{"NotAction with Deny: EC2 outside the requested regions is denied", regionLock, inRegion("ec2:RunInstances", "us-east-1"), false, "explicit deny", "region-lock/DenyAllOutsideRequestedRegions"},
		{"NotAction with Deny: global IAM is exempt", regionLock, inRegion("iam:CreateRole", "us-east-1"), true, "allowed", "region-lock/All"},
		{"NotAction with Deny: EC2 in the allowed region passes", regionLock, inRegion("ec2:RunInstances", "eu-west-1"), true, "allowed", "region-lock/All"},
		{"NotResource with Deny: another bucket is denied", onlyBucket, call("s3:GetObject", "arn:aws:s3:::other/x"), false, "explicit deny", "one-bucket/DenyOtherBuckets"},
		{"NotResource with Deny: the listed bucket passes", onlyBucket, call("s3:GetObject", "arn:aws:s3:::state/x"), true, "allowed", "one-bucket/All"},
	})
}

// TestEvaluationLogic: deny, identity, boundary and resource policies within one account.
func TestEvaluationLogic(t *testing.T) {
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policies_evaluation_example
	carlos := named("carlossalazar",
		iampolicy.Allow("AllowS3Self", []string{"s3:*"}, "arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"),
		iampolicy.Deny("DenyS3Logs", []string{"s3:*"}, "arn:aws:s3:::*log*"))
	carlosBucket := named("bucket policy", withPrincipal(
		iampolicy.Allow("", []string{"s3:*"}, "arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"),
		iampolicy.Principal{AWS: []string{deployRole}}))
	toAccount := named("bucket policy", withPrincipal(
		iampolicy.Allow("AccountOnly", []string{"s3:GetObject"}, "arn:aws:s3:::carlossalazar/*"),
		iampolicy.Principal{AWS: []string{"arn:aws:iam::111122223333:root"}}))
	tls := named("bucket policy", iampolicy.DenyInsecureTransport("arn:aws:s3:::carlossalazar"))
	put := call("s3:PutObject", "arn:aws:s3:::carlossalazar/f")
	get := call("s3:GetObject", "arn:aws:s3:::carlossalazar/f")
	plainHTTP := get
	plainHTTP.Context = ctx{"aws:SecureTransport": {"false"}}

	// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (ShirleyRodriguez).
	shirleyBoundary := []Named{named("boundary",
		iampolicy.Allow("Services", []string{"s3:*", "cloudwatch:*", "ec2:*"}, "*"),
		iampolicy.Deny("DenyS3Logs", []string{"s3:*"}, "arn:aws:s3:::logs", "arn:aws:s3:::logs/*"))}
	createUser := []Named{named("create-user", iampolicy.Allow("CreateUser", []string{"iam:CreateUser"}, "*"))}
	s3All := []Named{named("s3", iampolicy.Allow("S3", []string{"s3:*"}, "*"))}
	noS3Boundary := []Named{named("boundary", iampolicy.Allow("OnlyEC2", []string{"ec2:*"}, "*"))}

	// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
	trailBucket := named("trail bucket policy", withCondition(withPrincipal(
		iampolicy.Allow("AWSCloudTrailWrite", []string{"s3:PutObject"}, "arn:aws:s3:::trail/AWSLogs/111122223333/*"),
		iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}),
		iampolicy.Condition{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}}))
	trailPut := func(service string, acl ...string) Request {
		r := Request{Principal: service, Action: "s3:PutObject", Resource: "arn:aws:s3:::trail/AWSLogs/111122223333/f.json.gz"}
		if len(acl) > 0 {
			r.Context = ctx{"s3:x-amz-acl": acl}
		}
		return r
	}

	runDecisions(t, []decisionCase{
		{"Carlos example: the identity Deny on *log* beats every allow", Policies{Identity: []Named{carlos}, Resource: &carlosBucket},
			call("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/f"), false, "explicit deny", "carlossalazar/DenyS3Logs"},
		{"Carlos example: his own bucket is allowed", Policies{Identity: []Named{carlos}, Resource: &carlosBucket},
			put, true, "allowed", "bucket policy/#0"},
		{"Carlos example: his identity policy alone allows his bucket", Policies{Identity: []Named{carlos}},
			put, true, "allowed", "carlossalazar/AllowS3Self"},
		{"same account: a bucket policy naming the role grants it without any identity policy", Policies{Resource: &carlosBucket},
			put, true, "allowed", "bucket policy/#0"},
		{"same account: a bucket policy naming only the account delegates to IAM, which grants nothing here", Policies{Resource: &toAccount},
			get, false, "no statement allows", "identity policies (none) and resource policy (bucket policy)"},
		{"same account: the account delegation plus an identity allow is allowed", Policies{Identity: s3All, Resource: &toAccount},
			get, true, "allowed", "s3/S3"},
		{"a Deny in the bucket policy beats the identity allow", Policies{Identity: s3All, Resource: &tls},
			plainHTTP, false, "explicit deny", "bucket policy/DenyInsecureTransport"},

		{"ShirleyRodriguez boundary: allowed by identity but not by the boundary is denied", Policies{Identity: createUser, Boundary: shirleyBoundary},
			call("iam:CreateUser", "*"), false, "not allowed by the permissions boundary", "permissions boundary (boundary)"},
		{"ShirleyRodriguez boundary: allowed by both is allowed", Policies{Identity: s3All, Boundary: shirleyBoundary},
			get, true, "allowed", "s3/S3"},
		{"ShirleyRodriguez boundary: the boundary alone grants nothing", Policies{Boundary: shirleyBoundary},
			get, false, "no statement allows", "identity policies (none) and resource policy (none)"},
		{"XCompanyBoundaries: a Deny in the boundary beats the identity allow", Policies{Identity: s3All, Boundary: shirleyBoundary},
			call("s3:GetObject", "arn:aws:s3:::logs/x"), false, "explicit deny", "boundary/DenyS3Logs"},
		{"evaluation logic, IAM role: a bucket policy granting the role ARN is limited by the boundary", Policies{Boundary: noS3Boundary, Resource: &carlosBucket},
			put, false, "not allowed by the permissions boundary", "permissions boundary (boundary)"},

		{"CloudTrail bucket policy: the service principal with the ACL is allowed", Policies{Resource: &trailBucket},
			trailPut("cloudtrail.amazonaws.com", "bucket-owner-full-control"), true, "allowed", "trail bucket policy/AWSCloudTrailWrite"},
		{"CloudTrail bucket policy: without the ACL it is not", Policies{Resource: &trailBucket},
			trailPut("cloudtrail.amazonaws.com"), false, "no statement allows", "identity policies (none) and resource policy (trail bucket policy)"},
		{"CloudTrail bucket policy: another service is not the principal", Policies{Resource: &trailBucket},
			trailPut("logs.amazonaws.com", "bucket-owner-full-control"), false, "no statement allows", "identity policies (none) and resource policy (trail bucket policy)"},
	})
}

// TestResourcePolicyRequired: KMS key policies and role trust policies decide alone whether IAM counts.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html: "Unless the key policy
// explicitly allows it, you cannot use IAM policies to allow access to a KMS key." and
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html ("Allows access to the
// AWS account and enables IAM policies").
func TestResourcePolicyRequired(t *testing.T) {
	rootDelegation := named("state key policy", withCondition(withPrincipal(
		iampolicy.Allow("AccountUseThroughIam", []string{"kms:Decrypt", "kms:GenerateDataKey"}, "*"),
		iampolicy.Principal{AWS: []string{"arn:aws:iam::111122223333:root"}}),
		iampolicy.Condition{"StringEquals": {"kms:CallerAccount": {account}}}))
	adminsOnly := named("state key policy", withPrincipal(
		iampolicy.Allow("KeyAdministration", []string{"kms:*"}, "*"),
		iampolicy.Principal{AWS: []string{"arn:aws:iam::111122223333:role/admin"}}))
	namesRole := named("state key policy", withPrincipal(
		iampolicy.Allow("DeployRole", []string{"kms:Decrypt"}, "*"),
		iampolicy.Principal{AWS: []string{deployRole}}))
	iamDecrypt := []Named{named("deploy", iampolicy.Allow("UseStateKey", []string{"kms:Decrypt"}, stateKey))}
	iamDeny := []Named{named("deploy", iampolicy.Allow("All", []string{"kms:*"}, "*"), iampolicy.Deny("NoDecrypt", []string{"kms:Decrypt"}, "*"))}
	decrypt := call("kms:Decrypt", stateKey)
	decrypt.Context = ctx{"kms:CallerAccount": {account}}

	// The GitHub OIDC trust policy (bootstrap/policies.go), as a resource policy of the role.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
	provider := "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	trust := named("trust policy", withCondition(withPrincipal(
		iampolicy.Allow("GitHubDev", []string{"sts:AssumeRoleWithWebIdentity"}),
		iampolicy.Principal{Federated: []string{provider}}),
		iampolicy.Condition{
			"StringEquals": {"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}},
			"StringLike":   {"token.actions.githubusercontent.com:sub": {"repo:fargate-platform/fargate-platform:environment:dev"}},
		}))
	assume := func(sub string) Request {
		return Request{Principal: provider, Action: "sts:AssumeRoleWithWebIdentity", Resource: deployRole,
			Context: ctx{"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}, "token.actions.githubusercontent.com:sub": {sub}}}
	}

	runDecisions(t, []decisionCase{
		{"default key policy: root delegation lets the identity policy grant", Policies{Identity: iamDecrypt, Resource: &rootDelegation, ResourcePolicyRequired: true},
			decrypt, true, "allowed", "deploy/UseStateKey"},
		{"default key policy: root delegation without an identity allow grants nothing", Policies{Resource: &rootDelegation, ResourcePolicyRequired: true},
			decrypt, false, "no statement allows", "identity policies (none)"},
		{"key policy without root delegation or the role: IAM allows and it is still denied", Policies{Identity: iamDecrypt, Resource: &adminsOnly, ResourcePolicyRequired: true},
			decrypt, false, "the resource policy does not allow it", "state key policy"},
		{"key policy naming the role grants it directly", Policies{Resource: &namesRole, ResourcePolicyRequired: true},
			decrypt, true, "allowed", "state key policy/DeployRole"},
		{"key policy naming the role is still limited by the role's boundary", Policies{Resource: &namesRole, Boundary: []Named{named("boundary", iampolicy.Allow("S3", []string{"s3:*"}, "*"))}, ResourcePolicyRequired: true},
			decrypt, false, "not allowed by the permissions boundary", "permissions boundary (boundary)"},
		{"key policies: an IAM Deny works without the key policy's permission", Policies{Identity: iamDeny, Resource: &rootDelegation, ResourcePolicyRequired: true},
			decrypt, false, "explicit deny", "deploy/NoDecrypt"},
		{"a key without its key policy is denied", Policies{Identity: iamDecrypt, ResourcePolicyRequired: true},
			decrypt, false, "the resource policy does not allow it", "no resource policy given"},
		{"OIDC trust policy: the dev environment of the repository may assume the role", Policies{Resource: &trust, ResourcePolicyRequired: true},
			assume("repo:fargate-platform/fargate-platform:environment:dev"), true, "allowed", "trust policy/GitHubDev"},
		{"OIDC trust policy: a fork may not", Policies{Resource: &trust, ResourcePolicyRequired: true},
			assume("repo:someone/fargate-platform:environment:dev"), false, "the resource policy does not allow it", "trust policy"},
	})
}

// TestUnreadablePoliciesFailLoudly: what the evaluator cannot read is a deny with Err and a Reason that
// names the problem, whether or not the statement would have applied.
func TestUnreadablePoliciesFailLoudly(t *testing.T) {
	cond := func(c iampolicy.Condition) Policies {
		return Policies{Identity: []Named{named("p", withCondition(iampolicy.Allow("S", []string{"*"}, "*"), c))}}
	}
	identity := func(s iampolicy.Statement) Policies { return Policies{Identity: []Named{named("p", s)}} }
	bucket := func(s iampolicy.Statement) Policies { n := named("bucket policy", s); return Policies{Resource: &n} }
	tests := []struct {
		name string
		give Policies
		req  Request
		want string
	}{
		{"unknown operator", cond(iampolicy.Condition{"StringEqualz": {"aws:RequestedRegion": {"eu-west-1"}}}), Request{}, `unknown condition operator "StringEqualz"`},
		{"unknown operator in a Deny that would not apply", Policies{Identity: []Named{named("p",
			iampolicy.Allow("All", []string{"*"}, "*"),
			withCondition(iampolicy.Deny("Other", []string{"ec2:*"}, "*"), iampolicy.Condition{"StringNotEqualz": {"aws:RequestedRegion": {"eu-west-1"}}}))}}, Request{}, `unknown condition operator "StringNotEqualz"`},
		{"operators outside the subset: DateLessThan", cond(iampolicy.Condition{"DateLessThan": {"aws:CurrentTime": {"2030-01-01T00:00:00Z"}}}), Request{}, `unknown condition operator "DateLessThan"`},
		{"unknown set operator", cond(iampolicy.Condition{"ForSomeValues:StringEquals": {"aws:TagKeys": {"Stack"}}}), Request{}, `unknown set operator "ForSomeValues"`},
		{"Null takes no IfExists", cond(iampolicy.Condition{"NullIfExists": {"aws:TagKeys": {"true"}}}), Request{}, `"NullIfExists": Null takes neither IfExists nor a set operator`},
		{"Null takes no set operator", cond(iampolicy.Condition{"ForAllValues:Null": {"aws:TagKeys": {"true"}}}), Request{}, `"ForAllValues:Null": Null takes neither`},
		{"ForAnyValue with IfExists is ambiguous", cond(iampolicy.Condition{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": {"Stack"}}}), Request{}, "ambiguous on a missing key"},
		{"Null wants true or false", cond(iampolicy.Condition{"Null": {"aws:TagKeys": {"no"}}}), Request{}, `value "no", want true or false`},
		{"Bool wants true or false", cond(iampolicy.Condition{"Bool": {"aws:SecureTransport": {"yes"}}}), Request{}, `value "yes", want true or false`},
		{"Numeric wants a number", cond(iampolicy.Condition{"NumericLessThan": {"s3:max-keys": {"ten"}}}), Request{}, `value "ten" is not a number`},
		{"a condition key without values", cond(iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {}}}), Request{}, "no values"},
		{"policy variable in a resource", identity(iampolicy.Allow("Home", []string{"s3:*"}, "arn:aws:s3:::b/home/${aws:username}/*")), Request{}, "policy variables are not evaluated"},
		{"policy variable in a condition value", cond(iampolicy.Condition{"StringLike": {"s3:prefix": {"home/${aws:username}/"}}}), Request{}, "policy variables are not evaluated"},
		{"Effect is case-sensitive", identity(iampolicy.Statement{Effect: "allow", Action: []string{"*"}, Resource: []string{"*"}}), Request{}, `Effect "allow"`},
		{"Action and NotAction together", identity(iampolicy.Statement{Effect: "Allow", Action: []string{"*"}, NotAction: []string{"iam:*"}, Resource: []string{"*"}}), Request{}, "exactly one of Action and NotAction"},
		{"neither Action nor NotAction", identity(iampolicy.Statement{Effect: "Allow", Resource: []string{"*"}}), Request{}, "exactly one of Action and NotAction"},
		{"an identity statement without Resource", identity(iampolicy.Statement{Effect: "Allow", Action: []string{"*"}}), Request{}, "needs Resource or NotResource"},
		{"a Principal in an identity policy", identity(withPrincipal(iampolicy.Allow("S", []string{"*"}, "*"), iampolicy.Principal{AWS: []string{"*"}})), Request{}, "Principal belongs in resource policies only"},
		{"a resource policy statement without Principal", bucket(iampolicy.Allow("S", []string{"s3:*"}, "*")), Request{}, "needs a Principal"},
		{"a wildcard inside a principal ARN", bucket(withPrincipal(iampolicy.Allow("S", []string{"s3:*"}, "*"), iampolicy.Principal{AWS: []string{"arn:aws:iam::111122223333:role/*"}})), Request{}, "no wildcard in a principal"},
		{"a plain operator on a key the request gives several values", cond(iampolicy.Condition{"StringEquals": {"aws:TagKeys": {"Stack"}}}),
			Request{Principal: deployRole, Action: "s3:GetObject", Resource: "*", Context: ctx{"aws:TagKeys": {"Stack", "Owner"}}}, "a multivalued key needs ForAllValues: or ForAnyValue:"},
		{"a request without an action", Policies{}, Request{Principal: deployRole, Resource: "*"}, "all three are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req
			if r.Principal == "" && r.Resource == "" {
				r = call("s3:GetObject", "arn:aws:s3:::b/home/x")
			}
			d := Evaluate(tt.give, r)
			assert.False(t, d.Allowed)
			assert.Error(t, d.Err)
			assert.Contains(t, d.Reason, tt.want)
			assert.Contains(t, d.Err.Error(), tt.want)
		})
	}
}

func TestDecisionString(t *testing.T) {
	tests := []struct {
		give Decision
		want string
	}{
		{Decision{Allowed: true, Reason: "allowed", Statement: "deploy/UseStateKey"}, "allowed by deploy/UseStateKey"},
		{Decision{Reason: "explicit deny", Statement: "bucket policy/DenyOtherKeys"}, "denied: explicit deny (bucket policy/DenyOtherKeys)"},
		{Decision{Reason: "no statement allows"}, "denied: no statement allows"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}
