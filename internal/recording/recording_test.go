package recording

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestRoundTripKeepsPayloadsExactly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	payloads := [][]byte{
		[]byte(`{"a":"\u003cb\u003e & <i>","n":1.50}`), // compact JSON, escapes kept as they are
		[]byte(`{ "spaced": true }`),                   // JSON, but not compact
		{0xff, 0x00, '\n'},                             // not JSON at all
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for i, p := range payloads {
		h := nats.Header{"Nats-Msg-Id": {"id" + string(rune('a'+i))}}
		if err := w.Write(New("S", uint64(i+1), "news.raw.file", at, h, p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []Record
	if err := ReadFile(path, func(r Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(payloads) {
		t.Fatalf("%d records, want %d", len(got), len(payloads))
	}
	for i, r := range got {
		m := r.Msg()
		if !bytes.Equal(m.Data, payloads[i]) || m.Header.Get("Nats-Msg-Id") == "" || !r.Time.Equal(at) || r.Seq != uint64(i+1) {
			t.Errorf("record %d = %q %v seq %d at %v; want %q", i, m.Data, m.Header, r.Seq, r.Time, payloads[i])
		}
	}
	if got[0].Data == nil || got[2].DataB64 == nil {
		t.Error("compact JSON not stored as JSON, or binary not as base64")
	}
	if n, _ := Count(path); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
}

func TestReadRejectsGarbage(t *testing.T) {
	for _, in := range []string{"not json\n", `{"stream":"S"}` + "\n"} {
		if err := Read(strings.NewReader(in), func(Record) error { return nil }); err == nil {
			t.Errorf("Read(%q) accepted", in)
		}
	}
}

// A recording saved by an editor that starts it with a byte order mark
// reads as the same recording; a mark further on is still garbage.
func TestReadSkipsALeadingByteOrderMark(t *testing.T) {
	line := `{"stream":"S","seq":1,"subject":"news.raw.file","time":"2026-01-02T03:04:05Z","data":{"a":1}}` + "\n"
	var n int
	if err := Read(strings.NewReader("\ufeff"+line+line), func(Record) error { n++; return nil }); err != nil || n != 2 {
		t.Errorf("Read with a leading mark: %d records, %v; want 2", n, err)
	}
	if err := Read(strings.NewReader(line+"\ufeff"+line), func(Record) error { return nil }); err == nil {
		t.Error("Read accepted a mark inside the recording")
	}
}
