package stacksetup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// ConnOptions say how to reach and authenticate to NATS.
type ConnOptions struct {
	// URL is the server, or comma-separated servers.
	URL string
	// User and PasswordFile authenticate; both empty means no auth.
	User, PasswordFile string
	// TLSCA is a CA bundle to verify the servers with; TLSCert and TLSKey a
	// client certificate. All optional.
	TLSCA, TLSCert, TLSKey string
}

// Options turn o into nats.go connect options.
func (o ConnOptions) Options() ([]nats.Option, error) {
	var opts []nats.Option
	if o.User != "" || o.PasswordFile != "" {
		if o.User == "" || o.PasswordFile == "" {
			return nil, errors.New("stacksetup: a user needs a password file, and a password file a user")
		}
		pw, err := ReadPassword(o.PasswordFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.UserInfo(o.User, pw))
	}
	if o.TLSCA != "" {
		opts = append(opts, nats.RootCAs(o.TLSCA))
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, errors.New("stacksetup: a TLS client certificate needs its key, and a key its certificate")
	}
	if o.TLSCert != "" {
		opts = append(opts, nats.ClientCert(o.TLSCert, o.TLSKey))
	}
	return opts, nil
}

// retryEvery is the pause between two attempts while the cluster forms.
const retryEvery = time.Second

// EnsureStreams connects with o and creates, or updates to the
// configuration in pkg/events, every pipeline stream with the given
// replicas. A JetStream cluster that is still electing its leaders answers
// with errors for a few seconds: it retries until ctx ends.
func EnsureStreams(ctx context.Context, o ConnOptions, replicas int, log *zap.Logger) error {
	opts, err := o.Options()
	if err != nil {
		return err
	}
	opts = append(opts, nats.Name("wirewatch-stacksetup"), nats.Timeout(5*time.Second))
	var last error
	for attempt := 1; ; attempt++ {
		last = ensureOnce(ctx, o.URL, opts, replicas)
		if last == nil {
			return nil
		}
		if errors.Is(last, nats.ErrAuthorization) || errors.Is(last, jetstream.ErrJetStreamNotEnabled) {
			return last
		}
		log.Debug("streams not ready", zap.Int("attempt", attempt), zap.Error(last))
		select {
		case <-ctx.Done():
			return fmt.Errorf("stacksetup: giving up after %d attempts: %w", attempt, last)
		case <-time.After(retryEvery):
		}
	}
}

func ensureOnce(ctx context.Context, url string, opts []nats.Option, replicas int) error {
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("stacksetup: connecting to nats at %s: %w", stage.ShownURL(url), err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("stacksetup: creating jetstream context: %w", err)
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return stage.EnsureStreams(actx, js, events.StreamOptions{Replicas: replicas})
}
