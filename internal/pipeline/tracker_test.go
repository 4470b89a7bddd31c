package pipeline

import (
	"fmt"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// The tracker of a run that watches its inputs counts what happened and
// keeps nothing per document, however many pass.
func TestWatchingTrackerOnlyCounts(t *testing.T) {
	tr := newCounter()
	for i := range 1000 {
		id := fmt.Sprintf("doc-%d", i)
		tr.published(id, false)
		relation := events.RelationRewrite
		if i%4 == 0 {
			relation = events.RelationNew
		}
		if i%10 == 9 {
			tr.failed(id)
			continue
		}
		tr.delivered(&events.ClusteredArticle{Article: events.Article{ID: id}, Cluster: events.Assignment{ID: "c", Relation: relation}}, false)
	}
	tr.fetchFailed("unreadable")
	tr.published("again", true)
	if got, want := tr.summary(), (Summary{Documents: 1001, Known: 1, Articles: 900, Clusters: 250, DeadLetters: 101}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	if len(tr.expected)+len(tr.clusterOf)+len(tr.dead) != 0 {
		t.Errorf("the tracker keeps %d, %d and %d entries per document", len(tr.expected), len(tr.clusterOf), len(tr.dead))
	}
}
