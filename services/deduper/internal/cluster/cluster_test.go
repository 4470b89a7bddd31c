package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func article(path, text string) *events.Article {
	src := events.Source{Kind: events.SourceFile, Path: path}
	return &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: path,
		Language: "en", Text: text, ContentHash: events.TextHash(text)}
}

const base = `Witkoff flew to Moscow on a last-minute mission to seek a breakthrough in the war that began with
Russia's full-scale invasion. Russian state TV showed a brief clip of him shaking hands with Putin at the start of
their meeting. Trump, increasingly frustrated with Putin over the lack of progress towards peace, has threatened
to impose heavy tariffs on countries that buy Russian exports. He is exerting particular pressure on India, which
along with China is a huge buyer of Russian oil. The Kremlin says threats to penalise countries that trade with
Russia are illegal. It was not clear what Russia might offer to Witkoff in order to stave off the threat. Reports
said the Kremlin might propose a moratorium on air strikes by Russia and Ukraine, an idea mentioned last week by
the Belarusian president during a meeting with Putin. Such a move would fall well short of a full ceasefire.`

func TestAssignTiers(t *testing.T) {
	now := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	c := New(Options{})
	tests := []struct {
		name     string
		a        *events.Article
		relation events.Relation
		rule     string
		sameAs   int // index of the earlier case whose cluster it joins, -1 for a new one
	}{
		{"first", article("/a.txt", base), events.RelationNew, RuleNew, -1},
		{"verbatim copy", article("/b.txt", strings.ToUpper(base)), events.RelationDuplicate, RuleContentHash, 0},
		{"light edit", article("/c.txt", strings.Replace(base, "brief clip", "short clip", 1)), events.RelationNearDuplicate, RuleSimHash, 0},
		{"other story", article("/d.txt", "The city council approved a budget for public libraries after a long debate on opening hours."), events.RelationNew, RuleNew, -1},
	}
	var ids []string
	for _, tt := range tests {
		asg, upd := c.Assign(tt.a, now)
		ids = append(ids, asg.ID)
		if asg.Relation != tt.relation || asg.Rule != tt.rule {
			t.Errorf("%s: relation %s by %s, want %s by %s", tt.name, asg.Relation, asg.Rule, tt.relation, tt.rule)
		}
		if tt.sameAs >= 0 && asg.ID != ids[tt.sameAs] {
			t.Errorf("%s: cluster %s, want %s", tt.name, asg.ID, ids[tt.sameAs])
		}
		if tt.sameAs < 0 && asg.ID != events.ClusterID(tt.a.ID) {
			t.Errorf("%s: new cluster id %s, want one derived from the article", tt.name, asg.ID)
		}
		if upd == nil || upd.Version != asg.Version || upd.Validate() != nil {
			t.Errorf("%s: update %+v does not match assignment version %d", tt.name, upd, asg.Version)
		}
	}
	if ids[3] == ids[0] {
		t.Error("unrelated story joined the first cluster")
	}
}

func TestAssignIsIdempotent(t *testing.T) {
	now := time.Now()
	c := New(Options{})
	a := article("/a.txt", base)
	first, u1 := c.Assign(a, now)
	again, u2 := c.Assign(a, now.Add(time.Minute))
	if first.ID != again.ID || first.Version != again.Version || u1.Version != u2.Version || len(u2.Members) != 1 {
		t.Errorf("second assignment %+v (v%d, %d members), want the first %+v", again, u2.Version, len(u2.Members), first)
	}
}

func TestCanonicalPrefersWireStory(t *testing.T) {
	c := New(Options{})
	rewrite := article("/rewrite.txt", base)
	wire := article("/wire.txt", base+" ")
	wire.Wire, wire.Dateline = "Reuters", "MOSCOW"
	c.Assign(rewrite, time.Now())
	asg, upd := c.Assign(wire, time.Now())
	if asg.CanonicalID != wire.ID || upd.CanonicalID != wire.ID {
		t.Errorf("canonical %s, want the wire story %s", asg.CanonicalID, wire.ID)
	}
}
