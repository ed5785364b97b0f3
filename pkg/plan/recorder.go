// Package plan runs the program offline under Pulumi's in-process mocks and records what it would create:
// every registration with its parent, dependencies, protect flag, inputs and the outputs a real provider
// would return (ARNs in real format, ids shaped like real ids). It backs `go run . plan`, every component's
// unit tests and the whole-stack tests, so all three see the program the same way.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Account is the account id every placeholder ARN carries.
const Account = "123456789012"

// Resource is one registration the program made.
type Resource struct {
	URN          string
	Type         string
	Name         string
	Custom       bool
	Remote       bool
	Parent       string
	Dependencies []string
	Protect      bool
	ID           string
	// Inputs and Outputs are plain JSON-like values; secrets show as "[secret]".
	Inputs  map[string]any
	Outputs map[string]any
	// RawInputs keeps the inputs as the SDK sent them, secrets marked, for tests that need them.
	RawInputs resource.PropertyMap
}

// Str returns the input at a dotted path ("vpcConfig.subnetIds") as a string, or "".
func (r *Resource) Str(path string) string {
	v := Lookup(r.Inputs, path)
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// In returns the input at a dotted path, or nil. Numbers are float64, as in JSON.
func (r *Resource) In(path string) any { return Lookup(r.Inputs, path) }

// Lookup walks a dotted path through maps and (numeric segments) lists.
func Lookup(m map[string]any, path string) any {
	var cur any = m
	for _, seg := range strings.Split(path, ".") {
		switch t := cur.(type) {
		case map[string]any:
			cur = t[seg]
		case []any:
			var i int
			if _, err := fmt.Sscanf(seg, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil
			}
			cur = t[i]
		default:
			return nil
		}
	}
	return cur
}

// Recorder is a pulumi.MockResourceMonitor that records every registration and answers like AWS and
// Cloudflare would, for one region and the fixed Account.
type Recorder struct {
	Project string
	Stack   string
	Region  string

	mu        sync.Mutex
	resources []*Resource
	byURN     map[string]*Resource
	invokes   map[string]int
}

// NewRecorder returns an empty recorder for a project, stack and region.
func NewRecorder(project, stack, region string) *Recorder {
	return &Recorder{Project: project, Stack: stack, Region: region, byURN: map[string]*Resource{},
		invokes: map[string]int{}}
}

// RunOptions are the pulumi.RunErr options that run a program against this recorder with config
// (fully qualified keys) of which secretKeys are secret.
func (r *Recorder) RunOptions(config map[string]string, secretKeys []string) []pulumi.RunOption {
	return []pulumi.RunOption{
		pulumi.WithMocks(r.Project, r.Stack, r),
		func(ri *pulumi.RunInfo) { ri.Config = config; ri.ConfigSecretKeys = secretKeys },
	}
}

// NewResource implements pulumi.MockResourceMonitor.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	parent := ""
	var deps []string
	protect, remote := false, false
	if rpc != nil {
		parent, deps, protect, remote = rpc.GetParent(), rpc.GetDependencies(), rpc.GetProtect(), rpc.GetRemote()
	}
	urn := r.urn(parent, args.TypeToken, args.Name)

	outs, id, err := r.outputs(args.TypeToken, args.Name, urn, args.Inputs, args.Custom)
	if err != nil {
		return "", nil, err
	}
	res := &Resource{
		URN: urn, Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Remote: remote,
		Parent: parent, Dependencies: deps, Protect: protect, ID: id,
		Inputs: Plain(args.Inputs), Outputs: Plain(outs), RawInputs: args.Inputs,
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byURN[urn]; dup {
		return "", nil, fmt.Errorf("plan: two resources share the URN %s: derive child names from the component name", urn)
	}
	r.resources = append(r.resources, res)
	r.byURN[urn] = res
	return id, outs, nil
}

// Call implements pulumi.MockResourceMonitor: it answers the data sources the program uses and fails
// loudly on any other, so a new invoke cannot silently return nothing.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes[args.Token]++
	r.mu.Unlock()
	fn, ok := invokes[args.Token]
	if !ok {
		return nil, fmt.Errorf("plan: no mock answer for data source %s: add one to pkg/plan/invokes.go", args.Token)
	}
	return resource.NewPropertyMapFromMap(fn(r, args.Args)), nil
}

// urn builds the URN as the engine does: the parent's type chain, then this type.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.Stack), tokens.PackageName(r.Project), parentType,
		tokens.Type(typ), name))
}

// Resources returns every registration in order.
func (r *Recorder) Resources() []*Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Resource(nil), r.resources...)
}

// ByType returns the registrations of one type token, in order.
func (r *Recorder) ByType(typ string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources() {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Find returns the registration of a type with a logical name, or nil.
func (r *Recorder) Find(typ, name string) *Resource {
	for _, res := range r.ByType(typ) {
		if res.Name == name {
			return res
		}
	}
	return nil
}

// Get returns the registration with a URN, or nil.
func (r *Recorder) Get(urn string) *Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byURN[urn]
}

// Children returns the direct children of a URN, in order.
func (r *Recorder) Children(urn string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources() {
		if res.Parent == urn {
			out = append(out, res)
		}
	}
	return out
}

// Counts returns how many resources of each type were registered.
func (r *Recorder) Counts() map[string]int {
	out := map[string]int{}
	for _, res := range r.Resources() {
		out[res.Type]++
	}
	return out
}

// Invokes returns the data sources called, sorted.
func (r *Recorder) Invokes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.invokes))
	for k := range r.invokes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hexID is a stable hexadecimal id derived from a seed, so plans are reproducible run to run.
func hexID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		h += h
	}
	return h[:n]
}

// Plain converts SDK property values to JSON-like values: secrets become "[secret]", unknowns
// "[unknown]", resource references their URN.
func Plain(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsComputed():
		return "[unknown]"
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return "[secret]"
		}
		if !o.Known {
			return "[unknown]"
		}
		return plainValue(o.Element)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	case v.IsAsset():
		return map[string]any{"asset": v.AssetValue().Hash}
	case v.IsArchive():
		return map[string]any{"archive": v.ArchiveValue().Hash}
	}
	return nil
}

// Ordered returns every registration in a stable order: a resource after its parent and its dependencies
// (as `pulumi stack export` lists them), ties broken by URN. The mock registers resources concurrently, so
// registration order differs run to run; this order does not, and plans diff cleanly on a pull request.
func (r *Recorder) Ordered() []*Resource {
	all := r.Resources()
	byURN := make(map[string]*Resource, len(all))
	for _, res := range all {
		byURN[res.URN] = res
	}
	waiting := map[string]int{}      // URN -> how many of its prerequisites are not yet placed
	next := map[string][]*Resource{} // URN -> resources waiting on it
	for _, res := range all {
		for _, pre := range append([]string{res.Parent}, res.Dependencies...) {
			if _, known := byURN[pre]; known && pre != res.URN {
				waiting[res.URN]++
				next[pre] = append(next[pre], res)
			}
		}
	}
	var ready []*Resource
	for _, res := range all {
		if waiting[res.URN] == 0 {
			ready = append(ready, res)
		}
	}
	out := make([]*Resource, 0, len(all))
	for len(ready) > 0 {
		sort.Slice(ready, func(i, j int) bool { return ready[i].URN < ready[j].URN })
		res := ready[0]
		ready = ready[1:]
		out = append(out, res)
		for _, n := range next[res.URN] {
			if waiting[n.URN]--; waiting[n.URN] == 0 {
				ready = append(ready, n)
			}
		}
	}
	return out
}

// Strays lists the resources that do not belong to the one component of type componentType: not its
// direct child, or not named from namePrefix (two instances of a component would collide). A component's
// tests assert it is empty.
func (r *Recorder) Strays(componentType, namePrefix string) []string {
	components := r.ByType(componentType)
	if len(components) != 1 {
		return []string{fmt.Sprintf("%d components of type %s, want 1", len(components), componentType)}
	}
	var out []string
	for _, res := range r.Resources() {
		if res == components[0] {
			continue
		}
		if res.Parent != components[0].URN || !strings.HasPrefix(res.Name, namePrefix) {
			out = append(out, res.URN)
		}
	}
	return out
}
