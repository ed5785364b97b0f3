// Package container is the contract between the components that own configuration and credentials
// (secrets, data) and the one that runs containers (service): what a container receives and what its
// execution role must be allowed to read for that. Because both the task definition's `secrets` and the
// execution role's policy are built from the same values, the two cannot drift apart.
package container

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Secret is one value injected as an ECS secret: ECS reads it at task start with the execution role and
// sets it as the environment variable Name. It never appears in the task definition in clear text.
type Secret struct {
	// Name is the environment variable inside the container, e.g. DB_PASSWORD.
	Name string
	// ValueFrom is what the task definition's secrets[].valueFrom holds: an SSM parameter ARN, or a
	// Secrets Manager ARN with a JSON key suffix ("<arn>:password::").
	ValueFrom pulumi.StringOutput
	// ReadArn is the exact ARN the execution role must be allowed to read: the parameter's or the secret's.
	ReadArn pulumi.StringOutput
	// Kind tells which API serves it, so the role gets ssm:GetParameters or secretsmanager:GetSecretValue.
	Kind Kind
}

// Kind is the store a Secret lives in.
type Kind string

// The stores ECS can read secrets from.
const (
	SSMParameter  Kind = "ssm"
	SecretManager Kind = "secretsmanager"
)

// Env is one plain environment variable. Only non-secret values belong here.
type Env struct {
	Name  string
	Value pulumi.StringOutput
}

// SecretJSONKey injects one key of a JSON Secrets Manager secret, such as the password of the secret RDS
// manages for its master user: valueFrom is "<arn>:<key>::" (no version stage or id: the current one),
// and the role may read exactly that secret.
func SecretJSONKey(name string, secretArn pulumi.StringOutput, key string) Secret {
	return Secret{
		Name:      name,
		ValueFrom: pulumi.Sprintf("%s:%s::", secretArn, key),
		ReadArn:   secretArn,
		Kind:      SecretManager,
	}
}

// WholeSecret injects the whole string of a Secrets Manager secret.
func WholeSecret(name string, secretArn pulumi.StringOutput) Secret {
	return Secret{Name: name, ValueFrom: secretArn, ReadArn: secretArn, Kind: SecretManager}
}

// Parameter injects an SSM parameter by ARN.
func Parameter(name string, parameterArn pulumi.StringOutput) Secret {
	return Secret{Name: name, ValueFrom: parameterArn, ReadArn: parameterArn, Kind: SSMParameter}
}
