package transcode

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// utf16Page is a page that holds text in UTF-16 with the given byte order,
// without a byte order mark.
func utf16Page(t *testing.T, endian unicode.Endianness, text string) []byte {
	t.Helper()
	page := "<html><head><title>Café</title></head><body><p>" + text + "</p></body></html>"
	b, err := unicode.UTF16(endian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeclaredUTF16WithoutBOM checks that a body its transport declares
// UTF-16, without a byte order mark, is read as UTF-16 in the byte order
// its bytes show, rather than refused as binary for its NUL bytes.
func TestDeclaredUTF16WithoutBOM(t *testing.T) {
	text := strings.Repeat("Le café est très bon à Paris, dit-elle. ", 20)
	le, be := utf16Page(t, unicode.LittleEndian, text), utf16Page(t, unicode.BigEndian, text)
	checkHTMLDecodes(t, []decodeCase{
		{"utf-16le in the content type", le, "text/html; charset=utf-16le", "", "utf-16le", "très bon à Paris"},
		{"utf-16 in the content type, little-endian bytes", le, "text/html; charset=utf-16", "", "utf-16le", "très bon à Paris"},
		{"utf-16 from the transport, big-endian bytes", be, "text/html", "UTF-16", "utf-16be", "très bon à Paris"},
	})
	for _, tt := range []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{"plain text utf-16le", le, "text/plain; charset=utf-16le", "utf-16le"},
		{"plain text utf-16be", be, "text/plain; charset=utf-16be", "utf-16be"},
	} {
		got, err := Text(tt.body, tt.contentType, "")
		if err != nil || got.Charset != tt.want || !strings.Contains(string(got.Text), "très bon à Paris") {
			t.Errorf("%s: Text() = %.40q as %s, %v; want it read as %s", tt.name, got.Text, got.Charset, err, tt.want)
		}
	}
	// Binary bytes stay binary whatever the transport declares.
	bin := []byte(strings.Repeat("\x00\x01\x02\x03\x89PNG", 200))
	if _, err := HTML(bin, "text/html; charset=utf-16le", ""); err == nil {
		t.Error("HTML() of binary bytes declared UTF-16 succeeded, want ErrBinary")
	}
}

// TestValidUTF8DeclaredMultiByte checks that a page whose bytes are valid
// UTF-8 with non-ASCII text is read as UTF-8 when its transport or <meta>
// names a legacy multi-byte set (Shift_JIS, GBK, EUC-KR, Big5), as it is
// when one names a legacy single-byte set: such a declaration is stale.
func TestValidUTF8DeclaredMultiByte(t *testing.T) {
	jp := []byte("<html><body><p>" + strings.Repeat("東京都は月曜日、新しい予算案を発表した。", 10) + "</p></body></html>")
	zh := []byte(`<html><head><meta charset="gbk"></head><body><p>` + strings.Repeat("北京市政府周一公布了新的预算方案。", 10) + "</p></body></html>")
	ko := []byte("<html><body><p>" + strings.Repeat("서울시는 월요일 새 예산안을 발표했다. ", 10) + "</p></body></html>")
	checkHTMLDecodes(t, []decodeCase{
		{"shift_jis transport", jp, "text/html; charset=shift_jis", "", "utf-8", "東京都は月曜日"},
		{"gbk meta", zh, "text/html", "", "utf-8", "北京市政府周一"},
		{"euc-kr transport", ko, "text/html", "euc-kr", "utf-8", "서울시는 월요일"},
		{"big5 transport", zh, "text/html; charset=big5", "", "utf-8", "北京市政府周一"},
	})
}

// TestDeclarationBeliedByASCII checks that a page of plain ASCII whose
// transport declares a character set that would garble it (UTF-16, whose
// markup would hold NUL bytes, or one the standard maps to the replacement
// encoding) is read as UTF-8, as it reads as text.
func TestDeclarationBeliedByASCII(t *testing.T) {
	page := []byte("<html><head><title>Budget</title></head><body><p>The council passed the budget on Monday.</p></body></html>")
	for _, tt := range []struct{ contentType, declared string }{
		{"text/html; charset=utf-16", ""},
		{"text/html; charset=UTF-16LE", ""},
		{"text/html", "utf-16be"},
		{"text/html; charset=hz-gb-2312", ""},
		{"text/html; charset=iso-2022-kr", ""},
	} {
		for name, conv := range map[string]func([]byte, string, string) (Result, error){"HTML": HTML, "Text": Text} {
			got, err := conv(page, tt.contentType, tt.declared)
			if err != nil || !bytes.Equal(got.Text, page) || got.Charset != "utf-8" {
				t.Errorf("%s(page, %q, %q) = %.40q as %q, %v; want the page as utf-8", name, tt.contentType, tt.declared, got.Text, got.Charset, err)
			}
		}
	}
}

// FuzzTranscode converts arbitrary bytes under arbitrary declarations:
// what comes back is valid UTF-8 without a byte order mark, read in a
// character set it names, or an error that says why not.
func FuzzTranscode(f *testing.F) {
	for _, c := range []struct{ body, ct, declared string }{
		{"<p>M\xfcnchen</p>", "text/html; charset=iso-8859-1", ""},
		{"\xff\xfe<\x00p\x00>\x00", "", ""},
		{"<\x00p\x00>\x00\xfc\x00", "text/html; charset=utf-16", ""},
		{"\x00<\x00p\x00>", "text/plain", "utf-16be"},
		{"<meta charset=gbk><p>\xe4\xb8\xad</p>", "text/html", "shift_jis"},
		{"\xef\xbb\xbfplain", "text/plain; charset=koi8-r", ""},
	} {
		f.Add([]byte(c.body), c.ct, c.declared)
	}
	// Hostile bodies: a BOM that contradicts the declarations, NULs,
	// invalid UTF-8 and mixed encodings, one long line, an odd UTF-16 tail.
	f.Add([]byte("\xfe\xff\x00<\x00p\xd8\x00\x00>"), "text/html; charset=utf-8", "windows-1252")
	f.Add([]byte("<meta charset=\"utf-8\"><p>caf\xc3\xa9 caf\xe9 \x93q\x94 \x00\x00 \xe4\xb8</p>"), "text/html; charset=shift_jis", "")
	f.Add([]byte(strings.Repeat("plain ascii line ", 600)), "text/plain; charset=utf-16", "hz-gb-2312")
	f.Add([]byte("\x1b$B$3$s\x1b(B text"), "text/html; charset=iso-2022-jp", "")
	f.Add([]byte("<\x00p\x00>\x00\xe9"), "", "utf-16le")
	f.Fuzz(func(t *testing.T, body []byte, contentType, declared string) {
		for name, conv := range map[string]func([]byte, string, string) (Result, error){"HTML": HTML, "Text": Text} {
			r, err := conv(body, contentType, declared)
			if err != nil {
				if !errors.Is(err, ErrBinary) && !errors.Is(err, ErrDecoding) {
					t.Fatalf("%s(%q, %q, %q): unexpected error %v", name, body, contentType, declared, err)
				}
				continue
			}
			if !utf8.Valid(r.Text) || bytes.HasPrefix(r.Text, []byte("\xef\xbb\xbf")) || r.Charset == "" {
				t.Fatalf("%s(%q, %q, %q) = %q as %q", name, body, contentType, declared, r.Text, r.Charset)
			}
			// No character set makes more than 3 bytes of UTF-8 of
			// one byte (an invalid byte becomes U+FFFD).
			if len(r.Text) > 3*len(body) {
				t.Fatalf("%s(%q, %q, %q) = %d bytes from %d", name, body, contentType, declared, len(r.Text), len(body))
			}
			// Printable ASCII (without the escapes of ISO-2022-JP)
			// is itself whatever the declarations say.
			if printableASCII(body) && !bytes.Equal(r.Text, body) {
				t.Fatalf("%s(%q, %q, %q) = %q as %q, want the ASCII unchanged", name, body, contentType, declared, r.Text, r.Charset)
			}
		}
	})
}

// printableASCII reports whether b is non-empty printable ASCII: letters,
// digits, punctuation, spaces, tabs and line breaks.
func printableASCII(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return len(b) > 0
}
