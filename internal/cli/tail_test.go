package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func TestIntersect(t *testing.T) {
	tests := []struct {
		a, b string
		want string // "" for none
	}{
		{"news.raw.>", "news.>", "news.raw.>"},
		{"news.>", "news.raw.>", "news.raw.>"},
		{"news.article.>", "news.*.en", "news.article.en"},
		{"news.*.en", "news.article.>", "news.article.en"},
		{"news.article.>", "news.article.en", "news.article.en"},
		{"news.article.>", "news.article", ""},
		{"news.article.>", "news.cluster.>", ""},
		{"news.*", "news.article.en", ""},
		{"news.*", "*.raw", "news.raw"},
		{">", "a.b", "a.b"},
		{"a.b", "a.b", "a.b"},
		{"a.b", "a.c", ""},
		{"a.*.>", "*.b.c", "a.b.c"},
	}
	for _, tt := range tests {
		got, ok := intersect(tt.a, tt.b)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("intersect(%q, %q) = %q, %v; want %q", tt.a, tt.b, got, ok, tt.want)
		}
	}
}

// validSubject reports whether s is a subject or a pattern NATS accepts:
// non-empty tokens without spaces, '>' only as the last.
func validSubject(s string) bool {
	toks := strings.Split(s, ".")
	for i, tok := range toks {
		if tok == "" || strings.ContainsAny(tok, " \t\r\n") || (tok == ">" && i != len(toks)-1) ||
			(len(tok) > 1 && strings.ContainsAny(tok, "*>")) {
			return false
		}
	}
	return true
}

// FuzzIntersect: intersect never panics, on any input; on valid subjects
// it is symmetric, and what it returns lies within both.
func FuzzIntersect(f *testing.F) {
	for _, s := range [][2]string{{"news.raw.>", "news.>"}, {"news.article.>", "news.*.en"}, {"*.b", "a.*"}, {">", "a"}, {"a..b", "a.>"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		got, ok := intersect(a, b)
		if !validSubject(a) || !validSubject(b) {
			return
		}
		back, okBack := intersect(b, a)
		if ok != okBack || got != back {
			t.Fatalf("intersect(%q, %q) = %q, %v but intersect(%q, %q) = %q, %v", a, b, got, ok, b, a, back, okBack)
		}
		if !ok {
			return
		}
		for _, s := range []string{a, b} {
			if in, ok := intersect(got, s); !ok || in != got {
				t.Fatalf("intersect(%q, %q) = %q, which is not within %q (%q, %v)", a, b, got, s, in, ok)
			}
		}
	})
}

// A feed's health report reads as what it says: the feed, whether it is
// failing and why, its counts.
func TestDescribeFeedHealth(t *testing.T) {
	url := "https://news.example/rss.xml"
	h := events.FeedHealth{Schema: events.SchemaFeedHealth, ID: events.FeedID(url), FeedURL: url, Polls: 7, NotModified: 5,
		Items: 12, ErrorStreak: 2, LastError: "fetch: status 503", NextPoll: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)}
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	hdr := nats.Header{}
	hdr.Set(events.HeaderCEType, events.SchemaFeedHealth)
	got := describe(events.FeedHealthSubject(h.ID), hdr, data)
	for _, want := range []string{"feed ", url, "failing ×2: fetch: status 503", "7 polls", "5 not modified", "12 items"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestDescribeClusteredArticleMoves(t *testing.T) {
	a := events.ClusteredArticle{Schema: events.SchemaClusteredArticle,
		Article: events.Article{ID: "a7", Title: "Quake on Qeshm"},
		Cluster: events.Assignment{ID: "c9", Relation: events.RelationRewrite, Rule: "story_similarity", Version: 1,
			Merged: []string{"c4"},
			Splits: []events.SplitCause{{ID: "c9", From: "c1", Members: []string{"a1", "a2", "a7"}, Score: 0.172, Threshold: 0.18}},
			Left:   &events.ClusterVersion{ID: "c2", Version: 5}}}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	hdr := nats.Header{}
	hdr.Set(events.HeaderCEType, events.SchemaClusteredArticle)
	got := describe("news.clustered.en", hdr, data)
	for _, want := range []string{"a7 → c9 v1 rewrite", "merged c4", "3 left c1 for c9 (0.172 < 0.18)", "left c2 (v5)"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
