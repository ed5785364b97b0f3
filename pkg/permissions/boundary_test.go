package permissions

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fargate-platform/fargate-platform/pkg/iameval"
	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// TestTheBoundaryLetsScheduledTasksRunOnlyInsideTheStack: a stack with scheduled services lets its Scheduler
// roles run the stack's task families on the stack's cluster and pass the stack's roles to ECS tasks, and
// nothing of another stack; a stack without them gets neither.
func TestTheBoundaryLetsScheduledTasksRunOnlyInsideTheStack(t *testing.T) {
	s := Scope{Account: "123456789012", Region: "ap-southeast-2", Project: "fp", Stack: "example"}
	admin := iameval.Named{Name: "admin", Doc: iampolicy.New(iampolicy.Allow("All", []string{"*"}, "*"))}
	role := "arn:aws:iam::123456789012:role/fp-example-nightly-schedule-1a2b3c4"
	cluster := func(n string) map[string][]string {
		return map[string][]string{"ecs:cluster": {"arn:aws:ecs:ap-southeast-2:123456789012:cluster/" + n}}
	}
	passed := map[string][]string{"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}
	tests := []struct {
		name      string
		scheduled bool
		action    string
		resource  string
		context   map[string][]string
		want      bool
	}{
		{"its task on its cluster", true, "ecs:RunTask", "arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fp-example-nightly:7", cluster("fp-example"), true},
		{"its task on another cluster", true, "ecs:RunTask", "arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fp-example-nightly:7", cluster("fp-prod"), false},
		{"another stack's task", true, "ecs:RunTask", "arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fp-prod-web:3", cluster("fp-example"), false},
		{"its role to ECS tasks", true, "iam:PassRole", "arn:aws:iam::123456789012:role/fp-example-nightly-task-0ac2ce5", passed, true},
		{"its role to another service", true, "iam:PassRole", "arn:aws:iam::123456789012:role/fp-example-nightly-task-0ac2ce5",
			map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}, false},
		{"another stack's role", true, "iam:PassRole", "arn:aws:iam::123456789012:role/fp-prod-web-task-1234567", passed, false},
		{"no scheduled services: no RunTask", false, "ecs:RunTask", "arn:aws:ecs:ap-southeast-2:123456789012:task-definition/fp-example-nightly:7", cluster("fp-example"), false},
		{"no scheduled services: no PassRole", false, "iam:PassRole", "arn:aws:iam::123456789012:role/fp-example-nightly-task-0ac2ce5", passed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := s
			sc.ScheduledTasks = tt.scheduled
			d := iameval.Evaluate(iameval.Policies{Identity: []iameval.Named{admin},
				Boundary: []iameval.Named{{Name: "boundary", Doc: Boundary(sc)}}},
				iameval.Request{Principal: role, Action: tt.action, Resource: tt.resource, Context: tt.context})
			assert.NoError(t, d.Err)
			assert.Equal(t, tt.want, d.Allowed, d.Reason)
		})
	}
}
