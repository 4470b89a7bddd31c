package clustereval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClustersFollowMergesAndSplits reads sink records as the pipeline
// writes them: a document is in the cluster its record names, unless a
// later record merged that cluster into another or moved the document out
// with a split. Clusters merged by an article that then left with a split
// went into the cluster it left.
func TestClustersFollowMergesAndSplits(t *testing.T) {
	out := t.TempDir()
	records := []string{
		`{"id":"a1","source":{"path":"/in/0-d1.txt"},"cluster":{"id":"c1"}}`,
		`{"id":"a2","source":{"path":"/in/1-d2.txt"},"cluster":{"id":"c2"}}`,
		`{"id":"a3","source":{"path":"/in/2-d3.txt"},"cluster":{"id":"c1","merged":["c2"]}}`,
		`{"id":"a4","source":{"path":"/in/3-d4.txt"},"cluster":{"id":"c1"}}`,
		`{"id":"a5","source":{"path":"/in/4-d5.txt"},"cluster":{"id":"c9","splits":[{"id":"c9","from":"c1","members":["a2","a4","a5"],"score":0.1,"threshold":0.18}]}}`,
		`{"id":"a6","source":{"path":"/in/5-d6.txt"},"cluster":{"id":"c1"}}`,
		`{"id":"a7","source":{"path":"/in/6-d7.txt"},"cluster":{"id":"c7"}}`,
		`{"id":"a8","source":{"path":"/in/7-d8.txt"},"cluster":{"id":"c8","merged":["c7"],"splits":[{"id":"c8","from":"c1","members":["a6","a8"],"score":0.1,"threshold":0.18}]}}`,
	}
	if err := os.WriteFile(filepath.Join(out, "clustered-2026-11-22.jsonl"), []byte(strings.Join(records, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]string{}
	for i, d := range []string{"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"} {
		byPath["/in/"+string(rune('0'+i))+"-"+d+".txt"] = d
	}
	pred, err := clusters(out, byPath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"d1": "c1", "d2": "c9", "d3": "c1", "d4": "c9", "d5": "c9", "d6": "c8", "d7": "c1", "d8": "c8"}
	for d, c := range want {
		if pred[d] != c {
			t.Errorf("%s in %q, want %q (all: %v)", d, pred[d], c, pred)
		}
	}
}
