package compliance

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/fargate-platform/fargate-platform/pkg/iampolicy"
)

// iamActions is the AWS Service Authorization Reference for the services the platform uses: action,
// access level, and its resource types or * when it supports no resource-level permissions. The header
// lines say where it comes from.
//
//go:embed iam-actions.tsv
var iamActions string

var (
	actionsOnce sync.Once
	actions     map[string]bool // lower-cased action -> supports resource-level permissions
)

// ResourceLevel reports whether an action (or every action an action pattern such as "logs:Get*"
// matches) supports resource-level permissions, and whether the data knows the action at all. A pattern
// counts as resource-level when any action it matches is.
func ResourceLevel(action string) (supported, known bool) {
	actionsOnce.Do(func() {
		actions = map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(iamActions))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cols := strings.Split(line, "\t")
			if len(cols) == 3 {
				actions[strings.ToLower(cols[0])] = cols[2] != "*"
			}
		}
	})
	a := strings.ToLower(action)
	if !strings.ContainsAny(a, "*?") {
		s, ok := actions[a]
		return s, ok
	}
	for name, s := range actions {
		if ok, _ := path.Match(a, name); ok {
			known = true
			supported = supported || s
		}
	}
	return supported, known
}

// statement is a policy statement as written, with the negated forms the typed document has no room for.
type statement struct {
	iampolicy.Statement
	NotAction, NotResource []string
	// PrincipalStar is a Principal of "*" or {"AWS": "*"}.
	PrincipalStar bool
}

// decodePolicy reads a policy document leniently: Action, Resource and principals may be a string or a
// list, Principal may be "*", and condition values may be strings, booleans or numbers. The result uses
// the iampolicy types, so checks read every policy the same way whoever wrote it.
func decodePolicy(doc string) ([]statement, error) {
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err2 := json.Unmarshal(raw.Statement, &one); err2 != nil {
			return nil, fmt.Errorf("policy: Statement: %w", err)
		}
		stmts = []map[string]json.RawMessage{one}
	}
	var out []statement
	for _, m := range stmts {
		var s statement
		_ = json.Unmarshal(m["Sid"], &s.Sid)
		_ = json.Unmarshal(m["Effect"], &s.Effect)
		s.Action, s.NotAction = strOrList(m["Action"]), strOrList(m["NotAction"])
		s.Resource, s.NotResource = strOrList(m["Resource"]), strOrList(m["NotResource"])
		if p, ok := m["Principal"]; ok {
			var star string
			if json.Unmarshal(p, &star) == nil {
				s.PrincipalStar = star == "*"
				s.Principal = &iampolicy.Principal{AWS: []string{star}}
			} else {
				var pm map[string]json.RawMessage
				if err := json.Unmarshal(p, &pm); err != nil {
					return nil, fmt.Errorf("policy: Principal: %w", err)
				}
				s.Principal = &iampolicy.Principal{AWS: strOrList(pm["AWS"]), Service: strOrList(pm["Service"]),
					Federated: strOrList(pm["Federated"])}
				for _, a := range s.Principal.AWS {
					s.PrincipalStar = s.PrincipalStar || a == "*"
				}
			}
		}
		if c, ok := m["Condition"]; ok {
			var cm map[string]map[string]json.RawMessage
			if err := json.Unmarshal(c, &cm); err != nil {
				return nil, fmt.Errorf("policy: Condition: %w", err)
			}
			s.Condition = iampolicy.Condition{}
			for op, keys := range cm {
				s.Condition[op] = map[string][]string{}
				for k, v := range keys {
					s.Condition[op][k] = strOrList(v)
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// strOrList reads a JSON string, scalar or list of them as strings.
func strOrList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var l []any
	if json.Unmarshal(raw, &l) != nil {
		var one any
		if json.Unmarshal(raw, &one) != nil || one == nil {
			return nil
		}
		l = []any{one}
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// label names a statement in evidence.
func (s statement) label(i int) string {
	if s.Sid != "" {
		return fmt.Sprintf("Statement[%d] %s", i, s.Sid)
	}
	return fmt.Sprintf("Statement[%d]", i)
}
