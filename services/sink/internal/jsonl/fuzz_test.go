package jsonl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzOpen opens a store over a file holding anything a crash, a full disk or
// a stray editor could leave: Open never panics; when it accepts the file,
// it knows the key of every whole line, the file ends on a whole line, a
// new record appends after it, and a reopen knows the new record's key and
// every old one.
func FuzzOpen(f *testing.F) {
	f.Add([]byte("{\"ID\":\"a\"}\n{\"ID\":\"b\"}\n"))
	f.Add([]byte("{\"ID\":\"a\"}\n{\"ID\":\"b\""))
	f.Add([]byte("{\"ID\":\"a\"}\r\n\n\n"))
	f.Add([]byte("not json\n"))
	f.Add([]byte{})
	day := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	opts := Options{Now: func() time.Time { return day }}
	f.Fuzz(func(t *testing.T, content []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, FileName("clustered", "2026-03-09", 0))
		if err := os.WriteFile(name, content, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir, "clustered", keyOf, opts)
		if err != nil {
			return
		}
		if s.Has("fuzz-new") {
			s.Close()
			return // the file already holds the key the test would add
		}
		// Every whole line of the file was read and its key learnt.
		var keys []string
		if i := bytes.LastIndexByte(content, '\n'); i >= 0 {
			for line := range bytes.SplitSeq(content[:i], []byte("\n")) {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				k, err := keyOf(line)
				if err != nil || !s.Has(k) {
					t.Fatalf("opening %q: line %q, key %q (%v), not learnt", content, line, k, err)
				}
				keys = append(keys, k)
			}
		}
		known := s.Len()
		if _, err := s.Append(context.Background(), "fuzz-new", []byte(`{"ID":"fuzz-new"}`)); err != nil {
			t.Fatalf("append after opening %q: %v", content, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || b[len(b)-1] != '\n' {
			t.Fatalf("file after append ends %q, not on a whole line", b)
		}
		s, err = Open(dir, "clustered", keyOf, opts)
		if err != nil {
			t.Fatalf("reopening after an append to %q: %v", content, err)
		}
		defer s.Close()
		if !s.Has("fuzz-new") {
			t.Fatalf("reopened store over %q forgot the appended key", content)
		}
		for _, k := range keys {
			if !s.Has(k) {
				t.Fatalf("reopened store over %q forgot the key %q", content, k)
			}
		}
		if s.Len() != known+1 {
			t.Fatalf("store over %q knew %d keys, %d after one append", content, known, s.Len())
		}
	})
}
