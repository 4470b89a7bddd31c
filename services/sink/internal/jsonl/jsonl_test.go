package jsonl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		out = append(out, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")...)
	}
	return out
}

func TestAppendWritesEachKeyOnceAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, "out", keyOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "a"} {
		if _, err := s.Append(id, []byte(`{"ID":"`+id+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(dir, "out", keyOf)
	if err != nil {
		t.Fatal(err)
	}
	if w, err := s.Append("b", []byte(`{"ID":"b"}`)); err != nil || w {
		t.Errorf("Append of a stored key after reopen: written %v, err %v; want false, nil", w, err)
	}
	if w, _ := s.Append("c", []byte(`{"ID":"c"}`)); !w {
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
	s, err := Open(dir, "out", keyOf)
	if err != nil {
		t.Fatal(err)
	}
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
	s, err := Open(t.TempDir(), "out", keyOf)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Append("x", []byte("a\nb")); err != ErrNewline {
		t.Errorf("err = %v, want ErrNewline", err)
	}
}
