package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
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
	cellBackoff     = '_' // the pod-failure backoff before a replacement
	cellCount       = '#' // in the chart of nodes: a count of pods (1-9, + for more)
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

	index       int    // completion index, -1 if none
	node        string // the node it was bound to
	ctrlDeleted bool   // the Job controller deleted it (SuccessfulDelete)
	pendingWhy  string // the scheduler's last reason while it pends
	why         string // why it was created: the failed pod it replaces
	charted     bool   // kept for the chart
	told        bool   // its end was told to the job's reasons
}

// chart collects the rows from the events. It keeps the rows of the pods
// that live, and of the first maxKept pods for the chart: its memory is
// bounded by what it prints, not by the length of the run.
type chart struct {
	order   []*podRow            // the charted rows, in creation order
	rows    map[string]*podRow   // the rows of live pods and charted ones
	jobs    map[string]*chartJob // by job key
	dropped int                  // pods created past maxKept: not charted
	maxKept int

	// The Jobs, for the chart with a row per Job: the first maxKept
	// created, in creation order, and the CronJobs' ranks.
	jobOrder    []*jobRow
	jobRowOf    map[string]*jobRow // by job key
	jobsDropped int
	cronRank    map[string]int // CronJob name → its place in the scenario
}

// jobRow is what the chart knows of one Job.
type jobRow struct {
	key, name string
	owner     string // the CronJob that created it, or ""
	created   time.Time
	deleted   time.Time // zero unless deleted
	outcome   string    // its Complete or Failed condition, with the reason
}

// chartJob is what the chart and the timeline know of a job.
type chartJob struct {
	rank    int // its place in the scenario
	policy  jobsim.RestartPolicy
	indexed bool
	reasons *jobReasons
}

// maxCharted is how many pods the chart keeps.
const maxCharted = 1000

func newChart(s *manifest.Scenario) chart {
	c := chart{rows: map[string]*podRow{}, jobs: map[string]*chartJob{}, maxKept: maxCharted,
		jobRowOf: map[string]*jobRow{}, cronRank: map[string]int{}}
	for i, sc := range s.CronJobs {
		c.cronRank[sc.Manifest.CronJob.Name] = i
	}
	for i, sj := range s.Jobs {
		j := sj.Manifest.Job
		key := jobKey(j.Namespace, j.Name)
		if c.jobs[key] == nil {
			c.jobs[key] = &chartJob{rank: i, policy: j.Spec.Template.Spec.RestartPolicy,
				indexed: j.Spec.CompletionMode == jobsim.Indexed, reasons: newJobReasons(j.Spec)}
		}
	}
	return c
}

// create starts the row of a pod created at t.
func (c *chart) create(name, job string, t time.Time) *podRow {
	r := &podRow{name: name, job: job, created: t, open: -1, index: -1}
	if cj := c.jobs[job]; cj != nil && cj.indexed {
		r.index = podIndex(name)
	}
	c.rows[name] = r
	if len(c.order) < c.maxKept {
		r.charted = true
		c.order = append(c.order, r)
	} else {
		c.dropped++
	}
	return r
}

// jobCreated starts the row of a Job created at t; owner is the CronJob
// that created it, if any.
func (c *chart) jobCreated(key, name, owner string, t time.Time) {
	if len(c.jobOrder) >= c.maxKept {
		c.jobsDropped++
		return
	}
	r := &jobRow{key: key, name: name, owner: owner, created: t}
	c.jobOrder = append(c.jobOrder, r)
	c.jobRowOf[key] = r
}

// jobDeleted notes that a Job was deleted at t.
func (c *chart) jobDeleted(key string, t time.Time) {
	if r := c.jobRowOf[key]; r != nil && r.deleted.IsZero() {
		r.deleted = t
	}
}

// jobCondition notes a Job's condition that came true: its first
// Complete or Failed one is its outcome.
func (c *chart) jobCondition(key string, cond jobsim.JobCondition) {
	r := c.jobRowOf[key]
	if r == nil || r.outcome != "" || cond.Status != jobsim.ConditionTrue {
		return
	}
	switch cond.Type {
	case jobsim.JobComplete:
		r.outcome = string(cond.Type)
	case jobsim.JobFailed:
		r.outcome = string(cond.Type)
		if cond.Reason != "" {
			r.outcome += " (" + cond.Reason + ")"
		}
	}
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

// observe updates the rows from one event, and returns the clause the
// timeline adds to it, if any.
func (c *chart) observe(ev jobsim.Event, job string) string {
	var r *podRow
	var clause string
	switch ev.Object.Kind {
	case jobsim.KindNode:
		// Nodes are drawn from manifest's NodeHistory.
	case jobsim.KindJob:
		r, clause = c.jobEvent(ev, job)
	default:
		if r = c.rows[ev.Object.Name]; r != nil && !r.ended {
			var policy jobsim.RestartPolicy
			if cj := c.jobs[job]; cj != nil {
				policy = cj.policy
			}
			r.podEvent(ev, policy)
			if cj := c.jobs[job]; cj != nil && ev.Reason == jobsim.ReasonStarted && r.restarts > 0 {
				cj.reasons.restarts[r.name] = r.restarts
			}
		}
	}
	if r != nil && r.ended && !r.told {
		r.told = true
		if cj := c.jobs[r.job]; cj != nil {
			cj.reasons.ended(r)
		}
		if !r.charted {
			delete(c.rows, r.name)
		}
	}
	return clause
}

// jobEvent updates the rows from a Job's event: a pod created or
// deleted. It returns the row it touched and the timeline's clause.
func (c *chart) jobEvent(ev jobsim.Event, job string) (*podRow, string) {
	t := ev.Time
	switch {
	case ev.Related == "":
	case ev.Reason == jobsim.ReasonSuccessfulCreate:
		r := c.create(ev.Related, job, t)
		r.begin(t, cellPending)
		cj := c.jobs[job]
		if cj == nil {
			return r, ""
		}
		clause, failedAt := cj.reasons.created(ev.Related, r.index, t)
		r.why = clause
		if !failedAt.IsZero() && t.After(failedAt) {
			r.marks = append(r.marks, segment{from: failedAt, to: t, cell: cellBackoff})
		}
		return r, clause
	case ev.Reason == jobsim.ReasonSuccessfulDelete:
		if r := c.rows[ev.Related]; r != nil && !r.ended {
			r.deleting, r.ctrlDeleted = true, true
			if r.open >= 0 && r.segs[r.open].cell == cellWaiting {
				r.end(t, "Failed (deleted while waiting to restart)")
			}
			return r, ""
		}
	}
	return nil, ""
}

// podEvent updates a row from its pod's event; policy is the restartPolicy
// of the pod's job.
func (r *podRow) podEvent(ev jobsim.Event, policy jobsim.RestartPolicy) {
	t := ev.Time
	switch {
	case ev.Reason == jobsim.ReasonScheduled:
		r.boundAt, r.node, r.pendingWhy = t, ev.Related, ""
		if r.open >= 0 && r.segs[r.open].cell == cellPending {
			r.close(t)
		}
	case ev.Reason == jobsim.ReasonFailedScheduling:
		r.pendingWhy = pendingReason(ev.Message)
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
		case p.Status.Phase == jobsim.PodPending && r.pendingWhy != "":
			r.close(end)
			r.outcome = "Pending: " + r.pendingWhy
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

// Chart modes: one row per pod, per completion index, per Job, or per
// node.
const (
	chartAuto  = "auto"
	chartPod   = "pod"
	chartIndex = "index"
	chartJobs  = "job"
	chartNode  = "node"
)

// autoRows is how many rows the auto mode shows before it groups.
const autoRows = 40

// drawRow is one row of the chart: a pod, an index's pods, or a node's.
type drawRow struct {
	name, node string
	segs       []segment
	pod        *podRow // in pod mode
	pods       int     // in index mode: the index's pods
	outcome    string
	counts     []int // in node mode: the pods running in each column
}

// chartTitles head the chart in each mode.
var chartTitles = map[string]string{
	chartPod:   "Pods (one row per pod",
	chartIndex: "Indexes (one row per completion index, its pods in turn",
	chartJobs:  "Jobs (one row per Job, its pods in turn",
	chartNode:  "Nodes (one row per node: how many pods run there",
}

// render prints the chart in o.width columns, or says there were no
// pods. With nodes, each row names its pod's node.
func (c *chart) render(w io.Writer, sim *manifest.Simulation, start, end time.Time, nodes bool, o outOpts) {
	c.finish(sim, end)
	if len(c.order) == 0 {
		fmt.Fprintln(w, "No pods were created.")
		return
	}
	mode, rows, note := c.layout(sim, o.chart, nodes, autoRows)
	head := map[string]string{chartPod: "POD", chartIndex: "INDEX", chartJobs: "JOB", chartNode: "NODE"}[mode]
	g := grid{start: start, end: end, nameW: len(head)}
	outW := 0
	for _, r := range rows {
		g.nameW = max(g.nameW, len(r.name))
		outW = max(outW, len(r.outcome))
		g.nodeW = max(g.nodeW, len(r.node))
	}
	g.nameW = min(g.nameW, 40)
	if nodes && mode != chartNode {
		g.nodeW = min(max(g.nodeW, len("NODE")), 24) + 2
	} else {
		g.nodeW = 0
	}
	axisW := max(o.width-g.nameW-g.nodeW-min(outW, 30)-4, 20)
	span := end.Sub(start)
	g.cell = cellDuration(span, axisW)
	g.cols = min(int(span/g.cell)+1, axisW)
	if mode == chartNode {
		c.countNodes(g, rows)
	}
	fmt.Fprintf(w, "%s; each column is %s):\n\n", chartTitles[mode], fmtDur(g.cell))
	g.axis(w, head)
	used := map[byte]bool{}
	for _, r := range rows {
		bar := g.bar(r, used)
		if r.pod != nil && r.node != "" && !r.pod.boundAt.IsZero() {
			g.paintDown(bar, r.pod, sim.NodeHistory(r.node).Down, used)
		}
		fmt.Fprintf(w, "%s%s  %s\n", g.label(r.name, r.node), o.paintBar(bar), o.paintOutcome(r.outcome))
	}
	if note != "" {
		fmt.Fprintln(w, note)
	}
	fmt.Fprintln(w)
	for _, l := range legend(used, o.width) {
		fmt.Fprintln(w, l)
	}
}

// layout chooses the chart's mode (auto: Jobs with CronJobs, else pods
// if at most limit, else indexes, else nodes, else the first pods) and
// returns its rows and a note on what it leaves out.
func (c *chart) layout(sim *manifest.Simulation, mode string, nodes bool, limit int) (string, []drawRow, string) {
	var note string
	if c.dropped > 0 {
		note = fmt.Sprintf("(%d later pods are not charted: the chart keeps the first %d)", c.dropped, c.maxKept)
	}
	switch mode {
	case chartPod:
		return chartPod, c.podRows(), note
	case chartIndex:
		return chartIndex, c.indexRows(), note
	case chartJobs:
		return chartJobs, c.jobRows(), c.jobsNote(note)
	case chartNode:
		return chartNode, c.nodeRows(sim), note
	}
	if len(c.cronRank) > 0 {
		// CronJobs: the story is the Jobs they create.
		rows := c.jobRows()
		if len(rows) <= limit {
			return chartJobs, rows, c.jobsNote(note)
		}
		return chartJobs, rows[:limit], fmt.Sprintf("(the first %d of %d Jobs; --chart=job shows up to %d, --chart=pod their pods)",
			limit, len(rows)+c.jobsDropped, c.maxKept)
	}
	pods := c.podRows()
	if len(pods) <= limit && c.dropped == 0 {
		return chartPod, pods, note
	}
	indexed := false
	for _, cj := range c.jobs {
		indexed = indexed || cj.indexed
	}
	if idx := c.indexRows(); indexed && len(idx) <= limit {
		return chartIndex, idx, note
	}
	if nr := c.nodeRows(sim); nodes && len(nr) <= limit {
		return chartNode, nr, note
	}
	return chartPod, pods[:limit], fmt.Sprintf("(the first %d of %d pods; --chart=pod shows up to %d, --chart=index or --chart=node groups them)",
		limit, len(pods)+c.dropped, c.maxKept)
}

// podRows returns a row per charted pod: the jobs in the scenario's
// order, an Indexed job's pods by index (retries under their index),
// the others' in creation order.
func (c *chart) podRows() []drawRow {
	order := slices.Clone(c.order)
	rank := func(r *podRow) int {
		if cj := c.jobs[r.job]; cj != nil {
			return cj.rank
		}
		return len(c.jobs)
	}
	slices.SortStableFunc(order, func(a, b *podRow) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return a.index - b.index
	})
	rows := make([]drawRow, len(order))
	for i, r := range order {
		rows[i] = drawRow{name: r.name, node: r.node, segs: slices.Concat(r.segs, r.marks), pod: r, outcome: r.outcome}
	}
	return rows
}

// indexRows returns a row per completion index of the Indexed jobs, its
// pods one after the other (with the backoff between them), and a row
// per pod of the other jobs.
func (c *chart) indexRows() []drawRow {
	var rows []drawRow
	at := map[string]int{} // job key and index → row
	for _, pr := range c.podRows() {
		r := pr.pod
		if r.index < 0 {
			rows = append(rows, pr)
			continue
		}
		key := r.job + "#" + strconv.Itoa(r.index)
		i, ok := at[key]
		if !ok {
			_, name, _ := strings.Cut(r.job, "/")
			i = len(rows)
			at[key] = i
			rows = append(rows, drawRow{name: name + "-" + strconv.Itoa(r.index)})
		}
		row := &rows[i]
		row.segs = append(row.segs, pr.segs...)
		row.node, row.outcome = "", r.outcome
		row.pods++
	}
	for i := range rows {
		if rows[i].pods > 1 {
			rows[i].outcome = fmt.Sprintf("%s (%d pods)", rows[i].outcome, rows[i].pods)
		}
	}
	return rows
}

// jobRows returns a row per charted Job, its pods one after the other:
// the scenario's Jobs first, then each CronJob's in the scenario's order,
// each group in creation order.
func (c *chart) jobRows() []drawRow {
	order := slices.Clone(c.jobOrder)
	rank := func(r *jobRow) int {
		if r.owner == "" {
			return -1
		}
		return c.cronRank[r.owner]
	}
	slices.SortStableFunc(order, func(a, b *jobRow) int { return rank(a) - rank(b) })
	at := make(map[string]int, len(order))
	rows := make([]drawRow, len(order))
	for i, r := range order {
		at[r.key] = i
		rows[i] = drawRow{name: r.name}
	}
	for _, pr := range c.podRows() {
		if i, ok := at[pr.pod.job]; ok {
			rows[i].segs = append(rows[i].segs, pr.segs...)
			rows[i].pods++
		}
	}
	for i, r := range order {
		out := r.outcome
		switch {
		case out != "":
		case !r.deleted.IsZero():
			out = "Deleted while running"
		default:
			out = "Running"
		}
		if n := rows[i].pods; n != 1 {
			out += " (" + plural(n, "pod") + ")"
		}
		rows[i].outcome = out
	}
	return rows
}

// jobsNote adds to note the Jobs the chart does not keep.
func (c *chart) jobsNote(note string) string {
	if c.jobsDropped == 0 {
		return note
	}
	return fmt.Sprintf("(%d later Jobs are not charted: the chart keeps the first %d)", c.jobsDropped, c.maxKept)
}

// nodeRows returns a row per node, in the cluster's order; countNodes
// fills in how many charted pods run there in each column.
func (c *chart) nodeRows(sim *manifest.Simulation) []drawRow {
	var rows []drawRow
	for _, n := range sim.Cluster().Nodes() {
		bound := 0
		for _, r := range c.order {
			if r.node == n.Name {
				bound++
			}
		}
		rows = append(rows, drawRow{name: n.Name, outcome: plural(bound, "pod") + " bound"})
	}
	return rows
}

// countNodes counts, for each node row, the charted pods running on the
// node in each column of g.
func (c *chart) countNodes(g grid, rows []drawRow) {
	at := map[string]int{}
	for i := range rows {
		rows[i].counts = make([]int, g.cols)
		at[rows[i].name] = i
	}
	for _, r := range c.order {
		i, ok := at[r.node]
		if !ok {
			continue
		}
		for _, s := range r.segs {
			if s.cell != cellRunning {
				continue
			}
			from, to := g.columns(s)
			for col := from; col <= to; col++ {
				rows[i].counts[col]++
			}
		}
	}
}

// grid is the chart's layout: the width of its columns of names and the
// time each cell of its bars stands for.
type grid struct {
	start, end   time.Time
	cell         time.Duration // the time a column stands for
	cols         int           // the columns of a bar
	nameW, nodeW int           // 0 nodeW: no column of nodes
}

// axis prints the heading and the time axis: a label every ten columns.
func (g grid) axis(w io.Writer, name string) {
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
	head := fmt.Sprintf("%-*s  ", g.nameW, name)
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

// bar draws a row's segments (the backoff first, under the rest), or its
// counts, noting in used the cells drawn.
func (g grid) bar(r drawRow, used map[byte]bool) []byte {
	bar := []byte(strings.Repeat(" ", g.cols))
	if r.counts != nil {
		for i, n := range r.counts {
			switch {
			case n == 0:
			case n < 10:
				bar[i] = byte('0' + n)
				used[cellCount] = true
			default:
				bar[i] = '+'
				used[cellCount] = true
			}
		}
		return bar
	}
	for _, pass := range []bool{true, false} {
		for _, s := range r.segs {
			if (s.cell == cellBackoff) != pass {
				continue
			}
			from, to := g.columns(s)
			for i := from; i <= to; i++ {
				bar[i] = s.cell
				used[s.cell] = true
			}
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
// chart has a column of nodes, each cut to its column. A long pod name
// keeps its end (the index and the random suffix tell pods apart) and
// loses its middle.
func (g grid) label(name, node string) string {
	line := fmt.Sprintf("%-*s  ", g.nameW, cutMiddle(name, g.nameW))
	if g.nodeW > 0 {
		line += fmt.Sprintf("%-*s", g.nodeW, cutMiddle(node, g.nodeW-2))
	}
	return line
}

// cutMiddle shortens s to at most n bytes, replacing its middle with
// "..." and keeping up to 12 bytes of its end.
func cutMiddle(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 8 {
		return s[:n]
	}
	tail := min(12, (n-3)/2)
	return s[:n-3-tail] + "..." + s[len(s)-tail:]
}

// legend explains the cells the chart uses, as many to a line as fit in
// width.
func legend(used map[byte]bool, width int) []string {
	all := []struct {
		cell byte
		text string
	}{
		{cellPending, "pending: waiting for a node"},
		{cellRunning, "running"},
		{cellFailedExit, "a run that exited non-zero; the container is restarted"},
		{cellWaiting, "waiting to restart (CrashLoopBackOff)"},
		{cellBackoff, "the pod-failure backoff before the replacement"},
		{cellTerminating, "terminating: deleted, its containers not yet stopped"},
		{cellUnknown, "on a failed node: its kubelet does not report"},
		{cellCount, "1-9 pods running on the node, + 10 or more"},
	}
	var items []string
	for _, it := range all {
		if !used[it.cell] {
			continue
		}
		if it.cell == cellCount {
			items = append(items, it.text)
			continue
		}
		items = append(items, fmt.Sprintf("%c %s", it.cell, it.text))
	}
	var lines []string
	line := ""
	for _, it := range items {
		if line != "" && len(line)+3+len(it) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += "   "
		}
		line += it
	}
	if line != "" {
		lines = append(lines, line)
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
