package stage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"
)

// Connect connects to the NATS server(s) at url as a wirewatch service: it
// keeps reconnecting for as long as the process runs and logs connection
// changes.
func Connect(url, name string, log *zap.Logger, opts ...nats.Option) (*nats.Conn, error) {
	nc, err := nats.Connect(url, append(baseOptions(name, log, true), opts...)...)
	if err != nil {
		return nil, fmt.Errorf("connecting to nats at %s: %w", ShownURL(url), err)
	}
	return nc, nil
}

func baseOptions(name string, log *zap.Logger, retry bool) []nats.Option {
	return []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.RetryOnFailedConnect(retry),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", zap.Error(err))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats reconnected", zap.String("url", nc.ConnectedUrlRedacted()))
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Debug("nats reconnect attempt failed", zap.Error(err))
		}),
	}
}

// Dial connects like Connect, but tells a server that is not there yet
// from one that refuses the service: when the first attempt fails for want
// of valid credentials, or the TLS handshake fails, it returns that error at
// once; when no server answered, it keeps trying in the background and
// returns the connection, which becomes connected when a server does.
//
// Replies to the service (request replies, JetStream API answers, pulled
// messages, ordered consumers' deliveries) come on its own inbox prefix,
// InboxPrefix(name), unless opts set another with nats.CustomInboxPrefix:
// a server can then let each service subscribe to its own replies only.
func Dial(url, name string, log *zap.Logger, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.CustomInboxPrefix(InboxPrefix(name))}, opts...)
	nc, err := nats.Connect(url, append(baseOptions(name, log, false), opts...)...)
	if err == nil {
		return nc, nil
	}
	if refused(err) {
		return nil, fmt.Errorf("connecting to nats at %s: %w", ShownURL(url), err)
	}
	log.Warn("nats not reachable yet; retrying", zap.String("url", ShownURL(url)), zap.Error(err))
	return Connect(url, name, log, opts...)
}

// InboxPrefix is the inbox prefix of the connection named name:
// "_INBOX_" and the name without its "wirewatch-" prefix, every character
// that may not appear in a subject token replaced by '_'. The service
// "wirewatch-extractor" gets "_INBOX_extractor", whose replies arrive on
// "_INBOX_extractor.>". It differs from the default "_INBOX" in its first
// token, so no permission on "_INBOX.>" reaches it.
func InboxPrefix(name string) string {
	name = strings.TrimPrefix(name, "wirewatch-")
	if name == "" {
		name = "wirewatch"
	}
	return "_INBOX_" + strings.Map(func(r rune) rune {
		if r <= ' ' || r == '.' || r == '*' || r == '>' || r == 0x7f {
			return '_'
		}
		return r
	}, name)
}

// CheckInboxPrefix reports whether p can be a connection's inbox prefix: a
// subject of one or more tokens, without '*', '>' or white space.
func CheckInboxPrefix(p string) error {
	if p == "" {
		return errors.New("inbox prefix is empty")
	}
	for _, tok := range strings.Split(p, ".") {
		if tok == "" {
			return fmt.Errorf("inbox prefix %q has an empty token", p)
		}
		if strings.ContainsAny(tok, "*> \t\r\n") {
			return fmt.Errorf("inbox prefix %q holds a wildcard or white space", p)
		}
	}
	return nil
}

// refused reports an error that retrying with the same settings cannot
// fix: bad credentials or a failed TLS handshake.
func refused(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var alert tls.AlertError
	var record tls.RecordHeaderError
	switch {
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthExpired),
		errors.Is(err, nats.ErrAuthRevoked), errors.Is(err, nats.ErrTLS), errors.Is(err, nats.ErrSecureConnRequired),
		errors.Is(err, nats.ErrSecureConnWanted), errors.Is(err, nats.ErrClientCertOrRootCAsRequired):
		return true
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &alert), errors.As(err, &record):
		return true
	}
	// The server's own -ERR lines about authentication, and TLS alerts it
	// sent (crypto/tls does not export their type).
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "authorization") || strings.Contains(msg, "authentication") ||
		strings.Contains(msg, "remote error: tls:")
}

// NATSCheck is the readiness check of a connection (`nats` in /readyz).
func NATSCheck(nc *nats.Conn) Check {
	return func(context.Context) error {
		if st := nc.Status(); st != nats.CONNECTED {
			if err := nc.LastError(); err != nil {
				return fmt.Errorf("connection is %s: %w", st, err)
			}
			return fmt.Errorf("connection is %s", st)
		}
		return nil
	}
}
