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
// with a split.
func TestClustersFollowMergesAndSplits(t *testing.T) {
	out := t.TempDir()
	records := []string{
		`{"id":"a1","source":{"path":"/in/0-d1.txt"},"cluster":{"id":"c1"}}`,
		`{"id":"a2","source":{"path":"/in/1-d2.txt"},"cluster":{"id":"c2"}}`,
		`{"id":"a3","source":{"path":"/in/2-d3.txt"},"cluster":{"id":"c1","merged":["c2"]}}`,
		`{"id":"a4","source":{"path":"/in/3-d4.txt"},"cluster":{"id":"c1"}}`,
		`{"id":"a5","source":{"path":"/in/4-d5.txt"},"cluster":{"id":"c9","splits":[{"id":"c9","from":"c1","members":["a2","a4","a5"],"score":0.1,"threshold":0.18}]}}`,
		`{"id":"a6","source":{"path":"/in/5-d6.txt"},"cluster":{"id":"c1"}}`,
	}
	if err := os.WriteFile(filepath.Join(out, "clustered-2026-11-22.jsonl"), []byte(strings.Join(records, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]string{}
	for i, d := range []string{"d1", "d2", "d3", "d4", "d5", "d6"} {
		byPath["/in/"+string(rune('0'+i))+"-"+d+".txt"] = d
	}
	pred, err := clusters(out, byPath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"d1": "c1", "d2": "c9", "d3": "c1", "d4": "c9", "d5": "c9", "d6": "c1"}
	for d, c := range want {
		if pred[d] != c {
			t.Errorf("%s in %q, want %q (all: %v)", d, pred[d], c, pred)
		}
	}
}
