package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// readBody reads a response body: it aborts (through abort) when no bytes
// arrive for stall, decompresses gzip and deflate, and fails with ErrTooLarge
// as soon as the decompressed body passes limit. The cap applies after
// decompression, so a small compressed bomb is stopped at limit bytes.
func readBody(resp *http.Response, limit int64, stall time.Duration, abort context.CancelCauseFunc) ([]byte, error) {
	timer := time.AfterFunc(stall, func() { abort(ErrStalled) })
	defer timer.Stop()
	raw := &progress{r: resp.Body, timer: timer, stall: stall}
	r, err := decoder(resp.Header.Get("Content-Encoding"), raw)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		if isCorrupt(err) {
			return nil, fmt.Errorf("%w: %w", ErrEncoding, err)
		}
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// progress pushes the stall timer back whenever bytes arrive.
type progress struct {
	r     io.Reader
	timer *time.Timer
	stall time.Duration
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.timer.Reset(p.stall)
	}
	return n, err
}

// decoder undoes a Content-Encoding. "deflate" is zlib-wrapped by the
// standard and raw in some servers' practice; both are accepted.
func decoder(encoding string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return r, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return strings.NewReader(""), nil
			}
			return nil, fmt.Errorf("%w: gzip: %w", ErrEncoding, err)
		}
		return zr, nil
	case "deflate":
		br := bufio.NewReader(r)
		head, err := br.Peek(2)
		if err == nil && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("%w: deflate: %w", ErrEncoding, err)
			}
			return zr, nil
		}
		return flate.NewReader(br), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrEncoding, encoding)
}

func isCorrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrHeader)
}

// mediaType splits a Content-Type into its lower-cased media type and charset.
func mediaType(ct string) (mt, charset string) {
	if ct == "" {
		return "", ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		return strings.ToLower(strings.TrimSpace(mt)), ""
	}
	return strings.ToLower(mt), strings.ToLower(strings.TrimSpace(params["charset"]))
}

// freshness is how long a response says it stays fresh: Cache-Control
// max-age, else Expires counted from the response's Date (or now). Zero when
// the response says nothing, or forbids caching.
func freshness(h http.Header, now time.Time) time.Duration {
	for _, cc := range h.Values("Cache-Control") {
		for _, d := range strings.Split(cc, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store", "no-cache":
				return 0
			case "max-age":
				if n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64); err == nil && n > 0 {
					return time.Duration(min(n, int64(365*24*3600))) * time.Second
				}
				return 0
			}
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0
		}
		base := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			base = d
		}
		if f := t.Sub(base); f > 0 {
			return f
		}
	}
	return 0
}

// retryAfter parses Retry-After: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(30*24*3600))) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	base := now
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		base = d
	}
	if d := t.Sub(base); d > 0 {
		return d
	}
	return 0
}
