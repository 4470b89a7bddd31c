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
