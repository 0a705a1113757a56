package jobsim

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Preemption (kube-scheduler's DefaultPreemption): a pod that fits nowhere
// may have lower-priority pods deleted from one node to make room.

// victimSet is the pods a preemption would delete from one node.
type victimSet struct {
	node       *nodeState
	victims    []*pod
	violations int // victims whose PodDisruptionBudget allows no disruption
	// earliest is the earliest status.startTime (to the second) of the
	// victims of the highest priority among them.
	earliest time.Duration
}

// preempt tries to make room for p, the next pod of j. It returns the
// preemption's part of the Unschedulable message: empty when it deleted
// victims (the pod waits for them to go), else why it did not.
func (s *scheduler) preempt(j *job, p *pod) string {
	if j.preemptNever {
		return " preemption: not eligible due to preemptionPolicy=Never."
	}
	if n := p.nominated; n != nil {
		for _, q := range n.pods {
			if q.deleting {
				return " preemption: not eligible due to a terminating pod on the nominated node."
			}
		}
	}
	p.nominated = nil
	lower := s.anyRunningBelow(j.priority)
	if !lower && !s.c.recording() {
		j.lazyPreempt = true // nothing to preempt; the message when asked
		return ""
	}
	j.lazyPreempt = false
	hist := map[string]int{}
	var best *victimSet
	cy := s.newCycle(j, nil)
	for _, n := range s.nodes {
		if _, resolvable := s.filter(cy, n); !resolvable {
			hist[reasonNotHelpful]++
			continue
		}
		var vs *victimSet
		if lower {
			vs = s.victimsOn(n, j)
		}
		if vs == nil {
			hist[reasonNoVictims]++
			continue
		}
		if best == nil || betterVictims(vs, best) {
			best = vs
		}
	}
	if best == nil {
		return fmt.Sprintf(" preemption: 0/%d nodes are available: %s.", len(s.nodes), histogram(hist))
	}
	c := s.c
	p.nominated = best.node
	for _, v := range best.victims {
		if c.recording() {
			c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindPod, Namespace: v.job.ns, Name: v.name()}, Job: v.job.name,
				Type: EventNormal, Reason: ReasonPreempted, Related: p.name(),
				Message: fmt.Sprintf("Preempted by pod %s on node %s", c.uid(kindPod, p.seq), best.node.spec.Name)})
		}
		c.disrupt(v, DisruptionPreemption)
	}
	if c.prof.preemptionPlacement {
		return fmt.Sprintf(" preemption: found a potential placement for pod on node %v, preempting %d victims", best.node.spec.Name, len(best.victims))
	}
	return ""
}

// anyRunningBelow reports whether some bound pod has a priority lower than
// prio.
func (s *scheduler) anyRunningBelow(prio int32) bool {
	for _, q := range s.running {
		if q.prio < prio {
			return true
		}
	}
	return false
}

// prioCounts counts pods per priority, in no particular order: a slice,
// not a map, as a cluster's pods have few priorities.
type prioCounts []prioCount

type prioCount struct {
	prio int32
	n    int
}

// add adds d to the count of prio; a priority whose count falls to zero
// is dropped.
func (pc *prioCounts) add(prio int32, d int) {
	s := *pc
	for i := range s {
		if s[i].prio == prio {
			if s[i].n += d; s[i].n == 0 {
				s[i] = s[len(s)-1]
				*pc = s[:len(s)-1]
			}
			return
		}
	}
	if d != 0 {
		*pc = append(s, prioCount{prio, d})
	}
}

// victimsOn chooses the fewest lower-priority pods to delete from n so
// that j's pod fits (selectVictimsOnNode): remove every lower-priority pod
// that is not already terminating; if the pod then passes the filters,
// put back as many as still let it, the most important first (higher
// priority, then earlier status.startTime, to the second as the API
// stores it; a pod not yet started counts as starting now), those whose
// PodDisruptionBudget allows no disruption before the others. Nil if
// removing them all is not enough.
func (s *scheduler) victimsOn(n *nodeState, j *job) *victimSet {
	gone := map[*pod]bool{}
	var candidates []*pod
	for _, q := range n.pods {
		if q.job.priority < j.priority && !q.deleting {
			candidates = append(candidates, q)
			gone[q] = true
		}
	}
	if len(candidates) == 0 || !s.passes(j, n, gone) {
		return nil
	}
	now := s.c.eng.Elapsed()
	started := func(p *pod) time.Duration {
		if p.started {
			return s.c.stamp(p.startTime)
		}
		return now
	}
	slices.SortStableFunc(candidates, func(a, b *pod) int {
		if a.job.priority != b.job.priority {
			return int(b.job.priority) - int(a.job.priority)
		}
		if sa, sb := started(a), started(b); sa != sb {
			return cmp.Compare(sa, sb)
		}
		return cmp.Compare(a.boundAt, b.boundAt)
	})
	violating, other := s.pdbViolations(candidates)
	vs := &victimSet{node: n}
	for k, group := range [][]*pod{violating, other} {
		for _, q := range group {
			delete(gone, q)
			if s.passes(j, n, gone) {
				continue // reprieved
			}
			gone[q] = true
			vs.victims = append(vs.victims, q)
			if k == 0 {
				vs.violations++
			}
		}
	}
	vs.earliest = earliestOfHighest(vs.victims, started)
	return vs
}

// earliestOfHighest is GetEarliestPodStartTime: the earliest start of
// the victims of the highest priority among them.
func earliestOfHighest(victims []*pod, started func(*pod) time.Duration) time.Duration {
	var prio int32
	var earliest time.Duration
	for i, v := range victims {
		switch t := started(v); {
		case i == 0 || v.job.priority > prio:
			prio, earliest = v.job.priority, t
		case v.job.priority == prio && t < earliest:
			earliest = t
		}
	}
	return earliest
}

// passes reports whether j's pod passes the filters on n once the pods
// in gone are removed. Without pod affinity or spread constraints in
// play, only resources depend on the other pods.
func (s *scheduler) passes(j *job, n *nodeState, gone map[*pod]bool) bool {
	if s.antiPods == 0 && (j.dir == nil || len(j.dir.hard) == 0 && len(j.dir.affinity) == 0 && len(j.dir.anti) == 0) {
		free := make(resVec, len(n.alloc))
		for r := range free {
			free[r] = n.alloc[r] - n.used[r]
		}
		for q := range gone {
			for r, v := range q.held.req {
				free[r] += v
			}
		}
		return fitsFree(free, j.req)
	}
	r, _ := s.check(s.newCycle(j, gone), n)
	return r == ""
}

func fitsFree(free, req resVec) bool {
	for r, q := range req {
		if q > free[r] {
			return false
		}
	}
	return true
}

// betterVictims orders candidate nodes (pickOneNodeForPreemption): the
// fewest PodDisruptionBudget violations, then the lowest highest-priority
// victim, then the lowest sum of priorities, then the fewest victims,
// then the latest start of the highest-priority victims (the earliest of
// them on each node: preempt the work that has run the shortest); ties
// keep the node listed first.
func betterVictims(a, b *victimSet) bool {
	ha, sa := victimPriorities(a)
	hb, sb := victimPriorities(b)
	switch {
	case a.violations != b.violations:
		return a.violations < b.violations
	case ha != hb:
		return ha < hb
	case sa != sb:
		return sa < sb
	case len(a.victims) != len(b.victims):
		return len(a.victims) < len(b.victims)
	case a.earliest != b.earliest:
		return a.earliest > b.earliest
	}
	return false
}

func victimPriorities(vs *victimSet) (highest int32, sum int64) {
	highest = -1 << 31
	for _, v := range vs.victims {
		highest = max(highest, v.job.priority)
		sum += int64(v.job.priority) + 1<<31 // as upstream, so that negative priorities order well
	}
	return highest, sum
}
