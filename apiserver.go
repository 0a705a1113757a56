package jobsim

import (
	"fmt"
	"strings"
)

// The API server's side of pods and jobs: creating and removing pods,
// finalizers, and storing a job's spec change, to which the Job
// controller's update handler reacts.

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
