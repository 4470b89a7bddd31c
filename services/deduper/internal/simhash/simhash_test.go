package simhash

import (
	"strings"
	"testing"
)

const story = `U.S. envoy Steve Witkoff held talks with Russian President Vladimir Putin in the Kremlin on Wednesday,
two days before the expiry of a deadline set by President Donald Trump for Russia to agree to peace in Ukraine
or face new sanctions. Witkoff flew to Moscow on a last-minute mission to seek a breakthrough in the war.`

func TestDistance(t *testing.T) {
	lightEdit := strings.Replace(story, "Wednesday", "Wednesday morning", 1)
	other := `The city council approved a new budget for public libraries after a long debate about opening hours
and the cost of heating old buildings during the winter months, officials said on Tuesday evening.`
	tests := []struct {
		name     string
		a, b     string
		min, max int
	}{
		{"identical", story, story, 0, 0},
		{"case and punctuation only", story, strings.ToUpper(strings.ReplaceAll(story, ",", "")), 0, 0},
		{"light edit", story, lightEdit, 0, 8},
		{"unrelated", story, other, 16, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Distance(Fingerprint(tt.a), Fingerprint(tt.b))
			if d < tt.min || d > tt.max {
				t.Errorf("distance = %d, want in [%d, %d]", d, tt.min, tt.max)
			}
		})
	}
}

func TestShortText(t *testing.T) {
	if Fingerprint("hi") == Fingerprint("bye") {
		t.Error("different one-word texts have the same fingerprint")
	}
	_ = Fingerprint("")
}

func BenchmarkFingerprint(b *testing.B) {
	text := strings.Repeat(story+" ", 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Fingerprint(text)
	}
}
