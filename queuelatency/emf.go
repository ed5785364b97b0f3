package queuelatency

import (
	"maps"
	"math"
	"slices"
	"time"
)

// Document is one EMF log event, members in the order they are written. The spec's rules it follows
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
// the root holds _aws and, as plain members, every dimension a DimensionSet names (string values) and
// every metric a MetricDefinition names (a number); _aws.Timestamp is milliseconds since the epoch.
type Document struct {
	AWS     Metadata `json:"_aws"`
	Service string   `json:"Service"`
	// Queue is empty, and absent from the JSON, on the document that carries the largest latency.
	Queue string `json:"Queue,omitempty"`
	// QueueLatency is in seconds, rounded to the millisecond. Its JSON name is MetricName.
	QueueLatency float64 `json:"QueueLatency"`
}

// Metadata is EMF's _aws member.
type Metadata struct {
	Timestamp         int64             `json:"Timestamp"`
	CloudWatchMetrics []MetricDirective `json:"CloudWatchMetrics"`
}

// MetricDirective tells CloudWatch which root members are metrics and which are their dimensions.
type MetricDirective struct {
	Namespace  string             `json:"Namespace"`
	Dimensions [][]string         `json:"Dimensions"`
	Metrics    []MetricDefinition `json:"Metrics"`
}

// MetricDefinition names a metric member and its unit.
type MetricDefinition struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// Documents are what one successful read prints: a document per queue with dimensions {Service, Queue},
// in queue name order, then one with {Service} alone holding the largest of them, the value the scaling
// policy tracks. One document cannot carry both: a dimension set applies to every metric of the document,
// and each root member has one value. All share the read's timestamp. No latencies, no documents.
func Documents(at time.Time, service string, latencies map[string]time.Duration) []Document {
	if len(latencies) == 0 {
		return nil
	}
	meta := func(dims ...string) Metadata {
		return Metadata{Timestamp: at.UnixMilli(), CloudWatchMetrics: []MetricDirective{{
			Namespace:  Namespace,
			Dimensions: [][]string{dims},
			Metrics:    []MetricDefinition{{Name: MetricName, Unit: Unit}},
		}}}
	}
	var out []Document
	var largest time.Duration
	for _, q := range slices.Sorted(maps.Keys(latencies)) {
		d := latencies[q]
		largest = max(largest, d)
		out = append(out, Document{AWS: meta(ServiceDimension, QueueDimension), Service: service, Queue: q,
			QueueLatency: seconds(d)})
	}
	return append(out, Document{AWS: meta(ServiceDimension), Service: service, QueueLatency: seconds(largest)})
}

// seconds rounds to the millisecond: finer digits are noise next to a 15-second interval.
func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }
