package entities

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

func find(text string, opts Options) *Result {
	return Find(segment.Split(text), opts)
}

func describe(es []events.Entity) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "\n  %s (%s) %d", e.Name, e.Type, e.Mentions)
	}
	return b.String()
}

func entity(es []events.Entity, name string) (events.Entity, bool) {
	for _, e := range es {
		if e.Name == name {
			return e, true
		}
	}
	return events.Entity{}, false
}

func TestFind(t *testing.T) {
	type want struct {
		name     string
		typ      events.EntityType
		mentions int
	}
	tests := []struct {
		name     string
		text     string
		dateline string
		want     []want
		absent   []string
		// notPeople may be found, but not as people.
		notPeople []string
	}{
		{
			name:   "title before a name and the surname after it",
			text:   "Russian President Vladimir Putin met the envoy. Putin said little, and Putin’s aides nothing.",
			want:   []want{{"Vladimir Putin", events.EntityPerson, 3}},
			absent: []string{"Putin", "Russian President Vladimir Putin", "Russian"},
		},
		{
			name: "lower-case role before a name",
			text: "U.S. envoy Steve Witkoff flew in. Later Witkoff met analyst Gerhard Mangott, and Mangott spoke.",
			want: []want{
				{"Steve Witkoff", events.EntityPerson, 2},
				{"Gerhard Mangott", events.EntityPerson, 2},
				{"United States", events.EntityPlace, 1},
			},
		},
		{
			name: "apposition with a role makes a bare name a person",
			text: "Witkoff, a real estate billionaire, arrived. Witkoff then left.",
			want: []want{{"Witkoff", events.EntityPerson, 2}},
		},
		{
			name:   "sentence-initial common words, months and weekdays",
			text:   "Critics say the plan failed. Analysts agree. On Wednesday in March the Senate met. However, nothing changed in May.",
			want:   []want{{"Senate", events.EntityOrganization, 1}},
			absent: []string{"Critics", "Analysts", "On", "Wednesday", "March", "However", "May"},
		},
		{
			name: "organisations by gazetteer, acronym, tail and cue",
			text: "Reuters and Bloomberg reported that NATO and the Kremlin disagree. The Ministry of Defence and independent news outlet The Bell said so. The OSCE spoke. Acme Holdings fell.",
			want: []want{
				{"Reuters", events.EntityOrganization, 1},
				{"Bloomberg", events.EntityOrganization, 1},
				{"NATO", events.EntityOrganization, 1},
				{"Kremlin", events.EntityOrganization, 1},
				{"Ministry of Defence", events.EntityOrganization, 1},
				{"The Bell", events.EntityOrganization, 1},
				{"OSCE", events.EntityOrganization, 1},
				{"Acme Holdings", events.EntityOrganization, 1},
			},
		},
		{
			name: "places by gazetteer, alias and cue",
			text: "Talks in Kyiv and Moscow went on; officials in Tbilisi and in Zugdidi watched. Witkoff flew to Kiev from the U.S.",
			want: []want{
				{"Kyiv", events.EntityPlace, 2},
				{"Moscow", events.EntityPlace, 1},
				{"Tbilisi", events.EntityPlace, 1},
				{"Zugdidi", events.EntityPlace, 1},
				{"United States", events.EntityPlace, 1},
			},
		},
		{
			name: "particles and hyphened particles",
			text: "Ursula von der Leyen met Bashar al-Assad in Damascus.",
			want: []want{
				{"Ursula von der Leyen", events.EntityPerson, 1},
				{"Bashar al-Assad", events.EntityPerson, 1},
				{"Damascus", events.EntityPlace, 1},
			},
		},
		{
			name: "compound of two known names",
			text: "Steve Witkoff and Vladimir Putin prepared the Witkoff-Putin meeting.",
			want: []want{{"Steve Witkoff", events.EntityPerson, 2}, {"Vladimir Putin", events.EntityPerson, 2}},
		},
		{
			name:   "headings count only names known elsewhere",
			text:   "Witkoff's Role and Criticism\n\nSteve Witkoff joined the team in January.",
			want:   []want{{"Steve Witkoff", events.EntityPerson, 2}},
			absent: []string{"Role", "Criticism", "Witkoff's Role and Criticism"},
		},
		{
			name:     "dateline counts as a mention",
			text:     "Officials in Moscow said nothing.",
			dateline: "MOSCOW",
			want:     []want{{"Moscow", events.EntityPlace, 2}},
		},
		{
			name:      "capitalised common nouns are not people",
			text:      "The new MacBook Pro has a Magic Keyboard. The keyboard is magic and the touch bar is gone; Touch Bar fans mourn.",
			notPeople: []string{"MacBook Pro", "Magic Keyboard", "Touch Bar"},
		},
		{
			name:   "contractions and pronouns are not names",
			text:   "I’ll say it again: I'm sure It's over, Ms Smith said.",
			absent: []string{"I’ll", "I'm", "It's", "I"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := find(tt.text, Options{Dateline: tt.dateline}).Entities()
			for _, w := range tt.want {
				e, ok := entity(es, w.name)
				if !ok {
					t.Errorf("no %s in:%s", w.name, describe(es))
					continue
				}
				if e.Type != w.typ || e.Mentions != w.mentions {
					t.Errorf("%s = %s with %d mentions, want %s with %d", w.name, e.Type, e.Mentions, w.typ, w.mentions)
				}
			}
			for _, name := range tt.absent {
				if e, ok := entity(es, name); ok {
					t.Errorf("%s found as %s, want none", name, e.Type)
				}
			}
			for _, name := range tt.notPeople {
				if e, ok := entity(es, name); ok && e.Type == events.EntityPerson {
					t.Errorf("%s found as a person", name)
				}
			}
		})
	}
}

func TestEntitiesSorted(t *testing.T) {
	es := find("Kyiv. Moscow and Moscow. Putin, Putin and Putin in Minsk.", Options{}).Entities()
	for i := 1; i < len(es); i++ {
		if es[i].Mentions > es[i-1].Mentions {
			t.Fatalf("entities not sorted by mentions:%s", describe(es))
		}
	}
}

func TestMaxEntities(t *testing.T) {
	var b strings.Builder
	for i := range 3 * MaxEntities {
		fmt.Fprintf(&b, "Officials in Town%c%c said so. ", 'A'+i/26%26, 'a'+i%26)
	}
	if n := len(find(b.String(), Options{}).Entities()); n != MaxEntities {
		t.Errorf("got %d entities, want %d", n, MaxEntities)
	}
}

// seedText reads the seed article whose name starts with prefix from
// shared/seeds, found by walking up from the working directory; it skips
// the test when there are no seeds.
func seedText(t *testing.T, prefix string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getting the working directory: %v", err)
	}
	for {
		seeds := filepath.Join(dir, "shared", "seeds")
		if fi, err := os.Stat(seeds); err == nil && fi.IsDir() {
			matches, _ := filepath.Glob(filepath.Join(seeds, prefix+"_*.txt"))
			if len(matches) != 1 {
				t.Fatalf("finding seed %s in %s: %d matches", prefix, seeds, len(matches))
			}
			b, err := os.ReadFile(matches[0])
			if err != nil {
				t.Fatalf("reading seed: %v", err)
			}
			return string(b)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/seeds not found above the working directory")
		}
		dir = parent
	}
}

func TestSeeds(t *testing.T) {
	type want struct {
		name     string
		typ      events.EntityType
		min, max int
	}
	tests := []struct {
		seed   string
		want   []want
		absent []string
	}{
		{
			seed: "002",
			want: []want{
				{"Vladimir Putin", events.EntityPerson, 10, 12},
				{"Steve Witkoff", events.EntityPerson, 5, 7},
				{"Donald Trump", events.EntityPerson, 7, 9},
				{"Gerhard Mangott", events.EntityPerson, 1, 1},
				{"Andriy Yermak", events.EntityPerson, 1, 1},
				{"Volodymyr Zelenskiy", events.EntityPerson, 2, 2},
				{"Reuters", events.EntityOrganization, 2, 3},
				{"Kremlin", events.EntityOrganization, 5, 5},
				{"NATO", events.EntityOrganization, 3, 3},
				{"Bloomberg", events.EntityOrganization, 1, 1},
				{"Moscow", events.EntityPlace, 4, 5},
				{"Ukraine", events.EntityPlace, 8, 8},
				{"Kyiv", events.EntityPlace, 2, 3},
				{"Russia", events.EntityPlace, 12, 14},
			},
			absent: []string{"Putin", "Witkoff", "Mangott", "Zelenskiy", "Russian", "LAST-DITCH EFFORT", "Russophobia"},
		},
		{
			seed: "001",
			want: []want{
				{"Witkoff", events.EntityPerson, 7, 9},
				{"Vladimir Putin", events.EntityPerson, 6, 8},
				{"Kirill Dmitriev", events.EntityPerson, 2, 2},
				{"Xi Jinping", events.EntityPerson, 1, 1},
			},
			absent: []string{"Putin", "Dmitriev", "No Offer of Concessions From Russia", "Witkoff's Role and Criticism"},
		},
		{
			seed: "004",
			want: []want{
				{"St Petersburg", events.EntityPlace, 2, 2},
				{"Dmitry Peskov", events.EntityPerson, 1, 1},
				{"Russian Navy", events.EntityOrganization, 1, 1},
				{"White House", events.EntityOrganization, 1, 1},
				{"Ksenia Karelina", events.EntityPerson, 1, 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			es := find(seedText(t, tt.seed), Options{}).Entities()
			for _, w := range tt.want {
				e, ok := entity(es, w.name)
				if !ok {
					t.Errorf("no %s in:%s", w.name, describe(es))
					continue
				}
				if e.Type != w.typ || e.Mentions < w.min || e.Mentions > w.max {
					t.Errorf("%s = %s with %d mentions, want %s with %d to %d", w.name, e.Type, e.Mentions, w.typ, w.min, w.max)
				}
			}
			for _, name := range tt.absent {
				if e, ok := entity(es, name); ok {
					t.Errorf("%s found as %s with %d mentions, want merged or none", name, e.Type, e.Mentions)
				}
			}
			t.Logf("entities:%s", describe(es[:min(len(es), 12)]))
		})
	}
}
