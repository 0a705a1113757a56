package jobsim

import (
	"fmt"
	"slices"
	"time"

	"github.com/jobsim/jobsim/internal/bitset"
	"github.com/jobsim/jobsim/internal/heap"
)

// The scheduling queue and passes. Pending pods wait in a FIFO per job:
// the pods of a job share their requests, node selector, node affinity and
// priority, so
// when one fits nowhere the others would not either, and the job is parked
// until capacity frees. The jobs whose next pod waits are ordered by that
// pod's priority, then its creation, which is kube-scheduler's queue order.

// jobQueue is a heap of jobs by their next pending pod.
type jobQueue []*job

// queueBefore orders the queue: higher priority first, then the job whose
// next pending pod is older.
func queueBefore(a, b *job) bool {
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	return a.queue[a.qHead].seq < b.queue[b.qHead].seq
}

func (q *jobQueue) push(j *job) {
	j.inQueue = true
	*q = heap.Push(*q, j, queueBefore)
}

func (q *jobQueue) pop() *job {
	j, rest := heap.Pop(*q, queueBefore)
	*q = rest
	j.inQueue = false
	return j
}

// podRequests is what a pod asks of its node, for every resource its
// containers, init containers or overhead name: podRequest of each, no
// default for what a container leaves out.
func podRequests(s *PodSpec, overhead ResourceList) map[string]int64 {
	sum := map[string]int64{}
	for _, cs := range [][]Container{s.Containers, s.InitContainers} {
		for i := range cs {
			for r := range cs[i].Requests {
				sum[r] = 0
			}
		}
	}
	for r := range overhead {
		sum[r] = 0
	}
	for r := range sum {
		sum[r] = podRequest(s, overhead, r, 0)
	}
	return sum
}

// requestedResources is the resources podRequests has an entry for, in
// order: those the containers, init containers or overhead name. A pod
// that names none costs no allocation.
func requestedResources(s *PodSpec, overhead ResourceList) []string {
	var out []string
	add := func(r string) {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for _, cs := range [][]Container{s.Containers, s.InitContainers} {
		for i := range cs {
			for r := range cs[i].Requests {
				add(r)
			}
		}
	}
	for r := range overhead {
		add(r)
	}
	slices.Sort(out)
	return out
}

// PodRequests returns what the scheduler reserves on a node for a pod
// of spec s (a Pod's Spec, whose Overhead the RuntimeClass admission
// has set): for each resource, the larger of the sum of the containers'
// and sidecars' requests and the largest need of an init container (its
// request plus those of the sidecars listed before it), plus the
// overhead. This is PodRequests of k8s.io/component-helpers/resource,
// which kube-scheduler's NodeResourcesFit uses. The pods resource is not
// included.
func PodRequests(s PodSpec) ResourceList {
	req := podRequests(&s, s.Overhead)
	out := make(ResourceList, len(req))
	for r, v := range req {
		out[r] = v
	}
	return out
}

// nonZeroRequests is the CPU and memory a pod requests for scoring
// (podRequests with the scheduler's defaults for what containers leave
// out, the overhead added).
func nonZeroRequests(s *PodSpec, overhead ResourceList) (cpu, mem int64) {
	return podRequest(s, overhead, ResourceCPU, nonZeroCPU), podRequest(s, overhead, ResourceMemory, nonZeroMemory)
}

// podRequest is what a pod asks of its node of resource r, as PodRequests
// of k8s.io/component-helpers/resource computes it: the containers'
// requests summed; the init containers in order, a sidecar adding its
// request to that sum and to the sidecars' own, an ordinary init
// container needing its request plus the sidecars started before it; the
// larger of the sum and the largest such need; and then the pod's
// overhead added. A container that does not request r counts as
// requesting def (the scheduler's NonMissingContainerRequests, 100m CPU
// and 200Mi memory, when it scores). It allocates nothing.
func podRequest(s *PodSpec, overhead ResourceList, r string, def int64) int64 {
	get := func(c *Container) int64 {
		if v, ok := c.Requests[r]; ok {
			return v
		}
		return def
	}
	var sum, sidecars, need int64
	for i := range s.Containers {
		sum += get(&s.Containers[i])
	}
	for i := range s.InitContainers {
		c := &s.InitContainers[i]
		if c.IsSidecar() {
			sum += get(c)
			sidecars += get(c)
			need = max(need, sidecars)
			continue
		}
		need = max(need, get(c)+sidecars)
	}
	return max(sum, need) + overhead[r]
}

// schedulingInfo fills in what the scheduler needs of a new job: the
// requests, priority and matching node classes of its pods.
func (s *scheduler) schedulingInfo(j *job) {
	// The pods' spec after the RuntimeClass admission (checked by Submit
	// and Update): its overhead, node selector and tolerations.
	j.adm, _ = s.c.admitRuntimeClass(&j.spec.Template.Spec)
	if j.spec.Template.Spec.RuntimeClassName == "" {
		// Without a class the admission changes nothing: the template
		// serves. (An update that changes it calls schedulingInfo again.)
		j.podSpec = &j.spec.Template.Spec
	} else {
		eff := j.spec.Template.Spec
		eff.Overhead, eff.NodeSelector = j.adm.overhead, j.adm.nodeSelector
		if j.adm.tolerations != nil {
			eff.Tolerations = j.adm.tolerations
		}
		j.podSpec = &eff
	}
	tmpl := j.podSpec
	if j.held == nil {
		// The first requests of the job: in its own memory. Later ones
		// (the template's resources changed while suspended) are new,
		// for the pods bound before keep what they hold.
		j.req = append(j.reqBuf[:0], make(resVec, len(s.res))...)
		j.reqBuf = j.req
	} else {
		j.req = make(resVec, len(s.res))
	}
	j.unknownRes = ""
	for _, r := range requestedResources(tmpl, tmpl.Overhead) {
		v := podRequest(tmpl, tmpl.Overhead, r, 0)
		i, ok := s.resIdx[r]
		if !ok {
			// No node has any: the pod fits nowhere, unless the node is
			// the default one, which has room for everything.
			if v > 0 && j.unknownRes == "" && !s.nodes[0].unlimit {
				j.unknownRes = r
			}
			continue
		}
		j.req[i] = v
	}
	j.req[resPods] = 1
	j.scoreCPU, j.scoreMem = nonZeroRequests(tmpl, tmpl.Overhead)
	j.priority, j.preemptNever = s.defPrio, s.defNever
	if name := tmpl.PriorityClassName; name != "" {
		j.priority, j.preemptNever = s.classesOf[name], s.neverPre[name]
	}
	j.labels = nil // computed again from the template when asked
	j.tolerations = withDefaultTolerations(tmpl.Tolerations)
	if j.adm.withDefaults != nil {
		j.tolerations = j.adm.withDefaults
	}
	j.dir = compileDirectives(j)
	held := &j.heldBuf
	if j.held != nil {
		held = new(heldRequests)
	}
	*held = heldRequests{req: j.req, scoreCPU: j.scoreCPU, scoreMem: j.scoreMem,
		anti: j.dir != nil && len(j.dir.anti) > 0, affinity: j.dir.interPod()}
	j.held = held
	j.classes, j.partial = j.classes[:0], nil
	j.filter = newNodeFilter(tmpl)
	_, byHost := tmpl.NodeSelector[LabelHostname]
	if f := j.filter; f != nil && f.namesHost {
		byHost = true
	}
	// The class search when it finds what evaluating every node would:
	// in large clusters (where kube-scheduler too scores a sample), for
	// pods whose only directives are node affinity and tolerations of
	// the nodes' own taints, on nodes none of which has a
	// PreferNoSchedule taint.
	if s.nodes[0].unlimit {
		j.exact = j.dir != nil // one node: evaluating it costs nothing
	} else {
		j.exact = len(s.nodes) <= exactNodes || byHost || s.preferTaints ||
			j.dir != nil && !classSpread(j.dir) && (j.dir.lifecycle || len(j.dir.preferred) > 0 || j.dir.interPod() || len(j.dir.hard)+len(j.dir.soft) > 0)
	}
	if j.exact {
		return
	}
	if classSpread(j.dir) {
		s.trackSpread(j)
	}
	for _, cl := range s.classes {
		if untolerated(cl.nodes[0].spec.Taints, j.tolerations, TaintNoSchedule, TaintNoExecute) != nil {
			continue
		}
		switch f := j.filter; {
		case f == nil:
			if matchesSelector(cl.nodes[0].spec.Labels, tmpl.NodeSelector) {
				j.classes = append(j.classes, cl)
			}
		case !f.byName:
			if f.matches(&cl.nodes[0].spec) {
				j.classes = append(j.classes, cl)
			}
		default:
			if cp, all := f.classPart(cl); all {
				j.classes = append(j.classes, cl)
			} else if cp.only != nil || cp.refused != nil {
				j.partial = append(j.partial, cp)
			}
		}
	}
}

// exactNodes is the size up to which every pod is placed by evaluating
// every node: kube-scheduler's minFeasibleNodesToFind, below which it
// too looks at them all.
const exactNodes = 100

// classPart is the part of a node class that a node affinity naming
// nodes (matchFields) admits: the nodes admitted, when they are fewer
// than those refused, else the slots of those refused.
type classPart struct {
	cl      *nodeClass
	only    []*nodeState
	refused bitset.Set
}

// classPart returns the part of cl that f admits, and whether it is all of
// it. A part with neither only nor refused set is empty.
func (f *nodeFilter) classPart(cl *nodeClass) (classPart, bool) {
	var in, out []*nodeState
	for _, n := range cl.nodes {
		if f.matches(&n.spec) {
			in = append(in, n)
		} else {
			out = append(out, n)
		}
	}
	cp := classPart{cl: cl}
	switch {
	case len(out) == 0:
		return cp, true
	case len(in) == 0:
	case len(in) <= len(out):
		cp.only = in
	default:
		for _, n := range out {
			cp.refused.Add(n.slot)
		}
	}
	return cp, false
}

// best returns the best-scored schedulable node of the part with room for
// req, as nodeClass.best does for the whole class.
func (cp *classPart) best(req resVec) *nodeState {
	if cp.only == nil {
		return cp.cl.best(req, cp.refused)
	}
	var best *nodeState
	for _, n := range cp.only {
		if n.schedulable() && fits(n, req) && (best == nil || n.key > best.key) {
			best = n
		}
	}
	return best
}

// queueForScheduling adds a new pod to its job's queue and makes sure a
// scheduling pass is coming.
func (c *Cluster) queueForScheduling(p *pod) {
	s, j := c.sched, p.job
	p.queuedAt = c.eng.Elapsed()
	j.queue = append(j.queue, podRef{slot: p.slot, seq: p.seq})
	if !j.inQueue && !j.parked {
		s.ready.push(j)
	}
	s.wake(0)
}

// wake makes sure a scheduling pass happens after d.
func (s *scheduler) wake(d time.Duration) {
	at := s.c.eng.Elapsed() + d
	if when, ok := s.timer.When(); ok && when.Sub(s.c.eng.Epoch()) <= at {
		return
	}
	s.timer.Stop()
	s.timer = s.c.eng.AtElapsed(at, classScheduler, s.c.onSchedule, 0)
}

// head returns the first pod of j's queue that still waits, dropping the
// entries of pods that went away or were deleted.
func (c *Cluster) head(j *job) *pod {
	if j.qHead >= 256 && 2*j.qHead >= len(j.queue) {
		// Drop the consumed half, so that a queue which never empties
		// (pods keep coming while others wait) stays as long as the pods
		// waiting, not as long as all the pods ever queued.
		n := copy(j.queue, j.queue[j.qHead:])
		j.queue = j.queue[:n]
		j.marked = max(j.marked-j.qHead, 0)
		j.qHead = 0
	}
	for j.qHead < len(j.queue) {
		if p := c.lookup(j.queue[j.qHead]); p != nil && !p.bound && !p.deleting && !p.terminal() {
			return p
		}
		j.qHead++
	}
	j.queue, j.qHead = j.queue[:0], 0
	return nil
}

// fireSchedule is a scheduling pass.
func (c *Cluster) fireSchedule(uint64) {
	s := c.sched
	now := c.eng.Elapsed()
	var later []*job // jobs whose next pod waits for the scheduling latency
	for len(s.ready) > 0 {
		j := s.ready.pop()
		p := c.head(j)
		if p == nil {
			continue
		}
		if due := p.queuedAt + s.latency; due > now {
			later = append(later, j)
			s.wake(due - now)
			continue
		}
		if n := s.place(j); n != nil {
			j.qHead++
			s.bind(p, n)
			if c.head(j) != nil {
				s.ready.push(j)
			}
			continue
		}
		s.unschedulable(j, p)
	}
	for _, j := range later {
		s.ready.push(j)
	}
	for _, j := range s.parked {
		s.markPending(j) // pods queued behind a head that fits nowhere
	}
}

// place returns the node j's next pod goes to, or nil.
func (s *scheduler) place(j *job) *nodeState {
	if j.exact || s.antiPods > 0 {
		return s.placeExact(j)
	}
	if j.unknownRes != "" {
		return nil
	}
	var best *nodeState
	var bestScore float64
	consider := func(n *nodeState) {
		if n == nil {
			return
		}
		score := s.policy.Score(s.load(n, j.scoreCPU, j.scoreMem))
		if best == nil || score > bestScore || score == bestScore && n.idx < best.idx {
			best, bestScore = n, score
		}
	}
	for _, cl := range j.classes {
		if len(j.spreads) == 0 || s.spreadAllows(j, cl.nodes[0]) {
			consider(cl.best(j.req, nil))
		}
	}
	for i := range j.partial {
		if len(j.spreads) == 0 || s.spreadAllows(j, j.partial[i].cl.nodes[0]) {
			consider(j.partial[i].best(j.req))
		}
	}
	return best
}

// heldRequests is what a pod bound to a node takes there: its job's
// requests and its CPU and memory for scoring, when it was bound. A
// suspended job's template may change its requests (1.36+) while pods
// bound under the old ones still terminate, so each pod gives back what
// it took; a template change makes a new heldRequests.
type heldRequests struct {
	req                resVec
	scoreCPU, scoreMem int64
	// anti and affinity: the pod has required pod anti-affinity, and any
	// pod (anti-)affinity term (see scheduler.antiPods).
	anti, affinity bool
}

// bind binds p to n, and n's kubelet starts it.
func (s *scheduler) bind(p *pod, n *nodeState) {
	c, j := s.c, p.job
	s.account(n)
	p.bound, p.node, p.boundAt = true, n, c.eng.Elapsed()
	p.nodePos = len(n.pods)
	n.pods = append(n.pods, p)
	p.held = j.held
	if len(s.spreads) > 0 {
		s.spreadCounted(p, 1)
	}
	if p.held.anti {
		s.antiPods++
	}
	if p.held.affinity {
		s.affinityPods++
	}
	for r, q := range p.held.req {
		n.used[r] += q
		s.total[r] += q
	}
	s.sample()
	n.scoreCPU += j.scoreCPU
	n.scoreMem += j.scoreMem
	s.refresh(n)
	s.running.add(j.priority, 1)
	p.unschedulable = false
	j.stats.bound(p.boundAt - p.created)
	if c.recording() {
		name := p.name()
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindPod, Namespace: j.ns, Name: name}, Job: j.name, Type: EventNormal,
			Reason: ReasonScheduled, Message: fmt.Sprintf("Successfully assigned %s/%s to %s", j.ns, name, n.spec.Name), Related: n.spec.Name})
	}
	if len(s.parked) > 0 {
		s.assignedPodAdded(p)
	}
	if hasEffect(n.taints, TaintNoExecute) {
		c.scheduleEviction(n, p) // it tolerates them, perhaps for a while
		c.nextEviction(n)
	}
	if !n.down {
		c.startPod(p)
	}
}

// release gives back the room of a bound pod that finished or went away.
func (s *scheduler) release(p *pod) {
	n := p.node
	if p.held == nil {
		return
	}
	j := p.job
	s.account(n)
	if len(s.spreads) > 0 && !p.deleting {
		s.spreadCounted(p, -1)
	}
	last := len(n.pods) - 1
	n.pods[p.nodePos] = n.pods[last]
	n.pods[p.nodePos].nodePos = p.nodePos
	n.pods[last] = nil
	n.pods = n.pods[:last]
	for r, q := range p.held.req {
		n.used[r] -= q
		s.total[r] -= q
	}
	s.sample()
	n.scoreCPU -= p.held.scoreCPU
	n.scoreMem -= p.held.scoreMem
	if p.held.anti {
		s.antiPods--
	}
	if p.held.affinity {
		s.affinityPods--
	}
	p.held = nil
	s.refresh(n)
	s.running.add(j.priority, -1)
	s.capacityFreed()
}

// capacityFreed retries the parked jobs in the next pass.
func (s *scheduler) capacityFreed() {
	if len(s.parked) == 0 {
		return
	}
	for _, j := range s.parked {
		j.parked = false
		if !j.inQueue && s.c.head(j) != nil {
			s.ready.push(j)
		}
	}
	s.parked = s.parked[:0]
	s.wake(0)
}

// assignedPodAdded retries the parked jobs whose pods a newly bound pod
// q may let in, as the queueing hints of kube-scheduler's plugins for an
// assigned pod's addition have them: InterPodAffinity's when q matches
// all the pods' required affinity terms, PodTopologySpread's when q
// matches the selector of one of their hard spread constraints, in their
// namespace. Capacity does not change by a binding, so no other parked
// job can fit now.
func (s *scheduler) assignedPodAdded(q *pod) {
	woken := false
	kept := s.parked[:0]
	for _, j := range s.parked {
		if d := j.dir; d != nil && (len(d.affinity) > 0 && matchesAll(d.affinity, q) || spreadSelects(d.hard, j.ns, q)) {
			j.parked = false
			if !j.inQueue && s.c.head(j) != nil {
				s.ready.push(j)
			}
			woken = true
			continue
		}
		kept = append(kept, j)
	}
	clear(s.parked[len(kept):])
	s.parked = kept
	if woken {
		s.wake(0)
	}
}

// spreadSelects reports whether pod q, in namespace ns, is one some
// constraint of cs counts.
func spreadSelects(cs []spreadConstraint, ns string, q *pod) bool {
	if q.job.ns != ns {
		return false
	}
	for i := range cs {
		if c := &cs[i]; !c.sel.empty() && c.sel.matches(q.label) {
			return true
		}
	}
	return false
}

// unschedulable handles a job whose next pod p fits nowhere: the pod and
// those queued behind it get PodScheduled=False (Unschedulable) with the
// scheduler's message, p may preempt lower-priority pods, and the job is
// parked until capacity frees.
func (s *scheduler) unschedulable(j *job, p *pod) {
	c := s.c
	preempted := s.preempt(j, p)
	if c.recording() {
		msg := s.fitError(j, preempted)
		if msg != j.unschedMsg {
			j.unschedMsg, j.marked = msg, j.qHead
		}
	} else {
		j.unschedMsg = "" // computed when someone looks
	}
	j.parked = true
	s.parked = append(s.parked, j)
	s.markPending(j)
}

// markPending gives every queued pod of a parked job not marked yet its
// Unschedulable condition (and, when recording, a FailedScheduling
// event).
func (s *scheduler) markPending(j *job) {
	c := s.c
	now := c.eng.Elapsed()
	for i := max(j.marked, j.qHead); i < len(j.queue); i++ {
		p := c.lookup(j.queue[i])
		if p == nil || p.bound || p.deleting || p.terminal() {
			continue
		}
		if !p.unschedulable {
			p.unschedulable, p.unschedAt = true, now
		}
		if c.recording() {
			c.podEvent(p, EventWarning, ReasonFailedScheduling, j.unschedMsg)
		}
	}
	j.marked = len(j.queue)
}

// Filter reasons, as kube-scheduler words them.
const (
	reasonUnschedulableNode = "node(s) were unschedulable"
	reasonTaint             = "node(s) had untolerated taint(s)"
	reasonSelector          = "node(s) didn't match Pod's node affinity/selector"
	reasonNoVictims         = "No preemption victims found for incoming pod"
	reasonNotHelpful        = "Preemption is not helpful for scheduling"
)
