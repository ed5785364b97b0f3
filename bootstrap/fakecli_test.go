package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// The fake `pulumi` and `aws` of deploy_stack_test.go: the test binary itself, called by those names
// (TestMain dispatches), answering from the world in $FAKE_CLI_WORLD and logging every call, one line each,
// to $FAKE_CLI_LOG.

// fakeCLI plays `pulumi` or `aws` (args[0]).
func fakeCLI(args []string) int {
	var w fakeWorld
	b, err := os.ReadFile(os.Getenv("FAKE_CLI_WORLD"))
	if err == nil {
		err = json.Unmarshal(b, &w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake cli:", err)
		return 3
	}
	if f, err := os.OpenFile(os.Getenv("FAKE_CLI_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
		fmt.Fprintln(f, strings.Join(args, " "))
		f.Close()
	}
	flag := func(name string) string {
		for i, a := range args {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	print := func(v any) int {
		b, _ := json.Marshal(v)
		fmt.Println(string(b))
		return 0
	}
	cmd := strings.Join(args[:min(3, len(args))], " ")
	switch {
	case cmd == "pulumi stack output" && len(args) == 4 && args[3] == "--json":
		return print(w.Outputs)
	case cmd == "pulumi stack output":
		v, ok := w.Outputs[args[3]]
		if !ok {
			fmt.Fprintf(os.Stderr, "error: current stack does not have output property '%s'\n", args[3])
			return 255
		}
		if s, isString := v.(string); isString && flag("--json") == "" && args[len(args)-1] != "--json" {
			fmt.Println(s)
			return 0
		}
		return print(v)
	case strings.HasPrefix(cmd, "pulumi up"), strings.HasPrefix(cmd, "pulumi login"), strings.HasPrefix(cmd, "pulumi stack select"),
		strings.HasPrefix(cmd, "pulumi config set"):
		return 0
	case strings.HasPrefix(cmd, "pulumi stack export"):
		fmt.Println(string(w.State))
		return 0
	case strings.HasPrefix(cmd, "pulumi config get"):
		v, ok := w.Config[args[3]]
		if !ok {
			fmt.Fprintf(os.Stderr, "error: configuration key '%s' not found for stack\n", args[3])
			return 255
		}
		fmt.Println(v)
		return 0
	case cmd == "aws ecs describe-task-definition":
		arn := flag("--task-definition")
		if latest, isFamily := w.Latest[arn]; isFamily {
			arn = latest
		}
		d, ok := w.Definitions[arn]
		query := flag("--query")
		switch {
		case !ok:
			fmt.Fprintln(os.Stderr, "An error occurred (ClientException): Unable to describe task definition.")
			return 254
		case query == "taskDefinition.taskDefinitionArn":
			fmt.Println(arn)
		case query == fmt.Sprintf("taskDefinition.containerDefinitions[?name=='%s'].image | [0]", d.Container):
			fmt.Println(d.Image)
		default:
			fmt.Println("None")
		}
		return 0
	case cmd == "aws ecs run-task":
		arn := flag("--task-definition")
		if d, ok := w.Definitions[arn]; !ok || d.Unplaceable {
			return print(map[string]any{"tasks": []any{}, "failures": []any{map[string]string{"arn": arn, "reason": "RESOURCE:ENI"}}})
		}
		return print(map[string]any{"tasks": []any{map[string]string{
			"taskArn": "arn:aws:ecs:ap-southeast-2:123456789012:task/fp-world/" + hex.EncodeToString([]byte(arn))}}})
	case cmd == "aws ecs describe-tasks":
		task := flag("--tasks")
		raw, _ := hex.DecodeString(task[strings.LastIndex(task, "/")+1:])
		d := w.Definitions[string(raw)]
		c := map[string]any{"name": d.Container}
		if d.ExitCode != nil {
			c["exitCode"] = *d.ExitCode
		}
		return print(map[string]any{"tasks": []any{map[string]any{"containers": []any{c}, "stoppedReason": "Essential container in task exited"}}})
	case cmd == "aws ecs wait", cmd == "aws ecs stop-task", cmd == "aws logs tail":
		return 0
	case cmd == "aws ecs describe-services":
		return print(map[string]any{"services": []any{map[string]any{"deployments": []any{
			map[string]any{"status": "ACTIVE", "taskDefinition": "arn:aws:ecs:ap-southeast-2:123456789012:task-definition/older:1"},
			map[string]any{"status": "PRIMARY", "taskDefinition": w.Running[flag("--services")], "rolloutState": "COMPLETED"},
		}}}})
	}
	fmt.Fprintln(os.Stderr, "fake cli: unexpected call:", strings.Join(args, " "))
	return 2
}
