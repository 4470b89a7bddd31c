package transcode

import "testing"

func TestHTML(t *testing.T) {
	latin := []byte("<html><head><meta charset=\"windows-1252\"></head><body>M\xfcnchen \x80 \x93x\x94</body></html>")
	tests := []struct {
		name        string
		body        []byte
		contentType string
		declared    string
		wantCharset string
		wantContain string
	}{
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML(tt.body, tt.contentType, tt.declared)
			if err != nil {
				t.Fatalf("HTML: %v", err)
			}
			if got.Charset != tt.wantCharset || !contains(got.Text, tt.wantContain) {
				t.Errorf("HTML() = %q as %s, want it to hold %q as %s", got.Text, got.Charset, tt.wantContain, tt.wantCharset)
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name        string
		body        []byte
		contentType string
		declared    string
		wantCharset string
		want        string
	}{
		{"utf-8", []byte("Grüße"), "text/plain", "", "utf-8", "Grüße"},
		{"utf-8 despite declaration", []byte("Grüße"), "text/plain; charset=iso-8859-1", "", "utf-8", "Grüße"},
		{"declared latin", []byte("Gr\xfc\xdfe"), "text/plain; charset=iso-8859-1", "", "windows-1252", "Grüße"},
		{"transport declared", []byte("\xcf\xf0\xe8\xe2\xe5\xf2"), "text/plain", "windows-1251", "windows-1251", "Привет"},
		{"fallback", []byte("Gr\xfc\xdfe"), "text/plain", "", "windows-1252", "Grüße"},
		{"unknown label", []byte("Gr\xfc\xdfe"), "text/plain; charset=klingon", "", "windows-1252", "Grüße"},
		{"bom", []byte("\xef\xbb\xbfHi"), "", "", "utf-8", "Hi"},
		{"utf-16be", []byte("\xfe\xff\x00H\x00i"), "", "", "utf-16be", "Hi"},
	}
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
