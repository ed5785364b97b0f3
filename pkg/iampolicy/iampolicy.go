// Package iampolicy builds IAM policy documents from typed Go values, so that every policy in the program
// is scoped by construction and tests can decode and check it statement by statement.
package iampolicy

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Version is the only policy language version worth writing.
const Version = "2012-10-17"

// Document is an IAM policy document (identity, resource, trust or key policy).
type Document struct {
	Version   string      `json:"Version"`
	Id        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement. Resource and Action are always lists, so a reader never meets the
// string-or-list ambiguity of hand-written JSON. A statement names either Action or NotAction, and
// either Resource or NotResource (or neither, in a trust policy); NotAction and NotResource match
// everything except what they list
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      string     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      []string   `json:"Action,omitempty"`
	NotAction   []string   `json:"NotAction,omitempty"`
	Resource    []string   `json:"Resource,omitempty"`
	NotResource []string   `json:"NotResource,omitempty"`
	Condition   Condition  `json:"Condition,omitempty"`
}

// Principal names who a resource or trust policy is about.
type Principal struct {
	AWS       []string `json:"AWS,omitempty"`
	Service   []string `json:"Service,omitempty"`
	Federated []string `json:"Federated,omitempty"`
}

// Condition is operator -> key -> values, e.g. {"StringEquals": {"aws:SourceAccount": ["123..."]}}.
type Condition map[string]map[string][]string

// Allow returns an Allow statement.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// Deny returns a Deny statement.
func Deny(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Deny", Action: actions, Resource: resources}
}

// New returns a document holding statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON marshals the document. It cannot fail for these types; a failure is a programming error.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("iampolicy: %v", err))
	}
	return string(b)
}

// Build renders a document whose ARNs are only known once resources exist: build receives the resolved
// values of inputs, in order.
func Build(build func(values []any) Document, inputs ...any) pulumi.StringOutput {
	return pulumi.All(inputs...).ApplyT(func(values []any) (string, error) {
		return build(values).JSON(), nil
	}).(pulumi.StringOutput)
}

// Parse decodes a document; tests use it to check policies statement by statement.
func Parse(s string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return d, fmt.Errorf("iampolicy: %w", err)
	}
	return d, nil
}

// Strings turns resolved values into strings: a []any of strings, a []string or a string.
func Strings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, s := range t {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return nil
}

// DenyInsecureTransport is the bucket policy statement that refuses every request to a bucket and its
// objects made without TLS (Security Hub S3.5).
func DenyInsecureTransport(bucketArn string) Statement {
	s := Deny("DenyInsecureTransport", []string{"s3:*"}, bucketArn, bucketArn+"/*")
	s.Principal = &Principal{AWS: []string{"*"}}
	s.Condition = Condition{"Bool": {"aws:SecureTransport": {"false"}}}
	return s
}

// Boundary is a role's PermissionsBoundary input: the policy ARN, or nil (none) for "".
func Boundary(policyArn string) pulumi.StringPtrInput {
	if policyArn == "" {
		return nil
	}
	return pulumi.String(policyArn)
}
