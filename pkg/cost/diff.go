package cost

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Moved is one resource whose monthly cost differs between two reports (absent on one side: 0 there).
type Moved struct {
	URN, Type     string
	Before, After float64
}

// Change is what a pull request does to a stack's monthly cost.
type Change struct {
	Stack         string
	Before, After float64
	// Moved are the resources whose cost moved by a cent or more, the largest move first.
	Moved []Moved
	// NewlyUnpriced are the types unpriced after and not before.
	NewlyUnpriced []string
}

// Diff compares the report of the base (before) with the head's (after), resource by resource (by URN).
func Diff(before, after Report) Change {
	c := Change{Stack: after.Stack, Before: before.Total, After: after.Total}
	if c.Stack == "" {
		c.Stack = before.Stack
	}
	b := map[string]ResourceCost{}
	for _, rc := range before.Resources {
		b[rc.URN] = rc
	}
	seen := map[string]bool{}
	for _, rc := range after.Resources {
		seen[rc.URN] = true
		if old := b[rc.URN]; math.Abs(round2(rc.Monthly)-round2(old.Monthly)) >= 0.01 {
			c.Moved = append(c.Moved, Moved{rc.URN, rc.Type, old.Monthly, rc.Monthly})
		}
	}
	for _, rc := range before.Resources {
		if !seen[rc.URN] && round2(rc.Monthly) >= 0.01 {
			c.Moved = append(c.Moved, Moved{rc.URN, rc.Type, rc.Monthly, 0})
		}
	}
	sort.Slice(c.Moved, func(i, j int) bool {
		di, dj := math.Abs(c.Moved[i].After-c.Moved[i].Before), math.Abs(c.Moved[j].After-c.Moved[j].Before)
		if di != dj {
			return di > dj
		}
		return c.Moved[i].URN < c.Moved[j].URN
	})
	had := map[string]bool{}
	for _, u := range before.Unpriced {
		had[u.Type] = true
	}
	for _, u := range after.Unpriced {
		if !had[u.Type] {
			c.NewlyUnpriced = append(c.NewlyUnpriced, u.Type)
		}
	}
	return c
}

// WriteMarkdown writes the change as a pull request comment's section: before → after, and a table of the
// lines that moved.
func (c Change) WriteMarkdown(w io.Writer) {
	delta := c.After - c.Before
	pct := ""
	if c.Before > 0 {
		pct = fmt.Sprintf(", %+.1f%%", delta/c.Before*100)
	}
	fmt.Fprintf(w, "#### Cost: %s\n\n%s → %s a month (%s%s)\n\n", c.Stack, money(c.Before), money(c.After), signed(delta), pct)
	if len(c.Moved) == 0 {
		fmt.Fprintln(w, "No resource's cost moved.")
	} else {
		fmt.Fprintln(w, "| Resource | Type | Before | After | Change |\n|---|---|---:|---:|---:|")
		for _, m := range c.Moved {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", m.URN[strings.LastIndex(m.URN, "::")+2:],
				m.Type[strings.LastIndex(m.Type, ":")+1:], money(m.Before), money(m.After), signed(m.After-m.Before))
		}
	}
	if len(c.NewlyUnpriced) > 0 {
		fmt.Fprintf(w, "\n**Newly unpriced** (not in the total): %s — add rows to `pkg/cost/prices.go`.\n",
			strings.Join(c.NewlyUnpriced, ", "))
	}
	fmt.Fprintln(w)
}

func signed(v float64) string {
	if v < 0 {
		return "-" + money(-v)
	}
	return "+" + money(v)
}
