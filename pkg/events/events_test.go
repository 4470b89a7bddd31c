package events_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func TestDocumentIDIsStableAndSourceSpecific(t *testing.T) {
	tests := []struct {
		name string
		a, b events.Source
		same bool
	}{
		{"same path", events.Source{Kind: "file", Path: "/a/b.txt"}, events.Source{Kind: "file", Path: "/a/./b.txt"}, true},
		{"other path", events.Source{Kind: "file", Path: "/a/b.txt"}, events.Source{Kind: "file", Path: "/a/c.txt"}, false},
		{"url case and fragment", events.Source{Kind: "http", URL: "HTTPS://Example.com/x#top"}, events.Source{Kind: "feed", URL: "https://example.com:443/x"}, true},
		{"url beats path", events.Source{Kind: "http", URL: "https://example.com/x", Path: "/p"}, events.Source{Kind: "http", URL: "https://example.com/x"}, true},
		{"other url", events.Source{Kind: "http", URL: "https://example.com/x"}, events.Source{Kind: "http", URL: "https://example.com/y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := events.DocumentID(tt.a), events.DocumentID(tt.b)
			if (a == b) != tt.same {
				t.Errorf("ids %s and %s: same = %v, want %v", a, b, a == b, tt.same)
			}
			if len(a) != 24 {
				t.Errorf("id %q has length %d, want 24", a, len(a))
			}
		})
	}
}

func TestTextHashIgnoresCaseSpacingAndPunctuation(t *testing.T) {
	a := events.TextHash("Putin met Witkoff.\n\nTalks were  \"useful\".")
	b := events.TextHash("putin met witkoff talks were useful")
	c := events.TextHash("putin met witkoff talks were not useful")
	if a != b {
		t.Errorf("hashes differ for texts that differ only in form: %s vs %s", a, b)
	}
	if a == c {
		t.Error("hashes equal for different texts")
	}
}

func TestMsgIDDependsOnEveryPart(t *testing.T) {
	base := events.MsgID(events.StageExtractor, "doc", "hash", events.SchemaArticle)
	for name, other := range map[string]string{
		"stage":  events.MsgID(events.StageDeduper, "doc", "hash", events.SchemaArticle),
		"doc":    events.MsgID(events.StageExtractor, "doc2", "hash", events.SchemaArticle),
		"hash":   events.MsgID(events.StageExtractor, "doc", "hash2", events.SchemaArticle),
		"schema": events.MsgID(events.StageExtractor, "doc", "hash", events.SchemaClusteredArticle),
	} {
		if other == base {
			t.Errorf("changing the %s does not change the message id", name)
		}
	}
	if again := events.MsgID(events.StageExtractor, "doc", "hash", events.SchemaArticle); again != base {
		t.Errorf("message id not deterministic: %s then %s", base, again)
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct{ got, want string }{
		{events.RawSubject(events.SourceFeed), "news.raw.feed"},
		{events.ArticleSubject(""), "news.article.und"},
		{events.ArticleSubject("EN"), "news.article.en"},
		{events.ClusteredSubject("pt-BR"), "news.clustered.pt-br"},
		{events.ClusterSubject("c1.2*>"), "news.cluster.c1_2__"},
		{events.DLQSubject(events.StageSink), "news.dlq.sink"},
		{events.FeedHealthSubject("f0a1"), "news.feed.health.f0a1"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("subject %q, want %q", tt.got, tt.want)
		}
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    error
		problem string
	}{
		{"not json", "{", events.ErrMalformed, "decoding"},
		{"wrong shape", `{"schema": 5}`, events.ErrMalformed, "decoding"},
		{"wrong schema", `{"schema":"wirewatch.article.v2"}`, events.ErrInvalid, `schema "wirewatch.article.v2"`},
		{"hash mismatch", `{"schema":"wirewatch.raw_document.v1","id":"x","source":{"kind":"file","path":"/p"},"fetched_at":"2025-01-01T00:00:00Z","body":"aGk=","content_hash":"00"}`, events.ErrInvalid, "content_hash does not match body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d events.RawDocument
			var a events.Article
			var target events.Event = &a
			if strings.Contains(tt.data, "raw_document") {
				target = &d
			}
			err := events.Decode([]byte(tt.data), target)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("Decode error = %v, want %v mentioning %q", err, tt.want, tt.problem)
			}
		})
	}
}

func TestClusteredArticleRoundTripKeepsStableFieldNames(t *testing.T) {
	src := events.Source{Kind: events.SourceFile, Path: "/in/a.txt"}
	ca := &events.ClusteredArticle{
		Schema: events.SchemaClusteredArticle,
		Article: events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: "T",
			Language: "en", Text: "text", ContentHash: events.TextHash("text")},
		Cluster: events.Assignment{ID: "c1", Relation: events.RelationNew, CanonicalID: "d", Rule: "new", Version: 1},
	}
	msg, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), ca, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"id":`, `"source":{"kind":"file","path":"/in/a.txt"}`, `"title":"T"`, `"text":"text"`,
		`"cluster":{"id":"c1","relation":"new","canonical_id":"d"`, `"schema":"wirewatch.clustered_article.v1"`} {
		if !strings.Contains(string(msg.Data), field) {
			t.Errorf("encoded record %s lacks %s", msg.Data, field)
		}
	}
	var back events.ClusteredArticle
	if err := events.DecodeMsg(msg.Header, msg.Data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Cluster.ID != "c1" || back.Title != "T" {
		t.Errorf("round trip = %+v", back)
	}
	if err := events.DecodeMsg(msg.Header, msg.Data, &events.Article{}); !errors.Is(err, events.ErrMalformed) {
		t.Errorf("decoding a clustered article as an article: %v, want ErrMalformed", err)
	}
}

func TestAssignmentMergesMatchMerged(t *testing.T) {
	src := events.Source{Kind: events.SourceFile, Path: "/in/a.txt"}
	base := events.ClusteredArticle{
		Schema: events.SchemaClusteredArticle,
		Article: events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: "T",
			Language: "en", Text: "text", ContentHash: events.TextHash("text")},
		Cluster: events.Assignment{ID: "c1", Relation: events.RelationRewrite, CanonicalID: "d", Rule: "story_similarity", Version: 3},
	}
	link := events.MergeCause{ID: "c2", Rule: events.MergeLink, Score: 0.4, Threshold: 0.3}
	tests := []struct {
		name   string
		merged []string
		merges []events.MergeCause
		want   string // part of the error, or empty
	}{
		{"no merge", nil, nil, ""},
		{"merged without causes (older records)", []string{"c2"}, nil, ""},
		{"a cause for each", []string{"c2", "c3"}, []events.MergeCause{link, {ID: "c3", Rule: events.MergeBridge, Score: 0.95, Threshold: 0.9}}, ""},
		{"a cause for a cluster not merged", []string{"c3"}, []events.MergeCause{link}, `names "c2"`},
		{"a cause missing", []string{"c2", "c3"}, []events.MergeCause{link}, "1 causes for 2"},
		{"an unknown rule", []string{"c2"}, []events.MergeCause{{ID: "c2", Rule: "hunch"}}, "rule of bridge or link"},
	}
	for _, tt := range tests {
		ca := base
		ca.Cluster.Merged, ca.Cluster.Merges = tt.merged, tt.merges
		err := ca.Validate()
		if tt.want == "" && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: error %v, want it to say %q", tt.name, err, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema":"wirewatch.article.v1","id":"x","source":{"kind":"file","path":"/p"},"title":"t","text":"x","language":"en","content_hash":"h"}`))
	f.Add([]byte(`{"schema":"wirewatch.raw_document.v1","body":"!!"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"schema":"wirewatch.feed_health.v1","id":"f1","feed_url":"https://a.example/f","polls":2,"last_attempt":"2026-03-09T10:00:00+01:00","not_modified_ratio":-0}`))
	// Hostile payloads: deep nesting, a NUL and invalid UTF-8 in strings,
	// duplicate keys, numbers and dates at their limits, a BOM.
	f.Add([]byte(`{"schema":"wirewatch.article.v1","id":"x","source":{"kind":"file","path":"/p"},"title":"t","text":"x","language":"en","content_hash":"h","provenance":` +
		strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200) + `}`))
	f.Add([]byte("{\"schema\":\"wirewatch.article.v1\",\"id\":\"x\\u0000\xff\",\"id\":\"y\",\"source\":{\"kind\":\"file\",\"path\":\"/\\ud800\"},\"title\":\"\xef\xbb\xbft\",\"text\":\"\xc3\",\"language\":\"en\",\"content_hash\":\"h\"}"))
	f.Add([]byte(`{"schema":"wirewatch.article.v1","id":"x","source":{"kind":"file","path":"/p"},"title":"t","text":"x","language":"en","content_hash":"h",` +
		`"published_at":"9999-12-31T23:59:59.999999999-23:59","fetched_at":"0000-01-01T00:00:00+23:59","claims":[{"id":"c","kind":"number","text":"n","value":1e308,"start":-1,"end":9223372036854775807}]}`))
	f.Add([]byte("\xef\xbb\xbf" + `{"schema":"wirewatch.feed_health.v1","id":"f1","feed_url":"https://a.example/f","polls":18446744073709551615,"last_attempt":"2026-03-09T10:00:00Z","not_modified_ratio":1e-400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fresh := []func() events.Event{
			func() events.Event { return &events.RawDocument{} }, func() events.Event { return &events.Article{} },
			func() events.Event { return &events.ClusteredArticle{} }, func() events.Event { return &events.ClusterUpdate{} },
			func() events.Event { return &events.DeadLetter{} }, func() events.Event { return &events.FeedHealth{} },
		}
		for _, mk := range fresh {
			ev := mk()
			if err := events.Decode(data, ev); err == nil {
				if verr := ev.Validate(); verr != nil {
					t.Fatalf("Decode accepted an event that does not validate: %v", verr)
				}
				// What was accepted goes out as a message and comes
				// back the same, under the same message id.
				msg, err := events.Encode(events.StageFetcher, "fuzz.subject", ev, time.Now())
				if err != nil {
					t.Fatalf("Encode of a decoded %s: %v", ev.SchemaName(), err)
				}
				back := mk()
				if err := events.DecodeMsg(msg.Header, msg.Data, back); err != nil {
					t.Fatalf("DecodeMsg of an encoded %s %s: %v", ev.SchemaName(), msg.Data, err)
				}
				again, err := events.Encode(events.StageFetcher, "fuzz.subject", back, time.Now())
				if err != nil {
					t.Fatalf("Encode of a round-tripped %s: %v", ev.SchemaName(), err)
				}
				if !bytes.Equal(again.Data, msg.Data) || again.Header.Get(events.HeaderMsgID) != msg.Header.Get(events.HeaderMsgID) {
					t.Fatalf("%s changed on a round trip:\n%s\n%s", ev.SchemaName(), msg.Data, again.Data)
				}
			} else if !errors.Is(err, events.ErrMalformed) && !errors.Is(err, events.ErrInvalid) {
				t.Fatalf("Decode error %v is neither ErrMalformed nor ErrInvalid", err)
			}
		}
	})
}

func TestFeedIDIsStableTokenSafeAndURLNormalised(t *testing.T) {
	a := events.FeedID("HTTPS://News.example:443/feed.xml#x")
	b := events.FeedID("https://news.example/feed.xml")
	c := events.FeedID("https://news.example/other.xml")
	if a != b {
		t.Errorf("ids %s and %s differ for the same feed", a, b)
	}
	if a == c {
		t.Errorf("two feeds share the id %s", a)
	}
	if len(a) != 24 || a[0] != 'f' || events.Token(a) != a {
		t.Errorf("feed id %q is not 'f' and 23 token-safe hex digits", a)
	}
}

func TestFeedHealthRoundTrip(t *testing.T) {
	url := "https://news.example/feed.xml"
	h := &events.FeedHealth{Schema: events.SchemaFeedHealth, ID: events.FeedID(url), FeedURL: url, Polls: 4, NotModified: 3,
		NotModifiedRatio: 0.75, LastAttempt: time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)}
	msg, err := events.Encode(events.StageFetcher, events.FeedHealthSubject(h.ID), h, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var back events.FeedHealth
	if err := events.DecodeMsg(msg.Header, msg.Data, &back); err != nil {
		t.Fatal(err)
	}
	if back.NotModifiedRatio != 0.75 || back.ID != h.ID || back.Revision() != "p4" {
		t.Errorf("round trip = %+v", back)
	}
	if err := (&events.FeedHealth{Schema: events.SchemaFeedHealth}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "feed_url is empty") {
		t.Errorf("Validate of an empty report = %v, want it to name the missing fields", err)
	}
}
