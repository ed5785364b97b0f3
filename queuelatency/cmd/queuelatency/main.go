// Command queuelatency is the worker task's queue-latency sidecar (package queuelatency): every
// INTERVAL_SECONDS it prints the age of the oldest job of each of QUEUES to stdout as CloudWatch Embedded
// Metric Format, and its own events to stderr as JSON. It stops on SIGTERM (what ECS sends) or SIGINT
// and exits 0; it exits 2 at start on a configuration it cannot run with.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/fargate-platform/fargate-platform/queuelatency"
)

func main() { os.Exit(run()) }

func run() int {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := queuelatency.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("configuration: not starting", "error", err.Error())
		return 2
	}
	src, err := queuelatency.NewSource(cfg, os.Getenv)
	if err != nil {
		log.Error("configuration: not starting", "error", err.Error())
		return 2
	}
	if strings.HasPrefix(os.Getenv(queuelatency.EnvRedisURL), "redis://") {
		log.Warn("redis:// is plain TCP: the password and jobs cross the network in clear; ElastiCache needs rediss://")
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	log.Info("started", "jobSystem", cfg.JobSystem, "service", cfg.Service, "queues", cfg.Queues,
		"intervalSeconds", cfg.Interval.Seconds(), "namespace", queuelatency.Namespace)
	queuelatency.Runner{Source: src, Service: cfg.Service, Interval: cfg.Interval, Stdout: os.Stdout, Log: log}.Run(ctx)
	if c, ok := src.(interface{ Close() error }); ok {
		_ = c.Close()
	}
	log.Info("stopped")
	return 0
}
