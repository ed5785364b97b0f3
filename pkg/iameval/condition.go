package iameval

import (
	"fmt"
	"strconv"
	"strings"
)

// The condition operators, as https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// defines them. Each compares one value from the policy with one value from the request.
var positive = map[string]func(policy, request string) bool{
	"StringEquals":             func(p, v string) bool { return p == v },
	"StringEqualsIgnoreCase":   strings.EqualFold,
	"StringLike":               func(p, v string) bool { return glob(p, v, nil) },
	"ArnEquals":                arnLike, // "The ArnEquals and ArnLike condition operators behave identically."
	"ArnLike":                  arnLike,
	"Bool":                     strings.EqualFold,
	"NumericEquals":            numeric(func(v, p float64) bool { return v == p }),
	"NumericLessThan":          numeric(func(v, p float64) bool { return v < p }),
	"NumericLessThanEquals":    numeric(func(v, p float64) bool { return v <= p }),
	"NumericGreaterThan":       numeric(func(v, p float64) bool { return v > p }),
	"NumericGreaterThanEquals": numeric(func(v, p float64) bool { return v >= p }),
}

// negated maps each "Negated matching" operator to the operator it negates.
var negated = map[string]string{
	"StringNotEquals":           "StringEquals",
	"StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike":             "StringLike",
	"ArnNotEquals":              "ArnEquals",
	"ArnNotLike":                "ArnLike",
	"NumericNotEquals":          "NumericEquals",
}

// operator is a parsed operator name: [ForAllValues:|ForAnyValue:]<base>[IfExists], or Null.
type operator struct {
	name, set, base string
	ifExists        bool
}

func parseOperator(name string) (operator, error) {
	o := operator{name: name, base: name}
	if set, rest, ok := strings.Cut(name, ":"); ok {
		if set != "ForAllValues" && set != "ForAnyValue" {
			return o, fmt.Errorf("condition operator %q: unknown set operator %q, want ForAllValues or ForAnyValue", name, set)
		}
		o.set, o.base = set, rest
	}
	o.base, o.ifExists = strings.CutSuffix(o.base, "IfExists")
	_, pos := positive[o.base]
	_, neg := negated[o.base]
	switch {
	case o.base == "Null" && (o.ifExists || o.set != ""):
		// "You can add IfExists to the end of any condition operator name except the Null condition."
		return o, fmt.Errorf("condition operator %q: Null takes neither IfExists nor a set operator", name)
	case o.base == "Null":
	case !pos && !neg:
		return o, fmt.Errorf("unknown condition operator %q: this evaluator reads String*, Arn*, Numeric*, Bool and Null, with IfExists and ForAllValues:/ForAnyValue:", name)
	case o.set == "ForAnyValue" && o.ifExists:
		// IfExists says a missing key is true, ForAnyValue says false; AWS users report the latter
		// (repost.aws "ForAnyValue:StringEqualsIfExists behaving unexpectedly"). Refuse the ambiguity.
		return o, fmt.Errorf("condition operator %q: ForAnyValue with IfExists is ambiguous on a missing key; use ForAnyValue:%s", name, o.base)
	}
	return o, nil
}

// check refuses policy values the operator cannot compare, and a plain operator on a key the request gives
// several values: "Multivalued context keys require a condition set operator."
// (reference_policies_condition-single-vs-multi-valued-context-keys.html)
func (o operator) check(key string, values, request []string) error {
	if len(values) == 0 {
		return fmt.Errorf("%s %q: no values", o.name, key)
	}
	if o.set == "" && len(request) > 1 {
		return fmt.Errorf("%s %q: the request gives %d values; a multivalued key needs ForAllValues: or ForAnyValue:", o.name, key, len(request))
	}
	for _, v := range values {
		_, numErr := strconv.ParseFloat(v, 64)
		switch {
		case (o.base == "Null" || o.base == "Bool") && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false"):
			return fmt.Errorf("%s %q: value %q, want true or false", o.name, key, v)
		case strings.HasPrefix(o.base, "Numeric") && numErr != nil:
			return fmt.Errorf("%s %q: value %q is not a number", o.name, key, v)
		}
	}
	return nil
}

// holds evaluates one key of one operator: want are the policy's values (ORed), got the request's.
func (o operator) holds(want, got []string, present bool) bool {
	if o.base == "Null" {
		// "use either true (the key doesn't exist — it is null) or false (the key exists and its value
		// is not null)."
		for _, w := range want {
			if strings.EqualFold(w, "true") != present {
				return true
			}
		}
		return false
	}
	base, neg := o.base, false
	if b, ok := negated[o.base]; ok {
		base, neg = b, true
	}
	if !present {
		switch {
		case o.ifExists:
			// "If the key is not present, evaluate the condition element as true."
			return true
		case o.set == "ForAllValues":
			// "a condition operator modified by ForAllValues returns true" on an empty data set.
			return true
		case o.set == "ForAnyValue":
			// "... and a condition operator modified by ForAnyValue returns false."
			return false
		}
		// "If the key that you specify in a policy condition is not present in the request context, the
		// values do not match and the condition is false. If the policy condition requires that the key is
		// not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition
		// is true."
		return neg
	}
	// fits: a request value matches one of the policy's values or, negated, none of them.
	fits := func(v string) bool {
		for _, w := range want {
			if positive[base](w, v) {
				return !neg
			}
		}
		return neg
	}
	all, some := true, false
	for _, v := range got {
		all, some = all && fits(v), some || fits(v)
	}
	if o.set == "ForAllValues" {
		return all
	}
	return some // ForAnyValue, or a plain operator's one value (check refuses more)
}

func numeric(cmp func(request, policy float64) bool) func(string, string) bool {
	return func(p, v string) bool {
		pf, perr := strconv.ParseFloat(p, 64)
		vf, verr := strconv.ParseFloat(v, 64)
		return perr == nil && verr == nil && cmp(vf, pf)
	}
}

// arnLike: "Each of the six colon-delimited components of the ARN is checked separately and each can
// include multi-character match wildcards (*) or single-character match wildcards (?)."
func arnLike(pattern, value string) bool {
	p, v := strings.SplitN(pattern, ":", 6), strings.SplitN(value, ":", 6)
	if len(p) != 6 || len(v) != 6 {
		return glob(pattern, value, nil) // not an ARN: "*" still matches, as a string would
	}
	for i := range p {
		if !glob(p[i], v[i], nil) {
			return false
		}
	}
	return true
}

// resourceMatch matches the Resource element: wildcards stay within one of the first five ARN segments,
// but "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond
// the colon boundaries"; in the resource part (after the fifth colon) they match anything.
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
func resourceMatch(pattern, value string) bool {
	if !strings.HasPrefix(pattern, "arn:") {
		return glob(pattern, value, nil)
	}
	bounded, colons := make([]bool, len(pattern)), 0
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == ':':
			colons++
		case colons < 5 && c == '?':
			bounded[i] = true
		case colons < 5 && c == '*':
			bounded[i] = i+1 < len(pattern) && pattern[i+1] != ':'
		}
	}
	return glob(pattern, value, func(i int) bool { return bounded[i] })
}

// glob reports whether value matches pattern, where * matches any run of characters and ? exactly one;
// a wildcard at a position bounded reports true does not match ':'. Matching is case-sensitive; callers
// fold case where the rule says so.
func glob(pattern, value string, bounded func(int) bool) bool {
	next := make([]bool, len(value)+1) // next[j]: pattern[i+1:] matches value[j:]
	next[len(value)] = true
	for i := len(pattern) - 1; i >= 0; i-- {
		cur, c := make([]bool, len(value)+1), pattern[i]
		stop := bounded != nil && bounded(i)
		for j := len(value); j >= 0; j-- {
			takes := j < len(value) && !(stop && value[j] == ':')
			switch c {
			case '*':
				cur[j] = next[j] || (takes && cur[j+1])
			case '?':
				cur[j] = takes && next[j+1]
			default:
				cur[j] = j < len(value) && value[j] == c && next[j+1]
			}
		}
		next = cur
	}
	return next[0]
}
