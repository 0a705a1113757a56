package jobsim

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"time"
)

// The Job controller (pkg/controller/job/job_controller.go, v1.35.4). One
// sync follows syncJob step by step; where the real controller rescans
// every pod, this one keeps counts as pods change and looks only at the
// pods that changed (job.cands), so a sync costs what happened since the
// last one.

// syncScratch is reused across syncs so that a sync allocates nothing.
type syncScratch struct {
	succeededAt []time.Duration
	failedAt    []time.Duration
	failedIdx   []int // indexes this sync found failed
	pods        []*pod
	indexes     []int
	delayed     map[int]*pod
	exits       []containerExit
	conds       []PodCondition
	ready       []int
}

// sync is one syncJob call.
type sync struct {
	id          uint64 // numbers the syncs of a cluster
	j           *job
	now         time.Duration // virtual time since the epoch
	at          time.Time     // the same, as a time
	active      int
	ready       int
	terminating int
	succeeded   int // provisional, including pods counted this sync
	failed      int // provisional, including pods counted this sync
	finish      *JobCondition
	backoff     backoffRecord
	heldBack    bool         // the pod-failure backoff held creations back
	failJob     *pod         // the first failed pod matching a FailJob rule
	failJobMsg  string       // its message
	delayed     map[int]*pod // per-index: the failed pod kept for each index
	statusDirty bool         // the status changed before finalizers are removed
	freshStart  bool         // this sync set startTime: it still has it exactly
}

// deadlineStart is the startTime the active deadline is measured from: the
// one read back from the API, to the second, except in the sync that sets
// it, which still holds the exact instant.
func (c *Cluster) deadlineStart(s *sync) time.Duration {
	if s.freshStart {
		return s.j.status.startTime
	}
	return c.stamp(s.j.status.startTime)
}

// enqueue asks for a sync of j after delay, keeping an earlier request if
// one is pending, as the controller's delaying work queue does.
func (c *Cluster) enqueue(j *job, delay time.Duration) {
	if j.gone {
		return
	}
	at := c.eng.Elapsed() + max(delay, 0)
	if j.syncTimer.Pending() && j.syncAt <= at {
		return
	}
	j.syncTimer.Stop()
	j.syncAt = at
	j.syncTimer = c.eng.AtElapsed(at, classController, c.onSync, j.seq)
}

// podChanged is the controller's pod event handler: any change to a pod
// (creation, status, deletion, finalizer removal) syncs its job after the
// batching delay.
func (c *Cluster) podChanged(p *pod) {
	c.enqueue(p.job, c.cfg.SyncDelay)
}

func (c *Cluster) fireSync(arg uint64) {
	j := c.jobs[arg]
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
	c.syncs++
	s := &sync{
		id:          c.syncs,
		j:           j,
		now:         c.eng.Elapsed(),
		at:          c.eng.Now(),
		active:      j.nActive,
		ready:       j.nReady,
		terminating: j.nTerminating,
	}
	newSucceeded, newFailed := c.gatherFinished(s)
	s.succeeded = j.status.succeeded + newSucceeded
	s.failed = j.status.failed + newFailed
	prevStarted, prevStart := j.status.started, j.status.startTime
	if !j.status.started && !j.spec.Suspend {
		j.status.started, j.status.startTime = true, s.now
		s.statusDirty, s.freshStart = true, true
	}
	s.backoff = nextBackoffRecord(j.backoff, c.scratch.succeededAt, c.scratch.failedAt)

	c.decideFinish(s)
	suspendChanged := false
	if s.finish != nil {
		c.deleteActivePods(s)
	} else {
		manageJobCalled := false
		if !j.deleting {
			c.manageJob(s)
			manageJobCalled = true
		}
		if s.heldBack && s.ready > 0 {
			// v1.35.4 writes status.active = 0 while the pod-failure backoff
			// holds creations back; with a Ready pod the API server refuses
			// that write ("cannot set more ready pods than active"), and
			// nothing of this sync is saved. The work queue retries it with
			// its error backoff.
			j.status.started, j.status.startTime = prevStarted, prevStart
			c.forgetNewIndexes(j)
			j.apiRetries++
			c.enqueue(j, apiRetryDelay(j.apiRetries))
			return
		}
		if s.heldBack {
			// With no Ready pod the API server accepts it: status.active
			// reads 0 until the backoff ends, whatever runs meanwhile.
			s.active = 0
		}
		if completionsReached(j.spec.Completions, s.succeeded, s.active) {
			s.finish = newCondition(JobSuccessCriteriaMet, JobReasonCompletionsReached, "Reached expected number of succeeded pods", s.at)
		} else if manageJobCalled {
			suspendChanged = c.updateSuspended(s)
		}
	}
	j.apiRetries = 0
	st := &j.status
	if suspendChanged || s.active != st.active || s.ready != st.ready || s.terminating != st.terminating {
		s.statusDirty = true
	}
	st.active, st.ready, st.terminating = s.active, s.ready, s.terminating
	c.trackStatus(s)
}

// forgetNewIndexes takes back the succeeded and failed indexes the current
// sync found, when its status write is refused: completedIndexes and
// failedIndexes stay as last written, and the next sync finds them again
// in the pods, which keep their finalizers.
func (c *Cluster) forgetNewIndexes(j *job) {
	if !j.indexed() {
		return
	}
	for _, p := range j.cands {
		if p.newIndex {
			j.idx.unmarkSucceeded(p.index)
			p.newIndex = false
		}
	}
	for _, ix := range c.scratch.failedIdx {
		j.idx.failed.remove(ix)
		j.idx.nFailed--
	}
}

// gatherFinished finds the pods finished since they were last counted
// (getNewFinishedPods): succeeded, and failed per isPodFailed, among the
// pods still holding the finalizer. It fills the scratch lists of finish
// times (sorted; ignored failures included, as they feed the backoff) and
// returns how many succeeded and how many failed without a policy ignoring
// them. Along the way: for Indexed jobs the succeeded indexes join the set
// at once (calculateSucceededIndexes) and, with backoffLimitPerIndex, the
// failed ones (calculateFailedIndexes); the first pod matching a FailJob
// rule is noted (getFailJobMessage).
func (c *Cluster) gatherFinished(s *sync) (succeeded, failed int) {
	j := s.j
	sc := &c.scratch
	sc.succeededAt, sc.failedAt, sc.failedIdx = sc.succeededAt[:0], sc.failedAt[:0], sc.failedIdx[:0]
	for _, p := range j.cands {
		isFailed := j.isPodFailed(p)
		var m policyMatch
		if isFailed {
			m = c.policyOf(p)
			if m.Action == ActionFailJob && (s.failJob == nil || p.seq < s.failJob.seq) {
				s.failJob, s.failJobMsg = p, m.FailJobMessage
			}
		}
		if j.indexed() && !j.idx.valid(p.index) {
			continue
		}
		switch {
		case p.phase == PodSucceeded:
			sc.succeededAt = append(sc.succeededAt, c.stamp(p.finishTime()))
			succeeded++
			p.newIndex = j.indexed() && j.idx.markSucceeded(p.index)
			if p.newIndex {
				s.statusDirty = true
			}
		case isFailed:
			sc.failedAt = append(sc.failedAt, c.stamp(p.finishTime()))
			if m.Counts {
				failed++
			}
			if j.perIndex() && !j.idx.succeeded.has(p.index) && indexFailed(m, p.failureCount, *j.spec.BackoffLimitPerIndex) && j.idx.failed.add(p.index) {
				j.idx.nFailed++
				sc.failedIdx = append(sc.failedIdx, p.index)
				s.statusDirty = true
			}
		}
	}
	slices.Sort(sc.succeededAt)
	slices.Sort(sc.failedAt)
	return succeeded, failed
}

// isPodFailed says whether the controller treats p as failed: phase
// Failed, or (unless replacements wait for Failed) being deleted without
// having succeeded.
func (j *job) isPodFailed(p *pod) bool {
	if p.phase == PodFailed {
		return true
	}
	if j.onlyReplaceFailed() {
		return false
	}
	return p.deleting && p.phase != PodSucceeded
}

// decideFinish picks the condition that finishes the job, in the fixed
// order of syncJob: an earlier SuccessCriteriaMet or FailureTarget, then
// the backoff limit, then the active deadline, then (Indexed) the succeeded
// count. A failure decided now is the interim FailureTarget.
func (c *Cluster) decideFinish(s *sync) {
	j, st := s.j, &s.j.status
	if cond := st.condition(JobSuccessCriteriaMet); cond != nil && cond.Status == ConditionTrue {
		s.finish = newCondition(JobSuccessCriteriaMet, cond.Reason, cond.Message, s.at)
	} else if cond := st.condition(JobFailureTarget); cond != nil && cond.Status == ConditionTrue {
		s.finish = newCondition(JobFailed, cond.Reason, cond.Message, s.at)
	}
	if s.finish == nil && s.failJob != nil {
		s.finish = newCondition(JobFailureTarget, JobReasonPodFailurePolicy, s.failJobMsg, s.at)
	}
	if s.finish == nil {
		limit := *j.spec.BackoffLimit
		switch {
		case exceedsBackoffLimit(s.failed, limit) ||
			(j.restartPolicy() == RestartOnFailure && pastBackoffLimitOnFailure(j.restarts, limit)):
			s.finish = newCondition(JobFailureTarget, JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit", s.at)
		case pastActiveDeadline(j.spec.ActiveDeadline, st.started, c.deadlineStart(s), s.now, j.spec.Suspend):
			s.finish = newCondition(JobFailureTarget, JobReasonDeadlineExceeded, "Job was active longer than specified deadline", s.at)
		case j.spec.ActiveDeadline != nil && !j.spec.Suspend && st.started:
			c.enqueue(j, *j.spec.ActiveDeadline-(s.now-c.deadlineStart(s)))
		}
	}
	if !j.indexed() {
		return
	}
	x := j.idx
	s.succeeded = x.nSucceeded
	if j.perIndex() {
		if s.finish == nil {
			switch max := j.spec.MaxFailedIndexes; {
			case max != nil && x.nFailed > *max:
				s.finish = newCondition(JobFailureTarget, JobReasonMaxFailedIndexesExceeded, "Job has exceeded the specified maximal number of failed indexes", s.at)
			case x.nFailed > 0 && x.nFailed+x.nSucceeded >= x.completions:
				s.finish = newCondition(JobFailureTarget, JobReasonFailedIndexes, "Job has failed indexes", s.at)
			}
		}
		s.delayed = c.delayedPods(j)
	}
	if s.finish == nil {
		if rule := matchSuccessPolicy(x.successRules, x.nSucceeded); rule >= 0 {
			s.finish = newCondition(JobSuccessCriteriaMet, JobReasonSuccessPolicy, fmt.Sprintf("Matched rules at index %d", rule), s.at)
		}
	}
}

func newCondition(t JobConditionType, reason, message string, at time.Time) *JobCondition {
	return &JobCondition{Type: t, Status: ConditionTrue, Reason: reason, Message: message,
		LastProbeTime: at, LastTransitionTime: at}
}

// deleteActivePods deletes every active pod of a finishing job, keeping
// their finalizers so that they are counted (deleteActivePods).
func (c *Cluster) deleteActivePods(s *sync) {
	pods := c.activePods(s.j)
	for _, p := range pods {
		c.deleteJobPod(s, p, false)
	}
}

// activePods returns the job's active pods in creation order, in scratch
// space.
func (c *Cluster) activePods(j *job) []*pod {
	ps := c.scratch.pods[:0]
	for _, p := range j.pods {
		if p.active() {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *pod) int { return cmp.Compare(a.seq, b.seq) })
	c.scratch.pods = ps
	return ps
}

// deleteJobPod deletes one active pod during a sync and adjusts the sync's
// counts. removeFinalizer is manageJob's way (deleteJobPods: the pod will
// never be counted); a finishing job keeps the finalizer.
func (c *Cluster) deleteJobPod(s *sync, p *pod, removeFinalizer bool) {
	if removeFinalizer {
		c.removeFinalizer(p)
	}
	if p.ready {
		s.ready--
	}
	s.active--
	s.terminating++
	p.deletedBySync = s.id
	name := ""
	if c.recording() {
		name = p.name()
	}
	c.deletePod(p)
	if c.recording() {
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindJob, Namespace: s.j.ns, Name: s.j.name}, Job: s.j.name,
			Type: EventNormal, Reason: ReasonSuccessfulDelete, Message: "Deleted pod: " + name, Related: name})
	}
}

// updateSuspended keeps the Suspended condition in step with
// spec.suspend and reports whether it changed. Resuming resets startTime.
func (c *Cluster) updateSuspended(s *sync) bool {
	j, st := s.j, &s.j.status
	if j.spec.Suspend {
		if !ensureCondition(st, JobSuspended, ConditionTrue, JobReasonSuspended, "Job suspended", s.at) {
			return false
		}
		c.jobEvent(j, EventNormal, ReasonSuspended, "Job suspended")
		return true
	}
	if !ensureCondition(st, JobSuspended, ConditionFalse, JobReasonResumed, "Job resumed", s.at) {
		return false
	}
	c.jobEvent(j, EventNormal, ReasonResumed, "Job resumed")
	st.started, st.startTime = true, s.now
	return true
}

// ensureCondition sets condition t to status, reason and message, and
// reports whether anything changed (ensureJobConditionStatus). A missing
// condition is added only with a status other than False.
func ensureCondition(st *jobStatus, t JobConditionType, status ConditionStatus, reason, message string, at time.Time) bool {
	if cond := st.condition(t); cond != nil {
		if cond.Status == status && cond.Reason == reason && cond.Message == message {
			return false
		}
		*cond = *newCondition(t, reason, message, at)
		cond.Status = status
		return true
	}
	if status == ConditionFalse {
		return false
	}
	cond := newCondition(t, reason, message, at)
	cond.Status = status
	st.conditions = append(st.conditions, *cond)
	return true
}

// manageJob creates or deletes pods to bring the active count to what the
// job wants (manageJob). It updates s.active, s.ready and s.terminating.
func (c *Cluster) manageJob(s *sync) {
	j := s.j
	if j.spec.Suspend {
		for _, p := range c.removalOrder(j, s.active) {
			c.deleteJobPod(s, p, true)
		}
		return
	}
	want := wantActive(j.spec.Completions, *j.spec.Parallelism, s.succeeded, s.active)
	rm := c.removalOrder(j, max(s.active-want, 0))
	if len(rm) > maxPodCreateDeletePerSync {
		rm = rm[:maxPodCreateDeletePerSync]
	}
	if len(rm) > 0 {
		for _, p := range rm {
			c.deleteJobPod(s, p, true)
		}
		return // deletions take precedence over creations
	}
	terminating := 0
	if j.onlyReplaceFailed() {
		terminating = s.terminating
	}
	diff := want - terminating - s.active
	if diff <= 0 {
		return
	}
	if !j.perIndex() {
		if remaining := remainingBackoff(s.backoff.failuresAfterLastSuccess, s.backoff.lastFailure, s.now); remaining > 0 {
			// v1.35.4's manageJob then reports 0 active pods (see
			// syncJob).
			c.enqueue(j, max(remaining, c.cfg.SyncDelay))
			s.heldBack = true
			return
		}
	}
	diff = min(diff, maxPodCreateDeletePerSync)
	if j.indexed() {
		indexes := c.firstPendingIndexes(j, diff)
		if j.perIndex() {
			var wait time.Duration
			if indexes, wait = c.creatableIndexes(j, indexes, s.delayed, s.now); len(indexes) == 0 {
				if wait > 0 {
					c.enqueue(j, max(wait, c.cfg.SyncDelay))
					s.heldBack = true
				}
				return
			}
		}
		for _, ix := range indexes {
			p := c.createPod(j, ix)
			if d := s.delayed[ix]; d != nil {
				p.failureCount, p.ignoredCount = replacementCounts(c.policyOf(d), d.failureCount, d.ignoredCount)
			}
			s.active++
		}
		return
	}
	for range diff {
		c.createPod(j, -1)
		s.active++
	}
}

// removalOrder returns the active pods a sync deletes when it must delete
// at least n (activePodsForRemoval): for Indexed jobs first every pod
// without a valid index and every duplicate of an index, then the rest in
// controller.ActivePods order.
func (c *Cluster) removalOrder(j *job, n int) []*pod {
	if n <= 0 && (!j.indexed() || j.idx.extra == 0) {
		return nil
	}
	pods := c.activePods(j)
	var rm []*pod
	left := pods
	if j.indexed() {
		rm, left = c.splitIndexExtras(pods, j.idx.completions)
	}
	if len(rm) < n {
		if j.indexed() {
			// Upstream sorts the pods by index, then with sort.Sort, whose
			// order of equal pods depends on that input order only: the same
			// algorithm here leaves them where upstream does.
			sort.Sort(byActivePods{c, left})
		} else {
			slices.SortFunc(left, func(a, b *pod) int {
				switch {
				case deleteBefore(c.rank(a), c.rank(b)):
					return -1
				case deleteBefore(c.rank(b), c.rank(a)):
					return 1
				}
				return 0
			})
		}
		rm = append(rm, left[:n-len(rm)]...)
	}
	return rm
}

// splitIndexExtras separates, from an Indexed job's active pods, those to
// delete regardless of counts (no valid index, or not the best pod of its
// index) from the rest (appendDuplicatedIndexPodsForRemoval).
func (c *Cluster) splitIndexExtras(pods []*pod, completions int) (rm, left []*pod) {
	sorted := slices.Clone(pods)
	slices.SortStableFunc(sorted, func(a, b *pod) int { return a.index - b.index })
	for i := 0; i < len(sorted); {
		k := i + 1
		for k < len(sorted) && sorted[k].index == sorted[i].index {
			k++
		}
		group := sorted[i:k]
		switch ix := group[0].index; {
		case ix < 0 || ix >= completions:
			rm = append(rm, group...)
		case len(group) == 1:
			left = append(left, group[0])
		default:
			sort.Sort(byActivePods{c, group})
			rm = append(rm, group[:len(group)-1]...)
			left = append(left, group[len(group)-1])
		}
		i = k
	}
	return rm, left
}

// rank describes p for activePodsLess, its times as the API stores them.
func (c *Cluster) rank(p *pod) podRank {
	return podRank{
		assigned:   p.bound,
		phase:      p.phase,
		ready:      p.ready,
		readySince: c.stamp(p.readyAt),
		restarts:   p.restarts,
		created:    c.stamp(p.created),
		seq:        p.seq,
	}
}

// trackStatus counts finished pods, removes their finalizers, writes the
// status and adds the final condition when the job may finish
// (trackJobStatusAndRemoveFinalizers).
func (c *Cluster) trackStatus(s *sync) {
	j, st := s.j, &s.j.status
	var pods []*pod
	if j.deleting || s.finish != nil {
		pods = append(c.scratch.pods[:0], j.pods...) // every pod may lose its finalizer
	} else {
		pods = append(c.scratch.pods[:0], j.cands...)
	}
	if j.indexed() {
		// Upstream counts an Indexed job's pods in index order; the order
		// matters when more than maxUncountedPods wait.
		slices.SortFunc(pods, func(a, b *pod) int {
			if a.index != b.index {
				return a.index - b.index
			}
			return cmp.Compare(a.seq, b.seq)
		})
	}
	c.scratch.pods = pods
	failureFinish := s.finish != nil && s.finish.Type != JobSuccessCriteriaMet
	counted, capped := 0, false
	var countedSucceeded, countedFailed int
	for _, p := range pods {
		if !p.finalizer {
			continue
		}
		// A pod this sync deleted was active when the sync looked at it.
		failed := j.isPodFailed(p) && p.deletedBySync != s.id
		if !c.canRemoveFinalizer(s, p, failed) {
			continue
		}
		valid := !j.indexed() || j.idx.valid(p.index)
		switch {
		case p.phase == PodSucceeded:
			switch {
			case !j.indexed():
				countedSucceeded++
				counted++
			case p.newIndex:
				counted++ // a newly succeeded index also takes a place
			}
		case failed || failureFinish:
			if valid && c.policyOf(p).Counts {
				countedFailed++
				counted++
			}
		}
		c.removeFinalizer(p)
		if counted >= maxUncountedPods {
			capped = true
			break
		}
	}
	st.succeeded += countedSucceeded
	st.failed += countedFailed
	if j.indexed() {
		st.succeeded = j.idx.nSucceeded
	}
	if countedSucceeded+countedFailed > 0 {
		s.statusDirty = true
	}
	c.addInterimCondition(s)
	if s.statusDirty {
		j.backoff = s.backoff
	}
	finished := !capped && c.enactFinished(s)
	if s.statusDirty || finished {
		c.statusWritten(j)
	}
	if finished {
		c.recordFinished(j)
	}
}

// canRemoveFinalizer: always when the job is being deleted or finishing,
// or for a succeeded pod; for a failed pod unless per-index backoff keeps
// it until its replacement exists.
func (c *Cluster) canRemoveFinalizer(s *sync, p *pod, failed bool) bool {
	if s.j.deleting || s.finish != nil || p.phase == PodSucceeded {
		return true
	}
	if !failed {
		return false
	}
	return s.delayed == nil || s.delayed[p.index] != p
}

// addInterimCondition records FailureTarget or SuccessCriteriaMet before
// the final condition, and turns s.finish into that final condition.
func (c *Cluster) addInterimCondition(s *sync) {
	st := &s.j.status
	switch {
	case s.finish == nil:
	case s.finish.Type == JobFailureTarget:
		st.conditions = append(st.conditions, *s.finish)
		s.statusDirty = true
		s.finish = newCondition(JobFailed, s.finish.Reason, s.finish.Message, s.at)
	case s.finish.Type == JobSuccessCriteriaMet:
		if st.condition(JobSuccessCriteriaMet) == nil {
			st.conditions = append(st.conditions, *s.finish)
			s.statusDirty = true
		}
		s.finish = newCondition(JobComplete, s.finish.Reason, s.finish.Message, s.at)
	}
}

// enactFinished adds the final Complete or Failed condition once no pod is
// terminating (enactJobFinished), and reports whether it did.
func (c *Cluster) enactFinished(s *sync) bool {
	st := &s.j.status
	if s.finish == nil || s.terminating > 0 {
		return false
	}
	f := s.finish
	ensureCondition(st, f.Type, f.Status, f.Reason, f.Message, s.at)
	if f.Type == JobComplete {
		st.completed, st.completionTime = true, s.now
	}
	return true
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

// The Job controller's work queue retries a failed sync after
// DefaultJobApiBackOff doubled per consecutive failure, up to
// MaxJobApiBackOff.
const (
	apiRetryInitial = time.Second
	apiRetryMax     = time.Minute
)

// apiRetryDelay returns the delay before the n-th retry (n ≥ 1).
func apiRetryDelay(n int) time.Duration { return doubled(apiRetryInitial, apiRetryMax, n) }
