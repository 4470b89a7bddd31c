package stdout

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestConcurrentLinesDoNotInterleave(t *testing.T) {
	var out bytes.Buffer
	w := New(&out)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				if err := w.Write([]byte(fmt.Sprintf(`{"w":%d,"n":%d,"pad":%q}`, i, j, strings.Repeat("x", 100)))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"w":`) || !strings.HasSuffix(l, `"}`) {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestRejectsNewline(t *testing.T) {
	if err := New(&bytes.Buffer{}).Write([]byte("a\nb")); !errors.Is(err, ErrNewline) {
		t.Errorf("err = %v, want ErrNewline", err)
	}
}
