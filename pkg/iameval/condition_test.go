package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

const (
	account    = "111122223333"
	deployRole = "arn:aws:iam::111122223333:role/fargate-platform-github-deploy-dev"
	stateKey   = "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-state"
	kmsHeader  = "s3:x-amz-server-side-encryption-aws-kms-key-id"
)

type ctx = map[string][]string

// decideWithCondition evaluates one statement on every action and resource carrying cond: an Allow alone,
// or a Deny beside an allow-all, so that allowed says whether the condition held (Allow) or not (Deny).
func decideWithCondition(effect string, cond iampolicy.Condition, c ctx) Decision {
	s := iampolicy.Statement{Sid: "UnderTest", Effect: effect, Action: []string{"*"}, Resource: []string{"*"}, Condition: cond}
	id := []Named{{Name: "identity", Doc: iampolicy.New(s)}}
	if effect == "Deny" {
		id = append(id, Named{Name: "allow-all", Doc: iampolicy.New(iampolicy.Allow("All", []string{"*"}, "*"))})
	}
	return Evaluate(Policies{Identity: id}, Request{Principal: deployRole, Action: "s3:PutObject", Resource: "arn:aws:s3:::state/dev.json", Context: c})
}

// TestConditionOperators reproduces, case by case, the rules and examples of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// (operators), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// (key names, AND/OR) and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
// with https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// (set operators).
func TestConditionOperators(t *testing.T) {
	tagKeys := []string{"Stack", "Environment"}
	tests := []struct {
		name    string
		effect  string
		give    iampolicy.Condition
		ctx     ctx
		allowed bool
	}{
		// Operators page, "Important": a missing key does not match; a negated operator on it is true.
		{"missing key: StringEquals aws:PrincipalTag/job-category does not match", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:PrincipalTag/job-category": {"iamuser-admin"}}}, nil, false},
		{"String example: the tagged principal matches", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:PrincipalTag/job-category": {"iamuser-admin"}}}, ctx{"aws:PrincipalTag/job-category": {"iamuser-admin"}}, true},
		{"missing key: StringNotLike is true", "Allow",
			iampolicy.Condition{"StringNotLike": {"s3:prefix": {"home/*"}}}, nil, true},
		{"missing key: ArnNotLike is true", "Allow",
			iampolicy.Condition{"ArnNotLike": {"aws:SourceArn": {"arn:aws:sns:*:111122223333:*"}}}, nil, true},
		{"missing key: StringNotEquals is true, so a Deny on it applies", "Deny",
			iampolicy.Condition{"StringNotEquals": {"aws:RequestedRegion": {"eu-west-1"}}}, nil, false},
		{"negated matching with two values: one matching value makes it false", "Allow",
			iampolicy.Condition{"StringNotEquals": {"aws:PrincipalTag/role": {"audit", "security"}}}, ctx{"aws:PrincipalTag/role": {"audit"}}, false},
		{"negated matching with two values: true when none matches", "Allow",
			iampolicy.Condition{"StringNotEquals": {"aws:PrincipalTag/role": {"audit", "security"}}}, ctx{"aws:PrincipalTag/role": {"dev"}}, true},

		// "...IfExists condition operators": "If the key is not present, evaluate the condition element as true."
		{"IfExists example RunInstance: StringLikeIfExists with ec2:InstanceType missing is true", "Allow",
			iampolicy.Condition{"StringLikeIfExists": {"ec2:InstanceType": {"t1.*", "t2.*", "m3.*"}}}, nil, true},
		{"IfExists example RunInstance: a t2 instance matches", "Allow",
			iampolicy.Condition{"StringLikeIfExists": {"ec2:InstanceType": {"t1.*", "t2.*", "m3.*"}}}, ctx{"ec2:InstanceType": {"t2.micro"}}, true},
		{"IfExists example RunInstance: an m5 instance does not", "Allow",
			iampolicy.Condition{"StringLikeIfExists": {"ec2:InstanceType": {"t1.*", "t2.*", "m3.*"}}}, ctx{"ec2:InstanceType": {"m5.large"}}, false},
		// "If you are using an "Effect": "Deny" element with a negated condition operator like
		// StringNotEqualsIfExists, the request is still denied even if the tag is missing." This is the
		// state bucket's DenyOtherKeys statement (bootstrap/state.go): a PutObject relying on the bucket's
		// default encryption sends no header and is denied.
		{"IfExists trap: Deny StringNotEqualsIfExists on the KMS key header denies a PutObject without it", "Deny",
			iampolicy.Condition{"StringNotEqualsIfExists": {kmsHeader: {stateKey}}}, nil, false},
		{"IfExists trap: a PutObject naming the bucket's key passes", "Deny",
			iampolicy.Condition{"StringNotEqualsIfExists": {kmsHeader: {stateKey}}}, ctx{kmsHeader: {stateKey}}, true},
		{"IfExists trap: a PutObject naming another key is denied", "Deny",
			iampolicy.Condition{"StringNotEqualsIfExists": {kmsHeader: {stateKey}}}, ctx{kmsHeader: {"arn:aws:kms:eu-west-1:999999999999:key/other"}}, false},
		{"IfExists trap, fixed: StringNotEquals with Null false lets a PutObject without the header through", "Deny",
			iampolicy.Condition{"StringNotEquals": {kmsHeader: {stateKey}}, "Null": {kmsHeader: {"false"}}}, nil, true},
		{"IfExists trap, fixed: and still denies a header naming another key", "Deny",
			iampolicy.Condition{"StringNotEquals": {kmsHeader: {stateKey}}, "Null": {kmsHeader: {"false"}}}, ctx{kmsHeader: {"arn:aws:kms:eu-west-1:999999999999:key/other"}}, false},

		// Null: "use either true (the key doesn't exist — it is null) or false (the key exists and its
		// value is not null)".
		{"Null example: aws:TokenIssueTime null (long-term credentials) allows", "Allow",
			iampolicy.Condition{"Null": {"aws:TokenIssueTime": {"true"}}}, nil, true},
		{"Null example: temporary credentials carry aws:TokenIssueTime, so Null true is false", "Allow",
			iampolicy.Condition{"Null": {"aws:TokenIssueTime": {"true"}}}, ctx{"aws:TokenIssueTime": {"2026-01-01T00:00:00Z"}}, false},
		{"Null false requires the key: missing is false", "Allow",
			iampolicy.Condition{"Null": {"aws:TokenIssueTime": {"false"}}}, nil, false},
		{"Null false requires the key: present is true", "Allow",
			iampolicy.Condition{"Null": {"aws:TokenIssueTime": {"false"}}}, ctx{"aws:TokenIssueTime": {"2026-01-01T00:00:00Z"}}, true},

		// Set operators on the multivalued aws:TagKeys.
		{"ForAllValues: every requested tag key is allowed", "Allow",
			iampolicy.Condition{"ForAllValues:StringEquals": {"aws:TagKeys": tagKeys}}, ctx{"aws:TagKeys": {"Stack"}}, true},
		{"ForAllValues: one tag key outside the list makes it false", "Allow",
			iampolicy.Condition{"ForAllValues:StringEquals": {"aws:TagKeys": tagKeys}}, ctx{"aws:TagKeys": {"Stack", "Owner"}}, false},
		{"ForAllValues: no tag keys at all is true (empty data set)", "Allow",
			iampolicy.Condition{"ForAllValues:StringEquals": {"aws:TagKeys": tagKeys}}, nil, true},
		{"ForAllValues guarded by Null false: no tag keys is false", "Allow",
			iampolicy.Condition{"ForAllValues:StringEquals": {"aws:TagKeys": tagKeys}, "Null": {"aws:TagKeys": {"false"}}}, nil, false},
		{"ForAnyValue Deny example: one forbidden tag key among others denies", "Deny",
			iampolicy.Condition{"ForAnyValue:StringLike": {"aws:TagKeys": tagKeys}}, ctx{"aws:TagKeys": {"Owner", "Stack"}}, false},
		{"ForAnyValue Deny example: no forbidden tag key is not denied", "Deny",
			iampolicy.Condition{"ForAnyValue:StringLike": {"aws:TagKeys": tagKeys}}, ctx{"aws:TagKeys": {"Owner"}}, true},
		{"ForAllValues: an empty list of tag keys counts as no keys", "Allow",
			iampolicy.Condition{"ForAllValues:StringEquals": {"aws:TagKeys": tagKeys}, "Null": {"aws:TagKeys": {"true"}}}, ctx{"aws:TagKeys": {}}, true},
		{"ForAnyValue: no tag keys at all is false", "Allow",
			iampolicy.Condition{"ForAnyValue:StringEquals": {"aws:TagKeys": tagKeys}}, nil, false},

		// Numeric example: s3:max-keys up to 10.
		{"Numeric example: NumericLessThanEquals s3:max-keys 10 allows 10", "Allow",
			iampolicy.Condition{"NumericLessThanEquals": {"s3:max-keys": {"10"}}}, ctx{"s3:max-keys": {"10"}}, true},
		{"Numeric example: and refuses 11", "Allow",
			iampolicy.Condition{"NumericLessThanEquals": {"s3:max-keys": {"10"}}}, ctx{"s3:max-keys": {"11"}}, false},
		{"Numeric: a request value that is no number does not match", "Allow",
			iampolicy.Condition{"NumericLessThanEquals": {"s3:max-keys": {"10"}}}, ctx{"s3:max-keys": {"ten"}}, false},

		// Boolean example: deny S3 over plain HTTP.
		{"Boolean example: aws:SecureTransport false is denied", "Deny",
			iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, ctx{"aws:SecureTransport": {"false"}}, false},
		{"Boolean example: TLS passes", "Deny",
			iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Boolean example: a missing key does not match, so the Deny does not apply", "Deny",
			iampolicy.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, nil, true},

		// ARN operators: "Each of the six colon-delimited components of the ARN is checked separately";
		// the page's example matches with StringLike and fails with ArnLike.
		{"ARN example: StringLike lets * run across colons", "Allow",
			iampolicy.Condition{"StringLike": {"aws:SourceArn": {"arn:aws:someservice:*:111122223333:finance/*"}}},
			ctx{"aws:SourceArn": {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}}, true},
		{"ARN example: ArnLike checks each component and fails", "Allow",
			iampolicy.Condition{"ArnLike": {"aws:SourceArn": {"arn:aws:someservice:*:111122223333:finance/*"}}},
			ctx{"aws:SourceArn": {"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}}, false},
		{"ARN example: ArnEquals on the SNS topic matches", "Allow",
			iampolicy.Condition{"ArnEquals": {"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:alarms"}}},
			ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:alarms"}}, true},
		{"ARN operators are case-sensitive", "Allow",
			iampolicy.Condition{"ArnEquals": {"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:Alarms"}}},
			ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:alarms"}}, false},

		// Condition element: "Condition key names are not case-sensitive"; values follow the operator.
		{"condition element: StringEquals aws:username johndoe refuses JohnDoe", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:username": {"johndoe"}}}, ctx{"aws:username": {"JohnDoe"}}, false},
		{"condition element: StringEqualsIgnoreCase matches JohnDoe", "Allow",
			iampolicy.Condition{"StringEqualsIgnoreCase": {"aws:username": {"johndoe"}}}, ctx{"aws:username": {"JohnDoe"}}, true},
		{"condition element: key names compare without case", "Allow",
			iampolicy.Condition{"StringEquals": {"AWS:RequestedRegion": {"eu-west-1"}}}, ctx{"aws:requestedregion": {"eu-west-1"}}, true},

		// aws:RequestedRegion and iam:PassedToService, as the deploy policies use them.
		{"aws:RequestedRegion: the stack's region is allowed", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}}, ctx{"aws:RequestedRegion": {"eu-west-1"}}, true},
		{"aws:RequestedRegion: another region is not", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}}, ctx{"aws:RequestedRegion": {"us-east-1"}}, false},
		{"aws:RequestedRegion: values are case-sensitive", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}}, ctx{"aws:RequestedRegion": {"EU-WEST-1"}}, false},
		{"iam:PassedToService: passing a role to ECS tasks is allowed", "Allow",
			iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}, ctx{"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}, true},
		{"iam:PassedToService: passing it to Lambda is not", "Allow",
			iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}, ctx{"iam:PassedToService": {"lambda.amazonaws.com"}}, false},
		{"iam:PassedToService: a request without the key is not", "Allow",
			iampolicy.Condition{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}, nil, false},

		// "all operators AND, all keys AND".
		{"several operators: all must hold", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}, "Bool": {"aws:SecureTransport": {"true"}}},
			ctx{"aws:RequestedRegion": {"eu-west-1"}, "aws:SecureTransport": {"true"}}, true},
		{"several operators: one failing is enough", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}, "Bool": {"aws:SecureTransport": {"true"}}},
			ctx{"aws:RequestedRegion": {"eu-west-1"}, "aws:SecureTransport": {"false"}}, false},
		{"several keys under one operator: all must hold", "Allow",
			iampolicy.Condition{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}, "aws:ResourceTag/Stack": {"dev"}}},
			ctx{"aws:RequestedRegion": {"eu-west-1"}, "aws:ResourceTag/Stack": {"prod"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decideWithCondition(tt.effect, tt.give, tt.ctx)
			require.NoError(t, d.Err)
			assert.Equal(t, tt.allowed, d.Allowed, d.String())
			if !tt.allowed && tt.effect == "Deny" {
				assert.Equal(t, "explicit deny", d.Reason)
				assert.Equal(t, "identity/UnderTest", d.Statement)
			}
		})
	}
}
