// Command healthcheck exits 0 when an HTTP health endpoint answers 2xx and 1
// otherwise. The wirewatch container images run it as their healthcheck.
//
//	healthcheck [--timeout 3s] [URL]
//
// URL defaults to $HEALTHCHECK_URL, then http://127.0.0.1:8080/healthz.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/wirewatch/wirewatch/internal/healthcheck"
)

func main() {
	fs := flag.NewFlagSet("healthcheck", flag.ExitOnError)
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for an answer")
	_ = fs.Parse(os.Args[1:])
	url := os.Getenv("HEALTHCHECK_URL")
	if url == "" {
		url = "http://127.0.0.1:8080/healthz"
	}
	switch fs.NArg() {
	case 0:
	case 1:
		url = fs.Arg(0)
	default:
		fmt.Fprintln(os.Stderr, "usage: healthcheck [--timeout D] [URL]")
		os.Exit(2)
	}
	if err := healthcheck.Check(context.Background(), url, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
