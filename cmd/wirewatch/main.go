// Command wirewatch runs the whole news pipeline in one process, on an
// embedded NATS JetStream server by default, and offers the tools around it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wirewatch/wirewatch/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal asks the verb to stop and drain; after it the
	// signals' default comes back, so a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
