package jobsimtest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/jobsim/jobsim"
)

// A CronHistory is what a CronChecker reads: a simulation's events, told
// in order to an observer, and with each event the state of the CronJobs
// right after it. CronHistoryOf makes one of a running Cluster; a recorded
// history replayed event by event is another.
type CronHistory interface {
	// Observe registers o to be told of every later event, in order.
	Observe(o jobsim.Observer)
	// CronJobView returns the CronJob called name in namespace ns as it is
	// right after the event being told, and false if there is no such
	// CronJob (it was never created).
	CronJobView(ns, name string) (CronJobView, bool)
	// CronJobRuns returns what CronJobHandle.Runs returns for the
	// CronJob right after the event being told.
	CronJobRuns(ns, name string) []jobsim.CronRun
}

// CronJobView is a CronJob and its Jobs at one instant.
type CronJobView struct {
	// Spec is the CronJob's spec then (defaulted).
	Spec jobsim.CronJobSpec
	// Created is its creationTimestamp.
	Created time.Time
	// Deleted reports that the CronJob has been deleted.
	Deleted bool
	// Jobs are its Jobs that exist then, in creation order.
	Jobs []CronJobJob
}

// CronJobJob is one Job of a CronJob at one instant.
type CronJobJob struct {
	// Name is the Job's name: the CronJob's and its scheduled minute.
	Name string
	// Scheduled is the time of its scheduled-timestamp annotation.
	Scheduled time.Time
	// Finished is JobComplete or JobFailed once it has finished, else "".
	Finished jobsim.JobConditionType
}

// CronHistoryOf returns the CronHistory of a cluster as it runs.
func CronHistoryOf(c *jobsim.Cluster) CronHistory { return clusterCron{c} }

type clusterCron struct{ c *jobsim.Cluster }

func (h clusterCron) Observe(o jobsim.Observer) { h.c.Observe(o) }

func (h clusterCron) CronJobView(ns, name string) (CronJobView, bool) {
	if cj := h.handle(ns, name); cj != nil {
		return CronJobViewOf(cj), true
	}
	return CronJobView{}, false
}

func (h clusterCron) CronJobRuns(ns, name string) []jobsim.CronRun {
	if cj := h.handle(ns, name); cj != nil {
		return cj.Runs()
	}
	return nil
}

// handle is the CronJob of that name: the existing one, else the last
// deleted.
func (h clusterCron) handle(ns, name string) *jobsim.CronJobHandle {
	if cj := h.c.CronJob(ns, name); cj != nil {
		return cj
	}
	var last *jobsim.CronJobHandle
	for _, cj := range h.c.CronJobs() {
		if cj.Namespace() == ns && cj.Name() == name {
			last = cj
		}
	}
	return last
}

// CronJobViewOf returns the view of a CronJob as it is now.
func CronJobViewOf(h *jobsim.CronJobHandle) CronJobView {
	v := CronJobView{Spec: h.Spec(), Created: h.CreationTime(), Deleted: h.Deleted()}
	for _, j := range h.Jobs() {
		cj := CronJobJob{Name: j.Name()}
		if t, err := time.Parse(time.RFC3339, j.Job().Annotations[jobsim.CronJobScheduledTimestampAnnotation]); err == nil {
			cj.Scheduled = t.UTC()
		}
		st := j.Status()
		switch {
		case st.IsTrue(jobsim.JobComplete):
			cj.Finished = jobsim.JobComplete
		case st.IsTrue(jobsim.JobFailed):
			cj.Finished = jobsim.JobFailed
		}
		v.Jobs = append(v.Jobs, cj)
	}
	return v
}

// A CronChecker watches a CronHistory and checks the CronJob controller's
// invariants (see the package documentation): on every event of a
// CronJob, and at its Job creations and syncs. Create it before the
// events it should see; read the result with Err.
type CronChecker struct {
	h       CronHistory
	errs    []string
	created map[string]map[string]bool // CronJob key → names of the Jobs it created
	first   map[string]string          // CronJob key → its schedule and time zone at creation
}

// NewCronChecker returns a CronChecker observing h.
func NewCronChecker(h CronHistory) *CronChecker {
	k := &CronChecker{h: h, created: map[string]map[string]bool{}, first: map[string]string{}}
	h.Observe(k)
	return k
}

// Err returns one error listing every violation seen so far, or nil.
func (k *CronChecker) Err() error {
	if len(k.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(k.errs, "\n"))
}

func (k *CronChecker) fail(e jobsim.Event, format string, args ...any) {
	k.errs = append(k.errs, fmt.Sprintf("%s %s %s: ", e.Time.Format(time.RFC3339Nano), e.Object, e.Reason)+fmt.Sprintf(format, args...))
}

// Observe checks the invariants after one event. It is the CronChecker's
// jobsim.Observer method.
func (k *CronChecker) Observe(e jobsim.Event) {
	if e.Object.Kind != jobsim.KindCronJob {
		return
	}
	v, ok := k.h.CronJobView(e.Object.Namespace, e.Object.Name)
	if !ok {
		k.fail(e, "an event of a CronJob that does not exist")
		return
	}
	key := e.Object.Namespace + "/" + e.Object.Name
	if _, seen := k.created[key]; !seen || e.Reason == jobsim.ReasonCreated {
		// A CronJob created (again), or first seen: a checker attached
		// after its creation checks the Jobs it sees created.
		k.created[key] = map[string]bool{}
		k.first[key] = scheduleKey(v.Spec)
	}
	if v.Deleted {
		return
	}
	switch e.Reason {
	case jobsim.ReasonSuccessfulCreate:
		k.created[key][e.Related] = true
		k.checkCreation(e, v)
	case jobsim.ReasonSawCompletedJob, jobsim.ReasonStatusUpdated:
		k.checkHistoryLimits(e, v)
	}
	k.checkConcurrency(e, v)
	switch e.Reason {
	case jobsim.ReasonSuccessfulCreate, jobsim.ReasonJobAlreadyActive, jobsim.ReasonTooManyMissedTimes:
		// The controller's decisions: the record must agree with them.
		if k.first[key] == scheduleKey(v.Spec) && !strings.HasPrefix(v.Spec.Schedule, "@every") {
			k.checkRuns(e, v, k.h.CronJobRuns(e.Object.Namespace, e.Object.Name), k.created[key])
		}
	}
}

func scheduleKey(s jobsim.CronJobSpec) string {
	if s.TimeZone != nil {
		return s.Schedule + "\x00" + *s.TimeZone
	}
	return s.Schedule
}

// checkCreation: a Job is created no earlier than its scheduled time and
// no later than the starting deadline after it (the controller scans from
// now minus the deadline); under Forbid and Replace, no other Job of the
// CronJob is active then (Replace has deleted them first).
func (k *CronChecker) checkCreation(e jobsim.Event, v CronJobView) {
	var job *CronJobJob
	for i := range v.Jobs {
		if v.Jobs[i].Name == e.Related {
			job = &v.Jobs[i]
		}
	}
	if job == nil {
		k.fail(e, "created Job %s is not among the CronJob's Jobs", e.Related)
		return
	}
	if e.Time.Before(job.Scheduled) {
		k.fail(e, "Job %s created before its scheduled time %s", job.Name, job.Scheduled.Format(time.RFC3339))
	}
	if d := v.Spec.StartingDeadline; d != nil && e.Time.Sub(job.Scheduled) > *d {
		k.fail(e, "Job %s created %v after its scheduled time, past startingDeadlineSeconds %v", job.Name, e.Time.Sub(job.Scheduled), *d)
	}
	if p := v.Spec.ConcurrencyPolicy; p == jobsim.ForbidConcurrent || p == jobsim.ReplaceConcurrent {
		for _, o := range v.Jobs {
			if o.Name != job.Name && o.Finished == "" {
				k.fail(e, "Job %s created while Job %s is active, under concurrencyPolicy %s", job.Name, o.Name, p)
			}
		}
	}
}

// checkConcurrency: under Forbid, never two active Jobs.
func (k *CronChecker) checkConcurrency(e jobsim.Event, v CronJobView) {
	if v.Spec.ConcurrencyPolicy != jobsim.ForbidConcurrent {
		return
	}
	var active []string
	for _, j := range v.Jobs {
		if j.Finished == "" {
			active = append(active, j.Name)
		}
	}
	if len(active) > 1 {
		k.fail(e, "%d active Jobs under concurrencyPolicy Forbid: %s", len(active), strings.Join(active, ", "))
	}
}

// checkHistoryLimits: after a sync (marked by its SawCompletedJob events
// and its status write), the finished Jobs kept are within the limits.
func (k *CronChecker) checkHistoryLimits(e jobsim.Event, v CronJobView) {
	var done, failed int
	for _, j := range v.Jobs {
		switch j.Finished {
		case jobsim.JobComplete:
			done++
		case jobsim.JobFailed:
			failed++
		}
	}
	if l := v.Spec.SuccessfulJobsHistoryLimit; l != nil && done > *l {
		k.fail(e, "%d completed Jobs kept after a sync, successfulJobsHistoryLimit %d", done, *l)
	}
	if l := v.Spec.FailedJobsHistoryLimit; l != nil && failed > *l {
		k.fail(e, "%d failed Jobs kept after a sync, failedJobsHistoryLimit %d", failed, *l)
	}
}

// checkRuns: the record of scheduled times (CronJobHandle.Runs) has each
// time of the schedule since the creation, in order, once; each time has
// the Job the controller created for it (named for it), or a reason, or
// is the pending most recent one; and every Job the controller created is
// in it. It is checked at each of the controller's decisions (a Job
// created, a time held back, too many missed). The schedule is read as
// the controller reads it; a CronJob whose schedule or time zone changed
// is not checked, nor an @every schedule, whose times after missed ones
// depend on when the controller looks.
func (k *CronChecker) checkRuns(e jobsim.Event, v CronJobView, runs []jobsim.CronRun, created map[string]bool) {
	spec := "TZ=UTC " + v.Spec.Schedule
	if tz := v.Spec.TimeZone; tz != nil {
		spec = "TZ=" + *tz + " " + v.Spec.Schedule
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		k.fail(e, "the schedule does not parse: %v", err)
		return
	}
	inRuns := map[string]bool{}
	t := v.Created
	for i, r := range runs {
		want := sched.Next(t)
		if !r.Scheduled.Equal(want) {
			k.fail(e, "run %d of the record is scheduled at %s, the schedule's next time is %s", i, r.Scheduled.Format(time.RFC3339), want.Format(time.RFC3339))
			return
		}
		t = r.Scheduled
		switch {
		case r.Job != "":
			inRuns[r.Job] = true
			if r.Job != fmt.Sprintf("%s-%d", e.Object.Name, r.Scheduled.Unix()/60) {
				k.fail(e, "the Job %s of the time %s is not named for it", r.Job, r.Scheduled.Format(time.RFC3339))
			}
			if !created[r.Job] {
				k.fail(e, "the record has Job %s for %s, which the controller did not create", r.Job, r.Scheduled.Format(time.RFC3339))
			}
		case r.Pending:
			if i != len(runs)-1 {
				k.fail(e, "time %s is pending, but a later scheduled time has come", r.Scheduled.Format(time.RFC3339))
			}
		case r.Reason == "":
			k.fail(e, "time %s has neither a Job nor a reason", r.Scheduled.Format(time.RFC3339))
		}
	}
	if next := sched.Next(t); !next.IsZero() && !next.After(e.Time) {
		k.fail(e, "the record ends at %s, but the schedule's time %s has come", t.Format(time.RFC3339), next.Format(time.RFC3339))
	}
	var missing []string
	for name := range created {
		if !inRuns[name] {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		k.fail(e, "Job %s was created but is not in the record", name)
	}
}
