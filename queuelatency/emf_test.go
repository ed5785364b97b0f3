package queuelatency

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emfUnits are the units the EMF JSON schema accepts (its MetricDefinition.Unit pattern).
var emfUnits = strings.Split("Seconds|Microseconds|Milliseconds|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes|Bits|"+
	"Kilobits|Megabits|Gigabits|Terabits|Percent|Count|Bytes/Second|Kilobytes/Second|Megabytes/Second|"+
	"Gigabytes/Second|Terabytes/Second|Bits/Second|Kilobits/Second|Megabits/Second|Gigabits/Second|"+
	"Terabits/Second|Count/Second|None", "|")

// requireEMF checks one log event against the EMF specification's MUSTs
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
// and returns the metric series it defines: "namespace|metric|dim=value,..." → value.
func requireEMF(t *testing.T, line string) map[string]float64 {
	t.Helper()
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&root), "the log event is one JSON object: %s", line)
	require.False(t, dec.More(), "no data after the object")
	aws, ok := root["_aws"].(map[string]any)
	require.True(t, ok, "_aws is an object")
	ts, ok := aws["Timestamp"].(json.Number)
	require.True(t, ok, "_aws.Timestamp is a number")
	_, err := ts.Int64()
	require.NoError(t, err, "_aws.Timestamp is integer milliseconds")
	directives, ok := aws["CloudWatchMetrics"].([]any)
	require.True(t, ok, "_aws.CloudWatchMetrics is an array")
	series := map[string]float64{}
	for _, d := range directives {
		dir := d.(map[string]any)
		ns, _ := dir["Namespace"].(string)
		require.NotEmpty(t, ns, "Namespace")
		dimSets, ok := dir["Dimensions"].([]any)
		require.True(t, ok && len(dimSets) > 0, "Dimensions is an array of DimensionSets")
		metrics, ok := dir["Metrics"].([]any)
		require.True(t, ok && len(metrics) > 0 && len(metrics) <= 100, "Metrics holds 1 to 100 MetricDefinitions")
		for _, m := range metrics {
			def := m.(map[string]any)
			name, _ := def["Name"].(string)
			require.NotEmpty(t, name, "MetricDefinition.Name")
			require.Contains(t, emfUnits, def["Unit"], "Unit")
			v, ok := root[name].(json.Number)
			require.True(t, ok, "metric %s is a numeric root member", name)
			f, err := v.Float64()
			require.NoError(t, err)
			for _, set := range dimSets {
				keys := set.([]any)
				require.LessOrEqual(t, len(keys), 30, "a DimensionSet holds at most 30 keys")
				var dims []string
				for _, k := range keys {
					val, ok := root[k.(string)].(string)
					require.True(t, ok, "dimension %s is a string root member", k)
					require.LessOrEqual(t, len(val), 1024, "a dimension value holds at most 1024 characters")
					dims = append(dims, k.(string)+"="+val)
				}
				slices.Sort(dims)
				series[ns+"|"+name+"|"+strings.Join(dims, ",")] = f
			}
		}
	}
	return series
}

func TestDocumentsAreExactlyTheseEMFLines(t *testing.T) {
	at := time.UnixMilli(1_800_000_000_123)
	got := Documents(at, "fp-prod-worker", map[string]time.Duration{
		"mailers": 1500 * time.Millisecond,
		"default": 42*time.Second + 123456*time.Microsecond,
		"low":     0,
	})
	var lines []string
	for _, d := range got {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		lines = append(lines, string(b))
	}
	perQueue := `{"_aws":{"Timestamp":1800000000123,"CloudWatchMetrics":[{"Namespace":"fargate-platform/Queues",` +
		`"Dimensions":[["Service","Queue"]],"Metrics":[{"Name":"QueueLatency","Unit":"Seconds"}]}]},"Service":"fp-prod-worker",`
	assert.Equal(t, []string{
		perQueue + `"Queue":"default","QueueLatency":42.123}`,
		perQueue + `"Queue":"low","QueueLatency":0}`,
		perQueue + `"Queue":"mailers","QueueLatency":1.5}`,
		`{"_aws":{"Timestamp":1800000000123,"CloudWatchMetrics":[{"Namespace":"fargate-platform/Queues",` +
			`"Dimensions":[["Service"]],"Metrics":[{"Name":"QueueLatency","Unit":"Seconds"}]}]},"Service":"fp-prod-worker","QueueLatency":42.123}`,
	}, lines)

	// Read as CloudWatch would: the series each line creates, and nothing else.
	series := map[string]float64{}
	for _, l := range lines {
		for k, v := range requireEMF(t, l) {
			require.NotContains(t, series, k, "each series once per read")
			series[k] = v
		}
	}
	assert.Equal(t, map[string]float64{
		"fargate-platform/Queues|QueueLatency|Queue=default,Service=fp-prod-worker": 42.123,
		"fargate-platform/Queues|QueueLatency|Queue=low,Service=fp-prod-worker":     0,
		"fargate-platform/Queues|QueueLatency|Queue=mailers,Service=fp-prod-worker": 1.5,
		// The series the scaling policy tracks: the worst queue.
		"fargate-platform/Queues|QueueLatency|Service=fp-prod-worker": 42.123,
	}, series)
}

func TestDocumentsNamesMatchTheExportedConstants(t *testing.T) {
	// pkg/service builds the policy from the constants; the JSON member names are struct tags.
	b, err := json.Marshal(Documents(time.UnixMilli(0), "svc", map[string]time.Duration{"q": time.Second})[0])
	require.NoError(t, err)
	var root map[string]any
	require.NoError(t, json.Unmarshal(b, &root))
	for _, member := range []string{MetricName, ServiceDimension, QueueDimension} {
		assert.Contains(t, root, member)
	}
	assert.Equal(t, "Seconds", Unit)
}

func TestNoLatenciesNoDocuments(t *testing.T) {
	assert.Empty(t, Documents(time.Now(), "svc", nil), "no made-up maximum of nothing")
}
