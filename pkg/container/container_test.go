package container

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func await(t *testing.T, o pulumi.StringOutput) string {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	require.NoError(t, err)
	return res.Value.(string)
}

// TestValueFromFormats: ECS reads a JSON key of a Secrets Manager secret as "<arn>:<key>::" (the current
// version), a whole secret or a parameter by ARN; the role must read the secret or parameter itself.
func TestValueFromFormats(t *testing.T) {
	const secret = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:rds!db-1-AbCdEf"
	const param = "arn:aws:ssm:ap-southeast-2:123456789012:parameter/p/s/SECRET_KEY_BASE"
	tests := []struct {
		give          Secret
		wantValueFrom string
		wantRead      string
		wantKind      Kind
	}{
		{SecretJSONKey("DB_PASSWORD", pulumi.String(secret).ToStringOutput(), "password"),
			secret + ":password::", secret, SecretManager},
		{WholeSecret("REDIS_PASSWORD", pulumi.String(secret).ToStringOutput()), secret, secret, SecretManager},
		{Parameter("SECRET_KEY_BASE", pulumi.String(param).ToStringOutput()), param, param, SSMParameter},
	}
	for _, tt := range tests {
		t.Run(tt.give.Name, func(t *testing.T) {
			assert.Equal(t, tt.wantValueFrom, await(t, tt.give.ValueFrom))
			assert.Equal(t, tt.wantRead, await(t, tt.give.ReadArn))
			assert.Equal(t, tt.wantKind, tt.give.Kind)
		})
	}
}
