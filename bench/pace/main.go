// Paced load for bench/run.sh and bench/ab.sh: like `hey -c C -q Q`, but each latency is kept in
// nanoseconds, so percentiles come out in microseconds instead of hey's 0.1 ms steps; and given several
// URLs, it sends to them in turn, so that every server is measured in the same moments of machine load.
//
//	pace -url https://localhost:8443/mutate -body bench/mutate-review.json -c 1 -q 50 -d 10s
//	pace -url https://localhost:8443/mutate,https://localhost:18444/mutate -body bench/mutate-review.json
//	pace -url https://localhost:8443/validate,https://localhost:8443/validate -body full.json,empty.json
//
// Prints one line per URL: "URL requests errors p50_us p90_us p99_us max_us". Each client keeps one
// kept-alive HTTP/1.1 connection per URL (as hey does, and as the API server's client does per connection)
// and sends one POST at a time: Q per second to each URL, the URLs in turn (with two URLs and -q 50, a
// request every 10 ms, each server one every 20 ms). A request that is late starts as soon as the previous
// one is answered (no catching up in a burst). With -q 0 each client sends its next request as soon as the
// last is answered (saturated), still to the URLs in turn. The certificate is not verified (a local benchmark with a
// generated one); the server name sent is -host.
package main

import (
	"bytes"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	urlList := flag.String("url", "", "the endpoint(s), comma-separated, e.g. https://localhost:8443/mutate")
	bodyFile := flag.String("body", "", "the request body (a file), or one per URL, comma-separated")
	clients := flag.Int("c", 1, "clients")
	rate := flag.Float64("q", 50, "requests per second per client and URL; 0: each client sends as fast as it is answered")
	duration := flag.Duration("d", 10*time.Second, "how long to send")
	host := flag.String("host", "localhost", "TLS server name")
	trace := flag.String("trace", "", "a file to write every request to: URL index, start (Unix ns), latency (ns), status")
	flag.Parse()
	urls := strings.Split(*urlList, ",")
	files := strings.Split(*bodyFile, ",")
	bodies := make([][]byte, len(urls))
	var err error
	for u := range urls {
		if len(files) != 1 && len(files) != len(urls) {
			err = fmt.Errorf("-body: one file, or one per URL")
			break
		}
		if bodies[u], err = os.ReadFile(files[u%len(files)]); err != nil {
			break
		}
	}
	if err != nil || *urlList == "" || *clients < 1 || *rate < 0 {
		fmt.Fprintln(os.Stderr, "usage: pace -url URL[,URL...] -body FILE[,FILE...] [-c 1] [-q 50] [-d 10s] [-host localhost] [-trace FILE]", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var traced []string // with -trace: one line per request, written at the end
	all := make([][]time.Duration, len(urls))
	errors := make([]int, len(urls))
	var wg sync.WaitGroup
	deadline := time.Now().Add(*duration)
	for i := 0; i < *clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conns := make([]*http.Client, len(urls))
			for u := range urls {
				conns[u] = &http.Client{Transport: &http.Transport{
					TLSClientConfig:     &tls.Config{InsecureSkipVerify: true, ServerName: *host},
					TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{}, // HTTP/1.1, as hey
					MaxIdleConnsPerHost: 1,
				}, Timeout: 10 * time.Second}
				// One request first, not counted: the connection and TLS handshake are not what is measured.
				if resp, err := conns[u].Post(urls[u], "application/json", bytes.NewReader(bodies[u])); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			mine := make([][]time.Duration, len(urls))
			var lines []string
			bad := make([]int, len(urls))
			var tick <-chan time.Time // nil with -q 0: no pacing
			if *rate > 0 {
				ticker := time.NewTicker(time.Duration(float64(time.Second) / *rate / float64(len(urls))))
				defer ticker.Stop()
				tick = ticker.C
			}
			for n := 0; time.Now().Before(deadline); n++ {
				if tick != nil {
					<-tick
				}
				u := n % len(urls)
				req, _ := http.NewRequest(http.MethodPost, urls[u], bytes.NewReader(bodies[u]))
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := conns[u].Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(start)
				if *trace != "" {
					status := 0
					if err == nil {
						status = resp.StatusCode
					}
					lines = append(lines, fmt.Sprintf("%d %d %d %d", u, start.UnixNano(), took.Nanoseconds(), status))
				}
				if err != nil || resp.StatusCode != 200 {
					bad[u]++
					continue
				}
				mine[u] = append(mine[u], took)
			}
			mu.Lock()
			for u := range urls {
				all[u] = append(all[u], mine[u]...)
				errors[u] += bad[u]
			}
			traced = append(traced, lines...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if *trace != "" {
		if err := os.WriteFile(*trace, []byte(strings.Join(traced, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "-trace:", err)
			os.Exit(1)
		}
	}
	failed := false
	for u, url := range urls {
		d := all[u]
		if len(d) == 0 {
			fmt.Printf("%s 0 %d 0 0 0 0\n", url, errors[u])
			failed = true
			continue
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		at := func(p float64) int64 { return d[int(p*float64(len(d)-1))].Microseconds() }
		fmt.Printf("%s %d %d %d %d %d %d\n", url, len(d), errors[u], at(0.50), at(0.90), at(0.99), d[len(d)-1].Microseconds())
	}
	if failed {
		os.Exit(1)
	}
}
