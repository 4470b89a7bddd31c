package stage

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Common is the configuration every service command shares.
type Common struct {
	// NATSFlags say how to reach and authenticate to NATS.
	NATSFlags
	// CreateStreams creates or updates every wirewatch stream at start.
	// Without it the service only checks that the streams it needs exist,
	// for accounts that may not manage streams.
	CreateStreams bool
	// HTTPAddr is where /healthz, /readyz and /metrics are served; empty
	// serves none.
	HTTPAddr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is json or console.
	LogFormat string
	// Replicas is the replica count of the streams the service creates.
	Replicas int
	// ShutdownTimeout bounds the drain on SIGINT/SIGTERM.
	ShutdownTimeout time.Duration

	// envErrs are malformed environment variables met by Register.
	envErrs []error
}

// DefaultHTTPAddr is where a service serves /healthz, /readyz and /metrics
// unless told otherwise.
const DefaultHTTPAddr = ":8080"

// Register adds the common flags to fs, with defaults from the WIREWATCH_*
// environment variables read through getenv.
func (c *Common) Register(fs *flag.FlagSet, getenv func(string) string) {
	c.envErrs = nil
	c.NATSFlags.Register(fs, getenv)
	create := true
	if v := getenv("WIREWATCH_CREATE_STREAMS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_CREATE_STREAMS %q is not a boolean", v))
		}
		create = b || err != nil
	}
	fs.BoolVar(&c.CreateStreams, "create-streams", create, "create or update the wirewatch streams at start; false only checks that the streams this service needs exist (env WIREWATCH_CREATE_STREAMS)")
	httpAddr := envOr(getenv, "WIREWATCH_HTTP_ADDR", DefaultHTTPAddr)
	if httpAddr == "off" {
		httpAddr = ""
	}
	fs.StringVar(&c.HTTPAddr, "http-addr", httpAddr, "`address` serving /healthz, /readyz and /metrics; empty (or env \"off\") serves none (env WIREWATCH_HTTP_ADDR)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(getenv, "WIREWATCH_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env WIREWATCH_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", envOr(getenv, "WIREWATCH_LOG_FORMAT", "json"), "log format: json or console (env WIREWATCH_LOG_FORMAT)")
	replicas, err := strconv.Atoi(envOr(getenv, "WIREWATCH_STREAM_REPLICAS", "1"))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("WIREWATCH_STREAM_REPLICAS %q is not a number", getenv("WIREWATCH_STREAM_REPLICAS")))
		replicas = 1
	}
	fs.IntVar(&c.Replicas, "stream-replicas", replicas, "replicas of the streams created at start (env WIREWATCH_STREAM_REPLICAS)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to drain on shutdown")
}

// Validate reports every problem with c at once.
func (c Common) Validate() error {
	errs := append([]error(nil), c.envErrs...)
	if err := c.NATSFlags.Validate(); err != nil {
		errs = append(errs, err)
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
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--http-addr: %w", err))
		}
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

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
