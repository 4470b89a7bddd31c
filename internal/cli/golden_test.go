package cli_test

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

var (
	update = flag.Bool("update", false, "TestGoldenReplay: rewrite the golden files from this version's output")
	record = flag.Bool("record", false, "TestGoldenReplay: record the golden input streams anew from examples/articles, then compare (add -update to rewrite the goldens too)")
)

// goldenDir holds the recorded input streams and the outputs expected of
// replaying them.
const goldenDir = "testdata/golden"

// goldenCases are the recordings replayed and the golden file of each.
var goldenCases = []struct {
	name, recording, golden, stages string
}{
	{"raw documents", events.StreamRaw + ".jsonl", "raw.golden", "extracted, clustered and delivered"},
	{"articles", events.StreamArticles + ".jsonl", "articles.golden", "clustered and delivered"},
}

// TestGoldenReplay replays streams recorded once from examples/articles (with
// 'wirewatch record') into a fresh pipeline and diffs what its sink delivers
// against golden files: which records, which documents share a cluster,
// which are duplicates or near duplicates, and which is each cluster's
// canonical record. Scores, times and cluster ids are left out, so that a
// change of the story model's weights alone does not break it; a change of
// who clusters with whom does.
//
//	go test ./internal/cli -run TestGoldenReplay -update   # accept a change
//	go test ./internal/cli -run TestGoldenReplay -record -update   # new recordings
func TestGoldenReplay(t *testing.T) {
	if *record {
		recordGoldenInputs(t)
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			code, _, errs := run(t, nil, "replay", "--file", filepath.Join(goldenDir, tc.recording), "--to", "pipeline:"+out)
			if code != 0 {
				t.Fatalf("replay of %s: exit %d: %s", tc.recording, code, errs)
			}
			got := renderGolden(t, tc.recording, tc.stages, delivered(t, out))
			path := filepath.Join(goldenDir, tc.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("replaying %s no longer gives %s:\n%s\nIf the change is intended, run: go test ./internal/cli -run TestGoldenReplay -update",
					tc.recording, path, lineDiff(string(want), got))
			}
		})
	}
}

// recordGoldenInputs runs the pipeline over examples/articles and records
// the streams the golden cases replay.
func recordGoldenInputs(t *testing.T) {
	t.Helper()
	srv, _ := startServer(t)
	if sum := runPipeline(t, srv, examples(t), t.TempDir()); sum.Articles == 0 {
		t.Fatalf("the pipeline over examples/articles delivered nothing: %+v", sum)
	}
	if err := os.MkdirAll(goldenDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range goldenCases {
		stream := strings.TrimSuffix(tc.recording, ".jsonl")
		code, _, errs := run(t, nil, "record", "--nats", srv.ClientURL(), "--stream", stream, "--file", filepath.Join(goldenDir, tc.recording))
		if code != 0 {
			t.Fatalf("record %s: exit %d: %s", stream, code, errs)
		}
	}
}

// delivered reads the records of the JSONL files in dir, in delivery order.
func delivered(t *testing.T, dir string) []events.ClusteredArticle {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	slices.Sort(names)
	var out []events.ClusteredArticle
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var a events.ClusteredArticle
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			out = append(out, a)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// renderGolden writes what is stable of a replay's records as text: one
// line per record, grouped by cluster, the clusters lettered in the order
// of their records' names.
func renderGolden(t *testing.T, recording, stages string, recs []events.ClusteredArticle) string {
	t.Helper()
	// A record whose arrival merged clusters joins them: earlier records of
	// the merged clusters share its cluster from then on.
	parent := map[string]string{}
	var find func(string) string
	find = func(id string) string {
		if p, ok := parent[id]; ok && p != id {
			r := find(p)
			parent[id] = r
			return r
		}
		return id
	}
	for _, r := range recs {
		for _, m := range r.Cluster.Merged {
			parent[find(m)] = find(r.Cluster.ID)
		}
	}
	canonical := map[string]string{} // cluster -> canonical id, as of its last record
	names := map[string]string{}     // document id -> name
	for _, r := range recs {
		canonical[find(r.Cluster.ID)] = r.Cluster.CanonicalID
		names[r.ID] = recordName(r)
	}
	type line struct{ cluster, name, id, relation string }
	var lines []line
	for _, r := range recs {
		rel := ""
		if r.Cluster.Relation == events.RelationDuplicate || r.Cluster.Relation == events.RelationNearDuplicate {
			rel = string(r.Cluster.Relation)
		}
		lines = append(lines, line{find(r.Cluster.ID), recordName(r), r.ID, rel})
	}
	slices.SortFunc(lines, func(a, b line) int { return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.id, b.id)) })
	letter := map[string]string{}
	for _, l := range lines {
		if _, ok := letter[l.cluster]; !ok {
			letter[l.cluster] = clusterLetter(len(letter))
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(len(letter[a.cluster]), len(letter[b.cluster])) })
	slices.SortStableFunc(lines, func(a, b line) int { return strings.Compare(letter[a.cluster], letter[b.cluster]) })

	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s by a fresh pipeline.\n", recording, stages)
	b.WriteString("# One line per record delivered: cluster, canonical mark, record, document id, relation.\n")
	b.WriteString("# Clusters are lettered in the order of their records' names; '*' marks the canonical\n")
	b.WriteString("# record of the cluster's last update; the relation is shown when it is duplicate or\n")
	b.WriteString("# near_duplicate. Scores, times, versions and cluster ids are left out.\n")
	b.WriteString("# Regenerate: go test ./internal/cli -run TestGoldenReplay -update\n\n")
	fmt.Fprintf(&b, "records %d, clusters %d\n\n", len(lines), len(letter))
	width := 0
	for _, l := range lines {
		width = max(width, len(l.name))
	}
	for _, l := range lines {
		mark := " "
		if canonical[l.cluster] == l.id {
			mark = "*"
		}
		fmt.Fprintf(&b, "%-3s %s %-*s  %s  %s", letter[l.cluster], mark, width, l.name, l.id, l.relation)
		b.WriteString("\n")
	}
	for c, id := range canonical {
		if _, ok := names[id]; !ok {
			fmt.Fprintf(&b, "%s's canonical record %s was not delivered\n", letter[c], id)
		}
	}
	return strings.ReplaceAll(b.String(), "  \n", "\n")
}

// recordName is a record's file name, or its URL.
func recordName(a events.ClusteredArticle) string {
	if a.Source.Path != "" {
		return filepath.Base(a.Source.Path)
	}
	return a.Source.URL
}

// clusterLetter names the n-th cluster: A…Z, then AA, AB…
func clusterLetter(n int) string {
	s := ""
	for {
		s = string(rune('A'+n%26)) + s
		n = n/26 - 1
		if n < 0 {
			return s
		}
	}
}

// lineDiff lists the lines only want has (-) and only got has (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	count := map[string]int{}
	for _, l := range g {
		count[l]++
	}
	var b strings.Builder
	for _, l := range w {
		if count[l] > 0 {
			count[l]--
			continue
		}
		fmt.Fprintf(&b, "- %s\n", l)
	}
	count = map[string]int{}
	for _, l := range w {
		count[l]++
	}
	for _, l := range g {
		if count[l] > 0 {
			count[l]--
			continue
		}
		fmt.Fprintf(&b, "+ %s\n", l)
	}
	return b.String()
}

// TestRenderGoldenJoinsMergedClusters checks the golden rendering itself: a
// record whose arrival merged two clusters puts their records in one, and
// floating scores do not show.
func TestRenderGoldenJoinsMergedClusters(t *testing.T) {
	rec := func(path, id, cluster, canonical string, rel events.Relation, merged ...string) events.ClusteredArticle {
		var a events.ClusteredArticle
		a.ID, a.Source = id, events.Source{Kind: events.SourceFile, Path: "/in/" + path}
		a.Cluster = events.Assignment{ID: cluster, CanonicalID: canonical, Relation: rel, Merged: merged,
			Scores: map[string]float64{"story": 0.4242}}
		return a
	}
	recs := []events.ClusteredArticle{
		rec("b.txt", "d2", "c2", "d2", events.RelationNew),
		rec("a.txt", "d1", "c1", "d1", events.RelationNew),
		rec("z.txt", "d9", "c9", "d9", events.RelationNew),
		rec("c.txt", "d3", "c1", "d1", events.RelationRewrite, "c2"),
		rec("d.txt", "d4", "c1", "d3", events.RelationDuplicate),
	}
	got := renderGolden(t, "X.jsonl", "replayed", recs)
	body := got[strings.Index(got, "\nrecords ")+1:]
	want := "records 5, clusters 2\n\n" +
		"A     a.txt  d1\n" +
		"A     b.txt  d2\n" +
		"A   * c.txt  d3\n" +
		"A     d.txt  d4  duplicate\n" +
		"B   * z.txt  d9\n"
	if body != want {
		t.Errorf("rendered\n%s\nwant\n%s", body, want)
	}
	if strings.Contains(got, "0.42") {
		t.Error("a score leaked into the golden")
	}
	if clusterLetter(25) != "Z" || clusterLetter(26) != "AA" || clusterLetter(27) != "AB" {
		t.Errorf("cluster letters %s %s %s", clusterLetter(25), clusterLetter(26), clusterLetter(27))
	}
}
