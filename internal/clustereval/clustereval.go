// Package clustereval measures story clustering end to end: it writes the
// ECB+ development documents as article files in a random order, runs the
// whole pipeline over them (fetcher, extractor, deduper, sink on an embedded
// JetStream server), and scores the clusters in the sink's output against the
// gold events with B-cubed and pairwise precision, recall and F1. It also
// runs the clear SemEval-2022 article pairs through the pipeline and reports
// how often the two articles of a pair share a cluster exactly when the
// annotators called them one story.
package clustereval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
)

// Doc is one ECB+ document.
type Doc struct {
	ID    string `json:"doc_id"`
	Topic int    `json:"topic"`
	Event string `json:"event_id"`
	Text  string `json:"text"`
}

// Load reads docs.jsonl.
func Load(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	var docs []Doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d Doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", path, err)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// Result is the score of one shuffle.
type Result struct {
	Seed     uint64
	BCubed   evaluate.PRF
	Pairwise evaluate.PRF
	Clusters int
	Seconds  float64
}

// Shuffle runs the pipeline over docs in the random order seed gives, in
// scratch directories under tmp.
func Shuffle(ctx context.Context, docs []Doc, seed uint64, tmp string, log *zap.Logger) (Result, error) {
	start := time.Now()
	order := append([]Doc(nil), docs...)
	rand.New(rand.NewPCG(seed, 0x5eed)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	in, out, data := filepath.Join(tmp, "in"), filepath.Join(tmp, "out"), filepath.Join(tmp, "data")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return Result{}, err
	}
	byPath := map[string]string{}
	for i, d := range order {
		// The fetcher reads files in name order: the position prefix is the
		// arrival order.
		p := filepath.Join(in, fmt.Sprintf("%04d-%s.txt", i, d.ID))
		if err := os.WriteFile(p, []byte(d.Text+"\n"), 0o644); err != nil {
			return Result{}, err
		}
		abs, _ := filepath.Abs(p)
		byPath[abs] = d.ID
	}
	if _, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: data, Once: true, Timeout: 10 * time.Minute}, log); err != nil {
		return Result{}, fmt.Errorf("running the pipeline: %w", err)
	}
	pred, err := clusters(out, byPath)
	if err != nil {
		return Result{}, err
	}
	if len(pred) != len(byPath) {
		return Result{}, fmt.Errorf("the sink delivered %d of %d documents", len(pred), len(byPath))
	}
	gold := map[string]string{}
	for _, d := range docs {
		gold[d.ID] = d.Event
	}
	distinct := map[string]bool{}
	for _, c := range pred {
		distinct[c] = true
	}
	return Result{Seed: seed, BCubed: evaluate.BCubed(pred, gold), Pairwise: evaluate.Pairwise(pred, gold),
		Clusters: len(distinct), Seconds: time.Since(start).Seconds()}, nil
}

// clusters reads the sink's records: document id → cluster id, following
// merges and splits to the cluster each document ended in.
func clusters(out string, byPath map[string]string) (map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(out, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	pred := map[string]string{}
	mergedInto := map[string]string{}
	docOf := map[string]string{} // article id → document id
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec struct {
				ID      string                `json:"id"`
				Source  struct{ Path string } `json:"source"`
				Cluster struct {
					ID     string   `json:"id"`
					Merged []string `json:"merged"`
					Splits []struct {
						ID      string   `json:"id"`
						From    string   `json:"from"`
						Members []string `json:"members"`
					} `json:"splits"`
				} `json:"cluster"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				f.Close()
				return nil, fmt.Errorf("reading %s: %w", name, err)
			}
			if id, ok := byPath[rec.Source.Path]; ok {
				pred[id] = rec.Cluster.ID
				docOf[rec.ID] = id
			}
			// Members that left a cluster for a new one (the records come
			// in the order decided).
			// The clusters merged went into the one the article joined,
			// which is a split's from when the article left with it.
			into := rec.Cluster.ID
			for _, sp := range rec.Cluster.Splits {
				delete(mergedInto, sp.ID) // a new cluster
				for _, m := range sp.Members {
					if id, ok := docOf[m]; ok {
						pred[id] = sp.ID
					}
					if m == rec.ID {
						into = sp.From
					}
				}
			}
			for _, m := range rec.Cluster.Merged {
				mergedInto[m] = into
			}
		}
		f.Close()
	}
	for id, c := range pred {
		for seen := 0; mergedInto[c] != "" && seen < 1000; seen++ {
			c = mergedInto[c]
		}
		pred[id] = c
	}
	return pred, nil
}

// Report formats results with their mean.
func Report(results []Result) string {
	var b strings.Builder
	var bc, pw []evaluate.PRF
	for _, r := range results {
		fmt.Fprintf(&b, "  shuffle %d: B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f  (%d clusters, %.1fs)\n",
			r.Seed, r.BCubed.P, r.BCubed.R, r.BCubed.F1, r.Pairwise.P, r.Pairwise.R, r.Pairwise.F1, r.Clusters, r.Seconds)
		bc, pw = append(bc, r.BCubed), append(pw, r.Pairwise)
	}
	m, p := evaluate.Mean(bc), evaluate.Mean(pw)
	fmt.Fprintf(&b, "  mean of %d: B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n",
		len(results), m.P, m.R, m.F1, p.P, p.R, p.F1)
	return b.String()
}

// Pair is one SemEval-2022 Task 8 article pair. Overall is the annotators'
// mean from 1 (very similar: the same story) to 4 (very dissimilar).
type Pair struct {
	ID      string  `json:"pair_id"`
	Overall float64 `json:"overall"`
	Text1   string  `json:"text1"`
	Text2   string  `json:"text2"`
}

// The clear pairs, as the datasets README defines them: overall ≤ 1.5 is
// the same story, overall ≥ 3.5 is not.
const (
	sameStoryMax  = 1.5
	otherStoryMin = 3.5
)

// LoadPairs reads pairs.jsonl.
func LoadPairs(path string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	var pairs []Pair
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p Pair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", path, err)
		}
		pairs = append(pairs, p)
	}
	return pairs, sc.Err()
}

// SemEvalResult counts the clear pairs and how many the pipeline got
// right: both articles in one cluster for a same-story pair, in two for
// another. Missing counts the pairs one of whose articles did not reach
// the sink (empty or unreadable texts are dead-lettered); they are left
// out of the accuracy.
type SemEvalResult struct {
	Same, SameRight   int
	Other, OtherRight int
	Missing           int
	Seconds           float64
}

// Accuracy is the share of the clear pairs decided right.
func (r SemEvalResult) Accuracy() float64 {
	if r.Same+r.Other == 0 {
		return 0
	}
	return float64(r.SameRight+r.OtherRight) / float64(r.Same+r.Other)
}

func (r SemEvalResult) String() string {
	return fmt.Sprintf("  same-story accuracy %.3f (%d/%d): same story %d/%d, different stories %d/%d; %d pairs not delivered (%.1fs)\n",
		r.Accuracy(), r.SameRight+r.OtherRight, r.Same+r.Other, r.SameRight, r.Same, r.OtherRight, r.Other, r.Missing, r.Seconds)
}

// SemEval runs the articles of the clear pairs through one pipeline, in a
// random order that seed gives, in scratch directories under tmp, and
// scores each pair by whether its articles share a cluster. All pairs go
// through one deduper, as a stream would: an article may join another
// pair's story, and two articles of different stories may end in one
// cluster through a third.
func SemEval(ctx context.Context, pairs []Pair, seed uint64, tmp string, log *zap.Logger) (SemEvalResult, error) {
	start := time.Now()
	type item struct {
		pair int
		text string
	}
	var clear []Pair
	for _, p := range pairs {
		if p.Overall <= sameStoryMax || p.Overall >= otherStoryMin {
			clear = append(clear, p)
		}
	}
	var items []item
	for i, p := range clear {
		items = append(items, item{i, p.Text1}, item{i, p.Text2})
	}
	rand.New(rand.NewPCG(seed, 0x5eed)).Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	in, out, data := filepath.Join(tmp, "in"), filepath.Join(tmp, "out"), filepath.Join(tmp, "data")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return SemEvalResult{}, err
	}
	byPath := map[string]string{}
	side := map[int]int{} // articles of each pair written so far
	for i, it := range items {
		side[it.pair]++
		key := fmt.Sprintf("%d/%d", it.pair, side[it.pair])
		p := filepath.Join(in, fmt.Sprintf("%04d-pair%d.txt", i, it.pair))
		if err := os.WriteFile(p, []byte(strings.TrimSpace(it.text)+"\n"), 0o644); err != nil {
			return SemEvalResult{}, err
		}
		abs, _ := filepath.Abs(p)
		byPath[abs] = key
	}
	if _, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: data, Once: true, Timeout: 10 * time.Minute}, log); err != nil {
		return SemEvalResult{}, fmt.Errorf("running the pipeline: %w", err)
	}
	pred, err := clusters(out, byPath)
	if err != nil {
		return SemEvalResult{}, err
	}
	r := SemEvalResult{Seconds: time.Since(start).Seconds()}
	for i, p := range clear {
		a, ok1 := pred[fmt.Sprintf("%d/1", i)]
		b, ok2 := pred[fmt.Sprintf("%d/2", i)]
		if !ok1 || !ok2 {
			r.Missing++
			continue
		}
		if p.Overall <= sameStoryMax {
			r.Same++
			if a == b {
				r.SameRight++
			}
		} else {
			r.Other++
			if a != b {
				r.OtherRight++
			}
		}
	}
	return r, nil
}
