package jobsim

import (
	"fmt"
	"time"
)

// Node faults and the controllers that react to them.
//
// A failed node stops: its kubelet no longer runs its pods nor reports on
// them, so the API keeps showing them as they were. The node lifecycle
// controller notices after nodeMonitorGracePeriod (50 s): the node is no
// longer Ready and gets the node.kubernetes.io/unreachable taints
// (NoSchedule and NoExecute), its pods are marked not Ready, and the taint
// manager evicts each pod when its toleration of the NoExecute taint runs
// out: 300 s for the one the API server gives every pod without its own,
// the pod's own tolerationSeconds otherwise, never if that has none
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
// gracefully. A pod whose PodDisruptionBudget allows no disruption now
// stays; the drain tries again every 5 s until it goes.
func (c *Cluster) DrainNode(name string) error {
	n, err := c.node(name)
	if err != nil {
		return err
	}
	n.cordoned = true
	n.setTaints()
	c.sched.refresh(n)
	c.nodeEvent(n, EventNormal, ReasonNodeNotSchedulable, "Node "+name+" status is now: NodeNotSchedulable")
	n.draining = true
	c.evictForDrain(n)
	return nil
}

// drainRetry is how long kubectl drain waits before it tries again to
// evict the pods a PodDisruptionBudget kept.
const drainRetry = 5 * time.Second

// drainArg marks, in a fault timer's argument, the drain's next try.
const drainArg = 1 << 62

// evictForDrain evicts the pods on n that their budgets let go, and tries
// again in 5 s while some are left.
func (c *Cluster) evictForDrain(n *nodeState) {
	kept := false
	for _, p := range append([]*pod(nil), n.pods...) {
		if p.deleting {
			continue
		}
		if !c.sched.evictionAllowed(p) {
			kept = true
			continue
		}
		c.disrupt(p, DisruptionEvictionAPI)
	}
	n.drainTimer.Stop()
	if kept {
		n.drainTimer = c.eng.AtElapsed(c.eng.Elapsed()+drainRetry, classWorld, c.onFault, uint64(n.idx)|drainArg)
	} else {
		n.draining = false
	}
}

// RecoverNode brings a failed or drained node back: Ready and schedulable,
// its kubelet running again.
func (c *Cluster) RecoverNode(name string) error {
	n, err := c.node(name)
	if err != nil {
		return err
	}
	n.faultTimer.Stop()
	n.drainTimer.Stop()
	n.evictions, n.draining = n.evictions[:0], false
	wasDown := n.down
	n.down, n.ready, n.cordoned = false, true, false
	n.setTaints()
	c.sched.refresh(n)
	// The lifecycle taints are gone: the taint manager plans again for the
	// node's own NoExecute taints, from now.
	for _, p := range n.pods {
		c.scheduleEviction(n, p)
	}
	c.nextEviction(n)
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
	if arg&drainArg != 0 {
		if n := c.sched.nodes[arg&^drainArg]; n.draining && n.cordoned {
			c.evictForDrain(n)
		}
		return
	}
	if arg&evictArg != 0 {
		c.evictDue(c.sched.nodes[arg&^evictArg])
		return
	}
	n := c.sched.nodes[arg]
	if !n.down {
		return
	}
	if n.ready {
		n.ready = false
		n.setTaints()
		c.sched.refresh(n)
		c.nodeEvent(n, EventNormal, ReasonNodeNotReady, "Node "+n.spec.Name+" status is now: NodeNotReady")
		for _, p := range n.pods {
			c.setReady(p, false) // MarkPodsNotReady
			c.podChanged(p)
		}
		for _, p := range n.pods {
			c.scheduleEviction(n, p)
		}
		c.nextEviction(n)
	}
}

// evictArg marks, in a fault timer's argument, the taint manager's next
// eviction on the node.
const evictArg = 1 << 61

// evictDue is the taint manager evicting the pods of n whose toleration
// of its NoExecute taints ran out.
func (c *Cluster) evictDue(n *nodeState) {
	now := c.eng.Elapsed()
	keep := n.evictions[:0]
	for _, e := range n.evictions {
		switch {
		case e.p.node != n || e.p.held == nil || e.p.deleting:
		case e.at <= now:
			c.disrupt(e.p, DisruptionTaintManager)
		default:
			keep = append(keep, e)
		}
	}
	n.evictions = keep
	c.nextEviction(n)
}

// eviction is a pod the taint manager will delete from a tainted node.
type eviction struct {
	at time.Duration
	p  *pod
}

// scheduleEviction plans p's eviction from n, which has NoExecute taints:
// at once if p does not tolerate one of them, else when the shortest
// tolerationSeconds of the tolerations it uses runs out, never if none
// has one (getMinTolerationTime).
func (c *Cluster) scheduleEviction(n *nodeState, p *pod) {
	tols := p.job.tolerations
	wait := time.Duration(-1)
	for i := range n.taints {
		t := &n.taints[i]
		if t.Effect != TaintNoExecute {
			continue
		}
		used := false
		for k := range tols {
			if tl := &tols[k]; tl.ToleratesTaint(t) {
				used = true
				if d := tl.TolerationPeriod; d != nil && (wait < 0 || max(*d, 0) < wait) {
					wait = max(*d, 0)
				}
			}
		}
		if !used {
			wait = 0
			break
		}
	}
	if wait < 0 {
		return
	}
	n.evictions = append(n.evictions, eviction{at: c.eng.Elapsed() + wait, p: p})
}

// nextEviction sets n's timer for its next eviction.
func (c *Cluster) nextEviction(n *nodeState) {
	n.evictTimer.Stop()
	if len(n.evictions) == 0 {
		return
	}
	next := n.evictions[0].at
	for _, e := range n.evictions[1:] {
		next = min(next, e.at)
	}
	n.evictTimer = c.eng.AtElapsed(next, classWorld, c.onFault, uint64(n.idx)|evictArg)
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
