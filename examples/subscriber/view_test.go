package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func state(id string, version uint64, members int, mergedInto string) *events.ClusterUpdate {
	u := &events.ClusterUpdate{Schema: events.SchemaClusterUpdate, ID: id, Version: version, Language: "en",
		Title: "story " + id, FirstSeen: time.Unix(0, 0).UTC(), UpdatedAt: time.Unix(int64(version), 0).UTC(), MergedInto: mergedInto}
	if mergedInto == "" {
		u.CanonicalID = "a-" + id
		for i := range members {
			u.Members = append(u.Members, events.Member{ID: id + "-m" + string(rune('0'+i)), Relation: events.RelationRewrite,
				Source: events.Source{Kind: events.SourceFile, Path: "/x"}, Title: "t", Rule: "r"})
		}
	}
	return u
}

func TestViewAppliesNewerStatesAndMerges(t *testing.T) {
	v := NewView()
	steps := []struct {
		u    *events.ClusterUpdate
		want Change
	}{
		{state("c1", 1, 1, ""), Created},
		{state("c1", 2, 2, ""), Updated},
		{state("c1", 2, 2, ""), Ignored}, // redelivered
		{state("c1", 1, 1, ""), Ignored}, // older
		{state("c2", 1, 1, ""), Created},
		{state("c2", 2, 0, "c1"), Merged},
		{state("c1", 3, 3, ""), Updated},
		{state("c2", 1, 1, ""), Ignored}, // an old state of a merged cluster does not bring it back
	}
	for i, s := range steps {
		if got := v.Apply(s.u); got != s.want {
			t.Errorf("step %d (%s v%d): %s, want %s", i, s.u.ID, s.u.Version, got, s.want)
		}
	}
	if v.Len() != 1 || v.Resolve("c2") != "c1" {
		t.Errorf("view has %d clusters, c2 resolves to %s; want 1 and c1", v.Len(), v.Resolve("c2"))
	}
	if u, ok := v.Get("c2"); !ok || u.ID != "c1" || u.Version != 3 {
		t.Errorf("Get(c2) = %v, %v; want c1 v3", u, ok)
	}
}

// An id founded anew, long after the deduper forgot its cluster, starts
// again at version 1 with a later first_seen: the view takes it, and no
// longer takes the old cluster's states.
func TestViewTakesAClusterFoundedAnew(t *testing.T) {
	v := NewView()
	steps := []struct {
		u    *events.ClusterUpdate
		want Change
	}{
		{founded(state("c3", 7, 2, ""), 0), Created},
		{founded(state("c3", 1, 1, ""), 9), Updated},
		{founded(state("c3", 6, 2, ""), 0), Ignored}, // a state of the old c3
		{founded(state("c2", 1, 1, ""), 0), Created},
		{founded(state("c2", 2, 0, "c3"), 0), Merged},
		{founded(state("c2", 1, 1, ""), 9), Created}, // c2 founded anew after its merge
		{founded(state("c4", 1, 1, ""), 5), Created},
		{mergedFrom(founded(state("c4", 2, 2, ""), 5), 3), Updated}, // took in an older cluster: first_seen moves back
		{founded(state("c4", 1, 1, ""), 5), Ignored},
	}
	for i, s := range steps {
		if got := v.Apply(s.u); got != s.want {
			t.Errorf("step %d (%s v%d): %s, want %s", i, s.u.ID, s.u.Version, got, s.want)
		}
	}
	if u, ok := v.Get("c3"); !ok || u.Version != 1 || v.Resolve("c2") != "c2" || v.Len() != 3 {
		t.Errorf("c3 = %v, %v, c2 resolves to %s, %d clusters; want the new c3 at v1, c2 itself, 3", u, ok, v.Resolve("c2"), v.Len())
	}
}

// founded sets the founding time of a state, days after the epoch, and
// its update time, version seconds after that.
func founded(u *events.ClusterUpdate, days int) *events.ClusterUpdate {
	u.FirstSeen = time.Unix(int64(days)*86400, 0).UTC()
	u.UpdatedAt = u.FirstSeen.Add(time.Duration(u.Version) * time.Second)
	return u
}

// TestFollowStartsFromTheCurrentStates stores a history of states, follows
// the stream, and checks that the view starts from the last state of each
// cluster and keeps up with new ones.
func TestFollowStartsFromTheCurrentStates(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	for _, cfg := range events.Streams(events.StreamOptions{}) {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(u *events.ClusterUpdate) {
		m, err := events.Encode(events.StageDeduper, events.ClusterSubject(u.ID), u, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*events.ClusterUpdate{state("c1", 1, 1, ""), state("c1", 2, 2, ""), state("c2", 1, 1, ""), state("c3", 1, 1, ""), state("c3", 2, 0, "c1")} {
		publish(u)
	}
	var mu sync.Mutex
	view := NewView()
	var seen []string
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- Follow(fctx, js, func(u *events.ClusterUpdate) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, u.ID+"@"+string(rune('0'+u.Version)))
			view.Apply(u)
		})
	}()
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			ok := cond()
			mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; seen %v", what, seen)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	wait("the current states", func() bool { return len(seen) == 3 })
	mu.Lock()
	if strings.Join(seen, " ") != "c1@2 c2@1 c3@2" {
		t.Errorf("first deliveries %v, want only the last state of each cluster", seen)
	}
	mu.Unlock()
	publish(state("c2", 2, 3, ""))
	wait("a live update", func() bool { u, ok := view.Get("c2"); return ok && u.Version == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if view.Len() != 2 || view.Resolve("c3") != "c1" {
		t.Errorf("view: %d clusters, c3 → %s; want 2 and c1", view.Len(), view.Resolve("c3"))
	}
}

// mergedFrom moves a state's first_seen back to days after the epoch, as
// taking in an older cluster does.
func mergedFrom(u *events.ClusterUpdate, days int) *events.ClusterUpdate {
	u.FirstSeen = time.Unix(int64(days)*86400, 0).UTC()
	return u
}
