package extract

import (
	"context"
	"testing"
)

// TestJSONBodyUnsupported checks that a body that is a JSON document (an
// API's answer, a firewall's error served as a page) is refused as
// unsupported content whatever its declared type, rather than published
// as an article whose title and text are its JSON.
func TestJSONBodyUnsupported(t *testing.T) {
	object := `{"id": 12, "title": "Budget passes", "body": "The council approved the budget on Monday after a long debate, with most members voting in favour.", "author": "Jane Doe"}`
	tests := []struct {
		name, body, contentType string
	}{
		{"object without a type", object, ""},
		{"object as octet-stream", object, "application/octet-stream"},
		{"object as plain text", object, "text/plain"},
		{"object as html", " \n" + object, "text/html; charset=utf-8"},
		{"array as html", `[{"message": "Forbidden: the request was blocked by the security policy of this site."}]`, "text/html"},
		{"object after a byte order mark", "\xef\xbb\xbf" + object, "text/plain"},
		{"declared json", object, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Extract(context.Background(), hostileDoc([]byte(tt.body), tt.contentType, ""), Options{}, testNow)
			if a != nil {
				t.Fatalf("Extract made an article titled %q of a JSON body", a.Title)
			}
			wantSentinel(t, err, ErrUnsupportedType)
		})
	}
	// Text that opens with a bracket but is not JSON is still text.
	for _, body := range []string{
		"[Updated] Budget passes\n\nThe council approved the budget on Monday after a long debate, with most members voting in favour.",
		"<p>{Sponsored} The council approved the budget on Monday after a long debate, with most members voting in favour.</p>",
	} {
		if _, err := Extract(context.Background(), hostileDoc([]byte(body), "", ""), Options{}, testNow); err != nil {
			t.Errorf("Extract(%.30q) = %v, want an article", body, err)
		}
	}
}
