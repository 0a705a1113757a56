package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The chart of the pods: one row per pod, in creation order, on a time
// axis scaled to the run, showing when each waited for a node, ran,
// waited to restart and terminated, and how it ended. Parallelism shows
// as rows that overlap, retries as new rows, backoff as the gap before
// them, and a lack of room on the nodes as pending cells. When the
// scenario has nodes, each row names the pod's node, and the time its
// node's kubelet was down shows.

// Cells of the chart.
const (
	cellRunning     = '='
	cellPending     = '-' // created, waiting to be bound to a node
	cellWaiting     = '~' // CrashLoopBackOff: waiting to restart the container
	cellTerminating = 'x' // deleted: SIGTERM sent (if its kubelet runs), waiting for the process
	cellFailedExit  = '!' // the container exited non-zero and is restarted
	cellUnknown     = '?' // on a failed node: its kubelet does not report
	chartWidth      = 80
)

// segment is a span of a pod's life drawn with one cell kind.
type segment struct {
	from, to time.Time
	cell     byte
}

// podRow is what the chart knows of one pod.
type podRow struct {
	name    string
	job     string // job key
	created time.Time
	segs    []segment
	open    int // index of the open segment in segs, or -1
	marks   []segment

	boundAt time.Time // zero until the pod is bound to a node
	started bool      // a container of the pod has started

	restarts int
	exitCode int
	exited   bool
	deleting bool
	disrupt  string
	ended    bool
	endAt    time.Time
	outcome  string
}

// chart collects the rows from the events.
type chart struct {
	order  []*podRow
	rows   map[string]*podRow
	policy map[string]jobsim.RestartPolicy // job key → restartPolicy
}

func (c *chart) row(name, job string, t time.Time) *podRow {
	if r := c.rows[name]; r != nil {
		return r
	}
	r := &podRow{name: name, job: job, created: t, open: -1}
	c.rows[name] = r
	c.order = append(c.order, r)
	return r
}

func (r *podRow) close(t time.Time) {
	if r.open >= 0 {
		r.segs[r.open].to = t
		if seg := r.segs[r.open]; seg.cell == cellPending && !seg.to.After(seg.from) {
			r.segs = r.segs[:r.open] // bound at once: no wait to show
		}
		r.open = -1
	}
}

func (r *podRow) begin(t time.Time, cell byte) {
	r.close(t)
	r.segs = append(r.segs, segment{from: t, to: t, cell: cell})
	r.open = len(r.segs) - 1
}

func (r *podRow) end(t time.Time, outcome string) {
	if r.ended {
		return
	}
	r.close(t)
	r.ended, r.endAt, r.outcome = true, t, outcome
}

// observe updates the rows from one event.
func (c *chart) observe(ev jobsim.Event, job string) {
	switch ev.Object.Kind {
	case jobsim.KindNode:
		// Nodes are drawn from manifest's NodeHistory.
	case jobsim.KindJob:
		c.jobEvent(ev, job)
	default:
		if r := c.row(ev.Object.Name, job, ev.Time); !r.ended {
			r.podEvent(ev, c.policy[job])
		}
	}
}

// jobEvent updates the rows from a Job's event: a pod created or deleted.
func (c *chart) jobEvent(ev jobsim.Event, job string) {
	t := ev.Time
	switch {
	case ev.Related == "":
	case ev.Reason == jobsim.ReasonSuccessfulCreate:
		c.row(ev.Related, job, t).begin(t, cellPending)
	case ev.Reason == jobsim.ReasonSuccessfulDelete:
		if r := c.rows[ev.Related]; r != nil && !r.ended {
			r.deleting = true
			if r.open >= 0 && r.segs[r.open].cell == cellWaiting {
				r.end(t, "Failed (deleted while waiting to restart)")
			}
		}
	}
}

// podEvent updates a row from its pod's event; policy is the restartPolicy
// of the pod's job.
func (r *podRow) podEvent(ev jobsim.Event, policy jobsim.RestartPolicy) {
	t := ev.Time
	switch {
	case ev.Reason == jobsim.ReasonScheduled:
		r.boundAt = t
		if r.open >= 0 && r.segs[r.open].cell == cellPending {
			r.close(t)
		}
	case ev.Reason == jobsim.ReasonFailedScheduling:
	case ev.Reason == jobsim.ReasonStarted:
		if r.exited {
			r.restarts++
		}
		r.started = true
		r.begin(t, cellRunning)
	case ev.Reason == jobsim.ReasonBackOff:
		r.begin(t, cellWaiting)
	case ev.Reason == jobsim.ReasonKilling:
		r.deleting = true
		r.begin(t, cellTerminating)
	case ev.Exited:
		r.exit(t, ev.ExitCode, policy)
	case ev.Type == jobsim.EventWarning:
		// The pod was disrupted (evicted, preempted ...).
		r.disrupt = ev.Reason
	}
}

// exit records a container's exit with code at t: the end of the pod's
// row, or, restarted in place (OnFailure), a mark on its run.
func (r *podRow) exit(t time.Time, code int, policy jobsim.RestartPolicy) {
	r.exited, r.exitCode = true, code
	r.close(t)
	switch {
	case !r.started:
		// Its containers never ran: the pod was deleted before.
		r.end(t, "Failed (deleted before it ran)")
	case code == 0 && r.deleting:
		r.end(t, "Succeeded (deleted)")
	case code == 0:
		r.end(t, "Succeeded")
	case r.disrupt != "":
		r.end(t, fmt.Sprintf("Failed (exit %d, %s)", code, r.disrupt))
	case r.deleting:
		r.end(t, fmt.Sprintf("Failed (exit %d, deleted)", code))
	case policy == jobsim.RestartOnFailure:
		// Marked on the run's last column, not the next run's first.
		r.marks = append(r.marks, segment{from: t.Add(-1), to: t.Add(-1), cell: cellFailedExit})
	default:
		r.end(t, fmt.Sprintf("Failed (exit %d)", code))
	}
}

// finish ends the rows still open at the end of the simulation, from the
// pods as they are then.
func (c *chart) finish(sim *manifest.Simulation, end time.Time) {
	pods := map[string]jobsim.Pod{}
	for _, p := range sim.Cluster().Pods() {
		pods[p.Name] = p
	}
	for _, r := range c.order {
		if r.ended {
			continue
		}
		p, ok := pods[r.name]
		switch {
		case !ok && r.exited:
			r.end(end, fmt.Sprintf("Failed (exit %d)", r.exitCode))
		case !ok:
			r.end(end, "Failed")
		case p.Status.Phase == jobsim.PodSucceeded || p.Status.Phase == jobsim.PodFailed:
			r.end(end, string(p.Status.Phase))
		case !p.DeletionTime.IsZero():
			r.close(end)
			r.outcome = "Terminating"
		case r.open >= 0 && r.segs[r.open].cell == cellWaiting:
			r.close(end)
			r.outcome = "CrashLoopBackOff"
		default:
			r.close(end)
			r.outcome = string(p.Status.Phase)
		}
	}
	for _, r := range c.order {
		if r.restarts > 0 {
			r.outcome += ", " + plural(r.restarts, "restart")
		}
	}
}

// render prints the chart, or says there were no pods. With nodes, each
// row names its pod's node (from sim's record of the nodes' use).
func (c *chart) render(w io.Writer, sim *manifest.Simulation, start, end time.Time, nodes bool) {
	c.finish(sim, end)
	if len(c.order) == 0 {
		fmt.Fprintln(w, "No pods were created.")
		return
	}
	g := c.grid(sim, start, end, nodes)
	fmt.Fprintf(w, "Pods (one row per pod; each column is %s):\n\n", fmtDur(g.cell))
	g.axis(w)
	used := map[byte]bool{}
	for _, r := range c.order {
		node := g.nodeOf(r)
		bar := g.bar(r, used)
		if node != "" && !r.boundAt.IsZero() {
			g.paintDown(bar, r, sim.NodeHistory(node).Down, used)
		}
		fmt.Fprintf(w, "%s%s  %s\n", g.label(r.name, node), string(bar), r.outcome)
	}
	fmt.Fprintln(w)
	for _, l := range legend(used) {
		fmt.Fprintln(w, l)
	}
}

// grid is the chart's layout: the width of its columns of names and the
// time each cell of its bars stands for.
type grid struct {
	start, end   time.Time
	cell         time.Duration // the time a column stands for
	cols         int           // the columns of a bar
	nameW, nodeW int           // 0 nodeW: no column of nodes
	nodeOf       func(*podRow) string
}

// grid lays the chart out in chartWidth columns, rows named up to 40
// characters and nodes up to 24.
func (c *chart) grid(sim *manifest.Simulation, start, end time.Time, nodes bool) grid {
	g := grid{start: start, end: end, nameW: len("POD"), nodeOf: func(*podRow) string { return "" }}
	outW := 0
	for _, r := range c.order {
		g.nameW = max(g.nameW, len(r.name))
		outW = max(outW, len(r.outcome))
	}
	g.nameW = min(g.nameW, 40)
	if nodes {
		g.nodeOf = func(r *podRow) string { return sim.PodNode(r.name) }
		g.nodeW = len("NODE")
		for _, r := range c.order {
			g.nodeW = max(g.nodeW, len(g.nodeOf(r)))
		}
		g.nodeW = min(g.nodeW, 24) + 2
	}
	axisW := max(chartWidth-g.nameW-g.nodeW-outW-4, 40)
	span := end.Sub(start)
	g.cell = cellDuration(span, axisW)
	g.cols = min(int(span/g.cell)+1, axisW)
	return g
}

// axis prints the heading and the time axis: a label every ten columns.
func (g grid) axis(w io.Writer) {
	var labels, ticks strings.Builder
	for col := 0; col < g.cols; col += 10 {
		l := fmtDur(time.Duration(col) * g.cell)
		if labels.Len() > col {
			continue
		}
		labels.WriteString(strings.Repeat(" ", col-labels.Len()))
		labels.WriteString(l)
	}
	for col := range g.cols {
		if col%10 == 0 {
			ticks.WriteByte('|')
		} else {
			ticks.WriteByte('.')
		}
	}
	head := fmt.Sprintf("%-*s  ", g.nameW, "POD")
	if g.nodeW > 0 {
		head += fmt.Sprintf("%-*s", g.nodeW, "NODE")
	}
	fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", len(head)), strings.TrimRight(labels.String(), " "))
	fmt.Fprintf(w, "%s%s\n", head, ticks.String())
}

// columns returns the first and last columns a segment covers.
func (g grid) columns(s segment) (int, int) {
	from := int(s.from.Sub(g.start) / g.cell)
	to := from
	if s.to.After(s.from) {
		to = int((s.to.Sub(g.start) - 1) / g.cell)
	}
	return max(from, 0), min(to, g.cols-1)
}

// bar draws a row's segments and marks, noting in used the cells drawn.
func (g grid) bar(r *podRow, used map[byte]bool) []byte {
	bar := []byte(strings.Repeat(" ", g.cols))
	for _, s := range slices.Concat(r.segs, r.marks) {
		from, to := g.columns(s)
		for i := from; i <= to; i++ {
			bar[i] = s.cell
			used[s.cell] = true
		}
	}
	return bar
}

// paintDown marks the columns of a row where its node's kubelet was down
// (down): nobody knows then how the pod fares, so its running (or not yet
// started) cells show it.
func (g grid) paintDown(bar []byte, r *podRow, down []manifest.Span, used map[byte]bool) {
	rowEnd := g.end
	if r.ended {
		rowEnd = r.endAt
	}
	for _, d := range down {
		to := d.To
		if to.IsZero() || to.After(rowEnd) {
			to = rowEnd
		}
		from := d.From
		if from.Before(r.boundAt) {
			from = r.boundAt
		}
		if !to.After(from) {
			continue
		}
		a, b := g.columns(segment{from: from, to: to})
		for i := a; i <= b; i++ {
			if bar[i] == ' ' || bar[i] == cellRunning {
				bar[i] = cellUnknown
				used[cellUnknown] = true
			}
		}
	}
}

// label is the start of a row: the pod's name, and its node's when the
// chart has a column of nodes, each cut to its column.
func (g grid) label(name, node string) string {
	if len(name) > g.nameW {
		name = name[:g.nameW-3] + "..."
	}
	line := fmt.Sprintf("%-*s  ", g.nameW, name)
	if g.nodeW > 0 {
		if len(node) > g.nodeW-2 {
			node = node[:g.nodeW-5] + "..."
		}
		line += fmt.Sprintf("%-*s", g.nodeW, node)
	}
	return line
}

// legend explains the cells the chart uses, two to a line.
func legend(used map[byte]bool) []string {
	all := []struct {
		cell byte
		text string
	}{
		{cellPending, "pending: waiting for a node"},
		{cellRunning, "running"},
		{cellFailedExit, "a run that exited non-zero; the container is restarted"},
		{cellWaiting, "waiting to restart (CrashLoopBackOff)"},
		{cellTerminating, "terminating: deleted, its containers not yet stopped"},
		{cellUnknown, "on a failed node: its kubelet does not report"},
	}
	var items []string
	for _, it := range all {
		if used[it.cell] {
			items = append(items, fmt.Sprintf("%c %s", it.cell, it.text))
		}
	}
	var lines []string
	for len(items) > 0 {
		n := min(2, len(items))
		if n == 2 && len(items[0])+len(items[1])+3 > chartWidth {
			n = 1
		}
		lines = append(lines, strings.Join(items[:n], "   "))
		items = items[n:]
	}
	return lines
}

// cellDuration is how much time a column stands for: a round duration
// such that the span fits in width columns.
func cellDuration(span time.Duration, width int) time.Duration {
	steps := []time.Duration{
		100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
		time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second, 6 * time.Second,
		10 * time.Second, 15 * time.Second, 20 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute, 6 * time.Minute, 10 * time.Minute,
		15 * time.Minute, 20 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	}
	for _, s := range steps {
		if span/s < time.Duration(width) {
			return s
		}
	}
	d := 24 * time.Hour
	for span/d >= time.Duration(width) {
		d *= 2
	}
	return d
}
