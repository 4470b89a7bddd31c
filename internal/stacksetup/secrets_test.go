package stacksetup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// fast hashes cheaply: bcrypt at its default cost takes seconds per hash
// under the race detector.
var fast = SecretsOptions{Cost: bcrypt.MinCost}

func TestSecretsCost(t *testing.T) {
	if got := (SecretsOptions{}).cost(); got != bcrypt.DefaultCost {
		t.Errorf("default cost %d, want %d", got, bcrypt.DefaultCost)
	}
	if got := fast.cost(); got != bcrypt.MinCost {
		t.Errorf("cost %d, want %d", got, bcrypt.MinCost)
	}
}

func TestWriteSecrets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	if err := WriteSecrets(dir, fast); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("secrets dir mode %v, want 0700", info.Mode().Perm())
	}
	conf, err := os.ReadFile(filepath.Join(dir, UsersFile))
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^([A-Z]+_PASSWORD_HASH): "([^"]+)"$`)
	hashes := map[string]string{}
	for _, m := range line.FindAllStringSubmatch(string(conf), -1) {
		hashes[m[1]] = m[2]
	}
	seen := map[string]bool{}
	for _, id := range Identities {
		pw, err := ReadPassword(filepath.Join(dir, PasswordFile(id)))
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) < 32 || seen[pw] {
			t.Errorf("%s: weak or repeated password %q", id, pw)
		}
		seen[pw] = true
		if strings.Contains(string(conf), pw) {
			t.Errorf("%s's password is in %s in the clear", id, UsersFile)
		}
		h, ok := hashes[HashVariable(id)]
		if !ok {
			t.Errorf("%s has no %s in %s", id, HashVariable(id), UsersFile)
			continue
		}
		if err := bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)); err != nil {
			t.Errorf("%s: hash does not match the password: %v", id, err)
		}
		if c, _ := bcrypt.Cost([]byte(h)); c != bcrypt.MinCost {
			t.Errorf("%s: hash cost %d, want the asked %d", id, c, bcrypt.MinCost)
		}
	}

	// A second run keeps the secrets; --force replaces them.
	before, _ := os.ReadFile(filepath.Join(dir, PasswordFile("fetcher")))
	if err := WriteSecrets(dir, fast); !errors.Is(err, ErrSecretsExist) {
		t.Fatalf("second run: got %v, want ErrSecretsExist", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, PasswordFile("fetcher"))); !bytes.Equal(before, after) {
		t.Error("a run without force changed a password")
	}
	if err := WriteSecrets(dir, SecretsOptions{Force: true, Cost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, PasswordFile("fetcher"))); bytes.Equal(before, after) {
		t.Error("force kept the old password")
	}
}

func TestWriteSecretsFailsWithoutRandomness(t *testing.T) {
	err := WriteSecrets(t.TempDir(), SecretsOptions{Random: bytes.NewReader(nil), Cost: bcrypt.MinCost})
	if err == nil || !strings.Contains(err.Error(), "generating a password") {
		t.Fatalf("got %v, want a password generation error", err)
	}
}

func TestConnOptions(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		o       ConnOptions
		opts    int
		wantErr string
	}{
		{"none", ConnOptions{URL: "nats://x"}, 0, ""},
		{"user and password", ConnOptions{User: "admin", PasswordFile: pw}, 1, ""},
		{"user alone", ConnOptions{User: "admin"}, 0, "needs a password file"},
		{"password alone", ConnOptions{PasswordFile: pw}, 0, "needs a password file"},
		{"missing password file", ConnOptions{User: "a", PasswordFile: pw + "-nope"}, 0, "reading password"},
		{"empty password file", ConnOptions{User: "a", PasswordFile: empty}, 0, "is empty"},
		{"ca", ConnOptions{TLSCA: "ca.pem"}, 1, ""},
		{"cert without key", ConnOptions{TLSCert: "c.pem"}, 0, "needs its key"},
		{"cert and key", ConnOptions{TLSCert: "c.pem", TLSKey: "k.pem"}, 1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := tc.o.Options()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(opts) != tc.opts {
				t.Fatalf("got %d options, %v; want %d", len(opts), err, tc.opts)
			}
		})
	}
}
