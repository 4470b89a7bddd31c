package story_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/cluster"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// TestSeedsThroughTheEngine feeds the seeds to the deduper's engine in
// every order, with publication times as they were: the four versions of
// the story on one day, 004 (the envoy's earlier visit) months before.
// The four always make one cluster and 004 never joins it, wherever it
// comes: when it comes after the rewrites their content keeps it out
// (TestSeedsEarlierVisit), before them its time does.
func TestSeedsThroughTheEngine(t *testing.T) {
	names, titles, texts := story.LoadSeeds(t)
	day := time.Date(2025, 8, 6, 9, 0, 0, 0, time.UTC)
	published := map[string]time.Time{"000": day.Add(3 * time.Hour), "001": day.Add(5 * time.Hour),
		"002": day, "003": day.Add(8 * time.Hour), "004": day.AddDate(0, -3, 0)}
	for _, order := range story.Permutations(len(names)) {
		e := cluster.New(cluster.Options{})
		got := map[string]string{}
		for i, k := range order {
			pub := published[names[k]]
			src := events.Source{Kind: events.SourceFile, Path: fmt.Sprintf("/seeds/%s.txt", names[k])}
			a := &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: titles[k],
				Language: "en", Text: texts[k], ContentHash: events.TextHash(texts[k]), PublishedAt: &pub}
			got[names[k]] = e.Assign(a, day.Add(12*time.Hour+time.Duration(i)*time.Minute)).Assignment.ID
		}
		if got["000"] != got["001"] || got["001"] != got["002"] || got["002"] != got["003"] {
			t.Errorf("order %v: the rewrites split over clusters %v", order, got)
		}
		if got["004"] == got["002"] {
			t.Errorf("order %v: 004 joined the rewrites' cluster %v", order, got)
		}
	}
}
