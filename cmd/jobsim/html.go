package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/jobsim/jobsim"
)

// -o html: one self-contained page (no script, nothing fetched) to send
// to students or attach to a review: how the run ended and the summaries,
// the chart as SVG, the events in a table and the explanation of each
// Job's end.

// writeHTML writes the page of a run that ended at end.
func (r *runner) writeHTML(w io.Writer, stopped error) {
	t := r.text
	var summary strings.Builder
	end := t.ending(&summary, stopped)
	t.summaries(&summary, end)
	chart := newSVGChart(&t.chart, r.sim, t.start, end, r.f.out.chart)
	title := chart.title

	b := &strings.Builder{}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(b, "<title>%s: jobsim run</title>\n", xmlEscape(title))
	b.WriteString(htmlStyle)
	b.WriteString("</head>\n<body>\n")
	fmt.Fprintf(b, "<h1>%s</h1>\n", xmlEscape(title))
	fmt.Fprintf(b, "<p class=\"meta\">%s. Times are virtual, since the start (%s).</p>\n",
		xmlEscape(kubernetesOf(r.s)), xmlEscape(formatTime(t.start)))
	b.WriteString("<h2 id=\"summary\">Summary</h2>\n<pre class=\"summary\">")
	b.WriteString(xmlEscape(strings.TrimLeft(summary.String(), "\n")))
	b.WriteString("</pre>\n<h2 id=\"chart\">Chart</h2>\n<div class=\"chart\">\n")
	chart.write(b, false)
	b.WriteString("</div>\n<h2 id=\"events\">Events</h2>\n")
	r.eventTable(b)
	if ex := explainText(r.sim, r.f.explain == explainFull); ex != "" {
		b.WriteString("<h2 id=\"explanation\">Explanation</h2>\n<pre class=\"explanation\">")
		b.WriteString(xmlEscape(strings.TrimPrefix(ex, "\nExplanation:\n\n")))
		b.WriteString("</pre>\n")
	}
	b.WriteString("</body>\n</html>\n")
	io.WriteString(w, b.String())
}

// eventTable writes the events as a table: the Kubernetes Events, and the
// changes to objects (their reasons in parentheses, as in the text
// output) but the status writes, which the chart and the summary show.
func (r *runner) eventTable(b *strings.Builder) {
	b.WriteString("<table class=\"events\">\n<thead><tr><th>Time</th><th>Object</th><th>Reason</th><th>Message</th></tr></thead>\n<tbody>\n")
	for _, ev := range r.pic.events {
		reason, class := ev.Reason, ""
		switch {
		case ev.Type == jobsim.EventChange && ev.Reason == jobsim.ReasonStatusUpdated:
			continue
		case ev.Type == jobsim.EventChange:
			reason, class = "("+ev.Reason+")", "change"
		case ev.Type == jobsim.EventWarning:
			class = "warning"
		}
		fmt.Fprintf(b, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", class,
			fmtDur(ev.Time.Sub(r.text.start)), xmlEscape(ev.Object.String()), xmlEscape(reason), xmlEscape(ev.Message))
	}
	b.WriteString("</tbody>\n</table>\n")
}

// htmlStyle is the page's style sheet.
const htmlStyle = `<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#212529;max-width:100%}
h1{font-size:1.5rem;margin-bottom:.2rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dee2e6}
.meta{color:#495057;margin-top:0}
pre{background:#f8f9fa;padding:1rem;overflow-x:auto;font-size:.85rem;line-height:1.35}
.chart svg{max-width:100%;height:auto}
pre.explanation{white-space:pre-wrap}
table.events{border-collapse:collapse;font-size:.85rem}
table.events th,table.events td{text-align:left;padding:.2rem .6rem;border-bottom:1px solid #e9ecef;vertical-align:top}
table.events td:first-child{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.events td:nth-child(2){font-family:monospace;white-space:nowrap}
tr.change td{color:#495057}
tr.warning td:nth-child(3){color:#c92a2a}
@media print{body{margin:0}pre{white-space:pre-wrap}}
</style>
`
