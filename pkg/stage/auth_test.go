package stage_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// startServer starts a NATS server with opts on a random loopback port.
func startServer(t *testing.T, opts *server.Options) *server.Server {
	t.Helper()
	opts.Host, opts.NoLog, opts.NoSigs = "127.0.0.1", true, true
	if opts.Port == 0 {
		opts.Port = -1
	}
	if opts.JetStream {
		opts.StoreDir = t.TempDir()
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("configuring nats server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server did not start")
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// common parses args (and env) into a validated Common.
func common(t *testing.T, env map[string]string, args ...string) stage.Common {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var c stage.Common
	c.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return c
}

// dial connects with c's options as a service would.
func dial(t *testing.T, url string, c stage.Common) (*nats.Conn, error) {
	t.Helper()
	opts, err := c.NATSOptions()
	if err != nil {
		return nil, err
	}
	nc, err := stage.Dial(url, "test", zap.NewNop(), opts...)
	if err == nil {
		t.Cleanup(nc.Close)
	}
	return nc, err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUserAndPassword(t *testing.T) {
	s := startServer(t, &server.Options{Username: "wirewatch", Password: "s3cret"})
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		refused bool
	}{
		{"password flag", nil, []string{"--nats-user", "wirewatch", "--nats-password", "s3cret"}, false},
		{"password env", map[string]string{"WIREWATCH_NATS_USER": "wirewatch", "WIREWATCH_NATS_PASSWORD": "s3cret"}, nil, false},
		{"password file, trimmed", map[string]string{"WIREWATCH_NATS_USER": "wirewatch",
			"WIREWATCH_NATS_PASSWORD_FILE": writeFile(t, "pw", "s3cret\n")}, nil, false},
		{"wrong password", nil, []string{"--nats-user", "wirewatch", "--nats-password", "guess"}, true},
		{"wrong password file", nil, []string{"--nats-user", "wirewatch", "--nats-password-file", writeFile(t, "pw", "guess")}, true},
		{"no credentials", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			nc, err := dial(t, s.ClientURL(), common(t, tt.env, tt.args...))
			if tt.refused {
				if !errors.Is(err, nats.ErrAuthorization) || !strings.Contains(err.Error(), s.ClientURL()) {
					t.Errorf("err = %v, want an authorization error naming the server", err)
				}
				if el := time.Since(start); el > 5*time.Second {
					t.Errorf("refusal took %v; want it at once, not after retries", el)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			if err := nc.Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
		})
	}
}

func TestNKeySeed(t *testing.T) {
	user, other := newNKey(t), newNKey(t)
	pub, err := user.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, &server.Options{Nkeys: []*server.NkeyUser{{Nkey: pub}}})
	seed := func(kp nkeys.KeyPair) string {
		b, err := kp.Seed()
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, "user.nk", string(b)+"\n")
	}
	nc, err := dial(t, s.ClientURL(), common(t, map[string]string{"WIREWATCH_NATS_NKEY_SEED_FILE": seed(user)}))
	if err != nil {
		t.Fatalf("Dial with the user's seed: %v", err)
	}
	if err := nc.Flush(); err != nil {
		t.Errorf("flush: %v", err)
	}
	if _, err := dial(t, s.ClientURL(), common(t, nil, "--nats-nkey-seed-file", seed(other))); !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("Dial with another seed: err = %v, want an authorization error", err)
	}
}

func newNKey(t *testing.T) nkeys.KeyPair {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// pki is a test CA with a server and a client certificate, as PEM files.
type pki struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wirewatch test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		k := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", kder)
	}
	p := pki{ca: writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)}
	p.serverCert, p.serverKey = leaf("server", 2, x509.ExtKeyUsageServerAuth)
	p.clientCert, p.clientKey = leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func TestTLS(t *testing.T) {
	good, other := newPKI(t), newPKI(t)
	tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: good.serverCert, KeyFile: good.serverKey, CaFile: good.ca, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, &server.Options{TLS: true, TLSVerify: true, TLSConfig: tc, TLSTimeout: 2, JetStream: true})
	url := strings.Replace(s.ClientURL(), "nats://", "tls://", 1)
	tests := []struct {
		name      string
		env       map[string]string
		wantError string // "" when the connection must succeed
	}{
		{"CA and client certificate", map[string]string{"WIREWATCH_NATS_TLS_CA": good.ca,
			"WIREWATCH_NATS_TLS_CERT": good.clientCert, "WIREWATCH_NATS_TLS_KEY": good.clientKey}, ""},
		{"server certificate from an unknown CA", map[string]string{"WIREWATCH_NATS_TLS_CA": other.ca,
			"WIREWATCH_NATS_TLS_CERT": good.clientCert, "WIREWATCH_NATS_TLS_KEY": good.clientKey}, "certificate"},
		{"client certificate from an unknown CA", map[string]string{"WIREWATCH_NATS_TLS_CA": good.ca,
			"WIREWATCH_NATS_TLS_CERT": other.clientCert, "WIREWATCH_NATS_TLS_KEY": other.clientKey}, "tls"},
		{"no client certificate", map[string]string{"WIREWATCH_NATS_TLS_CA": good.ca}, "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			nc, err := dial(t, url, common(t, tt.env))
			if tt.wantError == "" {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				if err := nc.Flush(); err != nil {
					t.Errorf("flush: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Errorf("err = %v, want a TLS error mentioning %q", err, tt.wantError)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("refusal took %v; want it at once, not after retries", el)
			}
		})
	}

	// A whole service over TLS: streams created, then run.
	ran := false
	svc := stage.Service{Name: "test", Streams: []string{events.StreamRaw},
		Run: func(ctx context.Context, env stage.Env) error {
			_, err := env.JS.Stream(ctx, events.StreamRaw)
			ran = err == nil
			return err
		}}
	env := map[string]string{"WIREWATCH_NATS_URL": url, "WIREWATCH_HTTP_ADDR": "off", "WIREWATCH_NATS_TLS_CA": good.ca,
		"WIREWATCH_NATS_TLS_CERT": good.clientCert, "WIREWATCH_NATS_TLS_KEY": good.clientKey}
	if err := stage.RunService(context.Background(), svc, []string{"--log-level", "error"}, func(k string) string { return env[k] }); err != nil || !ran {
		t.Errorf("service over TLS: err = %v, ran = %v; want nil, true", err, ran)
	}
}

func TestValidateReportsConflicts(t *testing.T) {
	file := writeFile(t, "f", "x")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // substrings of the error; none for a valid configuration
	}{
		{"defaults", nil, nil, nil},
		{"creds and user", nil, []string{"--nats-creds", file, "--nats-user", "u", "--nats-password", "p"}, []string{"only one of --nats-creds, --nats-user"}},
		{"user and nkey", map[string]string{"WIREWATCH_NATS_USER": "u", "WIREWATCH_NATS_PASSWORD": "p", "WIREWATCH_NATS_NKEY_SEED_FILE": file}, nil, []string{"only one of"}},
		{"user without password", nil, []string{"--nats-user", "u"}, []string{"--nats-user needs"}},
		{"password without user", map[string]string{"WIREWATCH_NATS_PASSWORD": "p"}, nil, []string{"needs --nats-user"}},
		{"password and password file", nil, []string{"--nats-user", "u", "--nats-password", "p", "--nats-password-file", file}, []string{"only one of --nats-password and"}},
		{"cert without key", map[string]string{"WIREWATCH_NATS_TLS_CERT": file}, nil, []string{"--nats-tls-cert and --nats-tls-key go together"}},
		{"missing files", nil, []string{"--nats-creds", "/nonexistent/x.creds", "--nats-tls-ca", "/nonexistent/ca.pem"}, []string{"--nats-creds", "--nats-tls-ca"}},
		{"bad create-streams env", map[string]string{"WIREWATCH_CREATE_STREAMS": "maybe"}, nil, []string{"WIREWATCH_CREATE_STREAMS"}},
		{"bad replicas env", map[string]string{"WIREWATCH_STREAM_REPLICAS": "three"}, nil, []string{`WIREWATCH_STREAM_REPLICAS "three" is not a number`}},
		{"bad http addr", nil, []string{"--http-addr", "8080"}, []string{"--http-addr"}},
		{"http off", map[string]string{"WIREWATCH_HTTP_ADDR": "off"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			var c stage.Common
			c.Register(fs, func(k string) string { return tt.env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestFlagDefaults(t *testing.T) {
	c := common(t, nil)
	if c.HTTPAddr != ":8080" || !c.CreateStreams {
		t.Errorf("defaults: http addr %q, create streams %v; want :8080, true", c.HTTPAddr, c.CreateStreams)
	}
	c = common(t, map[string]string{"WIREWATCH_HTTP_ADDR": "off", "WIREWATCH_CREATE_STREAMS": "false"})
	if c.HTTPAddr != "" || c.CreateStreams {
		t.Errorf("from env: http addr %q, create streams %v; want empty, false", c.HTTPAddr, c.CreateStreams)
	}
	c = common(t, map[string]string{"WIREWATCH_CREATE_STREAMS": "false"}, "--create-streams=true", "--http-addr", "127.0.0.1:9090")
	if c.HTTPAddr != "127.0.0.1:9090" || !c.CreateStreams {
		t.Errorf("flags over env: http addr %q, create streams %v; want 127.0.0.1:9090, true", c.HTTPAddr, c.CreateStreams)
	}
}

func TestDialWaitsForAServerNotUpYet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	nc, err := stage.Dial("nats://"+ln.Addr().String(), "test", zap.NewNop())
	if err != nil {
		t.Fatalf("Dial with no server yet: %v; want a connection that keeps trying", err)
	}
	defer nc.Close()
	if nc.IsConnected() {
		t.Fatal("connected to nothing")
	}
	startServer(t, &server.Options{Port: port})
	deadline := time.Now().Add(10 * time.Second)
	for !nc.IsConnected() {
		if time.Now().After(deadline) {
			t.Fatalf("not connected 10s after the server started (status %s)", nc.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
