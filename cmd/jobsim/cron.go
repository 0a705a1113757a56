package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The text output of CronJobs: after the timeline, a table per CronJob
// with one row per scheduled time (jobsim.CronJobHandle.Runs): the Job
// created for it, when, how it ended and how long it took, or why there
// was none. Times without a Job that follow each other for the same
// reason share a row.

// cronJobEnd is what the timeline saw of a Job a CronJob created.
type cronJobEnd struct {
	created  time.Time
	outcome  string // Complete, Failed, or "" while it runs
	finished time.Time
	deleted  time.Time
}

// noteCronJob records, from a Job's event, what the CronJob table needs.
func (r *textRenderer) noteCronJob(ev jobsim.Event) {
	if ev.Object.Kind != jobsim.KindJob {
		return
	}
	key := jobKey(ev.Object.Namespace, ev.Object.Name)
	switch ev.Reason {
	case jobsim.ReasonCreated:
		if r.sim == nil {
			return
		}
		owner := ""
		if h := r.sim.Cluster().Job(ev.Object.Namespace, ev.Object.Name); h != nil && h.CronJob() != nil {
			r.cronEnds[key] = &cronJobEnd{created: ev.Time}
			owner = h.CronJob().Name()
		}
		r.chart.jobCreated(key, ev.Object.Name, owner, ev.Time)
	case jobsim.ReasonDeleted:
		if e := r.cronEnds[key]; e != nil {
			e.deleted = ev.Time
		}
		r.chart.jobDeleted(key, ev.Time)
	}
}

// noteCronCondition records a Job's Complete or Failed condition.
func (r *textRenderer) noteCronCondition(key string, c jobsim.JobCondition, at time.Time) {
	r.chart.jobCondition(key, c)
	e := r.cronEnds[key]
	if e == nil || e.outcome != "" || c.Status != jobsim.ConditionTrue {
		return
	}
	if c.Type == jobsim.JobComplete || c.Type == jobsim.JobFailed {
		e.outcome, e.finished = string(c.Type), at
	}
}

// cronObjWidth is the width the OBJECT column needs for a CronJob and
// the Jobs and pods it may create before limit.
func cronObjWidth(sc *manifest.ScenarioCronJob, limit time.Time) int {
	name := sc.Manifest.CronJob.Name
	digits := len(strconv.FormatInt(limit.Unix()/60, 10))
	job := len(name) + 1 + digits
	return max(len("cronjob/")+len(name), len("job/")+job, len("pod/")+min(job+1, 58)+5)
}

// cronTables prints the table of each CronJob of the scenario.
func (r *textRenderer) cronTables(w io.Writer, end time.Time) {
	for i, sc := range r.s.CronJobs {
		fmt.Fprintln(w)
		h := r.sim.CronJobs()[i]
		name := "cronjob/" + sc.Manifest.CronJob.Name
		if h == nil {
			fmt.Fprintf(w, "%s: never created (due at %s)\n", name, fmtDur(sc.At))
			continue
		}
		r.cronTable(w, h, end)
	}
}

// cronRow is one row of a CronJob's table.
type cronRow struct {
	cells []string
	skip  bool // a time without a Job
}

func (r *textRenderer) cronTable(w io.Writer, h *jobsim.CronJobHandle, end time.Time) {
	spec := h.Spec()
	loc := time.UTC
	zone := "UTC"
	if spec.TimeZone != nil {
		if l, err := time.LoadLocation(*spec.TimeZone); err == nil {
			loc, zone = l, *spec.TimeZone
		}
	}
	runs := h.Runs()
	started, skipped := 0, 0
	for _, run := range runs {
		if run.Job != "" {
			started++
		} else if !run.Pending {
			skipped++
		}
	}
	head := fmt.Sprintf("cronjob/%s: schedule %q in %s, concurrencyPolicy %s", h.Name(), spec.Schedule, zone, spec.ConcurrencyPolicy)
	if d := spec.StartingDeadline; d != nil {
		head += fmt.Sprintf(", startingDeadlineSeconds %d", int64(*d/time.Second))
	}
	if spec.Suspend {
		head += ", suspended"
	}
	if h.Deleted() {
		head += ", deleted"
	}
	head += fmt.Sprintf("; %s: %d started, %d without a Job", plural(len(runs), "scheduled time"), started, skipped)
	if n := len(runs) - started - skipped; n > 0 {
		head += fmt.Sprintf(", %d pending", n)
	}
	fmt.Fprint(w, wrapWords(head, r.o.width, "  "))
	if len(runs) == 0 {
		fmt.Fprintln(w, "  no scheduled time yet")
		return
	}
	clock := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
	since := func(t time.Time) string { return fmtDur(t.Sub(r.start)) }
	rows := []cronRow{{cells: []string{"SCHEDULED", "JOB", "CREATED", "DURATION", "OUTCOME"}}}
	for i := 0; i < len(runs); i++ {
		run := runs[i]
		if run.Job == "" {
			// The times that follow for the same reason share the row.
			k := i
			for k+1 < len(runs) && sameSkip(runs[k+1], run) {
				k++
			}
			why := skipWords(run, func(t time.Time) string { return near(t, run.Scheduled, loc) })
			if k > i {
				why = fmt.Sprintf("%d times to %s, %s", k-i+1, near(runs[k].Scheduled, run.Scheduled, loc), why)
			}
			rows = append(rows, cronRow{cells: []string{clock(run.Scheduled), "-", "-", "-", why}, skip: true})
			i = k
			continue
		}
		e := r.cronEnds[jobKey(h.Namespace(), run.Job)]
		outcome, dur := "Running", ""
		if e != nil {
			switch {
			case e.outcome != "":
				outcome, dur = e.outcome, fmtDur(e.finished.Sub(run.Created))
			case !e.deleted.IsZero():
				outcome, dur = "deleted at "+since(e.deleted), fmtDur(e.deleted.Sub(run.Created))
			default:
				dur = fmtDur(end.Sub(run.Created)) + " so far"
			}
		}
		if run.Reason != "" {
			outcome += "; late: " + lateWords(run.Reason)
		}
		if run.TooManyMissed {
			outcome += "; TooManyMissedTimes"
		}
		if dur == "" {
			dur = "-"
		}
		rows = append(rows, cronRow{cells: []string{clock(run.Scheduled), run.Job, since(run.Created), dur, outcome}})
	}
	r.printCronRows(w, rows)
}

// printCronRows lays the rows out in columns; the last, OUTCOME, wraps
// within the width.
func (r *textRenderer) printCronRows(w io.Writer, rows []cronRow) {
	last := len(rows[0].cells) - 1
	widths := make([]int, last)
	for _, row := range rows {
		for c, cell := range row.cells[:last] {
			widths[c] = max(widths[c], len(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for c := range last {
			fmt.Fprintf(&b, "%-*s  ", widths[c], row.cells[c])
		}
		indent := b.Len()
		fmt.Fprint(w, b.String()+wrapWords(row.cells[last], max(r.o.width-indent, 20), strings.Repeat(" ", indent)))
	}
}

// sameSkip reports whether two times without a Job have the same story.
func sameSkip(a, b jobsim.CronRun) bool {
	return a.Job == "" && b.Job == "" && a.Reason == b.Reason && a.SupersededBy.Equal(b.SupersededBy) &&
		a.DeadlinePassed == b.DeadlinePassed && a.Pending == b.Pending
}

// near formats t for a row of scheduled time ref: the time of day when
// it is the same day, else the date too.
func near(t, ref time.Time, loc *time.Location) string {
	if y, m, d := t.In(loc).Date(); y == ref.In(loc).Year() && m == ref.In(loc).Month() && d == ref.In(loc).Day() {
		return t.In(loc).Format("15:04")
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// skipWords says why a scheduled time got no Job.
func skipWords(run jobsim.CronRun, clock func(time.Time) string) string {
	var s string
	switch run.Reason {
	case jobsim.CronRunForbid:
		s = "skipped: a Job still running (Forbid)"
	case jobsim.CronRunControllerDown:
		s = "missed: controller down"
	case jobsim.CronRunSuspended:
		s = "skipped: suspended"
	case jobsim.CronRunDeadlinePassed:
		s = "skipped: starting deadline passed"
	case jobsim.CronRunSuperseded:
		s = "superseded"
	}
	if run.Pending {
		if s == "" {
			return "pending: due, not started yet"
		}
		return strings.Replace(strings.Replace(s, "skipped: ", "pending: ", 1), "missed: ", "pending: ", 1) + "; may still start"
	}
	switch {
	case run.DeadlinePassed && run.Reason != jobsim.CronRunDeadlinePassed:
		s += ", past the starting deadline"
	case run.DeadlinePassed:
	case !run.SupersededBy.IsZero():
		s += "; only the most recent, " + clock(run.SupersededBy) + ", started"
	}
	return s
}

// lateWords says why a Job was created late.
func lateWords(reason jobsim.CronRunReason) string {
	switch reason {
	case jobsim.CronRunForbid:
		return "a Job still running (Forbid)"
	case jobsim.CronRunControllerDown:
		return "controller down"
	case jobsim.CronRunSuspended:
		return "suspended until then"
	}
	return string(reason)
}
