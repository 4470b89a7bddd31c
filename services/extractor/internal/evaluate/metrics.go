// Package evaluate measures extraction against labelled pages: main-text
// precision, recall and F1 as the ScrapingHub article extraction benchmark
// and the WCXB set define them, and title, author and date accuracy.
package evaluate

import (
	"strings"
	"time"
	"unicode"
)

// tokens splits text into runs of letters, digits and underscores: the \w+
// tokens of both benchmarks.
func tokens(text string, lower bool) []string {
	if lower {
		text = strings.ToLower(text)
	}
	return strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r))
	})
}

// Counts are the true positive, false positive and false negative weights of
// one page.
type Counts struct{ TP, FP, FN float64 }

// shingles counts the n-token shingles of text; a text of fewer than n tokens
// is one shorter shingle.
func shingles(text string, n int) map[string]int {
	toks := tokens(text, false)
	out := map[string]int{}
	for i := 0; i < max(1, len(toks)-n+1); i++ {
		end := min(i+n, len(toks))
		if end > i {
			out[strings.Join(toks[i:end], "\x00")]++
		}
	}
	return out
}

func match(truth, pred map[string]int) Counts {
	var c Counts
	for k, t := range truth {
		p := pred[k]
		c.TP += float64(min(t, p))
		c.FN += float64(max(0, t-p))
	}
	for k, p := range pred {
		c.FP += float64(max(0, p-truth[k]))
	}
	return c
}

// ShingleCounts compares extracted text with the truth over 4-token shingles,
// normalised so that every page weighs the same (the ScrapingHub metric).
func ShingleCounts(truth, pred string) Counts {
	c := match(shingles(truth, 4), shingles(pred, 4))
	if s := c.TP + c.FP + c.FN; s > 0 {
		c = Counts{c.TP / s, c.FP / s, c.FN / s}
	}
	return c
}

// precision and recall of one page, as the ScrapingHub benchmark scores them.
func (c Counts) precision() float64 {
	if c.FP == 0 && c.FN == 0 {
		return 1
	}
	if c.TP == 0 && c.FP == 0 {
		return 0
	}
	return c.TP / (c.TP + c.FP)
}

func (c Counts) recall() float64 {
	if c.FP == 0 && c.FN == 0 {
		return 1
	}
	if c.TP == 0 && c.FN == 0 {
		return 0
	}
	return c.TP / (c.TP + c.FN)
}

// PRF is precision, recall and F1.
type PRF struct{ P, R, F1 float64 }

// Aggregate averages precision over pages that predicted anything and recall
// over pages whose truth has anything, and takes F1 of the averages.
func Aggregate(pages []Counts) PRF {
	var ps, rs []float64
	for _, c := range pages {
		if c.TP+c.FP > 0 {
			ps = append(ps, c.precision())
		}
		if c.TP+c.FN > 0 {
			rs = append(rs, c.recall())
		}
	}
	p, r := mean(ps), mean(rs)
	return PRF{P: p, R: r, F1: f1(p, r)}
}

// BagOfWords scores one page as WCXB does: precision, recall and F1 over
// lower-cased word tokens counted as a multiset.
func BagOfWords(truth, pred string) PRF {
	t, p := map[string]int{}, map[string]int{}
	for _, w := range tokens(truth, true) {
		t[w]++
	}
	for _, w := range tokens(pred, true) {
		p[w]++
	}
	c := match(t, p)
	var prf PRF
	if c.TP+c.FP > 0 {
		prf.P = c.TP / (c.TP + c.FP)
	}
	if c.TP+c.FN > 0 {
		prf.R = c.TP / (c.TP + c.FN)
	}
	prf.F1 = f1(prf.P, prf.R)
	return prf
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// NormTitle normalises a title for exact comparison: lower case, letters and
// digits only, single spaces.
func NormTitle(s string) string { return strings.Join(tokens(s, true), " ") }

// SameTitle reports whether an extracted title matches the truth.
func SameTitle(truth, pred string) bool { return NormTitle(truth) == NormTitle(pred) }

// authorNames splits an author field into normalised names, dropping
// credentials such as "MS", "RD" or "PhD".
func authorNames(field string) map[string]bool {
	out := map[string]bool{}
	repl := strings.NewReplacer("&", ",", ";", ",", " and ", ",", "|", ",")
	for _, part := range strings.Split(repl.Replace(field), ",") {
		part = strings.TrimSpace(part)
		if part == "" || isCredential(part) {
			continue
		}
		if n := NormTitle(part); n != "" {
			out[n] = true
		}
	}
	return out
}

func isCredential(s string) bool {
	if len([]rune(s)) > 5 || strings.Contains(s, " ") {
		return false
	}
	upper := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper >= 2 || s == "PhD" || s == "Jr" || s == "Sr"
}

// SameAuthors reports whether the extracted authors name the same people as
// the truth, in any order.
func SameAuthors(truth string, pred []string) bool {
	t := authorNames(truth)
	p := authorNames(strings.Join(pred, ","))
	if len(t) == 0 || len(t) != len(p) {
		return false
	}
	for n := range t {
		if !p[n] {
			return false
		}
	}
	return true
}

// SameDay reports whether an extracted time falls on the truth's calendar
// day (YYYY-MM-DD), in the extracted time's own offset.
func SameDay(truth string, pred *time.Time) bool {
	if pred == nil || len(truth) < 10 {
		return false
	}
	return pred.Format("2006-01-02") == truth[:10]
}
