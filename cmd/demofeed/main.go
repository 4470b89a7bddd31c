// Command demofeed serves a directory of article files as a news site with an
// RSS feed, for demos of the wirewatch fetcher (see internal/demofeed).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/demofeed"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "demofeed:", err)
		os.Exit(1)
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("demofeed", flag.ContinueOnError)
	dir := fs.String("dir", envOr(getenv, "DEMOFEED_DIR", "examples/articles"), "`directory` of article files to serve (env DEMOFEED_DIR)")
	listen := fs.String("listen", envOr(getenv, "DEMOFEED_LISTEN", ":8080"), "`address` to serve on (env DEMOFEED_LISTEN)")
	title := fs.String("title", envOr(getenv, "DEMOFEED_TITLE", "Vessel Coast Wire"), "the site's name in the feed (env DEMOFEED_TITLE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	log, err := zap.NewProduction()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	articles, err := demofeed.Load(*dir)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              *listen,
		Handler:           demofeed.NewSite(*title, articles, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", zap.String("addr", *listen), zap.Int("articles", len(articles)))
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", *listen, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}
