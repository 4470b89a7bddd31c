package state

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestStoreAndHealth(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	s, err := Open(ctx, js, 1, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://news.example/feed.xml"
	f, err := s.Get(ctx, url)
	if err != nil || f.URL != url || !f.NextDue.IsZero() {
		t.Fatalf("a new feed: %+v, %v", f, err)
	}
	now := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	f = Feed{URL: url, ETag: `"x"`, NextDue: now.Add(time.Hour), LastAttempt: now, LastSuccess: now, Polls: 4, NotModified: 1, Items: 9}
	if err := s.Put(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, url)
	if err != nil || got.ETag != `"x"` || !got.NextDue.Equal(f.NextDue) || got.Polls != 4 {
		t.Errorf("Get = %+v, %v", got, err)
	}
	h := got.Health()
	if h.ID != events.FeedID(url) || h.NotModifiedRatio != 0.25 || h.LastSuccess == nil || h.Validate() != nil {
		t.Errorf("health %+v", h)
	}
}
