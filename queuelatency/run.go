package queuelatency

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"time"
)

// Runner reads a Source every Interval and prints what it read.
type Runner struct {
	// Source is the job system.
	Source Source
	// Service is the ServiceDimension value.
	Service string
	// Interval is the time between reads; the first read is at once. Default DefaultInterval.
	Interval time.Duration
	// Timeout bounds one read. Default 5 s, and never more than Interval.
	Timeout time.Duration
	// Stdout receives the EMF documents, one JSON object per line, each in a single Write.
	Stdout io.Writer
	// Log receives the sidecar's own events (JSON on stderr in the binary). Default: discarded.
	Log *slog.Logger
	// Now is the clock that stamps documents. Default time.Now.
	Now func() time.Time
}

// Run reads until ctx is done, then returns. A failed read is logged and prints nothing: an unknown
// latency is missing data to the policy's alarms, which then neither scale out nor in, whereas a made-up
// zero would scale the worker in while its queue grows.
func (r Runner) Run(ctx context.Context) {
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Interval <= 0 {
		r.Interval = DefaultInterval
	}
	if r.Timeout <= 0 {
		r.Timeout = 5 * time.Second
	}
	r.Timeout = min(r.Timeout, r.Interval)
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		r.once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// once is one read and its documents.
func (r Runner) once(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, r.Timeout)
	latencies, err := r.Source.Latencies(rctx)
	cancel()
	if ctx.Err() != nil {
		return // stopping: a read cut short is not a failure worth logging
	}
	if err != nil {
		r.Log.Error("queue latency not read: no metric for this interval", "error", err.Error())
		return
	}
	for _, d := range Documents(r.Now(), r.Service, latencies) {
		line, err := json.Marshal(d)
		if err != nil {
			r.Log.Error("EMF document", "error", err.Error())
			return
		}
		if _, err := r.Stdout.Write(append(line, '\n')); err != nil {
			r.Log.Error("stdout", "error", err.Error())
			return
		}
	}
}
