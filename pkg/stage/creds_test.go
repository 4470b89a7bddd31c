package stage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// operatorMode is a NATS server that trusts one operator, with a memory
// resolver holding the accounts the operator signed: the decentralised
// (JWT) way of running NATS that a .creds file logs into.
type operatorMode struct {
	srv      *server.Server
	operator nkeys.KeyPair
}

func newOperatorMode(t *testing.T) *operatorMode {
	t.Helper()
	op, err := nkeys.CreateOperator()
	if err != nil {
		t.Fatal(err)
	}
	opPub, _ := op.PublicKey()
	// JetStream needs the system account: it is signed by the operator
	// and named in the operator's claims.
	sys, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	sysPub, _ := sys.PublicKey()
	sysToken, err := jwt.NewAccountClaims(sysPub).Encode(op)
	if err != nil {
		t.Fatalf("signing the system account: %v", err)
	}
	resolver := &server.MemAccResolver{}
	if err := resolver.Store(sysPub, sysToken); err != nil {
		t.Fatal(err)
	}
	claims := jwt.NewOperatorClaims(opPub)
	claims.SystemAccount = sysPub
	token, err := claims.Encode(op)
	if err != nil {
		t.Fatalf("signing the operator: %v", err)
	}
	trusted, err := jwt.DecodeOperatorClaims(token)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, &server.Options{JetStream: true, TrustedOperators: []*jwt.OperatorClaims{trusted},
		SystemAccount: sysPub, AccountResolver: resolver})
	return &operatorMode{srv: s, operator: op}
}

// account creates an account signed by signer (the server's operator, or
// another) with JetStream, stores it in the server's resolver, and returns
// its signing key.
func (o *operatorMode) account(t *testing.T, signer nkeys.KeyPair) nkeys.KeyPair {
	t.Helper()
	acc, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := acc.PublicKey()
	claims := jwt.NewAccountClaims(pub)
	claims.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	token, err := claims.Encode(signer)
	if err != nil {
		t.Fatalf("signing the account: %v", err)
	}
	if err := o.srv.AccountResolver().Store(pub, token); err != nil {
		t.Fatalf("storing the account: %v", err)
	}
	return acc
}

// creds writes a .creds file for a new user of the account acc.
func creds(t *testing.T, acc nkeys.KeyPair, edit func(*jwt.UserClaims)) string {
	t.Helper()
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	claims := jwt.NewUserClaims(pub)
	if edit != nil {
		edit(claims)
	}
	token, err := claims.Encode(acc)
	if err != nil {
		t.Fatalf("signing the user: %v", err)
	}
	seed, _ := user.Seed()
	file, err := jwt.FormatUserConfig(token, seed)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "user.creds", string(file))
}

func TestCredsFile(t *testing.T) {
	o := newOperatorMode(t)
	acc := o.account(t, o.operator)
	stranger, err := nkeys.CreateOperator()
	if err != nil {
		t.Fatal(err)
	}
	untrusted := o.account(t, stranger)
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		refused bool
	}{
		{"creds flag", nil, []string{"--nats-creds", creds(t, acc, nil)}, false},
		{"creds env", map[string]string{"WIREWATCH_NATS_CREDS": creds(t, acc, nil)}, nil, false},
		{"expired user", nil, []string{"--nats-creds", creds(t, acc, func(c *jwt.UserClaims) {
			c.Expires = time.Now().Add(-time.Hour).Unix()
		})}, true},
		{"account of another operator", nil, []string{"--nats-creds", creds(t, untrusted, nil)}, true},
		{"no credentials", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			nc, err := dial(t, o.srv.ClientURL(), common(t, tt.env, tt.args...))
			if tt.refused {
				if err == nil || !(errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) ||
					strings.Contains(strings.ToLower(err.Error()), "authorization")) {
					t.Errorf("err = %v, want an authorization error", err)
				}
				t.Logf("refused: %v", err)
				if el := time.Since(start); el > 5*time.Second {
					t.Errorf("refusal took %v; want it at once, not after retries", el)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			// The account's JetStream is the user's: a stage can create
			// and use its streams.
			js, err := nc.JetStream()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := js.AddStream(&nats.StreamConfig{Name: "CREDS", Subjects: []string{"creds.>"}}); err != nil {
				t.Fatalf("creating a stream as the creds user: %v", err)
			}
			if _, err := js.Publish("creds.x", []byte("hello")); err != nil {
				t.Errorf("publishing as the creds user: %v", err)
			}
		})
	}
}
