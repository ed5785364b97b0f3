//go:build unix

package nginx

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echo is what the backend saw of a request, returned as its JSON body.
type echo struct {
	Method     string      `json:"method"`
	Path       string      `json:"path"`
	Query      string      `json:"query"`
	Host       string      `json:"host"`
	Header     http.Header `json:"header"`
	RemoteAddr string      `json:"remote_addr"`
	BodyLen    int         `json:"body_len"`
}

// bigBody is larger than gzip_min_length and compresses well.
var bigBody = strings.Repeat("<p>Rails renders this paragraph again and again.</p>\n", 400)

// backend stands in for Puma: plain HTTP/1.1 on 127.0.0.1 only, as Puma binds 0.0.0.0 (IPv4).
type backend struct {
	addr     string
	port     int
	newConns atomic.Int64 // TCP connections accepted
	uploads  atomic.Int64 // requests that reached /upload
	health   atomic.Int64 // requests that reached /up

	mu  sync.Mutex
	srv *http.Server
}

func startBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	require.NoError(t, b.listen("127.0.0.1:0"))
	t.Cleanup(b.close)
	return b
}

func (b *backend) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	b.addr = l.Addr().String()
	b.port = l.Addr().(*net.TCPAddr).Port
	srv := &http.Server{
		Handler:           http.HandlerFunc(b.serve),
		ReadHeaderTimeout: 5 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				b.newConns.Add(1)
			}
		},
	}
	b.mu.Lock()
	b.srv = srv
	b.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
	return nil
}

func (b *backend) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.srv != nil {
		_ = b.srv.Close()
		b.srv = nil
	}
}

func (b *backend) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.URL.Path == "/up":
		b.health.Add(1)
		_, _ = io.WriteString(w, "ok")
	case r.URL.Path == "/upload":
		b.uploads.Add(1)
		_, _ = fmt.Fprint(w, len(body))
	case r.URL.Path == "/big":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, bigBody)
	case r.URL.Path == "/small":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<p>short</p>")
	case r.URL.Path == "/image":
		w.Header().Set("Content-Type", "image/png")
		_, _ = io.WriteString(w, bigBody)
	case r.URL.Path == "/assets/missing.css":
		w.Header().Set("Cache-Control", "no-cache")
		http.NotFound(w, r)
	case strings.HasPrefix(r.URL.Path, "/assets/"):
		// What Rails might send; nginx must replace it, not add to it.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
		w.Header().Set("Content-Type", "text/css")
		_, _ = io.WriteString(w, "body{}")
	case r.URL.Path == "/page":
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, "page")
	case r.URL.Path == "/frame":
		// Rails' own security headers win over nginx's defaults.
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = io.WriteString(w, "frame")
	case r.URL.Path == "/slow":
		time.Sleep(150 * time.Millisecond)
		_, _ = io.WriteString(w, "slow")
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(echo{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Host: r.Host,
			Header: r.Header, RemoteAddr: r.RemoteAddr, BodyLen: len(body),
		})
	}
}

// startNginx renders the template as the ECS task would (image defaults, then the task's environment),
// with env's changes, and runs it. BACKEND_HOST is 127.0.0.1, what "localhost" is in the task, unless env
// says otherwise: on a machine whose localhost is also ::1, nginx would otherwise try both (see
// TestLocalhostWithIPv6) and the log assertions would see two upstream addresses.
func startNginx(t *testing.T, env map[string]string, edit func(string) string, hosts map[string][]string) *Server {
	t.Helper()
	port, err := FreePort()
	require.NoError(t, err)
	conf, err := Render(readFile(t, TemplatePath), imageEnv(t, Merge(ECSEnvironment,
		map[string]string{"NGINX_PORT": strconv.Itoa(port), "BACKEND_HOST": "127.0.0.1"}, env)))
	require.NoError(t, err)
	if edit != nil {
		conf = edit(conf)
	}
	s, err := Start(Options{Binary: nginxBinary(t), Config: conf, Port: port, Hosts: hosts})
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("nginx error log:\n%s", s.ErrorLog())
		}
	})
	return s
}

// client sends exactly the headers a test sets: no transparent gzip, no redirects.
var client = &http.Client{
	Timeout:       10 * time.Second,
	Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, body io.Reader, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func echoOf(t *testing.T, r response) echo {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var e echo
	require.NoError(t, json.Unmarshal(r.body, &e), string(r.body))
	return e
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestProxy(t *testing.T) {
	nginxBinary(t)
	be := startBackend(t)
	backendPort := strconv.Itoa(be.port)
	// trusted is the ALB's view: the test client (127.0.0.1) is the trusted proxy. untrusted keeps the
	// ECS task's VPC CIDR, so the same client is an arbitrary peer.
	trusted := startNginx(t, map[string]string{"BACKEND_PORT": backendPort, "REAL_IP_FROM": "127.0.0.1/32",
		"CLIENT_MAX_BODY_SIZE": "1m"}, nil, nil)
	untrusted := startNginx(t, map[string]string{"BACKEND_PORT": backendPort}, nil, nil)
	url := "http://" + trusted.Addr

	t.Run("proxies method, path, query and body", func(t *testing.T) {
		e := echoOf(t, do(t, "POST", url+"/orders/7?page=2&sort=desc", strings.NewReader("hello"), nil))
		assert.Equal(t, "POST", e.Method)
		assert.Equal(t, "/orders/7", e.Path)
		assert.Equal(t, "page=2&sort=desc", e.Query)
		assert.Equal(t, 5, e.BodyLen)
	})

	t.Run("forwarded headers and the real client address", func(t *testing.T) {
		// What the ALB sends after Cloudflare: the visitor in CF-Connecting-IP, the chain in XFF.
		give := map[string]string{
			"Host":              "app.example.com",
			"CF-Connecting-IP":  "203.0.113.7",
			"X-Forwarded-For":   "203.0.113.7, 198.51.100.1",
			"X-Forwarded-Proto": "https",
			"X-Request-Id":      "abc-123",
		}
		tests := []struct {
			name      string
			give      *Server
			wantIP    string
			wantXFF   string
			wantProto string
			wantHSTS  string
		}{
			{"from the trusted proxy", trusted, "203.0.113.7", "203.0.113.7, 198.51.100.1, 203.0.113.7", "https", "max-age=31536000"},
			{"from any other peer", untrusted, "127.0.0.1", "203.0.113.7, 198.51.100.1, 127.0.0.1", "http", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := do(t, "GET", "http://"+tt.give.Addr+"/echo", nil, give)
				e := echoOf(t, r)
				assert.Equal(t, "app.example.com", e.Host)
				assert.Equal(t, tt.wantIP, e.Header.Get("X-Real-IP"))
				assert.Equal(t, tt.wantXFF, e.Header.Get("X-Forwarded-For"))
				assert.Equal(t, tt.wantProto, e.Header.Get("X-Forwarded-Proto"))
				assert.Equal(t, "abc-123", e.Header.Get("X-Request-Id"))
				// No "Connection: close" upstream: the connection can be reused.
				assert.Empty(t, e.Header.Values("Connection"))
				assert.Equal(t, tt.wantHSTS, r.header.Get("Strict-Transport-Security"))
			})
		}
	})

	t.Run("request id kept when well formed, made otherwise", func(t *testing.T) {
		tests := []struct {
			give string
			want string // "" means a generated id
		}{
			{"", ""},
			{"abc-123", "abc-123"},
			{"0f8e2c1a.9b_7", "0f8e2c1a.9b_7"},
			{"bad id <script>", ""},
			{strings.Repeat("a", 129), ""},
		}
		for _, tt := range tests {
			header := map[string]string{}
			if tt.give != "" {
				header["X-Request-Id"] = tt.give
			}
			r := do(t, "GET", url+"/echo", nil, header)
			got := echoOf(t, r).Header.Get("X-Request-Id")
			if tt.want == "" {
				assert.Regexp(t, generatedID, got, "for %q", tt.give)
			} else {
				assert.Equal(t, tt.want, got)
			}
			// Rails did not answer with one, so nginx returns the same id to the client.
			assert.Equal(t, got, r.header.Get("X-Request-Id"))
		}
	})

	t.Run("keepalive to the upstream", func(t *testing.T) {
		before := be.newConns.Load()
		peers := map[string]bool{}
		for range 30 {
			peers[echoOf(t, do(t, "GET", url+"/echo", nil, nil)).RemoteAddr] = true
		}
		assert.LessOrEqual(t, be.newConns.Load()-before, int64(1), "new upstream connections for 30 requests")
		assert.Len(t, peers, 1, "every request arrived on the same upstream connection")
	})

	t.Run("gzip", func(t *testing.T) {
		tests := []struct {
			give     string
			gzip     bool
			wantGzip bool
		}{
			{"/big", true, true},
			{"/big", false, false},
			{"/small", true, false}, // below gzip_min_length
			{"/image", true, false}, // not a compressible type
		}
		for _, tt := range tests {
			header := map[string]string{}
			if tt.gzip {
				header["Accept-Encoding"] = "gzip"
			}
			r := do(t, "GET", url+tt.give, nil, header)
			require.Equal(t, http.StatusOK, r.status)
			if !tt.wantGzip {
				assert.Empty(t, r.header.Get("Content-Encoding"), tt.give)
				continue
			}
			assert.Equal(t, "gzip", r.header.Get("Content-Encoding"))
			assert.Contains(t, r.header.Values("Vary"), "Accept-Encoding")
			assert.Less(t, len(r.body), len(bigBody)/10, "compressed size")
			zr, err := gzip.NewReader(bytes.NewReader(r.body))
			require.NoError(t, err)
			plain, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, bigBody, string(plain))
		}
	})

	t.Run("cache headers", func(t *testing.T) {
		tests := []struct {
			give       string
			wantStatus int
			want       []string
		}{
			{"/assets/application-3f9c2a1b.css", 200, []string{"public, max-age=31536000, immutable"}},
			{"/assets/missing.css", 404, nil}, // a miss must not be cached for a year
			{"/page", 200, []string{"no-store"}},
		}
		for _, tt := range tests {
			r := do(t, "GET", url+tt.give, nil, nil)
			assert.Equal(t, tt.wantStatus, r.status, tt.give)
			assert.Equal(t, tt.want, r.header.Values("Cache-Control"), tt.give)
			assert.Empty(t, r.header.Get("Expires"), tt.give)
		}
	})

	t.Run("body limit", func(t *testing.T) {
		tests := []struct {
			name    string
			give    int // body bytes
			chunked bool
			want    int
		}{
			{"under the limit", 512 << 10, false, http.StatusOK},
			{"over the limit", 2 << 20, false, http.StatusRequestEntityTooLarge},
			{"over the limit, chunked", 2 << 20, true, http.StatusRequestEntityTooLarge},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := be.uploads.Load()
				var body io.Reader = bytes.NewReader(make([]byte, tt.give))
				if tt.chunked {
					body = io.MultiReader(body) // unknown length: Transfer-Encoding: chunked
				}
				r := do(t, "POST", url+"/upload", body, nil)
				assert.Equal(t, tt.want, r.status)
				if tt.want == http.StatusOK {
					assert.Equal(t, strconv.Itoa(tt.give), string(r.body))
					assert.Equal(t, before+1, be.uploads.Load())
				} else {
					assert.Equal(t, before, be.uploads.Load(), "Rails never sees a refused body")
				}
			})
		}
	})

	t.Run("health path reaches Rails and is not logged", func(t *testing.T) {
		before := be.health.Load()
		r := do(t, "GET", url+"/up", nil, nil)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "ok", string(r.body))
		assert.Equal(t, before+1, be.health.Load())
		do(t, "GET", url+"/echo", nil, map[string]string{"X-Request-Id": "after-health-check"})
		for _, l := range accessLog(t, trusted, "after-health-check") {
			assert.NotEqual(t, "/up", l["path"])
		}
	})

	t.Run("security headers", func(t *testing.T) {
		tests := []struct {
			give string
			want map[string][]string
		}{
			{"/echo", map[string][]string{
				"Server":                 {"nginx"},
				"X-Content-Type-Options": {"nosniff"},
				"X-Frame-Options":        {"SAMEORIGIN"},
				"Referrer-Policy":        {"strict-origin-when-cross-origin"},
			}},
			// Rails set its own: exactly one of each, Rails' value.
			{"/frame", map[string][]string{
				"X-Frame-Options":        {"DENY"},
				"X-Content-Type-Options": {"nosniff"},
			}},
		}
		for _, tt := range tests {
			r := do(t, "GET", url+tt.give, nil, nil)
			for k, v := range tt.want {
				assert.Equal(t, v, r.header.Values(k), "%s %s", tt.give, k)
			}
		}
	})

	t.Run("websocket upgrade headers pass", func(t *testing.T) {
		e := echoOf(t, do(t, "GET", url+"/cable", nil, map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}))
		assert.Equal(t, "websocket", e.Header.Get("Upgrade"))
		assert.Equal(t, "upgrade", e.Header.Get("Connection"))
	})

	t.Run("JSON access log on stdout", func(t *testing.T) {
		do(t, "GET", url+"/echo/logged?token=secret", nil, map[string]string{
			"X-Request-Id": "log-check-1", "CF-Connecting-IP": "203.0.113.9", "User-Agent": "integration-test",
		})
		var line map[string]any
		for _, l := range accessLog(t, trusted, "log-check-1") {
			if l["request_id"] == "log-check-1" {
				line = l
			}
		}
		assert.Equal(t, "203.0.113.9", line["remote_addr"])
		assert.Equal(t, "127.0.0.1", line["peer_addr"])
		assert.Equal(t, "GET", line["method"])
		assert.Equal(t, "/echo/logged", line["path"], "no query string in the log")
		assert.Equal(t, float64(200), line["status"])
		assert.Equal(t, "200", line["upstream_status"])
		assert.Equal(t, "integration-test", line["user_agent"])
		assert.Equal(t, be.addr, line["upstream_addr"])
		assert.NotContains(t, trusted.Stdout(), "secret")
		assert.Empty(t, trusted.MainAccessLog(), "the server's JSON log replaces the image's main log")
	})
}

// accessLog returns nginx's stdout parsed, one JSON object per line, once a line with request id
// marker has arrived (nginx logs after it responds, and lines from its single worker come in order).
func accessLog(t *testing.T, s *Server, marker string) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		var out []map[string]any
		found := false
		for _, l := range strings.Split(strings.TrimSpace(s.Stdout()), "\n") {
			if l == "" {
				continue
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(l), &m), "not JSON: %s", l)
			out = append(out, m)
			found = found || m["request_id"] == marker
		}
		if found {
			return out
		}
		require.True(t, time.Now().Before(deadline), "no access log line for %s in:\n%s", marker, s.Stdout())
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUpstreamKeepalive(t *testing.T) {
	nginxBinary(t)
	tests := []struct {
		name string
		give func(string) string // an edit of the rendered config
		want func(newConns int64) bool
	}{
		{"as configured: one connection for all", nil, func(n int64) bool { return n <= 1 }},
		// The control: without the idle pool nginx connects for every request, so the test can tell.
		{"without keepalive: one connection each", WithoutUpstreamKeepalive, func(n int64) bool { return n == 20 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := startBackend(t)
			s := startNginx(t, map[string]string{"BACKEND_PORT": strconv.Itoa(be.port)}, tt.give, nil)
			before := be.newConns.Load()
			for range 20 {
				require.Equal(t, http.StatusOK, do(t, "GET", "http://"+s.Addr+"/echo", nil, nil).status)
			}
			n := be.newConns.Load() - before
			assert.True(t, tt.want(n), "%d new upstream connections for 20 requests", n)
		})
	}
}

func TestDeadBackendGives502Quickly(t *testing.T) {
	nginxBinary(t)
	port, err := FreePort() // nothing listens there
	require.NoError(t, err)
	s := startNginx(t, map[string]string{"BACKEND_PORT": strconv.Itoa(port)}, nil, nil)

	start := time.Now()
	r := do(t, "GET", "http://"+s.Addr+"/echo", nil, nil)
	elapsed := time.Since(start)

	assert.Equal(t, http.StatusBadGateway, r.status)
	assert.Less(t, elapsed, 2*time.Second, "a refused connection must not wait for a timeout")
	assert.Equal(t, "nginx", r.header.Get("Server"))
	assert.Regexp(t, generatedID, r.header.Get("X-Request-Id"), "the 502 carries the id that is in the log")
	assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	assert.NotContains(t, string(r.body), "nginx/", "no version on error pages")
}

// TestLocalhostWithIPv6 runs the ECS value BACKEND_HOST=localhost where localhost resolves to ::1 as well
// as 127.0.0.1 and Rails listens on IPv4 only, then restarts Rails. With max_fails=0 nginx serves again
// at once; with nginx's default max_fails=1 the one request made while Rails was down marks both
// addresses down, and nginx answers 502 ("no live upstreams") after Rails is back.
func TestLocalhostWithIPv6(t *testing.T) {
	nginxBinary(t)
	requireHostsOverride(t)
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		l.Close()
	}
	hosts := map[string][]string{"localhost": {"::1", "127.0.0.1"}}
	tests := []struct {
		name string
		give func(string) string // an edit of the rendered config
		want int                 // the first status once Rails is back
	}{
		{"max_fails=0", nil, http.StatusOK},
		{"control: default max_fails", func(c string) string { return strings.Replace(c, " max_fails=0;", ";", 1) },
			http.StatusBadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := startBackend(t)
			s := startNginx(t, map[string]string{"BACKEND_HOST": "localhost", "BACKEND_PORT": strconv.Itoa(be.port)},
				tt.give, hosts)
			url := "http://" + s.Addr

			// Concurrent requests need several upstream connections, so both addresses get tried.
			statuses := parallel(t, 8, url+"/slow")
			assert.Equal(t, []int{200, 200, 200, 200, 200, 200, 200, 200}, statuses)
			assert.Contains(t, s.ErrorLog(), "[::1]:"+strconv.Itoa(be.port), "::1 was tried and refused")

			// Rails restarts; one request arrives meanwhile and fails on both addresses.
			be.close()
			assert.Equal(t, http.StatusBadGateway, do(t, "GET", url+"/echo", nil, nil).status)
			require.NoError(t, be.listen(be.addr))
			assert.Equal(t, tt.want, do(t, "GET", url+"/echo", nil, nil).status)
		})
	}
}

// parallel sends n GETs at once and returns their statuses (0 for a transport error).
func parallel(t *testing.T, n int, url string) []int {
	t.Helper()
	out := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := client.Get(url)
			if err != nil {
				t.Log(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			out[i] = res.StatusCode
		}()
	}
	wg.Wait()
	return out
}
