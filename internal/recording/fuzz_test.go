package recording

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// FuzzRead reads recording files as a user might hand them over: Read never
// panics, every record it passes on has a subject, and what it accepted
// survives being written and read again. The same bytes, as a message's
// payload, are recorded and read back byte for byte.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"stream":"NEWS_RAW","seq":1,"subject":"news.raw.file","time":"2026-03-09T10:00:00Z","headers":{"ce-id":["x"]},"data":{"id":"d1"}}` + "\n"))
	f.Add([]byte(`{"stream":"S","seq":2,"subject":"a.b","time":"2026-03-09T10:00:00Z","data_base64":"AAEC"}` + "\n\n"))
	f.Add([]byte(`{"subject":""}`))
	f.Add([]byte("{\n"))
	f.Add([]byte(`{"subject":"x","data":null}`))
	f.Add([]byte(`{"a":"<b>&\u2028","c":[1,2.50,null]}`))
	// Hostile files: a BOM, NULs and invalid UTF-8, CRLF line ends, deep
	// nesting in data, a very long line.
	f.Add([]byte("\xef\xbb\xbf{\"subject\":\"a.b\",\"data\":{\"x\":\"\x00\xff\xfe\"}}\r\n{\"subject\":\"c\x00\",\"data_base64\":\"!!\"}\r\n"))
	f.Add([]byte(`{"subject":"a","data":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}\n"))
	f.Add([]byte(`{"subject":"a","data":"` + strings.Repeat("x", 70_000) + `"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPayloadRoundTrip(t, data)
		var recs []Record
		err := Read(bytes.NewReader(data), func(r Record) error {
			if r.Subject == "" {
				t.Fatal("a record without a subject was passed on")
			}
			recs = append(recs, r)
			return nil
		})
		if err != nil {
			return
		}
		path := filepath.Join(t.TempDir(), "again.jsonl")
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := w.Write(r); err != nil {
				t.Fatalf("writing a record read from %q: %v", data, err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		n := 0
		if err := ReadFile(path, func(r Record) error {
			if r.Subject != recs[n].Subject || !bytes.Equal(r.DataB64, recs[n].DataB64) {
				t.Fatalf("record %d changed on the way: %+v, was %+v", n, r, recs[n])
			}
			n++
			return nil
		}); err != nil {
			t.Fatalf("reading back what was read from %q: %v", data, err)
		}
		if n != len(recs) {
			t.Fatalf("%d records read back, %d written", n, len(recs))
		}
	})
}

// checkPayloadRoundTrip records a message with payload data, writes it, reads
// it back and checks that the payload replays byte for byte.
func checkPayloadRoundTrip(t *testing.T, data []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "payload.jsonl")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	rec := New("S", 1, "a.b", time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), nats.Header{"Ce-Id": {"x"}}, data)
	if err := w.Write(rec); err != nil {
		t.Fatalf("writing a record of payload %q: %v", data, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := ReadFile(path, func(r Record) error {
		n++
		if !bytes.Equal(r.Payload(), data) || !bytes.Equal(r.Msg().Data, data) {
			t.Fatalf("payload %q came back as %q", data, r.Payload())
		}
		return nil
	}); err != nil || n != 1 {
		t.Fatalf("reading back a record of payload %q: %d records, %v", data, n, err)
	}
}
