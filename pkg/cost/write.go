package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Run is `plan --report cost`: the estimate of the plan in the stack's Region with DefaultAssumptions, set
// against the guide's design in the same Region; a line per priced resource (--verbose: with each priced
// dimension), the whole report as JSON with --json FILE. A cost report informs and never fails the plan.
func Run(rec *plan.Recorder, sc plan.StackConfig, opts plan.ReportOptions, w io.Writer) (bool, error) {
	region := sc.Values["aws:region"]
	report := Estimate(rec, region, DefaultAssumptions())
	guide, err := Guide(region, DefaultAssumptions())
	if err != nil {
		return false, err
	}
	report.Compare("the guide's design", guide)
	report.write(w, opts.Verbose)
	if opts.JSON != nil {
		if err := report.WriteJSON(opts.JSON); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Write prints the report: each category's total and its resources', the total (against the guide's
// design when compared), the running hours replayed, the assumptions, what is not estimated, and the
// unpriced types.
func (r Report) Write(w io.Writer) { r.write(w, false) }

// WriteVerbose prints what Write prints with every priced dimension of every resource: quantity, unit
// price, monthly figure and the table row.
func (r Report) WriteVerbose(w io.Writer) { r.write(w, true) }

func (r Report) write(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "Cost estimate (stack %s, %s): USD a month at on-demand list prices\n", r.Stack, r.Region)
	for _, c := range r.Categories {
		fmt.Fprintf(w, "\n%-64s %10s\n", c.Category, money(c.Monthly))
		for _, rc := range r.Resources {
			if rc.Category != c.Category {
				continue
			}
			fmt.Fprintf(w, "  %-62s %10s\n", resourceName(rc), money(rc.Monthly))
			if !verbose {
				continue
			}
			for _, l := range rc.Lines {
				mark := ""
				if !l.Confirmed {
					mark = " (unconfirmed)"
				}
				fmt.Fprintf(w, "      %s: %s × %s @ $%s = %s  [%s%s]\n", l.Item, quantity(l.Quantity), l.Unit,
					unitPrice(l.USDPerUnit), money(l.Monthly), l.Key, mark)
			}
		}
	}
	fmt.Fprintf(w, "\n%-64s %10s\n", "TOTAL", money(r.Total))
	if g := r.Guide; g != nil {
		fmt.Fprintf(w, "%-64s %10s\n", g.Name+" (pkg/cost/guide.go)", money(g.Total))
		fmt.Fprintf(w, "this stack costs %.0f%% of %s\n", g.Ratio*100, g.Name)
	}
	fmt.Fprintf(w, "%d resources cost nothing themselves (Free in pkg/cost/prices.go)\n", r.FreeResources)
	if len(r.Schedules) > 0 {
		fmt.Fprintln(w, "\nRunning hours (desired counts, scalable targets and scheduled actions replayed over a week):")
		for _, s := range r.Schedules {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	a := r.Assumptions
	fmt.Fprintln(w, "\nAssumptions (cost.Assumptions):")
	fmt.Fprintf(w, "  %g hours a month; Fargate Spot at %g%% off on-demand\n", a.HoursPerMonth, a.SpotDiscount*100)
	fmt.Fprintf(w, "  traffic: %g GB a month through the NAT gateways together, %g GB per interface endpoint, %g LCU per load balancer\n",
		a.NatGB, a.EndpointGB, a.LCU)
	fmt.Fprintf(w, "  logs: %g GB ingested a month per log group; storage: %g GB per repository, %g GB per bucket, %g GB of database backups beyond the free allowance\n",
		a.LogGB, a.ImageGB, a.BucketGB, a.BackupGB)
	fmt.Fprintf(w, "  requests: %g per KMS key, %g per secret a month; %g task-hours a month per one-off task; %g CloudTrail events a month for GuardDuty\n",
		a.KMSRequests, a.SecretCalls, a.OneOffTaskHours, a.CloudTrailEvents)
	fmt.Fprintf(w, "  EFS: %g GB stored per file system; %g GB read and %g GB written a month per elastic-throughput file system\n",
		a.VolumeGB, a.VolumeReadGB, a.VolumeWriteGB)
	if len(r.NotEstimated) > 0 {
		fmt.Fprintln(w, "\nNot estimated:")
		for _, n := range r.NotEstimated {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	lines := 0
	for _, rc := range r.Resources {
		lines += len(rc.Lines)
	}
	fmt.Fprintf(w, "\n%d of %d priced lines use a price the table marks unconfirmed (pkg/cost/prices.go says why for each)\n",
		r.Unconfirmed, lines)
	if len(r.Unpriced) == 0 {
		fmt.Fprintln(w, "Unpriced: none (every resource has a price or is free)")
		return
	}
	fmt.Fprintln(w, "UNPRICED (not in the total):")
	for _, u := range r.Unpriced {
		fmt.Fprintf(w, "  %s ×%d: %s\n", u.Type, len(u.URNs), u.Why)
		if verbose {
			for _, urn := range u.URNs {
				fmt.Fprintf(w, "      %s\n", urn)
			}
		}
	}
}

// resourceName is a resource's logical name and its type's short name.
func resourceName(rc ResourceCost) string {
	return fmt.Sprintf("%s (%s)", rc.URN[strings.LastIndex(rc.URN, "::")+2:], rc.Type[strings.LastIndex(rc.Type, ":")+1:])
}

func money(v float64) string { return fmt.Sprintf("$%.2f", v) }

func quantity(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.3f", v)
}

func unitPrice(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// WriteJSON writes the whole report as JSON (the shape ReadJSON reads, and Diff compares).
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	return nil
}

// ReadJSON reads a report WriteJSON wrote.
func ReadJSON(rd io.Reader) (Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return Report{}, fmt.Errorf("cost: %w", err)
	}
	return r, nil
}
