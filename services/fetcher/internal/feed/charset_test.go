package feed

import "testing"

// A feed whose bytes are UTF-8 but whose XML declaration or Content-Type
// names a legacy charset is read as the UTF-8 it is: decoding it again would
// turn every accented letter into two.
func TestParseUTF8UnderAWrongCharset(t *testing.T) {
	const utf8Body = `<rss version="2.0"><channel><title>Nyheter från Kessby</title>` +
		`<item><title>København-færgen åbner igen</title><link>https://kessby.example/a</link></item></channel></rss>`
	tests := []struct {
		name, body, charset string
	}{
		{"declared ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + utf8Body, ""},
		{"declared windows-1252", `<?xml version="1.0" encoding="windows-1252"?>` + utf8Body, ""},
		{"declared and sent ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + utf8Body, "iso-8859-1"},
		{"sent ISO-8859-1", `<?xml version="1.0"?>` + utf8Body, "iso-8859-1"},
		{"sent windows-1251", utf8Body, "windows-1251"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.body), tt.charset, "https://kessby.example/feed", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != "Nyheter från Kessby" || len(f.Items) != 1 || f.Items[0].Title != "København-færgen åbner igen" {
				t.Errorf("title %q, items %+v", f.Title, f.Items)
			}
		})
	}
}

// A feed whose XML declaration names an encoding its own bytes belie — UTF-16
// (as .NET writers declare when they write to a string), or one the WHATWG
// maps to the replacement encoding — or one Go does not know, is read as the
// transport says, else as UTF-8.
func TestParseDeclarationBelied(t *testing.T) {
	const ascii = `<rss version="2.0"><channel><title>Plain feed</title><item><title>Budget passes</title><link>https://x.example/a</link></item></channel></rss>`
	const koi8r = "<rss version=\"2.0\"><channel><title>\xf0\xd2\xc1\xd7\xc4\xc1</title><item><title>Budget passes</title><link>https://x.example/a</link></item></channel></rss>"
	tests := []struct {
		name, declared, body, charset, title string
	}{
		{"utf-16", "utf-16", ascii, "", "Plain feed"},
		{"UTF-16LE sent as UTF-8", "UTF-16LE", ascii, "utf-8", "Plain feed"},
		{"ucs-2", "ucs-2", ascii, "", "Plain feed"},
		{"hz-gb-2312", "hz-gb-2312", ascii, "", "Plain feed"},
		{"utf-16 sent as koi8-r", "utf-16", koi8r, "koi8-r", "Правда"},
		{"unknown sent as koi8-r", "x-unknown", koi8r, "koi8-r", "Правда"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tt.declared + `"?>` + tt.body
			f, err := Parse([]byte(doc), tt.charset, "https://x.example/feed", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tt.title || len(f.Items) != 1 || f.Items[0].Title != "Budget passes" {
				t.Errorf("title %q, items %+v; want %q and one item", f.Title, f.Items, tt.title)
			}
		})
	}
}

// What real feeds get wrong or leave implicit: links relative to xml:base
// (nested bases too) or to the feed, HTML entities XML does not define.
func TestParseLinksAndEntities(t *testing.T) {
	tests := []struct {
		name, body string
		title      string
		links      []string
	}{
		{"atom xml:base", `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/blog/"><title>B</title>
<entry xml:base="posts/"><title>One</title><link href="one.html"/><id>urn:1</id></entry>
<entry><title>Two</title><link href="two.html"/><id>urn:2</id></entry>
<entry><title>Three</title><link rel="alternate" href="/three"/><id>urn:3</id></entry></feed>`,
			"B", []string{"https://site.example/blog/posts/one.html", "https://site.example/blog/two.html", "https://site.example/three"}},
		{"atom relative to the feed", `<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
<entry><title>One</title><link href="one.html"/><id>urn:1</id></entry></feed>`,
			"B", []string{"https://feeds.example/x/one.html"}},
		{"json relative url", `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"/p/1","title":"T"}]}`,
			"J", []string{"https://feeds.example/p/1"}},
		{"html entities", `<?xml version="1.0"?><rss version="2.0"><channel><title>Caf&eacute; &amp; co</title>
<item><title>A &mdash; b</title><link>https://e.example/a?x=1&amp;y=2</link></item></channel></rss>`,
			"Café & co", []string{"https://e.example/a?x=1&y=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.body), "", "https://feeds.example/x/feed.xml", Options{})
			if err != nil {
				t.Fatal(err)
			}
			var links []string
			for _, it := range f.Items {
				links = append(links, it.Link)
			}
			if f.Title != tt.title || len(links) != len(tt.links) {
				t.Fatalf("title %q, links %q; want %q, %q", f.Title, links, tt.title, tt.links)
			}
			for i := range links {
				if links[i] != tt.links[i] {
					t.Errorf("link %d = %q, want %q", i, links[i], tt.links[i])
				}
			}
		})
	}
}
