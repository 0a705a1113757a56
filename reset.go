package jobsim

import (
	"maps"
	"slices"
)

// Reset empties c and starts it again as NewCluster(cfg) would, keeping
// the memory of the run before: the event queue, the pods' storage, the
// jobs' storage (with their pod lists, queues, conditions and the memory
// their specs are copied into), the job
// tables and, when cfg has the same nodes, priority classes and no
// PodDisruptionBudgets, the scheduler's nodes and their indexes. A sweep
// or a property test that runs thousands of small simulations calls it
// between runs instead of making a new cluster each time. Like
// NewCluster, it panics if cfg fails ValidateConfig.
//
// A run after Reset is the run a new cluster would make: the same events,
// names, UIDs and statuses. Everything obtained from c before the call
// (job and CronJob handles, observers, timers of At) belongs to the old
// run and must not be used with the new one; observers are dropped.
func (c *Cluster) Reset(cfg Config) {
	if err := ValidateConfig(cfg); err != nil {
		panic("jobsim: Reset: " + err.Error())
	}
	spareJobs := c.spareJobs
	for _, j := range c.jobs {
		if j != nil {
			*j = j.emptied()
			spareJobs = append(spareJobs, j)
		}
	}
	spare := c.spare
	for _, p := range c.pods {
		if p != nil {
			*p = pod{}
			spare = append(spare, p)
		}
	}
	clear(c.jobKeys)
	clear(c.cronJobKeys)
	*c = Cluster{
		eng:         c.eng,
		jobs:        emptied(c.jobs),
		jobSlots:    emptied(c.jobSlots),
		freeJobs:    c.freeJobs[:0],
		spareJobs:   spareJobs,
		jobKeys:     c.jobKeys,
		cronJobs:    emptied(c.cronJobs),
		cronJobKeys: c.cronJobKeys,
		cronScratch: c.cronScratch,

		pods:     emptied(c.pods),
		freePods: c.freePods[:0],
		spare:    spare,
		finished: c.finished[:0],
		sched:    c.sched,
		events:   emptied(c.events),

		onSync: c.onSync, onKubelet: c.onKubelet, onSchedule: c.onSchedule, onTTL: c.onTTL, onFault: c.onFault,
		onCronNow: c.onCronNow, onCronLater: c.onCronLater,
		scratch:      c.scratch,
		behaviorRand: c.behaviorRand,
		behaviorSrc:  c.behaviorSrc,
	}
	c.start(cfg)
}

// emptied returns s with no elements and its memory cleared, so that
// nothing of the run before stays reachable through it.
func emptied[S ~[]E, E any](s S) S {
	clear(s)
	return s[:0]
}

// reset readies s for a run of cfg and reports whether it could: cfg must
// have the nodes and priority classes s was made with, and neither may
// have PodDisruptionBudgets. Each node is then as newScheduler makes it,
// in the classes and indexes already built.
func (s *scheduler) reset(cfg Config) bool {
	if len(cfg.PodDisruptionBudgets) > 0 || len(s.budgets) > 0 ||
		!slices.Equal(cfg.PriorityClasses, s.from.classes) || !sameNodes(cfg.Nodes, s.from.nodes) {
		return false
	}
	s.rngSrc.Seed(cfg.Seed, schedulerStream)
	for i := range s.total {
		s.total[i] = 0
	}
	*s = scheduler{
		c: s.c, nodes: s.nodes, byName: s.byName, classes: s.classes, res: s.res, resIdx: s.resIdx,
		policy: scoringOf(cfg), latency: cfg.SchedulingLatency,
		classesOf: s.classesOf, neverPre: s.neverPre, defPrio: s.defPrio, defNever: s.defNever, defClass: s.defClass,
		ready: emptied(s.ready), parked: emptied(s.parked), running: s.running[:0],
		preferTaints: s.preferTaints, rng: s.rng, rngSrc: s.rngSrc, treeOrder: s.treeOrder,
		heapIdx: s.heapIdx, feasible: emptied(s.feasible), total64: s.total64, raw64: s.raw64,
		history: emptied(s.history), total: s.total, from: s.from,
	}
	for _, n := range s.nodes {
		for i := range n.used {
			n.used[i], n.usedArea[i] = 0, 0
		}
		*n = nodeState{idx: n.idx, spec: n.spec, alloc: n.alloc, used: n.used, class: n.class, slot: n.slot,
			ready: true, pods: emptied(n.pods), unlimit: n.unlimit, taints: n.taints, evictions: emptied(n.evictions),
			usedArea: n.usedArea}
		n.setTaints()
		s.refresh(n)
	}
	return true
}

// schedulerFrom is what a scheduler was made from, to tell whether a
// Config given to Reset needs a new one.
type schedulerFrom struct {
	nodes   []Node
	classes []PriorityClass
}

// sameNodes reports whether a and b list the same nodes in the same
// order.
func sameNodes(a, b []Node) bool {
	return slices.EqualFunc(a, b, func(x, y Node) bool {
		return x.Name == y.Name && maps.Equal(x.Labels, y.Labels) && maps.Equal(x.Capacity, y.Capacity) &&
			slices.Equal(x.Taints, y.Taints)
	})
}

// cloneNodes returns a deep copy of nodes.
func cloneNodes(nodes []Node) []Node {
	out := slices.Clone(nodes)
	for i, n := range out {
		out[i].Labels, out[i].Capacity, out[i].Taints = maps.Clone(n.Labels), maps.Clone(n.Capacity), slices.Clone(n.Taints)
	}
	return out
}
