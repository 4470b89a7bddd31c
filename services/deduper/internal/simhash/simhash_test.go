package simhash

import (
	"fmt"
	"math/bits"
	"strings"
	"testing"
)

const story = `U.S. envoy Steve Witkoff held talks with Russian President Vladimir Putin in the Kremlin on Wednesday,
two days before the expiry of a deadline set by President Donald Trump for Russia to agree to peace in Ukraine
or face new sanctions. Witkoff flew to Moscow on a last-minute mission to seek a breakthrough in the war that began
with Russia's full-scale invasion. Russian state TV showed a brief clip of him shaking hands with Putin at the start
of their meeting. Trump, increasingly frustrated with Putin over the lack of progress towards peace, has threatened
to impose heavy tariffs on countries that buy Russian exports. He is exerting particular pressure on India, which
along with China is a huge buyer of Russian oil. The Kremlin says threats to penalise countries that trade with
Russia are illegal. It was not clear what Russia might offer to Witkoff in order to stave off Trump's threat.`

func TestDistance(t *testing.T) {
	other := `The city council approved a new budget for public libraries after a long debate about opening hours
and the cost of heating old buildings during the winter months, officials said on Tuesday evening.`
	tests := []struct {
		name     string
		a, b     string
		min, max int
	}{
		{"identical", story, story, 0, 0},
		{"case and punctuation only", story, strings.ToUpper(strings.ReplaceAll(story, ",", "")), 0, 0},
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

// TestOneWordEditsStayClose checks that most copies with one word changed
// stay within the near-duplicate threshold of 3 bits.
func TestOneWordEditsStayClose(t *testing.T) {
	words := strings.Fields(story)
	base := Fingerprint(story)
	close := 0
	for i := range words {
		c := append([]string(nil), words...)
		c[i] = "zebra"
		if Distance(base, Fingerprint(strings.Join(c, " "))) <= 3 {
			close++
		}
	}
	if share := float64(close) / float64(len(words)); share < 0.7 {
		t.Errorf("%.2f of one-word edits within 3 bits, want at least 0.7", share)
	}
}

func TestWordHashesMatchWords(t *testing.T) {
	text := "Émile's café — 3-1/2 YEARS, naïve"
	if got, want := len(wordHashes(text, nil)), len(Words(text)); got != want {
		t.Errorf("%d word hashes, %d words", got, want)
	}
	if Fingerprint("Hello World") != Fingerprint("hello, world!") {
		t.Error("case or punctuation changes the fingerprint")
	}
	_ = Fingerprint("")
}

func BenchmarkFingerprint(b *testing.B) {
	text := strings.Repeat(story+" ", 3)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Fingerprint(text)
	}
}

// fingerprintByMap is Fingerprint with its distinct words found by a map,
// the plain way: Fingerprint's set must find the same.
func fingerprintByMap(text string) uint64 {
	words := wordHashes(text, nil)
	var c counter
	for i := 0; i+ShingleSize <= len(words); i++ {
		c.add(mix(words[i]*0x9e3779b97f4a7c15 ^ bits.RotateLeft64(words[i+1], 21) ^ bits.RotateLeft64(words[i+2], 42)))
	}
	seen := map[uint64]bool{}
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			v := mix(w ^ wordSalt)
			c.add(v)
			c.add(v)
		}
	}
	return c.majority()
}

func TestFingerprintCountsEachWordOnce(t *testing.T) {
	var long strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&long, "w%d w%d ", i%1700, i%13)
	}
	for _, text := range []string{"", "one", "a a a a b b", "the cat and the hat and the bat", long.String()} {
		if got, want := Fingerprint(text), fingerprintByMap(text); got != want {
			t.Errorf("Fingerprint of %d bytes = %016x, want %016x", len(text), got, want)
		}
	}
}

func FuzzFingerprint(f *testing.F) {
	f.Add("Dock workers at the port of Halden walked off the job on Monday.")
	f.Add("Ünïcödé wörds, digits 2,300 and 5.5 percent; the the the.")
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := Fingerprint(text), fingerprintByMap(text); got != want {
			t.Fatalf("Fingerprint(%q) = %016x, want %016x", text, got, want)
		}
	})
}
