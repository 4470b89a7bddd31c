package story

import (
	"testing"
)

func TestFeatures(t *testing.T) {
	var got []string
	features("Lindsay Lohan checked into the Betty Ford Center on Friday. Lohan, 26, was driving.", func(f int, term string) {
		got = append(got, fieldPrefix[f]+term)
	})
	want := map[string]bool{"n:lindsay lohan": true, "n:lohan": true, "n:betty ford center": true, "#:26": true, "w:checked": true, "w:driving": true}
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for w := range want {
		if !have[w] {
			t.Errorf("features lack %s; got %v", w, got)
		}
	}
	if have["n:friday"] || have["w:the"] {
		t.Errorf("stop words or weekdays became features: %v", got)
	}
}

func TestCompareSeparatesStories(t *testing.T) {
	m := NewModel(DefaultOptions)
	a := m.Vectorize("Klitschko stops Rahman", "Wladimir Klitschko stopped Hasim Rahman in the seventh round at SAP Arena in Mannheim to keep his heavyweight titles.", true)
	b := m.Vectorize("Klitschko beats Rahman in Mannheim", "Hasim Rahman was stopped by Wladimir Klitschko in round seven in Mannheim, and Klitschko kept the belts.", true)
	c := m.Vectorize("Council approves budget", "The city council approved the library budget after a long debate about opening hours.", true)
	var story Centroid
	m.Add(&story, a)
	if got := m.Compare(b, &story); !got.Same {
		t.Errorf("rewrite not matched: %+v", got)
	}
	if got := m.Compare(c, &story); got.Same {
		t.Errorf("unrelated story matched: %+v", got)
	}
}

func TestCentroidStaysSortedAndBounded(t *testing.T) {
	opts := DefaultOptions
	opts.CentroidTerms = 10
	m := NewModel(opts)
	var c Centroid
	for _, text := range []string{"alpha beta gamma delta epsilon zeta", "eta theta iota kappa lambda mu", "nu xi omicron pi rho sigma tau"} {
		m.Add(&c, m.Vectorize("", text, true))
	}
	if len(c.Terms) > 10 || c.N != 3 {
		t.Errorf("centroid has %d terms and %d members, want at most 10 and 3", len(c.Terms), c.N)
	}
	for i := 1; i < len(c.Terms); i++ {
		if c.Terms[i-1] >= c.Terms[i] {
			t.Fatalf("centroid terms not sorted: %v", c.Terms)
		}
	}
}
