package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

const (
	benchRangeMsgs = 20_000
	benchMsgSize   = 2 << 10
)

// BenchmarkStreamRangeRead reads a whole stream of 20,000 messages of 2 KB
// through streamRange.read, as 'wirewatch record' does, over loopback and
// over links with a round trip of 2 ms and 20 ms. It reports messages per
// second and the JetStream API requests one read makes.
func BenchmarkStreamRangeRead(b *testing.B) {
	for _, rtt := range []time.Duration{0, 2 * time.Millisecond, 20 * time.Millisecond} {
		b.Run(fmt.Sprintf("rtt=%s", rtt), func(b *testing.B) {
			benchmarkRangeRead(b, rtt, streamRange.read)
		})
	}
}

// rangeReader is streamRange.read, or another way to read a range.
type rangeReader func(r streamRange, ctx context.Context, js jetstream.JetStream, start func(int), fn func(recording.Record) error) (int, error)

func benchmarkRangeRead(b *testing.B, rtt time.Duration, read rangeReader) {
	srv := natstest.Server(b)
	_, pub := natstest.Connect(b, srv)
	fillBenchStream(b, pub)
	url := srv.ClientURL()
	if rtt > 0 {
		p := natstest.DelayProxy(b, srv.Addr().String())
		p.SetDelay(rtt / 2)
		url = p.URL()
	}
	nc, js, err := connect(&stage.NATSFlags{NATSURL: url}, b.Name())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	ctx := context.Background()
	before, err := pub.AccountInfo(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchRangeMsgs * benchMsgSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var size int
		n, err := read(streamRange{stream: "S"}, ctx, js, func(int) {}, func(rec recording.Record) error {
			size += len(rec.Payload())
			return nil
		})
		if err != nil || n != benchRangeMsgs || size != benchRangeMsgs*benchMsgSize {
			b.Fatalf("read %d messages, %d bytes, error %v; want %d messages of %d bytes",
				n, size, err, benchRangeMsgs, benchMsgSize)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(benchRangeMsgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
	after, err := pub.AccountInfo(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// Less the second AccountInfo request (the first counted before it).
	b.ReportMetric(float64(after.API.Total-before.API.Total-1)/float64(b.N), "api-calls/op")
}

// fillBenchStream creates stream S holding benchRangeMsgs compact JSON
// messages of benchMsgSize bytes on s.x.
func fillBenchStream(b *testing.B, js jetstream.JetStream) {
	b.Helper()
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}}); err != nil {
		b.Fatal(err)
	}
	filler := strings.Repeat("x", benchMsgSize-len(`{"n":00000,"text":""}`))
	for i := range benchRangeMsgs {
		if _, err := js.PublishAsync("s.x", fmt.Appendf(nil, `{"n":%05d,"text":"%s"}`, i, filler)); err != nil {
			b.Fatal(err)
		}
		// In windows of a thousand, well under what the client lets be
		// outstanding, so that a loaded machine does not stall the client.
		if (i+1)%1000 == 0 || i+1 == benchRangeMsgs {
			select {
			case <-js.PublishAsyncComplete():
			case <-time.After(time.Minute):
				b.Fatal("publishing the benchmark stream took over a minute")
			}
		}
	}
}
