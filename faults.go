package jobsim

import (
	"fmt"
)

// Node faults and the controllers that react to them.
//
// A failed node stops: its kubelet no longer runs its pods nor reports on
// them, so the API keeps showing them as they were. The node lifecycle
// controller notices after nodeMonitorGracePeriod (50 s): the node is no
// longer Ready, its pods are marked not Ready, and the taint manager evicts
// them when their 300 s toleration of the unreachable taint runs out
// (DisruptionTarget, reason DeletionByTaintManager). Their deletion cannot
// finish while the kubelet is away: they stay terminating until the node
// recovers. A recovered node's kubelet carries on where it stopped, as after
// a network partition: it kills the pods that were deleted meanwhile, and
// the others' runs continue.

// FailNode makes a node fail now (see the package documentation of node
// faults). It returns a *NodeNotFoundError for an unknown node.
func (c *Cluster) FailNode(name string) error {
	n, err := c.node(name)
	if err != nil || n.down {
		return err
	}
	now := c.eng.Elapsed()
	n.down, n.downAt = true, now
	for _, p := range n.pods {
		c.freeze(p)
	}
	c.nodeEvent(n, EventNormal, ReasonNodeFailed, "The node's kubelet stopped responding")
	n.faultTimer.Stop()
	n.faultTimer = c.eng.AtElapsed(now+nodeMonitorGracePeriod, classWorld, c.onFault, uint64(n.idx))
	return nil
}

// DrainNode drains a node as `kubectl drain` does: the node is cordoned
// (no new pods) and every pod on it is evicted through the eviction API
// (DisruptionTarget, reason EvictionByEvictionAPI), terminating
// gracefully.
func (c *Cluster) DrainNode(name string) error {
	n, err := c.node(name)
	if err != nil {
		return err
	}
	n.cordoned = true
	c.sched.refresh(n)
	c.nodeEvent(n, EventNormal, ReasonNodeNotSchedulable, "Node "+name+" status is now: NodeNotSchedulable")
	for _, p := range append([]*pod(nil), n.pods...) {
		c.disrupt(p, DisruptionEvictionAPI)
	}
	return nil
}

// RecoverNode brings a failed or drained node back: Ready and schedulable,
// its kubelet running again.
func (c *Cluster) RecoverNode(name string) error {
	n, err := c.node(name)
	if err != nil {
		return err
	}
	n.faultTimer.Stop()
	wasDown := n.down
	n.down, n.ready, n.cordoned = false, true, false
	c.sched.refresh(n)
	c.nodeEvent(n, EventNormal, ReasonNodeReady, "Node "+name+" status is now: NodeReady")
	if wasDown {
		for _, p := range append([]*pod(nil), n.pods...) {
			c.thaw(p, n)
		}
	}
	c.sched.capacityFreed()
	return nil
}

func (c *Cluster) node(name string) (*nodeState, error) {
	n := c.sched.byName[name]
	if n == nil {
		return nil, &NodeNotFoundError{Name: name}
	}
	return n, nil
}

// NodeNotFoundError is returned by the node operations (FailNode,
// DrainNode, RecoverNode) for a node the cluster does not have.
type NodeNotFoundError struct{ Name string }

// Error formats the error as the API server does.
func (e *NodeNotFoundError) Error() string { return fmt.Sprintf("nodes %q not found", e.Name) }

func (c *Cluster) nodeEvent(n *nodeState, t EventType, reason, msg string) {
	if c.recording() {
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindNode, Name: n.spec.Name}, Type: t, Reason: reason, Message: msg})
	}
}

// fireFault is the node lifecycle controller noticing a failed node, then
// the taint manager evicting its pods.
func (c *Cluster) fireFault(arg uint64) {
	n := c.sched.nodes[arg]
	if !n.down {
		return
	}
	now := c.eng.Elapsed()
	if n.ready {
		n.ready = false
		c.sched.refresh(n)
		c.nodeEvent(n, EventNormal, ReasonNodeNotReady, "Node "+n.spec.Name+" status is now: NodeNotReady")
		for _, p := range n.pods {
			c.setReady(p, false) // MarkPodsNotReady
			c.podChanged(p)
		}
		n.faultTimer = c.eng.AtElapsed(now+notReadyToleration, classWorld, c.onFault, arg)
		return
	}
	for _, p := range append([]*pod(nil), n.pods...) {
		c.disrupt(p, DisruptionTaintManager)
	}
}

// freeze stops the kubelet's work on p; thaw resumes it.
func (c *Cluster) freeze(p *pod) {
	if p.timerKind != timerNone && p.timer.Stop() {
		p.frozen = true
	}
}

func (c *Cluster) thaw(p *pod, n *nodeState) {
	now := c.eng.Elapsed()
	if p.cstate == containerRunning {
		// The process was paused with its node: its run resumes where it
		// stopped.
		p.cStarted += now - n.downAt
	}
	switch {
	case p.deleting && (p.timerKind == timerKill && p.frozen || !p.started):
		// The pod was deleted while the kubelet was away: it stops now, its
		// grace period long gone (or never started).
		if p.cstate == containerRunning && c.recording() {
			c.podEvent(p, EventNormal, ReasonKilling, "Stopping container "+p.job.firstContainer())
		}
		c.setPodTimer(p, timerKill, now)
	case !p.started:
		c.startPod(p)
	case p.frozen:
		c.setPodTimer(p, p.timerKind, max(now, p.timerAt+now-n.downAt))
	case p.deleting:
		c.killPod(p)
	}
}
