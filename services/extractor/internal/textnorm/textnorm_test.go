package textnorm

import (
	"reflect"
	"testing"
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
