// Package files turns the article files in input directories into raw
// documents: .html, .htm and .txt files, and the same gzip-compressed (.gz).
// Feed documents (.xml, .rss, .atom, .json) are handed over whole, to be read
// like fetched feeds. It reads each directory tree once, or keeps watching it
// for new and changed files.
package files

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Errors for files that cannot become documents.
var (
	ErrTooLarge = errors.New("files: file over the size limit")
	ErrEmpty    = errors.New("files: file is empty")
)

// Output receives what a scan finds.
type Output interface {
	// Document is called for each new or changed file.
	Document(ctx context.Context, d *events.RawDocument) error
	// Failure is called for a file that could not be read; reason is an
	// events.Reason* value.
	Failure(ctx context.Context, src events.Source, reason string, err error) error
	// FeedFile is called for each new or changed feed file, with its
	// content.
	FeedFile(ctx context.Context, path string, body []byte) error
}

// Options configure a Scanner.
type Options struct {
	// Dirs are the input directories, read recursively.
	Dirs []string
	// Watch keeps polling the directories for new and changed files.
	Watch bool
	// Interval is the polling interval in watch mode. Default 2s.
	Interval time.Duration
	// MaxBytes caps a file's size after decompression; MaxFeedBytes a feed
	// file's.
	MaxBytes, MaxFeedBytes int64
}

// ContentType returns the media type of an input file by its name, and false
// for a file that is not an input.
func ContentType(name string) (string, bool) {
	name = strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".gz"))
	switch filepath.Ext(name) {
	case ".html", ".htm":
		return "text/html", true
	case ".txt":
		return "text/plain", true
	}
	return "", false
}

// IsFeed reports whether a file is, by its name, a feed document: .xml,
// .rss, .atom, .json (optionally .gz).
func IsFeed(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch filepath.Ext(name) {
	case ".xml", ".rss", ".atom", ".json":
		return true
	}
	return false
}

// settle is how long a file must be left alone before watch mode reads it.
const settle = 500 * time.Millisecond

type stamp struct {
	size    int64
	modTime time.Time
}

// Scanner reads input directories.
type Scanner struct {
	opts Options
	seen map[string]stamp
	now  func() time.Time
}

// New returns a scanner.
func New(opts Options) *Scanner {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	return &Scanner{opts: opts, seen: map[string]stamp{}, now: time.Now}
}

// Run scans every directory once, and then, in watch mode, again every
// interval until ctx ends. It returns the first error of out, or of a
// directory that cannot be walked at all.
func (s *Scanner) Run(ctx context.Context, out Output) error {
	for {
		for _, dir := range s.opts.Dirs {
			if err := s.scan(ctx, dir, out); err != nil {
				return err
			}
		}
		if !s.opts.Watch {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.opts.Interval):
		}
	}
}

func (s *Scanner) scan(ctx context.Context, dir string, out Output) error {
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("files: resolving %s: %w", dir, err)
	}
	return filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if path == root {
				return fmt.Errorf("files: reading input directory %s: %w", root, err)
			}
			return out.Failure(ctx, events.Source{Kind: events.SourceFile, Path: path}, events.ReasonRead, err)
		}
		if strings.HasPrefix(e.Name(), ".") && path != root {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		ctype, ok := ContentType(e.Name())
		isFeed := !ok && IsFeed(e.Name())
		if !ok && !isFeed {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return out.Failure(ctx, events.Source{Kind: events.SourceFile, Path: path}, events.ReasonRead, err)
		}
		if s.opts.Watch && s.now().Sub(info.ModTime()) < settle {
			// Still being written, perhaps: take it on a later pass.
			return nil
		}
		st := stamp{size: info.Size(), modTime: info.ModTime()}
		if prev, ok := s.seen[path]; ok && prev == st {
			return nil
		}
		s.seen[path] = st
		if isFeed {
			return s.emitFeed(ctx, path, out)
		}
		return s.emit(ctx, path, ctype, out)
	})
}

func (s *Scanner) emit(ctx context.Context, path, ctype string, out Output) error {
	src := events.Source{Kind: events.SourceFile, Path: path}
	body, err := Read(path, s.opts.MaxBytes)
	if err != nil {
		reason := events.ReasonRead
		if errors.Is(err, ErrTooLarge) {
			reason = events.ReasonTooLarge
		}
		return out.Failure(ctx, src, reason, err)
	}
	return out.Document(ctx, &events.RawDocument{
		Schema:      events.SchemaRawDocument,
		ID:          events.DocumentID(src),
		Source:      src,
		FetchedAt:   s.now().UTC(),
		ContentType: ctype,
		Body:        body,
		ContentHash: events.BytesHash(body),
	})
}

func (s *Scanner) emitFeed(ctx context.Context, path string, out Output) error {
	body, err := Read(path, s.opts.MaxFeedBytes)
	if err != nil {
		reason := events.ReasonRead
		if errors.Is(err, ErrTooLarge) {
			reason = events.ReasonTooLarge
		}
		return out.Failure(ctx, events.Source{Kind: events.SourceFile, Path: path}, reason, err)
	}
	return out.FeedFile(ctx, path, body)
}

// Read returns a file's content, decompressed when its name ends in .gz.
// More than maxBytes of content (after decompression) is ErrTooLarge; zero
// bytes is ErrEmpty.
func Read(path string, maxBytes int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("files: opening %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.EqualFold(filepath.Ext(path), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("files: decompressing %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	if maxBytes > 0 {
		r = io.LimitReader(r, maxBytes+1)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("files: reading %s: %w", path, err)
	}
	if maxBytes > 0 && int64(len(body)) > maxBytes {
		return nil, fmt.Errorf("files: reading %s: %w (%d bytes)", path, ErrTooLarge, maxBytes)
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("files: reading %s: %w", path, ErrEmpty)
	}
	return body, nil
}
