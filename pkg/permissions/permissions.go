// Package permissions is the one table of what a deploy makes AWS do. For every Pulumi resource type the
// program and the bootstrap create, it lists the AWS actions the provider calls to create, read, update
// and delete a resource of that type (tagging, implicit defaults and iam:PassRole included), each with the
// resource its authorisation is checked against and the request context the call carries.
//
// Two things are derived from it and so cannot drift apart:
//   - the deploy and preview policies the bootstrap writes (Deploy, Preview): one statement per Target,
//     scoped to one stack's names, tags and region;
//   - the requests a planned resource makes (Requests), which tests evaluate with pkg/iameval against
//     those policies, resource by resource, on the concrete planned ARNs.
package permissions

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// StackTag is the tag every taggable resource of a stack carries (through the AWS provider's default
// tags, set in main.go), with the stack's name "<project>-<stack>" as value. Tag conditions on it keep one
// stack's deploy role off another stack's resources where names are generated ids (VPC resources, keys,
// target groups, certificates, scalable targets).
const StackTag = "fargate-platform:stack"

// Op is a step of a resource's life the provider makes calls for.
type Op string

// The steps. Read is what `pulumi refresh` (and the provider after every write) calls.
const (
	Create Op = "create"
	Read   Op = "read"
	Update Op = "update"
	Delete Op = "delete"
)

// Scope is what one stack's deploy policies are written for.
type Scope struct {
	Account, Region, Project, Stack string
	// BoundaryArn is the permissions boundary every role of the stack must carry.
	BoundaryArn string
	// PassedToServices are the services the stack hands its roles to.
	PassedToServices []string
	// AppBucketArn is the application's own bucket the task roles use ("": none).
	AppBucketArn string
	// Volumes: the stack has EFS volumes (HasVolumes), which its task roles may mount.
	Volumes bool
	// ScheduledTasks: the stack has scheduled services (HasRole scheduled), whose Scheduler roles run their
	// tasks and pass the tasks' roles.
	ScheduledTasks bool
}

// Name is the stack's name prefix, "<project>-<stack>".
func (s Scope) Name() string { return s.Project + "-" + s.Stack }

// Path is the stack's path prefix, "/<project>/<stack>".
func (s Scope) Path() string { return "/" + s.Project + "/" + s.Stack }

// ARN builds a regional ARN in the stack's account.
func (s Scope) ARN(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, s.Region, s.Account, resource)
}

// IAM builds an IAM ARN in the stack's account.
func (s Scope) IAM(resource string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s", s.Account, resource)
}

// StackTagged is the condition that a resource already carries the stack's tag.
func (s Scope) StackTagged() iampolicy.Condition {
	return iampolicy.Condition{"StringEquals": {"aws:ResourceTag/" + StackTag: {s.Name()}}}
}

// TaggingNew is the condition of a call that creates a resource: the request tags it as the stack's, and
// any existing resource the call names is the stack's too (a new one has no tag yet).
func (s Scope) TaggingNew() iampolicy.Condition {
	return iampolicy.Condition{
		"StringEquals":         {"aws:RequestTag/" + StackTag: {s.Name()}},
		"StringEqualsIfExists": {"aws:ResourceTag/" + StackTag: {s.Name()}},
	}
}

// Target is a kind of resource calls are authorised against: how a stack's policy names the stack's
// resources of that kind. Each Target becomes one statement of the deploy policy.
type Target struct {
	// Sid names the statement.
	Sid string
	// Resources are the policy's ARN patterns for a stack.
	Resources func(s Scope) []string
	// Condition is added to the statement beside the region pin (nil: none).
	Condition func(s Scope) iampolicy.Condition
	// Global targets are IAM's: its endpoint is global (requests carry us-east-1), so they are scoped by
	// ARN and not pinned to the stack's region.
	Global bool
}

// Call is one set of actions the provider calls in one step of a resource's life, all authorised
// against the same resource.
type Call struct {
	Op      Op
	Actions []string
	On      *Target
	// Arns are the concrete ARNs of the call for one planned resource (nil: the resource's own ARN).
	Arns func(p Planned) []string
	// Context is the request context beyond the region and the stack's tags (nil: none).
	Context func(p Planned) map[string][]string
	// Tags: the call sends the resource's tags (aws:RequestTag/*, aws:TagKeys).
	Tags bool
	// Secret: the call returns a secret value; the preview role never makes it.
	Secret bool
	// Values are condition values the call needs on its target, merged under StringEquals with those of
	// every other call (the services roles are passed to, the service-linked roles created).
	Values map[string][]string
	// Untagged: the ARNs name resources without the stack's tag (not the stack's, or created by this
	// call); every other call's resource carries the tag (aws:ResourceTag).
	Untagged bool
}

// Row is every call the provider makes for one resource type, with the sources of what is not obvious.
type Row struct {
	Type  string
	Calls []Call
	// Source is the provider's source or AWS's documentation behind the row's calls.
	Source string
}

// Planned is one resource of a plan as the table sees it.
type Planned struct {
	*plan.Resource
	Scope Scope
	// Plan holds the other resources, for calls authorised against a resource this one names.
	Plan *plan.Recorder
}

// In is an input as a string ("" when absent).
func (p Planned) In(key string) string { return p.Str(key) }

// List is an input list of strings.
func (p Planned) List(key string) []string {
	var out []string
	if l, ok := p.Inputs[key].([]any); ok {
		for _, v := range l {
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

// Arn is the resource's own ARN: its "arn" output, or the one its type is known by.
func (p Planned) Arn() string {
	for _, k := range []string{"arn", "dashboardArn"} {
		if v, ok := p.Outputs[k].(string); ok && v != "" {
			return v
		}
	}
	if strings.HasPrefix(p.ID, "arn:") {
		return p.ID
	}
	return ""
}

// Tags are the tags the resource is created with: its own and the provider's default StackTag.
func (p Planned) Tags() map[string]string {
	out := map[string]string{StackTag: p.Scope.Name()}
	if m, ok := p.Inputs["tags"].(map[string]any); ok {
		for k, v := range m {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// Rows indexes Table by type.
func Rows() map[string]Row {
	out := map[string]Row{}
	for _, r := range Table {
		out[r.Type] = r
	}
	return out
}

// Types lists the types of a plan that make AWS calls, sorted, and the types with no row.
func Types(rec *plan.Recorder) (types, missing []string) {
	rows := Rows()
	seen := map[string]bool{}
	for _, r := range rec.Resources() {
		if seen[r.Type] || !r.Custom || Free[r.Type] {
			continue
		}
		seen[r.Type] = true
		if _, ok := rows[r.Type]; ok {
			types = append(types, r.Type)
		} else {
			missing = append(missing, r.Type)
		}
	}
	sort.Strings(types)
	sort.Strings(missing)
	return types, missing
}

// Free are the types whose provider makes no AWS call a deploy role needs: other clouds, local values and
// the provider itself (its configure calls sts:GetCallerIdentity, which needs no permission).
var Free = map[string]bool{
	"random:index/randomPassword:RandomPassword":                         true,
	"cloudflare:index/record:Record":                                     true,
	"cloudflare:index/zoneSettingsOverride:ZoneSettingsOverride":         true,
	"cloudflare:index/authenticatedOriginPulls:AuthenticatedOriginPulls": true,
	"pulumi:providers:aws":                                               true,
	"pulumi:providers:cloudflare":                                        true,
}

// Deploy returns the statements of a stack's deploy policy for the resource types its plan holds (and the
// data sources every run reads): for each Target, the union of the actions every row calls on it. It fails
// on a type with no row.
func Deploy(s Scope, types []string) ([]iampolicy.Statement, error) {
	return statements(s, append(append([]string{}, types...), DataSourceType), func(Call) bool { return true })
}

// Preview returns the statements a preview needs beyond its state: the data sources' calls. A preview
// without --refresh reads no resource (docs/delivery.md).
func Preview(s Scope) []iampolicy.Statement {
	st, err := statements(s, []string{DataSourceType}, func(c Call) bool { return c.Op == Read && !c.Secret })
	if err != nil {
		panic(err) // DataSourceType always has its row
	}
	return st
}

func statements(s Scope, types []string, keep func(Call) bool) ([]iampolicy.Statement, error) {
	rows := Rows()
	actions := map[*Target]map[string]bool{}
	values := map[*Target]map[string]map[string]bool{}
	var order []*Target
	for _, t := range types {
		row, ok := rows[t]
		if !ok {
			return nil, fmt.Errorf("permissions: no row for resource type %s: add its calls to pkg/permissions/table.go", t)
		}
		for _, c := range row.Calls {
			if !keep(c) {
				continue
			}
			if actions[c.On] == nil {
				actions[c.On] = map[string]bool{}
				order = append(order, c.On)
			}
			for _, a := range c.Actions {
				actions[c.On][a] = true
			}
			for k, vs := range c.Values {
				if values[c.On] == nil {
					values[c.On] = map[string]map[string]bool{}
				}
				if values[c.On][k] == nil {
					values[c.On][k] = map[string]bool{}
				}
				for _, v := range vs {
					values[c.On][k][v] = true
				}
			}
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Sid < order[j].Sid })
	var out []iampolicy.Statement
	for _, t := range order {
		st := iampolicy.Allow(t.Sid, sortedSet(actions[t]), t.Resources(s)...)
		st.Condition = iampolicy.Condition{}
		if t.Condition != nil {
			for op, kv := range t.Condition(s) {
				st.Condition[op] = kv
			}
		}
		eq := st.Condition["StringEquals"]
		if eq == nil {
			eq = map[string][]string{}
		}
		for k, vs := range values[t] {
			eq[k] = sortedSet(vs)
		}
		if !t.Global {
			eq["aws:RequestedRegion"] = []string{s.Region}
		}
		if len(eq) > 0 {
			st.Condition["StringEquals"] = eq
		}
		if len(st.Condition) == 0 {
			st.Condition = nil
		}
		out = append(out, st)
	}
	return out, nil
}

// Request is one authorisation a planned resource's deploy needs.
type Request struct {
	URN, Type string
	Op        Op
	Action    string
	Resource  string
	Context   map[string][]string
	// Target is the statement the table expects to allow it.
	Target string
}

// Requests lists every authorisation the resource's row makes, on its concrete ARNs, with the request
// context AWS evaluates. keep selects calls (nil: all).
func Requests(p Planned, keep func(Call) bool) ([]Request, error) {
	row, ok := Rows()[p.Type]
	if !ok {
		return nil, fmt.Errorf("permissions: no row for resource type %s (%s)", p.Type, p.URN)
	}
	var out []Request
	for _, c := range row.Calls {
		if keep != nil && !keep(c) {
			continue
		}
		arns := []string{p.Arn()}
		if c.On == Unscoped {
			arns = []string{"*"}
		}
		if c.Arns != nil {
			arns = c.Arns(p)
		}
		for _, arn := range arns {
			if arn == "" {
				return nil, fmt.Errorf("permissions: %s %s: no ARN for %s", p.URN, c.Op, strings.Join(c.Actions, ","))
			}
			ctx := map[string][]string{}
			if c.On.Global {
				ctx["aws:RequestedRegion"] = []string{"us-east-1"}
			} else {
				ctx["aws:RequestedRegion"] = []string{p.Scope.Region}
			}
			if c.Tags {
				tags := p.Tags()
				var keys []string
				for k, v := range tags {
					ctx["aws:RequestTag/"+k] = []string{v}
					keys = append(keys, k)
				}
				sort.Strings(keys)
				ctx["aws:TagKeys"] = keys
			}
			// The resource the call names carries the stack's tags, unless the call creates it or it is
			// not the stack's.
			if !c.Untagged {
				for k, v := range p.Tags() {
					ctx["aws:ResourceTag/"+k] = []string{v}
				}
			}
			if c.Context != nil {
				for k, v := range c.Context(p) {
					ctx[k] = v
				}
			}
			for _, a := range c.Actions {
				out = append(out, Request{URN: p.URN, Type: p.Type, Op: c.Op, Action: a, Resource: arn,
					Context: ctx, Target: c.On.Sid})
			}
		}
	}
	return out, nil
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
