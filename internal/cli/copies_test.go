package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestCopiesAreNeverMereRewrites runs the wire story of the examples, its
// verbatim copy on a news site and its lightly edited copy through the
// pipeline in every order of their names: whichever comes first, the other
// two are duplicates or near duplicates of it, never rewrites.
func TestCopiesAreNeverMereRewrites(t *testing.T) {
	names := []string{"01-wire-halden-strike.txt", "02-copy-coastal-courier.html", "03-edit-vessel-daily.txt"}
	orders := [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for _, order := range orders {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			in := t.TempDir()
			for i, k := range order {
				data, err := os.ReadFile(filepath.Join(examples(t), names[k]))
				if err != nil {
					t.Fatal(err)
				}
				// The pipeline reads a directory in the order of its names.
				if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("%d-%s", i, names[k])), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			srv, _ := startServer(t)
			out := t.TempDir()
			if sum := runPipeline(t, srv, in, out); sum.Articles != 3 {
				t.Fatalf("%+v, want 3 articles", sum)
			}
			clusters := map[string]bool{}
			news := 0
			for _, line := range jsonlLines(t, out) {
				var ca events.ClusteredArticle
				if err := json.Unmarshal([]byte(line), &ca); err != nil {
					t.Fatal(err)
				}
				clusters[ca.Cluster.ID] = true
				switch ca.Cluster.Relation {
				case events.RelationNew:
					news++
				case events.RelationDuplicate, events.RelationNearDuplicate:
				default:
					t.Errorf("%s is a %s (scores %v)", filepath.Base(ca.Source.Path), ca.Cluster.Relation, ca.Cluster.Scores)
				}
			}
			if len(clusters) != 1 || news != 1 {
				t.Errorf("%d clusters, %d new; want the three in one", len(clusters), news)
			}
		})
	}
}
