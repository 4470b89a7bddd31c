// Package htmltext extracts the main text and the metadata of a news article
// from an HTML page: it parses the page with bounded work, reads metadata from
// OpenGraph and other meta tags, JSON-LD, <title>, <time> and byline
// elements, drops page furniture, picks the element that holds the article's
// paragraphs, and returns its paragraphs, headings, quotations and list items
// in document order.
package htmltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Errors for pages over the work limits.
var (
	// ErrTooManyNodes is returned for a page with more nodes than
	// Options.MaxNodes, or markup that would make the parser build more.
	ErrTooManyNodes = errors.New("htmltext: too many nodes")
	// ErrTooDeep is returned for a page nested deeper than Options.MaxDepth.
	ErrTooDeep = errors.New("htmltext: nesting too deep")
)

// Defaults for Options fields left zero.
const (
	DefaultMaxNodes = 200_000
	// DefaultMaxDepth is far above real pages (news pages nest 20 to 40
	// deep) and low enough that the parser's scope checks, which walk the
	// stack of open elements, stay cheap.
	DefaultMaxDepth = 512
)

// checkEvery is how many nodes or tokens are processed between context
// checks.
const checkEvery = 4096

// Options say where a page came from and bound the work spent on it.
type Options struct {
	// URL is the page's address, for resolving relative links.
	URL string
	// Now is the time of extraction: dates after it are ignored.
	Now time.Time
	// MaxNodes caps the number of nodes; DefaultMaxNodes when zero.
	MaxNodes int
	// MaxDepth caps the nesting depth; DefaultMaxDepth when zero.
	MaxDepth int
}

// Block is one paragraph, heading, quotation, list item or table row of the
// article text.
type Block struct {
	Kind events.BlockKind
	Text string
}

// Document is what a page holds: its metadata and the blocks of its main
// text.
type Document struct {
	Meta   Meta
	Blocks []Block
}

// Parse extracts the metadata and main text of page, which must be UTF-8. It
// returns ErrTooManyNodes or ErrTooDeep (wrapped) for a page over the limits,
// and ctx's error when ctx ends first.
//
// The tree it reads has its <style> elements and its <script> elements
// holding code empty: their text, half the bytes of a news page, is left
// out before parsing. Scripts with JSON data (JSON-LD, application/json)
// keep theirs.
func Parse(ctx context.Context, page []byte, opts Options) (Document, error) {
	if opts.MaxNodes <= 0 {
		opts.MaxNodes = DefaultMaxNodes
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	unread, err := prescan(ctx, page, opts)
	if err != nil {
		return Document{}, err
	}
	page = without(page, unread)
	root, err := html.ParseWithOptions(&ctxReader{ctx: ctx, r: bytes.NewReader(page)})
	if err != nil {
		if ctx.Err() != nil {
			return Document{}, ctx.Err()
		}
		return Document{}, fmt.Errorf("parsing html: %w", err)
	}
	if err := checkTree(ctx, root, opts); err != nil {
		return Document{}, err
	}
	doc := goquery.NewDocumentFromNode(root)
	meta := readMeta(doc, opts)
	if err := ctx.Err(); err != nil {
		return Document{}, err
	}
	blocks, err := mainText(ctx, doc, meta.Title)
	if err != nil {
		return Document{}, err
	}
	return Document{Meta: meta, Blocks: blocks}, nil
}

// ctxReader stops the parser when ctx ends: html.Parse takes no context, but
// it reads its input as it goes, and small reads make it check often.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// maxRead caps one read, so that the parser comes back for more, and ctx is
// checked, every 8 KiB of input.
const maxRead = 8 << 10

// Read reads at most maxRead bytes from the underlying reader, or returns
// ctx's error once ctx has ended.
func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > maxRead {
		p = p[:maxRead]
	}
	return c.r.Read(p)
}

// checkTree counts the nodes of the parsed tree and measures its depth.
func checkTree(ctx context.Context, root *html.Node, opts Options) error {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{root, 0}}
	nodes := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nodes++
		if nodes > opts.MaxNodes {
			return fmt.Errorf("%w: more than %d", ErrTooManyNodes, opts.MaxNodes)
		}
		if it.depth > opts.MaxDepth {
			return fmt.Errorf("%w: more than %d", ErrTooDeep, opts.MaxDepth)
		}
		if nodes%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return nil
}
