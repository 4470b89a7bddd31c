package stage

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// Service is one wirewatch service command: what Main needs to parse its
// configuration and run it.
type Service struct {
	// Name is the service's name ("extractor"); the NATS connection is
	// named wirewatch-<name>.
	Name string
	// Streams are the streams the service reads or writes. Without
	// --create-streams they must exist at start; /readyz checks them.
	Streams []string
	// Flags registers the service's own flags, with defaults from getenv.
	Flags func(fs *flag.FlagSet, getenv func(string) string)
	// Check, if set, completes and validates the service's configuration
	// once the flags are parsed, reporting every problem at once.
	Check func(c Common) error
	// Run runs the service until ctx ends (or, for a one-shot service,
	// until it is done).
	Run func(ctx context.Context, env Env) error
}

// Env is what a running service is given.
type Env struct {
	JS  jetstream.JetStream
	Log *zap.Logger
	// Ops takes the service's metrics and readiness checks; it is never
	// nil here.
	Ops    *Ops
	Common Common
}

// Main runs s as the process's command: with os.Args and the environment,
// until SIGINT or SIGTERM. It exits non-zero when s fails.
func Main(s Service) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := RunService(ctx, s, os.Args[1:], os.Getenv)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintf(os.Stderr, "%s: %v\n", s.Name, err)
		os.Exit(1)
	}
}

// RunService parses args, validates the configuration, serves /healthz,
// /readyz and /metrics, connects to NATS, ensures (or checks) the streams and
// runs s until ctx ends; it then drains the connection within the shutdown
// timeout.
func RunService(ctx context.Context, s Service, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet(s.Name, flag.ContinueOnError)
	var common Common
	common.Register(fs, getenv)
	if s.Flags != nil {
		s.Flags(fs, getenv)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	errs := []error{common.Validate()}
	if s.Check != nil {
		errs = append(errs, s.Check(common))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	log, err := common.Logger()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	return serve(ctx, common, s, log, NewOps())
}

// errNotYet marks a readiness check whose part has not started.
var errNotYet = errors.New("starting")

func serve(ctx context.Context, c Common, s Service, log *zap.Logger, ops *Ops) error {
	ops.SetReady("nats", fmt.Errorf("connecting: %w", errNotYet))
	ops.SetReady("streams", fmt.Errorf("checking: %w", errNotYet))
	if c.HTTPAddr != "" {
		stopHTTP, err := ops.Serve(c.HTTPAddr, log)
		if err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = stopHTTP(sctx)
		}()
	}
	opts, err := c.NATSOptions()
	if err != nil {
		return err
	}
	nc, err := Dial(c.NATSURL, "wirewatch-"+s.Name, log, opts...)
	if err != nil {
		return err
	}
	defer nc.Close()
	ops.AddCheck("nats", NATSCheck(nc))
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("creating jetstream context: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	if c.CreateStreams {
		err = EnsureStreams(sctx, js, c.StreamOptions())
	} else {
		err = CheckStreams(sctx, js, s.Streams)
	}
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		if !nc.IsConnected() {
			// Waited for a server that never answered: say so, rather
			// than only that a stream could not be made in time.
			return fmt.Errorf("nats at %s not reachable: %w", ShownURL(c.NATSURL), err)
		}
		return err
	}
	ops.AddCheck("streams", StreamsCheck(nc, js, s.Streams))

	runErr := s.Run(ctx, Env{JS: js, Log: log, Ops: ops, Common: c})
	ops.SetReady(s.Name, errors.New("stopping"))
	drained := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(drained) })
	if err := nc.Drain(); err == nil {
		select {
		case <-drained:
		case <-time.After(c.ShutdownTimeout):
			log.Warn("connection drain timed out")
		}
	}
	return runErr
}

// StreamsCheck is the readiness check that the named streams exist
// (`streams` in /readyz).
func StreamsCheck(nc *nats.Conn, js jetstream.JetStream, names []string) Check {
	return func(ctx context.Context) error {
		if !nc.IsConnected() {
			return errors.New("unknown while nats is not connected")
		}
		return CheckStreams(ctx, js, names)
	}
}

// ErrStreamMissing is returned by CheckStreams for a stream that does not
// exist.
var ErrStreamMissing = errors.New("stage: stream does not exist")

// CheckStreams checks that every named stream exists, without creating any.
func CheckStreams(ctx context.Context, js jetstream.JetStream, names []string) error {
	var errs []error
	for _, name := range names {
		_, err := js.Stream(ctx, name)
		switch {
		case errors.Is(err, jetstream.ErrStreamNotFound):
			errs = append(errs, fmt.Errorf("stream %s: %w (create it, or run with --create-streams)", name, ErrStreamMissing))
		case err != nil:
			errs = append(errs, fmt.Errorf("looking up stream %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
