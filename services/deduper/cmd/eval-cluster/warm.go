package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// warmTexts are news texts from outside the collection under test that
// every model learns term rarity from before it starts: an IDF prior.
var warmTexts [][2]string

// warmModels caches what a model learns from the warm-up texts, per set of
// the options that vectorizing depends on.
var warmModels = map[string][]byte{}

// newModel returns a model that has learned the warm-up texts.
func newModel(opts story.Options) *story.Model {
	if len(warmTexts) == 0 {
		return story.NewModel(opts)
	}
	key := fmt.Sprint(opts.PriorDocs, opts.LeadBoost, opts.LeadDecay, opts.TopTerms, opts.KeepText)
	m := story.NewModel(opts)
	learned, ok := warmModels[key]
	if !ok {
		for _, t := range warmTexts {
			m.Vectorize(t[0], t[1], true)
		}
		learned, _ = m.MarshalBinary()
		warmModels[key] = learned
	}
	if err := m.UnmarshalBinary(learned); err != nil {
		fail(err)
	}
	return m
}

// loadWarm reads warm-up texts: SemEval pairs (.jsonl), a WCXB
// ground-truth directory, a ScrapingHub ground-truth.json, or ECB+ docs
// (docs.jsonl, only to measure the cost of a cold start).
func loadWarm(paths string) error {
	for _, p := range strings.Split(paths, ",") {
		switch {
		case strings.HasSuffix(p, "pairs.jsonl"):
			pairs, err := loadPairs(p)
			if err != nil {
				return err
			}
			for _, x := range pairs {
				warmTexts = append(warmTexts, [2]string{"", x.Text1}, [2]string{"", x.Text2})
			}
		case strings.HasSuffix(p, "docs.jsonl"):
			docs, err := loadDocs(p)
			if err != nil {
				return err
			}
			for _, d := range docs {
				t, b := d.split()
				warmTexts = append(warmTexts, [2]string{t, b})
			}
		case strings.HasSuffix(p, "ground-truth.json"):
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var gt map[string]struct {
				Body string `json:"articleBody"`
			}
			if err := json.Unmarshal(data, &gt); err != nil {
				return fmt.Errorf("decoding %s: %w", p, err)
			}
			for _, x := range gt {
				warmTexts = append(warmTexts, [2]string{"", x.Body})
			}
		default:
			files, err := filepath.Glob(filepath.Join(p, "*.json"))
			if err != nil {
				return err
			}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				var gt struct {
					GT struct {
						Title   string `json:"title"`
						Content string `json:"main_content"`
					} `json:"ground_truth"`
				}
				if err := json.Unmarshal(data, &gt); err != nil {
					return fmt.Errorf("decoding %s: %w", f, err)
				}
				warmTexts = append(warmTexts, [2]string{gt.GT.Title, gt.GT.Content})
			}
		}
	}
	return nil
}
