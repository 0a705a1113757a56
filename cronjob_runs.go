package jobsim

import (
	"time"

	"github.com/robfig/cron/v3"
)

// The record of a CronJob's scheduled times: what the controller decided
// for each. The controller notes its decisions as it makes them (a Job
// created for a scheduled time, a time held back by Forbid), and the
// cluster notes the spans during which the CronJob was suspended or the
// controller down; CronJobHandle.Runs lays them out per scheduled time.
// Nothing here changes what the controller does.

// CronRunReason says why a scheduled time got no Job, or got it late.
type CronRunReason string

// The reasons of a CronRun.
const (
	// CronRunForbid: concurrencyPolicy is Forbid and a Job of the
	// CronJob was still running (the controller's JobAlreadyActive).
	CronRunForbid CronRunReason = "Forbid"
	// CronRunControllerDown: the CronJob controller was stopped at the
	// scheduled time (Cluster.StopCronJobController).
	CronRunControllerDown CronRunReason = "ControllerDown"
	// CronRunSuspended: the CronJob was suspended at the scheduled time.
	CronRunSuspended CronRunReason = "Suspended"
	// CronRunDeadlinePassed: the controller came to the time only after
	// startingDeadlineSeconds had passed, and does not start it any more.
	CronRunDeadlinePassed CronRunReason = "DeadlinePassed"
	// CronRunSuperseded: a later scheduled time came before this one
	// could start; after missed times the controller starts only the most
	// recent.
	CronRunSuperseded CronRunReason = "Superseded"
)

// CronRun is one scheduled time of a CronJob and what came of it.
type CronRun struct {
	// Scheduled is the scheduled time, in UTC.
	Scheduled time.Time
	// Job is the name of the Job the controller created for it; "" if
	// none.
	Job string
	// Created is when the controller created the Job (zero if none): the
	// scheduled time plus the controller's 100 ms, or later.
	Created time.Time
	// Reason is, for a time without a Job, why it got none: the first
	// cause of Forbid, ControllerDown, Suspended, DeadlinePassed and
	// Superseded that applies. For a time whose Job was created late
	// (more than a second after the scheduled time), why it waited; else
	// "".
	Reason CronRunReason
	// SupersededBy is, for a time without a Job, the later scheduled
	// time the controller started instead; zero if none.
	SupersededBy time.Time
	// DeadlinePassed reports, for a time without a Job, that
	// startingDeadlineSeconds had passed when the controller came to it.
	DeadlinePassed bool
	// TooManyMissed reports, for a time with a Job, that the controller
	// warned TooManyMissedTimes (more than 100 scheduled times missed) in
	// the sync that created it.
	TooManyMissed bool
	// Pending reports a time without a Job that the controller may still
	// start: the most recent scheduled time, not yet started.
	Pending bool
}

// cronRuns is what the record of one CronJob holds. It keeps at most
// 2 × maxRunsListed creations, dropping the oldest half when full, so that
// it stays bounded however long the CronJob runs.
type cronRuns struct {
	created   []cronCreation
	specs     []cronSpec     // the schedules and deadlines the creations were made under
	base      time.Time      // the scheduled time of the last creation dropped; zero if none
	forbidden map[int64]bool // scheduled times (Unix ns) held back by Forbid
	suspended []timeSpan     // spans of suspension
	gone      time.Time      // when it was deleted; zero if not
}

// cronCreation is one Job the controller created (or adopted) for a
// scheduled time, with what it saw then. The Job's name follows from the
// scheduled time (cronJobName).
type cronCreation struct {
	scheduled, at int64 // Unix ns
	spec          int32 // index in cronRuns.specs
	tooMany       bool
}

// cronSpec is a schedule and starting deadline in force.
type cronSpec struct {
	sched    cron.Schedule
	deadline *time.Duration
}

// timeSpan is a time interval [from, to); a zero to is open.
type timeSpan struct{ from, to time.Time }

func (s timeSpan) contains(t time.Time) bool {
	return !t.Before(s.from) && (s.to.IsZero() || t.Before(s.to))
}

func inSpans(spans []timeSpan, t time.Time) bool {
	for _, s := range spans {
		if s.contains(t) {
			return true
		}
	}
	return false
}

// openSpan starts a span at t unless one is open; closeSpan ends it.
func openSpan(spans []timeSpan, t time.Time) []timeSpan {
	if n := len(spans); n > 0 && spans[n-1].to.IsZero() {
		return spans
	}
	return append(spans, timeSpan{from: t})
}

func closeSpan(spans []timeSpan, t time.Time) []timeSpan {
	if n := len(spans); n > 0 && spans[n-1].to.IsZero() {
		spans[n-1].to = t
	}
	return spans
}

// noteSuspend records the CronJob's suspend field as it is from now on.
func (cj *cronJob) noteSuspend(suspended bool, now time.Time) {
	if suspended {
		cj.runs.suspended = openSpan(cj.runs.suspended, now)
	} else {
		cj.runs.suspended = closeSpan(cj.runs.suspended, now)
	}
}

// noteForbidden records that the controller held back a scheduled time
// because a Job was active and the policy is Forbid.
func (cj *cronJob) noteForbidden(scheduled time.Time) {
	if cj.runs.forbidden == nil {
		cj.runs.forbidden = map[int64]bool{}
	}
	cj.runs.forbidden[scheduled.UnixNano()] = true
}

// noteCreated records a Job created (or adopted) for a scheduled time.
func (cj *cronJob) noteCreated(scheduled, now time.Time, tooMany bool) {
	r := &cj.runs
	deadline := cj.meta.Spec.StartingDeadline
	if n := len(r.specs); n == 0 || r.specs[n-1].sched != cj.next.sched || !sameDuration(r.specs[n-1].deadline, deadline) {
		r.specs = append(r.specs, cronSpec{sched: cj.next.sched, deadline: clonePtr(deadline)})
	}
	if len(r.created) >= 2*maxRunsListed {
		drop := len(r.created) - maxRunsListed + 1
		r.base = time.Unix(0, r.created[drop-1].scheduled).UTC()
		r.created = append(r.created[:0], r.created[drop:]...)
		for t := range r.forbidden {
			if t <= r.base.UnixNano() {
				delete(r.forbidden, t)
			}
		}
	}
	r.created = append(r.created, cronCreation{scheduled: scheduled.UnixNano(), at: now.UnixNano(),
		spec: int32(len(r.specs) - 1), tooMany: tooMany})
}

// sameDuration reports whether two optional durations are equal.
func sameDuration(a, b *time.Duration) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func (cj *cronJob) wasForbidden(t time.Time) bool { return cj.runs.forbidden[t.UnixNano()] }

// cause is the first cause that kept a scheduled time from starting on
// time, or "".
func (cj *cronJob) cause(t time.Time) CronRunReason {
	switch {
	case cj.wasForbidden(t):
		return CronRunForbid
	case inSpans(cj.c.cronDownSpans, t):
		return CronRunControllerDown
	case inSpans(cj.runs.suspended, t):
		return CronRunSuspended
	}
	return ""
}

// maxRunsListed bounds what Runs returns: the most recent this many.
var maxRunsListed = 100000 // a variable for tests

// Runs returns one record per scheduled time of the CronJob from its
// creation to now (or to its deletion), in order: the Job the controller
// created for it, or why it created none. The records come from what the
// controller decided at each sync (see CronRun) and the spans during which
// the CronJob was suspended or the controller stopped; they are laid out
// with the schedule in force when each Job was created, so the times of
// a schedule replaced by an edit are those of the new one from the last
// Job created on. A schedule that fires more often than 100,000 times in
// that span keeps only the most recent 100,000 records. The result is a
// new slice; the CronJob's timeline is not changed by calling it.
func (h *CronJobHandle) Runs() []CronRun {
	cj := h.cj
	end := cj.c.eng.Now().UTC()
	if !cj.runs.gone.IsZero() {
		end = cj.runs.gone
	}
	var out []CronRun
	add := func(r CronRun) {
		out = append(out, r)
		if len(out) > 2*maxRunsListed {
			out = append(out[:0], out[len(out)-maxRunsListed:]...)
		}
	}
	prev := cj.created
	if !cj.runs.base.IsZero() {
		prev = cj.runs.base
	}
	for _, c := range cj.runs.created {
		sp := cj.runs.specs[c.spec]
		cr := struct {
			scheduled, at time.Time
			job           string
			sched         cron.Schedule
			deadline      *time.Duration
			tooMany       bool
		}{time.Unix(0, c.scheduled).UTC(), time.Unix(0, c.at).UTC(), "", sp.sched, sp.deadline, c.tooMany}
		cr.job = cronJobName(cj.name, cr.scheduled)
		for t := cr.sched.Next(prev); t.After(prev) && t.Before(cr.scheduled); prev, t = t, cr.sched.Next(t) {
			r := CronRun{Scheduled: t.UTC(), Reason: cj.cause(t), SupersededBy: cr.scheduled.UTC()}
			r.DeadlinePassed = cr.deadline != nil && !t.After(cr.at.Add(-*cr.deadline))
			if r.Reason == "" {
				r.Reason = CronRunSuperseded
				if r.DeadlinePassed {
					r.Reason = CronRunDeadlinePassed
				}
			}
			add(r)
		}
		r := CronRun{Scheduled: cr.scheduled.UTC(), Job: cr.job, Created: cr.at, TooManyMissed: cr.tooMany}
		if cr.at.Sub(cr.scheduled) > time.Second {
			r.Reason = cj.cause(cr.scheduled)
		}
		add(r)
		prev = cr.scheduled
	}
	// The times since the last Job, with the schedule in force now.
	var pending []CronRun
	sched, deadline := cj.next.sched, cj.meta.Spec.StartingDeadline
	// A schedule whose times never come (February 30) gives the zero time.
	for t := sched.Next(prev); t.After(prev) && !t.After(end); prev, t = t, sched.Next(t) {
		r := CronRun{Scheduled: t.UTC(), Reason: cj.cause(t)}
		r.DeadlinePassed = deadline != nil && !t.After(end.Add(-*deadline))
		if r.Reason == "" && r.DeadlinePassed {
			r.Reason = CronRunDeadlinePassed
		}
		pending = append(pending, r)
		if len(pending) > 2*maxRunsListed {
			pending = append(pending[:0], pending[len(pending)-maxRunsListed:]...)
		}
	}
	if n := len(pending); n > 0 {
		last := pending[n-1].Scheduled
		for i := range pending {
			r := &pending[i]
			if i < n-1 {
				if r.Reason == "" {
					r.Reason = CronRunSuperseded
				}
				r.SupersededBy = last
				continue
			}
			r.Pending = !r.DeadlinePassed && cj.runs.gone.IsZero()
		}
	}
	for _, r := range pending {
		add(r)
	}
	if len(out) > maxRunsListed {
		out = out[len(out)-maxRunsListed:]
	}
	return out
}
