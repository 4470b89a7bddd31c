package fetcher_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/state"
)

// A feed that used to publish often and went quiet must not keep being
// polled at its old rate: whether it answers with its old items or with 304
// Not Modified, its interval grows to the longest allowed.
func TestQuietFeedIsPolledLessOften(t *testing.T) {
	old := time.Now().Add(-60 * 24 * time.Hour)
	tests := []struct {
		name  string
		prior state.Feed // what an earlier poll left
	}{
		{"old items only", state.Feed{ItemsPerDay: 96}},
		{"not modified", state.Feed{ItemsPerDay: 96, ETag: `"v1"`, LastItem: old}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js := setup(t)
			s := newSite(t)
			s.handle("/quiet.xml", func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") == `"v1"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				var b strings.Builder
				fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title><link>%s/</link>`, s.url(""))
				for i := range 3 {
					fmt.Fprintf(&b, `<item><title>Old story %d</title><link>%s</link><guid>quiet-%d</guid><pubDate>%s</pubDate>`+
						`<description>Old story %d.</description></item>`,
						i, s.url(fmt.Sprintf("/old/%d", i)), i, old.Add(-time.Duration(i)*time.Hour).UTC().Format(time.RFC1123Z), i)
				}
				b.WriteString(`</channel></rss>`)
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Header().Set("ETag", `"v1"`)
				fmt.Fprint(w, b.String())
			})
			url := s.url("/quiet.xml")
			ctx := context.Background()
			st, err := state.Open(ctx, js, 1, zap.NewNop())
			if err != nil {
				t.Fatal(err)
			}
			prior := tt.prior
			prior.URL = url
			if err := st.Put(ctx, prior); err != nil {
				t.Fatal(err)
			}
			cfg := feedConfig(url)
			runOnce(t, js, cfg)
			got, err := st.Get(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if got.Polls != 1 || got.ErrorStreak != 0 {
				t.Fatalf("state after the poll: %+v, want one successful poll", got)
			}
			if interval := got.NextDue.Sub(got.LastSuccess); interval < cfg.MaxInterval {
				t.Errorf("next poll in %v (rate %.2f a day), want the longest interval, %v", interval, got.ItemsPerDay, cfg.MaxInterval)
			}
		})
	}
}
