package jobsim

import "time"

// The controller's use of the pod failure policy and of per-index backoff:
// the plumbing between pods and the pure decisions of policy.go.

// policyOf returns the pod failure policy's decision for a failed pod p.
// The decision of a terminal pod never changes, so it is computed once.
func (c *Cluster) policyOf(p *pod) policyMatch {
	j := p.job
	if j.spec.PodFailurePolicy == nil {
		return policyMatch{Counts: true}
	}
	if p.matched && p.terminal() {
		return p.match
	}
	m := matchPodFailurePolicy(j.spec.PodFailurePolicy, c.podFailure(p))
	p.match, p.matched = m, p.terminal()
	return m
}

// podFailure describes p for the pod failure policy, as the pod's status
// shows it, in scratch space (matchPodFailurePolicy keeps nothing). Of the
// init containers only the sidecars count: the others always exit 0 in
// jobsim, which no rule matches, while a sidecar stopped at the pod's end
// exits 143 (SIGTERM), which an exit-code rule may match, as upstream's
// matchOnExitCodes reads initContainerStatuses too. The name is only needed for FailJob messages, the conditions
// only by rules on them.
func (c *Cluster) podFailure(p *pod) podFailure {
	j := p.job
	sc := &c.scratch
	f := podFailure{Namespace: j.ns}
	if j.policyFailsJob {
		f.Name = p.name()
	}
	sc.exits = sc.exits[:0]
	for _, ct := range j.spec.Template.Spec.Containers {
		sc.exits = append(sc.exits, containerExit{Name: ct.Name, Terminated: p.cstate == containerExited, ExitCode: p.exitCode})
	}
	f.Containers = sc.exits
	n := len(sc.exits)
	for _, ic := range j.spec.Template.Spec.InitContainers {
		if ic.IsSidecar() {
			code := sidecarExitCode
			if p.exitWhy == ReasonContainerStatusUnknown {
				code = p.exitCode
			}
			sc.exits = append(sc.exits, containerExit{Name: ic.Name, Terminated: p.started && p.terminal(), ExitCode: code})
		}
	}
	f.Containers, f.InitContainers = sc.exits[:n:n], sc.exits[n:]
	if j.policyOnConditions {
		sc.conds = c.appendPodConditions(sc.conds[:0], p)
		f.Conditions = sc.conds
	}
	return f
}

// perIndex reports whether the job uses backoffLimitPerIndex.
func (j *job) perIndex() bool { return j.spec.BackoffLimitPerIndex != nil }

// delayedPods finds, for each index, the failed pod whose finalizer is kept
// until a replacement exists (getPodsWithDelayedDeletionPerIndex): among
// the failed pods still holding the finalizer, of indexes neither
// succeeded, failed nor active, the one with the highest failure count,
// then the latest finish. It fills c.scratch.delayed.
func (c *Cluster) delayedPods(pl *plan) map[int]*pod {
	j := pl.j
	d := c.scratch.delayed
	if d == nil {
		d = map[int]*pod{}
		c.scratch.delayed = d
	}
	clear(d)
	x := j.idx
	for _, p := range j.cands {
		ix := p.index
		if !x.valid(ix) || !j.isPodFailed(p) || pl.hasSucceeded(ix) || pl.hasFailed(ix) || (ix < len(x.active) && x.active[ix] > 0) {
			continue
		}
		q, ok := d[ix]
		if !ok {
			d[ix] = p
			continue
		}
		pf, qf := c.stamp(p.finishTime()), c.stamp(q.finishTime())
		if q.failureCount+q.ignoredCount <= p.failureCount+p.ignoredCount && pf >= qf {
			if q.failureCount+q.ignoredCount == p.failureCount+p.ignoredCount && pf == qf && p.seq < q.seq {
				continue // equal: keep the first (jobsim's deterministic choice)
			}
			d[ix] = p
		}
	}
	return d
}

// indexBackoff returns how long index ix must still wait for a new pod:
// the per-index backoff after its delayed pod's failures (failure count +
// ignored count + 1), measured from that pod's finish time as the API
// stores it.
func (c *Cluster) indexBackoff(delayed *pod, now time.Duration) time.Duration {
	if delayed == nil {
		return 0
	}
	return remainingBackoff(delayed.failureCount+delayed.ignoredCount+1, c.stamp(delayed.finishTime()), now)
}

// creatableIndexes keeps, of the pending indexes chosen for creation, those
// whose per-index backoff has passed (getPodCreationInfoForIndependentIndexes).
// If none has, it returns the shortest remaining wait. Indexes not kept are
// returned to the pending set.
func (c *Cluster) creatableIndexes(j *job, pending []int, delayed map[int]*pod, now time.Duration) ([]int, time.Duration) {
	ready := c.scratch.ready[:0]
	defer func() { c.scratch.ready = ready[:0] }()
	var wait time.Duration
	for _, ix := range pending {
		if w := c.indexBackoff(delayed[ix], now); w == 0 {
			ready = append(ready, ix)
		} else {
			if wait == 0 || w < wait {
				wait = w
			}
			j.idx.returned.push(int32(ix))
		}
	}
	if len(ready) > 0 {
		return ready, 0
	}
	return nil, wait
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
