// Package stdout writes events as JSON Lines to a stream, normally the
// process's standard output, one whole line per write so that lines from
// concurrent deliveries never interleave.
package stdout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrNewline is returned for a line that contains a newline.
var ErrNewline = errors.New("stdout: line contains a newline")

// Writer writes lines to w.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// New returns a writer of lines to w.
func New(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes line and a newline in one call to the underlying writer.
func (w *Writer) Write(line []byte) error {
	if bytes.IndexByte(line, '\n') >= 0 {
		return ErrNewline
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(append(w.buf[:0], line...), '\n')
	if _, err := w.w.Write(w.buf); err != nil {
		return fmt.Errorf("stdout: writing line: %w", err)
	}
	return nil
}
