// Package jsonl appends records to JSON Lines files so that each record is
// written once: it remembers the key of every line it holds, across restarts,
// and repairs a line torn by a crash before appending after it.
//
// Appends are group-committed: a background flusher writes every line handed
// to it since its last fsync and fsyncs once for all of them, and each Append
// returns only after the fsync that covers its line. Many concurrent appends
// therefore share one fsync, while every caller still learns that its own line
// is durable before it returns.
//
// Files rotate by day (UTC) and, with Options.MaxBytes, by size:
// <prefix>-YYYY-MM-DD.jsonl, then <prefix>-YYYY-MM-DD_0001.jsonl, ... within
// one day.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Ext is the file name extension of the files a Store writes and reads.
const Ext = ".jsonl"

// KeyFunc returns the key of a stored line: the identity that must appear
// once across all files.
type KeyFunc func(line []byte) (string, error)

// Options tune a Store. The zero value rotates by day only.
type Options struct {
	// MaxBytes starts a new file of the same day once the current one would
	// grow past it. Zero means no limit. A single line longer than MaxBytes
	// gets a file of its own.
	MaxBytes int64
	// Now is the clock that picks the day of a file. Default time.Now.
	Now func() time.Time
}

// Errors returned by Append.
var (
	// ErrNewline is returned for a line that contains a newline.
	ErrNewline = errors.New("jsonl: line contains a newline")
	// ErrClosed is returned by Append after Close.
	ErrClosed = errors.New("jsonl: store closed")
)

// Store appends lines to files in one directory, each key once. It is safe
// for concurrent use.
type Store struct {
	dir    string
	prefix string
	keyOf  KeyFunc
	opts   Options

	mu      sync.Mutex
	seen    map[string]struct{} // keys whose line is durable
	pending map[string]*batch   // keys whose line waits for an fsync
	cur     *batch              // lines not yet taken by the flusher
	closed  bool
	broken  error // set when a failed write could not be undone

	kick chan struct{} // wakes the flusher; closed by Close
	done chan struct{} // closed when the flusher has exited

	lines, syncs atomic.Uint64 // lines committed, fsyncs done

	// File state, owned by the flusher goroutine (and by Open before it
	// starts).
	f     *os.File
	day   string
	part  int
	size  int64
	parts map[string]int // the highest part seen of each day
}

// batch is a group of lines committed by one fsync (or, when rotation falls
// inside it, by one per file).
type batch struct {
	keys  []string
	lines [][]byte
	bytes int
	done  chan struct{}
	// durable is how many lines, from the first, are durably written; the
	// rest failed with err.
	durable int
	err     error
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// Open opens the store in dir, creating dir if needed. It reads every
// existing .jsonl file there, truncating a torn last line, and learns the key
// of every line.
func Open(dir, prefix string, keyOf KeyFunc, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("jsonl: creating %s: %w", dir, err)
	}
	s := &Store{
		dir: dir, prefix: prefix, keyOf: keyOf, opts: opts,
		seen: map[string]struct{}{}, pending: map[string]*batch{}, cur: newBatch(),
		kick: make(chan struct{}, 1), done: make(chan struct{}), parts: map[string]int{},
	}
	names, err := filepath.Glob(filepath.Join(dir, "*"+Ext))
	if err != nil {
		return nil, fmt.Errorf("jsonl: listing %s: %w", dir, err)
	}
	sort.Strings(names)
	for _, name := range names {
		if st, err := os.Stat(name); err == nil && !st.Mode().IsRegular() {
			continue
		}
		if err := s.load(name); err != nil {
			return nil, err
		}
		if day, part, ok := s.parseName(filepath.Base(name)); ok && part >= s.parts[day] {
			s.parts[day] = part
		}
	}
	go s.flusher()
	return s, nil
}

// FileName is the name of part (0, 1, ...) of the file of day (YYYY-MM-DD).
func FileName(prefix, day string, part int) string {
	if part == 0 {
		return prefix + "-" + day + Ext
	}
	return fmt.Sprintf("%s-%s_%04d%s", prefix, day, part, Ext)
}

// parseName is the inverse of FileName.
func (s *Store) parseName(base string) (day string, part int, ok bool) {
	rest, ok := strings.CutPrefix(base, s.prefix+"-")
	if !ok {
		return "", 0, false
	}
	rest, ok = strings.CutSuffix(rest, Ext)
	if !ok || len(rest) < len("2006-01-02") {
		return "", 0, false
	}
	day, rest = rest[:10], rest[10:]
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return "", 0, false
	}
	if rest == "" {
		return day, 0, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(rest, "_"))
	if err != nil || !strings.HasPrefix(rest, "_") || n <= 0 {
		return "", 0, false
	}
	return day, n, true
}

// load repairs and indexes one file.
func (s *Store) load(name string) error {
	if err := repairTail(name); err != nil {
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("jsonl: opening %s: %w", name, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			key, kerr := s.keyOf(bytes.TrimSuffix(line, []byte("\n")))
			if kerr != nil {
				return fmt.Errorf("jsonl: reading key of %s line %d: %w", name, n, kerr)
			}
			s.seen[key] = struct{}{}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("jsonl: reading %s: %w", name, err)
		}
	}
}

// repairTail truncates a file after its last newline, dropping a line that a
// crash left half-written, and syncs it: lines a killed process wrote but
// never synced may be only in the page cache, and once indexed they answer
// Has, so the articles they hold are acknowledged without being written
// again.
func repairTail(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("jsonl: opening %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("jsonl: inspecting %s: %w", name, err)
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	// Scan back from the end in chunks for the last newline.
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	end := size
	for end > 0 {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && err != io.EOF {
			return fmt.Errorf("jsonl: reading %s: %w", name, err)
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep == size {
				if err := f.Sync(); err != nil {
					return fmt.Errorf("jsonl: syncing %s: %w", name, err)
				}
				return nil
			}
			return truncate(f, keep)
		}
		end = start
	}
	return truncate(f, 0)
}

func truncate(f *os.File, size int64) error {
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("jsonl: truncating %s to %d bytes: %w", f.Name(), size, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("jsonl: syncing %s: %w", f.Name(), err)
	}
	return nil
}

// Has reports whether a line with key is durably stored.
func (s *Store) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.seen[key]
	return ok
}

// Len is the number of distinct keys durably stored.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// Stats reports how many lines the store has committed and how many fsyncs
// that took, since it was opened.
func (s *Store) Stats() (lines, syncs uint64) { return s.lines.Load(), s.syncs.Load() }

// Append writes line under key and returns once it is fsynced, unless a line
// with key is already stored. written reports whether this call wrote it.
// If ctx ends first, Append returns ctx's error; the line may still be
// written, and a later Append of the same key then reports it as stored.
func (s *Store) Append(ctx context.Context, key string, line []byte) (written bool, err error) {
	if bytes.IndexByte(line, '\n') >= 0 {
		return false, ErrNewline
	}
	s.mu.Lock()
	switch {
	case s.broken != nil:
		s.mu.Unlock()
		return false, s.broken
	case s.closed:
		s.mu.Unlock()
		return false, ErrClosed
	}
	if _, ok := s.seen[key]; ok {
		s.mu.Unlock()
		return false, nil
	}
	if b, ok := s.pending[key]; ok {
		// The same key is on its way to disk from another caller: wait
		// for that fsync, then report the line as stored (or the error).
		s.mu.Unlock()
		if err := wait(ctx, b); err != nil {
			return false, err
		}
		if s.Has(key) {
			return false, nil
		}
		return false, fmt.Errorf("jsonl: concurrent append of %s failed: %w", key, b.err)
	}
	b := s.cur
	i := len(b.keys)
	b.keys = append(b.keys, key)
	b.lines = append(b.lines, append([]byte(nil), line...))
	b.bytes += len(line) + 1
	s.pending[key] = b
	select { // under mu, so that Close cannot have closed kick
	case s.kick <- struct{}{}:
	default:
	}
	s.mu.Unlock()
	if err := wait(ctx, b); err != nil {
		return false, err
	}
	if i < b.durable {
		return true, nil
	}
	return false, b.err
}

func wait(ctx context.Context, b *batch) error {
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flusher commits batches until Close.
func (s *Store) flusher() {
	defer close(s.done)
	for range s.kick {
		s.drain()
	}
	s.drain()
	if s.f != nil {
		_ = s.f.Close()
		s.f = nil
	}
}

// drain commits batches until none is waiting.
func (s *Store) drain() {
	for {
		s.mu.Lock()
		b := s.cur
		if len(b.keys) == 0 {
			s.mu.Unlock()
			return
		}
		s.cur = newBatch()
		broken := s.broken
		s.mu.Unlock()

		if broken != nil {
			b.err = broken
		} else {
			b.durable, b.err = s.commit(b)
		}
		s.lines.Add(uint64(b.durable))
		s.mu.Lock()
		for i, k := range b.keys {
			if i < b.durable {
				s.seen[k] = struct{}{}
			}
			delete(s.pending, k)
		}
		s.mu.Unlock()
		close(b.done)
	}
}

// commit writes and fsyncs the lines of b, rotating files as needed. It
// returns how many lines, from the first, are durable. On a failure it
// truncates the file back to its last durable size, so a retry never finds
// a half-committed line; if even that fails the store is broken.
func (s *Store) commit(b *batch) (durable int, err error) {
	buf := make([]byte, 0, b.bytes)
	first := 0 // first line of b in buf
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		start := s.size
		if _, err := s.f.Write(buf); err != nil {
			return s.undo(start, fmt.Errorf("jsonl: writing %s: %w", s.f.Name(), err))
		}
		if err := s.f.Sync(); err != nil {
			return s.undo(start, fmt.Errorf("jsonl: syncing %s: %w", s.f.Name(), err))
		}
		s.syncs.Add(1)
		s.size += int64(len(buf))
		buf = buf[:0]
		return nil
	}
	for i, line := range b.lines {
		day := s.opts.Now().UTC().Format("2006-01-02")
		n := int64(len(line) + 1)
		pendingSize := s.size + int64(len(buf))
		full := s.opts.MaxBytes > 0 && pendingSize > 0 && pendingSize+n > s.opts.MaxBytes
		if s.f == nil || s.day != day || full {
			if err := flush(); err != nil {
				return first, err
			}
			first = i
			if err := s.rotate(day, full && s.day == day, n); err != nil {
				return first, err
			}
		}
		buf = append(append(buf, line...), '\n')
	}
	if err := flush(); err != nil {
		return first, err
	}
	return len(b.lines), nil
}

// undo truncates the current file back to size after a failed write.
func (s *Store) undo(size int64, cause error) error {
	if err := truncate(s.f, size); err != nil {
		s.mu.Lock()
		s.broken = fmt.Errorf("jsonl: store unusable after %w; undoing it: %w", cause, err)
		s.mu.Unlock()
		return s.broken
	}
	return cause
}

// rotate closes the current file and opens the one to append to for day: the
// day's last part, or the next part when next is set or the last cannot take
// need more bytes (an empty part takes any line).
func (s *Store) rotate(day string, next bool, need int64) error {
	if s.f != nil {
		// Every line in the file was fsynced before rotation, so a failed
		// close loses nothing; the file is let go either way, or every
		// later rotation would trip over it again.
		_ = s.f.Close()
		s.f = nil
	}
	part := s.parts[day]
	if next {
		part++
	}
	for {
		name := filepath.Join(s.dir, FileName(s.prefix, day, part))
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("jsonl: opening %s: %w", name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("jsonl: inspecting %s: %w", name, err)
		}
		if s.opts.MaxBytes > 0 && st.Size() > 0 && st.Size()+need > s.opts.MaxBytes {
			f.Close()
			part++
			continue
		}
		if err := syncDir(s.dir); err != nil {
			f.Close()
			return err
		}
		s.f, s.day, s.part, s.size = f, day, part, st.Size()
		s.parts[day] = part
		return nil
	}
}

// syncDir makes a newly created file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("jsonl: opening %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !strings.Contains(err.Error(), "invalid argument") {
		return fmt.Errorf("jsonl: syncing %s: %w", dir, err)
	}
	return nil
}

// Close commits what was appended so far and closes the current file.
// Appends after Close fail with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closed = true
	close(s.kick)
	s.mu.Unlock()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	return nil
}
