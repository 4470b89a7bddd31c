package attribution

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseAuthors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		kind     FieldKind
		want     string
		wantWire string
	}{
		{"by label and two names", "By Ann Lee and Bo Chen", Prose, "Ann Lee|Bo Chen", ""},
		{"written by label", "Written by: Ann Lee", Marked, "Ann Lee", ""},
		{"view all posts label", "View all posts by Ann Lee", Marked, "Ann Lee", ""},
		{"credentials dropped", "Doris Munoz-Mantilla, MD, FOMA, DABOM", Structured, "Doris Munoz-Mantilla", ""},
		{"e-mail dropped", "ann@example.org (Ann Lee)", Structured, "Ann Lee", ""},
		{"social handle dropped", "Ann Lee (@annlee)", Structured, "Ann Lee", ""},
		{"job title after a comma", "Sean Peek, Senior Analyst", Marked, "Sean Peek", ""},
		{"job title glued to the name", "Zackery Cuevas Writer, Hardware", Marked, "Zackery Cuevas", ""},
		{"title with and is one title", "Danielle Padula, Head of Marketing and Community Development", Marked, "Danielle Padula", ""},
		{"role after a dash", "David Jackson - FullStack Editorial Team", Structured, "David Jackson", ""},
		{"on behalf of", "Niko Matsakis on behalf of the Vision Doc group", Marked, "Niko Matsakis", ""},
		{"agency staff is the wire", "Reuters Staff", Structured, "", "Reuters"},
		{"agency in brackets", "Ann Lee (AFP)", Marked, "Ann Lee", "AFP"},
		{"placeholder", "admin", Structured, "", ""},
		{"staff alone", "Staff", Structured, "", ""},
		{"user name in a structured field", "jsteinhardt", Structured, "jsteinhardt", ""},
		{"lower-case full name in a structured field", "kirstin boatto", Structured, "kirstin boatto", ""},
		{"lower-case words in an author element", "work, data-driven", Marked, "", ""},
		{"page control", "Member Login", Marked, "", ""},
		{"weekday", "Sat", Marked, "", ""},
		{"organisation field kept whole", "Center for Drug Evaluation and Research", Structured, "Center for Drug Evaluation and Research", ""},
		{"initials are not an agency", "CP", Marked, "", ""},
		{"headline in an author element", "Introducing the Venteur Growth Collective: A New Way to Earn, Grow, and Make an Impact", Marked, "", ""},
		{"prose with a sentence fails", "By the end of the year, prices had doubled", Prose, "", ""},
		{"url", "https://example.org/ann", Structured, "", ""},
		{"date after the name in a byline", "by: Ziyi Xu, Dec 17, 2025", Prose, "Ziyi Xu", ""},
		{"date after on", "By: Ann Lee on 04-08-2021 5:11:10", Prose, "Ann Lee", ""},
		{"template variable path", "page.head.extra.author", Structured, "", ""},
		{"template braces", "{{ post.author }}", Structured, "", ""},
		{"template percent signs", "%AUTHOR%", Structured, "", ""},
		{"user name with one dot", "j.doe", Structured, "j.doe", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, wire := ParseAuthors(tt.in, tt.kind)
			if strings.Join(got, "|") != tt.want || wire != tt.wantWire {
				t.Errorf("ParseAuthors(%q) = %q, %q, want %q, %q", tt.in, got, wire, tt.want, tt.wantWire)
			}
		})
	}
}

func TestLooksLikeOrganisation(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Supermove", true},
		{"USA TODAY", true},
		{"The Commercial Appeal", true},
		{"Help Net Security News", true},
		{"Ann Lee", false},
		{"Ursula von der Leyen", false},
	}
	for _, tt := range tests {
		if got := LooksLikeOrganisation(tt.in); got != tt.want {
			t.Errorf("LooksLikeOrganisation(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseAuthors(f *testing.F) {
	for _, s := range []string{"By Ann Lee and Bo Chen, Reuters", "Doris Munoz, MD, FOMA", "ann@example.org (Ann Lee)", "Written by: jdoe", "(AFP)", "View all posts by Ann"} {
		f.Add(s)
	}
	f.Add("Reporting by Ann Lee (AP)\tand  Bo Chen | 2 hours ago")
	// Hostile fields: NULs, invalid UTF-8, a BOM, many names, one long
	// name, e-mail addresses and handles run together.
	f.Add("By\x00 Ann\x00Lee and \xff\xfeBo Chen\xef\xbb\xbf")
	f.Add(strings.Repeat("Ann Lee, ", 33))
	f.Add("By " + strings.Repeat("Annabelle", 20) + " Lee")
	f.Add("a@b.c@d.e (@x @y Ann Lee) @@ jdoe@ex.org, By: By: Bo Chen")
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []FieldKind{Structured, Marked, Prose} {
			names, wire := ParseAuthors(s, kind)
			for _, n := range names {
				if strings.TrimSpace(n) != n || n == "" || len(n) > len(s) || strings.ContainsAny(n, "\n\t\r") {
					t.Fatalf("ParseAuthors(%q, %d) gave name %q", s, kind, n)
				}
				if utf8.RuneCountInString(n) > maxNameRunes || strings.Contains(n, "@") {
					t.Fatalf("ParseAuthors(%q, %d) gave name %q: too long, or an address or a handle", s, kind, n)
				}
				if utf8.ValidString(s) && !utf8.ValidString(n) {
					t.Fatalf("ParseAuthors(%q, %d) gave name %q, not valid UTF-8", s, kind, n)
				}
			}
			if w, ok := WireName(wire); wire != "" && (!ok || w != wire) {
				t.Fatalf("ParseAuthors(%q, %d) gave wire %q, which WireName reads as %q, %v", s, kind, wire, w, ok)
			}
		}
	})
}

func TestOrganisationCredit(t *testing.T) {
	tests := []parseCase[string]{
		{"brand", "Supermove", "Supermove", true},
		{"team", "Everfit Team", "Everfit Team", true},
		{"labelled desk", "By News Desk", "News Desk", true},
		{"generic staff credit", "Staff", "Staff", true},
		{"digits in a brand", "98 Buck Social", "98 Buck Social", true},
		{"date after on", "By: FlowGuard EMEA on 04-ago-2021 5:11:10", "FlowGuard EMEA", true},
		{"agency", "Reuters", "Reuters", true},
		{"role after a dash", "Eliz - Product marketer", "Eliz", true},
		{"avatar initials", "CP", "", false},
		{"placeholder", "admin", "", false},
		{"label alone", "Written by", "", false},
		{"date", "Jun 2", "", false},
		{"page control", "Read more", "", false},
		{"url", "https://example.org/team", "", false},
		{"sentence", "Our team writes about moving, storage and everything in between", "", false},
	}
	checkParse(t, "OrganisationCredit", OrganisationCredit, tests)
}

func TestPersonalSiteName(t *testing.T) {
	tests := []parseCase[string]{
		{"copyright line", "© 2025 Toby Hede. All rights reserved.", "Toby Hede", true},
		{"feed title", "Owain Brennan", "Owain Brennan", true},
		{"copyright word", "Copyright 2024 Cassidy Williams", "Cassidy Williams", true},
		{"business", "© 2026 Acme Media", "", false},
		{"domain", "Copyright © 2024 MeetingNotes.com", "", false},
		{"feed of a blog", "Engora Data Blog » Feed", "", false},
		{"one word", "© 2025 Krystyna", "", false},
		{"year alone", "© 2026", "", false},
	}
	checkParse(t, "PersonalSiteName", PersonalSiteName, tests)
}

// TestBylinesWithPlaces checks that a place after each author of a byline
// ("Jane Doe in Kyiv and John Roe in Moscow") drops the place, not the
// authors after the first.
func TestBylinesWithPlaces(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"By Ann Lee in Kyiv and Bo Chen in Moscow", "Ann Lee|Bo Chen"},
		{"By Ann Lee in Kyiv, Bo Chen in Moscow and Cy Dee in London", "Ann Lee|Bo Chen|Cy Dee"},
		{"By Ann Lee and Bo Chen in Moscow", "Ann Lee|Bo Chen"},
		{"By Ann Lee in New York", "Ann Lee"},
	}
	for _, tt := range tests {
		by, ok := ParseByline(tt.in)
		if got := strings.Join(by.Authors, "|"); !ok || got != tt.want {
			t.Errorf("ParseByline(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
		for _, kind := range []FieldKind{Prose, Marked} {
			if got, _ := ParseAuthors(tt.in, kind); strings.Join(got, "|") != tt.want {
				t.Errorf("ParseAuthors(%q, %d) = %q, want %q", tt.in, kind, got, tt.want)
			}
		}
	}
}

// TestBylineWireCredits checks that an agency a byline names, alone or
// with the job title wire copy gives its writers ("Associated Press
// Writer", "AP Business Writer"), is the wire and never an author, in a
// byline line and in an author field alike.
func TestBylineWireCredits(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		wantWire string
	}{
		{"By Ann Lee, Associated Press Writer", "Ann Lee", "AP"},
		{"By Ann Lee and Bo Chen, Associated Press Writers", "Ann Lee|Bo Chen", "AP"},
		{"By Ann Lee, AP Business Writer", "Ann Lee", "AP"},
		{"By Ann Lee, The Associated Press", "Ann Lee", "AP"},
		{"By Ann Lee, AFP", "Ann Lee", "AFP"},
		{"By Ann Lee, Reuters Staff", "Ann Lee", "Reuters"},
		{"By Ann Lee, Bloomberg News", "Ann Lee", "Bloomberg"},
		{"By Ann Lee, Political Correspondent", "Ann Lee", ""},
		{"By Ann Lee, Staff Writer", "Ann Lee", ""},
	}
	for _, tt := range tests {
		by, ok := ParseByline(tt.in)
		if got := strings.Join(by.Authors, "|"); !ok || got != tt.want || by.Wire != tt.wantWire {
			t.Errorf("ParseByline(%q) = %q, %q, %v, want %q, %q", tt.in, got, by.Wire, ok, tt.want, tt.wantWire)
		}
		for _, kind := range []FieldKind{Prose, Marked, Structured} {
			got, wire := ParseAuthors(tt.in, kind)
			if strings.Join(got, "|") != tt.want || wire != tt.wantWire {
				t.Errorf("ParseAuthors(%q, %d) = %q, %q, want %q, %q", tt.in, kind, got, wire, tt.want, tt.wantWire)
			}
		}
	}
}
