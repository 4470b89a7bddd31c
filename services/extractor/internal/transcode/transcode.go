// Package transcode converts the bytes of a fetched document to UTF-8, using
// the character set the document or its transport declares, or one detected
// from the bytes themselves.
package transcode

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// Errors for bodies that cannot be made text.
var (
	// ErrDecoding is returned when bytes cannot be converted from their
	// character set.
	ErrDecoding = errors.New("transcode: cannot decode")
	// ErrBinary is returned for a body that is not text whatever its
	// declared type says: an image, an archive, random or NUL bytes.
	ErrBinary = errors.New("transcode: binary content, not text")
)

// Binary sniffing: a body is binary when more than 1% of its first
// sniffLen bytes are control bytes that text does not hold (the "binary
// data bytes" of WHATWG MIME Sniffing, 7.2). Bodies under minSniff bytes are
// not judged: too little to tell.
const (
	sniffLen = 8 << 10
	minSniff = 512
)

// checkText returns ErrBinary (wrapped) when body is binary.
func checkText(body []byte) error {
	head := body[:min(len(body), sniffLen)]
	if len(head) < minSniff {
		return nil
	}
	n := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1B {
			n++
		}
	}
	if n*100 > len(head) {
		return fmt.Errorf("%w: %d of the first %d bytes are control bytes", ErrBinary, n, len(head))
	}
	return nil
}

// Result is a document converted to UTF-8.
type Result struct {
	// Text is the document in UTF-8, without a byte order mark. It may
	// share memory with the body converted, which must not be changed
	// while Text is in use.
	Text []byte
	// Charset is the canonical name of the character set it was read as.
	Charset string
}

// HTML converts an HTML document to UTF-8. The character set is, in order: a
// byte order mark; the charset parameter of contentType, or else declared (the
// transport's charset); a <meta> declaration in the first 1024 bytes; else
// detection. Exceptions to that order, for declarations that the bytes
// belie:
//   - a document whose bytes are valid UTF-8 with non-ASCII text is read as
//     UTF-8 even when a transport or <meta> declaration names a legacy
//     single-byte or East Asian multi-byte set, since such a declaration is far more often a stale
//     template than a true statement; valid UTF-8 by accident is vanishingly
//     rare in real legacy-encoded text;
//   - a document declared UTF-8 whose bytes are not is read by its <meta>
//     declaration when that names another set, else by the legacy set its
//     bytes read best in (see Guess);
//   - a document declared in a legacy single-byte set whose text reads as
//     mojibake in it, and well in another set, is read in that one;
//   - a document the transport declares UTF-16, without a byte order
//     mark, is read as UTF-16 in the byte order its bytes show, and as
//     UTF-8 when its bytes are valid UTF-8 without a NUL byte (so are not
//     UTF-16 markup);
//   - a document whose declaration names the WHATWG replacement encoding
//     (ISO-2022-KR, HZ-GB-2312, ...) is read as UTF-8 when it is valid
//     UTF-8, rather than as one U+FFFD.
//
// It returns ErrBinary (wrapped) for a body that is not text.
func HTML(body []byte, contentType, declared string) (Result, error) {
	if e, name, ok := bomEncoding(body); ok {
		return decodeBOM(body, e, name)
	}
	if err := checkText(body); err != nil {
		if e, name, ok := declaredUTF16(body, contentType, declared); ok {
			return decode(body, e, name)
		}
		return Result{}, err
	}
	ct := withCharset(contentType, declared)
	e, name, certain := charset.DetermineEncoding(body, ct)
	valid := utf8.Valid(body)
	switch {
	case valid && (name == "utf-8" || (singleByte(name) || multiByte(name)) && hasHighBit(body)):
		return Result{Text: body, Charset: "utf-8"}, nil
	case valid && (strings.HasPrefix(name, "utf-16") && bytes.IndexByte(body, 0) < 0 || name == "replacement"):
		// UTF-16 markup holds NUL bytes, the high bytes of its ASCII
		// characters: valid UTF-8 without one is not UTF-16. The
		// replacement encoding, which the standard gives to labels such
		// as hz-gb-2312, would read the whole page as one U+FFFD.
		return Result{Text: body, Charset: "utf-8"}, nil
	case name == "utf-8":
		if certain {
			// The transport said UTF-8; the page may say otherwise.
			if me, mname, _ := charset.DetermineEncoding(body, ""); mname != "utf-8" && declaresCharset(body) {
				return decode(body, me, mname)
			}
		}
		e, name = Guess(body)
	case !certain && name == "windows-1252" && !declaresCharset(body):
		// No declaration at all: windows-1252 is only the standard's
		// default.
		e, name = Guess(body)
	case singleByte(name):
		e, name = better(body, e, name)
	}
	return decode(body, e, name)
}

// Text converts a plain-text document to UTF-8: by its byte order mark, else
// as UTF-8 when the bytes are valid UTF-8, else by the declared charset
// (contentType's parameter, then declared) unless its text reads as mojibake
// and reads well in another set, else by the legacy set the bytes read best
// in (see Guess); a body declared UTF-16 without a byte order mark is read
// as UTF-16. It returns ErrBinary (wrapped) for a body that is not text.
func Text(body []byte, contentType, declared string) (Result, error) {
	if e, name, ok := bomEncoding(body); ok {
		return decodeBOM(body, e, name)
	}
	if err := checkText(body); err != nil {
		if e, name, ok := declaredUTF16(body, contentType, declared); ok {
			return decode(body, e, name)
		}
		return Result{}, err
	}
	if utf8.Valid(body) {
		return Result{Text: body, Charset: "utf-8"}, nil
	}
	for _, label := range []string{charsetParam(contentType), declared} {
		if label == "" {
			continue
		}
		if e, name := charset.Lookup(label); e != nil && name != "utf-8" {
			if singleByte(name) {
				e, name = better(body, e, name)
			}
			return decode(body, e, name)
		}
	}
	e, name := Guess(body)
	return decode(body, e, name)
}

// declaredUTF16 returns the UTF-16 decoder for a body without a byte order
// mark that the transport declares UTF-16 ("utf-16", "utf-16le",
// "utf-16be") and whose bytes are UTF-16: its NUL bytes, which make it
// look binary, are the high bytes of ASCII characters, all at odd offsets
// (little-endian) or all at even ones (big-endian). The byte order is the
// one the bytes show, whatever the label says.
func declaredUTF16(body []byte, contentType, declared string) (encoding.Encoding, string, bool) {
	labelled := false
	for _, label := range []string{charsetParam(contentType), declared} {
		if _, name := charset.Lookup(label); strings.HasPrefix(name, "utf-16") {
			labelled = true
		}
	}
	if !labelled {
		return nil, "", false
	}
	head := body[:min(len(body), sniffLen)]
	var even, odd, other int
	for i, c := range head {
		switch {
		case c == 0 && i%2 == 0:
			even++
		case c == 0:
			odd++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			other++
		}
	}
	// Every control byte but the NULs of one byte order counts against.
	switch {
	case odd > 0 && (even+other)*20 < odd:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", true
	case even > 0 && (odd+other)*20 < even:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", true
	}
	return nil, "", false
}

// declaresCharset reports whether the first 1024 bytes of an HTML document
// mention a charset, as a <meta> declaration would.
func declaresCharset(body []byte) bool {
	head := body[:min(len(body), 1024)]
	return bytes.Contains(bytes.ToLower(head), []byte("charset"))
}

// decodeBOM decodes a body by its byte order mark. A UTF-8 mark makes no
// binary bytes text; the bytes of UTF-16 are not judged (their NULs would
// look binary).
func decodeBOM(body []byte, e encoding.Encoding, name string) (Result, error) {
	if name == "utf-8" {
		if err := checkText(stripBOM(body)); err != nil {
			return Result{}, err
		}
	}
	return decode(body, e, name)
}

func decode(body []byte, e encoding.Encoding, name string) (Result, error) {
	body = stripBOM(body)
	if e == nil || e == encoding.Nop || name == "utf-8" {
		return Result{Text: validUTF8(body), Charset: "utf-8"}, nil
	}
	out, err := e.NewDecoder().Bytes(body)
	if err != nil {
		return Result{}, fmt.Errorf("decoding %s: %w: %w", name, ErrDecoding, err)
	}
	// A second UTF-16 mark decodes to U+FEFF.
	return Result{Text: stripBOM(validUTF8(out)), Charset: name}, nil
}

// validUTF8 returns b with each run of invalid UTF-8 replaced by U+FFFD:
// b itself when it is valid, as nearly every page is, which saves a copy of
// the page.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

var boms = []struct {
	bom  []byte
	enc  encoding.Encoding
	name string
}{
	{[]byte{0xEF, 0xBB, 0xBF}, encoding.Nop, "utf-8"},
	{[]byte{0xFE, 0xFF}, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"},
	{[]byte{0xFF, 0xFE}, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"},
}

func bomEncoding(body []byte) (encoding.Encoding, string, bool) {
	for _, b := range boms {
		if bytes.HasPrefix(body, b.bom) {
			return b.enc, b.name, true
		}
	}
	return nil, "", false
}

// stripBOM removes the UTF-8 byte order marks that start body: usually one,
// sometimes more (a tool that adds its own to a file that had one). UTF-16
// decoders with ExpectBOM consume their own.
func stripBOM(body []byte) []byte {
	for bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		body = body[3:]
	}
	return body
}

// withCharset returns contentType with declared as its charset parameter when
// it has none of its own.
func withCharset(contentType, declared string) string {
	if declared == "" || charsetParam(contentType) != "" {
		return contentType
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		mt = "text/html"
	}
	return mime.FormatMediaType(mt, map[string]string{"charset": strings.TrimSpace(declared)})
}

func charsetParam(contentType string) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// singleByte reports whether the WHATWG encoding name is one of the legacy
// single-byte character sets, the kind that stale declarations name.
func singleByte(name string) bool {
	for _, prefix := range []string{"windows-12", "windows-874", "iso-8859-", "koi8-", "ibm866", "macintosh", "x-mac-"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// multiByte reports whether the WHATWG encoding name is one of the legacy
// East Asian multi-byte character sets that use bytes outside ASCII: text
// in them is never valid UTF-8 but by a rare accident, so valid UTF-8
// declared in one of them is UTF-8.
func multiByte(name string) bool {
	switch name {
	case "shift_jis", "euc-jp", "euc-kr", "gbk", "gb18030", "big5":
		return true
	}
	return false
}

// hasHighBit reports whether b holds a byte outside ASCII.
func hasHighBit(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
