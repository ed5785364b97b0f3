//go:build unix

package queuelatency

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// redisBinaries finds the real redis-server and redis-cli (the Debian package redis-server depends on
// redis-tools, which has the client). Without them a developer's run skips; CI must have them.
func redisBinaries(t *testing.T) (server, cli string) {
	t.Helper()
	for _, name := range []string{"redis-server", "redis-cli"} {
		path, err := exec.LookPath(name)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not on PATH and CI is set: .ci/run must `apt-get install -y redis-server`", name)
			}
			t.Skipf("%s is not on PATH (apt-get install -y redis-server); skipping the tests that run the real Redis", name)
		}
		if name == "redis-server" {
			server = path
		} else {
			cli = path
		}
	}
	return server, cli
}

// redisServerOptions shape a test server.
type redisServerOptions struct {
	password string
	// tls adds a TLS port with a certificate for "localhost" only, signed by a CA of the test's own.
	tls bool
}

// redisServer is a real redis-server on loopback, stopped at the test's end.
type redisServer struct {
	cli      string
	port     int // plain TCP: how the tests load jobs
	tlsPort  int // 0 without TLS
	password string
	caPool   *x509.CertPool
	caFile   string
	dir      string
}

func startRedis(t *testing.T, o redisServerOptions) *redisServer {
	t.Helper()
	server, cli := redisBinaries(t)
	dir := t.TempDir()
	s := &redisServer{cli: cli, port: freePort(t), password: o.password, dir: dir}
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port), "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--daemonize", "no"}
	if o.password != "" {
		args = append(args, "--requirepass", o.password)
	}
	if o.tls {
		s.tlsPort = freePort(t)
		s.caPool, s.caFile = writeCerts(t, dir)
		args = append(args, "--tls-port", strconv.Itoa(s.tlsPort),
			"--tls-cert-file", filepath.Join(dir, "server.pem"), "--tls-key-file", filepath.Join(dir, "server-key.pem"),
			"--tls-ca-cert-file", s.caFile, "--tls-auth-clients", "no")
	}
	cmd := exec.Command(server, args...)
	cmd.SysProcAttr = dieWithParent()
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Logf("redis-server log:\n%s", b)
		}
	})
	for _, p := range []int{s.port, s.tlsPort} {
		if p != 0 {
			waitListening(t, p, done)
		}
	}
	return s
}

// cmd runs one command through redis-cli on the plain port and returns its output.
func (s *redisServer) cmd(t *testing.T, args ...string) string {
	t.Helper()
	base := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(s.port)}
	if s.password != "" {
		base = append(base, "-a", s.password, "--no-auth-warning")
	}
	out, err := exec.Command(s.cli, append(base, args...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	require.NotContains(t, string(out), "ERR", "redis-cli %v", args)
	return strings.TrimSpace(string(out))
}

// url is the server's address as REDIS_URL would hold it.
func (s *redisServer) url(scheme, host string) string {
	port := s.port
	if scheme == "rediss" {
		port = s.tlsPort
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/0"
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("redis-server exited before listening on %d", port)
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("redis-server is not listening on %d after 10s", port)
}

// writeCerts makes a CA and a server certificate for DNS name "localhost" (no IP address, so a client
// that dials 127.0.0.1 must refuse it), writes ca.pem, server.pem and server-key.pem into dir, and returns
// the CA as a pool and as a file.
func writeCerts(t *testing.T, dir string) (*x509.CertPool, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "queuelatency test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)

	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
		return p
	}
	caFile := write("ca.pem", "CERTIFICATE", caDER)
	write("server.pem", "CERTIFICATE", leafDER)
	write("server-key.pem", "PRIVATE KEY", keyDER)
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, caFile
}
