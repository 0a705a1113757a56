package jobsim

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go
// and utils.go, the same in v1.34.4 to v1.37.2 for what a simulation
// sees). Like the Job controller's, a sync decides, then applies: decide
// reads the CronJob and its Jobs as they stand and fills a plan of
// deletions, events, a creation and the status to write; apply performs
// it in upstream's order.

// cronJob is the cluster's record of one CronJob.
type cronJob struct {
	c      *Cluster
	handle *CronJobHandle
	seq    uint64 // creation order: its index in Cluster.cronJobs, its timers' argument, its UID
	name   string
	ns     string
	meta   CronJob // as stored, defaulted; the spec is edited in place
	gen    int
	beh    Behavior
	// created is creationTimestamp, to the second.
	created time.Time
	// next is the parsed schedule (formatSchedule's), with its memo.
	next nextMemo
	// loc is the time zone of the scheduled-timestamp annotation.
	loc *time.Location

	// status, as last written.
	active         []*job // status.active, in the order added
	lastSchedule   time.Time
	lastSuccessful time.Time

	// children are its existing Jobs, in creation order: what upstream's
	// index of Jobs by controller UID returns.
	children []*job
	nCreated int

	// The work queue: a pending Add (now) and a pending AddAfter (later,
	// the earliest asked for), kept apart as client-go's delaying queue
	// keeps them; failures counts the rate limiter's consecutive retries.
	nowTimer   sim.Timer
	laterTimer sim.Timer
	laterAt    time.Duration
	failures   int

	// validKey describes the last Job of the CronJob that passed
	// validation (see validated).
	validKey validationKey

	gone bool

	// inputs counts the changes to what a sync reads, but for the clock,
	// the spec (gen) and whether events are kept: a Job created, deleted,
	// started or finished (ownerSees), a status write, the controller
	// stopped or started. quiet is the last sync, if it changed nothing:
	// until these change or a scheduled time comes, a sync would do the
	// same (see quietFor).
	inputs uint64
	quiet  cronQuiet

	// jobLabels and jobAnnotations are jobFor's scratch maps.
	jobLabels, jobAnnotations map[string]string

	// runs records the controller's decisions per scheduled time, for
	// CronJobHandle.Runs (cronjob_runs.go). The controller never reads it.
	runs cronRuns
}

// validationKey is what the validation of a CronJob's Job depends on:
// the template (its generation), and the lengths of the name and of the
// scheduled-timestamp annotation, the only parts that differ from one
// scheduled time to the next. The name's format cannot change with the
// time (a valid name and "-" and digits), so its length is what counts
// (limits, and the hostnames of an Indexed Job's pods).
type validationKey struct {
	gen, nameLen, stampLen int
}

func validationKeyOf(cj *cronJob, j Job) validationKey {
	return validationKey{gen: cj.gen, nameLen: len(j.Name), stampLen: len(j.Annotations[CronJobScheduledTimestampAnnotation])}
}

// validated reports whether j, a Job of the CronJob, would pass
// validation because one with the same key did: the API server's answer
// without the cost of asking it every minute.
func (cj *cronJob) validated(j Job) bool {
	return cj.validKey.gen != 0 && cj.validKey == validationKeyOf(cj, j)
}

// cronPlan is what one CronJob sync decided. Its slices are scratch
// space, valid until the next sync.
type cronPlan struct {
	cj  *cronJob
	now time.Time
	// steps are the deletions and events, in upstream's order; the
	// creation, if any, comes after them.
	steps []cronStep
	// create is the scheduled time of the Job to create; zero for none.
	create time.Time
	// createName is the name of that Job.
	createName string
	// adopt is an existing Job of the CronJob, named for the scheduled
	// time but missing from status.active, that goes back into it.
	adopt *job
	// active, lastSchedule and lastSuccessful are the status to write,
	// before the creation.
	active         []*job
	lastSchedule   time.Time
	lastSuccessful time.Time
	// requeue, when set, is when to sync again (AddAfter).
	requeue    time.Duration
	hasRequeue bool
	// tooManyMissed is set when the sync warns TooManyMissedTimes, for
	// the record of the Job it creates.
	tooManyMissed bool
	// quietUntil, when not zero, is the time (since the epoch) before
	// which the schedule has no time for the sync to start: the next
	// scheduled time, or forever for a suspended CronJob. wrote is set
	// when apply wrote the status.
	quietUntil time.Duration
	wrote      bool

	// recording is whether events are kept or observed: if not, the
	// messages of the common steps are left unformatted.
	recording bool

	// Scratch space for decide. finished is, for each Job of the
	// sync's snapshot, the true condition that finished it (Complete
	// before Failed) or "": planCleanup reads it for planReconcile.
	done, failed, missing []*job
	finished              []JobConditionType
}

// cronQuiet describes a sync that changed nothing: no deletion, event,
// creation or status write, no failure.
type cronQuiet struct {
	ok        bool
	inputs    uint64
	gen       int
	recording bool
	// until is the next scheduled time (since the epoch), before which
	// the sync finds none to start; requeueAt is when it asked to sync
	// again, if it did (requeue).
	until     time.Duration
	requeue   bool
	requeueAt time.Duration
}

// cronSeen is what the CronJob controller reads of one of its Jobs: a
// change of it is a change of the CronJob's inputs.
type cronSeen struct {
	exists, started, completed bool
	finished                   JobConditionType
	start, completion          time.Duration
}

func cronSeenOf(j *job) cronSeen {
	st := &j.status
	v := cronSeen{exists: !j.gone, started: st.started, completed: st.completed, finished: st.finishedAs()}
	if v.started {
		v.start = st.startTime
	}
	if v.completed {
		v.completion = st.completionTime
	}
	return v
}

// cronStep is one deletion or event of a plan.
type cronStep struct {
	del     *job // a Job to delete (background propagation), then SuccessfulDelete
	typ     EventType
	reason  string
	message string
	related string
}

// The rate limiter of the controller's work queue
// (DefaultTypedControllerRateLimiter): 5 ms doubling per failure, up to
// 1000 s. (Its overall bucket, 10 per second with a burst of 100, is not
// modelled: a simulation's failed syncs never come that fast.)
const (
	cronRetryInitial = 5 * time.Millisecond
	cronRetryMax     = 1000 * time.Second
)

func (c *Cluster) fireCronNow(arg uint64) {
	cj := c.cronJobs[arg]
	if cj.gone || c.cronDown {
		return
	}
	c.syncCronJob(cj)
}

func (c *Cluster) fireCronLater(arg uint64) {
	cj := c.cronJobs[arg]
	if cj.gone || c.cronDown || cj.nowTimer.Pending() {
		return // the pending Add syncs it
	}
	c.syncCronJob(cj)
}

// cronEnqueue is queue.Add: a sync at once, unless one is pending.
func (c *Cluster) cronEnqueue(cj *cronJob) {
	if cj.gone || c.cronDown || cj.nowTimer.Pending() {
		return
	}
	cj.nowTimer = c.eng.AtElapsed(c.eng.Elapsed(), classController, c.onCronNow, cj.seq)
}

// cronEnqueueAfter is queue.AddAfter: a sync after d, keeping an earlier
// one if pending. d ≤ 0 is an Add.
func (c *Cluster) cronEnqueueAfter(cj *cronJob, d time.Duration) {
	if d <= 0 {
		c.cronEnqueue(cj)
		return
	}
	if cj.gone || c.cronDown {
		return
	}
	at := c.eng.Elapsed() + d
	if cj.laterTimer.Pending() {
		if cj.laterAt <= at {
			return
		}
		cj.laterTimer.Stop()
	}
	cj.laterAt = at
	cj.laterTimer = c.eng.AtElapsed(at, classController, c.onCronLater, cj.seq)
}

// ownerSees is the CronJob controller's Job event handler: the creation,
// a change or the deletion of a Job a CronJob owns syncs the CronJob.
func (c *Cluster) ownerSees(j *job) {
	if o := j.owner; o != nil {
		if v := cronSeenOf(j); v != j.cronSeen {
			j.cronSeen = v
			o.inputs++
		}
		c.cronEnqueue(o)
	}
}

// syncCronJob is one sync of the controller (sync, cleanupFinishedJobs,
// syncCronJob), then the work queue's reaction to its result.
func (c *Cluster) syncCronJob(cj *cronJob) {
	if c.quietFor(cj) {
		return
	}
	pl := c.decideCronJob(cj)
	failed := c.applyCronJob(pl)
	cj.quiet = cronQuiet{}
	if !failed && len(pl.steps) == 0 && pl.create.IsZero() && pl.adopt == nil && !pl.wrote && pl.quietUntil > 0 && !c.noShortcuts {
		cj.quiet = cronQuiet{ok: true, inputs: cj.inputs, gen: cj.gen, recording: pl.recording, until: pl.quietUntil,
			requeue: pl.hasRequeue, requeueAt: c.eng.Elapsed() + pl.requeue}
	}
	switch {
	case failed:
		d := doubled(cronRetryInitial, cronRetryMax, cj.failures+1)
		cj.failures++
		c.cronEnqueueAfter(cj, d)
	case pl.hasRequeue:
		cj.failures = 0
		c.cronEnqueueAfter(cj, pl.requeue)
	default:
		cj.failures = 0
	}
}

// quietFor reports whether a sync of cj now would change nothing, as the
// last one did: nothing it reads has changed since, no scheduled time has
// come, and the requeue it would ask for is pending. Skipping it changes
// nothing either, but the time it takes.
func (c *Cluster) quietFor(cj *cronJob) bool {
	q := &cj.quiet
	return q.ok && q.inputs == cj.inputs && q.gen == cj.gen && q.recording == c.recording() && c.eng.Elapsed() < q.until &&
		(!q.requeue || cj.laterTimer.Pending() && cj.laterAt <= q.requeueAt)
}

// decideCronJob reads the CronJob and its Jobs at this instant and plans
// the sync. It changes nothing.
func (c *Cluster) decideCronJob(cj *cronJob) *cronPlan {
	pl := &c.cronScratch
	*pl = cronPlan{cj: cj, now: c.eng.Now().UTC(), steps: pl.steps[:0], active: append(pl.active[:0], cj.active...),
		lastSchedule: cj.lastSchedule, lastSuccessful: cj.lastSuccessful, recording: c.recording(),
		done: pl.done[:0], failed: pl.failed[:0], missing: pl.missing[:0], finished: pl.finished[:0]}
	jobs := cj.children // the snapshot the sync works on: deletions below do not change it
	c.planCleanup(pl, jobs)
	c.planReconcile(pl, jobs)
	c.planSchedule(pl)
	return pl
}

// planCleanup deletes the oldest finished Jobs beyond the history limits
// (cleanupFinishedJobs, removeOldestJobs): completed ones first, then
// failed ones, each list oldest startTime first.
func (c *Cluster) planCleanup(pl *cronPlan, jobs []*job) {
	s := &pl.cj.meta.Spec
	done, failed := pl.done, pl.failed
	for _, j := range jobs {
		how := j.status.finishedAs()
		switch how {
		case JobComplete:
			done = append(done, j)
		case JobFailed:
			failed = append(failed, j)
		}
		pl.finished = append(pl.finished, how)
	}
	for _, list := range []struct {
		jobs  []*job
		limit *int
	}{{done, s.SuccessfulJobsHistoryLimit}, {failed, s.FailedJobsHistoryLimit}} {
		if list.limit == nil || len(list.jobs) <= *list.limit {
			continue
		}
		slices.SortStableFunc(list.jobs, c.byJobStartTime)
		for _, j := range list.jobs[:len(list.jobs)-*list.limit] {
			pl.deleteJob(j)
		}
	}
	pl.done, pl.failed = done, failed
}

// byJobStartTime orders Jobs by status.startTime as the API stores it,
// unset last, then by name (byJobStartTime).
func (c *Cluster) byJobStartTime(a, b *job) int {
	as, bs := a.status.started, b.status.started
	switch {
	case !as && bs:
		return 1
	case as && !bs:
		return -1
	case as && bs:
		if ta, tb := c.stamp(a.status.startTime), c.stamp(b.status.startTime); ta != tb {
			return compareDuration(ta, tb)
		}
	}
	switch {
	case a.name < b.name:
		return -1
	case a.name > b.name:
		return 1
	}
	return 0
}

func compareDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deleteJob plans deleting j and removing it from status.active
// (deleteJob).
func (pl *cronPlan) deleteJob(j *job) {
	st := cronStep{del: j, typ: EventNormal, reason: ReasonSuccessfulDelete, related: j.name}
	if pl.recording {
		st.message = "Deleted job " + j.name
	}
	pl.steps = append(pl.steps, st)
	pl.removeActive(j)
}

func (pl *cronPlan) removeActive(j *job) {
	pl.active = slices.DeleteFunc(pl.active, func(x *job) bool { return x == j })
}

func (pl *cronPlan) event(typ EventType, reason, message, related string) {
	pl.steps = append(pl.steps, cronStep{typ: typ, reason: reason, message: message, related: related})
}

// planReconcile compares the Jobs with status.active (the first part of
// syncCronJob): a finished Job leaves it (SawCompletedJob) and a completed
// one may advance lastSuccessfulTime; an unfinished Job not in it is
// reported (UnexpectedJob); an active Job that no longer exists leaves it
// (MissingJob). It follows planCleanup, whose record of the finished
// Jobs it reads.
func (c *Cluster) planReconcile(pl *cronPlan, jobs []*job) {
	// The latest completion among the completed Jobs, as the API stores
	// it (to the second), since the epoch: the latest time is that of the
	// latest duration, made once.
	var latest time.Duration
	completed := false
	for i, j := range jobs {
		found := slices.Contains(pl.active, j)
		finished := pl.finished[i] != ""
		switch {
		case !found && !finished:
			pl.event(EventWarning, ReasonUnexpectedJob, "Saw a job that the controller did not create or forgot: "+j.name, j.name)
		case finished:
			if found {
				pl.removeActive(j)
				var msg string
				if pl.recording {
					msg = "Saw completed job: " + j.name + ", condition: " + string(finishedCondition(&j.status))
				}
				pl.event(EventNormal, ReasonSawCompletedJob, msg, j.name)
			}
			if pl.finished[i] == JobComplete && j.status.completed {
				if d := c.stamp(j.status.completionTime); !completed || d > latest {
					latest, completed = d, true
				}
			}
		}
	}
	if completed {
		if at := c.eng.Epoch().Add(latest).UTC(); pl.lastSuccessful.IsZero() || at.After(pl.lastSuccessful) {
			pl.lastSuccessful = at
		}
	}
	for _, j := range pl.active {
		if !slices.Contains(jobs, j) {
			pl.missing = append(pl.missing, j)
		}
	}
	for _, j := range pl.missing {
		pl.event(EventNormal, ReasonMissingJob, "Active job went missing: "+j.name, j.name)
		pl.removeActive(j)
	}
}

// finishedCondition is the type of the job's first true Complete or
// Failed condition (jobutil.FinishedCondition).
func finishedCondition(st *jobStatus) JobConditionType {
	for _, cond := range st.conditions {
		if (cond.Type == JobComplete || cond.Type == JobFailed) && cond.Status == ConditionTrue {
			return cond.Type
		}
	}
	return ""
}

// planSchedule is the rest of syncCronJob: unless suspended, find the most
// recent unmet scheduled time and start a Job for it, as the starting
// deadline and the concurrency policy allow; then requeue at the next
// scheduled time.
func (c *Cluster) planSchedule(pl *cronPlan) {
	cj := pl.cj
	s := &cj.meta.Spec
	if s.Suspend {
		pl.quietUntil = math.MaxInt64
		return // no requeue: an update resumes it
	}
	now := pl.now
	earliest := cj.created
	if !pl.lastSchedule.IsZero() {
		earliest = pl.lastSchedule
	}
	sc := mostRecentScheduleTime(earliest, s.StartingDeadline, now, &cj.next, true)
	requeue := func() {
		last := cj.created
		if !pl.lastSchedule.IsZero() {
			last = pl.lastSchedule
		}
		if last.Equal(earliest) && s.StartingDeadline == nil {
			// The scan nextScheduleTimeDuration makes is the one above.
			pl.requeue, pl.hasRequeue = nextScheduleAfterScan(sc, now, &cj.next), true
			return
		}
		pl.requeue, pl.hasRequeue = nextScheduleTimeDuration(last, s.StartingDeadline, now, &cj.next), true
	}
	if sc.recent.IsZero() || sc.recent.After(now) {
		if sc.err != nil {
			pl.event(EventWarning, ReasonInvalidSchedule, "invalid schedule: "+s.Schedule+" : "+sc.err.Error(), "")
			return
		}
		requeue()
		if s.StartingDeadline == nil && sc.t1.After(now) {
			// With a starting deadline, the scan starts from the clock.
			pl.quietUntil = sc.t1.Sub(c.eng.Epoch())
		}
		return
	}
	if sc.missed == manyMissed {
		pl.event(EventWarning, ReasonTooManyMissedTimes, "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew", "")
		pl.tooManyMissed = true
	}
	scheduled := sc.recent
	if d := s.StartingDeadline; d != nil && scheduled.Add(*d).Before(now) {
		// Unreachable as upstream computes it: the scan above starts at
		// now minus the deadline. Kept, as upstream keeps it.
		pl.event(EventWarning, ReasonMissSchedule, "Missed scheduled time to start a job: "+scheduled.UTC().Format(time.RFC1123Z), "")
		requeue()
		return
	}
	name := cronJobName(cj.name, scheduled)
	if slices.ContainsFunc(pl.active, func(j *job) bool { return j.name == name }) || pl.lastSchedule.Equal(scheduled) {
		requeue()
		return
	}
	if s.ConcurrencyPolicy == ForbidConcurrent && len(pl.active) > 0 {
		pl.event(EventNormal, ReasonJobAlreadyActive, "Not starting job because prior execution is running and concurrency policy is Forbid", "")
		cj.noteForbidden(scheduled)
		requeue()
		return
	}
	if s.ConcurrencyPolicy == ReplaceConcurrent {
		for len(pl.active) > 0 {
			pl.deleteJob(pl.active[0])
		}
	}
	if old := c.jobKeys[objectKey{cj.ns, name}]; old != nil {
		// AlreadyExists: a Job of another owner is left alone, and so is
		// one of this CronJob already in status.active; neither requeues.
		if old.owner != cj || slices.Contains(pl.active, old) {
			return
		}
		pl.adopt = old
	} else {
		pl.create, pl.createName = scheduled, name
	}
	pl.lastSchedule = scheduled
	requeue()
}

// cronJobName is a Job's name: the CronJob's and the scheduled time in
// minutes since the Unix epoch (getJobName).
func cronJobName(cronJob string, scheduled time.Time) string {
	var buf [20]byte // the digits, formatted in place: one allocation for the name
	return cronJob + "-" + string(strconv.AppendInt(buf[:0], scheduled.Unix()/60, 10))
}

// applyCronJob performs a plan in upstream's order: the deletions and
// events, the creation, then the status write. It reports whether the
// sync failed (the API server refused the Job), which the work queue
// retries with its rate limiter.
func (c *Cluster) applyCronJob(pl *cronPlan) (failed bool) {
	cj := pl.cj
	for _, st := range pl.steps {
		if j := st.del; j != nil && !j.gone {
			var why string
			if pl.recording {
				why = "Job deleted by CronJob " + cj.name
			}
			c.removeJob(j, why)
		}
		c.cronEvent(cj, st.typ, st.reason, st.message, st.related)
	}
	active := pl.active
	switch {
	case pl.adopt != nil:
		active = append(active, pl.adopt)
		cj.noteCreated(pl.lastSchedule, pl.now, pl.tooManyMissed)
	case !pl.create.IsZero():
		j, err := c.createJob(c.jobFor(cj, pl.create, pl.createName), cj.behavior(), cj)
		if err != nil {
			c.cronEvent(cj, EventWarning, ReasonFailedCreate, "Error creating job: "+err.Error(), "")
			failed = true
			pl.lastSchedule = cj.lastSchedule // the status keeps what it had
			break
		}
		cj.nCreated++
		cj.noteCreated(pl.create, pl.now, pl.tooManyMissed)
		if pl.recording {
			c.cronEvent(cj, EventNormal, ReasonSuccessfulCreate, "Created job "+j.name, j.name)
		}
		active = append(active, j)
	}
	pl.wrote = c.writeCronStatus(cj, active, pl.lastSchedule, pl.lastSuccessful)
	return failed
}

// jobFor is the Job a scheduled time creates (getJobFromTemplate2): the
// template's labels, annotations and spec, the name of the time, and the
// scheduled-timestamp annotation in the CronJob's time zone. name is
// cronJobName's for the time, which the sync has computed already.
//
// Its maps are the CronJob's scratch space, valid until its next call:
// createJob copies what it keeps.
func (c *Cluster) jobFor(cj *cronJob, scheduled time.Time, name string) Job {
	t := &cj.meta.Spec.JobTemplate
	ann := refill(&cj.jobAnnotations, t.Annotations)
	ann[CronJobScheduledTimestampAnnotation] = scheduled.In(cj.loc).Format(time.RFC3339)
	var labels map[string]string
	if len(t.Labels) > 0 {
		labels = refill(&cj.jobLabels, t.Labels)
	}
	return Job{Name: name, Namespace: cj.ns, Labels: labels, Annotations: ann, Spec: t.Spec}
}

// behavior is what the CronJob's Jobs run: the Behavior it was submitted
// with, or its Job template's annotations.
func (cj *cronJob) behavior() Behavior {
	if cj.beh != nil {
		return cj.beh
	}
	return TemplateBehavior(cj.meta.Spec.JobTemplate.Spec.Template)
}

// writeCronStatus writes the CronJob's status if it changed. The write is
// a change to the CronJob, which its own update handler sees: the
// controller syncs it again at once.
func (c *Cluster) writeCronStatus(cj *cronJob, active []*job, lastSchedule, lastSuccessful time.Time) (wrote bool) {
	if slices.Equal(active, cj.active) && lastSchedule.Equal(cj.lastSchedule) && lastSuccessful.Equal(cj.lastSuccessful) {
		return false
	}
	cj.inputs++
	cj.active = append(cj.active[:0], active...)
	cj.lastSchedule, cj.lastSuccessful = lastSchedule, lastSuccessful
	if c.recording() {
		c.cronEvent(cj, EventChange, ReasonStatusUpdated, cj.statusSummary(), "")
	}
	c.cronEnqueue(cj)
	return true
}

func (cj *cronJob) statusSummary() string {
	names := make([]string, len(cj.active))
	for i, j := range cj.active {
		names[i] = j.name
	}
	return fmt.Sprintf("active=%v lastScheduleTime=%s lastSuccessfulTime=%s", names, fmtStatusTime(cj.lastSchedule), fmtStatusTime(cj.lastSuccessful))
}

func fmtStatusTime(t time.Time) string {
	if t.IsZero() {
		return "<unset>"
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *Cluster) cronEvent(cj *cronJob, t EventType, reason, msg, related string) {
	if !c.recording() {
		return
	}
	c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindCronJob, Namespace: cj.ns, Name: cj.name},
		Type: t, Reason: reason, Message: msg, Related: related})
}
