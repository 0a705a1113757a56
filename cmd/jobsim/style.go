package main

import (
	"strings"
)

// outOpts are the text output's choices: its width, the chart's mode,
// and colour.
type outOpts struct {
	width  int    // columns; messages wrap and the chart fits within them
	chart  string // chartAuto, chartPod, chartIndex, chartJobs or chartNode
	colour bool   // ANSI colours, on a terminal without NO_COLOR
}

// ANSI colours.
const (
	ansiReset   = "\x1b[0m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiBlue    = "\x1b[34m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
	ansiGrey    = "\x1b[90m"
)

// cellColours colour the chart's cells.
var cellColours = map[byte]string{
	cellRunning:     ansiGreen,
	cellPending:     ansiYellow,
	cellWaiting:     ansiMagenta,
	cellTerminating: ansiRed,
	cellFailedExit:  ansiRed,
	cellUnknown:     ansiGrey,
	cellBackoff:     ansiBlue,
}

// paint colours s, if colour is on.
func (o outOpts) paint(s, colour string) string {
	if !o.colour || colour == "" || s == "" {
		return s
	}
	return colour + s + ansiReset
}

// paintBar colours a chart bar, a colour for each run of like cells.
func (o outOpts) paintBar(bar []byte) string {
	if !o.colour {
		return string(bar)
	}
	var b strings.Builder
	for i := 0; i < len(bar); {
		j := i
		for j < len(bar) && bar[j] == bar[i] {
			j++
		}
		colour := cellColours[bar[i]]
		if bar[i] >= '1' && bar[i] <= '9' || bar[i] == '+' {
			colour = ansiCyan
		}
		b.WriteString(o.paint(string(bar[i:j]), colour))
		i = j
	}
	return b.String()
}

// paintOutcome colours how a pod ended: green for success, red for
// failure, yellow for pending, magenta for a crash loop.
func (o outOpts) paintOutcome(s string) string {
	switch {
	case strings.HasPrefix(s, "Succeeded"), strings.HasPrefix(s, "Complete"):
		return o.paint(s, ansiGreen)
	case strings.HasPrefix(s, "Failed"):
		return o.paint(s, ansiRed)
	case strings.HasPrefix(s, "Pending"):
		return o.paint(s, ansiYellow)
	case strings.HasPrefix(s, "CrashLoopBackOff"):
		return o.paint(s, ansiMagenta)
	}
	return s
}
