package jobsim

import (
	"fmt"
	"slices"
	"time"
)

// The collectors: the pod garbage collector's threshold of finished pods,
// the TTL-after-finished controller, and the garbage collector that takes
// a deleted job's pods with it.

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
	j.ttlTimer = c.eng.At(at, classWorld, c.onTTL, uint64(j.slot))
}

func (c *Cluster) fireTTL(arg uint64) {
	j := c.jobSlots[arg]
	if j == nil || j.gone {
		return
	}
	c.removeJob(j, fmt.Sprintf("Job deleted: ttlSecondsAfterFinished (%d) expired", int64(*j.spec.TTLAfterFinished/time.Second)))
}

// removeJob deletes a job and, through the garbage collector, its pods:
// their finalizers are removed (the controller's orphan handling) and they
// are deleted gracefully; those already finished go at once.
func (c *Cluster) removeJob(j *job, why string) {
	pods := c.dropJob(j, false)
	for _, p := range pods {
		if p.terminal() {
			c.removePod(p)
		} else {
			c.deletePod(p)
		}
	}
	c.jobEvent(j, EventChange, ReasonDeleted, why)
	c.releaseJob(j)
}

// orphanJob removes j from the API, leaving its pods to run on unowned:
// the garbage collector's orphaning, then the Job controller's removal of
// the finalizers of pods without a controller (syncOrphanPod).
func (c *Cluster) orphanJob(j *job) {
	c.dropJob(j, true)
	c.jobEvent(j, EventChange, ReasonDeleted, "Job deleted, its pods orphaned")
	c.releaseJob(j)
}

// dropJob takes j out of the API and its controller's care, and its
// pods' finalizers off; it returns the pods.
func (c *Cluster) dropJob(j *job, orphan bool) []*pod {
	j.gone = true
	c.sched.untrackSpread(j)
	j.syncTimer.Stop()
	j.ttlTimer.Stop()
	j.backoff = backoffRecord{}
	delete(c.jobKeys, objectKey{j.ns, j.name})
	pods := append([]*pod(nil), j.pods...)
	for _, p := range pods {
		was := p.standing()
		p.finalizer = false
		p.orphaned = orphan
		j.account(p, was, p.standing())
	}
	return pods
}

// releaseJob frees what a removed job held.
func (c *Cluster) releaseJob(j *job) {
	c.forgetJob(j)
	if o := j.owner; o != nil {
		o.children = slices.DeleteFunc(o.children, func(x *job) bool { return x == j })
		c.ownerSees(j)
	}
	j.released = true
	c.retire(j)
}
