// Package recording reads and writes recordings of stream messages: JSON
// Lines of {stream, seq, subject, time, headers, data}, one message per line,
// so that a stream range captured once can be replayed into a fresh pipeline
// byte for byte. A payload that is compact JSON (every wirewatch event) is
// stored as JSON, readable with jq; any other payload as base64 in
// data_base64.
package recording

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// Record is one recorded message.
type Record struct {
	Stream  string              `json:"stream"`
	Seq     uint64              `json:"seq"`
	Subject string              `json:"subject"`
	Time    time.Time           `json:"time"`
	Headers map[string][]string `json:"headers,omitempty"`
	Data    json.RawMessage     `json:"data,omitempty"`
	DataB64 []byte              `json:"data_base64,omitempty"`
}

// New records a message of stream at seq, stored at t.
func New(stream string, seq uint64, subject string, t time.Time, h nats.Header, data []byte) Record {
	r := Record{Stream: stream, Seq: seq, Subject: subject, Time: t.UTC()}
	if len(h) > 0 {
		r.Headers = map[string][]string(h)
	}
	var compact bytes.Buffer
	if json.Valid(data) && json.Compact(&compact, data) == nil && bytes.Equal(compact.Bytes(), data) {
		r.Data = append(json.RawMessage(nil), data...)
	} else {
		r.DataB64 = append([]byte(nil), data...)
	}
	return r
}

// Payload is the message's payload, as it was.
func (r Record) Payload() []byte {
	if r.Data != nil {
		return r.Data
	}
	return r.DataB64
}

// Msg is the message again, ready to publish with its original headers.
func (r Record) Msg() *nats.Msg {
	m := nats.NewMsg(r.Subject)
	for k, v := range r.Headers {
		m.Header[k] = append([]string(nil), v...)
	}
	m.Data = r.Payload()
	return m
}

// Writer writes a recording file.
type Writer struct {
	f   *os.File
	bw  *bufio.Writer
	enc *json.Encoder
	n   int
}

// Create creates (or truncates) the recording file at path.
func Create(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("recording: creating %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(bw)
	// Keep payload bytes exactly as they were: no re-escaping of <, >, &.
	enc.SetEscapeHTML(false)
	return &Writer{f: f, bw: bw, enc: enc}, nil
}

// Write appends one record.
func (w *Writer) Write(r Record) error {
	if err := w.enc.Encode(r); err != nil {
		return fmt.Errorf("recording: writing %s seq %d: %w", r.Stream, r.Seq, err)
	}
	w.n++
	return nil
}

// Len is the number of records written.
func (w *Writer) Len() int { return w.n }

// Close flushes, fsyncs and closes the file. A recording written into a
// pipe or a terminal (/dev/stdout) has nothing to fsync.
func (w *Writer) Close() error {
	err := w.bw.Flush()
	if st, serr := w.f.Stat(); err == nil && serr == nil && st.Mode().IsRegular() {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("recording: closing %s: %w", w.f.Name(), err)
	}
	return nil
}

// ErrEmptyRecord is returned for a line that is not a message.
var ErrEmptyRecord = errors.New("recording: record has no subject")

// Read calls fn for every record of r, in order, and stops at fn's first
// error.
func Read(r io.Reader, fn func(Record) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if n == 1 {
			// A recording saved by an editor may start with a UTF-8 byte
			// order mark.
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			var rec Record
			if jerr := json.Unmarshal(line, &rec); jerr != nil {
				return fmt.Errorf("recording: reading line %d: %w", n, jerr)
			}
			if rec.Subject == "" {
				return fmt.Errorf("line %d: %w", n, ErrEmptyRecord)
			}
			if ferr := fn(rec); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("recording: reading line %d: %w", n, err)
		}
	}
}

// ReadFile is Read over the file at path.
func ReadFile(path string, fn func(Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("recording: opening %s: %w", path, err)
	}
	defer f.Close()
	return Read(f, fn)
}

// Count returns the number of records in the file at path.
func Count(path string) (int, error) {
	n := 0
	err := ReadFile(path, func(Record) error { n++; return nil })
	return n, err
}
