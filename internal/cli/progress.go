package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress reports how far a long job is: on a terminal, a bar redrawn in
// place with the rate and the time left; elsewhere, a plain line now and
// then, so logs of a piped run stay readable.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	label    string
	unit     string
	total    int
	done     int
	start    time.Time
	last     time.Time
	interval time.Duration
	now      func() time.Time
}

// newProgress starts a progress report of total units (0 if unknown) on w.
func newProgress(w io.Writer, label, unit string, total int) *progress {
	p := &progress{w: w, tty: isTerminal(w), label: label, unit: unit, total: total, now: time.Now}
	p.start = p.now()
	p.interval = 2 * time.Second
	if p.tty {
		p.interval = 100 * time.Millisecond
	}
	p.render(true)
	return p
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// set records that done units are finished.
func (p *progress) set(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	p.render(false)
}

// add records n more finished units.
func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.render(false)
}

// finish prints the final line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := p.now().Sub(p.start)
	line := fmt.Sprintf("%s: %d %s in %s (%s/s)", p.label, p.done, p.unit, elapsed.Round(time.Millisecond), rate(p.done, elapsed))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
		return
	}
	fmt.Fprintln(p.w, line)
}

func rate(n int, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(n)/d.Seconds())
}

// render draws the current state, at most once per interval unless forced.
func (p *progress) render(force bool) {
	now := p.now()
	if !force && now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	r := rate(p.done, elapsed)
	eta := "?"
	if p.total > 0 && p.done > 0 && elapsed > 0 {
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(max(p.total-p.done, 0)))
		eta = left.Round(time.Second).String()
	}
	if !p.tty {
		if p.total > 0 {
			fmt.Fprintf(p.w, "%s: %d/%d %s (%.0f%%) %s/s ETA %s\n", p.label, p.done, p.total, p.unit, pct(p.done, p.total), r, eta)
		} else {
			fmt.Fprintf(p.w, "%s: %d %s %s/s\n", p.label, p.done, p.unit, r)
		}
		return
	}
	const width = 30
	bar := strings.Repeat(" ", width)
	if p.total > 0 {
		fill := min(width, p.done*width/p.total)
		bar = strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
		if fill < width {
			bar = bar[:fill] + ">" + bar[fill+1:]
		}
		fmt.Fprintf(p.w, "\r\033[K%s [%s] %3.0f%% %d/%d %s/s ETA %s", p.label, bar, pct(p.done, p.total), p.done, p.total, r, eta)
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s %d %s %s/s", p.label, p.done, p.unit, r)
}

func pct(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return min(100, 100*float64(done)/float64(total))
}
