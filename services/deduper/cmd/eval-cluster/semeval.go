package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// pair is one SemEval-2022 Task 8 article pair. Overall is the annotators'
// mean from 1 (same story) to 4 (very dissimilar).
type pair struct {
	ID      string  `json:"pair_id"`
	Overall float64 `json:"overall"`
	Text1   string  `json:"text1"`
	Text2   string  `json:"text2"`
}

func loadPairs(path string) ([]pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var p pair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", path, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// reportSemEval learns term rarity from every text of the pairs, then
// compares the second text of each clear pair with a one-article story of
// the first, and prints how often Compare agrees with the annotators:
// overall ≤ 1.5 is the same story, ≥ 3.5 is not.
func reportSemEval(opts story.Options, pairs []pair) {
	m := story.NewModel(opts)
	for _, p := range pairs {
		m.Vectorize("", p.Text1, true)
		m.Vectorize("", p.Text2, true)
	}
	var same, sameOK, diff, diffOK, mid, midSame int
	for _, p := range pairs {
		var c story.Centroid
		m.Add(&c, m.Vectorize("", p.Text1, false))
		r := m.Compare(m.Vectorize("", p.Text2, false), &c)
		switch {
		case p.Overall <= 1.5:
			same++
			if r.Same {
				sameOK++
			} else if verbose {
				fmt.Printf("  missed same %s overall %.2f score %.3f %v\n", p.ID, p.Overall, r.Score, r.Scores())
			}
		case p.Overall >= 3.5:
			diff++
			if !r.Same {
				diffOK++
			} else if verbose {
				fmt.Printf("  false same %s overall %.2f score %.3f %v\n", p.ID, p.Overall, r.Score, r.Scores())
			}
		default:
			mid++
			if r.Same {
				midSame++
			}
		}
	}
	fmt.Printf("SemEval clear pairs: accuracy %.3f (%d/%d); same-story %d/%d, different %d/%d; unclear pairs called same %d/%d\n",
		float64(sameOK+diffOK)/float64(same+diff), sameOK+diffOK, same+diff, sameOK, same, diffOK, diff, midSame, mid)
}
