package permissions

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// TestEveryDataSourceHasARow: the plan's mock answers every data source the program can call (an unknown
// one fails the plan), so each of those needs its calls written here, or nil for none.
func TestEveryDataSourceHasARow(t *testing.T) {
	for _, token := range plan.InvokeTokens() {
		_, ok := DataSources[token]
		assert.True(t, ok, "data source %s has no entry in DataSources", token)
	}
}

// TestDeployAndPreviewReadTheDataSources: both policies hold every data source call, on "*" where AWS
// authorises the action against no resource.
func TestDeployAndPreviewReadTheDataSources(t *testing.T) {
	s := Scope{Account: "123456789012", Region: "ap-southeast-2", Project: "p", Stack: "dev"}
	deploy, err := Deploy(s, nil)
	assert.NoError(t, err)
	for name, st := range map[string][]string{"deploy": actionsOf(deploy), "preview": actionsOf(Preview(s))} {
		for _, a := range []string{"ec2:DescribeAvailabilityZones", "guardduty:ListDetectors", "guardduty:GetDetector"} {
			assert.Contains(t, st, a, name)
		}
	}
}

func actionsOf(sts []iampolicy.Statement) []string {
	var out []string
	for _, st := range sts {
		out = append(out, st.Action...)
	}
	return out
}
