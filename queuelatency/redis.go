package queuelatency

// A Redis client for exactly what the Sidekiq source sends: AUTH, SELECT and LINDEX, pipelined, over TCP
// or TLS, in RESP2 (https://redis.io/docs/latest/develop/reference/protocol-spec/). It is ~150 lines
// instead of github.com/redis/go-redis/v9 (which does resolve through the module proxy, v9.23.0) because
// three commands do not justify a client with pools, cluster and sentinel support in a sidecar's image,
// nor new requirements in this module's shared go.mod: with the standard library alone the image builds
// with no module download at all (GOPROXY=off in the Dockerfile, and a test that proves it).
//
// What keeps it safe: TLS verifies the chain and the host name (crypto/tls defaults, TLS 1.2 at least);
// every exchange has a deadline; a reply is read only as far as the limits below; any protocol surprise
// is an error and the connection is dropped, never reused.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// maxBulk is the largest job the source reads. Sidekiq stores a job's arguments in it; a job this
	// large is itself a problem (Sidekiq advises small, simple arguments), and the sidecar's memory is
	// sized for it (pkg/service QueueLatencyArgs.Memory).
	maxBulk = 16 << 20
	// maxLine bounds a status, error or integer reply and a bulk reply's header.
	maxLine = 64 << 10
	// defaultRedisPort is Redis's and ElastiCache's.
	defaultRedisPort = "6379"
)

// RedisOptions say where Redis (or Valkey, or ElastiCache) is and how to log in.
type RedisOptions struct {
	// Addr is host:port.
	Addr string
	// TLS connects with TLS, verifying the server's certificate for ServerName.
	TLS bool
	// ServerName is the name the certificate must carry: the URL's host.
	ServerName string
	// RootCAs are the authorities TLS trusts. Default: the system's (ElastiCache's certificates chain to
	// Amazon's public roots, which distroless/static carries in /etc/ssl/certs).
	RootCAs *x509.CertPool
	// Username and Password are sent with AUTH when Password is set (AUTH <password> without a
	// username: the ElastiCache auth token and requirepass; AUTH <username> <password> with one: ACL users).
	Username string
	Password string
	// DB is the logical database SELECTed after AUTH. Default 0.
	DB int
}

// ParseRedisURL reads redis://[user[:password]@]host[:port][/db] and its TLS form rediss://. password,
// when not empty, replaces the URL's: the same precedence as redis-client's `password:` option beside
// `url:`, which is how the app's Sidekiq initializer reads REDIS_URL and REDIS_PASSWORD (docs/data.md).
func ParseRedisURL(raw, password string) (RedisOptions, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the whole input; the URL may carry a password, so say only what is wrong.
		return RedisOptions{}, errors.New("not a URL: want rediss://host:6379/0")
	}
	var o RedisOptions
	switch u.Scheme {
	case "rediss":
		o.TLS = true
	case "redis":
	default:
		return RedisOptions{}, fmt.Errorf("scheme %q: want rediss:// (TLS, as ElastiCache requires) or redis:// (local only)", u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return RedisOptions{}, errors.New("no host: want rediss://host:6379/0")
	}
	if port == "" {
		port = defaultRedisPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return RedisOptions{}, fmt.Errorf("port %q: want 1 to 65535", port)
	}
	o.Addr = net.JoinHostPort(host, port)
	o.ServerName = host
	if u.RawQuery != "" || u.Fragment != "" {
		return RedisOptions{}, errors.New("query or fragment: want none (rediss://host:6379/0); the password comes from REDIS_PASSWORD")
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil || n < 0 {
			return RedisOptions{}, fmt.Errorf("database %q: want a number such as /0", db)
		}
		o.DB = n
	}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	if password != "" {
		o.Password = password
	}
	return o, nil
}

// redisConn is one connection. It is not safe for concurrent use.
type redisConn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

// dialRedis connects, completes TLS, and logs in and selects the database in one round trip.
func dialRedis(ctx context.Context, o RedisOptions) (*redisConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	if o.TLS {
		tc := tls.Client(c, &tls.Config{ServerName: o.ServerName, RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("TLS with %s: %w", o.Addr, err)
		}
		c = tc
	}
	rc := &redisConn{c: c, r: bufio.NewReaderSize(c, maxLine), w: bufio.NewWriter(c)}
	var login [][]string
	if o.Password != "" {
		if o.Username != "" {
			login = append(login, []string{"AUTH", o.Username, o.Password})
		} else {
			login = append(login, []string{"AUTH", o.Password})
		}
	}
	if o.DB != 0 {
		login = append(login, []string{"SELECT", strconv.Itoa(o.DB)})
	}
	if len(login) > 0 {
		replies, err := rc.pipeline(ctx, login)
		if err == nil {
			for i, r := range replies {
				if r.err != "" {
					// Name the command, never its arguments: AUTH's is the password.
					err = fmt.Errorf("%s: %s", login[i][0], r.err)
					break
				}
			}
		}
		if err != nil {
			rc.close()
			return nil, err
		}
	}
	return rc, nil
}

// reply is one RESP2 reply. Arrays are not among the replies the source's commands get.
type reply struct {
	err    string // an error reply's text ("WRONGTYPE ..."); the other fields are then empty
	status string // a simple string ("OK")
	n      int64  // an integer
	bulk   []byte // a bulk string; nil for the null bulk string (LINDEX on a missing key or index)
}

// pipeline sends every command, then reads one reply each. A Redis error reply is a reply, not an
// error; an error means the connection is unusable.
func (rc *redisConn) pipeline(ctx context.Context, cmds [][]string) ([]reply, error) {
	if dl, ok := ctx.Deadline(); ok {
		if err := rc.c.SetDeadline(dl); err != nil {
			return nil, err
		}
	} else if err := rc.c.SetDeadline(time.Time{}); err != nil {
		return nil, err
	}
	// A cancelled context interrupts a blocked read or write at once.
	stop := context.AfterFunc(ctx, func() { _ = rc.c.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	for _, args := range cmds {
		fmt.Fprintf(rc.w, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(rc.w, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	if err := rc.w.Flush(); err != nil {
		return nil, err
	}
	out := make([]reply, 0, len(cmds))
	for range cmds {
		r, err := rc.read()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// read reads one reply.
func (rc *redisConn) read() (reply, error) {
	line, err := rc.line()
	if err != nil {
		return reply{}, err
	}
	if len(line) == 0 {
		return reply{}, errors.New("redis: empty reply line")
	}
	body := string(line[1:])
	switch line[0] {
	case '+':
		return reply{status: body}, nil
	case '-':
		return reply{err: body}, nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return reply{}, fmt.Errorf("redis: integer reply %q", body)
		}
		return reply{n: n}, nil
	case '$':
		n, err := strconv.Atoi(body)
		switch {
		case err != nil || n < -1:
			return reply{}, fmt.Errorf("redis: bulk length %q", body)
		case n == -1:
			return reply{}, nil
		case n > maxBulk:
			return reply{}, fmt.Errorf("redis: a %d-byte reply, over the %d bytes this sidecar reads", n, maxBulk)
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, b); err != nil {
			return reply{}, err
		}
		if b[n] != '\r' || b[n+1] != '\n' {
			return reply{}, errors.New("redis: bulk reply not terminated by CRLF")
		}
		return reply{bulk: b[:n:n]}, nil
	}
	return reply{}, fmt.Errorf("redis: unexpected reply type %q", line[0])
}

// line reads up to CRLF, which it drops, refusing lines longer than maxLine.
func (rc *redisConn) line() ([]byte, error) {
	b, err := rc.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("redis: reply line over %d bytes", maxLine)
	}
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return nil, errors.New("redis: reply line not terminated by CRLF")
	}
	return b[:len(b)-2], nil
}

func (rc *redisConn) close() error { return rc.c.Close() }
