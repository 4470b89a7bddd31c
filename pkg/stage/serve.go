package stage

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Common is the configuration every service command shares.
type Common struct {
	// NATSURL is the server (or comma-separated servers) to connect to.
	NATSURL string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is json or console.
	LogFormat string
	// Replicas is the replica count of the streams the service creates.
	Replicas int
	// ShutdownTimeout bounds the drain on SIGINT/SIGTERM.
	ShutdownTimeout time.Duration
}

// Register adds the common flags to fs, with defaults from the WIREWATCH_*
// environment variables read through getenv.
func (c *Common) Register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.NATSURL, "nats", envOr(getenv, "WIREWATCH_NATS_URL", "nats://127.0.0.1:4222"), "NATS server URL(s) `url` (env WIREWATCH_NATS_URL)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(getenv, "WIREWATCH_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env WIREWATCH_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", envOr(getenv, "WIREWATCH_LOG_FORMAT", "json"), "log format: json or console (env WIREWATCH_LOG_FORMAT)")
	replicas, _ := strconv.Atoi(envOr(getenv, "WIREWATCH_STREAM_REPLICAS", "1"))
	fs.IntVar(&c.Replicas, "stream-replicas", replicas, "replicas of the streams created at start (env WIREWATCH_STREAM_REPLICAS)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to drain on shutdown")
}

// Validate reports every problem with c at once.
func (c Common) Validate() error {
	var errs []error
	if c.NATSURL == "" {
		errs = append(errs, errors.New("--nats is empty"))
	}
	if _, err := zapcore.ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, fmt.Errorf("--log-level: %w", err))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("--log-format %q is not json or console", c.LogFormat))
	}
	if c.Replicas != 1 && c.Replicas != 3 && c.Replicas != 5 {
		errs = append(errs, fmt.Errorf("--stream-replicas %d is not 1, 3 or 5", c.Replicas))
	}
	return errors.Join(errs...)
}

// Logger builds the service's logger.
func (c Common) Logger() (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(c.LogLevel)
	if err != nil {
		return nil, err
	}
	cfg := zap.NewProductionConfig()
	if c.LogFormat == "console" {
		cfg = zap.NewDevelopmentConfig()
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	return cfg.Build()
}

// StreamOptions are the stream settings c asks for.
func (c Common) StreamOptions() events.StreamOptions {
	return events.StreamOptions{Replicas: c.Replicas}
}

// Serve connects a service command to NATS, ensures the streams, calls run
// until ctx ends (a signal), then drains the connection within the shutdown
// timeout.
func Serve(ctx context.Context, c Common, name string, log *zap.Logger, run func(ctx context.Context, js jetstream.JetStream) error) error {
	nc, err := Connect(c.NATSURL, name, log)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("creating jetstream context: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	err = EnsureStreams(sctx, js, c.StreamOptions())
	cancel()
	if err != nil {
		return err
	}
	runErr := run(ctx, js)
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

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
