package feed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parse(t *testing.T, name, charset, base string) *Feed {
	t.Helper()
	f, err := Parse(read(t, name), charset, base, Options{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		file, base string
		title      string
		ttl        time.Duration
		items      int
		first      Item // fields compared when set
	}{
		{"rss091.xml", "https://kessby.example/rss.xml", "Kessby Weekly", 0, 2,
			Item{Title: "Ferry timetable changes for the winter", Link: "https://kessby.example/news/ferry-winter",
				Summary: "The harbour ferry will run every forty minutes from November."}},
		{"rss10.rdf", "https://vesselcoast.example/rss", "Vessel Coast Daily", 30 * time.Minute, 1,
			Item{Title: "Breakwater repairs finished ahead of schedule", Link: "https://vesselcoast.example/a/1",
				Authors: []string{"Oskar Brenne"}, Categories: []string{"Harbour"}}},
		{"rss20.xml", "https://harbourherald.example/rss.xml", "Harbour Herald", 45 * time.Minute, 2,
			Item{GUID: "hh-2025-0811", Title: "Dock workers strike at Halden port",
				Link:    "https://harbourherald.example/2025/08/halden-strike?utm_source=rss&utm_medium=feed",
				Authors: []string{"Marta Lindqvist"}, Categories: []string{"Labour", "Ports"}}},
		{"atom.xml", "https://morningbrief.example/atom.xml", "Morning Brief", 0, 2,
			Item{GUID: "tag:morningbrief.example,2025:brief-0805-1", Title: "Halden strike enters second day",
				Link: "https://morningbrief.example/brief/2025-08-05#strike", Authors: []string{"Lena Vik"},
				Categories: []string{"Business"}, Summary: "Ships are still waiting outside the breakwater."}},
		{"feed.json", "https://coastalcourier.example/feed.json", "Coastal Courier", 0, 2,
			Item{GUID: "cc-101", Title: "Port talks resume", Link: "https://coastalcourier.example/news/101",
				Authors: []string{"Marta Lindqvist"}, Categories: []string{"ports", "labour"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parse(t, tt.file, "", tt.base)
			if f.Title != tt.title || f.TTL != tt.ttl || len(f.Items) != tt.items {
				t.Fatalf("feed title %q ttl %s items %d, want %q %s %d", f.Title, f.TTL, len(f.Items), tt.title, tt.ttl, tt.items)
			}
			got, want := f.Items[0], tt.first
			check := func(field string, g, w any) {
				if !reflect.ValueOf(w).IsZero() && !reflect.DeepEqual(g, w) {
					t.Errorf("first item %s = %#v, want %#v", field, g, w)
				}
			}
			check("guid", got.GUID, want.GUID)
			check("title", got.Title, want.Title)
			check("link", got.Link, want.Link)
			check("authors", got.Authors, want.Authors)
			check("categories", got.Categories, want.Categories)
			check("summary", got.Summary, want.Summary)
		})
	}
}

func TestParseDetails(t *testing.T) {
	rss := parse(t, "rss20.xml", "", "https://harbourherald.example/rss.xml")
	if p := rss.Items[0].Published; p == nil || !p.Equal(date("2025-08-04T08:15:00Z")) {
		t.Errorf("RSS pubDate = %v", p)
	}
	lib := rss.Items[1]
	if lib.Link != "https://harbourherald.example/2025/08/kessby-library" {
		t.Errorf("a permalink guid is the link: got %q", lib.Link)
	}
	if lib.FullText(150) == "" || !strings.Contains(lib.Content, "Ingrid Sollum") {
		t.Errorf("content:encoded not read as full text (%d words)", Words(lib.Content, 1000))
	}
	if rss.Items[0].FullText(150) != "" {
		t.Error("a one-line description counted as full text")
	}
	rel := parse(t, "rss091.xml", "", "https://kessby.example/rss.xml").Items[1]
	if rel.Link != "https://kessby.example/news/fish-market" {
		t.Errorf("relative link resolved to %q", rel.Link)
	}
	atom := parse(t, "atom.xml", "", "https://morningbrief.example/atom.xml")
	if u := atom.Items[0].Updated; u == nil || !u.Equal(date("2025-08-05T06:00:00Z")) {
		t.Errorf("Atom updated = %v", u)
	}
	if atom.Items[1].FullText(150) == "" {
		t.Error("Atom html content not read as full text")
	}
	js := parse(t, "feed.json", "", "https://coastalcourier.example/feed.json")
	note := js.Items[1]
	if note.Link != "" || !strings.Contains(note.Content, "Thank you for reading") {
		t.Errorf("JSON item without url: link %q content %q", note.Link, note.Content)
	}
	doc := string(note.Document(note.Content))
	if !strings.Contains(doc, "<p>We are changing how we cover the port.</p>") || !strings.Contains(doc, "<title>A note from the editor</title>") {
		t.Errorf("document of a text item:\n%s", doc)
	}
}

func TestParseEncodings(t *testing.T) {
	tests := []struct {
		file, charset string
		title, item   string
	}{
		{"latin1-no-decl.xml", "iso-8859-1", "Nyheter från Kessby", "København-færgen åbner igen"},
		{"latin1-no-decl.xml", "", "Nyheter från Kessby", "København-færgen åbner igen"}, // not UTF-8: taken as Windows-1252
		{"cp1252-mislabelled.xml", "utf-8", "Café “News”", "Mayor’s “big” day"},
		{"iso-declared.xml", "", "Från hamnen", "Strömmen vänder"},
		{"iso-declared.xml", "utf-8", "Från hamnen", "Strömmen vänder"}, // the declaration wins over a wrong header
		{"utf16le-bom.xml", "", "Åsgard Times", "Ægir sails"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.charset, func(t *testing.T) {
			f := parse(t, tt.file, tt.charset, "https://kessby.example/feed")
			if f.Title != tt.title || len(f.Items) == 0 || f.Items[0].Title != tt.item {
				t.Errorf("got title %q, items %+v; want %q and %q", f.Title, f.Items, tt.title, tt.item)
			}
		})
	}
	// A UTF-8 BOM is skipped.
	f, err := Parse(append([]byte{0xEF, 0xBB, 0xBF}, read(t, "rss091.xml")...), "", "", Options{})
	if err != nil || f.Title != "Kessby Weekly" {
		t.Errorf("feed with a BOM: %v, %v", f, err)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"malformed XML", read(t, "malformed.xml"), ErrMalformed},
		{"HTML page", read(t, "not-a-feed.html"), ErrNotFeed},
		{"empty", nil, ErrNotFeed},
		{"blank", []byte("  \n\t"), ErrNotFeed},
		{"broken JSON", []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{`), ErrMalformed},
		{"truncated atom", read(t, "atom.xml")[:700], ErrMalformed},
		{"nesting bomb", []byte(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>` +
			strings.Repeat("<dc:x>", 100000) + strings.Repeat("</dc:x>", 100000) + `</item></channel></rss>`), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.body, "", "https://x.example/feed", Options{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse = %+v, %v; want %v", f, err, tt.want)
			}
		})
	}
}

func TestParseCapsItemsAndFields(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<rss version="2.0"><channel><title>Many</title>`)
	for range 50 {
		b.WriteString(`<item><title>` + strings.Repeat("x", 5000) + `</title><link>https://many.example/a</link></item>`)
	}
	b.WriteString(`</channel></rss>`)
	f, err := Parse(b.Bytes(), "", "https://many.example/feed", Options{MaxItems: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 10 || len(f.Items[0].Title) != maxTitle {
		t.Errorf("%d items, title of %d bytes; want 10 and %d", len(f.Items), len(f.Items[0].Title), maxTitle)
	}
	if got := clip("aé", 2); got != "a" {
		t.Errorf("clip cut a character: %q", got)
	}
}

func TestReadList(t *testing.T) {
	want := []string{"https://harbourherald.example/rss.xml", "https://morningbrief.example/atom.xml", "https://coastalcourier.example/feed.json"}
	for _, name := range []string{"list.txt", "subscriptions.opml"} {
		got, err := ReadList(bytes.NewReader(read(t, name)))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ReadList(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := ReadList(strings.NewReader("https://ok.example/feed\nnot a url\n")); !errors.Is(err, ErrBadList) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v, want ErrBadList naming line 2", err)
	}
	if _, err := ReadList(strings.NewReader("<opml><body><outline xmlUrl=")); !errors.Is(err, ErrBadList) {
		t.Errorf("broken OPML: %v, want ErrBadList", err)
	}
}

func TestItemsPerDay(t *testing.T) {
	now := date("2025-08-10T12:00:00Z")
	at := func(s string) *time.Time { d := date(s); return &d }
	tests := []struct {
		name  string
		items []Item
		want  float64
	}{
		{"undated", []Item{{}, {}}, 0},
		{"four over two days", []Item{{Published: at("2025-08-10T12:00:00Z")}, {Published: at("2025-08-09T12:00:00Z")},
			{Published: at("2025-08-09T00:00:00Z")}, {Updated: at("2025-08-08T12:00:00Z")}}, 2},
		{"old items ignored", []Item{{Published: at("2024-01-01T00:00:00Z")}, {Published: at("2025-08-09T12:00:00Z")}}, 1},
		{"future items ignored", []Item{{Published: at("2026-01-01T00:00:00Z")}}, 0},
		{"one just now counts an hour", []Item{{Published: at("2025-08-10T12:00:00Z")}}, 24},
	}
	for _, tt := range tests {
		if got := ItemsPerDay(tt.items, now); got != tt.want {
			t.Errorf("%s: %v items a day, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWordsStopsAtLimit(t *testing.T) {
	if n := Words("<p>one two <b>three</b></p><script>var a = 1 2 3</script>", 100); n != 3 {
		t.Errorf("Words = %d, want 3", n)
	}
	if n := Words(strings.Repeat("word ", 100000), 10); n < 10 || n > 100000 {
		t.Errorf("Words with limit 10 = %d", n)
	}
}

func TestCheckDepth(t *testing.T) {
	tests := []struct {
		doc string
		ok  bool
	}{
		{"<a><b><c/></b></a>", true},
		{"<a><b><c></c></b></a>", true},
		{"<a><b><c><d>", false},
		{`<a x="<b><b><b>"><!-- <b><b><b> --><![CDATA[<b><b><b>]]><?pi <b><b>?></a>`, true},
		{`<a><b x='>'><c/></b></a>`, true},
		{"<a><b><c><d></d></c></b></a>", false},
	}
	for _, tt := range tests {
		if err := checkDepth([]byte(tt.doc), 3); (err == nil) != tt.ok {
			t.Errorf("checkDepth(%q, 3) = %v, want ok %v", tt.doc, err, tt.ok)
		}
	}
	for _, name := range []string{"rss20.xml", "atom.xml", "rss10.rdf", "rss091.xml"} {
		if err := checkDepth(read(t, name), maxDepth); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
