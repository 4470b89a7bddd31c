// Package jsonl appends records to JSON Lines files so that each record is
// written once: it remembers the key of every line it holds, across restarts,
// and repairs a line torn by a crash before appending after it.
package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Ext is the file name extension of the files a Store writes and reads.
const Ext = ".jsonl"

// KeyFunc returns the key of a stored line: the identity that must appear
// once across all files.
type KeyFunc func(line []byte) (string, error)

// Store appends lines to one file per UTC day, named <prefix>-YYYY-MM-DD.jsonl.
// It is not safe for concurrent use.
type Store struct {
	dir    string
	prefix string
	keyOf  KeyFunc
	seen   map[string]struct{}
	f      *os.File
	day    string
	now    func() time.Time
}

// ErrNewline is returned for a line that contains a newline.
var ErrNewline = errors.New("jsonl: line contains a newline")

// Open opens the store in dir, creating dir if needed. It reads every
// existing .jsonl file there, truncating a torn last line, and learns the key
// of every line.
func Open(dir, prefix string, keyOf KeyFunc) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("jsonl: creating %s: %w", dir, err)
	}
	s := &Store{dir: dir, prefix: prefix, keyOf: keyOf, seen: map[string]struct{}{}, now: time.Now}
	names, err := filepath.Glob(filepath.Join(dir, "*"+Ext))
	if err != nil {
		return nil, fmt.Errorf("jsonl: listing %s: %w", dir, err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.load(name); err != nil {
			return nil, err
		}
	}
	return s, nil
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
// crash left half-written.
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
				return nil
			}
			return truncate(f, name, keep)
		}
		end = start
	}
	return truncate(f, name, 0)
}

func truncate(f *os.File, name string, size int64) error {
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("jsonl: truncating torn line of %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("jsonl: syncing %s: %w", name, err)
	}
	return nil
}

// Has reports whether a line with key is stored.
func (s *Store) Has(key string) bool {
	_, ok := s.seen[key]
	return ok
}

// Len is the number of distinct keys stored.
func (s *Store) Len() int { return len(s.seen) }

// Append writes line under key, flushed and fsynced before it returns, unless
// a line with key is already stored. written reports whether it wrote.
func (s *Store) Append(key string, line []byte) (written bool, err error) {
	if s.Has(key) {
		return false, nil
	}
	if bytes.IndexByte(line, '\n') >= 0 {
		return false, ErrNewline
	}
	f, err := s.file()
	if err != nil {
		return false, err
	}
	buf := make([]byte, 0, len(line)+1)
	buf = append(append(buf, line...), '\n')
	if _, err := f.Write(buf); err != nil {
		return false, fmt.Errorf("jsonl: writing %s: %w", f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		return false, fmt.Errorf("jsonl: syncing %s: %w", f.Name(), err)
	}
	s.seen[key] = struct{}{}
	return true, nil
}

// file returns the file of the current day, opening it when the day changes.
func (s *Store) file() (*os.File, error) {
	day := s.now().UTC().Format("2006-01-02")
	if s.f != nil && s.day == day {
		return s.f, nil
	}
	if s.f != nil {
		if err := s.f.Close(); err != nil {
			return nil, fmt.Errorf("jsonl: closing %s: %w", s.f.Name(), err)
		}
		s.f = nil
	}
	name := filepath.Join(s.dir, s.prefix+"-"+day+Ext)
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("jsonl: opening %s: %w", name, err)
	}
	if err := syncDir(s.dir); err != nil {
		f.Close()
		return nil, err
	}
	s.f, s.day = f, day
	return f, nil
}

// syncDir makes a newly created file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("jsonl: opening %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !strings.Contains(err.Error(), "invalid argument") {
		return fmt.Errorf("jsonl: syncing %s: %w", dir, err)
	}
	return nil
}

// Close closes the current file.
func (s *Store) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
