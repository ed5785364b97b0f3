package queuelatency

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
)

// Sidekiq reads Sidekiq's queues the way Sidekiq::Queue#latency does (lib/sidekiq/api.rb): a queue is the
// list queue:<name>, which Sidekiq::Client LPUSHes onto, so the oldest job is the last element
// (LINDEX queue:<name> -1) and the latency is now minus its enqueued_at. enqueued_at is a JSON float of
// seconds up to Sidekiq 7 and an integer of milliseconds from Sidekiq 8; both are read. A missing or empty
// queue, and a job without enqueued_at, have latency 0, as in Sidekiq. A job enqueued by a clock ahead of
// this one has waited 0, not a negative time.
//
// It keeps one connection and reads every queue in one pipelined round trip. Not safe for concurrent use.
type Sidekiq struct {
	opts   RedisOptions
	queues []string
	now    func() time.Time

	mu   sync.Mutex
	conn *redisConn
}

// NewSidekiq reads the given queues (names without the queue: prefix) over opts. It does not connect
// until the first Latencies.
func NewSidekiq(opts RedisOptions, queues []string) *Sidekiq {
	return &Sidekiq{opts: opts, queues: append([]string(nil), queues...), now: time.Now}
}

// Latencies implements Source. A connection that fails after earlier use (a failover, an idle timeout
// on the server) is replaced and the read tried once more; any other failure is the call's error.
func (s *Sidekiq) Latencies(ctx context.Context) (map[string]time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok {
		// Never wait forever: a peer that is not Redis (a plain port answering a TLS hello, say) may
		// simply say nothing.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultReadTimeout)
		defer cancel()
	}
	reused := s.conn != nil
	out, err := s.read(ctx)
	if err != nil && reused && ctx.Err() == nil && !errors.As(err, new(jobError)) {
		out, err = s.read(ctx)
	}
	return out, err
}

func (s *Sidekiq) read(ctx context.Context) (map[string]time.Duration, error) {
	if s.conn == nil {
		c, err := dialRedis(ctx, s.opts)
		if err != nil {
			return nil, fmt.Errorf("sidekiq: redis at %s: %w", s.opts.Addr, err)
		}
		s.conn = c
	}
	cmds := make([][]string, len(s.queues))
	for i, q := range s.queues {
		cmds[i] = []string{"LINDEX", "queue:" + q, "-1"}
	}
	replies, err := s.conn.pipeline(ctx, cmds)
	if err != nil {
		s.drop()
		return nil, fmt.Errorf("sidekiq: redis at %s: %w", s.opts.Addr, err)
	}
	now := s.now()
	out := make(map[string]time.Duration, len(s.queues))
	for i, q := range s.queues {
		r := replies[i]
		if r.err != "" {
			return nil, jobError{fmt.Errorf("sidekiq: LINDEX queue:%s -1: %s", q, r.err)}
		}
		d, err := jobLatency(r.bulk, now)
		if err != nil {
			return nil, jobError{fmt.Errorf("sidekiq: the oldest job of queue:%s: %w", q, err)}
		}
		out[q] = d
	}
	return out, nil
}

// defaultReadTimeout bounds a Latencies call whose context has no deadline of its own.
const defaultReadTimeout = 10 * time.Second

// jobError is a read that reached Redis and got an answer it cannot use: trying again would get the same.
type jobError struct{ error }

func (e jobError) Unwrap() error { return e.error }

// Close closes the connection, if any.
func (s *Sidekiq) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.close()
	s.conn = nil
	return err
}

func (s *Sidekiq) drop() {
	_ = s.conn.close()
	s.conn = nil
}

// jobLatency is how long a job payload (nil: no job) has waited at now.
func jobLatency(payload []byte, now time.Time) (time.Duration, error) {
	if payload == nil {
		return 0, nil
	}
	var job struct {
		EnqueuedAt json.RawMessage `json:"enqueued_at"`
	}
	if err := json.Unmarshal(payload, &job); err != nil {
		return 0, fmt.Errorf("not a Sidekiq job (%v)", err)
	}
	raw := bytes.TrimSpace(job.EnqueuedAt)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var at time.Time
	if bytes.ContainsAny(raw, ".eE") {
		// Sidekiq 7 and earlier: Time.now.to_f, which Ruby's JSON always writes with a fraction.
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsInf(f, 0) || f < 0 {
			return 0, fmt.Errorf("enqueued_at %.40s: want seconds (Sidekiq 7) or milliseconds (Sidekiq 8) since the epoch", raw)
		}
		sec := math.Floor(f)
		at = time.Unix(int64(sec), int64(math.Round((f-sec)*1e6))*1e3)
	} else {
		// Sidekiq 8: ::Process.clock_gettime(::Process::CLOCK_REALTIME, :millisecond).
		ms, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || ms < 0 {
			return 0, fmt.Errorf("enqueued_at %.40s: want seconds (Sidekiq 7) or milliseconds (Sidekiq 8) since the epoch", raw)
		}
		at = time.UnixMilli(ms)
	}
	return max(now.Sub(at), 0), nil
}
