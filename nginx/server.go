//go:build unix

package nginx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options configure Start and Check.
type Options struct {
	// Binary is the nginx executable. Default: "nginx" from PATH.
	Binary string
	// Config is the rendered template, written to conf.d/default.conf.
	Config string
	// Port is the port Config listens on: Start waits until 127.0.0.1:Port accepts.
	Port int
	// WorkerProcesses is nginx's worker count. Default 1.
	WorkerProcesses int
	// Stdout receives nginx's standard output (the JSON access log) instead of the buffer Stdout returns;
	// an *os.File such as /dev/null is handed to nginx directly, with no copying in between.
	Stdout io.Writer
	// Hosts, when set, is the /etc/hosts nginx sees ("app" → 127.0.0.1), so that a config naming a
	// Compose service resolves here. It needs root and unshare(1): see CanOverrideHosts.
	Hosts map[string][]string
}

// Server is a real nginx that Start runs in the foreground with its files in a temporary directory.
type Server struct {
	// Addr is where it listens: 127.0.0.1:Port.
	Addr string
	// Dir holds nginx.conf, conf.d/, the logs and the temp paths until Stop.
	Dir string

	cmd      *exec.Cmd
	stdout   *lockedBuffer
	stderr   *lockedBuffer
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
	errorLog string
}

// MainConfig is the image's /etc/nginx/nginx.conf after the Dockerfile's edits, with every path moved
// into dir so that nothing outside it is written: the same http {} context the template is included in.
// When the caller is root (CI), workers switch to an unprivileged user as they would as uid 101 in the
// image; the temp paths nginx creates are then chowned to that user.
func MainConfig(dir string, workers int) (string, error) {
	if workers < 1 {
		workers = 1
	}
	var userLine string
	if os.Geteuid() == 0 {
		u, g, err := unprivileged()
		if err != nil {
			return "", err
		}
		userLine = fmt.Sprintf("user %s %s;\n", u, g)
	}
	return fmt.Sprintf(`%sworker_processes %d;
error_log %[3]s/error.log notice;
pid %[3]s/nginx.pid;

events {
    worker_connections 1024;
}

http {
    # The image includes its mime.types; nginx only proxies here, so a few types are enough.
    types {
        text/html html;
        text/css css;
        application/javascript js;
        application/json json;
        image/svg+xml svg;
    }
    default_type application/octet-stream;

    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log %[3]s/access.log main;

    sendfile on;
    keepalive_timeout 65;

    client_body_temp_path %[3]s/client_temp;
    proxy_temp_path %[3]s/proxy_temp;
    fastcgi_temp_path %[3]s/fastcgi_temp;
    uwsgi_temp_path %[3]s/uwsgi_temp;
    scgi_temp_path %[3]s/scgi_temp;

    include %[3]s/conf.d/*.conf;
}
`, userLine, workers, dir), nil
}

// unprivileged returns a user and group that exist here for nginx's workers.
func unprivileged() (string, string, error) {
	if _, err := user.Lookup("nobody"); err != nil {
		return "", "", fmt.Errorf("nginx: running as root, and no user nobody for the workers: %w", err)
	}
	for _, g := range []string{"nogroup", "nobody"} {
		if _, err := user.LookupGroup(g); err == nil {
			return "nobody", g, nil
		}
	}
	return "", "", errors.New("nginx: running as root, and no group nogroup or nobody for the workers")
}

// prepare writes nginx.conf and conf.d/default.conf into a new directory the workers can enter.
func prepare(o Options) (dir string, err error) {
	dir, err = os.MkdirTemp("", "nginx-")
	if err != nil {
		return "", fmt.Errorf("nginx: temp dir: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	// MkdirTemp makes 0700; workers running as nobody must reach the temp paths inside.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("nginx: chmod: %w", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		return "", fmt.Errorf("nginx: conf.d: %w", err)
	}
	main, err := MainConfig(dir, o.WorkerProcesses)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		return "", fmt.Errorf("nginx: write nginx.conf: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf.d", "default.conf"), []byte(o.Config), 0o644); err != nil {
		return "", fmt.Errorf("nginx: write default.conf: %w", err)
	}
	if o.Hosts != nil {
		var b strings.Builder
		for name, addrs := range o.Hosts {
			for _, a := range addrs {
				fmt.Fprintf(&b, "%s %s\n", a, name)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(b.String()), 0o644); err != nil {
			return "", fmt.Errorf("nginx: write hosts: %w", err)
		}
	}
	return dir, nil
}

// command is nginx with args, inside a private mount namespace with dir/hosts as /etc/hosts when the
// options ask for one (the bind mount is invisible outside that namespace and ends with it).
func command(o Options, dir string, args ...string) (*exec.Cmd, error) {
	bin := o.Binary
	if bin == "" {
		bin = "nginx"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("nginx: %w", err)
	}
	base := append([]string{"-p", dir + "/", "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")}, args...)
	if o.Hosts == nil {
		return exec.Command(path, base...), nil
	}
	if !CanOverrideHosts() {
		return nil, errors.New("nginx: a private /etc/hosts needs root and unshare(1)")
	}
	// unshare and sh both exec, so the command's pid ends up being nginx's master.
	wrapped := append([]string{"--mount", "--propagation", "private", "--", "/bin/sh", "-c",
		`mount --bind "$0" /etc/hosts && exec "$@"`, filepath.Join(dir, "hosts"), path}, base...)
	return exec.Command("unshare", wrapped...), nil
}

var overrideHosts = sync.OnceValue(func() bool {
	if os.Geteuid() != 0 {
		return false
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		return false
	}
	return exec.Command("unshare", "--mount", "--propagation", "private", "--", "/bin/true").Run() == nil
})

// CanOverrideHosts reports whether Options.Hosts can work here: root, with unshare(1) allowed to make
// a mount namespace.
func CanOverrideHosts() bool { return overrideHosts() }

// Check runs `nginx -t` on o.Config under the main config and returns nginx's output; the error is
// non-nil when nginx rejects the configuration.
func Check(o Options) (string, error) {
	dir, err := prepare(o)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	cmd, err := command(o, dir, "-t")
	if err != nil {
		return "", err
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("nginx -t: %w", err)
	}
	return string(out), nil
}

// Start runs nginx with o.Config and returns once 127.0.0.1:o.Port accepts connections, within 10s.
// The caller must Stop it.
func Start(o Options) (*Server, error) {
	if o.Port <= 0 {
		return nil, errors.New("nginx: Options.Port is required")
	}
	dir, err := prepare(o)
	if err != nil {
		return nil, err
	}
	cmd, err := command(o, dir, "-g", "daemon off;")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		Addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(o.Port)),
		Dir:    dir,
		cmd:    cmd,
		stdout: &lockedBuffer{},
		stderr: &lockedBuffer{},
		done:   make(chan struct{}),
	}
	cmd.Stdout = s.stdout
	if o.Stdout != nil {
		cmd.Stdout = o.Stdout
	}
	cmd.Stderr = s.stderr
	// Its own process group: Stop can reach the workers too if the master has to be killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("nginx: start: %w", err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-s.done:
			msg := s.ErrorLog() + s.stderr.String()
			s.Stop()
			return nil, fmt.Errorf("nginx: exited at start (%v): %s", s.waitErr, msg)
		default:
		}
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			msg := s.ErrorLog()
			s.Stop()
			return nil, fmt.Errorf("nginx: %s not accepting after 10s: %s", s.Addr, msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop shuts nginx down (SIGQUIT, the image's STOPSIGNAL: in-flight requests finish), kills its process
// group if it has not exited within 5s, and removes its directory. It is safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		pid := s.cmd.Process.Pid
		select {
		case <-s.done:
		default:
			_ = syscall.Kill(pid, syscall.SIGQUIT)
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-pid, syscall.SIGKILL)
				<-s.done
			}
		}
		s.errorLog = s.readErrorLog()
		os.RemoveAll(s.Dir)
	})
}

// Stdout is what nginx wrote to its standard output: the template's JSON access log.
func (s *Server) Stdout() string { return s.stdout.String() }

// MainAccessLog is the http-level access log of the main config, which the template's server replaces.
func (s *Server) MainAccessLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "access.log"))
	return string(b)
}

// ErrorLog is nginx's error log so far (kept after Stop).
func (s *Server) ErrorLog() string {
	select {
	case <-s.done:
		if s.errorLog != "" {
			return s.errorLog
		}
	default:
	}
	return s.readErrorLog()
}

func (s *Server) readErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return string(b)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("nginx: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer is a bytes.Buffer nginx's output can be copied into while tests read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
