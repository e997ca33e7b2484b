// Command version-app is the small HTTP app of coflow's deployment tests
// (test/kubernetes/deployments.test.ts), and the client that checks it from
// inside the cluster.
//
//	version-app              serve on :8080: GET / → $VERSION, GET /healthz → 200,
//	                         or 503 when READY=false (a readiness probe that fails)
//	version-app get URL      one request; prints the body, exits 1 unless 200
//	version-app loop URL D   requests URL one after another for the duration D
//	                         (a Go duration, e.g. 20s), then prints one JSON line:
//	                         {"ok":N,"failed":M,"versions":{"v3":n,…},"errors":{…}}
//
// Standard library only, built static (CGO_ENABLED=0) into an image of one file.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	switch {
	case len(args) == 0:
		serve()
	case args[0] == "get" && len(args) == 2:
		get(args[1])
	case args[0] == "loop" && len(args) == 3:
		d, err := time.ParseDuration(args[2])
		if err != nil {
			fail(err)
		}
		loop(args[1], d)
	default:
		fail(fmt.Errorf("usage: version-app | version-app get URL | version-app loop URL DURATION"))
	}
}

func serve() {
	version := os.Getenv("VERSION")
	ready := os.Getenv("READY") != "false"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, version)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready {
			http.Error(w, "not ready (READY=false)", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	server := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	// Kubernetes sends SIGTERM when a Pod leaves, as it takes the Pod out of the
	// Service's endpoints; kube-proxy applies that a moment later. Like a
	// well-behaved app, keep answering for a little while, then drain.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		time.Sleep(2 * time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fail(err)
	}
}

// A client per call with its own connections: keep-alive would pin the loop to
// one Pod and hide what the Service does when its endpoints change.
func client() *http.Client {
	return &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// request returns the body of a 200, or an error naming what went wrong.
func request(c *http.Client, url string) (string, error) {
	res, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s", res.Status)
	}
	return strings.TrimSpace(string(body)), nil
}

func get(url string) {
	body, err := request(client(), url)
	if err != nil {
		fail(err)
	}
	fmt.Println(body)
}

type tally struct {
	OK       int            `json:"ok"`
	Failed   int            `json:"failed"`
	Versions map[string]int `json:"versions"`
	// The first words of each error and how often (a failure should say why).
	Errors map[string]int `json:"errors"`
}

func loop(url string, d time.Duration) {
	c := client()
	t := tally{Versions: map[string]int{}, Errors: map[string]int{}}
	for end := time.Now().Add(d); time.Now().Before(end); {
		body, err := request(c, url)
		if err != nil {
			t.Failed++
			msg := err.Error()
			if len(msg) > 120 {
				msg = msg[:120]
			}
			t.Errors[msg]++
			continue
		}
		t.OK++
		t.Versions[body]++
	}
	_ = json.NewEncoder(os.Stdout).Encode(t)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "version-app:", err)
	os.Exit(1)
}
