package jobsim

import "fmt"

// The scheduler. The cluster has one node of unlimited capacity, so every
// pending pod is bound in the first scheduling pass after its creation,
// at the same instant.

// nodeName is the name of the cluster's node.
const nodeName = "node-0"

// queueForScheduling adds a new pod to the scheduling queue and makes sure
// a scheduling pass is coming.
func (c *Cluster) queueForScheduling(p *pod) {
	c.schedQueue = append(c.schedQueue, podRef{slot: p.slot, seq: p.seq})
	if !c.schedTimer.Pending() {
		c.schedTimer = c.eng.After(0, classScheduler, c.onSchedule, 0)
	}
}

// fireSchedule is a scheduling pass: it binds every queued pod that still
// waits, in queue order, and the kubelet starts it.
func (c *Cluster) fireSchedule(uint64) {
	queue := c.schedQueue
	for _, ref := range queue {
		p := c.lookup(ref)
		if p == nil || p.bound || p.deleting || p.terminal() {
			continue
		}
		p.bound = true
		if c.recording() {
			c.podEvent(p, EventNormal, "Scheduled", fmt.Sprintf("Successfully assigned %s/%s to %s", p.job.ns, p.name(), nodeName))
		}
		c.startPod(p)
	}
	// Nothing queues pods during a pass, so the buffer can be reused.
	c.schedQueue = queue[:0]
}
