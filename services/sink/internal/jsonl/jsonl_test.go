package jsonl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func keyOf(line []byte) (string, error) {
	var v struct{ ID string }
	err := json.Unmarshal(line, &v)
	return v.ID, err
}

func lines(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*"+Ext))
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			continue
		}
		out = append(out, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
	}
	return out
}

func open(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, "out", keyOf, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rec(id string) []byte { return []byte(`{"ID":"` + id + `"}`) }

func TestAppendWritesEachKeyOnceAcrossReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir, Options{})
	for _, id := range []string{"a", "b", "a"} {
		if _, err := s.Append(ctx, id, rec(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, Options{})
	if w, err := s.Append(ctx, "b", rec("b")); err != nil || w {
		t.Errorf("Append of a stored key after reopen: written %v, err %v; want false, nil", w, err)
	}
	if w, _ := s.Append(ctx, "c", rec("c")); !w {
		t.Error("Append of a new key did not write")
	}
	s.Close()
	if got := lines(t, dir); len(got) != 3 {
		t.Errorf("lines = %q, want 3", got)
	}
}

func TestOpenRepairsTornLine(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out-2025-01-01"+Ext)
	if err := os.WriteFile(name, []byte("{\"ID\":\"a\"}\n{\"ID\":\"b"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, Options{})
	defer s.Close()
	if !s.Has("a") || s.Has("b") || s.Len() != 1 {
		t.Errorf("after repair: has a %v, has b %v, len %d; want true, false, 1", s.Has("a"), s.Has("b"), s.Len())
	}
	b, _ := os.ReadFile(name)
	if string(b) != "{\"ID\":\"a\"}\n" {
		t.Errorf("repaired file = %q", b)
	}
}

func TestAppendRejectsNewline(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer s.Close()
	if _, err := s.Append(context.Background(), "x", []byte("a\nb")); !errors.Is(err, ErrNewline) {
		t.Errorf("err = %v, want ErrNewline", err)
	}
}

func TestConcurrentAppendsShareFsyncsAndWriteEachKeyOnce(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	const workers, perWorker = 16, 50
	var wrote atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Every key is appended by two workers at once.
				id := fmt.Sprintf("k%d-%d", w/2, i)
				written, err := s.Append(context.Background(), id, rec(id))
				if err != nil {
					t.Error(err)
					return
				}
				if written {
					wrote.Add(1)
				}
				if !s.Has(id) {
					t.Errorf("Append(%s) returned before the key was durable", id)
				}
			}
		})
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := workers / 2 * perWorker
	got := lines(t, dir)
	seen := map[string]bool{}
	for _, l := range got {
		if seen[l] {
			t.Errorf("line %s written twice", l)
		}
		seen[l] = true
	}
	if len(got) != want || wrote.Load() != int64(want) {
		t.Errorf("%d lines, %d reported written; want %d of each", len(got), wrote.Load(), want)
	}
}

func TestRotatesBySizeAndContinuesTheLastPartAfterReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	opts := Options{MaxBytes: 42, Now: func() time.Time { return day }}
	s := open(t, dir, opts)
	for i := range 5 { // each line is 14 bytes with its newline: three fit in 42
		id := fmt.Sprintf("id%02d", i)
		if _, err := s.Append(ctx, id, rec(id)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = open(t, dir, opts)
	for i := 5; i < 7; i++ {
		id := fmt.Sprintf("id%02d", i)
		if _, err := s.Append(ctx, id, rec(id)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	names, _ := filepath.Glob(filepath.Join(dir, "*"+Ext))
	sort.Strings(names)
	var got []string
	for _, n := range names {
		b, _ := os.ReadFile(n)
		got = append(got, fmt.Sprintf("%s:%d", filepath.Base(n), strings.Count(string(b), "\n")))
	}
	want := []string{"out-2026-03-04.jsonl:3", "out-2026-03-04_0001.jsonl:3", "out-2026-03-04_0002.jsonl:1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files = %v, want %v", got, want)
	}
}

func TestRotatesByDay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	set(time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC))
	s := open(t, dir, Options{Now: func() time.Time { return *now.Load() }})
	s.Append(ctx, "a", rec("a"))
	set(time.Date(2026, 3, 5, 0, 1, 0, 0, time.UTC))
	s.Append(ctx, "b", rec("b"))
	s.Close()
	for _, name := range []string{"out-2026-03-04.jsonl", "out-2026-03-05.jsonl"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || strings.Count(string(b), "\n") != 1 {
			t.Errorf("%s: %q, %v; want one line", name, b, err)
		}
	}
}

func TestFailedWriteIsRetriedWithoutADuplicate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	s := open(t, dir, Options{Now: func() time.Time { return day }})
	defer s.Close()
	// A directory where the day's file belongs makes opening it fail.
	blocker := filepath.Join(dir, FileName("out", "2026-03-04", 0))
	if err := os.Mkdir(blocker, 0o755); err != nil {
		t.Fatal(err)
	}
	if w, err := s.Append(ctx, "a", rec("a")); err == nil || w {
		t.Fatalf("Append with the file blocked: written %v, err %v; want an error", w, err)
	}
	if s.Has("a") {
		t.Fatal("a failed append left its key behind")
	}
	os.Remove(blocker)
	if w, err := s.Append(ctx, "a", rec("a")); err != nil || !w {
		t.Fatalf("retried Append: written %v, err %v; want true, nil", w, err)
	}
	if w, _ := s.Append(ctx, "a", rec("a")); w {
		t.Error("a third Append wrote again")
	}
	if got := lines(t, dir); len(got) != 1 {
		t.Errorf("lines = %q, want one", got)
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	s.Close()
	if _, err := s.Append(context.Background(), "a", rec("a")); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
}

func TestFileNameParses(t *testing.T) {
	s := &Store{prefix: "clustered"}
	for _, part := range []int{0, 1, 12, 9999} {
		name := FileName("clustered", "2026-01-02", part)
		day, p, ok := s.parseName(name)
		if !ok || day != "2026-01-02" || p != part {
			t.Errorf("parseName(%q) = %q, %d, %v; want 2026-01-02, %d, true", name, day, p, ok, part)
		}
	}
	for _, name := range []string{"other-2026-01-02.jsonl", "clustered-2026-01-02_x.jsonl", "clustered-20260102.jsonl"} {
		if _, _, ok := s.parseName(name); ok {
			t.Errorf("parseName(%q) accepted", name)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	for _, workers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s, err := Open(b.TempDir(), "out", keyOf, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			line := []byte(`{"ID":"x","text":"` + strings.Repeat("word ", 400) + `"}`)
			var next atomic.Int64
			b.ResetTimer()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						if _, err := s.Append(context.Background(), fmt.Sprint(i), line); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
