package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	engine "github.com/wirewatch/wirewatch/services/deduper/internal/cluster"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// evaluateEngine clusters the documents with the deduper's engine itself
// (every tier, the time rule, Link and bridges), each document's first line
// its title and the rest its text, undated: what the pipeline does without
// the extractor. With explain, it prints the errors of the first order.
func evaluateEngine(opts story.Options, docs []doc, shuffles int, explain bool) (bcubed, pairwise evaluate.PRF) {
	gold := map[string]string{}
	for _, d := range docs {
		gold[d.ID] = d.Event
	}
	var bc, pw []evaluate.PRF
	var churn moves
	for s := range shuffles {
		order := shuffled(docs, s)
		tracing = traceDocs != "" && s == 0
		pred, m := engineCluster(opts, order)
		churn.add(m)
		if explain && s == 0 {
			explainErrors(order, pred, gold)
		}
		bc = append(bc, evaluate.BCubed(pred, gold))
		pw = append(pw, evaluate.Pairwise(pred, gold))
	}
	fmt.Printf("  per order: %.1f splits (%.1f members moved), %.1f merges by Link, %.1f by bridges, of %d articles\n",
		float64(churn.splits)/float64(shuffles), float64(churn.moved)/float64(shuffles),
		float64(churn.links)/float64(shuffles), float64(churn.bridges)/float64(shuffles), len(docs))
	return evaluate.Mean(bc), evaluate.Mean(pw)
}

// moves counts what assignAll's decisions changed of clusters made before:
// how often stories divide and merge, and so how often a subscriber sees
// an article change clusters.
type moves struct{ splits, moved, links, bridges int }

func (m *moves) add(o moves) {
	m.splits, m.moved, m.links, m.bridges = m.splits+o.splits, m.moved+o.moved, m.links+o.links, m.bridges+o.bridges
}

func engineCluster(opts story.Options, order []doc) (map[string]string, moves) {
	arts := make([]*events.Article, len(order))
	for i, d := range order {
		title, body := d.body()
		arts[i] = &events.Article{ID: d.ID, Title: title, Text: body, Language: "en", ContentHash: events.TextHash(d.Text)}
	}
	return assignAll(opts, arts)
}

// body returns the document's title and text as the engine takes them: a
// document of one line is all text.
func (d doc) body() (title, body string) {
	title, body = d.split()
	if strings.TrimSpace(body) == "" {
		return "", title
	}
	return title, body
}

// assignAll assigns the articles in order with a new engine and returns the
// cluster each ended in, through the merges and splits the later decisions
// made, and how many of those there were.
func assignAll(opts story.Options, arts []*events.Article) (map[string]string, moves) {
	var churn moves
	e := engine.New(engine.Options{Story: opts, Apart: apart})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pred := map[string]string{}
	into := map[string]string{}
	for i, a := range arts {
		dec := e.Assign(a, now.Add(time.Duration(i)*time.Second))
		pred[a.ID] = dec.Assignment.ID
		if tracing && strings.HasPrefix(a.ID, traceDocs) {
			printDecision(a.ID, &dec.Assignment)
		}
		// The clusters merged went into the one the article joined, which
		// is a split's from when the article left with it.
		dst := dec.Assignment.ID
		churn.splits += len(dec.Assignment.Splits)
		for _, m := range dec.Assignment.Merges {
			if m.Rule == events.MergeLink {
				churn.links++
			} else {
				churn.bridges++
			}
		}
		for _, sc := range dec.Assignment.Splits {
			churn.moved += len(sc.Members)
			delete(into, sc.ID) // a new cluster
			for _, id := range sc.Members {
				pred[id] = sc.ID
				if id == a.ID {
					dst = sc.From
				}
			}
		}
		for _, m := range dec.Assignment.Merged {
			into[m] = dst
		}
	}
	for id, c := range pred {
		for n := 0; into[c] != "" && n < 1000; n++ {
			c = into[c]
		}
		pred[id] = c
	}
	return pred, churn
}

// loadArticles reads the articles a pipeline run delivered (the sink's
// JSON lines under dir), in the order they arrived: the eval tool names
// each input "<position>-<doc id>.txt".
func loadArticles(dir string) ([]*events.Article, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	byPos := map[int]*events.Article{}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var a events.Article
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				f.Close()
				return nil, fmt.Errorf("reading %s: %w", name, err)
			}
			base := strings.TrimSuffix(filepath.Base(a.Source.Path), ".txt")
			pos, id, ok := strings.Cut(base, "-")
			n, err := strconv.Atoi(pos)
			if !ok || err != nil {
				continue
			}
			a.ID = id
			byPos[n] = &a
		}
		f.Close()
	}
	out := make([]*events.Article, 0, len(byPos))
	for n := range len(byPos) {
		a, ok := byPos[n]
		if !ok {
			return nil, fmt.Errorf("article %d of %d is missing", n, len(byPos))
		}
		out = append(out, a)
	}
	return out, nil
}

// evaluateArticles clusters the articles of a pipeline run with the
// engine, after variant (a comma-separated list: undated, rawtitle,
// rawtext) replaces what the extractor gave with the document's own.
func evaluateArticles(opts story.Options, docs []doc, arts []*events.Article, variant string) (evaluate.PRF, evaluate.PRF) {
	gold := map[string]string{}
	byID := map[string]doc{}
	for _, d := range docs {
		gold[d.ID] = d.Event
		byID[d.ID] = d
	}
	for _, a := range arts {
		title, body := byID[a.ID].body()
		if strings.Contains(variant, "undated") {
			a.PublishedAt = nil
		}
		if strings.Contains(variant, "rawtitle") {
			a.Title = title
		}
		if strings.Contains(variant, "rawtext") {
			a.Text = body
		}
		if strings.Contains(variant, "en") {
			a.Language = "en"
		}
	}
	pred, _ := assignAll(opts, arts)
	return evaluate.BCubed(pred, gold), evaluate.Pairwise(pred, gold)
}

// traceDocs is the prefix of the ids of the documents whose decisions
// assignAll prints while tracing is set (the first order).
var (
	traceDocs string
	tracing   bool
)

// printDecision prints one decision: the cluster, how and how surely the
// article joined it, and what it merged and divided.
func printDecision(id string, asg *events.Assignment) {
	fmt.Printf("  %s -> %s %s (%s", id, asg.ID, asg.Relation, asg.Rule)
	if s, ok := asg.Scores["combined"]; ok {
		fmt.Printf(" %.3f", s)
	}
	fmt.Print(")")
	for _, m := range asg.Merges {
		fmt.Printf(" merged %s by %s %.3f", m.ID, m.Rule, m.Score)
	}
	for _, sc := range asg.Splits {
		fmt.Printf(" split %v from %s into %s at %.3f", sc.Members, sc.From, sc.ID, sc.Score)
	}
	fmt.Println()
}

// apart is the engine's Options.Apart (0: its default).
var apart time.Duration
