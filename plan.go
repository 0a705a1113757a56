package jobsim

import (
	"time"

	"github.com/jobsim/jobsim/internal/bitset"
)

// What one sync of the Job controller decides (see controller.go): the
// plan, and the scratch space it lives in.

// syncScratch is reused across syncs so that a sync allocates nothing.
type syncScratch struct {
	plan        plan
	succeededAt []time.Duration
	failedAt    []time.Duration
	pods        []*pod // active pods, for removals
	indexes     []int
	delayed     map[int]*pod
	exits       []containerExit
	conds       []PodCondition
	ready       []int
	track       []*pod // pods whose finalizer a sync may remove
	ruleHits    []int  // per success rule, new indexes it lists
	// finishCond and finalCond hold the conditions plan.finish and
	// plan.final point to.
	finishCond, finalCond JobCondition
}

// plan is what one sync decided: the whole of syncJob's effect, nothing of
// it done yet. Its slices are scratch space, valid until the next sync.
type plan struct {
	j   *job
	now time.Duration // virtual time since the epoch
	at  time.Time     // the same, as a time

	// refused: the status write this sync makes is refused by the API
	// server (see docs/fidelity.md, "status.active = 0 during the
	// pod-failure backoff"). Only the requeues are kept; the work queue
	// retries the sync with its error backoff.
	refused bool
	// requeue holds the delays after which the sync asked to run again
	// (the active deadline, the pod-failure backoff), in the order asked.
	requeue  [2]time.Duration
	nRequeue int

	setStart bool          // set status.startTime to now
	backoff  backoffRecord // the backoff record once the status is written
	// The indexes of an Indexed job found newly succeeded, and (with
	// backoffLimitPerIndex) failed, by this sync: the decision sees them
	// as written, the records learn them in apply.
	marks indexMarks

	finish *JobCondition // what finishes the job, before the interim step

	deletes     []*pod // active pods to delete, in order
	keepOnStop  bool   // the deleted pods keep their finalizer (a finishing job)
	creates     []int  // Indexed: the indexes to create pods for
	inherit     []replacement
	createCount int // NonIndexed: how many pods to create

	suspend *suspendChange // the Suspended condition to write, if it changes

	active, ready, terminating int // the status counts to write

	finalizers                  []*pod       // pods whose finalizer to remove, in order
	verdicts                    []podVerdict // how those removals count each, for Explain (kept only with the event log)
	countSucceeded, countFailed int          // pods those removals count
	capped                      bool         // more finished pods wait than one sync counts
	interim                     *JobCondition
	final                       *JobCondition // the Complete or Failed condition to come
	dirty                       bool          // the status changed: it is written
}

// start makes pl a new plan for j at now (at, as a time), keeping its
// scratch space: the status counts as they stand, nothing else decided.
// It sets each field, rather than assigning a whole new plan, as the
// controller's hot path wants.
func (pl *plan) start(j *job, now time.Duration, at time.Time) {
	pl.j, pl.now, pl.at = j, now, at
	pl.refused, pl.requeue, pl.nRequeue = false, [2]time.Duration{}, 0
	pl.setStart, pl.backoff = false, backoffRecord{}
	pl.marks.reset()
	pl.finish = nil
	pl.deletes, pl.keepOnStop, pl.creates, pl.inherit, pl.createCount = nil, false, nil, pl.inherit[:0], 0
	pl.suspend = nil
	pl.active, pl.ready, pl.terminating = j.nActive, j.nReady, j.nTerminating
	pl.finalizers, pl.countSucceeded, pl.countFailed, pl.capped = pl.finalizers[:0], 0, 0, false
	pl.verdicts = pl.verdicts[:0]
	pl.interim, pl.final, pl.dirty = nil, nil, false
}

// replacement is what a new pod of an index inherits from the failed pod
// it replaces (backoffLimitPerIndex).
type replacement struct{ failures, ignored int }

// suspendChange is a change of the Suspended condition.
type suspendChange struct {
	status       ConditionStatus
	reason, msg  string
	event        string // the Event's reason
	restartClock bool   // resuming: startTime is set again
	clearClock   bool   // suspending, from 1.36: startTime is cleared
}

// indexMarks holds the indexes one sync found newly succeeded or failed.
type indexMarks struct {
	succeeded, failed  bitset.Set // members of the lists below
	succList, failList []int
	markers            map[int]*pod // the pod whose success is its index's first
}

func (m *indexMarks) reset() {
	for _, i := range m.succList {
		m.succeeded.Remove(i)
	}
	for _, i := range m.failList {
		m.failed.Remove(i)
	}
	m.succList, m.failList = m.succList[:0], m.failList[:0]
	if len(m.markers) > 0 {
		clear(m.markers)
	}
}

// hasSucceeded and hasFailed read an index as the sync sees it: written
// before, or found by the sync.
func (pl *plan) hasSucceeded(i int) bool {
	return pl.j.idx.succeeded.Has(i) || pl.marks.succeeded.Has(i)
}

func (pl *plan) hasFailed(i int) bool {
	return pl.j.idx.failed.Has(i) || pl.marks.failed.Has(i)
}

// nSucceeded and nFailed count the indexes as the sync sees them.
func (pl *plan) nSucceeded() int { return pl.j.idx.nSucceeded + len(pl.marks.succList) }

func (pl *plan) nFailed() int { return pl.j.idx.nFailed + len(pl.marks.failList) }

func (pl *plan) requeueAfter(d time.Duration) {
	pl.requeue[pl.nRequeue] = d
	pl.nRequeue++
}

// planDeletes plans the deletion of pods that lose their finalizer, and
// the counts they leave.
func (pl *plan) planDeletes(pods []*pod) {
	pl.deletes = pods
	for _, p := range pods {
		if p.ready {
			pl.ready--
		}
	}
	pl.active -= len(pods)
	pl.terminating += len(pods)
}

// pending reports whether index i is waiting for a pod, as the sync
// planning pl sees the indexes.
func (pl *plan) pending(i int) bool {
	j := pl.j
	x := j.idx
	if i >= x.completions || pl.hasSucceeded(i) || pl.hasFailed(i) {
		return false
	}
	if i < len(x.active) {
		if x.active[i] > 0 || (j.onlyReplaceFailed() && x.terminating[i] > 0) {
			return false
		}
	}
	return true
}
