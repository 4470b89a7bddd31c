package transcode

import (
	"errors"
	"strings"
	"testing"
)

// decodeCase is a body, the charsets the transport and the page's
// surroundings declare, and the charset and text a decoder should find.
type decodeCase struct {
	name        string
	body        []byte
	contentType string
	declared    string
	wantCharset string
	want        string
}

// checkHTMLDecodes decodes each case's body as a page, which must hold want.
func checkHTMLDecodes(t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML(tt.body, tt.contentType, tt.declared)
			if err != nil {
				t.Fatalf("HTML: %v", err)
			}
			if got.Charset != tt.wantCharset || !contains(got.Text, tt.want) {
				t.Errorf("HTML() = %q as %s, want it to hold %q as %s", got.Text, got.Charset, tt.want, tt.wantCharset)
			}
		})
	}
}

// checkTextDecodes decodes each case's body as plain text, which must be want.
func checkTextDecodes(t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Text(tt.body, tt.contentType, tt.declared)
			if err != nil {
				t.Fatalf("Text: %v", err)
			}
			if got.Charset != tt.wantCharset || string(got.Text) != tt.want {
				t.Errorf("Text() = %q as %s, want %q as %s", got.Text, got.Charset, tt.want, tt.wantCharset)
			}
		})
	}
}

func TestHTML(t *testing.T) {
	latin := []byte("<html><head><meta charset=\"windows-1252\"></head><body>M\xfcnchen \x80 \x93x\x94</body></html>")
	tests := []decodeCase{
		{"meta charset", latin, "text/html", "", "windows-1252", "München € “x”"},
		{"content type param", []byte("<p>M\xfcnchen</p>"), "text/html; charset=ISO-8859-1", "", "windows-1252", "München"},
		{"transport charset", []byte("<p>M\xfcnchen</p>"), "text/html", "latin1", "windows-1252", "München"},
		{"utf-8 bom", []byte("\xef\xbb\xbf<p>München</p>"), "text/html; charset=iso-8859-1", "", "utf-8", "<p>München"},
		{"utf-16le bom", []byte("\xff\xfe<\x00p\x00>\x00\xfc\x00"), "", "", "utf-16le", "<p>ü"},
		{"undeclared utf-8 after ascii kilobyte", append(append([]byte("<p>"), make1K()...), "München</p>"...), "", "", "utf-8", "München"},
		{"stale latin declaration on utf-8", []byte("<meta charset=iso-8859-1><p>München</p>"), "", "", "utf-8", "München"},
		{"undeclared legacy", []byte("<p>M\xfcnchen</p>"), "", "", "windows-1252", "München"},
		{"koi8-r", []byte("<meta charset=koi8-r><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>"), "", "", "koi8-r", "Привет"},
	}
	checkHTMLDecodes(t, tests)
}

func TestText(t *testing.T) {
	tests := []decodeCase{
		{"utf-8", []byte("Grüße"), "text/plain", "", "utf-8", "Grüße"},
		{"utf-8 despite declaration", []byte("Grüße"), "text/plain; charset=iso-8859-1", "", "utf-8", "Grüße"},
		{"declared latin", []byte("Gr\xfc\xdfe"), "text/plain; charset=iso-8859-1", "", "windows-1252", "Grüße"},
		{"transport declared", []byte("\xcf\xf0\xe8\xe2\xe5\xf2"), "text/plain", "windows-1251", "windows-1251", "Привет"},
		{"fallback", []byte("Gr\xfc\xdfe"), "text/plain", "", "windows-1252", "Grüße"},
		{"unknown label", []byte("Gr\xfc\xdfe"), "text/plain; charset=klingon", "", "windows-1252", "Grüße"},
		{"bom", []byte("\xef\xbb\xbfHi"), "", "", "utf-8", "Hi"},
		{"utf-16be", []byte("\xfe\xff\x00H\x00i"), "", "", "utf-16be", "Hi"},
	}
	checkTextDecodes(t, tests)
}

func make1K() []byte {
	b := make([]byte, 1100)
	for i := range b {
		b[i] = 'a'
	}
	return b
}

func contains(b []byte, s string) bool {
	return len(s) == 0 || indexOf(string(b), s) >= 0
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// russian is a Russian sentence, and windows1251 and koi8r are its bytes in
// those sets.
const russian = "Правительство объявило о новых мерах поддержки, сообщили в Москве."

func encodeIn(t *testing.T, name, s string) []byte {
	t.Helper()
	for _, c := range candidates {
		if c.name == name {
			b, err := c.cm.NewEncoder().Bytes([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no candidate %s", name)
	return nil
}

func TestWrongDeclarations(t *testing.T) {
	cp1251 := encodeIn(t, "windows-1251", russian)
	koi8 := encodeIn(t, "koi8-r", russian)
	polish := encodeIn(t, "windows-1250", "Zażółć gęślą jaźń, powiedział minister w Warszawie.")
	french := encodeIn(t, "windows-1252", "L'été à Paris: très chaud, déclare Météo-France.")
	page := func(b []byte) []byte { return append(append([]byte("<html><body><p>"), b...), "</p></body></html>"...) }
	tests := []decodeCase{
		{"windows-1251 declared utf-8 by the transport", page(cp1251), "text/html; charset=utf-8", "", "windows-1251", russian},
		{"windows-1251 declared utf-8 by meta", append([]byte("<meta charset=utf-8>"), page(cp1251)...), "text/html", "", "windows-1251", russian},
		{"windows-1251 declared utf-8, meta right", append([]byte("<meta charset=windows-1251>"), page(cp1251)...), "text/html; charset=utf-8", "", "windows-1251", russian},
		{"koi8-r declared utf-8", page(koi8), "text/html", "utf-8", "koi8-r", russian},
		{"windows-1251 undeclared", page(cp1251), "text/html", "", "windows-1251", russian},
		{"windows-1251 declared latin-1", page(cp1251), "text/html; charset=iso-8859-1", "", "windows-1251", russian},
		{"utf-8 declared windows-1251", page([]byte(russian)), "text/html; charset=windows-1251", "", "utf-8", russian},
		{"windows-1250 undeclared", page(polish), "text/html", "", "windows-1250", "Zażółć gęślą jaźń"},
		{"windows-1252 undeclared", page(french), "", "", "windows-1252", "L'été à Paris"},
		{"windows-1252 declared utf-8", page(french), "text/html; charset=utf-8", "", "windows-1252", "L'été à Paris"},
		{"windows-1252 declared windows-1250 stays", page(french), "text/html; charset=windows-1250", "", "windows-1250", "L'"},
	}
	checkHTMLDecodes(t, tests)
	checkTextDecodes(t, []decodeCase{
		{"text windows-1251 undeclared", cp1251, "text/plain", "", "windows-1251", russian},
		{"text windows-1251 declared utf-8", cp1251, "text/plain; charset=utf-8", "", "windows-1251", russian},
		{"text koi8-r declared windows-1251", koi8, "text/plain; charset=windows-1251", "", "koi8-r", russian},
	})
}

// TestRepeatedBOM checks that no byte order mark is left at the start of a
// body that carried two, in UTF-8 or UTF-16.
func TestRepeatedBOM(t *testing.T) {
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"utf-8", []byte("\xef\xbb\xbf\xef\xbb\xbf<p>a</p>")},
		{"utf-16le", []byte("\xff\xfe\xff\xfe<\x00p\x00>\x00a\x00<\x00/\x00p\x00>\x00")},
		{"utf-16be", []byte("\xfe\xff\xfe\xff\x00<\x00p\x00>\x00a\x00<\x00/\x00p\x00>")},
	} {
		for name, conv := range map[string]func([]byte, string, string) (Result, error){"HTML": HTML, "Text": Text} {
			got, err := conv(tt.body, "", "")
			if err != nil || string(got.Text) != "<p>a</p>" {
				t.Errorf("%s(%s with two marks) = %q, %v; want %q", name, tt.name, got.Text, err, "<p>a</p>")
			}
		}
	}
}

func TestBinary(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 1024)...)
	ansi := []byte(strings.Repeat("\x1b[1mbold\x1b[0m text\tand\ttabs\r\n\f", 40))
	for _, tt := range []struct {
		name string
		body []byte
		want bool
	}{
		{"png", png, true},
		{"nul-filled", make([]byte, 4096), true},
		{"short nul run", []byte("<p>a\x00\x00\x00b</p>"), false},
		{"text with escapes and tabs", ansi, false},
		{"utf-16 with bom", append([]byte("\xff\xfe"), []byte(strings.Repeat("a\x00", 600))...), false},
		{"nul-filled after a utf-8 bom", append([]byte("\xef\xbb\xbf"), make([]byte, 4096)...), true},
		{"png after a utf-8 bom", append([]byte("\xef\xbb\xbf"), png...), true},
		{"text after a utf-8 bom", append([]byte("\xef\xbb\xbf"), ansi...), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []func([]byte, string, string) (Result, error){HTML, Text} {
				_, err := f(tt.body, "", "")
				if got := errors.Is(err, ErrBinary); got != tt.want {
					t.Errorf("error = %v, want ErrBinary: %v", err, tt.want)
				}
			}
		})
	}
}
