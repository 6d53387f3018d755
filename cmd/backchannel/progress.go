package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws a one-line carriage-return progress bar:
//
//	[##########..........]  50%  1000/2000 replications  4s, ~4s left
//
// It redraws at most ten times a second; finish ends the line.
type progressBar struct {
	w      io.Writer
	now    func() time.Time
	start  time.Time
	last   time.Time
	drawn  bool
	width  int
	noun   string
	lastLn int
}

func newProgressBar(w io.Writer, now func() time.Time, noun string) *progressBar {
	t := now()
	return &progressBar{w: w, now: now, start: t, width: 30, noun: noun}
}

// update redraws the bar for done of total.
func (p *progressBar) update(done, total int) {
	t := p.now()
	if p.drawn && done < total && t.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.drawn = t, true
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * float64(p.width))
	el := t.Sub(p.start)
	eta := ""
	if done > 0 && done < total {
		left := time.Duration(float64(el) * float64(total-done) / float64(done))
		eta = fmt.Sprintf(", ~%s left", left.Round(time.Second))
	}
	line := fmt.Sprintf("[%s%s] %3.0f%%  %d/%d %s  %s%s",
		strings.Repeat("#", n), strings.Repeat(".", p.width-n), 100*frac, done, total, p.noun,
		el.Round(time.Second), eta)
	pad := ""
	if len(line) < p.lastLn {
		pad = strings.Repeat(" ", p.lastLn-len(line))
	}
	p.lastLn = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
}

// finish ends the bar's line, if one was drawn.
func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
