package main

import (
	"fmt"
	"io"
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
	t := ev.Time
	switch ev.Object.Kind {
	case jobsim.KindNode:
		return
	case jobsim.KindJob:
		switch {
		case ev.Reason == "SuccessfulCreate" && ev.Related != "":
			c.row(ev.Related, job, t).begin(t, cellPending)
		case ev.Reason == "SuccessfulDelete" && ev.Related != "":
			if r := c.rows[ev.Related]; r != nil && !r.ended {
				r.deleting = true
				if r.open >= 0 && r.segs[r.open].cell == cellWaiting {
					r.end(t, "Failed (deleted while waiting to restart)")
				}
			}
		}
		return
	}
	r := c.row(ev.Object.Name, job, t)
	if r.ended {
		return
	}
	switch {
	case ev.Reason == "Scheduled":
		r.boundAt = t
		if r.open >= 0 && r.segs[r.open].cell == cellPending {
			r.close(t)
		}
	case ev.Reason == "FailedScheduling":
	case ev.Reason == "Started":
		if r.exited {
			r.restarts++
		}
		r.started = true
		r.begin(t, cellRunning)
	case ev.Reason == "BackOff":
		r.begin(t, cellWaiting)
	case ev.Reason == "Killing":
		r.deleting = true
		r.begin(t, cellTerminating)
	case ev.Exited:
		code := ev.ExitCode
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
		case c.policy[job] == jobsim.RestartOnFailure:
			// Marked on the run's last column, not the next run's first.
			r.marks = append(r.marks, segment{from: t.Add(-1), to: t.Add(-1), cell: cellFailedExit})
		default:
			r.end(t, fmt.Sprintf("Failed (exit %d)", code))
		}
	case ev.Type == jobsim.EventWarning:
		// The pod was disrupted (evicted, preempted ...).
		r.disrupt = ev.Reason
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
	nameW := len("POD")
	outW := 0
	nodeW := 0
	for _, r := range c.order {
		nameW = max(nameW, len(r.name))
		outW = max(outW, len(r.outcome))
	}
	nameW = min(nameW, 40)
	nodeOf := func(r *podRow) string { return "" }
	if nodes {
		nodeOf = func(r *podRow) string { return sim.PodNode(r.name) }
		nodeW = len("NODE")
		for _, r := range c.order {
			nodeW = max(nodeW, len(nodeOf(r)))
		}
		nodeW = min(nodeW, 24) + 2
	}
	axisW := max(chartWidth-nameW-nodeW-outW-4, 40)
	span := end.Sub(start)
	cell := cellDuration(span, axisW)
	cols := int(span/cell) + 1
	cols = min(cols, axisW)

	fmt.Fprintf(w, "Pods (one row per pod; each column is %s):\n\n", fmtDur(cell))
	// The axis: a label every ten columns.
	var labels, ticks strings.Builder
	for col := 0; col < cols; col += 10 {
		l := fmtDur(time.Duration(col) * cell)
		if labels.Len() > col {
			continue
		}
		labels.WriteString(strings.Repeat(" ", col-labels.Len()))
		labels.WriteString(l)
	}
	for col := range cols {
		if col%10 == 0 {
			ticks.WriteByte('|')
		} else {
			ticks.WriteByte('.')
		}
	}
	head := fmt.Sprintf("%-*s  ", nameW, "POD")
	if nodes {
		head += fmt.Sprintf("%-*s", nodeW, "NODE")
	}
	fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", len(head)), strings.TrimRight(labels.String(), " "))
	fmt.Fprintf(w, "%s%s\n", head, ticks.String())
	used := map[byte]bool{}
	for _, r := range c.order {
		bar := []byte(strings.Repeat(" ", cols))
		span := func(s segment) (int, int) {
			from := int(s.from.Sub(start) / cell)
			to := from
			if s.to.After(s.from) {
				to = int((s.to.Sub(start) - 1) / cell)
			}
			return max(from, 0), min(to, cols-1)
		}
		paint := func(s segment) {
			from, to := span(s)
			for i := from; i <= to; i++ {
				bar[i] = s.cell
				used[s.cell] = true
			}
		}
		for _, s := range r.segs {
			paint(s)
		}
		for _, m := range r.marks {
			paint(m)
		}
		node := nodeOf(r)
		if node != "" && !r.boundAt.IsZero() {
			// While its node's kubelet was down, nobody knows how the pod
			// fares: its running (or not yet started) cells show it.
			rowEnd := end
			if r.ended {
				rowEnd = r.endAt
			}
			for _, d := range sim.NodeHistory(node).Down {
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
				a, b := span(segment{from: from, to: to})
				for i := a; i <= b; i++ {
					if bar[i] == ' ' || bar[i] == cellRunning {
						bar[i] = cellUnknown
						used[cellUnknown] = true
					}
				}
			}
		}
		name := r.name
		if len(name) > nameW {
			name = name[:nameW-3] + "..."
		}
		line := fmt.Sprintf("%-*s  ", nameW, name)
		if nodes {
			if len(node) > nodeW-2 {
				node = node[:nodeW-5] + "..."
			}
			line += fmt.Sprintf("%-*s", nodeW, node)
		}
		fmt.Fprintf(w, "%s%s  %s\n", line, string(bar), r.outcome)
	}
	fmt.Fprintln(w)
	for _, l := range legend(used) {
		fmt.Fprintln(w, l)
	}
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
