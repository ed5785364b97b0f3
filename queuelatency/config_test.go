package queuelatency

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		give    map[string]string
		want    Config
		wantErr string
	}{
		{"defaults: Sidekiq's default queue every 15 s", map[string]string{"SERVICE": "fp-dev-worker"},
			Config{JobSystem: "sidekiq", Service: "fp-dev-worker", Queues: []string{"default"}, Interval: 15 * time.Second}, ""},
		{"queues in their order, blanks dropped", map[string]string{"SERVICE": "w", "QUEUES": " critical, default ,mailers", "INTERVAL_SECONDS": "60"},
			Config{JobSystem: "sidekiq", Service: "w", Queues: []string{"critical", "default", "mailers"}, Interval: time.Minute}, ""},
		{"no service", map[string]string{}, Config{}, `SERVICE "": want a name without spaces or commas`},
		{"a service with a space", map[string]string{"SERVICE": "my worker"}, Config{}, `SERVICE "my worker": want a name`},
		{"a service too long for a dimension", map[string]string{"SERVICE": strings.Repeat("w", 1025)}, Config{}, "want at most 1024 bytes"},
		{"an unknown job system", map[string]string{"SERVICE": "w", "JOB_SYSTEM": "resque"}, Config{}, `JOB_SYSTEM "resque": want one of sidekiq`},
		{"an empty queue in the list", map[string]string{"SERVICE": "w", "QUEUES": "default,,mailers"}, Config{}, `QUEUES: queue "" in "default,,mailers"`},
		{"a queue twice", map[string]string{"SERVICE": "w", "QUEUES": "default,default"}, Config{}, `queue "default" appears twice`},
		{"an interval under 5 s", map[string]string{"SERVICE": "w", "INTERVAL_SECONDS": "1"}, Config{}, `INTERVAL_SECONDS "1": want whole seconds from 5 to 60`},
		{"an interval that leaves a minute without data", map[string]string{"SERVICE": "w", "INTERVAL_SECONDS": "90"}, Config{}, "from 5 to 60"},
		{"an interval with a unit", map[string]string{"SERVICE": "w", "INTERVAL_SECONDS": "15s"}, Config{}, `INTERVAL_SECONDS "15s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(env(tt.give))
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

func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		password string
		want     RedisOptions
		wantErr  string
	}{
		{"the data tier's URL: TLS, no password in it", "rediss://master.fp-prod.abc.apse2.cache.amazonaws.com:6379/0", "token",
			RedisOptions{Addr: "master.fp-prod.abc.apse2.cache.amazonaws.com:6379", TLS: true,
				ServerName: "master.fp-prod.abc.apse2.cache.amazonaws.com", Password: "token"}, ""},
		{"Compose's: plain, default port", "redis://redis/0", "", RedisOptions{Addr: "redis:6379", ServerName: "redis"}, ""},
		{"user and password in the URL, database 2", "rediss://reader:pw@cache:6380/2", "",
			RedisOptions{Addr: "cache:6380", TLS: true, ServerName: "cache", Username: "reader", Password: "pw", DB: 2}, ""},
		{"REDIS_PASSWORD wins over the URL's, as in redis-client", "rediss://reader:old@cache/0", "new",
			RedisOptions{Addr: "cache:6379", TLS: true, ServerName: "cache", Username: "reader", Password: "new"}, ""},
		{"IPv6", "redis://[::1]:6379", "", RedisOptions{Addr: "[::1]:6379", ServerName: "::1"}, ""},
		{"another scheme", "http://cache:6379", "", RedisOptions{}, `scheme "http": want rediss://`},
		{"no host", "rediss:///0", "", RedisOptions{}, "no host"},
		{"a bad port", "rediss://cache:99999/0", "", RedisOptions{}, `port "99999"`},
		{"a database that is not a number", "rediss://cache/sidekiq", "", RedisOptions{}, `database "sidekiq"`},
		{"query options", "rediss://cache/0?ssl_cert_reqs=none", "", RedisOptions{}, "query or fragment: want none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRedisURL(tt.give, tt.password)
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

func TestNewSourceErrorsNeverRepeatTheURL(t *testing.T) {
	tests := []struct {
		name    string
		give    map[string]string
		wantErr string
	}{
		{"no REDIS_URL", map[string]string{}, "REDIS_URL is not set: want rediss://<host>:6379/0"},
		{"a URL with a password and a bad scheme", map[string]string{"REDIS_URL": "http://u:hunter2@cache"}, `REDIS_URL: scheme "http"`},
		{"an unparsable URL with a password", map[string]string{"REDIS_URL": "rediss://u:hunter2@cache:port\x7f"}, "REDIS_URL: not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSource(Config{JobSystem: SidekiqSystem, Queues: []string{"default"}}, env(tt.give))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}
