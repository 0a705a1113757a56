package jobsim

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// The Job controller (pkg/controller/job/job_controller.go, v1.34.4 to
// v1.37.2; where they differ, the cluster's profile decides). One
// sync follows syncJob step by step; where the real controller rescans
// every pod, this one keeps counts as pods change and looks only at the
// pods that changed (job.cands), so a sync costs what happened since the
// last one.

// A sync decides, then applies. decide reads the job's records as they
// stand (the view: its spec, its status, its pods and the counts kept of
// them) and fills a plan without changing any of them; apply performs the
// plan. When the API server refuses the status write, apply keeps only
// the plan's requeues, so nothing of the refused sync needs undoing.

func (c *Cluster) fireSync(arg uint64) {
	j := c.jobSlots[arg]
	if j == nil || j.gone {
		return
	}
	c.syncJob(j)
}

// syncJob reconciles one job (syncJob).
func (c *Cluster) syncJob(j *job) {
	if j.external() {
		return
	}
	if j.status.finished() {
		j.backoff = backoffRecord{}
		return
	}
	pl := c.decide(j)
	c.apply(pl)
	pl.marks.reset()
}

// decide is syncJob's reasoning: from the job's records at this instant,
// what the sync does. It changes no record; the one exception is the
// cursor of pending indexes, which it may advance past indexes that are
// not pending, and past those it plans pods for.
func (c *Cluster) decide(j *job) *plan {
	pl := &c.scratch.plan
	pl.start(j, c.eng.Elapsed(), c.eng.Now())
	st := &j.status

	newSucceeded, newFailed, failJob, failJobMsg := c.gatherFinished(pl)
	succeeded := st.succeeded + newSucceeded
	failed := st.failed + newFailed
	if !st.started && !j.spec.Suspend {
		pl.setStart, pl.dirty = true, true
	}
	pl.backoff = nextBackoffRecord(j.backoff, c.scratch.succeededAt, c.scratch.failedAt)

	if n, indexed := c.decideFinish(pl, failed, failJobMsg, failJob != nil); indexed {
		succeeded = n
	}
	var delayed map[int]*pod
	if j.perIndex() {
		delayed = c.delayedPods(pl)
	}
	manageJobCalled := false
	heldBack := false
	switch {
	case pl.finish != nil:
		pl.planDeletes(c.activePods(j))
		pl.keepOnStop = true
	case !j.deleting:
		heldBack = c.manageJob(pl, succeeded, delayed)
		manageJobCalled = true
	}
	if pl.finish == nil {
		if heldBack && c.prof.zeroActiveInBackoff {
			// Up to 1.35, manageJob returns 0 active while the pod-failure
			// backoff holds creations back. With a Ready pod the API
			// server, which validates the controller's status writes
			// (JobManagedBy), refuses that write (docs/fidelity.md).
			if pl.ready > 0 && c.prof.managedBy {
				pl.refused = true
				return pl
			}
			// Otherwise the write is accepted: status.active reads 0
			// until the backoff ends, whatever runs meanwhile.
			pl.active = 0
		}
		if completionsReached(j.spec.Completions, succeeded, pl.active) {
			c.finishWith(pl, JobSuccessCriteriaMet, JobReasonCompletionsReached, "Reached expected number of succeeded pods")
		} else if manageJobCalled {
			pl.suspend = suspendOf(j, st, c.prof.clearStartOnSuspend)
		}
	}
	if pl.suspend != nil || pl.active != st.active || pl.ready != st.ready || pl.terminating != st.terminating {
		pl.dirty = true
	}
	c.decideFinalizers(pl, delayed)
	return pl
}

// apply performs a plan, in syncJob's order.
func (c *Cluster) apply(pl *plan) {
	j := pl.j
	for _, d := range pl.requeue[:pl.nRequeue] {
		c.enqueue(j, d)
	}
	if pl.refused {
		j.apiRetries++
		c.enqueue(j, apiRetryDelay(j.apiRetries))
		return
	}
	j.apiRetries = 0
	if pl.setStart {
		j.status.started, j.status.startTime = true, pl.now
	}
	c.applyPods(pl)
	c.writeStatus(pl)
}

// applyPods records the indexes the sync found, and deletes and creates
// the pods it planned.
func (c *Cluster) applyPods(pl *plan) {
	j := pl.j
	if j.indexed() {
		for _, i := range pl.marks.succList {
			j.idx.markSucceeded(i)
		}
		for _, i := range pl.marks.failList {
			j.idx.failed.Add(i)
			j.idx.nFailed++
		}
	}
	for _, p := range pl.deletes {
		c.deleteJobPod(j, p, !pl.keepOnStop)
	}
	for k, ix := range pl.creates {
		p := c.createPod(j, ix)
		if k < len(pl.inherit) {
			p.failureCount, p.ignoredCount = pl.inherit[k].failures, pl.inherit[k].ignored
		}
	}
	for range pl.createCount {
		c.createPod(j, -1)
	}
}

// writeStatus removes the finalizers the sync planned to and writes the
// status: the Suspended condition, the counts, the interim and final
// conditions, and the backoff record that goes with the write.
func (c *Cluster) writeStatus(pl *plan) {
	j, st := pl.j, &pl.j.status
	if sc := pl.suspend; sc != nil {
		ensureCondition(st, JobSuspended, sc.status, sc.reason, sc.msg, pl.at)
		c.jobEvent(j, EventNormal, sc.event, sc.msg)
		switch {
		case sc.restartClock:
			st.started, st.startTime = true, pl.now
		case sc.clearClock:
			st.started, st.startTime = false, 0
		}
	}
	st.active, st.ready, st.terminating = pl.active, pl.ready, pl.terminating
	if len(pl.verdicts) > 0 {
		pl.j.verdicts = append(pl.j.verdicts, pl.verdicts...) // for Explain (explain_record.go)
	}
	for _, p := range pl.finalizers {
		c.removeFinalizer(p)
	}
	st.succeeded += pl.countSucceeded
	st.failed += pl.countFailed
	if j.indexed() {
		st.succeeded = j.idx.nSucceeded
	}
	if pl.interim != nil {
		if st.conditions == nil {
			// Room for the Complete or Failed condition that follows.
			st.conditions = make([]JobCondition, 0, 2)
		}
		st.conditions = append(st.conditions, *pl.interim)
	}
	if pl.dirty {
		j.backoff = pl.backoff
	}
	finished := pl.final != nil
	if finished {
		f := pl.final
		ensureCondition(st, f.Type, f.Status, f.Reason, f.Message, pl.at)
		if f.Type == JobComplete {
			st.completed, st.completionTime = true, pl.now
		}
	}
	if pl.dirty || finished {
		c.statusWritten(j)
	}
	if finished {
		c.recordFinished(j)
	}
}

// gatherFinished finds the pods finished since they were last counted
// (getNewFinishedPods): succeeded, and failed per isPodFailed, among the
// pods still holding the finalizer. It fills the scratch lists of finish
// times (sorted; ignored failures included, as they feed the backoff) and
// returns how many succeeded and how many failed without a policy ignoring
// them. Along the way: for Indexed jobs the newly succeeded indexes
// (calculateSucceededIndexes) and, with backoffLimitPerIndex, the failed
// ones (calculateFailedIndexes) join the plan's marks; the first pod
// matching a FailJob rule is noted (getFailJobMessage).
func (c *Cluster) gatherFinished(pl *plan) (succeeded, failed int, failJob *pod, failJobMsg string) {
	j := pl.j
	sc := &c.scratch
	m := &pl.marks
	sc.succeededAt, sc.failedAt = sc.succeededAt[:0], sc.failedAt[:0]
	for _, p := range j.cands {
		isFailed := j.isPodFailed(p)
		var match policyMatch
		if isFailed {
			match = c.policyOf(p)
			if match.Action == ActionFailJob && (failJob == nil || p.seq < failJob.seq) {
				failJob, failJobMsg = p, match.FailJobMessage
			}
		}
		if j.indexed() && !j.idx.valid(p.index) {
			continue
		}
		switch {
		case p.phase == PodSucceeded:
			sc.succeededAt = append(sc.succeededAt, c.stamp(p.finishTime()))
			succeeded++
			if j.indexed() && !pl.hasSucceeded(p.index) {
				m.succeeded.Add(p.index)
				m.succList = append(m.succList, p.index)
				if m.markers == nil {
					m.markers = map[int]*pod{}
				}
				m.markers[p.index] = p
				pl.dirty = true
			}
		case isFailed:
			sc.failedAt = append(sc.failedAt, c.stamp(p.finishTime()))
			if match.Counts {
				failed++
			}
			if j.perIndex() && !pl.hasSucceeded(p.index) && !pl.hasFailed(p.index) && indexFailed(match, p.failureCount, *j.spec.BackoffLimitPerIndex) {
				m.failed.Add(p.index)
				m.failList = append(m.failList, p.index)
				pl.dirty = true
			}
		}
	}
	if len(sc.succeededAt) > 1 { // most syncs find none or one
		slices.Sort(sc.succeededAt)
	}
	if len(sc.failedAt) > 1 {
		slices.Sort(sc.failedAt)
	}
	return succeeded, failed, failJob, failJobMsg
}

// decideFinish picks the condition that finishes the job, in the fixed
// order of syncJob: an earlier SuccessCriteriaMet or FailureTarget, then
// a FailJob rule, the backoff limit, the active deadline, then (Indexed)
// the failed and succeeded indexes. A failure decided now is the interim
// FailureTarget. For Indexed jobs it returns the succeeded count the rest
// of the sync uses: the number of succeeded indexes.
func (c *Cluster) decideFinish(pl *plan, failed int, failJobMsg string, failJob bool) (succeeded int, indexed bool) {
	j, st := pl.j, &pl.j.status
	if cond := st.condition(JobSuccessCriteriaMet); cond != nil && cond.Status == ConditionTrue {
		c.finishWith(pl, JobSuccessCriteriaMet, cond.Reason, cond.Message)
	} else if cond := st.condition(JobFailureTarget); cond != nil && cond.Status == ConditionTrue {
		c.finishWith(pl, JobFailed, cond.Reason, cond.Message)
	}
	if pl.finish == nil && failJob {
		c.finishWith(pl, JobFailureTarget, JobReasonPodFailurePolicy, failJobMsg)
	}
	if pl.finish == nil {
		// The deadline runs from startTime as read back from the API, to
		// the second, except in the sync that sets it, which still holds
		// the exact instant.
		start := c.stamp(st.startTime)
		if pl.setStart {
			start = pl.now
		}
		started := st.started || pl.setStart
		limit := *j.spec.BackoffLimit
		switch {
		case exceedsBackoffLimit(failed, limit) ||
			(j.restartPolicy() == RestartOnFailure && pastBackoffLimitOnFailure(j.restarts, limit)):
			c.finishWith(pl, JobFailureTarget, JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit")
		case pastActiveDeadline(j.spec.ActiveDeadline, started, start, pl.now, j.spec.Suspend):
			c.finishWith(pl, JobFailureTarget, JobReasonDeadlineExceeded, "Job was active longer than specified deadline")
		case j.spec.ActiveDeadline != nil && !j.spec.Suspend && started:
			pl.requeueAfter(*j.spec.ActiveDeadline - (pl.now - start))
		}
	}
	if !j.indexed() {
		return 0, false
	}
	x := j.idx
	nSucceeded, nFailed := pl.nSucceeded(), pl.nFailed()
	if j.perIndex() && pl.finish == nil {
		switch max := j.spec.MaxFailedIndexes; {
		case max != nil && nFailed > *max:
			c.finishWith(pl, JobFailureTarget, JobReasonMaxFailedIndexesExceeded, "Job has exceeded the specified maximal number of failed indexes")
		case nFailed > 0 && nFailed+nSucceeded >= x.completions:
			c.finishWith(pl, JobFailureTarget, JobReasonFailedIndexes, "Job has failed indexes")
		}
	}
	if pl.finish == nil {
		if rule := matchSuccessPolicy(x.successRules, c.successRuleHits(pl), nSucceeded); rule >= 0 {
			c.finishWith(pl, JobSuccessCriteriaMet, JobReasonSuccessPolicy, fmt.Sprintf("Matched rules at index %d", rule))
		}
	}
	return nSucceeded, true
}

// successRuleHits counts, per success policy rule, the newly succeeded
// indexes it lists, in scratch space.
func (c *Cluster) successRuleHits(pl *plan) []int {
	rules := pl.j.idx.successRules
	hits := c.scratch.ruleHits[:0]
	for k := range rules {
		n := 0
		if len(pl.marks.succList) > 0 {
			for _, i := range pl.marks.succList {
				if rules[k].lists(i) {
					n++
				}
			}
		}
		hits = append(hits, n)
	}
	c.scratch.ruleHits = hits
	return hits
}

// finishWith sets the condition that finishes pl's job, as newCondition
// makes it at the plan's time, in the scratch space: writeStatus copies
// what it keeps, and a finishing job's syncs allocate nothing for it.
func (c *Cluster) finishWith(pl *plan, t JobConditionType, reason, message string) {
	c.scratch.finishCond = *newCondition(t, reason, message, pl.at)
	pl.finish = &c.scratch.finishCond
}

func newCondition(t JobConditionType, reason, message string, at time.Time) *JobCondition {
	return &JobCondition{Type: t, Status: ConditionTrue, Reason: reason, Message: message,
		LastProbeTime: at, LastTransitionTime: at}
}

// deleteJobPod deletes one active pod of j. dropFinalizer is manageJob's
// way (deleteJobPods: the pod will never be counted); a finishing job
// keeps the finalizer (deleteActivePods).
func (c *Cluster) deleteJobPod(j *job, p *pod, dropFinalizer bool) {
	if dropFinalizer {
		c.removeFinalizer(p)
	}
	name := ""
	if c.recording() {
		name = p.name()
	}
	c.deletePod(p)
	if c.recording() {
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindJob, Namespace: j.ns, Name: j.name}, Job: j.name,
			Type: EventNormal, Reason: ReasonSuccessfulDelete, Message: "Deleted pod: " + name, Related: name})
	}
}

// suspendOf returns the change of the Suspended condition that keeps it in
// step with spec.suspend, or nil. Resuming sets startTime again; with
// clearStart (MutableSchedulingDirectivesForSuspendedJobs, on from 1.36),
// suspending clears it, so that the active deadline starts over on
// resume however long the suspension lasted.
func suspendOf(j *job, st *jobStatus, clearStart bool) *suspendChange {
	if j.spec.Suspend {
		if !conditionChanges(st, JobSuspended, ConditionTrue, JobReasonSuspended, "Job suspended") {
			return nil
		}
		return &suspendChange{status: ConditionTrue, reason: JobReasonSuspended, msg: "Job suspended", event: ReasonSuspended, clearClock: clearStart}
	}
	if !conditionChanges(st, JobSuspended, ConditionFalse, JobReasonResumed, "Job resumed") {
		return nil
	}
	return &suspendChange{status: ConditionFalse, reason: JobReasonResumed, msg: "Job resumed", event: ReasonResumed, restartClock: true}
}

// conditionChanges reports whether ensureCondition would change anything.
func conditionChanges(st *jobStatus, t JobConditionType, status ConditionStatus, reason, message string) bool {
	if cond := st.condition(t); cond != nil {
		return cond.Status != status || cond.Reason != reason || cond.Message != message
	}
	return status != ConditionFalse
}

// ensureCondition sets condition t to status, reason and message
// (ensureJobConditionStatus). A missing condition is added only with a
// status other than False.
func ensureCondition(st *jobStatus, t JobConditionType, status ConditionStatus, reason, message string, at time.Time) {
	if !conditionChanges(st, t, status, reason, message) {
		return
	}
	cond := newCondition(t, reason, message, at)
	cond.Status = status
	if old := st.condition(t); old != nil {
		*old = *cond
		return
	}
	st.conditions = append(st.conditions, *cond)
}

// manageJob plans the creations or deletions that bring the active count
// to what the job wants (manageJob), and the counts they leave. It reports
// whether the pod-failure backoff held creations back.
func (c *Cluster) manageJob(pl *plan, succeeded int, delayed map[int]*pod) (heldBack bool) {
	j := pl.j
	if j.spec.Suspend {
		pl.planDeletes(c.removalOrder(j, pl.active))
		return false
	}
	want := wantActive(j.spec.Completions, *j.spec.Parallelism, succeeded, pl.active)
	rm := c.removalOrder(j, max(pl.active-want, 0))
	if len(rm) > maxPodCreateDeletePerSync {
		rm = rm[:maxPodCreateDeletePerSync]
	}
	if len(rm) > 0 {
		pl.planDeletes(rm)
		return false // deletions take precedence over creations
	}
	terminating := 0
	if j.onlyReplaceFailed() {
		terminating = pl.terminating
	}
	diff := want - terminating - pl.active
	if diff <= 0 {
		return false
	}
	if !j.perIndex() {
		if remaining := remainingBackoff(pl.backoff.failuresAfterLastSuccess, pl.backoff.lastFailure, pl.now); remaining > 0 {
			pl.requeueAfter(max(remaining, c.cfg.SyncDelay))
			return true
		}
	}
	diff = min(diff, maxPodCreateDeletePerSync)
	if !j.indexed() {
		pl.createCount = diff
		pl.active += diff
		return false
	}
	indexes := c.firstPendingIndexes(pl, diff)
	if j.perIndex() {
		var wait time.Duration
		if indexes, wait = c.creatableIndexes(j, indexes, delayed, pl.now); len(indexes) == 0 {
			if wait > 0 {
				pl.requeueAfter(max(wait, c.cfg.SyncDelay))
				return true
			}
			return false
		}
	}
	pl.creates = indexes
	for _, ix := range indexes {
		var r replacement
		if d := delayed[ix]; d != nil {
			r.failures, r.ignored = replacementCounts(c.policyOf(d), d.failureCount, d.ignoredCount)
		}
		pl.inherit = append(pl.inherit, r)
	}
	pl.active += len(indexes)
	return false
}

// decideFinalizers plans the counting of finished pods and the removal
// of their finalizers, and the conditions the status write adds
// (trackJobStatusAndRemoveFinalizers). It looks at the pods as the sync
// found them: a pod this sync deletes was active then, and is not counted
// failed for its deletion.
func (c *Cluster) decideFinalizers(pl *plan, delayed map[int]*pod) {
	j := pl.j
	pods := j.cands // decide changes no record: the list can be read as it is
	if j.deleting || pl.finish != nil {
		pods = j.pods // every pod may lose its finalizer
	}
	if j.indexed() {
		// Upstream counts an Indexed job's pods in index order; the order
		// matters when more than maxUncountedPods wait.
		pods = append(c.scratch.track[:0], pods...)
		slices.SortFunc(pods, func(a, b *pod) int {
			if a.index != b.index {
				return a.index - b.index
			}
			return cmp.Compare(a.seq, b.seq)
		})
		c.scratch.track = pods
	}
	failureFinish := pl.finish != nil && pl.finish.Type != JobSuccessCriteriaMet
	counted := 0
	for _, p := range pods {
		if !p.finalizer {
			continue
		}
		failed := j.isPodFailed(p)
		if !canRemoveFinalizer(pl, p, failed, delayed) {
			continue
		}
		valid := !j.indexed() || j.idx.valid(p.index)
		before := counted
		var m policyMatch
		switch {
		case p.phase == PodSucceeded:
			switch {
			case !j.indexed():
				pl.countSucceeded++
				counted++
			case pl.marks.markers[p.index] == p:
				counted++ // a newly succeeded index also takes a place
			}
		case failed || failureFinish:
			if m = c.policyOf(p); valid && m.Counts {
				pl.countFailed++
				counted++
			}
		}
		if !c.cfg.DiscardEvents && (p.phase == PodSucceeded || failed || failureFinish) {
			pl.verdicts = append(pl.verdicts, c.verdict(pl, p, m, counted > before))
		}
		pl.finalizers = append(pl.finalizers, p)
		if counted >= maxUncountedPods {
			pl.capped = true
			break
		}
	}
	if pl.countSucceeded+pl.countFailed > 0 {
		pl.dirty = true
	}
	pl.decideConditions(&c.scratch.finalCond)
}

// canRemoveFinalizer: always when the job is being deleted or finishing,
// or for a succeeded pod; for a failed pod unless per-index backoff keeps
// it until its replacement exists.
func canRemoveFinalizer(pl *plan, p *pod, failed bool, delayed map[int]*pod) bool {
	if pl.j.deleting || pl.finish != nil || p.phase == PodSucceeded {
		return true
	}
	if !failed {
		return false
	}
	return delayed == nil || delayed[p.index] != p
}

// decideConditions plans the interim FailureTarget or SuccessCriteriaMet
// condition that comes before the final one, and the final Complete or
// Failed condition, added once no pod is terminating (enactJobFinished).
// The final condition is made in final.
func (pl *plan) decideConditions(final *JobCondition) {
	st := &pl.j.status
	f := pl.finish
	switch {
	case f == nil:
		return
	case f.Type == JobFailureTarget:
		pl.interim, pl.dirty = f, true
		*final = *newCondition(JobFailed, f.Reason, f.Message, pl.at)
		f = final
	case f.Type == JobSuccessCriteriaMet:
		if st.condition(JobSuccessCriteriaMet) == nil {
			pl.interim, pl.dirty = f, true
		}
		*final = *newCondition(JobComplete, f.Reason, f.Message, pl.at)
		f = final
	}
	if !pl.capped && pl.terminating == 0 {
		pl.final = f
	}
}

// recordFinished emits the events of a job's end (recordJobFinished) and
// starts its TTL.
func (c *Cluster) recordFinished(j *job) {
	st := &j.status
	if st.isTrue(JobComplete) {
		if j.spec.Completions != nil && st.succeeded > *j.spec.Completions {
			c.jobEvent(j, EventWarning, ReasonTooManySucceededPods, "Too many succeeded pods running after completion count reached")
		}
		c.jobEvent(j, EventNormal, ReasonCompleted, "Job completed")
	} else if f := st.condition(JobFailed); f != nil {
		c.jobEvent(j, EventWarning, f.Reason, f.Message)
	}
	c.jobFinished(j)
}

// statusWritten is the job status update: observers see it, and the
// controller's own update handler syncs the job again after the batching
// delay.
func (c *Cluster) statusWritten(j *job) {
	if c.recording() {
		c.jobEvent(j, EventChange, ReasonStatusUpdated, j.statusSummary())
	}
	c.ownerSees(j)
	if !j.status.finished() {
		c.enqueue(j, c.cfg.SyncDelay)
	}
}

func (j *job) statusSummary() string {
	st := &j.status
	msg := fmt.Sprintf("active=%d ready=%d terminating=%d succeeded=%d failed=%d", st.active, st.ready, st.terminating, st.succeeded, st.failed)
	for _, cond := range st.conditions {
		if cond.Status == ConditionTrue {
			msg += " " + string(cond.Type)
		}
	}
	return msg
}

// firstPendingIndexes returns the n lowest indexes that wait for a pod
// (firstPendingIndexes): not succeeded, not failed, not held by an active
// pod, nor (when replacements wait for Failed) by a terminating one.
func (c *Cluster) firstPendingIndexes(pl *plan, n int) []int {
	x := pl.j.idx
	out := c.scratch.indexes[:0]
	for len(out) < n && len(x.returned) > 0 {
		i := int(x.returned[0])
		if i >= x.next || !pl.pending(i) || (len(out) > 0 && out[len(out)-1] == i) {
			x.returned.pop()
			continue
		}
		// The index stays in the heap until a pod takes it; a pod created
		// for it makes it not pending, and the entry is dropped later.
		x.returned.pop()
		out = append(out, i)
	}
	for len(out) < n && x.next < x.completions {
		if pl.pending(x.next) {
			out = append(out, x.next)
		}
		x.next++
	}
	c.scratch.indexes = out
	return out
}
