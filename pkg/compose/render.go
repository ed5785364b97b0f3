package compose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// KeepMarker is the comment that keeps a key of an existing stack file as the user wrote it: a re-import
// leaves every top-level key whose line ends with `# keep` (and a service or volume whose name line
// does) untouched.
const KeepMarker = "keep"

const header = `# Imported from %s by ` + "`go run . import`" + ` (report: import-%s.md). Re-importing rewrites this file
# except keys marked by hand: end a key's line with "# keep" (a top-level key, or a service or volume name
# under services/volumes) and the import leaves it as it is.
`

// StackFile renders Pulumi.<stack>.yaml, keys sorted, and keeps the marked keys of old (nil: none).
func (r *Result) StackFile(project string, old []byte) ([]byte, error) {
	cfg := &yaml.Node{Kind: yaml.MappingNode}
	keys := map[string]*yaml.Node{}
	for k, v := range r.Config {
		name := project + ":" + k
		if strings.Contains(k, ":") {
			name = k
		}
		keys[name] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	}
	if len(r.Services) > 0 {
		n := &yaml.Node{}
		if err := n.Encode(r.Services); err != nil {
			return nil, err
		}
		keys[project+":services"] = n
	}
	if len(r.Volumes) > 0 {
		n := &yaml.Node{}
		if err := n.Encode(r.Volumes); err != nil {
			return nil, err
		}
		keys[project+":volumes"] = n
	}
	kept := map[string][2]*yaml.Node{}
	if len(old) > 0 {
		var doc yaml.Node
		if err := yaml.Unmarshal(old, &doc); err != nil {
			return nil, fmt.Errorf("compose: the existing stack file: %w", err)
		}
		if c := child(&doc, "config"); c != nil {
			for i := 0; i+1 < len(c.Content); i += 2 {
				k, v := c.Content[i], c.Content[i+1]
				if marked(k, v) {
					kept[k.Value] = [2]*yaml.Node{k, v}
				} else if (strings.HasSuffix(k.Value, ":services") || strings.HasSuffix(k.Value, ":volumes")) && v.Kind == yaml.MappingNode && keys[k.Value] != nil {
					keepEntries(keys[k.Value], v)
				}
			}
		}
	}
	for _, k := range slices.Sorted(mapKeys(keys)) {
		if _, ok := kept[k]; ok {
			continue
		}
		cfg.Content = append(cfg.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, keys[k])
	}
	for _, k := range slices.Sorted(mapKeys(kept)) {
		cfg.Content = append(cfg.Content, kept[k][0], kept[k][1])
	}
	sortMapping(cfg)
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "config"}, cfg}}
	var b bytes.Buffer
	fmt.Fprintf(&b, header, strings.Join(r.Report.Files, ", "), r.Report.Stack)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func marked(k, v *yaml.Node) bool {
	return strings.TrimSpace(strings.TrimPrefix(k.LineComment, "#")) == KeepMarker ||
		strings.TrimSpace(strings.TrimPrefix(v.LineComment, "#")) == KeepMarker
}

// keepEntries puts the old file's marked entries (services or volumes by name) into the new mapping.
func keepEntries(into, old *yaml.Node) {
	for i := 0; i+1 < len(old.Content); i += 2 {
		k, v := old.Content[i], old.Content[i+1]
		if !marked(k, v) {
			continue
		}
		replaced := false
		for j := 0; j+1 < len(into.Content); j += 2 {
			if into.Content[j].Value == k.Value {
				into.Content[j], into.Content[j+1] = k, v
				replaced = true
			}
		}
		if !replaced {
			into.Content = append(into.Content, k, v)
		}
	}
	sortMapping(into)
}

func sortMapping(m *yaml.Node) {
	type kv struct{ k, v *yaml.Node }
	var pairs []kv
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, kv{m.Content[i], m.Content[i+1]})
	}
	slices.SortStableFunc(pairs, func(a, b kv) int { return strings.Compare(a.k.Value, b.k.Value) })
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}

func child(doc *yaml.Node, key string) *yaml.Node {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Diff is a line diff of old and new ("-" removed, "+" added, "  " kept), from their longest common
// subsequence.
func Diff(old, new []byte) string {
	a, b := strings.Split(string(old), "\n"), strings.Split(string(new), "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+ %s\n", b[j])
			j++
		default:
			fmt.Fprintf(&out, "- %s\n", a[i])
			i++
		}
	}
	return out.String()
}

// Markdown renders the report for people: what needs you first (secrets, required keys, items), then
// what changed, was dropped and was mapped.
func (r *Report) Markdown() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Import report: stack %s\n\nFrom %s. %d item(s) need you before a deploy.\n\n", r.Stack, strings.Join(r.Files, ", "), r.NeedsYou)
	if len(r.Secrets) > 0 {
		b.WriteString("## Secrets to set (values never shown)\n\n")
		b.WriteString("Each becomes an `appSecrets` entry (SSM SecureString, injected as an ECS secret). `pulumi config set` prompts for the value, or reads it from stdin.\n\n")
		b.WriteString("| Secret | Services | Found as | Command |\n| --- | --- | --- | --- |\n")
		for _, s := range r.Secrets {
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", s.Name, strings.Join(s.Services, ", "), s.Origin, s.Command)
		}
		b.WriteString("\n")
	}
	if len(r.Commands) > 0 {
		b.WriteString("## Required keys to set\n\n```sh\n" + strings.Join(r.Commands, "\n") + "\n```\n\n")
	}
	for _, st := range []Status{NeedsYou, Changed, Dropped, Mapped} {
		var rows []Item
		for _, it := range r.Items {
			if it.Status == st {
				rows = append(rows, it)
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "## %s (%d)\n\n| Service | Key | What | Why / to do |\n| --- | --- | --- | --- |\n", st, len(rows))
		for _, it := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", it.Service, it.Key, cell(it.What), cell(it.Why))
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// JSON renders the report for CI.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	return append(b, '\n'), err
}

// SecretCommands are the `pulumi config set --secret` runs for the secrets whose value the project
// holds: the value goes to stdin, never into argv (where ps would show it).
func (r *Result) SecretCommands(dir string) []*exec.Cmd {
	var out []*exec.Cmd
	for _, s := range r.Report.Secrets {
		v, ok := r.secretValues[s.Name]
		if !ok {
			continue
		}
		c := exec.Command("pulumi", "config", "set", "--secret", "--path", "appSecrets."+s.Name, "-s", r.Report.Stack)
		c.Dir = dir
		c.Stdin = strings.NewReader(v)
		out = append(out, c)
	}
	return out
}
