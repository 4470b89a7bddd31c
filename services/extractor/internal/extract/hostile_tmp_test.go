package extract

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestHostileTmp(t *testing.T) {
	cases := map[string]string{}
	cases["lines"] = ""
	
	
	
	cases["wrapped"] = strings.Repeat("short line one\nshort line two\n\n", 130000)
	
	for name, body := range cases {
		raw := rawDoc(body, "text/plain")
		start := time.Now()
		a, err := Extract(context.Background(), raw, Options{Timeout: 10 * time.Second}, testNow)
		n := 0
		if a != nil {
			n = len(a.Blocks)
		}
		t.Logf("%-10s %6d KB %8v blocks=%d err=%v", name, len(body)/1024, time.Since(start).Round(time.Millisecond), n, err)
	}
}
