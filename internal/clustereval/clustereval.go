// Package clustereval measures story clustering end to end: it writes the
// ECB+ development documents as article files in a random order, runs the
// whole pipeline over them (fetcher, extractor, deduper, sink on an embedded
// JetStream server), and scores the clusters in the sink's output against the
// gold events with B-cubed and pairwise precision, recall and F1.
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
// merges to the cluster each document ended in.
func clusters(out string, byPath map[string]string) (map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(out, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	pred := map[string]string{}
	mergedInto := map[string]string{}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec struct {
				Source  struct{ Path string } `json:"source"`
				Cluster struct {
					ID     string   `json:"id"`
					Merged []string `json:"merged"`
				} `json:"cluster"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				f.Close()
				return nil, fmt.Errorf("reading %s: %w", name, err)
			}
			if id, ok := byPath[rec.Source.Path]; ok {
				pred[id] = rec.Cluster.ID
			}
			for _, m := range rec.Cluster.Merged {
				mergedInto[m] = rec.Cluster.ID
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
	if len(pred) != len(byPath) {
		return pred, fmt.Errorf("the sink delivered %d of %d documents", len(pred), len(byPath))
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
