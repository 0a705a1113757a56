package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jobsim/jobsim/manifest"
)

// -o svg: the chart of the text output as a self-contained SVG document,
// for slides, pages and print. One row per pod (or per Job with CronJobs),
// grouped per completion index or per node past svgRows rows, with a
// legend that says so; a colour per state; the Jobs' conditions as
// markers on an axis of virtual time. Each row is a <g class="row"> with
// the row's name and outcome in data attributes, each tick of the axis a
// <g class="tick"> with its time in seconds, so that programs (and
// tests) can read the picture back.

// SVG geometry, in pixels.
const (
	svgAxisW   = 960 // the time axis
	svgRowH    = 22
	svgBarH    = 14
	svgPad     = 16
	svgCharW   = 7.8 // a character of the 13px monospace font
	svgTitleH  = 44
	svgAxisH   = 26
	svgMarkH   = 16 // a line of condition markers
	svgLegendH = 18
)

// svgFill is the colour of each cell of the chart.
var svgFill = map[byte]string{
	cellRunning:     "#2f9e44",
	cellPending:     "#adb5bd",
	cellWaiting:     "#f59f00",
	cellTerminating: "#9c36b5",
	cellFailedExit:  "#e03131",
	cellUnknown:     "#495057",
	cellBackoff:     "#1c7ed6",
}

// cellClass is the SVG class of each cell.
var cellClass = map[byte]string{
	cellRunning:     "running",
	cellPending:     "pending",
	cellWaiting:     "waiting",
	cellTerminating: "terminating",
	cellFailedExit:  "exit",
	cellUnknown:     "unknown",
	cellBackoff:     "backoff",
}

// svgChart is one chart ready to draw.
type svgChart struct {
	title      string
	mode, note string
	rows       []drawRow
	start, end time.Time
	marks      []conditionMark
	sim        *manifest.Simulation
	c          *chart
}

// newSVGChart lays the chart out for the SVG: the rows of mode (auto
// groups past svgRows) and the Jobs' condition markers.
func newSVGChart(c *chart, sim *manifest.Simulation, start, end time.Time, mode string) svgChart {
	c.finish(sim, end)
	m, rows, note := c.layout(sim, mode, sim.Scenario().HasNodes(), svgRows)
	title := sim.Scenario().File
	if title == "" || title == "-" {
		title = "jobsim run"
	}
	return svgChart{title: title, mode: m, note: note, rows: rows, start: start, end: end, marks: conditionMarks(sim), sim: sim, c: c}
}

// write writes the chart as an SVG document; standalone adds the XML
// declaration a file needs (not an HTML page).
func (s svgChart) write(w io.Writer, standalone bool) {
	nameW, outW := len(svgHeads[s.mode]), 0
	for _, r := range s.rows {
		nameW = max(nameW, len(r.name))
		outW = max(outW, len(r.outcome))
	}
	nameW, outW = min(nameW, 60), min(outW, 60)
	x0 := float64(svgPad) + float64(nameW)*svgCharW + svgPad
	width := x0 + svgAxisW + svgPad + float64(outW)*svgCharW + svgPad
	marks := min(len(s.marks), 6)
	yAxis := float64(svgTitleH)
	yMarks := yAxis + svgAxisH
	yRows := yMarks + float64(marks*svgMarkH) + 6
	used := s.used()
	yLegend := yRows + float64(len(s.rows)*svgRowH) + svgPad
	height := yLegend + float64((len(used)+2)*svgLegendH) + svgPad
	span := s.end.Sub(s.start)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return x0
		}
		return x0 + float64(t.Sub(s.start))/float64(span)*svgAxisW
	}

	b := &strings.Builder{}
	if standalone {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="13">`+"\n",
		width, height, width, height)
	b.WriteString(svgStyle)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	fmt.Fprintf(b, `<text class="title" x="%d" y="22">%s</text>`+"\n", svgPad, xmlEscape(s.title))
	fmt.Fprintf(b, `<text class="sub" x="%d" y="38">%s; times are virtual, since the start</text>`+"\n", svgPad, xmlEscape(svgTitles[s.mode]))

	// The axis: a tick, its label and a grid line every step.
	step := tickStep(span, 10)
	fmt.Fprintf(b, `<text class="head" x="%d" y="%.0f">%s</text>`+"\n", svgPad, yMarks-8, svgHeads[s.mode])
	for d := time.Duration(0); d <= span; d += step {
		tx := x(s.start.Add(d))
		fmt.Fprintf(b, `<g class="tick" data-t="%s"><line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f"/><text x="%.1f" y="%.0f">%s</text></g>`+"\n",
			seconds(d), tx, yMarks-4, tx, yLegend-svgPad+4, tx, yAxis+12, fmtDur(d))
	}

	// The Jobs' conditions: a dashed line down the rows, labelled above.
	for i, m := range s.marks {
		mx := x(m.t)
		my := yMarks + float64(min(i, marks-1)*svgMarkH) + 12
		// Labelled to the right of the line in the axis's first half, to
		// its left in the second.
		tx, anchor := mx+3, "start"
		if mx > x0+svgAxisW/2 {
			tx, anchor = mx-3, "end"
		}
		fmt.Fprintf(b, `<g class="condition" data-t="%s"><line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f"/><text x="%.1f" y="%.0f" text-anchor="%s">%s at %s</text></g>`+"\n",
			seconds(m.t.Sub(s.start)), mx, my+2, mx, yLegend-svgPad+4, tx, my, anchor, xmlEscape(m.text), fmtDur(m.t.Sub(s.start)))
	}

	for i, r := range s.rows {
		y := yRows + float64(i*svgRowH)
		fmt.Fprintf(b, `<g class="row" data-name="%s" data-outcome="%s">`, xmlEscape(r.name), xmlEscape(r.outcome))
		fmt.Fprintf(b, `<text class="name" x="%d" y="%.0f">%s</text>`, svgPad, y+15, xmlEscape(cutMiddle(r.name, nameW)))
		s.bar(b, r, x, y+4)
		fmt.Fprintf(b, `<text class="outcome %s" x="%.1f" y="%.0f">%s</text>`, outcomeClass(r.outcome), x0+svgAxisW+svgPad, y+15, xmlEscape(cutMiddle(r.outcome, outW)))
		b.WriteString("</g>\n")
	}

	// The legend: the cells drawn, then what the rows are.
	y := yLegend
	for _, cell := range used {
		fmt.Fprintf(b, `<g class="legend"><rect x="%d" y="%.0f" width="18" height="10" class="%s"/><text x="%d" y="%.0f">%s</text></g>`+"\n",
			svgPad, y, cellClass[cell], svgPad+26, y+10, xmlEscape(cellMeaning[cell]))
		y += svgLegendH
	}
	if s.note != "" {
		fmt.Fprintf(b, `<text class="note" x="%d" y="%.0f">%s</text>`+"\n", svgPad, y+10, xmlEscape(strings.Trim(s.note, "()")))
	}
	b.WriteString("</svg>\n")
	io.WriteString(w, b.String())
}

// bar draws a row's segments, or a node's count of running pods.
func (s svgChart) bar(b *strings.Builder, r drawRow, x func(time.Time) float64, y float64) {
	if s.mode == chartNode {
		s.nodeBar(b, r, x, y)
		return
	}
	// The backoff first, under the rest, as the text chart draws it.
	for _, pass := range []bool{true, false} {
		for _, g := range r.segs {
			if (g.cell == cellBackoff) != pass {
				continue
			}
			s.segment(b, g, x, y)
		}
	}
	if r.pod != nil && r.node != "" && !r.pod.boundAt.IsZero() {
		end := s.end
		if r.pod.ended {
			end = r.pod.endAt
		}
		for _, d := range s.sim.NodeHistory(r.node).Down {
			to := d.To
			if to.IsZero() || to.After(end) {
				to = end
			}
			from := d.From
			if from.Before(r.pod.boundAt) {
				from = r.pod.boundAt
			}
			if to.After(from) {
				s.segment(b, segment{from: from, to: to, cell: cellUnknown}, x, y)
			}
		}
	}
}

// segment draws one span of a row, with a tooltip.
func (s svgChart) segment(b *strings.Builder, g segment, x func(time.Time) float64, y float64) {
	x1, x2 := x(g.from), x(g.to)
	tip := fmt.Sprintf("%s %s–%s", cellState[g.cell], fmtDur(g.from.Sub(s.start)), fmtDur(g.to.Sub(s.start)))
	switch g.cell {
	case cellFailedExit:
		fmt.Fprintf(b, `<rect class="%s" x="%.1f" y="%.0f" width="2" height="%d"><title>exited at %s, restarted</title></rect>`,
			cellClass[g.cell], x1-1, y-2, svgBarH+4, fmtDur(g.from.Sub(s.start)))
	case cellBackoff:
		fmt.Fprintf(b, `<line class="%s" x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f"><title>%s</title></line>`,
			cellClass[g.cell], x1, y+svgBarH/2, x2, y+svgBarH/2, tip)
	default:
		fmt.Fprintf(b, `<rect class="%s" x="%.1f" y="%.0f" width="%.1f" height="%d"><title>%s</title></rect>`,
			cellClass[g.cell], x1, y, max(x2-x1, 1), svgBarH, tip)
	}
}

// nodeBar draws how many charted pods run on a node, at every change: the
// darker, the more.
func (s svgChart) nodeBar(b *strings.Builder, r drawRow, x func(time.Time) float64, y float64) {
	changes := s.c.runningChanges(r.name)
	most, n := 0, 0
	for _, c := range changes {
		n += c.d
		most = max(most, n)
	}
	n = 0
	for i, c := range changes {
		n += c.d
		if n == 0 || i+1 == len(changes) || !changes[i+1].t.After(c.t) {
			continue
		}
		to := changes[i+1].t
		fmt.Fprintf(b, `<rect class="%s" x="%.1f" y="%.0f" width="%.1f" height="%d" fill-opacity="%.2f"><title>%s running %s–%s</title></rect>`,
			cellClass[cellRunning], x(c.t), y, max(x(to)-x(c.t), 1), svgBarH, 0.25+0.75*float64(n)/float64(most),
			plural(n, "pod"), fmtDur(c.t.Sub(s.start)), fmtDur(to.Sub(s.start)))
	}
}

// used lists the cells the rows draw, in the legend's order.
func (s svgChart) used() []byte {
	seen := map[byte]bool{}
	for _, r := range s.rows {
		if s.mode == chartNode {
			seen[cellRunning] = true
			continue
		}
		for _, g := range r.segs {
			seen[g.cell] = true
		}
		if r.pod != nil && r.node != "" && len(s.sim.NodeHistory(r.node).Down) > 0 {
			seen[cellUnknown] = true
		}
	}
	var out []byte
	for _, c := range cellOrder {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// outcomeClass colours an outcome: green for success, red for failure.
func outcomeClass(outcome string) string {
	switch {
	case strings.HasPrefix(outcome, "Succeeded"), strings.HasPrefix(outcome, "Complete"):
		return "ok"
	case strings.HasPrefix(outcome, "Failed"), strings.HasPrefix(outcome, "Deleted"):
		return "bad"
	}
	return "other"
}

// seconds formats a duration in seconds, as data attributes carry it.
func seconds(d time.Duration) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", d.Seconds()), "0"), ".")
}

// svgTitles say what the rows of each mode are.
var svgTitles = map[string]string{
	chartPod:   "One row per pod",
	chartIndex: "One row per completion index, its pods in turn",
	chartJobs:  "One row per Job, its pods in turn",
	chartNode:  "One row per node: the darker, the more pods run there",
}

// svgHeads head the column of names.
var svgHeads = map[string]string{chartPod: "POD", chartIndex: "INDEX", chartJobs: "JOB", chartNode: "NODE"}

// svgStyle is the chart's style sheet: colours per state, readable when
// projected and printed.
var svgStyle = func() string {
	var b strings.Builder
	b.WriteString("<style>\n")
	b.WriteString(".title{font-size:16px;font-weight:bold;fill:#212529}\n")
	b.WriteString(".sub,.note,.legend text{fill:#495057}\n")
	b.WriteString(".head{font-weight:bold;fill:#212529}\n")
	b.WriteString(".tick line{stroke:#e9ecef}\n.tick text{fill:#495057;font-size:11px;text-anchor:middle}\n")
	b.WriteString(".condition line{stroke:#212529;stroke-dasharray:4 3}\n.condition text{font-size:11px;fill:#212529}\n")
	b.WriteString(".name{font-family:monospace;fill:#212529}\n.outcome{font-family:monospace}\n")
	b.WriteString(".ok{fill:#2b8a3e}\n.bad{fill:#c92a2a}\n.other{fill:#495057}\n")
	for _, c := range cellOrder {
		if c == cellBackoff {
			fmt.Fprintf(&b, ".%s{stroke:%s;stroke-width:2;stroke-dasharray:3 2;fill:none}\n", cellClass[c], svgFill[c])
			continue
		}
		fmt.Fprintf(&b, ".%s{fill:%s}\n", cellClass[c], svgFill[c])
	}
	b.WriteString("</style>\n")
	return b.String()
}()
