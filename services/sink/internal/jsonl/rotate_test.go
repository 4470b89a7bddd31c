package jsonl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// The first line after a restart is held to the size limit like every
// other: it starts a new part when the day's last one cannot take it.
func TestFirstAppendAfterReopenKeepsToTheSizeLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	opts := Options{MaxBytes: 35, Now: func() time.Time { return day }} // two 14-byte lines fit, three do not
	for _, ids := range [][]string{{"id00", "id01", "id02", "id03"}, {"id04"}, {"id05"}} {
		s := open(t, dir, opts)
		for _, id := range ids {
			if _, err := s.Append(ctx, id, rec(id)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"+Ext))
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > opts.MaxBytes {
			t.Errorf("%s holds %d bytes, over the limit of %d", filepath.Base(n), st.Size(), opts.MaxBytes)
		}
	}
	if got, want := len(names), 3; got != want {
		t.Errorf("%d files, want %d", got, want)
	}
	if got := len(lines(t, dir)); got != 6 {
		t.Errorf("%d lines, want 6", got)
	}
	for i := range 6 {
		if s := open(t, dir, opts); !s.Has(fmt.Sprintf("id%02d", i)) {
			t.Errorf("id%02d missing after reopen", i)
			s.Close()
		} else {
			s.Close()
		}
	}
}

// A file that fails to close on rotation (its lines were already fsynced)
// must not wedge the store: the next file is opened and appends go on.
func TestFailedCloseOnRotationDoesNotWedgeTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	set(time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC))
	s := open(t, dir, Options{Now: func() time.Time { return *now.Load() }})
	defer s.Close()
	if _, err := s.Append(ctx, "a", rec("a")); err != nil {
		t.Fatal(err)
	}
	// Close the current file under the store: its Close at the next
	// rotation fails for real. Append returned, so the flusher is idle.
	if err := s.f.Close(); err != nil {
		t.Fatal(err)
	}
	set(time.Date(2026, 3, 5, 0, 1, 0, 0, time.UTC))
	for _, id := range []string{"b", "c"} {
		if _, err := s.Append(ctx, id, rec(id)); err != nil {
			t.Fatalf("Append(%s) after a failed close: %v", id, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "out-2026-03-05.jsonl"))
	if err != nil || string(b) != "{\"ID\":\"b\"}\n{\"ID\":\"c\"}\n" {
		t.Errorf("the new day's file: %q, %v; want lines b and c", b, err)
	}
}
