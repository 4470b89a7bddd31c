// Command eval-cluster measures and tunes the deduper's story model.
//
// By default it clusters the ECB+ documents (../shared/datasets/ecbplus-dev)
// online, in several random orders, through the story package's API the way
// the cluster package does, and prints B-cubed and pairwise precision,
// recall and F1 averaged over the orders. --train fits the weights of the
// story model's logistic score on ECB+ and prints them; --semeval reports
// how often Compare agrees with the clear SemEval-2022 pairs.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

func main() {
	opts := story.DefaultOptions
	path := flag.String("docs", "../shared/datasets/ecbplus-dev/docs.jsonl", "ECB+ docs.jsonl")
	both := flag.Bool("both", false, "with --semeval, cluster ECB+ too")
	semeval := flag.String("semeval", "", "SemEval-2022 pairs.jsonl: report Compare's accuracy on the clear pairs")
	shuffles := flag.Int("shuffles", 5, "random orders to average over")
	sweep := flag.String("sweep", "", "comma-separated thresholds to try")
	flag.Float64Var(&opts.Threshold, "threshold", opts.Threshold, "same-story score threshold")
	pairs := flag.Bool("pairs", false, "report how single features separate the events of a topic, document against document")
	batch := flag.Bool("batch", false, "with --pairs, also cluster in batch by average link")
	pair := flag.String("pair", "", "explain the score of two documents, id,id")
	gbdt := flag.Int("gbdt", 0, "fit this many boosted trees on the oracle samples and score with them (an experiment)")
	trainMerge := flag.Bool("train-merge", false, "fit the SameStory weights on the merges the clustering considers, and merge")
	flag.Float64Var(&opts.MergeThreshold, "merge-threshold", opts.MergeThreshold, "SameStory threshold")
	train := flag.Bool("train", false, "fit the logistic weights on ECB+ (oracle clustering) and use them")
	l2 := flag.Float64("l2", 1, "L2 penalty of --train")
	merge := flag.Bool("merge", false, "merge stories that SameStory says are one after each join")
	traceFlag := flag.Bool("trace", false, "print the wrong joins and the new stories of the first shuffle")
	explain := flag.Bool("explain", false, "print the clusters that mix events and the events that were split, for the first shuffle")
	flag.Float64Var(&opts.PriorDocs, "prior", opts.PriorDocs, "prior documents of the IDF")
	flag.Float64Var(&opts.TitleBoost, "title-boost", opts.TitleBoost, "title boost")
	flag.Float64Var(&opts.LeadBoost, "lead-boost", opts.LeadBoost, "lead boost")
	flag.IntVar(&opts.LeadSentences, "lead", opts.LeadSentences, "sentences of the lead")
	flag.Float64Var(&opts.LeadDecay, "lead-decay", opts.LeadDecay, "sentences over which the lead boost fades (0: a step)")
	flag.IntVar(&opts.TopTerms, "top", opts.TopTerms, "terms an article keeps")
	flag.IntVar(&opts.QueryTerms, "query", opts.QueryTerms, "query terms")
	flag.IntVar(&opts.CentroidTerms, "centroid", opts.CentroidTerms, "terms a centroid keeps")
	flag.IntVar(&opts.MemberTerms, "member", opts.MemberTerms, "terms a centroid keeps per member")
	flag.IntVar(&opts.Candidates, "candidates", opts.Candidates, "candidates verified")
	flag.Float64Var(&opts.IDFPower, "idf-power", opts.IDFPower, "power of the IDF")
	flag.Float64Var(&opts.TFSaturation, "tf-sat", opts.TFSaturation, "BM25 k of term frequency (0: sublinear)")
	flag.Float64Var(&opts.TFPower, "tf-power", opts.TFPower, "power of term frequency (0: sublinear)")
	flag.Float64Var(&minLink, "min-link", 0, "least mean field cosine with each of the first members (experiment)")
	flag.IntVar(&minLinkK, "min-link-k", minLinkK, "members --min-link looks at")
	flag.Float64Var(&minLinkQ, "min-link-q", 0, "quantile of the member cosines --min-link tests (0: the least)")
	flag.StringVar(&oracleFix, "oracle", "", "errors an oracle corrects: found,wrong,split (experiment)")
	warm := flag.String("warm", "", "comma-separated news collections to learn term rarity from first (an IDF prior)")
	features := flag.String("features", "", "comma-separated features the fits may use (default all)")
	cv := flag.Bool("cv", false, "two-fold cross-validation by topic: fit on odd topics, cluster even ones, and back")
	flag.BoolVar(&perTopic, "per-topic", false, "print the B-cubed F1 of each topic")
	flag.BoolVar(&opts.NoLeadField, "no-lead-field", opts.NoLeadField, "leave the lead field out")
	weights := flag.String("weights", "", "feature weights as name=value,... (bias=value too)")
	flag.BoolVar(&showHard, "hard", false, "with --train, print the other-event stories that score highest")
	flag.BoolVar(&opts.KeepText, "text", false, "keep term text (for --hard)")
	flag.BoolVar(&verbose, "v", false, "print the SemEval pairs Compare gets wrong")
	flag.Parse()

	if *warm != "" {
		if err := loadWarm(*warm); err != nil {
			fail(err)
		}
	}
	if *features != "" {
		useFeature = map[string]bool{}
		for _, f := range strings.Split(*features, ",") {
			useFeature[f] = true
		}
	}
	if *weights != "" {
		if err := setWeights(&opts, *weights); err != nil {
			fail(err)
		}
	}
	docs, err := loadDocs(*path)
	if err != nil {
		fail(err)
	}
	if *cv {
		crossValidate(opts, docs, *shuffles, *l2, *trainMerge)
		return
	}
	if *pair != "" {
		a, b, _ := strings.Cut(*pair, ",")
		if *train {
			fit(&opts, docs, *shuffles, *l2)
		}
		explainPair(opts, docs, a, b)
		return
	}
	if *pairs {
		if *train {
			fit(&opts, docs, *shuffles, *l2)
		}
		m := newModel(opts)
		reportChunks(opts, docs, m.Score)
		reportPairs(opts, docs)
		if *batch {
			reportBatch(opts, docs, m.Score)
		}
		return
	}
	if *train {
		fit(&opts, docs, *shuffles, *l2)
	}
	if *gbdt > 0 {
		samples, _, _ := oracleSamples(opts, docs, *shuffles)
		b := fitBoosted(samples, *gbdt, 3, 0.1, 20)
		opts.Scorer = b.score
		decisions(samples, b.score)
	}
	if *trainMerge {
		var ms []sample
		mergeSamples = &ms
		for s := range *shuffles {
			cluster(opts, shuffled(docs, 100+s), true)
		}
		mergeSamples = nil
		pos := 0
		for _, s := range ms {
			if s.same {
				pos++
			}
		}
		fmt.Printf("merge samples: %d, %d of one event\n", len(ms), pos)
		opts.MergeWeights, opts.MergeBias = fitLogistic(ms, *l2)
		printWeights("MergeWeights", opts.MergeWeights, "MergeBias", opts.MergeBias)
		m := newModel(opts)
		fmt.Printf("  merge score AUC %.3f\n", auc(ms, func(x [story.NumFeatures]float64) float64 {
			return m.SameStoryScore(x)
		}))
		*merge = true
	}
	if *semeval != "" {
		pairs, err := loadPairs(*semeval)
		if err != nil {
			fail(err)
		}
		reportSemEval(opts, pairs)
		if !*both {
			return
		}
	}
	ths := []float64{opts.Threshold}
	if *sweep != "" {
		ths = nil
		for _, s := range strings.Split(*sweep, ",") {
			var v float64
			if _, err := fmt.Sscan(s, &v); err != nil {
				fail(fmt.Errorf("parsing --sweep: %w", err))
			}
			ths = append(ths, v)
		}
	}
	if *traceFlag {
		first := true
		trace = func(d doc, story []string, score, second float64) {
			if !first {
				return
			}
			n := 0
			for _, e := range story {
				if e == d.Event {
					n++
				}
			}
			switch {
			case len(story) > 0 && n < len(story)-n:
				fmt.Printf("  wrong join %s into %v score %.2f second %.2f\n", d.ID, story, score, second)
			case len(story) == 0 && score >= 0:
				fmt.Printf("  new %s best %.2f\n", d.ID, score)
			}
		}
	}
	for _, th := range ths {
		o := opts
		o.Threshold = th
		b, p := evaluateECB(o, docs, *shuffles, *merge, *explain)
		fmt.Printf("threshold %.3f  B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n",
			th, b.P, b.R, b.F1, p.P, p.R, p.F1)
	}
}

// verbose makes the SemEval report list its errors.
var verbose bool

func fail(err error) {
	fmt.Fprintln(os.Stderr, "eval-cluster:", err)
	os.Exit(1)
}

// setWeights parses name=value pairs into the options' weights.
func setWeights(opts *story.Options, s string) error {
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("parsing --weights: %q is not name=value", kv)
		}
		var x float64
		if _, err := fmt.Sscan(v, &x); err != nil {
			return fmt.Errorf("parsing --weights %s: %w", k, err)
		}
		if k == "bias" {
			opts.Bias = x
			continue
		}
		found := false
		for i, n := range story.FeatureNames {
			if n == k {
				opts.Weights[i], found = x, true
			}
		}
		if !found {
			return fmt.Errorf("parsing --weights: no feature %q", k)
		}
	}
	return nil
}
