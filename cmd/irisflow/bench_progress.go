package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// benchBar draws a bar with the current rate on the terminal while a pass
// runs: only when stderr is a terminal (--progress auto), so that logs and
// --json output stay clean.
type benchBar struct {
	done chan struct{}
	wait chan struct{}
}

func startProgress(mode string, spec passSpec, tr *tracker) *benchBar {
	p := &benchBar{done: make(chan struct{}), wait: make(chan struct{})}
	if mode == "off" || (mode == "auto" && !isTerminal(os.Stderr)) {
		close(p.wait)
		return p
	}
	go p.draw(os.Stderr, spec, tr)
	return p
}

func (p *benchBar) stop() {
	close(p.done)
	<-p.wait
}

func (p *benchBar) draw(w io.Writer, spec passSpec, tr *tracker) {
	defer close(p.wait)
	start := time.Now()
	type mark struct {
		at time.Time
		n  int
	}
	var marks []mark
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		sent, answered := tr.progress()
		now := time.Now()
		marks = append(marks, mark{now, answered})
		for len(marks) > 1 && now.Sub(marks[0].at) > 2*time.Second {
			marks = marks[1:]
		}
		rate := 0.0
		if d := now.Sub(marks[0].at).Seconds(); d > 0 {
			rate = float64(answered-marks[0].n) / d
		}
		fmt.Fprintf(w, "\r%s", progressLine(spec, sent, answered, rate, now.Sub(start)))
		select {
		case <-p.done:
			fmt.Fprintln(w)
			return
		case <-t.C:
		}
	}
}

// progressLine is one frame of the bar: done share, answered / total,
// current rate, in flight.
func progressLine(spec passSpec, sent, answered int, rate float64, elapsed time.Duration) string {
	const width = 30
	share := 0.0
	total := fmt.Sprint(spec.invocations)
	if spec.invocations > 0 {
		share = float64(answered) / float64(spec.invocations)
	} else if spec.duration > 0 {
		share, total = min(1, elapsed.Seconds()/spec.duration.Seconds()), "?"
	}
	filled := min(width, int(share*width))
	return fmt.Sprintf("%-22s [%s%s] %d/%s  %6.0f/s  %5d in flight  %5.1fs ",
		spec.name, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), answered, total, rate, sent-answered, elapsed.Seconds())
}
