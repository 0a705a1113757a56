package jobsim

import (
	"cmp"
	"slices"
	"time"
)

// Shared snapshots. Pods and JobView copy everything they return, which
// makes them safe to keep and to change, and costly to call after every
// event. SharedPods and SharedJobView return the same snapshots without
// the copying: each pod's is built once and kept until something it
// shows changes, as an informer's cache keeps an object until its next
// update.

// sharedPod is a pod's kept snapshot and what it was built from.
type sharedPod struct {
	key podViewKey
	pod Pod
}

// podViewKey is every part of a pod, and of its job and the cluster, that
// podView reads and that can change while the pod exists: two equal keys
// give equal views. A pod the scheduler found no room for is never kept,
// since its PodScheduled message follows the nodes.
type podViewKey struct {
	gen                 int // the job's generation: its template
	gates               int // scheduling gates left, -1 for none
	phase               PodPhase
	finalizer, bound    bool
	orphaned            bool
	started, deleting   bool
	ready               bool
	node, nominated     *nodeState
	created, startTime  time.Duration
	delAt, delGrace     time.Duration
	readyAt, boundAt    time.Duration
	cStarted, cFinished time.Duration
	endedAt             time.Duration
	disruptedAt         time.Duration
	cstate              containerPhase
	exitCode            int
	exitWhy             string
	disruption          string
	restarts            int
	failureCount        int
	ignoredCount        int
	loop                crashLoop
	last                lastRun
	priority            int32
	preemptNever        bool
	defClass            string
}

func (c *Cluster) podViewKey(p *pod) podViewKey {
	j := p.job
	gates := -1
	if g, ok := j.gated[p.seq]; ok && g != nil {
		gates = len(g)
	}
	return podViewKey{
		gen: j.gen, gates: gates, phase: p.phase, finalizer: p.finalizer, bound: p.bound, orphaned: p.orphaned,
		started: p.started, deleting: p.deleting, ready: p.ready, node: p.node, nominated: p.nominated,
		created: p.created, startTime: p.startTime, delAt: p.delAt, delGrace: p.delGrace,
		readyAt: p.readyAt, boundAt: p.boundAt, cStarted: p.cStarted, cFinished: p.cFinished,
		endedAt: p.endedAt, disruptedAt: p.disruptedAt, cstate: p.cstate, exitCode: p.exitCode,
		exitWhy: p.exitWhy, disruption: p.disruption, restarts: p.restarts,
		failureCount: p.failureCount, ignoredCount: p.ignoredCount, loop: p.loop, last: p.last,
		priority: j.priority, preemptNever: j.preemptNever, defClass: c.sched.defClass,
	}
}

// sharedPodView returns p's kept snapshot, built again if p changed.
func (c *Cluster) sharedPodView(p *pod) *Pod {
	if p.unschedulable {
		p.shared = nil
		v := c.podView(p)
		return &v
	}
	key := c.podViewKey(p)
	old := p.shared
	switch {
	case old != nil && old.key == key:
	case old != nil && old.key.sameMetaAndSpec(key):
		p.shared = &sharedPod{key: key, pod: c.podViewSince(p, &old.pod)}
	default:
		p.shared = &sharedPod{key: key, pod: c.podView(p)}
	}
	return &p.shared.pod
}

// sameMetaAndSpec reports whether two keys of a pod give views with the
// same metadata and spec, nodeName aside: what podViewSince keeps.
func (k podViewKey) sameMetaAndSpec(o podViewKey) bool {
	return k.gen == o.gen && k.gates == o.gates && k.failureCount == o.failureCount && k.ignoredCount == o.ignoredCount &&
		k.priority == o.priority && k.preemptNever == o.preemptNever && k.defClass == o.defClass
}

// podViewSince is podView for a pod whose metadata and spec, nodeName
// aside, are those of its earlier view old: it shares them with old and
// builds only what changes during a pod's life.
func (c *Cluster) podViewSince(p *pod, old *Pod) Pod {
	v := *old
	v.Finalizers = nil
	if p.finalizer {
		v.Finalizers = old.Finalizers
		if len(v.Finalizers) == 0 {
			v.Finalizers = []string{JobTrackingFinalizer}
		}
	}
	v.Orphaned = p.orphaned
	v.DeletionTime, v.DeletionGracePeriod = time.Time{}, 0
	if p.deleting {
		v.DeletionTime = c.eng.Epoch().Add(p.delAt + p.delGrace)
		v.DeletionGracePeriod = p.delGrace
	}
	v.Spec.NodeName = ""
	if p.bound {
		v.Spec.NodeName = p.node.spec.Name
	}
	v.Status = c.podStatusView(p)
	return v
}

// SharedPods appends the job's existing pods to dst, in creation order,
// and returns the extended slice: the snapshots Pods returns, without its
// copying. Each pod's snapshot is built once and kept until something it
// shows changes, so that a call after every event costs little more than
// its loop; a pointer it returns stays valid, showing the pod as it was
// then. Like the objects of an informer's cache, the snapshots are
// read-only: writing into one changes what later calls return. Use Pods
// for snapshots to change.
func (h *JobHandle) SharedPods(dst []*Pod) []*Pod {
	ps := h.j.pods
	if !slices.IsSortedFunc(ps, bySeq) {
		ps = slices.Clone(ps)
		slices.SortFunc(ps, bySeq)
	}
	for _, p := range ps {
		dst = append(dst, h.j.c.sharedPodView(p))
	}
	return dst
}

func bySeq(a, b *pod) int { return cmp.Compare(a.seq, b.seq) }

// SharedJob returns the job as Job does, but the cluster's kept snapshot,
// built again only when the spec changes: read-only, as SharedPods's
// snapshots are.
func (h *JobHandle) SharedJob() *Job {
	j := h.j
	if j.shared == nil || j.sharedGen != j.gen {
		obj := h.Job()
		j.shared, j.sharedGen = &obj, j.gen
	}
	return j.shared
}

// A SharedJobView is a JobView made of kept snapshots: see SharedJob and
// SharedPods. It is read-only.
type SharedJobView struct {
	Job    *Job
	Status JobStatus
	Pods   []*Pod
}

// SharedJobView is JobView without the copying: the job and its pods are
// the cluster's kept snapshots, appended to pods[:0], and the status is a
// fresh copy.
func (c *Cluster) SharedJobView(ns, name string, pods []*Pod) (SharedJobView, bool) {
	h := c.lookupJob(ns, name)
	if h == nil {
		return SharedJobView{}, false
	}
	return SharedJobView{Job: h.SharedJob(), Status: h.Status(), Pods: h.SharedPods(pods[:0])}, true
}
