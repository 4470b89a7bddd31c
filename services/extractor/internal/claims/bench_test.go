package claims

import (
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// BenchmarkFind measures the whole enrichment of an article: segmenting,
// entities and claims. "long" repeats the seeds to over 5,000 words.
func BenchmarkFind(b *testing.B) {
	wire := seedText(b, "002")
	var long strings.Builder
	for long.Len() == 0 || len(strings.Fields(long.String())) < 5000 {
		for _, s := range []string{"000", "001", "002", "003", "004"} {
			long.WriteString(seedText(b, s))
			long.WriteString("\n\n")
		}
	}
	for _, bc := range []struct{ name, text string }{{"seed002", wire}, {"long", long.String()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				d := segment.Split(bc.text)
				Find(d, entities.Find(d, entities.Options{}))
			}
			b.ReportMetric(float64(len(strings.Fields(bc.text))), "words")
		})
	}
	// strings.Fields over the same text, as a yardstick independent of
	// the machine.
	b.Run("yardstick-fields-long", func(b *testing.B) {
		text := long.String()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			strings.Fields(text)
		}
	})
}
