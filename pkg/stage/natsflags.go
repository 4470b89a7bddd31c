package stage

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
)

// NATSFlags say how to reach NATS and authenticate to it: the server URL,
// credentials (a .creds file, a user and password, or an nkey seed), TLS
// files and the inbox prefix. Every service has them, and so does every
// command-line tool that talks to a server.
type NATSFlags struct {
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
	// NATSInboxPrefix is the subject prefix replies come on. Empty: the
	// connection's default (InboxPrefix of a service's name).
	NATSInboxPrefix string
}

// Register adds the NATS flags to fs, with defaults from the WIREWATCH_NATS_*
// environment variables read through getenv.
func (n *NATSFlags) Register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&n.NATSURL, "nats", envOr(getenv, "WIREWATCH_NATS_URL", "nats://127.0.0.1:4222"), "`URL` of the NATS server, or several comma-separated (env WIREWATCH_NATS_URL)")
	n.RegisterAuth(fs, getenv)
}

// RegisterAuth adds the NATS flags but --nats to fs: for a command that
// registers --nats itself, with another default.
func (n *NATSFlags) RegisterAuth(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&n.NATSCreds, "nats-creds", getenv("WIREWATCH_NATS_CREDS"), "NATS credentials `file` (.creds: user JWT and nkey seed) (env WIREWATCH_NATS_CREDS)")
	fs.StringVar(&n.NATSUser, "nats-user", getenv("WIREWATCH_NATS_USER"), "NATS user `name` (env WIREWATCH_NATS_USER)")
	fs.StringVar(&n.NATSPassword, "nats-password", getenv("WIREWATCH_NATS_PASSWORD"), "NATS password; prefer the env var or --nats-password-file (env WIREWATCH_NATS_PASSWORD)")
	fs.StringVar(&n.NATSPasswordFile, "nats-password-file", getenv("WIREWATCH_NATS_PASSWORD_FILE"), "`file` holding the NATS password, read at start (env WIREWATCH_NATS_PASSWORD_FILE)")
	fs.StringVar(&n.NATSNKeySeedFile, "nats-nkey-seed-file", getenv("WIREWATCH_NATS_NKEY_SEED_FILE"), "`file` holding an nkey seed to authenticate with (env WIREWATCH_NATS_NKEY_SEED_FILE)")
	fs.StringVar(&n.NATSTLSCA, "nats-tls-ca", getenv("WIREWATCH_NATS_TLS_CA"), "PEM `file` of the CAs that sign the NATS server's certificate (env WIREWATCH_NATS_TLS_CA)")
	fs.StringVar(&n.NATSTLSCert, "nats-tls-cert", getenv("WIREWATCH_NATS_TLS_CERT"), "client certificate PEM `file` for NATS (env WIREWATCH_NATS_TLS_CERT)")
	fs.StringVar(&n.NATSTLSKey, "nats-tls-key", getenv("WIREWATCH_NATS_TLS_KEY"), "client key PEM `file` for NATS (env WIREWATCH_NATS_TLS_KEY)")
	fs.StringVar(&n.NATSInboxPrefix, "nats-inbox-prefix", getenv("WIREWATCH_NATS_INBOX_PREFIX"), "subject `prefix` of the replies to this service, which its NATS permissions must let it subscribe to (default _INBOX_<service> for a service, _INBOX for a tool) (env WIREWATCH_NATS_INBOX_PREFIX)")
}

// Auth reports whether any flag but --nats is set.
func (n NATSFlags) Auth() bool {
	rest := n
	rest.NATSURL = ""
	return rest != NATSFlags{}
}

// Validate reports every problem with the flags at once: no URL, a bad
// inbox prefix, conflicting or missing credentials, files that are not
// there.
func (n NATSFlags) Validate() error {
	var errs []error
	if n.NATSURL == "" {
		errs = append(errs, errors.New("--nats is empty"))
	} else if err := CheckNATSURL(n.NATSURL); err != nil {
		errs = append(errs, fmt.Errorf("--nats: %w", err))
	}
	if n.NATSInboxPrefix != "" {
		if err := CheckInboxPrefix(n.NATSInboxPrefix); err != nil {
			errs = append(errs, fmt.Errorf("--nats-inbox-prefix: %w", err))
		}
	}
	errs = append(errs, n.authProblems()...)
	return errors.Join(errs...)
}

// authProblems reports conflicting or missing NATS credentials and TLS
// files.
func (n NATSFlags) authProblems() []error {
	var errs []error
	methods := 0
	for _, set := range []bool{n.NATSCreds != "", n.NATSUser != "", n.NATSNKeySeedFile != ""} {
		if set {
			methods++
		}
	}
	if methods > 1 {
		errs = append(errs, errors.New("give only one of --nats-creds, --nats-user and --nats-nkey-seed-file"))
	}
	switch {
	case n.NATSPassword != "" && n.NATSPasswordFile != "":
		errs = append(errs, errors.New("give only one of --nats-password and --nats-password-file"))
	case n.NATSUser != "" && n.NATSPassword == "" && n.NATSPasswordFile == "":
		errs = append(errs, errors.New("--nats-user needs --nats-password or --nats-password-file"))
	case n.NATSUser == "" && (n.NATSPassword != "" || n.NATSPasswordFile != ""):
		errs = append(errs, errors.New("a NATS password needs --nats-user"))
	}
	if (n.NATSTLSCert == "") != (n.NATSTLSKey == "") {
		errs = append(errs, errors.New("--nats-tls-cert and --nats-tls-key go together"))
	}
	for _, f := range []struct{ flag, path string }{
		{"--nats-creds", n.NATSCreds}, {"--nats-password-file", n.NATSPasswordFile},
		{"--nats-nkey-seed-file", n.NATSNKeySeedFile}, {"--nats-tls-ca", n.NATSTLSCA},
		{"--nats-tls-cert", n.NATSTLSCert}, {"--nats-tls-key", n.NATSTLSKey},
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
func (n NATSFlags) NATSOptions() ([]nats.Option, error) {
	var opts []nats.Option
	if n.NATSInboxPrefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(n.NATSInboxPrefix))
	}
	switch {
	case n.NATSCreds != "":
		opts = append(opts, nats.UserCredentials(n.NATSCreds))
	case n.NATSNKeySeedFile != "":
		o, err := nats.NkeyOptionFromSeed(n.NATSNKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("reading the nkey seed %s: %w", n.NATSNKeySeedFile, err)
		}
		opts = append(opts, o)
	case n.NATSUser != "":
		password := n.NATSPassword
		if n.NATSPasswordFile != "" {
			b, err := os.ReadFile(n.NATSPasswordFile)
			if err != nil {
				return nil, fmt.Errorf("reading the NATS password: %w", err)
			}
			if password = strings.TrimSpace(string(b)); password == "" {
				return nil, fmt.Errorf("reading the NATS password: %s is empty", n.NATSPasswordFile)
			}
		}
		opts = append(opts, nats.UserInfo(n.NATSUser, password))
	}
	if n.NATSTLSCA != "" {
		opts = append(opts, nats.RootCAs(n.NATSTLSCA))
	}
	if n.NATSTLSCert != "" {
		opts = append(opts, nats.ClientCert(n.NATSTLSCert, n.NATSTLSKey))
	}
	return opts, nil
}

// natsSchemes are the URL schemes a NATS client connects with.
var natsSchemes = map[string]bool{"nats": true, "tls": true, "ws": true, "wss": true}

// CheckNATSURL reports a server list that is not one: each comma-separated
// entry must be scheme://host[:port] with a NATS scheme (nats, tls, ws, wss)
// or a bare host[:port]. The client would otherwise take "nats//host" for a
// host named "nats" and wait for it in vain.
func CheckNATSURL(list string) error {
	for raw := range strings.SplitSeq(list, ",") {
		s := strings.TrimSpace(raw)
		if s == "" {
			return fmt.Errorf("%q has an empty server", list)
		}
		if !strings.Contains(s, "://") {
			s = "nats://" + s
		}
		shown := withoutUserinfo(strings.TrimSpace(raw))
		u, err := url.Parse(s)
		if err != nil || !natsSchemes[u.Scheme] || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("%q is not a NATS URL (want nats://host:port)", shown)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("%q has no valid port", shown)
			}
		}
	}
	return nil
}

// ShownURL is a server list as errors and logs show it: without the user
// and password a URL may carry.
func ShownURL(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		parts[i] = withoutUserinfo(p)
	}
	return strings.Join(parts, ",")
}

// withoutUserinfo hides the user and password of one server URL.
func withoutUserinfo(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	if k := strings.Index(s, "://"); k >= 0 && k < at {
		return s[:k+3] + "…@" + s[at+1:]
	}
	return "…@" + s[at+1:]
}
