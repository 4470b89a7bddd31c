package seen

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestRegistry(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	r, err := Open(ctx, js, time.Hour, 1, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	k := URLKey("https://News.example:443/a#top")
	if k != URLKey("https://news.example/a") || k == URLKey("https://news.example/b") || k == ItemKey("https://news.example/a", "") {
		t.Error("keys do not follow the normalised URL")
	}
	if _, ok, err := r.Get(ctx, k); ok || err != nil {
		t.Fatalf("unknown key: %v, %v", ok, err)
	}
	now := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	up := now.Add(-time.Hour)
	if err := r.Put(ctx, k, Entry{Done: true, Doc: "d1", Updated: &up}, now); err != nil {
		t.Fatal(err)
	}
	e, ok, err := r.Get(ctx, k)
	if !ok || err != nil || !e.Done || e.Doc != "d1" || !e.Updated.Equal(up) || !e.At.Equal(now) {
		t.Errorf("Get = %+v, %v, %v", e, ok, err)
	}
	if r.Stale(e, now.Add(20*time.Minute)) || !r.Stale(e, now.Add(31*time.Minute)) {
		t.Error("an entry is stale after half its TTL, not before")
	}
}
