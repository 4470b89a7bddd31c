package deduper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// A leader before this one decided an article and its decision was stored
// late, after this leader's last. This leader's own decision of the article
// has the same message id; the stream refuses it for the fence before it
// would call it a duplicate (nats-server checks the expected last sequence
// first), so the leader does not take the stored decision for its own —
// its engine would hold a decision the stream does not, and publish states
// no replay arrives at. It rebuilds from the stream, and the article is
// where the stored decision put it.
func TestDuplicateOfAnotherLeadersDecisionIsNotTakenForOwn(t *testing.T) {
	js := startStreams(t)
	ctx := context.Background()
	wire := article("/in/wire.txt", story)
	publishArticles(t, js, wire)
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	first := clustered(t, js, 1)[wire.ID]

	// The former leader's late decision of a copy: a cluster of its own.
	cp := article("/in/copy.txt", strings.ToUpper(story))
	late := &events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *cp,
		Cluster: events.Assignment{ID: "former-leaders-cluster", Relation: events.RelationNew, CanonicalID: cp.ID, Rule: "new", Version: 1}}
	m, err := events.Encode(events.StageDeduper, events.ClusteredSubject(cp.Language), late, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m.Header.Set("Wirewatch-Decided-By", "a-former-leader")
	if _, err := js.PublishMsg(ctx, m); err != nil {
		t.Fatal(err)
	}

	publishArticles(t, js, cp)
	// The states published for the copy are those of the stored decision:
	// the wire story's cluster never lists it.
	st, err := js.Stream(ctx, events.StreamClusters)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a state of the stored decision's cluster", func() bool {
		_, err := st.GetLastMsgForSubject(ctx, events.ClusterSubject("former-leaders-cluster"))
		return err == nil
	})
	last, err := st.GetLastMsgForSubject(ctx, events.ClusterSubject(first.ID))
	if err != nil {
		t.Fatal(err)
	}
	var u events.ClusterUpdate
	if err := json.Unmarshal(last.Data, &u); err != nil {
		t.Fatal(err)
	}
	for _, mem := range u.Members {
		if mem.ID == cp.ID {
			t.Errorf("the wire story's state (version %d) lists the copy, which the stored decision put in another cluster", u.Version)
		}
	}
	if got := clustered(t, js, 2)[cp.ID]; got.ID != "former-leaders-cluster" {
		t.Errorf("stored decision of the copy: %s", got.ID)
	}
}
