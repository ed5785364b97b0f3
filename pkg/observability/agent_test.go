package observability

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGuardDutyAgentRepositoryArn(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"ap-southeast-2", "arn:aws:ecr:ap-southeast-2:005257825471:repository/aws-guardduty-agent-fargate"},
		{"us-east-1", "arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate"},
		{"eu-central-1", "arn:aws:ecr:eu-central-1:323658145986:repository/aws-guardduty-agent-fargate"},
	}
	for _, tt := range tests {
		got, err := GuardDutyAgentRepositoryArn(tt.give)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	_, err := GuardDutyAgentRepositoryArn("xx-nowhere-1")
	assert.ErrorContains(t, err, `region "xx-nowhere-1"`)
}
