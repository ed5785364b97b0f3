package queuelatency

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The sidecar's environment. pkg/service sets these on the container; the job system's own variables
// (Sidekiq: REDIS_URL, REDIS_PASSWORD) come from the stack like the app's.
const (
	// EnvJobSystem selects the Source: one of JobSystems. Default "sidekiq".
	EnvJobSystem = "JOB_SYSTEM"
	// EnvService is the ServiceDimension value. Required.
	EnvService = "SERVICE"
	// EnvQueues is a comma-separated list of queue names. Default "default".
	EnvQueues = "QUEUES"
	// EnvInterval is the seconds between reads. Default 15.
	EnvInterval = "INTERVAL_SECONDS"
	// EnvRedisURL is where Sidekiq's Redis is: rediss://host:6379/0. Required for sidekiq.
	EnvRedisURL = "REDIS_URL"
	// EnvRedisPassword is the AUTH password (the ElastiCache auth token), replacing the URL's if set.
	EnvRedisPassword = "REDIS_PASSWORD"
)

// Limits and defaults, shared with pkg/service's validation.
const (
	// DefaultInterval is how often the queues are read.
	DefaultInterval = 15 * time.Second
	// MinInterval and MaxInterval bound the interval: at most 60 s so that every one-minute period the
	// policy's alarms evaluate holds a value (a period without one is missing data, and the alarm does
	// not act on it), at least 5 s so the sidecar stays a light client of the job system.
	MinInterval = 5 * time.Second
	MaxInterval = 60 * time.Second
	// MaxNameLength is the longest service or queue name: EMF's limit on a dimension value.
	MaxNameLength = 1024
	// DefaultQueue is Sidekiq's default queue.
	DefaultQueue = "default"
	// SidekiqSystem is the JOB_SYSTEM value of the Sidekiq source.
	SidekiqSystem = "sidekiq"
)

// JobSystems are the accepted JOB_SYSTEM values.
var JobSystems = []string{SidekiqSystem}

// nameRe is a service or queue name: no whitespace (a dimension value must not be blank, and names are
// compared exactly) and no comma (the list separator).
var nameRe = regexp.MustCompile(`^[^\s,]+$`)

// Config is the sidecar's configuration, read from its environment.
type Config struct {
	JobSystem string
	Service   string
	Queues    []string
	Interval  time.Duration
}

// ConfigFromEnv reads and checks the configuration. An error names the variable, the value and what is
// accepted; the job system's own variables are read by NewSource.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{JobSystem: getenv(EnvJobSystem), Service: getenv(EnvService), Interval: DefaultInterval}
	if c.JobSystem == "" {
		c.JobSystem = SidekiqSystem
	}
	if !slices.Contains(JobSystems, c.JobSystem) {
		return Config{}, fmt.Errorf("%s %q: want one of %s", EnvJobSystem, c.JobSystem, strings.Join(JobSystems, ", "))
	}
	if err := CheckName(c.Service); err != nil {
		return Config{}, fmt.Errorf("%s %q: %w (the worker's service, such as fp-prod-worker)", EnvService, c.Service, err)
	}
	queues, err := ParseQueues(getenv(EnvQueues))
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", EnvQueues, err)
	}
	c.Queues = queues
	if v := getenv(EnvInterval); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || time.Duration(n)*time.Second < MinInterval || time.Duration(n)*time.Second > MaxInterval {
			return Config{}, fmt.Errorf("%s %q: want whole seconds from %d to %d", EnvInterval, v,
				int(MinInterval.Seconds()), int(MaxInterval.Seconds()))
		}
		c.Interval = time.Duration(n) * time.Second
	}
	return c, nil
}

// ParseQueues reads a comma-separated queue list; blanks around names are dropped, empty means
// DefaultQueue alone. Each name passes CheckName, once.
func ParseQueues(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return []string{DefaultQueue}, nil
	}
	var out []string
	for _, q := range strings.Split(list, ",") {
		q = strings.TrimSpace(q)
		if err := CheckName(q); err != nil {
			return nil, fmt.Errorf("queue %q in %q: %w", q, list, err)
		}
		if slices.Contains(out, q) {
			return nil, fmt.Errorf("queue %q appears twice in %q: want each queue once", q, list)
		}
		out = append(out, q)
	}
	return out, nil
}

// CheckName says what is wrong with a service or queue name, or nil.
func CheckName(s string) error {
	switch {
	case !utf8.ValidString(s) || !nameRe.MatchString(s):
		return fmt.Errorf("want a name without spaces or commas")
	case len(s) > MaxNameLength:
		return fmt.Errorf("want at most %d bytes", MaxNameLength)
	}
	return nil
}

// NewSource returns the Source of a job system, reading that system's variables. Add a job system here.
func NewSource(c Config, getenv func(string) string) (Source, error) {
	switch c.JobSystem {
	case SidekiqSystem:
		raw := getenv(EnvRedisURL)
		if raw == "" {
			return nil, fmt.Errorf("%s is not set: want rediss://<host>:6379/0 (the password in %s)", EnvRedisURL, EnvRedisPassword)
		}
		opts, err := ParseRedisURL(raw, getenv(EnvRedisPassword))
		if err != nil {
			// The value itself is not repeated: it may hold a password.
			return nil, fmt.Errorf("%s: %w", EnvRedisURL, err)
		}
		return NewSidekiq(opts, c.Queues), nil
	}
	return nil, fmt.Errorf("%s %q: want one of %s", EnvJobSystem, c.JobSystem, strings.Join(JobSystems, ", "))
}
