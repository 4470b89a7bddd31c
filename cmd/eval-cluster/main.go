// Command eval-cluster measures wirewatch's story clustering end to end on
// the ECB+ development topics, and the same-story accuracy on the clear
// SemEval-2022 pairs: see package clustereval.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/clustereval"
)

var keep *bool

func main() {
	docs := flag.String("docs", "../shared/datasets/ecbplus-dev/docs.jsonl", "ECB+ docs.jsonl")
	shuffles := flag.Int("shuffles", 5, "random orders to average over")
	semeval := flag.String("semeval", "../shared/datasets/semeval2022-en-pairs/pairs.jsonl", "SemEval-2022 pairs.jsonl (empty: skip)")
	keep = flag.Bool("keep", false, "keep each order's scratch directory (its out/ holds the articles the pipeline delivered: the deduper's eval-cluster --engine --articles clusters them again)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *docs, *shuffles, *semeval); err != nil {
		fmt.Fprintln(os.Stderr, "eval-cluster:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string, shuffles int, semeval string) error {
	docs, err := clustereval.Load(path)
	if err != nil {
		return err
	}
	fmt.Printf("ECB+ dev: %d documents, through the whole pipeline, %d random orders\n", len(docs), shuffles)
	var results []clustereval.Result
	for s := range shuffles {
		tmp, err := os.MkdirTemp("", "wirewatch-eval-")
		if err != nil {
			return err
		}
		r, err := clustereval.Shuffle(ctx, docs, uint64(s+1), tmp, zap.NewNop())
		if !*keep {
			os.RemoveAll(tmp)
		} else {
			fmt.Fprintln(os.Stderr, "kept", tmp)
		}
		if err != nil {
			return err
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "shuffle %d done in %.1fs\n", s+1, r.Seconds)
	}
	fmt.Print(clustereval.Report(results))
	if semeval == "" {
		return nil
	}
	pairs, err := clustereval.LoadPairs(semeval)
	if err != nil {
		return err
	}
	fmt.Println("SemEval-2022 clear pairs (overall ≤ 1.5 same story, ≥ 3.5 not), through the whole pipeline:")
	tmp, err := os.MkdirTemp("", "wirewatch-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r, err := clustereval.SemEval(ctx, pairs, 1, tmp, zap.NewNop())
	if err != nil {
		return err
	}
	fmt.Print(r)
	return nil
}
