package queuelatency

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scripted is a Source that answers from a script, one entry per read, and stops the run at the read
// after the last.
type scripted struct {
	reads []func() (map[string]time.Duration, error)
	n     int
	stop  context.CancelFunc
}

func (s *scripted) Latencies(ctx context.Context) (map[string]time.Duration, error) {
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("the Runner gave no deadline")
	}
	if s.n == len(s.reads) {
		// SIGTERM during a read: the read fails because of it, and that is not worth a log line.
		s.stop()
		return nil, ctx.Err()
	}
	s.n++
	return s.reads[s.n-1]()
}

func TestRunnerPrintsReadsAndNothingForAFailedOne(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ok := func(d time.Duration) func() (map[string]time.Duration, error) {
		return func() (map[string]time.Duration, error) { return map[string]time.Duration{"default": d}, nil }
	}
	src := &scripted{stop: cancel, reads: []func() (map[string]time.Duration, error){
		ok(10 * time.Second),
		func() (map[string]time.Duration, error) {
			return nil, errors.New("sidekiq: redis at cache:6379: connection refused")
		},
		ok(20 * time.Second),
	}}
	var stdout, stderr bytes.Buffer
	clock := time.UnixMilli(1_800_000_000_000)
	Runner{Source: src, Service: "fp-test-worker", Interval: 5 * time.Millisecond, Stdout: &stdout,
		Log: slog.New(slog.NewJSONHandler(&stderr, nil)), Now: func() time.Time { return clock }}.Run(ctx)

	require.Equal(t, 3, src.n, "one read at once, then one per interval until stopped")
	var got []float64
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var d Document
		require.NoError(t, json.Unmarshal([]byte(l), &d), l)
		got = append(got, d.QueueLatency)
	}
	assert.Equal(t, []float64{10, 10, 20, 20}, got, "per-queue and maximum lines of reads 1 and 3; none for read 2")

	var logged struct{ Level, Msg, Error string }
	require.NoError(t, json.Unmarshal(bytes.TrimSpace(stderr.Bytes()), &logged), "one JSON log line: %s", stderr.String())
	assert.Equal(t, "ERROR", logged.Level)
	assert.Equal(t, "queue latency not read: no metric for this interval", logged.Msg)
	assert.Equal(t, "sidekiq: redis at cache:6379: connection refused", logged.Error)
}

func TestRunnerBoundsEachReadByTheInterval(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var deadline time.Duration
	src := &scripted{stop: cancel, reads: []func() (map[string]time.Duration, error){
		func() (map[string]time.Duration, error) { return nil, nil },
	}}
	probe := sourceFunc(func(ctx context.Context) (map[string]time.Duration, error) {
		dl, _ := ctx.Deadline()
		deadline = time.Until(dl)
		return src.Latencies(ctx)
	})
	Runner{Source: probe, Service: "w", Interval: 50 * time.Millisecond, Timeout: time.Hour, Stdout: &bytes.Buffer{}}.Run(ctx)
	assert.LessOrEqual(t, deadline, 50*time.Millisecond, "a read never outlasts the interval")
	assert.Greater(t, deadline, time.Duration(0))
}

type sourceFunc func(ctx context.Context) (map[string]time.Duration, error)

func (f sourceFunc) Latencies(ctx context.Context) (map[string]time.Duration, error) { return f(ctx) }
