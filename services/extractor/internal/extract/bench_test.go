package extract

import (
	"context"
	"testing"
)

func BenchmarkExtractHTML(b *testing.B) {
	for _, tc := range htmlCases {
		raw := htmlDoc(b, tc.file, tc.url, tc.contentType, tc.charset, tc.item)
		b.Run(tc.file, func(b *testing.B) {
			b.SetBytes(int64(len(raw.Body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Extract(context.Background(), raw, Options{}, testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
