package htmltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scanned is one token as both scanner and html.Tokenizer see it.
type scanned struct {
	kind        tokenKind
	name        string
	selfClosing bool
}

func (s scanned) String() string {
	return fmt.Sprintf("{%d %q %v}", s.kind, s.name, s.selfClosing)
}

// scanAll splits page with scanner as html.Tokenizer does when used alone:
// raw text after every raw text element's start tag, no CDATA.
func scanAll(page []byte) []scanned {
	var out []scanned
	z := scanner{b: page}
	for {
		k := z.next()
		if k == tokEOF {
			return out
		}
		s := scanned{kind: k}
		if k == tokStartTag || k == tokEndTag {
			name := z.lowerName()
			s.name = string(bytes.ReplaceAll(name, []byte{0}, []byte("\uFFFD")))
			s.selfClosing = z.selfClosing
			if k == tokStartTag {
				z.rawTag = rawTagNames[atom.Lookup(name)]
			}
		}
		out = append(out, s)
	}
}

// tokenizeAll splits page with html.Tokenizer.
func tokenizeAll(page []byte) []scanned {
	var out []scanned
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		var s scanned
		switch tt {
		case html.ErrorToken:
			return out
		case html.TextToken:
			s.kind = tokText
		case html.CommentToken, html.DoctypeToken:
			s.kind = tokComment
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			s = scanned{kind: tokStartTag, name: string(name), selfClosing: tt == html.SelfClosingTagToken}
		case html.EndTagToken:
			name, _ := z.TagName()
			s = scanned{kind: tokEndTag, name: string(name)}
		}
		out = append(out, s)
	}
}

// checkScanner fails t when scanner and html.Tokenizer split page apart. A
// tag scanner takes as not self-closing where the tokenizer does is
// allowed: it counts more.
func checkScanner(t *testing.T, page []byte) {
	t.Helper()
	got, want := scanAll(page), tokenizeAll(page)
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w scanned
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !g.selfClosing && w.selfClosing {
			g.selfClosing = true
		}
		if g != w {
			lo := max(0, i-3)
			t.Fatalf("token %d of %q: got %v, want %v\ngot  %v\nwant %v", i, clipBytes(page, 300), g, w, got[lo:min(len(got), i+2)], want[lo:min(len(want), i+2)])
		}
	}
}

func clipBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// scannerSeeds are pages that take the tokenizer through its less common
// states.
var scannerSeeds = []string{
	"",
	"text only",
	"<",
	"a<",
	"a</",
	"</",
	"<a",
	"a<b",
	"<!",
	"<!-",
	"<?",
	"a < b > c",
	"<p>x</p>",
	"<P CLASS=x>y</P >",
	"<br/><br /><img src=a/><img src=\"a\"/><img src=a />",
	"<a b=/>",
	"<a x=1 x=/>",
	"<div a='>' b=\">\" c=>d>e</div>",
	"<div =a ==b c = d / e/>",
	"<!---->x<!-->y<!--->z<!-- a -- b --!>c<!--x--!-->d",
	"<!-- unclosed",
	"<!DOCTYPE html><!doctype x><!DOCTYPEhtml>",
	"<![CDATA[ <p> ]]>",
	"<?xml version=1.0?><p>",
	"</>x</ x><//><</a>",
	"<script>if (a<b && c>d) {}</script><p>",
	"<script>a</scriptx></script ><p>",
	"<script><!-- <script> </script> --></script><p>",
	"<script><!--<script>x</script>y--><p></script><b>",
	"<script><!-- x --></script><i>",
	"<script><!--<scriptx></script><i>",
	"<script><!-- <a </script><b>",
	"<script><!-- <! </script><b>",
	"<script><!-- </scr</script><b>",
	"<script><!--<script></scr</script>--></script><u>",
	"<script><!--<script>--></script><u>",
	"<script><!---></script><u>",
	"<SCRIPT>x</SCRIPT><style>a<b</style ><title><b></title><textarea></TEXTAREA>",
	"<script></script><style></style>",
	"<xmp><p></xmp><iframe><p></iframe/><noscript><p></noscript>",
	"<plaintext><p></plaintext>",
	"<script/>x</script>",
	"<div\x00x>a</div\x00x>",
	"<title>a</title\n><p>",
	"<svg><title><b></title></svg>",
}

func TestScannerMatchesTokenizer(t *testing.T) {
	for _, s := range scannerSeeds {
		checkScanner(t, []byte(s))
	}
	pages, _ := filepath.Glob(filepath.Join("..", "extract", "testdata", "*.html"))
	for _, name := range pages {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checkScanner(t, b)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	// Hostile pages: deep nesting, a huge attribute, NULs and invalid UTF-8 in names, a BOM.
	f.Add([]byte(strings.Repeat("<div><svg><g>", 150)))
	f.Add([]byte("<p title=\"" + strings.Repeat("x>", 1000) + "\" z='" + strings.Repeat("\"", 100) + "'>a"))
	f.Add([]byte("\xef\xbb\xbf<p\x00 a\x00=\x00b>\xff<\xff\xfe>\x80</p\x00><scr\x00ipt>x</script>"))
	f.Add([]byte("<SCRİPT>a<p></SCRİPT><ſtyle>x</style><ſcript>y</ſcript>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		checkScanner(t, page)
	})
}

func TestPrescan(t *testing.T) {
	bomb := formattingBomb()
	tests := []limitCase{
		{"deep nesting", strings.Repeat("<div>", 100) + "x", Options{MaxDepth: 50}, ErrTooDeep},
		{"deep self-closing divs", strings.Repeat("<div/>", 100) + "x", Options{MaxDepth: 50}, ErrTooDeep},
		{"deep svg", "<svg>" + strings.Repeat("<g>", 100), Options{MaxDepth: 50}, ErrTooDeep},
		{"self-closing svg elements are not deep", "<svg>" + strings.Repeat("<path/>", 100) + "</svg>", Options{MaxDepth: 50}, nil},
		{"many tokens", strings.Repeat("<p>x</p>", 600), Options{MaxNodes: 1000}, ErrTooManyNodes},
		{"formatting bomb", bomb, Options{MaxNodes: 100_000}, ErrTooManyNodes},
		{"formatting bomb after svg style", "<svg><style>" + bomb, Options{MaxNodes: 100_000}, ErrTooManyNodes},
		{"formatting bomb after script escapes", "<script><!--<script>a</script> <!-- x </script>" + bomb, Options{MaxNodes: 100_000}, ErrTooManyNodes},
		{"formatting bomb in a script", "<script>" + bomb + "</script>", Options{MaxNodes: 100_000}, nil},
		{"formatting bomb in a comment", "<!--" + bomb + "-->", Options{MaxNodes: 100_000}, nil},
		{"unclosed paragraphs are not deep", "<body>" + strings.Repeat("<p>x", 2000), Options{MaxDepth: 50}, nil},
		{"closed lists are not deep", strings.Repeat("<ul><li>a<li>b</ul>", 200), Options{MaxDepth: 50}, nil},
		{"repeated unclosed font is not a bomb", strings.Repeat("<font size=2><p>text", 3000), Options{MaxNodes: 20_000}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts.MaxNodes == 0 {
				opts.MaxNodes = DefaultMaxNodes
			}
			if opts.MaxDepth == 0 {
				opts.MaxDepth = DefaultMaxDepth
			}
			_, err := prescan(context.Background(), []byte(tt.page), opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("prescan() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPrescanLeavesOutCode(t *testing.T) {
	page := `<html><head><style>p{color:red}</style>` +
		`<script>var a = "<p>not text</p>";</script>` +
		`<script type="application/ld+json">{"@type":"NewsArticle"}</script>` +
		`<SCRIPT TYPE="text/javascript"><!-- if (a<b) {} --></SCRIPT>` +
		`<script></script><title>T</title></head>` +
		`<body><svg><style>svg{}</style></svg><p>Text.</p><script src=x.js></script></body></html>`
	want := `<html><head><style></style>` +
		`<script></script>` +
		`<script type="application/ld+json">{"@type":"NewsArticle"}</script>` +
		`<SCRIPT TYPE="text/javascript"></SCRIPT>` +
		`<script></script><title>T</title></head>` +
		`<body><svg><style>svg{}</style></svg><p>Text.</p><script src=x.js></script></body></html>`
	unread, err := prescan(context.Background(), []byte(page), Options{MaxNodes: DefaultMaxNodes, MaxDepth: DefaultMaxDepth})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(without([]byte(page), unread)); got != want {
		t.Errorf("page without code:\ngot  %s\nwant %s", got, want)
	}
}
