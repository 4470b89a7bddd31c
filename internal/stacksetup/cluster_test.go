package stacksetup

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// routeSecrets reads the route password and URLs from dir's cluster file.
func routeSecrets(t *testing.T, dir string) (user, password string, routes []*url.URL) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ClusterFile))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^ROUTE_USER: "([^"]+)"$`).FindSubmatch(b); m != nil {
		user = string(m[1])
	}
	if m := regexp.MustCompile(`(?m)^ROUTE_PASSWORD: "([^"]+)"$`).FindSubmatch(b); m != nil {
		password = string(m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^  "(nats-route://[^"]+)"$`).FindAllSubmatch(b, -1) {
		u, err := url.Parse(string(m[1]))
		if err != nil {
			t.Fatalf("route %s: %v", m[1], err)
		}
		routes = append(routes, u)
	}
	return user, password, routes
}

func TestClusterSecrets(t *testing.T) {
	dir := t.TempDir()
	opts := fast
	opts.Nodes, opts.RoutePort = []string{"a", "b"}, 7222
	if err := WriteSecrets(dir, opts); err != nil {
		t.Fatal(err)
	}
	user, pw, routes := routeSecrets(t, dir)
	if user != RouteUser || len(pw) < 32 {
		t.Fatalf("route user %q, password %q", user, pw)
	}
	if len(routes) != 2 {
		t.Fatalf("%d routes, want one per node", len(routes))
	}
	for i, r := range routes {
		got, _ := r.User.Password()
		if r.Host != []string{"a:7222", "b:7222"}[i] || r.User.Username() != RouteUser || got != pw {
			t.Errorf("route %d is %s, want node %d with the route credentials", i, r.Redacted(), i)
		}
	}
	for _, id := range Identities {
		p, _ := ReadPassword(filepath.Join(dir, PasswordFile(id)))
		if p == pw {
			t.Errorf("the route password is %s's", id)
		}
	}
	if err := WriteSecrets(dir, fast); !errors.Is(err, ErrSecretsExist) {
		t.Fatalf("second run: %v, want ErrSecretsExist", err)
	}
	if _, again, _ := routeSecrets(t, dir); again != pw {
		t.Error("a run without force changed the route password")
	}
}

// A directory generated before routes were authenticated has users but no
// cluster file: a run without force adds it and keeps every password.
func TestClusterSecretsAddedToOldSecrets(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSecrets(dir, fast); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, ClusterFile)); err != nil {
		t.Fatal(err)
	}
	users, _ := os.ReadFile(filepath.Join(dir, UsersFile))
	fetcher, _ := os.ReadFile(filepath.Join(dir, PasswordFile("fetcher")))
	if err := WriteSecrets(dir, fast); err != nil {
		t.Fatalf("adding the cluster file: %v", err)
	}
	if _, pw, routes := routeSecrets(t, dir); pw == "" || len(routes) != len(DefaultNodes) {
		t.Fatalf("cluster file: password %q, %d routes", pw, len(routes))
	}
	if after, _ := os.ReadFile(filepath.Join(dir, UsersFile)); !bytes.Equal(users, after) {
		t.Error("the users file changed")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, PasswordFile("fetcher"))); !bytes.Equal(fetcher, after) {
		t.Error("a password changed")
	}
}
