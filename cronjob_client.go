package jobsim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// What a user does with CronJobs through the API server: create, read,
// edit and delete them; and the CronJob controller's outages.

// SubmitCronJob creates a CronJob, as `kubectl create` would: it applies
// the API server's defaults (SetCronJobDefaults), validates the result
// (ValidateCronJob) and returns every problem as a *ValidationError, or
// starts simulating the CronJob at Now. Each Job it creates is a Job like
// those Submit creates, named <name>-<scheduled time in minutes since the
// Unix epoch>; b decides how their containers run (nil means each Job's
// TemplateBehavior). A CronJob with the name of an existing one gives an
// *AlreadyExistsError.
func (c *Cluster) SubmitCronJob(cj CronJob, b Behavior) (*CronJobHandle, error) {
	obj := cloneCronJob(cj)
	if !c.prof.managedBy {
		obj.Spec.JobTemplate.Spec.ManagedBy = "" // dropped while JobManagedBy is off (1.34)
	}
	SetCronJobDefaults(&obj)
	if err := ValidateCronJob(obj); err != nil {
		return nil, err
	}
	key := obj.Namespace + "/" + obj.Name
	if _, ok := c.cronJobKeys[key]; ok {
		return nil, &AlreadyExistsError{Resource: "cronjobs.batch", Namespace: obj.Namespace, Name: obj.Name}
	}
	r := &cronJob{
		c:       c,
		seq:     uint64(len(c.cronJobs)),
		name:    obj.Name,
		ns:      obj.Namespace,
		meta:    obj,
		gen:     1,
		beh:     b,
		created: c.eng.Epoch().Add(c.stamp(c.eng.Elapsed())).UTC(),
	}
	r.handle = &CronJobHandle{cj: r}
	r.parse()
	r.noteSuspend(obj.Spec.Suspend, c.eng.Now().UTC())
	c.cronJobs = append(c.cronJobs, r)
	c.cronJobKeys[key] = r
	c.cronEvent(r, EventChange, ReasonCreated, "CronJob created", "")
	c.cronEnqueue(r)
	return r.handle, nil
}

// parse reads the stored spec's schedule and time zone, which validation
// has accepted.
func (cj *cronJob) parse() {
	s := &cj.meta.Spec
	sched, err := parseSchedule(formatSchedule(s))
	if err != nil {
		panic("jobsim: a validated schedule does not parse: " + err.Error())
	}
	cj.next = newNextMemo(sched)
	tz := ""
	if s.TimeZone != nil {
		tz = *s.TimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		panic("jobsim: a validated time zone does not load: " + err.Error())
	}
	cj.loc = loc
}

// CronJob returns the existing CronJob called name in namespace ns (""
// means "default"), or nil.
func (c *Cluster) CronJob(ns, name string) *CronJobHandle {
	if ns == "" {
		ns = "default"
	}
	if cj := c.cronJobKeys[ns+"/"+name]; cj != nil {
		return cj.handle
	}
	return nil
}

// CronJobs returns a handle on every CronJob ever submitted, in
// submission order, deleted ones included.
func (c *Cluster) CronJobs() []*CronJobHandle {
	hs := make([]*CronJobHandle, len(c.cronJobs))
	for i, cj := range c.cronJobs {
		hs[i] = cj.handle
	}
	return hs
}

// UpdateCronJob edits a CronJob's spec as `kubectl edit` would: edit
// changes a copy, SetCronJobDefaults and ValidateCronJobUpdate decide, and
// the controller reacts as its update handler does. A change of the
// schedule or the time zone requeues the CronJob at the next scheduled
// time of the new schedule (it is not synced at once); any other change
// (suspend, concurrencyPolicy, the limits, the job template) syncs it at
// once. Jobs already created keep their spec.
func (c *Cluster) UpdateCronJob(ns, name string, edit func(spec *CronJobSpec)) error {
	if ns == "" {
		ns = "default"
	}
	cj := c.cronJobKeys[ns+"/"+name]
	if cj == nil {
		return &NotFoundError{Resource: "cronjobs.batch", Namespace: ns, Name: name}
	}
	old := cj.meta
	next := old
	next.Spec = cloneCronJobSpec(old.Spec)
	edit(&next.Spec)
	if !c.prof.managedBy {
		next.Spec.JobTemplate.Spec.ManagedBy = ""
	}
	SetCronJobDefaults(&next)
	if err := ValidateCronJobUpdate(old, next); err != nil {
		return err
	}
	changes := cronSpecChanges(old.Spec, next.Spec)
	if len(changes) == 0 {
		return nil
	}
	if old.Spec.Suspend != next.Spec.Suspend {
		cj.noteSuspend(next.Spec.Suspend, c.eng.Now().UTC())
	}
	cj.meta.Spec = next.Spec
	cj.gen++
	c.cronEvent(cj, EventChange, ReasonSpecUpdated, strings.Join(changes, ", "), "")
	if old.Spec.Schedule != next.Spec.Schedule || !equalPtr(old.Spec.TimeZone, next.Spec.TimeZone) {
		cj.parse()
		last := cj.created
		if !cj.lastSchedule.IsZero() {
			last = cj.lastSchedule
		}
		c.cronEnqueueAfter(cj, nextScheduleTimeDuration(last, next.Spec.StartingDeadline, c.eng.Now().UTC(), &cj.next))
		return nil
	}
	c.cronEnqueue(cj)
	return nil
}

// cronSpecChanges describes what changed between two CronJob specs, for
// the event.
func cronSpecChanges(old, next CronJobSpec) []string {
	var out []string
	add := func(field string, a, b any) { out = append(out, fmt.Sprintf("%s: %v → %v", field, a, b)) }
	if old.Schedule != next.Schedule {
		add("schedule", fmt.Sprintf("%q", old.Schedule), fmt.Sprintf("%q", next.Schedule))
	}
	if a, b := fmtPtr(old.TimeZone), fmtPtr(next.TimeZone); a != b {
		add("timeZone", a, b)
	}
	if a, b := fmtPtr(old.StartingDeadline), fmtPtr(next.StartingDeadline); a != b {
		add("startingDeadline", a, b)
	}
	if old.ConcurrencyPolicy != next.ConcurrencyPolicy {
		add("concurrencyPolicy", old.ConcurrencyPolicy, next.ConcurrencyPolicy)
	}
	if old.Suspend != next.Suspend {
		add("suspend", old.Suspend, next.Suspend)
	}
	if a, b := fmtPtr(old.SuccessfulJobsHistoryLimit), fmtPtr(next.SuccessfulJobsHistoryLimit); a != b {
		add("successfulJobsHistoryLimit", a, b)
	}
	if a, b := fmtPtr(old.FailedJobsHistoryLimit), fmtPtr(next.FailedJobsHistoryLimit); a != b {
		add("failedJobsHistoryLimit", a, b)
	}
	if !semanticEqual(old.JobTemplate, next.JobTemplate) {
		out = append(out, "jobTemplate changed")
	}
	return out
}

// DeleteCronJob deletes a CronJob as `kubectl delete cronjob` does
// (background propagation): the CronJob is gone at once, and the garbage
// collector deletes its Jobs, and theirs their pods, which terminate
// gracefully.
func (c *Cluster) DeleteCronJob(ns, name string) error {
	if ns == "" {
		ns = "default"
	}
	cj := c.cronJobKeys[ns+"/"+name]
	if cj == nil {
		return &NotFoundError{Resource: "cronjobs.batch", Namespace: ns, Name: name}
	}
	cj.gone = true
	cj.runs.gone = c.eng.Now().UTC()
	cj.nowTimer.Stop()
	cj.laterTimer.Stop()
	delete(c.cronJobKeys, ns+"/"+name)
	c.cronEvent(cj, EventChange, ReasonDeleted, "CronJob deleted", "")
	for _, j := range slices.Clone(cj.children) {
		c.removeJob(j, "Job deleted: its CronJob "+cj.name+" was deleted")
	}
	return nil
}

// StopCronJobController stops the CronJob controller, as an outage of
// kube-controller-manager's CronJob controller would: no CronJob is
// synced, so no Job is created or cleaned up, until
// StartCronJobController. Everything else runs on: the Job controller,
// the kubelets, the scheduler. Scheduled times that pass meanwhile are
// missed; at the next sync the controller starts the most recent one only
// (as its concurrency policy and starting deadline allow) and warns with
// TooManyMissedTimes when more than 100 went by. Stopping a stopped
// controller does nothing.
func (c *Cluster) StopCronJobController() {
	if c.cronDown {
		return
	}
	c.cronDown = true
	c.cronDownSpans = openSpan(c.cronDownSpans, c.eng.Now().UTC())
	for _, cj := range c.cronJobs {
		cj.inputs++
		cj.nowTimer.Stop()
		cj.laterTimer.Stop()
	}
}

// StartCronJobController starts a stopped CronJob controller: like a
// restarted one, it forgets its work queue and its retries, lists every
// CronJob and syncs each at once, in creation order. Starting a running
// controller does nothing.
func (c *Cluster) StartCronJobController() {
	if !c.cronDown {
		return
	}
	c.cronDown = false
	c.cronDownSpans = closeSpan(c.cronDownSpans, c.eng.Now().UTC())
	for _, cj := range c.cronJobs {
		cj.inputs++
		cj.failures = 0
		c.cronEnqueue(cj)
	}
}

// CronJobControllerRunning reports whether the CronJob controller runs
// (see StopCronJobController).
func (c *Cluster) CronJobControllerRunning() bool { return !c.cronDown }

// CronJobHandle is a read-only handle on a submitted CronJob. Its methods
// return snapshots taken when they are called; they stay valid after the
// CronJob is deleted (showing it as it was last). Like the Cluster, it is
// not safe for concurrent use.
type CronJobHandle struct {
	cj *cronJob
}

// Name returns the CronJob's name.
func (h *CronJobHandle) Name() string { return h.cj.name }

// Namespace returns the CronJob's namespace.
func (h *CronJobHandle) Namespace() string { return h.cj.ns }

// UID returns the CronJob's UID.
func (h *CronJobHandle) UID() string { return h.cj.c.uid(kindCronJob, h.cj.seq) }

// CronJob returns the CronJob as the API server stores it: metadata and
// the defaulted spec, including edits made since it was submitted.
func (h *CronJobHandle) CronJob() CronJob { return cloneCronJob(h.cj.meta) }

// Spec returns the CronJob's current (defaulted) spec.
func (h *CronJobHandle) Spec() CronJobSpec { return cloneCronJobSpec(h.cj.meta.Spec) }

// Generation returns metadata.generation: 1, plus one per spec change.
func (h *CronJobHandle) Generation() int { return h.cj.gen }

// CreationTime returns creationTimestamp: when the CronJob was submitted,
// to the second. Its schedule counts from there.
func (h *CronJobHandle) CreationTime() time.Time { return h.cj.created }

// Deleted reports whether the CronJob has been deleted.
func (h *CronJobHandle) Deleted() bool { return h.cj.gone }

// Status returns the CronJob's status as last written by the controller.
func (h *CronJobHandle) Status() CronJobStatus {
	cj := h.cj
	st := CronJobStatus{LastScheduleTime: cj.lastSchedule, LastSuccessfulTime: cj.lastSuccessful}
	for _, j := range cj.active {
		st.Active = append(st.Active, ObjectRef{Kind: KindJob, Namespace: j.ns, Name: j.name})
	}
	return st
}

// Jobs returns handles on the CronJob's existing Jobs, in creation order.
// The Jobs its history limits (or anyone) deleted are gone from it.
func (h *CronJobHandle) Jobs() []*JobHandle {
	hs := make([]*JobHandle, len(h.cj.children))
	for i, j := range h.cj.children {
		hs[i] = j.handOut()
	}
	return hs
}

// JobsCreated returns how many Jobs the CronJob has created.
func (h *CronJobHandle) JobsCreated() int { return h.cj.nCreated }

// CronJob returns the CronJob that created the job, or nil for a job
// created by Submit.
func (h *JobHandle) CronJob() *CronJobHandle {
	if o := h.j.owner; o != nil {
		return o.handle
	}
	return nil
}
