package extract

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func TestEnrichSeed(t *testing.T) {
	dir := seedsDir(t)
	raw := seedDoc(t, dir, "002")
	a, err := Extract(context.Background(), raw, Options{}, testNow)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	runes := []rune(a.Text)
	for i, c := range a.Claims {
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End || string(runes[c.Start:c.End]) != c.Text {
			t.Fatalf("claim %d [%d,%d) %q does not slice the text", i, c.Start, c.End, c.Text)
		}
	}
	var mangott bool
	for _, c := range a.Claims {
		if c.Kind == events.ClaimQuote && c.Speaker == "Gerhard Mangott" && c.Cue == "said" {
			mangott = true
		}
	}
	if !mangott {
		t.Errorf("no quote by Gerhard Mangott among %d claims", len(a.Claims))
	}
	// The dateline is out of the text but still a mention of Moscow.
	moscow := 0
	for _, e := range a.Entities {
		if e.Name == "Moscow" && e.Type == events.EntityPlace {
			moscow = e.Mentions
		}
	}
	if moscow != 3 {
		t.Errorf("Moscow mentioned %d times, want 2 in the text and 1 in the dateline", moscow)
	}
}

func TestEnrichOnlyEnglish(t *testing.T) {
	tests := []struct {
		name, lang string
		want       bool
	}{
		{"english", "en", true},
		{"english region", "en-GB", true},
		{"german", "de", false},
		{"undetermined", "und", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &events.Article{Language: tt.lang, Text: `“We will win,” said Gerhard Mangott, an analyst in Vienna.`}
			enrich(a)
			if got := len(a.Claims) > 0 && len(a.Entities) > 0; got != tt.want {
				t.Errorf("claims %d, entities %d; want some: %v", len(a.Claims), len(a.Entities), tt.want)
			}
		})
	}
}
