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
		if h := r.sim.Cluster().Job(ev.Object.Namespace, ev.Object.Name); h != nil && h.CronJob() != nil {
			r.cronEnds[key] = &cronJobEnd{created: ev.Time}
		}
	case jobsim.ReasonDeleted:
		if e := r.cronEnds[key]; e != nil {
			e.deleted = ev.Time
		}
	}
}

// noteCronCondition records a Job's Complete or Failed condition.
func (r *textRenderer) noteCronCondition(key string, c jobsim.JobCondition, at time.Time) {
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
	rows := []cronRow{{cells: []string{"SCHEDULED", "AT", "JOB", "CREATED", "OUTCOME", "DURATION"}}}
	for i := 0; i < len(runs); i++ {
		run := runs[i]
		if run.Job == "" {
			// The times that follow for the same reason share the row.
			k := i
			for k+1 < len(runs) && sameSkip(runs[k+1], run) {
				k++
			}
			sched, at := clock(run.Scheduled), since(run.Scheduled)
			if k > i {
				sched += " to " + runs[k].Scheduled.In(loc).Format("15:04")
				if runs[k].Scheduled.In(loc).YearDay() != run.Scheduled.In(loc).YearDay() {
					sched = clock(run.Scheduled) + " to " + clock(runs[k].Scheduled)
				}
				at += fmt.Sprintf(" (%d times)", k-i+1)
			}
			rows = append(rows, cronRow{cells: []string{sched, at, "-", "-", skipWords(run, clock), ""}, skip: true})
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
		rows = append(rows, cronRow{cells: []string{clock(run.Scheduled), since(run.Scheduled), run.Job, since(run.Created), outcome, dur}})
	}
	r.printCronRows(w, rows)
}

// printCronRows lays the rows out in columns; the OUTCOME column, the
// longest, wraps within the width.
func (r *textRenderer) printCronRows(w io.Writer, rows []cronRow) {
	widths := make([]int, len(rows[0].cells))
	for _, row := range rows {
		for c, cell := range row.cells {
			if c != 4 {
				widths[c] = max(widths[c], len(cell))
			}
		}
	}
	widths[4] = len("OUTCOME")
	for _, row := range rows {
		if !row.skip {
			widths[4] = max(widths[4], len(row.cells[4]))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for c := range 4 {
			fmt.Fprintf(&b, "%-*s  ", widths[c], row.cells[c])
		}
		indent := b.Len()
		if row.skip || row.cells[5] == "" {
			fmt.Fprint(w, b.String()+wrapWords(row.cells[4], max(r.o.width-indent, 20), strings.Repeat(" ", indent)))
			continue
		}
		fmt.Fprintf(&b, "%-*s  %s", widths[4], row.cells[4], row.cells[5])
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// sameSkip reports whether two times without a Job have the same story.
func sameSkip(a, b jobsim.CronRun) bool {
	return a.Job == "" && b.Job == "" && a.Reason == b.Reason && a.SupersededBy.Equal(b.SupersededBy) &&
		a.DeadlinePassed == b.DeadlinePassed && a.Pending == b.Pending
}

// skipWords says why a scheduled time got no Job.
func skipWords(run jobsim.CronRun, clock func(time.Time) string) string {
	var s string
	switch run.Reason {
	case jobsim.CronRunForbid:
		s = "skipped: a Job was still running (Forbid)"
	case jobsim.CronRunControllerDown:
		s = "missed: the CronJob controller was down"
	case jobsim.CronRunSuspended:
		s = "skipped: suspended"
	case jobsim.CronRunDeadlinePassed:
		s = "skipped: the starting deadline passed"
	case jobsim.CronRunSuperseded:
		s = "superseded"
	default:
		s = "not started yet"
	}
	if run.Pending {
		if run.Reason == "" {
			return "pending: due, not started yet"
		}
		return strings.Replace(s, "skipped: ", "pending: ", 1) + "; it may still start"
	}
	switch {
	case run.DeadlinePassed && run.Reason != jobsim.CronRunDeadlinePassed:
		s += ", past the starting deadline"
	case run.DeadlinePassed:
	case !run.SupersededBy.IsZero():
		s += "; superseded by " + clock(run.SupersededBy) + " (only the most recent missed time starts)"
	}
	return s
}

// lateWords says why a Job was created late.
func lateWords(reason jobsim.CronRunReason) string {
	switch reason {
	case jobsim.CronRunForbid:
		return "a Job was still running (Forbid)"
	case jobsim.CronRunControllerDown:
		return "the CronJob controller was down"
	case jobsim.CronRunSuspended:
		return "suspended until then"
	}
	return string(reason)
}
