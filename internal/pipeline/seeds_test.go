package pipeline_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
)

// The seeds through the whole pipeline, as the seeds' README says a correct
// pipeline treats them: 000–003 one story with the wire story 002 as its
// canonical; the story's state shows what the loose rewrite 001 changed
// against 002 — Mangott's "last-ditch effort" reworded, the 3-1/2 years of
// war given as four — and every change it lists is against 002's claims,
// though 002 came after 000 and 001 and displaced the first as canonical.
//
// 004, the envoy's earlier visit, is a story of its own. The seeds carry
// no dates: 004 stays apart because the files come in name order, after the
// rewrites, and the extractor hands the articles on in the order their
// documents came however many it extracts at once. Undated, 004 would join
// the rewrites in most orders where it comes before them (the deduper's
// story tests check both, with and without dates).
//
// 002, the wire story, displaced an earlier rewrite as canonical: its own
// record tells what changed against that one, naming it.
func TestSeedStoryShowsWhatTheRewriteChanged(t *testing.T) {
	_, nc, js := natstest.Start(t)
	out := t.TempDir()
	sum := runOnce(t, pipeline.Config{Inputs: []string{seeds(t)}, OutDir: out, NATSURL: nc.ConnectedUrl()})
	if sum.Articles != 5 || sum.DeadLetters != 0 {
		t.Fatalf("summary = %+v, want 5 articles and no dead letters", sum)
	}
	arts := map[string]*events.ClusteredArticle{}
	for _, a := range readJSONL[events.ClusteredArticle](t, out) {
		name := a.Source.Path[strings.LastIndexByte(a.Source.Path, '/')+1:]
		arts[name[:3]] = &a
	}
	if len(arts) != 5 {
		t.Fatalf("%d seeds delivered, want 5", len(arts))
	}
	story := arts["002"].Cluster.ID
	for _, k := range []string{"000", "001", "003"} {
		if arts[k].Cluster.ID != story {
			t.Errorf("seed %s in cluster %s, want 002's %s", k, arts[k].Cluster.ID, story)
		}
	}
	if arts["004"].Cluster.ID == story {
		t.Errorf("seed 004 joined the story: %+v", arts["004"].Cluster)
	}
	if len(arts["002"].Cluster.Changes) == 0 {
		t.Errorf("002 displaced the canonical and tells no change")
	}
	for _, c := range arts["002"].Cluster.Changes {
		if c.MemberID != arts["000"].ID && c.MemberID != arts["001"].ID || c.MemberID != arts["002"].Cluster.Changes[0].MemberID {
			t.Errorf("002's change %s names %s, want the canonical it displaced, 000 or 001", c.Kind, c.MemberID)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, events.StreamClusters)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetLastMsgForSubject(ctx, events.ClusterSubject(story))
	if err != nil {
		t.Fatalf("the story's state: %v", err)
	}
	var u events.ClusterUpdate
	if err := json.Unmarshal(m.Data, &u); err != nil {
		t.Fatal(err)
	}
	if u.CanonicalID != arts["002"].ID {
		t.Fatalf("canonical %s, want 002's %s", u.CanonicalID, arts["002"].ID)
	}
	if u.MemberCount != 4 || len(u.Members) != 4 {
		t.Errorf("the story counts %d members and lists %d, want 4", u.MemberCount, len(u.Members))
	}
	canonical := map[string]bool{}
	for _, c := range arts["002"].Claims {
		canonical[c.Text] = true
	}
	var reworded, figure bool
	for _, c := range u.Changes {
		if c.Canonical != nil && !canonical[c.Canonical.Text] {
			t.Errorf("change %s of %s is against %q, which is not 002's", c.Kind, c.MemberID, c.Canonical.Text)
		}
		if c.MemberID != arts["001"].ID || c.Canonical == nil || c.Claim == nil {
			continue
		}
		switch {
		case c.Kind == events.ChangeReworded && strings.Contains(c.Canonical.Text, "last-ditch effort") &&
			strings.Contains(c.Claim.Text, "desperate attempt"):
			reworded = true
		case c.Kind == events.ChangeNumberDiffers && c.Canonical.Value != nil && c.Claim.Value != nil &&
			*c.Canonical.Value == 3.5 && *c.Claim.Value == 4:
			figure = true
		}
	}
	if !reworded || !figure {
		for _, c := range u.Changes {
			t.Logf("%s %s: %+v against %+v", c.Kind, c.MemberID, c.Claim, c.Canonical)
		}
		t.Errorf("the state shows Mangott's reworded quote: %v, four years against 3-1/2: %v; want both", reworded, figure)
	}
}
