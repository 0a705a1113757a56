package jobsim

import (
	"fmt"
	"strings"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// The API server's side of pods and jobs: creating and removing objects,
// finalizers, the garbage collector and the TTL-after-finished controller.

// UID kinds, so that a job and a pod never share a UID.
const (
	kindJob uint64 = 1
	kindPod uint64 = 2
)

// createPod creates a pod of j from its template (index -1 for NonIndexed
// jobs), with the tracking finalizer, and queues it for scheduling.
func (c *Cluster) createPod(j *job, index int) *pod {
	p := c.allocPod()
	c.podSeq++
	p.seq = c.podSeq
	p.job = j
	p.candPos = -1
	p.ordinal = j.nextOrdinal
	j.nextOrdinal++
	p.index = index
	p.created = c.eng.Elapsed()
	p.phase = PodPending
	p.finalizer = true
	p.jobPos = int32(len(j.pods))
	j.pods = append(j.pods, p)
	j.account(p, standing{}, p.standing())
	if c.recording() {
		name := p.name()
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindJob, Namespace: j.ns, Name: j.name}, Job: j.name,
			Type: EventNormal, Reason: ReasonSuccessfulCreate, Message: "Created pod: " + name, Related: name})
	}
	c.queueForScheduling(p)
	c.podChanged(p)
	return p
}

func (c *Cluster) allocPod() *pod {
	var p *pod
	if n := len(c.spare); n > 0 {
		p = c.spare[n-1]
		c.spare = c.spare[:n-1]
	} else {
		p = new(pod)
	}
	if n := len(c.freePods); n > 0 {
		p.slot = c.freePods[n-1]
		c.freePods = c.freePods[:n-1]
		c.pods[p.slot] = p
	} else {
		p.slot = int32(len(c.pods))
		c.pods = append(c.pods, p)
	}
	return p
}

// lookup returns the pod ref names, or nil if it is gone.
func (c *Cluster) lookup(ref podRef) *pod {
	if int(ref.slot) >= len(c.pods) {
		return nil
	}
	if p := c.pods[ref.slot]; p != nil && p.seq == ref.seq {
		return p
	}
	return nil
}

// removePod removes p from the API: it no longer exists anywhere.
func (c *Cluster) removePod(p *pod) {
	j := p.job
	p.timer.Stop()
	c.sched.release(p)
	// Only a job's deletion removes a pod that has not finished; it leaves
	// the counts with it.
	j.account(p, p.standing(), standing{})
	last := len(j.pods) - 1
	j.pods[p.jobPos] = j.pods[last]
	j.pods[p.jobPos].jobPos = p.jobPos
	j.pods[last] = nil
	j.pods = j.pods[:last]
	c.pods[p.slot] = nil
	c.freePods = append(c.freePods, p.slot)
	*p = pod{}
	c.spare = append(c.spare, p)
	if !j.gone {
		c.enqueue(j, c.cfg.SyncDelay)
	}
}

// removeFinalizer takes the Job tracking finalizer off p. A pod being
// deleted then goes away once terminal; a finished pod stays (until the
// pod garbage collector's threshold) as finished pods do.
func (c *Cluster) removeFinalizer(p *pod) {
	if !p.finalizer {
		return
	}
	was := p.standing()
	p.finalizer = false
	p.job.account(p, was, p.standing())
	switch {
	case p.terminal() && p.deleting:
		c.removePod(p)
	case p.terminal():
		c.podChanged(p)
		c.keepFinished(p) // may remove p
	default:
		c.podChanged(p)
	}
}

// keepFinished keeps a finished, counted pod until the cluster holds more
// than MaxFinishedPods of them, then removes the oldest.
func (c *Cluster) keepFinished(p *pod) {
	limit := c.cfg.MaxFinishedPods
	if limit == 0 {
		limit = defaultMaxFinishedPods
	}
	if limit < 0 {
		c.removePod(p)
		return
	}
	c.finished = append(c.finished, podRef{slot: p.slot, seq: p.seq})
	for len(c.finished) > limit {
		old := c.lookup(c.finished[0])
		c.finished = c.finished[1:]
		if old != nil && old.terminal() && !old.finalizer {
			c.removePod(old)
		}
	}
}

// finishTime is when the controller considers p finished
// (getFinishedTime): its containers' finish time if all terminated, else
// when it stopped being Ready, else its deletion request, else its
// creation.
func (p *pod) finishTime() time.Duration {
	switch {
	case p.cstate == containerExited:
		return p.cFinished
	case p.started && !p.ready:
		return p.readyAt
	case p.deleting:
		return p.delAt
	}
	return p.created
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

// jobFinished is the moment a job gets its Complete or Failed condition:
// the TTL-after-finished controller starts counting.
func (c *Cluster) jobFinished(j *job) {
	j.syncTimer.Stop()
	c.scheduleTTL(j)
}

// scheduleTTL arms the TTL-after-finished controller for a finished job.
func (c *Cluster) scheduleTTL(j *job) {
	j.ttlTimer.Stop()
	ttl := j.spec.TTLAfterFinished
	if ttl == nil || !j.status.finished() || j.gone {
		return
	}
	var finishedAt time.Time
	for _, cond := range j.status.conditions {
		if (cond.Type == JobComplete || cond.Type == JobFailed) && cond.Status == ConditionTrue {
			finishedAt = cond.LastTransitionTime
		}
	}
	// The TTL controller reads the condition back from the API, to the
	// second.
	at := finishedAt.Truncate(time.Second).Add(*ttl)
	if at.Before(c.eng.Now()) {
		at = c.eng.Now()
	}
	j.ttlTimer = c.eng.At(at, classWorld, c.onTTL, j.seq)
}

func (c *Cluster) fireTTL(arg uint64) {
	j := c.jobs[arg]
	if j == nil || j.gone {
		return
	}
	c.removeJob(j, fmt.Sprintf("Job deleted: ttlSecondsAfterFinished (%d) expired", int64(*j.spec.TTLAfterFinished/time.Second)))
}

// removeJob deletes a job and, through the garbage collector, its pods:
// their finalizers are removed (the controller's orphan handling) and they
// are deleted gracefully; those already finished go at once.
func (c *Cluster) removeJob(j *job, why string) {
	j.gone = true
	j.syncTimer.Stop()
	j.ttlTimer.Stop()
	j.backoff = backoffRecord{}
	delete(c.jobKeys, j.ns+"/"+j.name)
	pods := append([]*pod(nil), j.pods...)
	for _, p := range pods {
		was := p.standing()
		p.finalizer = false
		j.account(p, was, p.standing())
	}
	for _, p := range pods {
		if p.terminal() {
			c.removePod(p)
		} else {
			c.deletePod(p)
		}
	}
	c.jobEvent(j, EventChange, ReasonDeleted, why)
}

// applyUpdate stores a validated spec change and reacts as the Job
// controller's update handler and the TTL controller do.
func (c *Cluster) applyUpdate(j *job, old, next JobSpec) {
	changes := specChanges(old, next)
	if len(changes) == 0 {
		return
	}
	*j.spec = next
	j.gen++
	c.jobEvent(j, EventChange, ReasonSpecUpdated, strings.Join(changes, ", "))
	if j.status.finished() {
		// The controller ignores finished jobs: their status, completed
		// indexes included, stays as it was last written.
		c.scheduleTTL(j)
		return
	}
	if j.indexed() && *next.Completions != j.idx.completions {
		c.resizeIndexes(j)
	}
	c.enqueue(j, 0)
	if j.status.started && next.ActiveDeadline != nil &&
		(old.ActiveDeadline == nil || *old.ActiveDeadline != *next.ActiveDeadline) {
		c.enqueue(j, *next.ActiveDeadline-(c.eng.Elapsed()-c.stamp(j.status.startTime)))
	}
}

// specChanges describes what changed between two specs, for the event.
func specChanges(old, next JobSpec) []string {
	var out []string
	add := func(field string, a, b any) { out = append(out, fmt.Sprintf("%s: %v → %v", field, a, b)) }
	if a, b := fmtPtr(old.Parallelism), fmtPtr(next.Parallelism); a != b {
		add("parallelism", a, b)
	}
	if a, b := fmtPtr(old.Completions), fmtPtr(next.Completions); a != b {
		add("completions", a, b)
	}
	if old.Suspend != next.Suspend {
		add("suspend", old.Suspend, next.Suspend)
	}
	if a, b := fmtPtr(old.ActiveDeadline), fmtPtr(next.ActiveDeadline); a != b {
		add("activeDeadline", a, b)
	}
	if a, b := fmtPtr(old.BackoffLimit), fmtPtr(next.BackoffLimit); a != b {
		add("backoffLimit", a, b)
	}
	if a, b := fmtPtr(old.MaxFailedIndexes), fmtPtr(next.MaxFailedIndexes); a != b {
		add("maxFailedIndexes", a, b)
	}
	if a, b := fmtPtr(old.TTLAfterFinished), fmtPtr(next.TTLAfterFinished); a != b {
		add("ttlAfterFinished", a, b)
	}
	if old.PodReplacementPolicy != next.PodReplacementPolicy {
		add("podReplacementPolicy", old.PodReplacementPolicy, next.PodReplacementPolicy)
	}
	return out
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// resizeIndexes follows a change of an Indexed job's completions (elastic
// Indexed jobs): succeeded indexes at or above the new completions no
// longer count, and the pending indexes are found again.
func (c *Cluster) resizeIndexes(j *job) {
	x := j.idx
	x.reset(j.spec)
	x.next = min(x.next, x.completions)
	x.returned = x.returned[:0]
	for i := 0; i < x.next; i++ {
		x.returned.push(int32(i))
	}
	j.recountActiveIndexes()
	c.enqueue(j, 0)
}

// Small accessors.

func (j *job) firstContainer() string {
	if cs := j.spec.Template.Spec.Containers; len(cs) > 0 {
		return cs[0].Name
	}
	return ""
}

// hash is a stable key of the job for deriving random streams.
func (j *job) hash() uint64 { return sim.Hash(j.ns + "/" + j.name) }

// seed keys the job's pod-name permutation.
func (j *job) seed() uint64 { return sim.Mix(j.c.cfg.Seed, j.hash()) }
