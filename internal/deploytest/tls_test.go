package deploytest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/internal/stacksetup"
)

// pki writes a CA, a server certificate for 127.0.0.1, a client
// certificate and a route certificate into dir, under the names
// deploy/nats/tls.conf and route-tls.conf expect.
func pki(t *testing.T, dir string) {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeKey := func(name string, k *ecdsa.PrivateKey) {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		write(name, "EC PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wirewatch test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	write("ca.pem", "CERTIFICATE", caDER)
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage, certFile, keyFile string, more ...x509.ExtKeyUsage) {
		k := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: append([]x509.ExtKeyUsage{usage}, more...), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		write(certFile, "CERTIFICATE", der)
		writeKey(keyFile, k)
	}
	leaf(2, "nats-1", x509.ExtKeyUsageServerAuth, "server.pem", "server-key.pem")
	leaf(3, "fetcher", x509.ExtKeyUsageClientAuth, "client.pem", "client-key.pem")
	// A node is a server and a client to its peers.
	leaf(4, "nats-1", x509.ExtKeyUsageServerAuth, "route.pem", "route-key.pem", x509.ExtKeyUsageClientAuth)
}

// TestTLSConfig turns TLS on as deploy/README.md says (tls.conf included in
// nats.conf) and checks that a client with the CA and a client certificate
// gets in, and that one without is refused.
func TestTLSConfig(t *testing.T) {
	conf, secrets := layout(t)
	etc := filepath.Dir(conf)
	tlsDir := filepath.Join(etc, "tls")
	if err := os.MkdirAll(tlsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pki(t, tlsDir)
	b, err := os.ReadFile(filepath.Join(natsDir, "tls.conf"))
	if err != nil {
		t.Fatal(err)
	}
	// The server opens certificate paths as given; point them at the test's.
	tlsConf := strings.ReplaceAll(string(b), "/etc/nats/tls/", tlsDir+"/")
	if err := os.WriteFile(filepath.Join(etc, "tls.conf"), []byte(tlsConf), 0o644); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	withTLS := strings.Replace(string(main), `include "auth.conf"`, "include \"tls.conf\"\ninclude \"auth.conf\"", 1)
	if err := os.WriteFile(conf, []byte(withTLS), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NATS_NODE", "nats-1")
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatalf("parsing nats.conf with tls.conf: %v", err)
	}
	if opts.TLSConfig == nil || opts.TLSConfig.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Fatalf("TLS config %+v: want TLS on, client certificates required", opts.TLSConfig)
	}
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
	opts.Cluster, opts.Routes, opts.StoreDir, opts.NoSigs = server.ClusterOpts{}, nil, t.TempDir(), true
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server did not start")
	}
	t.Cleanup(srv.Shutdown)
	url := strings.Replace(srv.ClientURL(), "nats://", "tls://", 1)

	o := stacksetup.ConnOptions{URL: url, User: "admin", PasswordFile: filepath.Join(secrets, stacksetup.PasswordFile("admin")),
		TLSCA: filepath.Join(tlsDir, "ca.pem"), TLSCert: filepath.Join(tlsDir, "client.pem"), TLSKey: filepath.Join(tlsDir, "client-key.pem")}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stacksetup.EnsureStreams(ctx, o, 1, nopLog()); err != nil {
		t.Fatalf("creating streams over TLS with a client certificate: %v", err)
	}

	refused := []struct {
		name string
		url  string
		o    stacksetup.ConnOptions
	}{
		{"without a client certificate", url, stacksetup.ConnOptions{User: o.User, PasswordFile: o.PasswordFile, TLSCA: o.TLSCA}},
		{"without TLS", srv.ClientURL(), stacksetup.ConnOptions{User: o.User, PasswordFile: o.PasswordFile}},
	}
	for _, tc := range refused {
		opts, err := tc.o.Options()
		if err != nil {
			t.Fatal(err)
		}
		nc, err := nats.Connect(tc.url, append(opts, nats.MaxReconnects(0), nats.Timeout(5*time.Second))...)
		if err == nil {
			nc.Close()
			t.Errorf("connecting %s succeeded", tc.name)
		}
	}
}
