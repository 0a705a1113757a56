package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The text output: a header, the timeline (one line per event, printed as
// the simulation reaches it), then a summary of each job and a chart of
// its pods. ASCII only (colours aside, on a terminal), as wide as
// --width, and the same bytes for the same input and seed.

const (
	timeWidth   = 8  // the TIME column, right-aligned, at least
	reasonWidth = 20 // the REASON column; longer reasons push the message
)

// textRenderer turns events into timeline lines and remembers what the
// summary and the chart need.
type textRenderer struct {
	s     *manifest.Scenario
	sim   *manifest.Simulation
	start time.Time

	o        outOpts
	timeW    int // the TIME column's width: timeWidth, or more for long times
	objWidth int
	conds    map[string][]jobsim.JobCondition // job key → conditions seen
	deleted  map[string]time.Time             // job key → when it was deleted
	chart    chart
	stopped  bool // the simulation stopped with an error
	// cronEnds are the Jobs CronJobs created, by job key (cron.go).
	cronEnds map[string]*cronJobEnd
}

func newTextRenderer(s *manifest.Scenario, o outOpts) *textRenderer {
	r := &textRenderer{
		s:        s,
		o:        o,
		start:    s.Start,
		timeW:    timeWidth,
		conds:    map[string][]jobsim.JobCondition{},
		deleted:  map[string]time.Time{},
		objWidth: len("OBJECT"),
		chart:    newChart(s),
		cronEnds: map[string]*cronJobEnd{},
	}
	for _, n := range s.Config().Nodes {
		r.objWidth = max(r.objWidth, len("node/"+n.Name))
	}
	for _, f := range s.Faults {
		if f.Node == "" {
			continue
		}
		r.objWidth = max(r.objWidth, len("node/"+f.Node))
	}
	for _, sj := range s.Jobs {
		j := sj.Manifest.Job
		r.objWidth = max(r.objWidth, len("job/"+j.Name), len("pod/")+podNameLen(sj))
	}
	if len(s.CronJobs) > 0 {
		limit := s.Start.Add(manifest.DefaultHorizon)
		if s.Until > 0 {
			limit = s.Start.Add(s.Until)
		}
		for _, sc := range s.CronJobs {
			r.objWidth = max(r.objWidth, cronObjWidth(sc, limit))
		}
	}
	return r
}

// podNameLen is the length of the names of a job's pods: the
// generateName prefix (name- or name-INDEX-, at most 58 characters) and 5
// random characters.
func podNameLen(sj *manifest.ScenarioJob) int {
	j := sj.Manifest.Job
	prefix := j.Name + "-"
	if j.Spec.CompletionMode == jobsim.Indexed && j.Spec.Completions != nil {
		most := *j.Spec.Completions
		for _, a := range sj.Actions {
			if a.Completions != nil {
				most = max(most, *a.Completions)
			}
		}
		prefix += strconv.Itoa(max(most-1, 0)) + "-"
	}
	return min(len(prefix), 58) + 5
}

func jobKey(ns, name string) string { return ns + "/" + name }

// header prints what is simulated and the timeline's column heads.
func (r *textRenderer) header(w io.Writer) {
	what := "manifest"
	if r.s.IsScenario {
		what = "scenario"
	}
	jobs := plural(len(r.s.Jobs), "job")
	if n := len(r.s.CronJobs); n > 0 && len(r.s.Jobs) == 0 {
		jobs = plural(n, "CronJob")
	} else if n > 0 {
		jobs += ", " + plural(n, "CronJob")
	}
	if n := len(r.s.Config().Nodes); n > 0 {
		jobs += ", " + plural(n, "node")
	}
	fmt.Fprintf(w, "%s: %s, %s, %s, seed %d, start %s\n", r.s.File, what, jobs,
		kubernetesOf(r.s), r.s.Seed, r.start.UTC().Format(time.RFC3339))
	fmt.Fprint(w, wrapWords("Times are virtual, since the start. Reasons in (parentheses) are changes to objects; the others are Kubernetes Events. [Brackets] say why, as jobsim sees it.", r.o.width, ""))
	fmt.Fprintln(w)
	if r.sim != nil && r.sim.HasUntil() {
		r.timeW = max(r.timeW, len(fmtDur(r.sim.Limit().Sub(r.start))))
	}
	fmt.Fprint(w, r.row("TIME", "OBJECT", "REASON", "MESSAGE", ""))
}

// row formats a timeline line, its message wrapped within the width
// under the MESSAGE column, and its reason in colour.
func (r *textRenderer) row(t, obj, reason, msg, colour string) string {
	r.timeW = max(r.timeW, len(t))
	head := fmt.Sprintf("%*s  %-*s  ", r.timeW, t, r.objWidth, obj)
	reasonCol := fmt.Sprintf("%-*s  ", reasonWidth, reason)
	indent := len(head) + len(reasonCol)
	if len(reason) > reasonWidth {
		indent = len(head) + reasonWidth + 2
	}
	line := head + r.o.paint(reason, colour) + reasonCol[len(reason):]
	if msg == "" {
		return strings.TrimRight(line, " ") + "\n"
	}
	if indent > r.o.width-20 {
		// Too narrow for a column of messages: the message goes under the
		// line, indented past the TIME column.
		const under = timeWidth + 2
		pad := strings.Repeat(" ", under)
		return strings.TrimRight(line, " ") + "\n" + pad + wrapWords(msg, r.o.width-under, pad)
	}
	body := wrapWords(msg, r.o.width-indent, strings.Repeat(" ", indent))
	return line + body
}

// wrapWords breaks text into lines of at most width bytes at spaces,
// the lines after the first indented by indent (which the first line's
// own prefix stands for); a word longer than width stands alone.
func wrapWords(text string, width int, indent string) string {
	if len(text) <= width && !strings.Contains(text, "\n") {
		return text + "\n"
	}
	var b strings.Builder
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			b.WriteString(line + "\n" + indent)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// observe returns the timeline lines of an event, and records what the
// chart and the summary need.
func (r *textRenderer) observe(ev jobsim.Event) []string {
	at := fmtDur(ev.Time.Sub(r.start))
	obj := ev.Object.String()
	key := jobKey(ev.Object.Namespace, ev.Job)
	clause := r.chart.observe(ev, key)
	r.noteCronJob(ev)
	if ev.Reason == jobsim.ReasonPreempted && ev.Related != "" {
		clause = "by pod/" + ev.Related
	}
	if ev.Type != jobsim.EventChange {
		colour := ""
		if ev.Type == jobsim.EventWarning {
			colour = ansiYellow
		}
		return []string{r.row(at, obj, ev.Reason, bracket(ev.Message, clause), colour)}
	}
	switch ev.Reason {
	case jobsim.ReasonStatusUpdated:
		return r.conditionLines(at, obj, ev)
	case jobsim.ReasonDeleted:
		r.deleted[key] = ev.Time
		delete(r.conds, key)
	case jobsim.ReasonCreated:
		delete(r.conds, key)
		delete(r.deleted, key)
	}
	return []string{r.row(at, obj, "("+ev.Reason+")", ev.Message, "")}
}

// bracket adds jobsim's clause to a message, in [brackets].
func bracket(msg, clause string) string {
	if clause == "" {
		return msg
	}
	return msg + " [" + clause + "]"
}

// conditionLines shows the job's conditions that changed with a status
// write: the status counters are left to the summary and the chart.
func (r *textRenderer) conditionLines(at, obj string, ev jobsim.Event) []string {
	if r.sim == nil {
		return nil
	}
	h := r.sim.Cluster().Job(ev.Object.Namespace, ev.Object.Name)
	if h == nil {
		return nil
	}
	key := jobKey(ev.Object.Namespace, ev.Object.Name)
	old := r.conds[key]
	st := h.Status()
	cur := st.Conditions
	var out []string
	cj := r.chart.jobs[key]
	if cj != nil {
		if failed, clauses := cj.reasons.indexesFailed(st); len(clauses) > 0 {
			out = append(out, r.row(at, obj, "(FailedIndexes)", bracket(failed, strings.Join(clauses, "; ")), ansiRed))
		}
	}

	for _, c := range cur {
		i := slices.IndexFunc(old, func(o jobsim.JobCondition) bool { return o.Type == c.Type })
		if i >= 0 && old[i].Status == c.Status && old[i].Reason == c.Reason {
			continue
		}
		msg := string(c.Status)
		if c.Reason != "" {
			msg += " (" + c.Reason + ")"
		}
		colour := ""
		switch {
		case c.Status != jobsim.ConditionTrue:
		case c.Type == jobsim.JobComplete || c.Type == jobsim.JobSuccessCriteriaMet:
			colour = ansiGreen
		case c.Type == jobsim.JobFailed || c.Type == jobsim.JobFailureTarget:
			colour = ansiRed
			if cj != nil && !cj.reasons.decidedShown {
				cj.reasons.decidedShown = true
				msg = bracket(msg, cj.reasons.decided(c.Reason, st, r.start))
			}
		}
		if cj != nil && colour != "" {
			// The job's end is decided: the pods the controller deletes
			// now are counted, unlike those of a suspension.
			cj.reasons.finished = true
		}
		out = append(out, r.row(at, obj, "("+string(c.Type)+")", msg, colour))
		r.noteCronCondition(key, c, ev.Time)
	}
	r.conds[key] = cur
	return out
}

// footer prints how the run ended, the summary of each job and the chart
// of the pods.
// A simulation that stopped with an error (the event limit) gets its
// summary and chart as they were then.
func (r *textRenderer) footer(w io.Writer, stopped error) {
	fmt.Fprintln(w)
	end := r.ending(w, stopped)
	r.summaries(w, end)
	fmt.Fprintln(w)
	r.chart.render(w, r.sim, r.start, end, r.s.HasNodes(), r.o)
}

// ending says how the simulation ended, and returns the end of what the
// summaries and the chart show.
func (r *textRenderer) ending(w io.Writer, stopped error) time.Time {
	end := r.sim.End()
	switch {
	case stopped != nil:
		r.stopped = true
		end = r.sim.Cluster().Now()
		fmt.Fprintf(w, "Stopped at %s by the event limit, with things still to happen (see the error).\n", fmtDur(end.Sub(r.start)))
	case r.sim.Stopped() && r.sim.HasUntil() && len(r.s.CronJobs) > 0:
		fmt.Fprintf(w, "Stopped at %s (until): CronJobs go on creating Jobs.\n", fmtDur(end.Sub(r.start)))
	case r.sim.Stopped() && r.sim.HasUntil():
		fmt.Fprintf(w, "Stopped at %s (until), with jobs still running.\n", fmtDur(end.Sub(r.start)))
	case r.sim.Stopped():
		fmt.Fprintf(w, "Stopped at %s, the most jobsim simulates without an until, with things still to happen.\n", fmtDur(end.Sub(r.start)))
	default:
		fmt.Fprintf(w, "Nothing left to happen after %s.\n", fmtDur(end.Sub(r.start)))
	}
	return end
}

// summaries prints the summary of each job, the table of each CronJob
// and the nodes' summaries.
func (r *textRenderer) summaries(w io.Writer, end time.Time) {
	for i, sj := range r.s.Jobs {
		fmt.Fprintln(w)
		r.summary(w, sj, r.sim.Jobs()[i])
	}
	r.cronTables(w, end)
	if r.s.HasNodes() {
		fmt.Fprintln(w)
		r.nodeSummaries(w, end)
	}
}

// scheduling reports whether the scenario says anything of scheduling:
// the summaries then show the scheduling figures.
func (r *textRenderer) scheduling() bool { return r.s.HasNodes() || r.s.Scheduler != nil }

// nodeSummaries prints each node's state, capacity and use, then the
// cluster's utilisation.
func (r *textRenderer) nodeSummaries(w io.Writer, end time.Time) {
	fmt.Fprintf(w, "Nodes (use: the average share of each resource requested by pods, over %s):\n", fmtDur(end.Sub(r.start)))
	for _, n := range r.sim.Cluster().Nodes() {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "node/%s: %s\n", n.Name, r.nodeStatus(n))
		if len(n.Capacity) == 0 {
			fmt.Fprintf(w, "  capacity:   unlimited (the default node)\n")
		} else {
			fmt.Fprintf(w, "  capacity:   %s\n", resources(n.Capacity))
		}
		if len(n.Requested) == 0 {
			fmt.Fprintf(w, "  requested:  nothing at the end\n")
		} else {
			fmt.Fprint(w, r.wrap("  requested:  ", resources(n.Requested)+" at the end, by", n.Pods, maxListed))
		}
		use, _ := r.sim.NodeUse(n.Name)
		if len(use.Bound) == 0 {
			fmt.Fprintf(w, "  pods:       none bound\n")
		} else {
			fmt.Fprint(w, r.wrapCount("  pods:       ", fmt.Sprintf("%d bound:", use.Pods), use.Bound, use.Pods, maxListed))
		}
		if len(n.Capacity) > 0 {
			fmt.Fprintf(w, "  use:        %s\n", percentages(use.Utilisation))
		}
	}
	if u := r.sim.Cluster().Utilisation(); len(u) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "cluster: %s\n", percentages(u))
	}
}

// nodeStatus says in a few words how a node is at the end, in kubectl's
// words (Ready, NotReady, SchedulingDisabled) and when it became so.
func (r *textRenderer) nodeStatus(n jobsim.NodeView) string {
	st := r.sim.NodeHistory(n.Name)
	var s string
	switch {
	case !n.Ready && !st.KubeletStopped.IsZero():
		s = fmt.Sprintf("NotReady since %s (its kubelet stopped at %s)", fmtDur(st.ReadySince.Sub(r.start)), fmtDur(st.KubeletStopped.Sub(r.start)))
	case !n.Ready:
		s = "NotReady"
	case !st.KubeletStopped.IsZero():
		s = fmt.Sprintf("Ready (its kubelet stopped at %s, not noticed yet)", fmtDur(st.KubeletStopped.Sub(r.start)))
	default:
		s = "Ready"
	}
	if n.Unschedulable {
		s += ", SchedulingDisabled"
		if !st.CordonedSince.IsZero() {
			s += fmt.Sprintf(" (drained at %s)", fmtDur(st.CordonedSince.Sub(r.start)))
		}
	}
	return s
}

// resourceNames returns the names of a resource list in the order
// kubectl shows them: cpu, memory, pods, then the others by name.
func resourceNames[V any](m map[string]V) []string {
	rank := func(name string) int {
		switch name {
		case jobsim.ResourceCPU:
			return 0
		case jobsim.ResourceMemory:
			return 1
		case jobsim.ResourcePods:
			return 2
		}
		return 3
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}

// resources formats a resource list: "cpu 2, memory 4Gi, pods 110".
func resources(m jobsim.ResourceList) string {
	var parts []string
	for _, name := range resourceNames(m) {
		parts = append(parts, name+" "+jobsim.FormatQuantity(name, m[name]))
	}
	return strings.Join(parts, ", ")
}

// percentages formats utilisation shares: "cpu 75%, memory 37.5%".
func percentages(m map[string]float64) string {
	var parts []string
	for _, name := range resourceNames(m) {
		parts = append(parts, name+" "+percent(m[name]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// percent formats a share as a percentage with at most one decimal.
func percent(f float64) string {
	s := strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64)
	return s + "%"
}

// maxListed is how many pod names a node's summary lists.
const maxListed = 12

// wrap prints head, text and the items after it, separated by commas,
// on lines of at most the width, indented as head is; past limit items
// it says how many more there are.
func (r *textRenderer) wrap(head, text string, list []string, limit int) string {
	return r.wrapCount(head, text, list, len(list), limit)
}

// wrapCount is wrap for a list of total items of which list names the
// first.
func (r *textRenderer) wrapCount(head, text string, list []string, total, limit int) string {
	items := list
	if len(items) > limit {
		items = items[:limit]
	}
	more := ""
	if total > len(items) {
		more = fmt.Sprintf("and %d more", total-len(items))
	}
	var b strings.Builder
	line := head + text
	indent := strings.Repeat(" ", len(head))
	for i, item := range items {
		if i < len(items)-1 || more != "" {
			item += ","
		}
		if len(line)+1+len(item) > r.o.width {
			b.WriteString(line + "\n")
			line = indent + item
			continue
		}
		line += " " + item
	}
	if more != "" {
		if len(line)+1+len(more) > r.o.width {
			b.WriteString(line + "\n")
			line = indent + more
		} else {
			line += " " + more
		}
	}
	return b.String() + line + "\n"
}

// summary prints what became of one job.
func (r *textRenderer) summary(w io.Writer, sj *manifest.ScenarioJob, h *jobsim.JobHandle) {
	j := sj.Manifest.Job
	name := "job/" + j.Name
	if h == nil {
		fmt.Fprintf(w, "%s: never submitted (due at %s)\n", name, fmtDur(sj.At))
		return
	}
	st := h.Status()
	spec := h.Spec()
	fmt.Fprint(w, wrapWords(name+": "+r.outcome(h, st), r.o.width, "  "))
	parts := specParts(spec)
	fmt.Fprint(w, r.wrap("  spec:       ", parts[0]+",", parts[1:], len(parts)))
	counts := fmt.Sprintf("%s created; %d succeeded, %d failed", plural(h.PodsCreated(), "pod"), st.Succeeded, st.Failed)
	if cj := r.chart.jobs[jobKey(j.Namespace, j.Name)]; cj != nil {
		counts += cj.reasons.uncounted(st)
	}
	if st.Active > 0 {
		counts += fmt.Sprintf(", %d active", st.Active)
	}
	if st.Terminating > 0 {
		counts += fmt.Sprintf(", %d terminating", st.Terminating)
	}
	fmt.Fprintf(w, "  pods:       %s\n", counts)
	if spec.CompletionMode == jobsim.Indexed {
		ci := st.CompletedIndexes
		if ci == "" {
			ci = "none"
		}
		line := "completed " + ci
		if st.FailedIndexes != nil {
			fi := *st.FailedIndexes
			if fi == "" {
				fi = "none"
			}
			line += "; failed " + fi
		}
		fmt.Fprintf(w, "  indexes:    %s\n", line)
	}
	var times []string
	if !st.StartTime.IsZero() {
		times = append(times, "startTime "+fmtDur(st.StartTime.Sub(r.start)))
	}
	if !st.CompletionTime.IsZero() {
		times = append(times, fmt.Sprintf("completionTime %s (took %s)", fmtDur(st.CompletionTime.Sub(r.start)), fmtDur(st.CompletionTime.Sub(st.StartTime))))
	}
	if len(times) > 0 {
		fmt.Fprintf(w, "  times:      %s\n", strings.Join(times, ", "))
	}
	if r.scheduling() {
		m := h.Metrics()
		bound := plural(m.PodsBound, "pod") + " bound"
		if m.PodsWaiting > 0 {
			bound += fmt.Sprintf(", %d still pending", m.PodsWaiting)
		}
		fmt.Fprintf(w, "  scheduling: %s; pending %s on average, %s at most\n",
			bound, fmtDur(m.MeanQueueWait), fmtDur(m.MaxQueueWait))
		fmt.Fprintf(w, "  run time:   %s of container runs in all; makespan %s\n", fmtDur(m.RunTime), fmtDur(m.Makespan))
	}
	for i, c := range st.Conditions {
		head := "  conditions: "
		if i > 0 {
			head = "              "
		}
		line := fmt.Sprintf("%s=%s at %s", c.Type, c.Status, fmtDur(c.LastTransitionTime.Sub(r.start)))
		if c.Reason != "" {
			line += " (" + c.Reason + ")"
		}
		fmt.Fprintf(w, "%s%s\n", head, line)
	}
}

// outcome says in a few words what became of a job.
func (r *textRenderer) outcome(h *jobsim.JobHandle, st jobsim.JobStatus) string {
	if h.Deleted() {
		if t, ok := r.deleted[jobKey(h.Namespace(), h.Name())]; ok {
			return "deleted at " + fmtDur(t.Sub(r.start))
		}
		return "deleted"
	}
	for _, t := range []jobsim.JobConditionType{jobsim.JobComplete, jobsim.JobFailed} {
		if c, ok := st.Condition(t); ok && c.Status == jobsim.ConditionTrue {
			s := fmt.Sprintf("%s at %s", t, fmtDur(c.LastTransitionTime.Sub(r.start)))
			if c.Reason != "" {
				s += ", " + c.Reason
			}
			if c.Message != "" && t == jobsim.JobFailed {
				s += ": " + c.Message
			}
			return s
		}
	}
	if st.IsTrue(jobsim.JobSuspended) {
		return "suspended"
	}
	if r.sim.Stopped() || r.stopped {
		return "still running when the simulation stopped"
	}
	return "still running, with nothing left to happen (pods that never exit?)"
}

// specParts lists the spec fields that decide what a job does.
func specParts(s jobsim.JobSpec) []string {
	var parts []string
	switch {
	case s.Completions == nil:
		parts = append(parts, "completions unset (work queue)")
	default:
		c := fmt.Sprintf("completions %d", *s.Completions)
		if s.CompletionMode == jobsim.Indexed {
			c += " (Indexed)"
		}
		parts = append(parts, c)
	}
	if s.Parallelism != nil {
		parts = append(parts, fmt.Sprintf("parallelism %d", *s.Parallelism))
	}
	if s.BackoffLimit != nil {
		parts = append(parts, fmt.Sprintf("backoffLimit %d", *s.BackoffLimit))
	}
	if s.BackoffLimitPerIndex != nil {
		parts = append(parts, fmt.Sprintf("backoffLimitPerIndex %d", *s.BackoffLimitPerIndex))
	}
	if s.MaxFailedIndexes != nil {
		parts = append(parts, fmt.Sprintf("maxFailedIndexes %d", *s.MaxFailedIndexes))
	}
	if s.PodFailurePolicy != nil {
		parts = append(parts, "podFailurePolicy ("+plural(len(s.PodFailurePolicy.Rules), "rule")+")")
	}
	if s.ActiveDeadline != nil {
		parts = append(parts, fmt.Sprintf("activeDeadlineSeconds %d", *s.ActiveDeadline/time.Second))
	}
	if s.TTLAfterFinished != nil {
		parts = append(parts, fmt.Sprintf("ttlSecondsAfterFinished %d", *s.TTLAfterFinished/time.Second))
	}
	if s.Suspend {
		parts = append(parts, "suspend true")
	}
	parts = append(parts, "restartPolicy "+string(s.Template.Spec.RestartPolicy))
	return parts
}

// fmtDur formats a virtual duration for people: 0s, 15s, 1m40s, 1h5m,
// 2.5s; shorter than time.Duration.String for whole hours and minutes,
// and rounded to the millisecond.
func fmtDur(d time.Duration) string {
	if d < 0 {
		return "-" + fmtDur(-d)
	}
	d = d.Round(time.Millisecond)
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if d > 0 || b.Len() == 0 {
		b.WriteString(strconv.FormatInt(int64(d/time.Second), 10))
		if ms := d % time.Second / time.Millisecond; ms > 0 {
			b.WriteString(strings.TrimRight(fmt.Sprintf(".%03d", ms), "0"))
		}
		b.WriteString("s")
	}
	return b.String()
}

// kubernetesOf names the version a scenario simulates, and the feature
// gates it sets: "Kubernetes 1.34 with JobManagedBy=false".
func kubernetesOf(s *manifest.Scenario) string {
	out := "Kubernetes " + s.KubernetesVersion.String()
	if len(s.FeatureGates) > 0 {
		out += " with " + gatesFlag{&s.FeatureGates}.String()
	}
	return out
}
