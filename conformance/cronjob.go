package conformance

import (
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
	"github.com/jobsim/jobsim/manifest"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// CronJobOutcome is one CronJob at the end: the Jobs it created, those
// still there, its status and the events the CronJob controller
// recorded about it.
type CronJobOutcome struct {
	// Name is the CronJob's name.
	Name string
	// Deleted reports whether the CronJob was deleted.
	Deleted bool
	// Jobs are the Jobs it created, in creation order.
	Jobs []CreatedJob
	// Remaining names the Jobs that still exist at the end (what the
	// history limits kept, and the active ones), in creation order.
	Remaining []string
	// Active names the Jobs of status.active, in its order.
	Active []string
	// LastScheduleTime and LastSuccessfulTime are the status's, after the
	// scenario's start; nil when unset.
	LastScheduleTime, LastSuccessfulTime *Time
	// Events are the CronJob controller's events, in order (see
	// cronEvents for the repeats left out).
	Events []CronEvent
}

// CreatedJob is a Job a CronJob created.
type CreatedJob struct {
	// Name is the Job's name: the CronJob's and the scheduled time in
	// minutes since the Unix epoch.
	Name string
	// Created is when it was created, after the scenario's start.
	Created Time
	// Finished is its finished condition ("Complete", or "Failed/" and
	// the reason), "" while it runs.
	Finished string
	// CompletionTime is its completionTime, nil when unset.
	CompletionTime *Time
	// Succeeded and Failed are its status counters.
	Succeeded, Failed int
	// Deleted reports whether it is gone at the end.
	Deleted bool
}

// CronEvent is an event of the CronJob controller, without its time:
// the order is compared, the times follow from the Jobs'.
type CronEvent struct {
	// Type, Reason and Message are the event's.
	Type, Reason, Message string
}

// rawCronEvent is a CronEvent with its time, before cronEvents.
type rawCronEvent struct {
	at time.Time
	ev CronEvent
}

// cronEvents drops the events the real controller records or not
// depending on goroutine timing, not on a rule (see docs/fidelity.md):
//
//   - a repeat: an event equal to one kept (same type, reason and
//     message) less than a second before it. The real controller repeats
//     one when a sync runs before its CronJob informer has seen the
//     controller's own status write of the instant (the stale sync sees
//     the same finished Job again, records SawCompletedJob again, and its
//     status write then conflicts), after the first sync's other events
//     of the instant (SuccessfulCreate). Repeats of a later instant stay;
//   - a JobAlreadyActive after another between the same two scheduled
//     times (sched's window): each sync that finds the unmet time with a
//     Job active records one, and how many syncs there are depends on
//     how many of the Job controller's status writes the work queue
//     coalesces. One per skipped scheduled time stays;
//   - a FailedDelete "not found", an UnexpectedJob or a MissingJob of a
//     Job whose SuccessfulDelete came before. The sync after the
//     controller's own deletion reads informers that may lag it: a Job
//     informer that still lists the deleted Job (deleted again: not
//     found; or, unfinished and gone from status.active, unexpected), or
//     a CronJob informer that has not seen the status write taking it out
//     of status.active (the Job is then missing).
func cronEvents(raw []rawCronEvent, sched cronSchedules) []CronEvent {
	var out []CronEvent
	var kept []rawCronEvent
	var lastActive rawCronEvent
	deleted := map[string]bool{}
	for _, e := range raw {
		if repeats(kept, e) {
			continue
		}
		if e.ev.Reason == "JobAlreadyActive" && lastActive.ev == e.ev && sameWindow(sched, lastActive.at, e.at) {
			continue
		}
		if name, ok := strings.CutPrefix(e.ev.Message, "Deleted job "); ok && e.ev.Reason == "SuccessfulDelete" {
			deleted[name] = true
		}
		if staleAfterDelete(deleted, e.ev) {
			continue
		}
		out = append(out, e.ev)
		kept = append(kept, e)
		if e.ev.Reason == "JobAlreadyActive" {
			lastActive = e
		}
	}
	return out
}

// repeats reports whether e equals an event of kept within the second
// before it.
func repeats(kept []rawCronEvent, e rawCronEvent) bool {
	for i := len(kept) - 1; i >= 0 && e.at.Sub(kept[i].at) <= time.Second; i-- {
		if kept[i].ev == e.ev {
			return true
		}
	}
	return false
}

// sameWindow reports whether a and b lie between the same two scheduled
// times; false when the schedule is unknown.
func sameWindow(sched cronSchedules, a, b time.Time) bool {
	na, ok := sched.window(a)
	if !ok {
		return false
	}
	nb, ok := sched.window(b)
	return ok && na.Equal(nb)
}

// staleAfterDelete reports whether ev is a stale sync's view of a Job in
// deleted (see cronEvents).
func staleAfterDelete(deleted map[string]bool, ev CronEvent) bool {
	switch ev.Reason {
	case "FailedDelete":
		return strings.HasSuffix(ev.Message, "not found") && deletedIn(deleted, ev.Message)
	case "UnexpectedJob":
		name, ok := strings.CutPrefix(ev.Message, "Saw a job that the controller did not create or forgot: ")
		return ok && deleted[name]
	case "MissingJob":
		name, ok := strings.CutPrefix(ev.Message, "Active job went missing: ")
		return ok && deleted[name]
	}
	return false
}

// cronOutcomesOfJobsim reduces jobsim's CronJobs to outcomes: cjs in the
// scenario's order (nil where one was not created), jobs every Job
// simulated, events the CronJob events observed.
func cronOutcomesOfJobsim(start time.Time, scheds []cronSchedules, cjs []*jobsim.CronJobHandle, jobs []*jobsim.JobHandle, events []jobsim.Event) []CronJobOutcome {
	var out []CronJobOutcome
	for i, h := range cjs {
		if h == nil {
			out = append(out, CronJobOutcome{})
			continue
		}
		co := CronJobOutcome{Name: h.Name(), Deleted: h.Deleted()}
		for _, j := range jobs {
			if j.CronJob() != h {
				continue
			}
			st := j.Status()
			cj := CreatedJob{Name: j.Name(), Created: since(start, j.CreationTime()), Deleted: j.Deleted(),
				Succeeded: st.Succeeded, Failed: st.Failed}
			for _, c := range st.Conditions {
				if c.Status != jobsim.ConditionTrue {
					continue
				}
				switch string(c.Type) {
				case string(batchv1.JobComplete):
					cj.Finished = "Complete"
				case string(batchv1.JobFailed):
					cj.Finished = "Failed/" + c.Reason
				}
			}
			if !st.CompletionTime.IsZero() {
				t := since(start, st.CompletionTime)
				cj.CompletionTime = &t
			}
			co.Jobs = append(co.Jobs, cj)
			if !j.Deleted() {
				co.Remaining = append(co.Remaining, j.Name())
			}
		}
		st := h.Status()
		for _, a := range st.Active {
			co.Active = append(co.Active, a.Name)
		}
		co.LastScheduleTime = optTime(start, st.LastScheduleTime)
		co.LastSuccessfulTime = optTime(start, st.LastSuccessfulTime)
		var raw []rawCronEvent
		for _, e := range events {
			if e.Object.Kind == jobsim.KindCronJob && e.Object.Name == h.Name() && e.Object.Namespace == h.Namespace() && e.Type != jobsim.EventChange {
				raw = append(raw, rawCronEvent{at: e.Time, ev: CronEvent{Type: string(e.Type), Reason: e.Reason, Message: e.Message}})
			}
		}
		co.Events = cronEvents(raw, scheduleAt(scheds, i))
		out = append(out, co)
	}
	return out
}

// cronOutcomesOfReference reduces the reference's CronJobs to outcomes.
func cronOutcomesOfReference(start time.Time, scheds []cronSchedules, res []reference.CronJobResult) []CronJobOutcome {
	var out []CronJobOutcome
	for i, cr := range res {
		if cr.Object == nil {
			out = append(out, CronJobOutcome{})
			continue
		}
		co := CronJobOutcome{Name: cr.Object.Name, Deleted: cr.Deleted}
		for _, j := range cr.Jobs {
			cj := CreatedJob{Created: since(start, j.Created), Deleted: j.Deleted}
			if o := j.Object; o != nil {
				cj.Name = o.Name
				cj.Succeeded, cj.Failed = int(o.Status.Succeeded), int(o.Status.Failed)
				for _, c := range o.Status.Conditions {
					if c.Status != corev1.ConditionTrue {
						continue
					}
					switch c.Type {
					case batchv1.JobComplete:
						cj.Finished = "Complete"
					case batchv1.JobFailed:
						cj.Finished = "Failed/" + c.Reason
					}
				}
				if o.Status.CompletionTime != nil {
					t := since(start, o.Status.CompletionTime.Time)
					cj.CompletionTime = &t
				}
			}
			co.Jobs = append(co.Jobs, cj)
			if !j.Deleted {
				co.Remaining = append(co.Remaining, cj.Name)
			}
		}
		st := cr.Object.Status
		for _, a := range st.Active {
			co.Active = append(co.Active, a.Name)
		}
		if st.LastScheduleTime != nil {
			co.LastScheduleTime = optTime(start, st.LastScheduleTime.Time)
		}
		if st.LastSuccessfulTime != nil {
			co.LastSuccessfulTime = optTime(start, st.LastSuccessfulTime.Time)
		}
		raw := make([]rawCronEvent, 0, len(cr.Events))
		for _, e := range cr.Events {
			raw = append(raw, rawCronEvent{at: e.At, ev: CronEvent{Type: e.Type, Reason: e.Reason, Message: e.Message}})
		}
		co.Events = cronEvents(raw, scheduleAt(scheds, i))
		out = append(out, co)
	}
	return out
}

func optTime(start, t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	v := since(start, t)
	return &v
}

// referenceCronJobs returns the scenario's CronJobs in the reference
// runner's terms.
func referenceCronJobs(s *manifest.Scenario) []reference.CronJob {
	var out []reference.CronJob
	for _, sc := range s.CronJobs {
		t := sc.Manifest.CronJob.Spec.JobTemplate.Spec.Template
		cj := reference.CronJob{
			Object: sc.Manifest.Object.DeepCopy(),
			At:     sc.At,
			Behavior: func(n int) jobsim.Behavior {
				return sc.Behavior(t, func(string, string) (int, bool) { return n, true })
			},
		}
		for _, a := range sc.Actions {
			cj.Actions = append(cj.Actions, reference.CronAction{At: a.At, Delete: a.Delete, Edit: cronEditFor(a)})
		}
		out = append(out, cj)
	}
	return out
}

// cronEditFor turns a CronJob action into an edit of a batch/v1 spec.
func cronEditFor(a manifest.CronAction) func(*batchv1.CronJobSpec) {
	return func(s *batchv1.CronJobSpec) {
		i32 := func(n int) *int32 { v := int32(n); return &v }
		if a.Suspend != nil {
			s.Suspend = a.Suspend
		}
		if a.Schedule != nil {
			s.Schedule = *a.Schedule
		}
		if a.TimeZone != nil {
			s.TimeZone = a.TimeZone
		}
		if a.ConcurrencyPolicy != nil {
			s.ConcurrencyPolicy = batchv1.ConcurrencyPolicy(*a.ConcurrencyPolicy)
		}
		if a.StartingDeadline != nil {
			v := int64(*a.StartingDeadline / time.Second)
			s.StartingDeadlineSeconds = &v
		}
		if a.SuccessfulJobsHistoryLimit != nil {
			s.SuccessfulJobsHistoryLimit = i32(*a.SuccessfulJobsHistoryLimit)
		}
		if a.FailedJobsHistoryLimit != nil {
			s.FailedJobsHistoryLimit = i32(*a.FailedJobsHistoryLimit)
		}
	}
}

// cronFaults returns the scenario's faults of the CronJob controller.
func cronFaults(fs []manifest.Fault) []reference.ControllerFault {
	var out []reference.ControllerFault
	for _, f := range fs {
		if f.Controller == manifest.ControllerCronJob {
			out = append(out, reference.ControllerFault{At: f.At, Down: f.Action == manifest.FaultDown})
		}
	}
	return out
}

// deletedIn reports whether a FailedDelete message names a Job in
// deleted (`Deleted job: jobs.batch "NAME" not found`).
func deletedIn(deleted map[string]bool, msg string) bool {
	_, rest, ok := strings.Cut(msg, `"`)
	if !ok {
		return false
	}
	name, _, ok := strings.Cut(rest, `"`)
	return ok && deleted[name]
}

// scheduleAt returns scheds[i], or no schedule.
func scheduleAt(scheds []cronSchedules, i int) cronSchedules {
	if i < len(scheds) {
		return scheds[i]
	}
	return cronSchedules{}
}
