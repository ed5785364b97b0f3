package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Export is the plan in the shape of `pulumi stack export` (deployment version 3).
type Export struct {
	Version    int        `json:"version"`
	Deployment Deployment `json:"deployment"`
}

// Deployment is the body of an export.
type Deployment struct {
	Manifest  Manifest        `json:"manifest"`
	Resources []ExportedState `json:"resources"`
}

// Manifest says what wrote the deployment.
type Manifest struct {
	Time    string `json:"time"`
	Magic   string `json:"magic"`
	Version string `json:"version"`
}

// ExportedState is one resource as `pulumi stack export` lists it.
type ExportedState struct {
	URN          string         `json:"urn"`
	Custom       bool           `json:"custom"`
	ID           string         `json:"id,omitempty"`
	Type         string         `json:"type"`
	Inputs       map[string]any `json:"inputs,omitempty"`
	Outputs      map[string]any `json:"outputs,omitempty"`
	Parent       string         `json:"parent,omitempty"`
	Protect      bool           `json:"protect,omitempty"`
	Dependencies []string       `json:"dependencies,omitempty"`
}

// SDKVersion is the Pulumi SDK the plan runs under.
const SDKVersion = "v3.274.1"

// Export returns the recorded plan, the root stack first, as `pulumi stack export` would order it.
func (r *Recorder) Export(now time.Time) Export {
	stackURN := r.urn("", "pulumi:pulumi:Stack", r.Project+"-"+r.Stack)
	states := []ExportedState{{URN: stackURN, Type: "pulumi:pulumi:Stack"}}
	for _, res := range r.Ordered() {
		parent := res.Parent
		if parent == "" {
			parent = stackURN
		}
		outputs := res.Outputs
		if !res.Custom && !res.Remote {
			outputs = nil // component outputs are not sent to mocks
		}
		states = append(states, ExportedState{
			URN: res.URN, Custom: res.Custom, ID: res.ID, Type: res.Type, Inputs: res.Inputs,
			Outputs: outputs, Parent: parent, Protect: res.Protect, Dependencies: res.Dependencies,
		})
	}
	return Export{Version: 3, Deployment: Deployment{
		Manifest:  Manifest{Time: now.UTC().Format(time.RFC3339), Magic: "", Version: SDKVersion},
		Resources: states,
	}}
}

// WriteJSON writes the export, indented.
func (r *Recorder) WriteJSON(w io.Writer, now time.Time) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.Export(now)); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	return nil
}

// WriteTree prints each top-level resource with its children, indented, then a count per type.
func (r *Recorder) WriteTree(w io.Writer) {
	all := r.Ordered()
	children := map[string][]*Resource{}
	var roots []*Resource
	for _, res := range all {
		if res.Parent == "" || r.Get(res.Parent) == nil {
			roots = append(roots, res)
			continue
		}
		children[res.Parent] = append(children[res.Parent], res)
	}
	fmt.Fprintf(w, "%s (stack %s, %s, account %s): %d resources\n", r.Project, r.Stack, r.Region, Account, len(all))
	var walk func(res *Resource, depth int)
	walk = func(res *Resource, depth int) {
		marks := ""
		if res.Protect {
			marks = "  [protected]"
		}
		fmt.Fprintf(w, "%s%s  %s%s\n", strings.Repeat("  ", depth+1), res.Type, res.Name, marks)
		for _, c := range children[res.URN] {
			walk(c, depth+1)
		}
	}
	for _, res := range roots {
		walk(res, 0)
	}
	counts := r.Counts()
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Fprintln(w, "\nresources by type:")
	for _, t := range types {
		fmt.Fprintf(w, "  %4d  %s\n", counts[t], t)
	}
}

// ReadExport reads a plan written by WriteJSON back into a Recorder, so tests and reports query a plan
// file the way they query a live run. The root stack resource is dropped; RawInputs stay nil.
func ReadExport(r io.Reader) (*Recorder, error) {
	var e Export
	if err := json.NewDecoder(r).Decode(&e); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if e.Version != 3 {
		return nil, fmt.Errorf("plan: export version %d, want 3", e.Version)
	}
	rec := &Recorder{byURN: map[string]*Resource{}, invokes: map[string]int{}}
	var stackURN string
	for _, s := range e.Deployment.Resources {
		if s.Type == "pulumi:pulumi:Stack" {
			stackURN = s.URN
			// urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<name>
			parts := strings.Split(s.URN, "::")
			if len(parts) >= 2 {
				rec.Stack = strings.TrimPrefix(parts[0], "urn:pulumi:")
				rec.Project = parts[1]
			}
			continue
		}
		parent := s.Parent
		if parent == stackURN {
			parent = ""
		}
		name := s.URN[strings.LastIndex(s.URN, "::")+2:]
		res := &Resource{URN: s.URN, Type: s.Type, Name: name, Custom: s.Custom, Parent: parent,
			Dependencies: s.Dependencies, Protect: s.Protect, ID: s.ID, Inputs: s.Inputs, Outputs: s.Outputs}
		rec.resources = append(rec.resources, res)
		rec.byURN[s.URN] = res
	}
	return rec, nil
}
