package stage

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Common is the configuration every service command shares.
type Common struct {
	// NATSURL is the server (or comma-separated servers) to connect to.
	NATSURL string
	// NATSCreds is a .creds file (user JWT and nkey seed) to authenticate
	// with.
	NATSCreds string
	// NATSUser and NATSPassword authenticate with a user and password;
	// NATSPasswordFile holds the password instead (read at start, trimmed).
	NATSUser, NATSPassword, NATSPasswordFile string
	// NATSNKeySeedFile holds an nkey seed to authenticate with.
	NATSNKeySeedFile string
	// NATSTLSCA is a PEM file of the CAs the server's certificate is
	// checked against; NATSTLSCert and NATSTLSKey are the client's
	// certificate and key for servers that verify clients.
	NATSTLSCA, NATSTLSCert, NATSTLSKey string
	// NATSInboxPrefix is the subject prefix replies to the service come
	// on. Empty: InboxPrefix of the service's name ("_INBOX_extractor").
	NATSInboxPrefix string
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
	fs.StringVar(&c.NATSURL, "nats", envOr(getenv, "WIREWATCH_NATS_URL", "nats://127.0.0.1:4222"), "NATS server URL(s) `url` (env WIREWATCH_NATS_URL)")
	fs.StringVar(&c.NATSCreds, "nats-creds", getenv("WIREWATCH_NATS_CREDS"), "NATS credentials `file` (.creds: user JWT and nkey seed) (env WIREWATCH_NATS_CREDS)")
	fs.StringVar(&c.NATSUser, "nats-user", getenv("WIREWATCH_NATS_USER"), "NATS user `name` (env WIREWATCH_NATS_USER)")
	fs.StringVar(&c.NATSPassword, "nats-password", getenv("WIREWATCH_NATS_PASSWORD"), "NATS password; prefer the env var or --nats-password-file (env WIREWATCH_NATS_PASSWORD)")
	fs.StringVar(&c.NATSPasswordFile, "nats-password-file", getenv("WIREWATCH_NATS_PASSWORD_FILE"), "`file` holding the NATS password, read at start (env WIREWATCH_NATS_PASSWORD_FILE)")
	fs.StringVar(&c.NATSNKeySeedFile, "nats-nkey-seed-file", getenv("WIREWATCH_NATS_NKEY_SEED_FILE"), "`file` holding an nkey seed to authenticate with (env WIREWATCH_NATS_NKEY_SEED_FILE)")
	fs.StringVar(&c.NATSTLSCA, "nats-tls-ca", getenv("WIREWATCH_NATS_TLS_CA"), "PEM `file` of the CAs that sign the NATS server's certificate (env WIREWATCH_NATS_TLS_CA)")
	fs.StringVar(&c.NATSTLSCert, "nats-tls-cert", getenv("WIREWATCH_NATS_TLS_CERT"), "client certificate PEM `file` for NATS (env WIREWATCH_NATS_TLS_CERT)")
	fs.StringVar(&c.NATSTLSKey, "nats-tls-key", getenv("WIREWATCH_NATS_TLS_KEY"), "client key PEM `file` for NATS (env WIREWATCH_NATS_TLS_KEY)")
	fs.StringVar(&c.NATSInboxPrefix, "nats-inbox-prefix", getenv("WIREWATCH_NATS_INBOX_PREFIX"), "subject `prefix` of the replies to this service, which its NATS permissions must let it subscribe to (default _INBOX_<service>) (env WIREWATCH_NATS_INBOX_PREFIX)")
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
	replicas, _ := strconv.Atoi(envOr(getenv, "WIREWATCH_STREAM_REPLICAS", "1"))
	fs.IntVar(&c.Replicas, "stream-replicas", replicas, "replicas of the streams created at start (env WIREWATCH_STREAM_REPLICAS)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to drain on shutdown")
}

// Validate reports every problem with c at once.
func (c Common) Validate() error {
	errs := append([]error(nil), c.envErrs...)
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
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--http-addr: %w", err))
		}
	}
	if c.NATSInboxPrefix != "" {
		if err := CheckInboxPrefix(c.NATSInboxPrefix); err != nil {
			errs = append(errs, fmt.Errorf("--nats-inbox-prefix: %w", err))
		}
	}
	errs = append(errs, c.authProblems()...)
	return errors.Join(errs...)
}

// authProblems reports conflicting or missing NATS credentials and TLS
// files.
func (c Common) authProblems() []error {
	var errs []error
	methods := 0
	for _, set := range []bool{c.NATSCreds != "", c.NATSUser != "", c.NATSNKeySeedFile != ""} {
		if set {
			methods++
		}
	}
	if methods > 1 {
		errs = append(errs, errors.New("give only one of --nats-creds, --nats-user and --nats-nkey-seed-file"))
	}
	switch {
	case c.NATSPassword != "" && c.NATSPasswordFile != "":
		errs = append(errs, errors.New("give only one of --nats-password and --nats-password-file"))
	case c.NATSUser != "" && c.NATSPassword == "" && c.NATSPasswordFile == "":
		errs = append(errs, errors.New("--nats-user needs --nats-password or --nats-password-file"))
	case c.NATSUser == "" && (c.NATSPassword != "" || c.NATSPasswordFile != ""):
		errs = append(errs, errors.New("a NATS password needs --nats-user"))
	}
	if (c.NATSTLSCert == "") != (c.NATSTLSKey == "") {
		errs = append(errs, errors.New("--nats-tls-cert and --nats-tls-key go together"))
	}
	for _, f := range []struct{ flag, path string }{
		{"--nats-creds", c.NATSCreds}, {"--nats-password-file", c.NATSPasswordFile},
		{"--nats-nkey-seed-file", c.NATSNKeySeedFile}, {"--nats-tls-ca", c.NATSTLSCA},
		{"--nats-tls-cert", c.NATSTLSCert}, {"--nats-tls-key", c.NATSTLSKey},
	} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.flag, err))
		}
	}
	return errs
}

// NATSOptions are the connection options c asks for: credentials, TLS and
// an inbox prefix other than the service's own. It reads the password file.
func (c Common) NATSOptions() ([]nats.Option, error) {
	var opts []nats.Option
	if c.NATSInboxPrefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(c.NATSInboxPrefix))
	}
	switch {
	case c.NATSCreds != "":
		opts = append(opts, nats.UserCredentials(c.NATSCreds))
	case c.NATSNKeySeedFile != "":
		o, err := nats.NkeyOptionFromSeed(c.NATSNKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("reading the nkey seed %s: %w", c.NATSNKeySeedFile, err)
		}
		opts = append(opts, o)
	case c.NATSUser != "":
		password := c.NATSPassword
		if c.NATSPasswordFile != "" {
			b, err := os.ReadFile(c.NATSPasswordFile)
			if err != nil {
				return nil, fmt.Errorf("reading the NATS password: %w", err)
			}
			if password = strings.TrimSpace(string(b)); password == "" {
				return nil, fmt.Errorf("reading the NATS password: %s is empty", c.NATSPasswordFile)
			}
		}
		opts = append(opts, nats.UserInfo(c.NATSUser, password))
	}
	if c.NATSTLSCA != "" {
		opts = append(opts, nats.RootCAs(c.NATSTLSCA))
	}
	if c.NATSTLSCert != "" {
		opts = append(opts, nats.ClientCert(c.NATSTLSCert, c.NATSTLSKey))
	}
	return opts, nil
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
