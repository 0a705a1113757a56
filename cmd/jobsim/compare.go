package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// jobsim run --compare-versions 1.35,1.37 FILE: the same scenario, with
// the same seed, on each version, and what differs for each of its jobs
// side by side: the outcome, the status fields, the conditions, and each
// pod's creation, why it was created and how it ended. It answers the
// question asked before an upgrade: what changes for this Job?

// versionRun is one version's run of a scenario.
type versionRun struct {
	v    jobsim.Version
	s    *manifest.Scenario
	text *textRenderer
	err  error // why the simulation stopped early, if it did
	// created lists, per job key, its pods in creation order.
	created map[string][]podCreation
	// writes lists, per job key, its status writes in order.
	writes map[string][]statusWrite
}

// statusWrite is a status the Job controller wrote, as the StatusUpdated
// change summarises it.
type statusWrite struct {
	at      time.Time
	summary string
}

// podCreation is one pod's creation as the timeline tells it.
type podCreation struct {
	name string
	why  string // the timeline's clause: which failed pod it replaces
}

// creationRecorder records each SuccessfulCreate with its clause, as
// the text renderer sees it.
type creationRecorder struct {
	text    *textRenderer
	sim     *manifest.Simulation // nil until Simulate returns
	created map[string][]podCreation
	writes  map[string][]statusWrite
}

// Observe renders the event as the timeline would (to keep the chart's
// reasons), and records pod creations.
func (c *creationRecorder) Observe(ev jobsim.Event) {
	if podRemoval(ev) {
		return
	}
	c.text.observe(ev)
	if ev.Object.Kind != jobsim.KindJob {
		return
	}
	if ev.Reason == jobsim.ReasonStatusUpdated {
		key := jobKey(ev.Object.Namespace, ev.Object.Name)
		ws := c.writes[key]
		if n := len(ws); n > 0 && ws[n-1].at.Equal(ev.Time) {
			ws = ws[:n-1] // what the instant ends with
		}
		summary := ev.Message
		if c.sim != nil {
			if h := c.sim.Cluster().Job(ev.Object.Namespace, ev.Object.Name); h != nil {
				summary = statusSummary(h.Status(), c.text.start)
			}
		}
		c.writes[key] = append(ws, statusWrite{ev.Time, summary})
		return
	}
	if ev.Reason != jobsim.ReasonSuccessfulCreate {
		return
	}
	why := ""
	if r := c.text.chart.rows[ev.Related]; r != nil {
		why = r.why
	}
	key := jobKey(ev.Object.Namespace, ev.Object.Name)
	c.created[key] = append(c.created[key], podCreation{name: ev.Related, why: why})
}

// runCompare loads the files once per version and prints, per file, the
// differences between the versions' runs.
func runCompare(files []string, f runFlags, e env) int {
	perVersion := make([][]*manifest.Scenario, len(f.compare))
	for i, v := range f.compare {
		fv := f
		fv.version = v
		scenarios, ok := load(files, fv, e)
		if !ok {
			fmt.Fprintf(e.stderr, "jobsim run: the files above are invalid on Kubernetes %s\n", v)
			return exitInvalid
		}
		perVersion[i] = scenarios
	}
	status := exitOK
	for n := range perVersion[0] {
		if n > 0 {
			fmt.Fprintln(e.stdout)
		}
		runs := make([]*versionRun, len(f.compare))
		for i, v := range f.compare {
			run, err := runVersion(perVersion[i][n], v, f, e)
			if err != nil {
				for _, p := range manifest.Problems(err) {
					fmt.Fprintln(e.stderr, p)
				}
				return exitInvalid
			}
			runs[i] = run
			if run.err != nil {
				fmt.Fprintf(e.stderr, "%s: on Kubernetes %s the simulation stopped: %s\n", run.s.File, v, stopReason(run.err, run.text.sim))
				status = exitInvalid
			}
		}
		printComparison(e.stdout, runs, f.out.width)
	}
	return status
}

// runVersion runs one scenario to its end on one version, printing
// nothing, and keeps what the comparison shows.
func runVersion(s *manifest.Scenario, v jobsim.Version, f runFlags, e env) (*versionRun, error) {
	run := &versionRun{v: v, s: s, created: map[string][]podCreation{}, writes: map[string][]statusWrite{}}
	o := f.out
	o.colour = false
	run.text = newTextRenderer(s, o)
	rec := &creationRecorder{text: run.text, created: run.created, writes: run.writes}
	sim, err := s.Simulate(manifest.SimOptions{Until: f.until, SyncDelay: f.syncDelay, MaxEvents: f.maxEvents, Observer: rec})
	if err != nil {
		return nil, err
	}
	run.text.sim = sim
	rec.sim = sim
	r := &runner{s: s, sim: sim, f: f, e: env{stdout: io.Discard, clock: e.clock}, text: run.text}
	run.err = r.run()
	return run, nil
}

// compareRow is one line of the comparison: a label and one value per
// version.
type compareRow struct {
	label  string
	values []string
}

// differs reports whether the versions disagree on the row.
func (r compareRow) differs() bool {
	for _, v := range r.values[1:] {
		if v != r.values[0] {
			return true
		}
	}
	return false
}

// printComparison prints the header of the scenario, then, per job, the
// rows on which the versions differ, side by side in columns that fit
// within width.
func printComparison(w io.Writer, runs []*versionRun, width int) {
	first := runs[0]
	s := first.s
	what := "manifest"
	if s.IsScenario {
		what = "scenario"
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = kubernetesOf(r.s)
	}
	fmt.Fprintf(w, "%s: %s, %s, seed %d, start %s\n", s.File, what, plural(len(s.Jobs), "job"), s.Seed, s.Start.UTC().Format("2006-01-02T15:04:05Z07:00"))
	fmt.Fprint(w, wrapWords("Compared on "+joinAnd(names)+", with the same seed. Times are virtual, since the start; only what differs is shown.", width, ""))
	for _, sc := range s.CronJobs {
		fmt.Fprintln(w)
		fmt.Fprint(w, wrapWords("cronjob/"+sc.Manifest.CronJob.Name+": not compared: only the scenario's own Jobs are; run each version with --kubernetes-version to see the Jobs it creates.", width, "  "))
	}
	for j := range s.Jobs {
		rows := jobRows(runs, j)
		var diff []compareRow
		same := 0
		for _, r := range rows {
			if r.differs() {
				diff = append(diff, r)
			} else {
				same++
			}
		}
		name := "job/" + s.Jobs[j].Manifest.Job.Name
		fmt.Fprintln(w)
		if len(diff) == 0 {
			fmt.Fprint(w, wrapWords(fmt.Sprintf("%s: the same on every version (%s compared).", name, plural(same, "field")), width, "  "))
			continue
		}
		head := compareRow{label: name, values: make([]string, len(runs))}
		for i, r := range runs {
			head.values[i] = r.v.String()
		}
		printColumns(w, append([]compareRow{head}, diff...), width)
		if same > 0 {
			fmt.Fprintf(w, "  (%s the same on every version)\n", plural(same, "other field"))
		}
	}
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// jobRows lists what is compared of the scenario's j-th job on each run:
// the outcome, the status, the conditions (in the order they first
// appear on any version), and the pods in creation order.
func jobRows(runs []*versionRun, j int) []compareRow {
	n := len(runs)
	var rows []compareRow
	add := func(label string, value func(r *versionRun, h *jobsim.JobHandle) string) {
		row := compareRow{label: label, values: make([]string, n)}
		for i, r := range runs {
			if h := r.text.sim.Jobs()[j]; h != nil {
				row.values[i] = value(r, h)
			} else {
				row.values[i] = "never submitted"
			}
		}
		rows = append(rows, row)
	}
	add("outcome", func(r *versionRun, h *jobsim.JobHandle) string { return r.text.outcome(h, h.Status()) })
	add("status.startTime", func(r *versionRun, h *jobsim.JobHandle) string {
		if st := h.Status(); !st.StartTime.IsZero() {
			return fmtDur(st.StartTime.Sub(r.s.Start))
		}
		return "unset"
	})
	add("status.completionTime", func(r *versionRun, h *jobsim.JobHandle) string {
		if st := h.Status(); !st.CompletionTime.IsZero() {
			return fmtDur(st.CompletionTime.Sub(r.s.Start))
		}
		return "unset"
	})
	counts := []struct {
		name string
		get  func(jobsim.JobStatus) int
	}{
		{"active", func(st jobsim.JobStatus) int { return st.Active }},
		{"ready", func(st jobsim.JobStatus) int { return st.Ready }},
		{"terminating", func(st jobsim.JobStatus) int { return st.Terminating }},
		{"succeeded", func(st jobsim.JobStatus) int { return st.Succeeded }},
		{"failed", func(st jobsim.JobStatus) int { return st.Failed }},
	}
	for _, c := range counts {
		add("status."+c.name, func(r *versionRun, h *jobsim.JobHandle) string { return fmt.Sprint(c.get(h.Status())) })
	}
	if runs[0].s.Jobs[j].Manifest.Job.Spec.CompletionMode == jobsim.Indexed {
		add("status.completedIndexes", func(r *versionRun, h *jobsim.JobHandle) string { return noneIfEmpty(h.Status().CompletedIndexes) })
		add("status.failedIndexes", func(r *versionRun, h *jobsim.JobHandle) string {
			if fi := h.Status().FailedIndexes; fi != nil {
				return noneIfEmpty(*fi)
			}
			return "unset"
		})
	}
	var types []jobsim.JobConditionType
	for _, r := range runs {
		if h := r.text.sim.Jobs()[j]; h != nil {
			for _, c := range h.Status().Conditions {
				if !slices.Contains(types, c.Type) {
					types = append(types, c.Type)
				}
			}
		}
	}
	for _, t := range types {
		add("condition "+string(t), func(r *versionRun, h *jobsim.JobHandle) string {
			c, ok := h.Status().Condition(t)
			if !ok {
				return "none"
			}
			s := fmt.Sprintf("%s at %s", c.Status, fmtDur(c.LastTransitionTime.Sub(r.s.Start)))
			if c.Reason != "" {
				s += " (" + c.Reason + ")"
			}
			return s
		})
	}
	rows = append(rows, statusRows(runs, j)...)
	add("pods created", func(r *versionRun, h *jobsim.JobHandle) string { return fmt.Sprint(h.PodsCreated()) })
	most := 0
	for _, r := range runs {
		most = max(most, len(r.created[jobKeyOf(r, j)]))
	}
	for k := range min(most, maxCharted) {
		add(fmt.Sprintf("pod %d", k+1), func(r *versionRun, h *jobsim.JobHandle) string {
			pods := r.created[jobKeyOf(r, j)]
			if k >= len(pods) {
				return "not created"
			}
			return r.podStory(pods[k])
		})
	}
	return rows
}

// maxStatusRows is how many spans of differing status a comparison shows.
const maxStatusRows = 20

// statusRows compares the status the versions' Job controllers wrote
// for the j-th job over the run: one row per span of time during which
// the versions' last writes differ, "status 6s to 15s". Spans where
// they agree give one row each too, so that the count of fields that
// agree counts them.
func statusRows(runs []*versionRun, j int) []compareRow {
	var times []time.Time
	for _, r := range runs {
		for _, w := range r.writes[jobKeyOf(r, j)] {
			times = append(times, w.at)
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	times = slices.CompactFunc(times, time.Time.Equal)
	state := func(r *versionRun, t time.Time) string {
		ws := r.writes[jobKeyOf(r, j)]
		i, _ := slices.BinarySearchFunc(ws, t, func(w statusWrite, t time.Time) int {
			if w.at.After(t) {
				return 1
			}
			return -1
		})
		if i == 0 {
			return "none written"
		}
		return ws[i-1].summary
	}
	var rows []compareRow
	var spanFrom time.Time
	var cur []string
	flush := func(to time.Time, open bool) {
		if cur == nil {
			return
		}
		label := "status from " + fmtDur(spanFrom.Sub(runs[0].s.Start))
		if !open {
			label += " to " + fmtDur(to.Sub(runs[0].s.Start))
		}
		rows = append(rows, compareRow{label: label, values: cur})
	}
	differing := 0
	for _, t := range times {
		vals := make([]string, len(runs))
		for i, r := range runs {
			vals[i] = state(r, t)
		}
		if slices.Equal(vals, cur) {
			continue
		}
		flush(t, false)
		spanFrom, cur = t, vals
		if (compareRow{values: vals}).differs() {
			differing++
			if differing > maxStatusRows {
				rows = append(rows, compareRow{label: "status after that", values: slices.Repeat([]string{"(more differences not shown)"}, len(runs))})
				return rows
			}
		}
	}
	flush(time.Time{}, true)
	return rows
}

// statusSummary is the status a comparison shows at an instant: the
// counts, the startTime and the true conditions.
func statusSummary(st jobsim.JobStatus, start time.Time) string {
	s := fmt.Sprintf("active %d, ready %d, terminating %d, succeeded %d, failed %d; startTime ", st.Active, st.Ready, st.Terminating, st.Succeeded, st.Failed)
	if st.StartTime.IsZero() {
		s += "unset"
	} else {
		s += fmtDur(st.StartTime.Sub(start))
	}
	var conds []string
	for _, c := range st.Conditions {
		if c.Status == jobsim.ConditionTrue {
			conds = append(conds, string(c.Type))
		}
	}
	if len(conds) > 0 {
		s += "; " + strings.Join(conds, ", ")
	}
	return s
}

// noneIfEmpty reads an empty interval string as "none".
func noneIfEmpty(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// jobKeyOf is the key of the scenario's j-th job in run r.
func jobKeyOf(r *versionRun, j int) string {
	job := r.s.Jobs[j].Manifest.Job
	return jobKey(job.Namespace, job.Name)
}

// podStory tells a pod's life in one line: its name, when it was
// created and why, and how it ended.
func (r *versionRun) podStory(p podCreation) string {
	row := r.text.chart.rows[p.name]
	if row == nil {
		return p.name
	}
	s := fmt.Sprintf("%s created at %s", p.name, fmtDur(row.created.Sub(r.s.Start)))
	if p.why != "" {
		s += ", " + p.why
	}
	if row.outcome != "" {
		s += "; " + row.outcome
		if row.ended {
			s += " at " + fmtDur(row.endAt.Sub(r.s.Start))
		}
	}
	return s
}

// printColumns prints rows as a table: the labels, then one column per
// version, each value wrapped within its column.
func printColumns(w io.Writer, rows []compareRow, width int) {
	labelW := 0
	for ri, r := range rows {
		labelW = max(labelW, len(r.label)+2*min(ri, 1))
	}
	labelW = min(labelW, 30)
	n := len(rows[0].values)
	colW := max((width-labelW-2-3*(n-1))/n, 12)
	for ri, r := range rows {
		label := r.label
		if ri > 0 {
			label = "  " + label
		}
		labels := strings.Split(strings.TrimSuffix(wrapWords(label, labelW, "    "), "\n"), "\n")
		cells := make([][]string, n)
		lines := len(labels)
		for i, v := range r.values {
			cells[i] = strings.Split(strings.TrimSuffix(wrapWords(v, colW, ""), "\n"), "\n")
			lines = max(lines, len(cells[i]))
		}
		for l := range lines {
			var b strings.Builder
			fmt.Fprintf(&b, "%-*s", labelW+2, at(labels, l))
			for i := range n {
				fmt.Fprintf(&b, "%-*s", colW+3, at(cells[i], l))
			}
			fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		}
	}
}

// at returns lines[i], or "" past the end.
func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// compareConflicts says which flag --compare-versions cannot be given
// with, or "".
func compareConflicts(f runFlags, fs *flag.FlagSet) string {
	for _, name := range []string{"kubernetes-version", "speed", "events", "chart", "explain"} {
		if flagSet(fs, name) {
			return fmt.Sprintf("--compare-versions and --%s cannot be given together", name)
		}
	}
	if f.output != "text" {
		return "--compare-versions prints text only: drop -o " + f.output
	}
	return ""
}
