package stage_test

import (
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

func TestCheckNATSURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"nats://127.0.0.1:4222", true},
		{"nats://a:4222,nats://b:4222", true},
		{"nats://a:4222, nats://b:4222", true},
		{"tls://nats.example:4443", true},
		{"wss://nats.example/", true},
		{"nats://user:secret@nats.example:4222", true},
		{"127.0.0.1:4222", true},
		{"nats", true},
		{"nats//bad", false},
		{"http://nats.example:4222", false},
		{"nats://", false},
		{"nats://host:99999", false},
		{"nats://host:port", false},
		{"nats://a:4222,", false},
		{"nats://host/path", false},
	}
	if err := stage.CheckNATSURL("nats://user:s3cret@host:99999"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v names the password", err)
	}
	for _, tt := range tests {
		if err := stage.CheckNATSURL(tt.url); (err == nil) != tt.ok {
			t.Errorf("CheckNATSURL(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

func TestShownURLHidesPasswords(t *testing.T) {
	got := stage.ShownURL("nats://u:s3cret@a:4222,tls://b:4443,c@d:4222")
	if want := "nats://…@a:4222,tls://b:4443,…@d:4222"; got != want {
		t.Errorf("ShownURL = %q, want %q", got, want)
	}
}
