package story

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// FuzzVectorize feeds arbitrary text to the analysis: whatever it is, the
// vector is sorted, bounded, of unit length in each field and the same in
// every fresh model, and an article compares with a story of itself without
// a NaN.
func FuzzVectorize(f *testing.F) {
	for _, s := range [][2]string{
		{"Envoy Visits Moscow", "By Gleb Bryanski and Mark Trevelyan\nMOSCOW (Reuters) - U.S. envoy Steve Witkoff met Putin on Wednesday."},
		{"", "Published 05 / 02 / 2013 at 5: 03pm on Friday. Sept. 18th was a Monday; Tue March 3, 2009 2.16PM IST."},
		{"A 5. 9 quake", "The navy captured 23 pirates; a 7.1 magnitude quake killed 1,200 people on Dec. 31 and Jan 2."},
		{"ÉLAN", "Ça va? «Olá» — 76ers O'Brien's 3-1/2-year war, 12 years in prison."},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, title, text string) {
		m := NewModel(DefaultOptions)
		v := m.Vectorize(title, text, true)
		if !slices.IsSorted(v.Terms) || len(v.Terms) != len(v.Weights) || len(v.Terms) > DefaultOptions.TopTerms {
			t.Fatalf("vector unsorted, ragged or too long: %d terms, %d weights", len(v.Terms), len(v.Weights))
		}
		var norm [NumFields]float64
		for i, term := range v.Terms {
			w := float64(v.Weights[i])
			if math.IsNaN(w) || w < 0 {
				t.Fatalf("weight %v", w)
			}
			norm[fieldOf(term)] += w * w
		}
		for f, n := range norm {
			if n != 0 && math.Abs(n-1) > 1e-4 {
				t.Fatalf("field %s has squared norm %v", fieldNames[f], n)
			}
		}
		// A fresh model reads the same text the same way.
		if again := NewModel(DefaultOptions).Vectorize(title, text, true); !reflect.DeepEqual(again, v) {
			t.Fatalf("Vectorize(%q, %q) gave %+v, then %+v", title, text, v, again)
		}
		// An Analyzer, as a replay prepares articles ahead, reads it alike.
		fresh := NewModel(DefaultOptions)
		if counted := fresh.VectorizeCounts(fresh.Analyzer().Counts(title, text), true); !reflect.DeepEqual(counted, v) {
			t.Fatalf("through an Analyzer (%q, %q) gave %+v, Vectorize %+v", title, text, counted, v)
		}
		var c Centroid
		m.Add(&c, v)
		m.Add(&c, m.Vectorize(title, text, true))
		r := m.Compare(v, &c)
		for i, x := range r.Features {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("feature %s is %v", FeatureNames[i], x)
			}
		}
		if math.IsNaN(r.Score) {
			t.Fatal("score is NaN")
		}
		m.QueryTerms(v)
	})
}
