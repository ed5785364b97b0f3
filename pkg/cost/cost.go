// Package cost estimates what a recorded plan costs a month at list prices: a line per priced dimension
// of each resource (its quantity, unit price and the price table row it comes from), totals per resource,
// per category and overall, and the assumptions the figures rest on. Everything the figures need is read
// from the plan: instance classes, node types and counts, Multi-AZ, task sizes and CPU architecture, the
// capacity provider strategy, desired counts and the scheduled scaling actions (replayed over a week),
// NAT gateways, addresses, endpoints, log groups. What depends on traffic (GB through a NAT gateway, LCUs,
// log volume) comes from Assumptions, printed with the report.
//
// A resource type with neither a price nor an explicit Free entry is listed as unpriced, never counted as
// zero; usage the report cannot estimate from a plan is listed too (NotEstimated).
package cost

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/plan"
)

// Assumptions are the figures a plan cannot give. DefaultAssumptions holds the defaults; each is printed.
type Assumptions struct {
	// HoursPerMonth turns hourly prices into monthly ones. Default 730 (8,760 / 12, as AWS's calculator).
	HoursPerMonth float64
	// SpotDiscount is the fraction Fargate Spot takes off on-demand. Default (0) the table's: 0.70, the most AWS
	// quotes; Spot prices move, so this is a floor on the bill, not a promise.
	SpotDiscount float64
	// NatGB is what the stack's NAT gateways process together a month, split evenly among them. Default 50.
	NatGB float64
	// EndpointGB is what each interface endpoint processes a month. Default 1.
	EndpointGB float64
	// LCU is each load balancer's average LCUs an hour. Default 1.
	LCU float64
	// LogGB is what each log group ingests a month (flow logs included). Default 1.
	LogGB float64
	// ImageGB is what each ECR repository stores (its lifecycle policy bounds it). Default 1.
	ImageGB float64
	// BucketGB is what each S3 bucket stores. Default 1.
	BucketGB float64
	// KMSRequests is each key's requests a month. Default 10,000.
	KMSRequests float64
	// SecretCalls is each secret's API calls a month. Default 10,000.
	SecretCalls float64
	// OneOffTaskHours is how long each task definition no service runs (the migration task) runs a month.
	// Default 1 (e.g. 30 deploys of 2 minutes).
	OneOffTaskHours float64
	// CloudTrailEvents is the management events a month GuardDuty analyses. Default 100,000.
	CloudTrailEvents float64
	// BackupGB is each database's backup storage beyond the free allowance (100% of its storage). Default 0.
	BackupGB float64
	// VolumeGB is what each EFS file system stores. Default 1.
	VolumeGB float64
	// VolumeReadGB and VolumeWriteGB are what each file system in elastic throughput mode reads and writes
	// a month. Default 1 each.
	VolumeReadGB, VolumeWriteGB float64
}

// DefaultAssumptions are the assumptions the report uses unless told otherwise.
func DefaultAssumptions() Assumptions {
	return Assumptions{HoursPerMonth: 730, NatGB: 50, EndpointGB: 1, LCU: 1, LogGB: 1, ImageGB: 1,
		BucketGB: 1, KMSRequests: 10000, SecretCalls: 10000, OneOffTaskHours: 1, CloudTrailEvents: 100000,
		VolumeGB: 1, VolumeReadGB: 1, VolumeWriteGB: 1}
}

// Line is one priced dimension of one resource.
type Line struct {
	URN, Type, Category string
	// Item says what is priced ("NAT gateway-hours", "vCPU-hours, ARM64, Spot").
	Item     string
	Quantity float64
	Unit     string
	// USDPerUnit is the unit price applied (a Spot price is the on-demand row less the discount).
	USDPerUnit float64
	Monthly    float64
	// Key is the price table row; Confirmed is that row's.
	Key       string
	Confirmed bool
}

// ResourceCost is one resource's lines and their sum.
type ResourceCost struct {
	URN, Type, Category string
	Lines               []Line
	Monthly             float64
}

// CategoryCost is one category's total.
type CategoryCost struct {
	Category string
	Monthly  float64
}

// Unpriced is a resource type the table has no price or Free entry for, or a resource it could not price.
type Unpriced struct {
	Type string
	URNs []string
	Why  string
}

// Report is the estimate of one plan.
type Report struct {
	Stack, Region string
	Assumptions   Assumptions
	Resources     []ResourceCost
	Categories    []CategoryCost
	Total         float64
	// Unconfirmed counts the lines priced with a row the table marks unconfirmed.
	Unconfirmed int
	Unpriced    []Unpriced
	// NotEstimated is usage the plan implies but the report leaves out, each with why.
	NotEstimated []string
	// Schedules describes each service's running hours as replayed.
	Schedules []string
	// FreeResources counts the resources of Free types.
	FreeResources int
	// Guide is the guide's design priced the same way, when the caller added it (Compare).
	Guide *Comparison `json:",omitempty"`
}

// Comparison puts a report's total against another design's.
type Comparison struct {
	Name  string
	Total float64
	// Ratio is this report's total over the other's.
	Ratio float64
}

// Compare records other's total and the ratio of r's to it.
func (r *Report) Compare(name string, other Report) {
	c := &Comparison{Name: name, Total: other.Total}
	if other.Total > 0 {
		c.Ratio = r.Total / other.Total
	}
	r.Guide = c
}

// estimator prices one plan.
type estimator struct {
	rec    *plan.Recorder
	region string
	a      Assumptions
	report *Report
	// vcpuHours are the Fargate vCPU-hours of every task a month, for GuardDuty's runtime monitoring.
	vcpuHours float64
	errs      map[string][]string // type -> URNs that failed to price, with reasons below
	why       map[string]string
}

// pricer returns a resource's lines (none for a resource that costs nothing as configured).
type pricer func(e *estimator, r *plan.Resource) ([]Line, error)

// categories name what each priced type belongs to.
var categories = map[string]string{
	tNat: "network", tEip: "network", tEndpoint: "network", tAsg: "network",
	tLB:      "edge",
	tService: "compute", tTaskDef: "compute",
	tDB: "data", tReplicationGroup: "data", tCacheCluster: "data",
	tKey: "keys and secrets", tSecret: "keys and secrets", tParameter: "keys and secrets",
	tLogGroup: "observability", tAlarm: "observability", tDashboard: "observability", tTrail: "observability",
	tDetector: "observability", tDetectorFeature: "observability",
	tRepository: "registry", tBucket: "storage", tFileSystem: "storage",
}

// Estimate prices a plan in a Region under the assumptions (zero fields take DefaultAssumptions').
func Estimate(rec *plan.Recorder, region string, a Assumptions) Report {
	a = withDefaults(a, region)
	e := &estimator{rec: rec, region: region, a: a, report: &Report{Stack: rec.Stack, Region: region, Assumptions: a},
		errs: map[string][]string{}, why: map[string]string{}}
	unknown := map[string][]string{}
	// Services first: GuardDuty's runtime monitoring is priced on their vCPU-hours.
	resources := rec.Ordered()
	sort.SliceStable(resources, func(i, j int) bool {
		return rank(resources[i].Type) < rank(resources[j].Type)
	})
	for _, r := range resources {
		fn, priced := pricers[r.Type]
		if !priced && !r.Custom && !r.Remote {
			e.report.FreeResources++ // a component: it groups its children, which are priced themselves
			continue
		}
		if !priced {
			if _, free := Free[r.Type]; free {
				e.report.FreeResources++
			} else {
				unknown[r.Type] = append(unknown[r.Type], r.URN)
			}
			continue
		}
		lines, err := fn(e, r)
		if err != nil {
			e.errs[r.Type] = append(e.errs[r.Type], r.URN)
			e.why[r.Type] = err.Error()
			continue
		}
		if len(lines) == 0 {
			e.report.FreeResources++
			continue
		}
		rc := ResourceCost{URN: r.URN, Type: r.Type, Category: categories[r.Type], Lines: lines}
		for _, l := range lines {
			rc.Monthly += l.Monthly
			if !l.Confirmed {
				e.report.Unconfirmed++
			}
		}
		e.report.Resources = append(e.report.Resources, rc)
	}
	for typ, urns := range unknown {
		e.report.Unpriced = append(e.report.Unpriced, Unpriced{Type: typ, URNs: urns,
			Why: "no price row or Free entry in pkg/cost/prices.go"})
	}
	for typ, urns := range e.errs {
		e.report.Unpriced = append(e.report.Unpriced, Unpriced{Type: typ, URNs: urns, Why: e.why[typ]})
	}
	sort.Slice(e.report.Unpriced, func(i, j int) bool { return e.report.Unpriced[i].Type < e.report.Unpriced[j].Type })
	e.totals()
	return *e.report
}

// rank orders the pricing: tasks before what is priced on them.
func rank(typ string) int {
	switch typ {
	case tService, tTaskDef:
		return 0
	case tDetectorFeature:
		return 2
	}
	return 1
}

func withDefaults(a Assumptions, region string) Assumptions {
	d := DefaultAssumptions()
	set := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	set(&a.HoursPerMonth, d.HoursPerMonth)
	set(&a.NatGB, d.NatGB)
	set(&a.EndpointGB, d.EndpointGB)
	set(&a.LCU, d.LCU)
	set(&a.LogGB, d.LogGB)
	set(&a.ImageGB, d.ImageGB)
	set(&a.BucketGB, d.BucketGB)
	set(&a.KMSRequests, d.KMSRequests)
	set(&a.SecretCalls, d.SecretCalls)
	set(&a.OneOffTaskHours, d.OneOffTaskHours)
	set(&a.CloudTrailEvents, d.CloudTrailEvents)
	set(&a.VolumeGB, d.VolumeGB)
	set(&a.VolumeReadGB, d.VolumeReadGB)
	set(&a.VolumeWriteGB, d.VolumeWriteGB)
	if a.SpotDiscount <= 0 {
		a.SpotDiscount = 0.70
		if row, err := Price(region, "fargate.spot-discount"); err == nil {
			a.SpotDiscount = row.USD
		}
	}
	return a
}

func (e *estimator) totals() {
	r := e.report
	sort.SliceStable(r.Resources, func(i, j int) bool {
		a, b := r.Resources[i], r.Resources[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if round2(a.Monthly) != round2(b.Monthly) {
			return a.Monthly > b.Monthly
		}
		return a.URN < b.URN
	})
	by := map[string]float64{}
	for _, rc := range r.Resources {
		by[rc.Category] += rc.Monthly
		r.Total += rc.Monthly
	}
	for c, v := range by {
		r.Categories = append(r.Categories, CategoryCost{c, v})
	}
	sort.Slice(r.Categories, func(i, j int) bool { return r.Categories[i].Monthly > r.Categories[j].Monthly })
	sort.Strings(r.NotEstimated)
}

// line prices quantity units of a table row.
func (e *estimator) line(r *plan.Resource, item, key string, quantity float64) (Line, error) {
	row, err := Price(e.region, key)
	if err != nil {
		return Line{}, err
	}
	return Line{URN: r.URN, Type: r.Type, Category: categories[r.Type], Item: item, Quantity: quantity, Unit: row.Unit,
		USDPerUnit: row.USD, Monthly: quantity * row.USD, Key: key, Confirmed: row.Confirmed}, nil
}

// lines builds several lines, stopping at the first missing row.
func (e *estimator) lines(r *plan.Resource, specs ...spec) ([]Line, error) {
	var out []Line
	for _, s := range specs {
		if s.quantity == 0 {
			continue
		}
		l, err := e.line(r, s.item, s.key, s.quantity)
		if err != nil {
			return nil, err
		}
		l.USDPerUnit *= s.factor()
		l.Monthly *= s.factor()
		out = append(out, l)
	}
	return out, nil
}

type spec struct {
	item, key string
	quantity  float64
	// scale multiplies the row's price (a Spot price); 0 means 1.
	scale float64
}

func (s spec) factor() float64 {
	if s.scale == 0 {
		return 1
	}
	return s.scale
}

func (e *estimator) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, n := range e.report.NotEstimated {
		if n == s {
			return
		}
	}
	e.report.NotEstimated = append(e.report.NotEstimated, s)
}

// num reads a numeric input (the SDK hands numbers as float64; task sizes are strings).
func num(r *plan.Resource, path string) (float64, bool) {
	switch v := r.In(path).(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

func boolIn(r *plan.Resource, path string) bool {
	b, _ := r.In(path).(bool)
	return b
}

func count(r *plan.Resource, path string) int {
	l, _ := r.In(path).([]any)
	return len(l)
}

// lastSegment is what follows an ARN's or id's last "/".
func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
