//go:build unix

// Command bench measures what the nginx sidecar costs: throughput and p50/p99 latency straight to a
// small Go backend and through nginx running the real template (the ECS values, with keepalive to the
// upstream on and off), all on loopback, under the same load, in the same run. Targets are interleaved
// round by round so machine noise spreads evenly, and each target's median round is reported.
//
//	go run ./nginx/bench                       # wrk if installed, else a Go load generator
//	go run ./nginx/bench -delay 5ms            # a backend that takes 5ms per request, like Rails
//	go run ./nginx/bench -duration 5s -rounds 1 -out /tmp/bench.json
//
// It needs the nginx binary; the whole run is bounded by -max-time. docs/nginx-benchmark.md records
// the method and the numbers.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fargate-platform/fargate-platform/nginx"
)

// result is one target's measurement in one round.
type result struct {
	Target   string  `json:"target"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	RPS      float64 `json:"rps"`
	P50Ms    float64 `json:"p50_ms"`
	P99Ms    float64 `json:"p99_ms"`
}

// report is what -out receives.
type report struct {
	Date        string              `json:"date"`
	Nginx       string              `json:"nginx"`
	LoadGen     string              `json:"load_generator"`
	CPUs        int                 `json:"cpus"`
	Connections int                 `json:"connections"`
	Duration    string              `json:"duration_per_round"`
	Rounds      int                 `json:"rounds"`
	BodyBytes   int                 `json:"body_bytes"`
	DelayMs     float64             `json:"backend_delay_ms"`
	Workers     int                 `json:"nginx_workers"`
	Median      map[string]result   `json:"median"`
	All         map[string][]result `json:"all_rounds"`
	// RatioKeepalive is nginx (keepalive on) throughput over direct throughput.
	RatioKeepalive float64 `json:"ratio_keepalive_vs_direct"`
	// RatioNoKeepalive is nginx (keepalive off) throughput over direct throughput.
	RatioNoKeepalive float64 `json:"ratio_no_keepalive_vs_direct"`
	// KeepaliveOffCost is the share of nginx's throughput lost when keepalive to Rails is off.
	KeepaliveOffCost float64 `json:"keepalive_off_throughput_cost"`
}

const (
	targetDirect      = "direct"
	targetKeepalive   = "nginx, upstream keepalive on"
	targetNoKeepalive = "nginx, upstream keepalive off"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "measured load per target and round")
	warmup := flag.Duration("warmup", 2*time.Second, "unmeasured load before each measurement")
	rounds := flag.Int("rounds", 3, "rounds; targets are interleaved within each")
	conns := flag.Int("connections", 32, "concurrent client connections (all keep-alive)")
	bodySize := flag.Int("size", 2048, "response body bytes")
	delay := flag.Duration("delay", 0, "backend service time per request (0: the proxy's worst case; a few ms: Rails-like)")
	workers := flag.Int("workers", 1, "nginx worker_processes")
	loadgen := flag.String("loadgen", "auto", "wrk, go, or auto (wrk when installed)")
	out := flag.String("out", "", "also write the report as JSON here")
	maxTime := flag.Duration("max-time", 5*time.Minute, "abort the whole run after this long")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *maxTime)
	defer cancel()
	if err := run(ctx, config{*duration, *warmup, *rounds, *conns, *bodySize, *delay, *workers, *loadgen, *out}); err != nil {
		log.Fatal(err)
	}
}

type config struct {
	duration, warmup time.Duration
	rounds, conns    int
	bodySize         int
	delay            time.Duration
	workers          int
	loadgen, out     string
}

func run(ctx context.Context, c config) error {
	if c.rounds < 1 || c.conns < 1 || c.duration <= 0 {
		return errors.New("bench: -rounds, -connections and -duration must be positive")
	}
	gen, err := pickLoadGen(c.loadgen)
	if err != nil {
		return err
	}
	version, err := exec.Command("nginx", "-v").CombinedOutput()
	if err != nil {
		return fmt.Errorf("bench: nginx -v: %w (apt-get install -y nginx)", err)
	}

	backendAddr, stopBackend, err := startBackend(c.bodySize, c.delay)
	if err != nil {
		return err
	}
	defer stopBackend()

	template, dockerEnv, err := readSources()
	if err != nil {
		return err
	}
	_, backendPort, _ := net.SplitHostPort(backendAddr)
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer devNull.Close()

	// Both nginx configs are the template rendered with the ECS task's values; only the ports differ,
	// and the second drops the upstream keepalive.
	targets := map[string]string{targetDirect: "http://" + backendAddr + "/"}
	for name, edit := range map[string]func(string) string{
		targetKeepalive:   func(s string) string { return s },
		targetNoKeepalive: nginx.WithoutUpstreamKeepalive,
	} {
		port, err := nginx.FreePort()
		if err != nil {
			return err
		}
		conf, err := nginx.Render(template, nginx.Merge(dockerEnv, nginx.ECSEnvironment,
			map[string]string{"NGINX_PORT": strconv.Itoa(port), "BACKEND_PORT": backendPort}))
		if err != nil {
			return err
		}
		// The access log goes to /dev/null: still written per request, as in ECS, but not kept.
		s, err := nginx.Start(nginx.Options{Config: edit(conf), Port: port, WorkerProcesses: c.workers, Stdout: devNull})
		if err != nil {
			return err
		}
		defer s.Stop()
		targets[name] = "http://" + s.Addr + "/"
	}

	order := []string{targetDirect, targetKeepalive, targetNoKeepalive}
	all := map[string][]result{}
	for r := 1; r <= c.rounds; r++ {
		for _, name := range order {
			if ctx.Err() != nil {
				return fmt.Errorf("bench: stopped after -max-time: %w", ctx.Err())
			}
			if c.warmup > 0 {
				if _, err := gen(ctx, targets[name], c.conns, c.warmup); err != nil {
					return fmt.Errorf("bench: warm-up %s: %w", name, err)
				}
			}
			res, err := gen(ctx, targets[name], c.conns, c.duration)
			if err != nil {
				return fmt.Errorf("bench: %s: %w", name, err)
			}
			res.Target = name
			all[name] = append(all[name], res)
			log.Printf("round %d/%d %-30s %9.0f req/s  p50 %6.3f ms  p99 %6.3f ms  errors %d",
				r, c.rounds, name, res.RPS, res.P50Ms, res.P99Ms, res.Errors)
		}
	}

	rep := report{
		Date: time.Now().UTC().Format(time.RFC3339), Nginx: strings.TrimSpace(string(version)),
		LoadGen: c.loadgen, CPUs: runtime.NumCPU(), Connections: c.conns, Duration: c.duration.String(),
		Rounds: c.rounds, BodyBytes: c.bodySize, DelayMs: float64(c.delay) / float64(time.Millisecond), Workers: c.workers, Median: map[string]result{}, All: all,
	}
	if rep.LoadGen == "auto" {
		rep.LoadGen = map[bool]string{true: "wrk", false: "go"}[hasWrk()]
	}
	for name, rs := range all {
		rep.Median[name] = median(rs)
	}
	direct, on, off := rep.Median[targetDirect].RPS, rep.Median[targetKeepalive].RPS, rep.Median[targetNoKeepalive].RPS
	rep.RatioKeepalive, rep.RatioNoKeepalive, rep.KeepaliveOffCost = on/direct, off/direct, 1-off/on

	fmt.Printf("\n%s, %d CPUs, %s load generator, %d connections, %s x %d rounds, %d-byte responses after %v, %d nginx worker(s)\n\n",
		rep.Nginx, rep.CPUs, rep.LoadGen, rep.Connections, rep.Duration, rep.Rounds, rep.BodyBytes, c.delay, rep.Workers)
	fmt.Println("| target | req/s | p50 ms | p99 ms | errors |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: |")
	for _, name := range order {
		m := rep.Median[name]
		fmt.Printf("| %s | %.0f | %.3f | %.3f | %d |\n", name, m.RPS, m.P50Ms, m.P99Ms, m.Errors)
	}
	fmt.Printf("\nthroughput through nginx / direct: %.2f with keepalive, %.2f without; keepalive off costs %.0f%% of nginx's throughput\n",
		rep.RatioKeepalive, rep.RatioNoKeepalive, 100*rep.KeepaliveOffCost)

	if c.out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		if err := os.WriteFile(c.out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("bench: write %s: %w", c.out, err)
		}
	}
	return nil
}

// median returns the round with the median throughput (its own latencies, not a mix of rounds).
func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int {
		switch {
		case a.RPS < b.RPS:
			return -1
		case a.RPS > b.RPS:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// readSources finds the template and the Dockerfile next to this file's package, wherever go run
// started.
func readSources() (template string, env map[string]string, err error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", nil, errors.New("bench: cannot locate the nginx directory")
	}
	dir := filepath.Dir(filepath.Dir(self))
	t, err := os.ReadFile(filepath.Join(dir, nginx.TemplatePath))
	if err != nil {
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	d, err := os.ReadFile(filepath.Join(dir, nginx.DockerfilePath))
	if err != nil {
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	env, err = nginx.DockerfileEnv(string(d))
	return string(t), env, err
}

// startBackend serves a fixed HTML body on 127.0.0.1 after delay: with no delay an action with no work
// in it, so the numbers show the proxy alone; with a few milliseconds, an app that waits on its database.
func startBackend(size int, delay time.Duration) (string, func(), error) {
	body := []byte(strings.Repeat("x", size))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("bench: backend: %w", err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if delay > 0 {
				time.Sleep(delay)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(l) }()
	return l.Addr().String(), func() { _ = srv.Close() }, nil
}

// loadGen applies conns keep-alive connections of closed-loop load to url for d.
type loadGen func(ctx context.Context, url string, conns int, d time.Duration) (result, error)

func hasWrk() bool {
	_, err := exec.LookPath("wrk")
	return err == nil
}

func pickLoadGen(name string) (loadGen, error) {
	switch {
	case name == "wrk" || name == "auto" && hasWrk():
		if !hasWrk() {
			return nil, errors.New("bench: wrk is not installed (apt-get install -y wrk)")
		}
		return wrkLoad, nil
	case name == "go" || name == "auto":
		return goLoad, nil
	}
	return nil, fmt.Errorf("bench: -loadgen %q: want wrk, go or auto", name)
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrkLoad runs wrk (one thread: the machine has few cores, and nginx and the backend need them).
func wrkLoad(ctx context.Context, url string, conns int, d time.Duration) (result, error) {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(cctx, "wrk", "-t1", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s",
		"--latency", url).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (result, error) {
	var r result
	m := wrkRPS.FindStringSubmatch(out)
	t := wrkTotal.FindStringSubmatch(out)
	if m == nil || t == nil {
		return r, fmt.Errorf("wrk: unexpected output: %s", out)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	r.Requests, _ = strconv.ParseInt(t[1], 10, 64)
	for _, p := range wrkPct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		v *= map[string]float64{"us": 0.001, "ms": 1, "s": 1000}[p[3]]
		if p[1] == "50" {
			r.P50Ms = v
		} else {
			r.P99Ms = v
		}
	}
	if e := wrkNon2xx.FindStringSubmatch(out); e != nil {
		n, _ := strconv.ParseInt(e[1], 10, 64)
		r.Errors += n
	}
	if e := wrkSockErr.FindStringSubmatch(out); e != nil {
		for _, s := range e[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.Errors += n
		}
	}
	return r, nil
}

// goLoad is the fallback load generator: conns goroutines, each with its own keep-alive connection,
// sending the next request as soon as the last completes, every latency recorded.
func goLoad(ctx context.Context, url string, conns int, d time.Duration) (result, error) {
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	lat := make([][]time.Duration, conns)
	errs := make([]int64, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			for cctx.Err() == nil {
				t0 := time.Now()
				res, err := c.Get(url)
				if err != nil {
					if cctx.Err() == nil {
						errs[i]++
					}
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs[i]++
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	var r result
	for i := range conns {
		all = append(all, lat[i]...)
		r.Errors += errs[i]
	}
	if len(all) == 0 {
		return r, errors.New("go load: no request completed")
	}
	slices.Sort(all)
	r.Requests = int64(len(all))
	r.RPS = float64(len(all)) / elapsed.Seconds()
	r.P50Ms = float64(all[len(all)*50/100]) / float64(time.Millisecond)
	r.P99Ms = float64(all[len(all)*99/100]) / float64(time.Millisecond)
	return r, nil
}
