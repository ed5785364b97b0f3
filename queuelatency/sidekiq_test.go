//go:build unix

package queuelatency

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// now is the tests' clock: 2027-01-15T08:00:00Z.
var now = time.Unix(1_800_000_000, 0)

// job is a Sidekiq job payload as Sidekiq::Client pushes it, enqueued at enqueuedAt (the JSON number as
// written: a float of seconds before Sidekiq 8, an integer of milliseconds from Sidekiq 8).
func job(enqueuedAt string) string {
	return fmt.Sprintf(`{"retry":true,"queue":"default","class":"HardJob","args":[1,"bob"],"jid":"b4a577edbccf1d805744efa9",`+
		`"created_at":%[1]s,"enqueued_at":%[1]s}`, enqueuedAt)
}

// ago is enqueued_at d before now, in Sidekiq 7's float seconds.
func ago(d time.Duration) string {
	return strconv.FormatFloat(float64(now.Add(-d).UnixMicro())/1e6, 'f', 6, 64)
}

func newSidekiq(t *testing.T, o RedisOptions, queues ...string) *Sidekiq {
	t.Helper()
	s := NewSidekiq(o, queues)
	s.now = func() time.Time { return now }
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func plainOptions(r *redisServer) RedisOptions {
	return RedisOptions{Addr: "127.0.0.1:" + strconv.Itoa(r.port), Password: r.password}
}

func TestSidekiqLatencyIsTheAgeOfTheOldestJob(t *testing.T) {
	r := startRedis(t, redisServerOptions{})
	tests := []struct {
		name  string
		queue string
		push  []string // LPUSHed in this order, as Sidekiq::Client does
		want  time.Duration
	}{
		{"Sidekiq 7: enqueued_at in float seconds", "s7", []string{job("1799999957.5")}, 42500 * time.Millisecond},
		{"Sidekiq 8: enqueued_at in integer milliseconds", "s8", []string{job("1799999957500")}, 42500 * time.Millisecond},
		{"microseconds survive the float", "micro", []string{job("1799999999.000250")}, 999750 * time.Microsecond},
		{"the oldest is the tail, not the head", "busy", []string{job(ago(90 * time.Second)), job(ago(5 * time.Second))}, 90 * time.Second},
		{"a queue that never existed is 0", "never", nil, 0},
		{"a queue that was drained is 0", "drained", []string{job(ago(time.Hour))}, 0},
		{"a job without enqueued_at is 0, as in Sidekiq", "bare", []string{`{"class":"HardJob","args":[]}`}, 0},
		{"a job from a clock ahead of ours has waited 0", "ahead", []string{job(ago(-30 * time.Second))}, 0},
	}
	var queues []string
	for _, tt := range tests {
		queues = append(queues, tt.queue)
		for _, p := range tt.push {
			r.cmd(t, "LPUSH", "queue:"+tt.queue, p)
		}
	}
	r.cmd(t, "LPOP", "queue:drained")
	require.Equal(t, "0", r.cmd(t, "EXISTS", "queue:drained"), "Redis deletes an emptied list")

	got, err := newSidekiq(t, plainOptions(r), queues...).Latencies(context.Background())
	require.NoError(t, err)
	assert.Len(t, got, len(tests), "exactly the configured queues")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, got, tt.queue)
			assert.Equal(t, tt.want, got[tt.queue])
		})
	}
}

func TestSidekiqReadFailuresReturnNothing(t *testing.T) {
	r := startRedis(t, redisServerOptions{password: "s3cret-token"})
	r.cmd(t, "LPUSH", "queue:good", job(ago(time.Minute)))
	r.cmd(t, "SET", "queue:string", "a string, not a list")
	r.cmd(t, "LPUSH", "queue:garbage", "not json")
	r.cmd(t, "LPUSH", "queue:stamp", `{"class":"HardJob","enqueued_at":"yesterday"}`)
	closed := freePort(t) // nothing listens here

	tests := []struct {
		name    string
		give    RedisOptions
		queues  []string
		wantErr string
	}{
		{"unreachable server", RedisOptions{Addr: "127.0.0.1:" + strconv.Itoa(closed)}, []string{"good"}, "connection refused"},
		{"wrong password", RedisOptions{Addr: plainOptions(r).Addr, Password: "wrong"}, []string{"good"}, "AUTH: WRONGPASS"},
		{"no password", RedisOptions{Addr: plainOptions(r).Addr}, []string{"good"}, "NOAUTH"},
		{"a key that is not a list", plainOptions(r), []string{"good", "string"}, "LINDEX queue:string -1: WRONGTYPE"},
		{"a job that is not JSON", plainOptions(r), []string{"good", "garbage"}, "the oldest job of queue:garbage: not a Sidekiq job"},
		{"an enqueued_at that is not a time", plainOptions(r), []string{"good", "stamp"}, `enqueued_at "yesterday": want seconds`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newSidekiq(t, tt.give, tt.queues...).Latencies(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cret-token", "no error repeats the password")
			assert.Nil(t, got, "no partial result: the good queue is not reported either")
		})
	}
}

func TestSidekiqOverTLSWithAUTH(t *testing.T) {
	r := startRedis(t, redisServerOptions{password: "s3cret-token", tls: true})
	r.cmd(t, "LPUSH", "queue:default", job(ago(75*time.Second)))
	// An ACL user that may do nothing but LINDEX on Sidekiq's queues: all the sidecar needs.
	r.cmd(t, "ACL", "SETUSER", "latency", "on", ">reader-pass", "~queue:*", "+lindex")

	tests := []struct {
		name     string
		url      string
		password string // REDIS_PASSWORD
		trustCA  bool
		wantErr  string // "" = reads 75s
	}{
		{"rediss:// to the certificate's name, with the auth token", r.url("rediss", "localhost"), "s3cret-token", true, ""},
		{"rediss:// as an ACL user limited to LINDEX queue:*", "rediss://latency@" + r.url("rediss", "localhost")[len("rediss://"):], "reader-pass", true, ""},
		{"redis:// with AUTH, as Compose's local Valkey", r.url("redis", "127.0.0.1"), "s3cret-token", false, ""},
		{"a certificate from an authority the system does not trust", r.url("rediss", "localhost"), "s3cret-token", false, "certificate signed by unknown authority"},
		{"a certificate for another name", r.url("rediss", "127.0.0.1"), "s3cret-token", true, "doesn't contain any IP SANs"},
		{"the wrong auth token over TLS", r.url("rediss", "localhost"), "wrong", true, "AUTH: WRONGPASS"},
		{"rediss:// to the plain port", "rediss://" + plainOptions(r).Addr + "/0", "s3cret-token", true, "TLS with 127.0.0.1"},
		{"an ACL user without the right to a command it needs", "rediss://latency@" + r.url("rediss", "localhost")[len("rediss://"):] + "1", "reader-pass", true, "SELECT: NOPERM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseRedisURL(tt.url, tt.password)
			require.NoError(t, err)
			if tt.trustCA {
				o.RootCAs = r.caPool
			}
			// A deadline as the Runner gives every read: the plain port never answers a TLS hello.
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			got, err := newSidekiq(t, o, "default").Latencies(ctx)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, map[string]time.Duration{"default": 75 * time.Second}, got)
		})
	}
}

func TestSidekiqReplacesAConnectionTheServerClosed(t *testing.T) {
	r := startRedis(t, redisServerOptions{})
	r.cmd(t, "LPUSH", "queue:default", job(ago(time.Minute)))
	s := newSidekiq(t, plainOptions(r), "default")
	_, err := s.Latencies(context.Background())
	require.NoError(t, err)

	// What a failover or the server's idle timeout does to the open connection.
	require.Equal(t, "1", r.cmd(t, "CLIENT", "KILL", "TYPE", "normal"), "the sidecar's connection was closed")
	got, err := s.Latencies(context.Background())
	require.NoError(t, err, "the next read reconnects instead of losing an interval")
	assert.Equal(t, time.Minute, got["default"])
}

// silentServer accepts connections and never answers; reply, if set, is sent to every connection first.
func silentServer(t *testing.T, reply string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			if reply != "" {
				_, _ = c.Write([]byte(reply))
			}
		}
	}()
	return l.Addr().String()
}

func TestSidekiqBoundsTimeAndMemory(t *testing.T) {
	tests := []struct {
		name    string
		reply   string
		wantErr string
	}{
		{"a server that never answers: the read's deadline", "", "i/o timeout"},
		{"a reply larger than the sidecar reads: refused before reading it", "$1073741824\r\n", "a 1073741824-byte reply, over the 16777216 bytes"},
		{"a reply type the commands never get", "*1\r\n$1\r\nx\r\n", `unexpected reply type '*'`},
		{"a reply line without its CR", ":1\n", "not terminated by CRLF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			got, err := newSidekiq(t, RedisOptions{Addr: silentServer(t, tt.reply)}, "default").Latencies(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Nil(t, got)
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
}

func TestJobLatencyReadsBothTimestampFormats(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    time.Duration
		wantErr string
	}{
		{"float seconds", `{"enqueued_at":1799999990.25}`, 9750 * time.Millisecond, ""},
		{"float seconds with an exponent", `{"enqueued_at":1.79999999e9}`, 10 * time.Second, ""},
		{"integer milliseconds", `{"enqueued_at":1799999990250}`, 9750 * time.Millisecond, ""},
		{"null", `{"enqueued_at":null}`, 0, ""},
		{"absent", `{"class":"X"}`, 0, ""},
		{"a string", `{"enqueued_at":"1799999990"}`, 0, "want seconds (Sidekiq 7) or milliseconds (Sidekiq 8)"},
		{"negative", `{"enqueued_at":-5}`, 0, "want seconds"},
		{"an array, not a job", `[1,2]`, 0, "not a Sidekiq job"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jobLatency([]byte(tt.give), now)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
