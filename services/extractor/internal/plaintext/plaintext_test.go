package plaintext

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

const (
	p = events.BlockParagraph
	h = events.BlockHeading
)

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		wantTitle string
		want      []Block
	}{
		{
			name:      "title, heading and paragraphs",
			text:      "Envoy Visits Moscow\n\nThe envoy arrived on Wednesday.\n\nNo Offer From Russia\nBut expectations are modest, officials said.\n",
			wantTitle: "Envoy Visits Moscow",
			want:      []Block{{p, "The envoy arrived on Wednesday."}, {h, "No Offer From Russia"}, {p, "But expectations are modest, officials said."}},
		},
		{
			name: "byline is not a title",
			text: "By Gleb Bryanski and Mark Trevelyan\nMOSCOW (Reuters) - Talks were held.\n",
			want: []Block{{p, "By Gleb Bryanski and Mark Trevelyan"}, {p, "MOSCOW (Reuters) - Talks were held."}},
		},
		{
			name:      "date line above the headline",
			text:      "27 November 2005\nQuake Shakes Southern Iran\nAn earthquake hit the island of Qeshm on Sunday.\n",
			wantTitle: "Quake Shakes Southern Iran",
			want:      []Block{{p, "27 November 2005"}, {p, "An earthquake hit the island of Qeshm on Sunday."}},
		},
		{
			name:      "time stamp above the headline",
			text:      "Updated: Monday, December 15th, 2008, 7:35 am EST\nRed Sox Offer Teixeira $200 Million\nThe Boston Red Sox made an offer, a radio host said.\n",
			wantTitle: "Red Sox Offer Teixeira $200 Million",
			want:      []Block{{p, "Updated: Monday, December 15th, 2008, 7:35 am EST"}, {p, "The Boston Red Sox made an offer, a radio host said."}},
		},
		{
			name:      "headline with a date is a headline",
			text:      "Dock Strike Called for March 9\nWorkers at Halden will walk out, the union said.\n",
			wantTitle: "Dock Strike Called for March 9",
			want:      []Block{{p, "Workers at Halden will walk out, the union said."}},
		},
		{
			name: "date line over a sentence",
			text: "March 9, 2026\nThe envoy arrived.\nHe met officials.",
			want: []Block{{p, "March 9, 2026"}, {p, "The envoy arrived."}, {p, "He met officials."}},
		},
		{
			name: "sentence is not a title",
			text: "The envoy arrived.\nHe met officials.",
			want: []Block{{p, "The envoy arrived."}, {p, "He met officials."}},
		},
		{
			name: "quoted heading",
			text: "First paragraph of the story goes here.\n‘LAST-DITCH EFFORT’\nPutin is unlikely to bow to the ultimatum, sources said.",
			want: []Block{{p, "First paragraph of the story goes here."}, {h, "‘LAST-DITCH EFFORT’"}, {p, "Putin is unlikely to bow to the ultimatum, sources said."}},
		},
		{
			name: "quotation is not a heading",
			text: "He spoke.\n“The war must stop,”\nhe said on Telegram.",
			want: []Block{{p, "He spoke."}, {p, "“The war must stop,”"}, {p, "he said on Telegram."}},
		},
		{
			name: "last line is not a heading",
			text: "Some text here.\nCopyright @ 2024 IBRA Digital",
			want: []Block{{p, "Some text here."}, {p, "Copyright @ 2024 IBRA Digital"}},
		},
		{
			name:      "hard-wrapped paragraphs are joined",
			text:      "Markets Rally\n\nStocks rose on Tuesday after a\nreport showed a well-\nknown gauge of prices\ncooled.\n\nBonds rallied too, with\nyields falling.\n",
			wantTitle: "Markets Rally",
			want:      []Block{{p, "Stocks rose on Tuesday after a report showed a well-known gauge of prices cooled."}, {p, "Bonds rallied too, with yields falling."}},
		},
		{
			name: "white space and invisible characters",
			text: "\ufeff  Word\u00a0\u00a0one\u200b two\t three.\r\n\u00a0\r\nNext\u2028line.",
			// The blank line makes two groups, one of two lines: wrapped.
			want: []Block{{p, "Word one two three."}, {p, "Next line."}},
		},
		{
			name: "single line",
			text: "Just one line",
			want: []Block{{p, "Just one line"}},
		},
		{
			name: "empty",
			text: " \n\n\t",
			want: []Block{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", doc.Title, tt.wantTitle)
			}
			if !reflect.DeepEqual(doc.Blocks, tt.want) {
				t.Errorf("blocks = %q, want %q", doc.Blocks, tt.want)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	_, err := Parse(context.Background(), strings.Repeat("a\n", MaxParagraphs+1))
	if !errors.Is(err, ErrTooManyParagraphs) {
		t.Errorf("Parse(too many lines) error = %v, want ErrTooManyParagraphs", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "a\nb"); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(cancelled) error = %v, want context.Canceled", err)
	}
}
