// Command eval-cluster measures and tunes the deduper's story model.
//
// By default it clusters the ECB+ documents online, in several random
// orders, through the story package's API the way the package documentation
// tells a clusterer to (vectorize and learn, retrieve candidates, compare,
// join the best story or found one, fold in the other stories the article
// surely tells too, merge the stories Link calls one), and prints
// B-cubed and pairwise precision, recall and F1 averaged over the orders.
// Each document's first line is its headline.
//
//	--sweep 0.2,0.3    try several Compare thresholds
//	--explain          show mixed clusters and split events, each event's parts (first order)
//	--trace            show every wrong join as it happens (first order)
//	--bridge=false     do not fold in the stories an article surely tells
//	--merge=false      do not ask Link
//	--train            fit Compare's logistic weights on oracle clusterings
//	--hard-weight 3    with --train and --cv, weigh the other event of a topic more
//	--cv               two-fold cross-validation of --train by topic (--sweep thresholds)
//	--date-veto 0.5    date conflict from which an article that shares no key name stays out
//	--engine           cluster with the deduper's engine (every tier, undated),
//	                   and count the splits and merges an order makes
//	--articles DIR     with --engine, cluster the articles a pipeline run
//	                   delivered (the root eval-cluster --keep), --variant
//	                   undated,rawtitle,rawtext,en replacing what the
//	                   extractor gave with the document's own
//	--trace-docs 24_   with --engine, print the decisions on the documents of
//	                   topic 24 (ids that begin so) as they are made, first order
//	--apart 720h       with --engine, the engine's Options.Apart (--articles:
//	                   what publication dates cost where reports of one event
//	                   are published weeks apart)
//	--order-seed N     the random orders (0x5eed = 24301: those of make eval-cluster)
//	--semeval FILE     Compare's accuracy on the clear SemEval-2022 pairs
//	--pairs            how well features separate the events of a topic
//	--pair ID,ID       what the model sees of two documents
//	--warm FILES       learn term rarity from other news first (IDF prior)
//	--topics odd       only the odd (or even) topics, to check a setting on the other half
//	--oracle KINDS     correct kinds of error with the labels: what each costs
//	--contrast 0.15    experiment (off by default): when a rival story scores
//	                   at least this, choose it instead of the best when the
//	                   article fits the terms that set it apart from the best
//	                   better (--contrast-margin, -sim, -gap, -fields)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

func main() {
	opts := story.DefaultOptions
	path := flag.String("docs", sharedPath("datasets/ecbplus-dev/docs.jsonl"), "ECB+ docs.jsonl")
	shuffles := flag.Int("shuffles", 5, "random orders to average over")
	sweep := flag.String("sweep", "", "comma-separated Compare thresholds to try")
	merge := flag.Bool("merge", true, "merge stories that Link calls one, after each join")
	explain := flag.Bool("explain", false, "print the clusters that mix events and the events that were split, for the first order")
	traceFlag := flag.Bool("trace", false, "print the wrong joins as they happen, for the first order")
	flag.BoolVar(&perTopic, "per-topic", false, "print the B-cubed F1 of each topic")
	flag.StringVar(&oracleFix, "oracle", "", "errors an oracle corrects, to measure what each costs: found,wrong,rival,split,link,bridge")
	flag.Float64Var(&contrastFloor, "contrast", 0, "experiment: least score of a rival story for the contrastive choice (0: off)")
	flag.Float64Var(&contrastMargin, "contrast-margin", contrastMargin, "with --contrast, how much better the rival's own terms must fit the article")
	flag.Float64Var(&contrastSim, "contrast-sim", contrastSim, "with --contrast, least score of the two stories against each other (0: any)")
	flag.Float64Var(&contrastGap, "contrast-gap", contrastGap, "with --contrast, greatest gap between the best story's score and the rival's")
	flag.StringVar(&contrastFields, "contrast-fields", contrastFields, "with --contrast, the fields compared: words,names,numbers,dates")

	train := flag.Bool("train", false, "fit Compare's weights on oracle clusterings of ECB+ and use them")
	l2 := flag.Float64("l2", 1, "L2 penalty of the fits")
	flag.Float64Var(&hardWeight, "hard-weight", hardWeight, "weight in the fits of the stories of the other event of a topic")
	features := flag.String("features", "", "comma-separated features the fits may use (default all but dates: a date that all the day's news shares is no evidence)")
	cv := flag.Bool("cv", false, "two-fold cross-validation by topic: fit on odd topics, cluster even ones, and back")
	flag.BoolVar(&showHard, "hard", false, "with --train, print the other-event stories that score highest (use with --text)")

	flag.Uint64Var(&orderSeed, "order-seed", orderSeed, "second seed of the random orders (0x5eed: the orders of make eval-cluster)")
	engine := flag.Bool("engine", false, "cluster with the deduper's engine itself (all tiers, undated) instead of the story tier alone")
	articles := flag.String("articles", "", "with --engine: a pipeline run's sink directory, whose articles to cluster")
	variant := flag.String("variant", "", "with --articles: undated,rawtitle,rawtext,en replace what the extractor gave")
	semeval := flag.String("semeval", "", "SemEval-2022 pairs.jsonl: report Compare's accuracy on the clear pairs")
	both := flag.Bool("both", false, "with --semeval, cluster ECB+ too")
	flag.BoolVar(&verbose, "v", false, "with --semeval, print the pairs Compare gets wrong")
	pairs := flag.Bool("pairs", false, "report how single features separate the events of a topic")
	batch := flag.Bool("batch", false, "with --pairs, also cluster in batch by average link")
	pair := flag.String("pair", "", "explain the score of the second document against a story of the first: id,id")
	warm := flag.String("warm", "", "comma-separated news collections to learn term rarity from first (an IDF prior)")

	flag.Float64Var(&opts.Threshold, "threshold", opts.Threshold, "Compare threshold")
	flag.Float64Var(&opts.SingleThreshold, "single-threshold", opts.SingleThreshold, "Compare threshold for a story of one")
	flag.Float64Var(&opts.LinkThreshold, "link-threshold", opts.LinkThreshold, "Link threshold")
	flag.IntVar(&opts.Exemplars, "exemplars", opts.Exemplars, "members a story keeps for Link")
	flag.IntVar(&opts.SplitMembers, "split-members", opts.SplitMembers, "members up to which a story keeps each, for Split (0: never split)")
	flag.Float64Var(&opts.SplitThreshold, "split-threshold", opts.SplitThreshold, "mean pair score from which two groups of a story's members are one story")
	flag.IntVar(&opts.SplitMin, "split-min", opts.SplitMin, "least members of a group that leaves its story")
	flag.Float64Var(&opts.LinkFloor, "link-floor", opts.LinkFloor, "least score of an article against a candidate for Link to be asked")
	flag.Float64Var(&opts.PriorDocs, "prior", opts.PriorDocs, "prior documents of the IDF")
	flag.Float64Var(&opts.LeadBoost, "lead-boost", opts.LeadBoost, "extra weight of the title and first sentences")
	flag.Float64Var(&opts.LeadDecay, "lead-decay", opts.LeadDecay, "sentences over which the lead boost fades")
	flag.IntVar(&opts.DateSentences, "date-sentences", opts.DateSentences, "sentences after the title that may give dates")
	flag.IntVar(&opts.TopTerms, "top", opts.TopTerms, "terms an article's vector keeps")
	flag.IntVar(&opts.QueryTerms, "query", opts.QueryTerms, "terms that retrieve candidates")
	flag.IntVar(&opts.MemberTerms, "member", opts.MemberTerms, "terms a centroid keeps per member")
	flag.IntVar(&opts.CentroidTerms, "centroid", opts.CentroidTerms, "terms a centroid keeps")
	flag.IntVar(&opts.Candidates, "candidates", opts.Candidates, "candidates verified per article")
	flag.IntVar(&opts.MaxPostings, "max-postings", opts.MaxPostings, "stories kept per term of the inverted index")
	flag.StringVar(&traceDocs, "trace-docs", "", "with --engine: print the decisions on the documents whose ids begin so (\"25_\": topic 25), for the first order")
	flag.DurationVar(&apart, "apart", 0, "with --engine: how far apart in publication time an article and a story's dated members may be (0: the engine's default)")
	flag.BoolVar(&bridge, "bridge", bridge, "merge the stories an article surely tells (Match.Bridge)")
	flag.Float64Var(&opts.BridgeThreshold, "bridge-threshold", opts.BridgeThreshold, "Compare's score from which a story is folded into the article's best")
	flag.Float64Var(&opts.DateVeto, "date-veto", opts.DateVeto, "date conflict from which an article that shares no key name with a story of several members stays out of it (0: never)")
	weights := flag.String("weights", "", "Compare's weights as name=value,... (bias=value too)")
	flag.BoolVar(&opts.KeepText, "text", false, "keep the text of terms, to show them")
	topics := flag.String("topics", "", "cluster only the odd or the even topics: odd, even (a check that a setting chosen on one half holds on the other)")
	flag.Parse()

	if *warm != "" {
		if err := loadWarm(*warm); err != nil {
			fail(err)
		}
	}
	useFeature = map[string]bool{}
	if *features != "" {
		for _, f := range strings.Split(*features, ",") {
			useFeature[f] = true
		}
	} else {
		for _, f := range story.FeatureNames {
			useFeature[f] = f != "dates"
		}
	}
	if *weights != "" {
		if err := setWeights(&opts, *weights); err != nil {
			fail(err)
		}
	}
	if *semeval != "" && !*both && !*train {
		ps, err := loadPairs(*semeval)
		if err != nil {
			fail(err)
		}
		reportSemEval(opts, ps)
		return
	}
	docs, err := loadDocs(*path)
	if err != nil {
		fail(err)
	}
	if docs, err = topicHalf(docs, *topics); err != nil {
		fail(err)
	}
	switch {
	case *cv:
		crossValidate(opts, docs, *shuffles, *l2, *merge, parseSweep(*sweep))
		return
	case *pair != "":
		if *train {
			fit(&opts, docs, *shuffles, *l2)
		}
		a, b, _ := strings.Cut(*pair, ",")
		explainPair(opts, docs, a, b)
		return
	case *pairs:
		if *train {
			fit(&opts, docs, *shuffles, *l2)
		}
		reportChunks(opts, docs)
		reportPairs(opts, docs)
		if *batch {
			reportBatch(opts, docs)
		}
		return
	}
	if *train {
		fit(&opts, docs, *shuffles, *l2)
	}
	if *semeval != "" {
		ps, err := loadPairs(*semeval)
		if err != nil {
			fail(err)
		}
		reportSemEval(opts, ps)
		if !*both {
			return
		}
	}
	ths := []float64{opts.Threshold}
	if *sweep != "" {
		ths = parseSweep(*sweep)
	}
	if *traceFlag {
		trace = printWrongJoin
	}
	for _, th := range ths {
		o := opts
		o.Threshold = th
		var b, p evaluate.PRF
		if *articles != "" {
			arts, err := loadArticles(*articles)
			if err != nil {
				fail(err)
			}
			b, p = evaluateArticles(o, docs, arts, *variant)
		} else if *engine {
			b, p = evaluateEngine(o, docs, *shuffles, *explain)
		} else {
			b, p = evaluateECB(o, docs, *shuffles, *merge, *explain)
		}
		fmt.Printf("threshold %.3f  B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n",
			th, b.P, b.R, b.F1, p.P, p.R, p.F1)
	}
}

// parseSweep parses comma-separated thresholds.
func parseSweep(sweep string) []float64 {
	if sweep == "" {
		return nil
	}
	var ths []float64
	for _, s := range strings.Split(sweep, ",") {
		var v float64
		if _, err := fmt.Sscan(s, &v); err != nil {
			fail(fmt.Errorf("parsing --sweep: %w", err))
		}
		ths = append(ths, v)
	}
	return ths
}

// sharedPath returns rel under the first directory named shared above the
// working directory, or under ../shared when there is none.
func sharedPath(rel string) string {
	dir, err := os.Getwd()
	if err == nil {
		for {
			p := filepath.Join(dir, "shared", rel)
			if _, err := os.Stat(p); err == nil {
				return p
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return filepath.Join("..", "shared", rel)
}

// verbose makes the SemEval report list its errors.
var verbose bool

func fail(err error) {
	fmt.Fprintln(os.Stderr, "eval-cluster:", err)
	os.Exit(1)
}

// printWrongJoin prints an article that joined a story most of whose
// articles report another event.
func printWrongJoin(d doc, joined []string, score, second float64) {
	n := 0
	for _, e := range joined {
		if e == d.Event {
			n++
		}
	}
	if len(joined) > 0 && n < len(joined)-n {
		fmt.Printf("  wrong join %s into %v score %.2f second %.2f\n", d.ID, joined, score, second)
	}
}

// setWeights parses name=value pairs into Compare's weights.
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
