// Package queuelatency is a worker task's sidecar: every interval it reads how long the oldest job of
// each queue has waited and prints the ages to stdout in CloudWatch Embedded Metric Format (EMF). The
// task's awslogs driver ships stdout to the worker's log group and CloudWatch Logs extracts the metrics
// from the log events itself, so the task needs no cloudwatch:PutMetricData and no new permission at all:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
// (the x-amzn-logs-format header that awslogs never sends is optional:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_PutLogEvents.html).
//
// A job system is a Source. Sidekiq is the one built in; another (GoodJob, Solid Queue, RQ, Celery) is a
// type with a Latencies method and a case in NewSource.
//
// pkg/service builds the sidecar's container definition and the target-tracking policy on the metric
// from the names declared here, so the two cannot drift apart.
package queuelatency

import (
	"context"
	"time"
)

// The metric's identity. The policy that scales the worker targets MetricName with the ServiceDimension
// alone (statistic Maximum); the per-queue series, with QueueDimension too, are for dashboards and alarms.
const (
	// Namespace is the CloudWatch namespace of every metric the sidecar writes.
	Namespace = "fargate-platform/Queues"
	// MetricName is the age of the oldest waiting job, in Unit.
	MetricName = "QueueLatency"
	// Unit is MetricName's CloudWatch unit.
	Unit = "Seconds"
	// ServiceDimension names the worker service: on every document.
	ServiceDimension = "Service"
	// QueueDimension names the queue: on the per-queue documents only.
	QueueDimension = "Queue"
)

// Source reads a job system's queues.
type Source interface {
	// Latencies returns, for each queue the Source was made with, how long its oldest waiting job has
	// waited: zero when the queue is empty or does not exist. An error means nothing was learnt; a Source
	// never returns part of its queues, and never a zero it did not read.
	Latencies(ctx context.Context) (map[string]time.Duration, error)
}
