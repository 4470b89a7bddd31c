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
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// ErrDecoding is returned when bytes cannot be converted from their character
// set.
var ErrDecoding = errors.New("transcode: cannot decode")

// Result is a document converted to UTF-8.
type Result struct {
	// Text is the document in UTF-8, without a byte order mark.
	Text []byte
	// Charset is the canonical name of the character set it was read as.
	Charset string
}

// HTML converts an HTML document to UTF-8. The character set is, in order: a
// byte order mark; the charset parameter of contentType, or else declared (the
// transport's charset); a <meta> declaration in the first 1024 bytes; else
// detection. One exception to that order: a document whose bytes are valid
// UTF-8 with non-ASCII text is read as UTF-8 even when a transport or <meta>
// declaration names a legacy single-byte set, since such a declaration is far
// more often a stale template than a true statement; valid UTF-8 by accident
// is vanishingly rare in real legacy-encoded text.
func HTML(body []byte, contentType, declared string) (Result, error) {
	if e, name, ok := bomEncoding(body); ok {
		return decode(body, e, name)
	}
	ct := withCharset(contentType, declared)
	e, name, _ := charset.DetermineEncoding(body, ct)
	if singleByte(name) && isUTF8(body) {
		e, name = encoding.Nop, "utf-8"
	}
	return decode(body, e, name)
}

// Text converts a plain-text document to UTF-8: by its byte order mark, else
// as UTF-8 when the bytes are valid UTF-8, else by the declared charset
// (contentType's parameter, then declared), else as windows-1252.
func Text(body []byte, contentType, declared string) (Result, error) {
	if e, name, ok := bomEncoding(body); ok {
		return decode(body, e, name)
	}
	if utf8.Valid(body) {
		return Result{Text: body, Charset: "utf-8"}, nil
	}
	for _, label := range []string{charsetParam(contentType), declared} {
		if label == "" {
			continue
		}
		if e, name := charset.Lookup(label); e != nil && name != "utf-8" {
			return decode(body, e, name)
		}
	}
	return decode(body, charmap.Windows1252, "windows-1252")
}

func decode(body []byte, e encoding.Encoding, name string) (Result, error) {
	body = stripBOM(body)
	if e == nil || e == encoding.Nop || name == "utf-8" {
		return Result{Text: bytes.ToValidUTF8(body, []byte("\uFFFD")), Charset: "utf-8"}, nil
	}
	out, err := e.NewDecoder().Bytes(body)
	if err != nil {
		return Result{}, fmt.Errorf("decoding %s: %w: %w", name, ErrDecoding, err)
	}
	return Result{Text: bytes.ToValidUTF8(out, []byte("\uFFFD")), Charset: name}, nil
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

// stripBOM removes a UTF-8 byte order mark. UTF-16 decoders with ExpectBOM
// consume their own.
func stripBOM(body []byte) []byte {
	return bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})
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

// isUTF8 reports whether b is valid UTF-8 holding at least one multi-byte
// sequence.
func isUTF8(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexFunc(b, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0
}
