package compliance

import (
	"fmt"
	"strings"
)

// SecurityHubMarkdown is the SecurityHub table as docs/SOC2.md shows it (a test keeps the two equal): every
// control with its title, the AWS resource type it evaluates, and how the report covers it.
func SecurityHubMarkdown() string {
	prodOnly := map[string]bool{}
	for _, c := range Controls() {
		for _, ch := range c.Checks {
			prodOnly[ch.ID] = ch.ProdOnly
		}
	}
	n := map[Coverage]int{}
	fsbp := 0
	for _, c := range SecurityHub {
		n[c.Coverage]++
		if c.FSBP {
			fsbp++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d controls, %d of them in the FSBP standard: %d checked, %d not adopted, %d need runtime data, "+
		"%d account-level, %d not applicable. Membership of FSBP: <%s>; each control links to its definition.\n\n",
		len(SecurityHub), fsbp, n[Checked], n[NotAdopted], n[Runtime], n[Account], n[NotApplicable], FSBPSource)
	b.WriteString("| Control | FSBP | Title | Evaluates | The report |\n|---|---|---|---|---|\n")
	for _, c := range SecurityHub {
		member := "yes"
		if !c.FSBP {
			member = "no"
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %s | `%s` | %s |\n", c.ID, c.Source(), member, cell(c.Title), c.Resource, cell(coverageCell(c, prodOnly)))
	}
	return b.String()
}

// coverageCell says how the report covers a control: the checks that decide it, or why none does.
func coverageCell(c SecurityHubControl, prodOnly map[string]bool) string {
	if c.Coverage != Checked {
		return "**" + string(c.Coverage) + "**: " + c.Why
	}
	ids := make([]string, len(c.Checks))
	for i, id := range c.Checks {
		ids[i] = "`" + id + "`"
		if prodOnly[id] {
			ids[i] += " (prod only)"
		}
	}
	s := "checked: " + strings.Join(ids, ", ")
	if c.Why != "" {
		s += "; " + c.Why
	}
	return s
}

// cell escapes the characters that would end a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
