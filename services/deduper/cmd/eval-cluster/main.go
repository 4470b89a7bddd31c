// Command eval-cluster measures the deduper's story clustering on ECB+
// (../shared/datasets/ecbplus-dev/docs.jsonl): the documents are clustered in
// random order, several times, and B-cubed and pairwise precision, recall and
// F1 are averaged over the shuffles.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

type doc struct {
	ID    string `json:"doc_id"`
	Event string `json:"event_id"`
	Text  string `json:"text"`
}

func main() {
	path := flag.String("docs", "../shared/datasets/ecbplus-dev/docs.jsonl", "ECB+ docs.jsonl")
	shuffles := flag.Int("shuffles", 5, "random orders to average over")
	sweep := flag.String("sweep", "", "comma-separated thresholds to try")
	threshold := flag.Float64("threshold", 0.3, "story similarity threshold")
	flag.Float64Var(&nameGate, "name-gate", 0, "least name similarity to join a story when both sides have names")
	flag.Float64Var(&opts.FieldWeights[story.FieldWords], "w-words", opts.FieldWeights[story.FieldWords], "weight of words")
	flag.Float64Var(&opts.FieldWeights[story.FieldNames], "w-names", opts.FieldWeights[story.FieldNames], "weight of names")
	flag.Float64Var(&opts.FieldWeights[story.FieldNumbers], "w-numbers", opts.FieldWeights[story.FieldNumbers], "weight of numbers")
	flag.Float64Var(&opts.PriorDocs, "prior", opts.PriorDocs, "prior docs")
	flag.Float64Var(&opts.TitleBoost, "title-boost", opts.TitleBoost, "title boost")
	flag.IntVar(&opts.TopTerms, "top", opts.TopTerms, "top terms")
	flag.Float64Var(&missPenalty, "miss", 0, "penalty per share of key names missing")
	flag.IntVar(&keyK, "key", 3, "key names compared")
	explain := flag.Bool("explain", false, "print the clusters that mix events and the events that were split, for the first shuffle")
	flag.Parse()
	docs, err := load(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "eval-cluster:", err)
		os.Exit(1)
	}
	ths := []float64{*threshold}
	if *sweep != "" {
		ths = nil
		for _, s := range strings.Split(*sweep, ",") {
			var v float64
			fmt.Sscan(s, &v)
			ths = append(ths, v)
		}
	}
	gold := map[string]string{}
	for _, d := range docs {
		gold[d.ID] = d.Event
	}
	for _, th := range ths {
		var bc, pw []evaluate.PRF
		for s := range *shuffles {
			order := append([]doc(nil), docs...)
			r := rand.New(rand.NewPCG(uint64(s+1), 42))
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			pred := cluster(order, th)
			if *explain && s == 0 {
				explainErrors(pred, gold)
			}
			bc = append(bc, evaluate.BCubed(pred, gold))
			pw = append(pw, evaluate.Pairwise(pred, gold))
		}
		b, p := evaluate.Mean(bc), evaluate.Mean(pw)
		fmt.Printf("threshold %.3f  B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n", th, b.P, b.R, b.F1, p.P, p.R, p.F1)
	}
}

var (
	opts        = story.DefaultOptions
	nameGate    float64
	missPenalty float64
	keyK        int
)

func cluster(docs []doc, th float64) map[string]string {
	m := story.NewModel(opts)
	post := story.NewPostings(opts.MaxPostings)
	var cents []*story.Centroid
	pred := map[string]string{}
	for _, d := range docs {
		title, body, _ := strings.Cut(d.Text, "\n")
		v := m.Vectorize(title, body, true)
		best, bestS := int32(-1), th
		for _, c := range post.Candidates(m, m.QueryTerms(v), 32) {
			sc := m.Similarity(v, cents[c])
			if nameGate > 0 && sc.Fields[story.FieldNames] < nameGate && hasNames(m, v) {
				continue
			}
			s := sc.Combined
			if missPenalty > 0 {
				a, b := m.KeyNameMiss(v, cents[c], keyK)
				s -= missPenalty * (a + b) / 2
			}
			if s >= bestS {
				best, bestS = c, s
			}
		}
		if best < 0 {
			best = int32(len(cents))
			cents = append(cents, &story.Centroid{})
		}
		m.Add(cents[best], v)
		post.Add(best, m.QueryTerms(v))
		pred[d.ID] = fmt.Sprint(best)
	}
	return pred
}

func load(path string) ([]doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, sc.Err()
}

// explainErrors prints, for each predicted cluster that mixes gold events, its
// composition, and for each gold event split over several clusters, the split.
func explainErrors(pred, gold map[string]string) {
	byPred := map[string]map[string]int{}
	byGold := map[string]map[string]int{}
	for id, p := range pred {
		g := gold[id]
		if byPred[p] == nil {
			byPred[p] = map[string]int{}
		}
		byPred[p][g]++
		if byGold[g] == nil {
			byGold[g] = map[string]int{}
		}
		byGold[g][p]++
	}
	for p, evs := range byPred {
		if len(evs) > 1 {
			fmt.Printf("  mixed cluster %s: %v\n", p, evs)
		}
	}
	for g, ps := range byGold {
		if len(ps) > 1 {
			fmt.Printf("  split event %s: %v\n", g, ps)
		}
	}
}

func hasNames(m *story.Model, v story.Vector) bool {
	for _, t := range v.Terms {
		if strings.HasPrefix(m.Term(t), "n:") {
			return true
		}
	}
	return false
}
