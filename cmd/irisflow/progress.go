package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a one-line bar on a terminal (stderr) and nothing
// elsewhere, so piped or redirected output stays clean.
type progress struct {
	w     io.Writer // nil when not a terminal
	total int64
	label string
	start time.Time
	last  time.Time
	done  int64
	// eta, when set, estimates the time left from done (else from the rate).
	eta func(done int64) time.Duration
}

// newProgress returns a bar on w when w is a terminal.
func newProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{label: label, total: total, start: time.Now()}
	if isTerminal(w) {
		p.w = w
	}
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// add counts n more done and redraws at most ten times a second.
func (p *progress) add(n int64) {
	p.done += n
	if p.w == nil {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || p.done >= p.total {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = min(float64(p.done)/float64(p.total), 1)
	}
	fill := int(frac * width)
	left := ""
	switch {
	case p.eta != nil:
		left = " ETA " + p.eta(p.done).Round(time.Second).String()
	case p.done > 0 && p.done < p.total:
		per := time.Since(p.start) / time.Duration(p.done)
		left = " ETA " + (per * time.Duration(p.total-p.done)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d%s   ", p.label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.done, p.total, left)
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.w != nil {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
