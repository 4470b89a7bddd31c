package textnorm

import (
	"reflect"
	"testing"
	"unicode"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"collapses spaces", "  a \t b\n\nc  ", "a b c"},
		{"no-break and thin spaces", "a\u00a0\u00a0b\u2009c", "a b c"},
		{"invisible characters", "\ufeffa\u200bb\u00adc\u0007", "abc"},
		{"joiners kept", "a\u200db", "a\u200db"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"empty", " \u00a0 ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLines(t *testing.T) {
	got := Lines("a\r\nb\rc\u2028d\u2029e\n")
	want := []string{"a", "b", "c", "d", "e", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lines() = %q, want %q", got, want)
	}
}

// TestLineAgrees checks Line against the rule it implements, rune by rune,
// on text mixing every kind of character it treats apart.
func TestLineAgrees(t *testing.T) {
	parts := []string{"a", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u200b", "\u00ad", "\ufeff", "\x07", "\x7f", "\u0085", "\xff", "\xe2\x80", "\u200d", "—", "日本", "\U0001F600"}
	for i := range parts {
		for j := range parts {
			for k := range parts {
				s := parts[i] + parts[j] + "x" + parts[k] + parts[j] + parts[i]
				if got, want := Line(s), slowLine(s); got != want {
					t.Errorf("Line(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}

// slowLine is Line as its doc comment says it, plainly.
func slowLine(s string) string {
	var out []rune
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case Invisible(r):
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, r)
	}
	return string(out)
}

func BenchmarkLine(b *testing.B) {
	texts := []string{
		"A plain sentence of ASCII text, as most blocks are.",
		"Une phrase déjà «propre» avec des accents — et des tirets.",
		"  Text with\n\tbreaks and  double  spaces\u00a0inside.  ",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			Line(s)
		}
	}
}
