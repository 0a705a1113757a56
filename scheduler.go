package jobsim

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// The scheduler binds pending pods to nodes as kube-scheduler does,
// simplified but not falsified: an active queue ordered by priority then
// creation; filtering by resources, nodeSelector and the node's state;
// scoring by a ScoringPolicy; an Unschedulable condition with the
// scheduler's message for pods that fit nowhere, retried when capacity
// frees; and preemption of lower-priority pods.
//
// Nodes with the same capacity and labels form a class. Each class keeps
// its schedulable nodes in a heap by score and the most free room of each
// resource in a segment tree, so a placement costs O(C·(R + log N)) for C
// classes, R resources and N nodes, unless the best-scored node of a class
// lacks a resource that another node of the class has, when that class is
// scanned.

// ScoringPolicy ranks the nodes a pod fits on: the scheduler binds the pod
// to the node with the highest score (ties go to the node listed first).
// For nodes of equal capacity, the order of the scores must not depend on
// the pod's request, which holds for scores linear in the requested
// amounts such as LeastAllocated and MostAllocated.
type ScoringPolicy interface {
	Score(n NodeLoad) float64
}

// ScoringFunc adapts a function to the ScoringPolicy interface.
type ScoringFunc func(n NodeLoad) float64

// Score returns f(n).
func (f ScoringFunc) Score(n NodeLoad) float64 { return f(n) }

// NodeLoad is what scoring sees of a node: its allocatable CPU (in
// millicores) and memory (in bytes), and what the pods on it request,
// including the pod being placed. As in kube-scheduler, a pod that requests
// no CPU or no memory counts as requesting 100m and 200Mi for scoring.
type NodeLoad struct {
	CPUAllocatable, CPURequested       int64
	MemoryAllocatable, MemoryRequested int64
}

// LeastAllocated favours the nodes with the most room left: the mean of
// the free fractions of CPU and memory, times 100 (kube-scheduler's
// NodeResourcesFit default). It spreads pods across nodes.
var LeastAllocated ScoringPolicy = ScoringFunc(func(n NodeLoad) float64 {
	return (freeFraction(n.CPURequested, n.CPUAllocatable) + freeFraction(n.MemoryRequested, n.MemoryAllocatable)) * 50
})

// MostAllocated favours the fullest nodes that still fit: the mean of the
// used fractions of CPU and memory, times 100. It packs pods onto few
// nodes.
var MostAllocated ScoringPolicy = ScoringFunc(func(n NodeLoad) float64 {
	return (usedFraction(n.CPURequested, n.CPUAllocatable) + usedFraction(n.MemoryRequested, n.MemoryAllocatable)) * 50
})

func freeFraction(requested, allocatable int64) float64 {
	if allocatable <= 0 || requested > allocatable {
		return 0
	}
	return float64(allocatable-requested) / float64(allocatable)
}

func usedFraction(requested, allocatable int64) float64 {
	if allocatable <= 0 {
		return 0
	}
	return float64(min(requested, allocatable)) / float64(allocatable)
}

// Scoring defaults for pods that request no CPU or memory
// (pkg/scheduler/util.GetNonzeroRequests).
const (
	nonZeroCPU    = 100
	nonZeroMemory = 200 << 20
)

// unlimited is the capacity of the default node in every resource.
const unlimited = math.MaxInt64 / 4

// resVec is a quantity per resource, indexed by the scheduler's resource
// numbering: cpu, memory, pods, then the others by name.
type resVec []int64

const (
	resCPU = iota
	resMemory
	resPods
)

// nodeState is the cluster's record of one node.
type nodeState struct {
	idx      int
	spec     Node
	alloc    resVec
	used     resVec // requests of the bound, unfinished pods
	scoreCPU int64  // their CPU and memory requests for scoring (non-zero)
	scoreMem int64
	class    *nodeClass
	slot     int     // position in class.nodes
	key      float64 // score with no pod added: the class heap's order
	heapPos  int
	ready    bool // the Ready condition, as the API shows it
	cordoned bool // spec.unschedulable
	down     bool // its kubelet does not run
	downAt   time.Duration
	pods     []*pod // bound pods that have not finished
	unlimit  bool   // the default node: everything fits

	faultTimer sim.Timer
	// Utilisation: resource-time integrated since the start.
	usedSince time.Duration
	usedArea  []float64
}

func (n *nodeState) schedulable() bool { return n.ready && !n.cordoned }

// nodeClass groups nodes of equal capacity and labels.
type nodeClass struct {
	nodes []*nodeState
	heap  []*nodeState // schedulable nodes, best score first
	seg   []int64      // segment tree of the most free room per resource
	size  int          // leaves in the segment tree
	r     int          // resources per entry
}

// scheduler holds the nodes and the scheduling queue.
type scheduler struct {
	c         *Cluster
	nodes     []*nodeState
	byName    map[string]*nodeState
	classes   []*nodeClass
	res       []string       // resource names, by index
	resIdx    map[string]int // index by name
	policy    ScoringPolicy
	latency   time.Duration
	classesOf map[string]int32 // priority class values
	defPrio   int32

	ready   jobQueue // jobs whose next pod waits to be tried
	parked  []*job   // jobs whose next pod fit nowhere
	timer   sim.Timer
	running map[int32]int // bound, unfinished pods per priority
}

func newScheduler(c *Cluster, cfg Config) *scheduler {
	s := &scheduler{c: c, byName: map[string]*nodeState{}, resIdx: map[string]int{}, policy: cfg.Scoring, latency: cfg.SchedulingLatency, running: map[int32]int{}}
	if s.policy == nil {
		s.policy = LeastAllocated
	}
	s.classesOf = map[string]int32{}
	for _, pc := range cfg.PriorityClasses {
		s.classesOf[pc.Name] = pc.Value
		if pc.GlobalDefault {
			s.defPrio = pc.Value
		}
	}
	for _, name := range []string{ResourceCPU, ResourceMemory, ResourcePods} {
		s.resource(name)
	}
	nodes := cfg.Nodes
	if len(nodes) == 0 {
		nodes = []Node{{Name: nodeName}}
	}
	extended := map[string]bool{}
	for _, n := range nodes {
		for r := range n.Capacity {
			extended[r] = true
		}
	}
	for _, r := range slices.Sorted(maps.Keys(extended)) {
		s.resource(r)
	}
	for i, spec := range nodes {
		n := &nodeState{idx: i, spec: spec, ready: true, unlimit: len(cfg.Nodes) == 0}
		n.alloc = make(resVec, len(s.res))
		n.used = make(resVec, len(s.res))
		n.usedArea = make([]float64, len(s.res))
		for r := range s.res {
			switch {
			case n.unlimit:
				n.alloc[r] = unlimited
			case s.res[r] == ResourcePods:
				n.alloc[r] = defaultMaxPods
				if v, ok := spec.Capacity[ResourcePods]; ok {
					n.alloc[r] = v
				}
			default:
				n.alloc[r] = spec.Capacity[s.res[r]]
			}
		}
		s.nodes = append(s.nodes, n)
		s.byName[spec.Name] = n
	}
	s.buildClasses()
	return s
}

// nodeName is the name of the default node, when Config.Nodes is empty.
const nodeName = "node-0"

func (s *scheduler) resource(name string) int {
	if i, ok := s.resIdx[name]; ok {
		return i
	}
	s.resIdx[name] = len(s.res)
	s.res = append(s.res, name)
	return len(s.res) - 1
}

func (s *scheduler) buildClasses() {
	byKey := map[string]*nodeClass{}
	for _, n := range s.nodes {
		var b strings.Builder
		fmt.Fprint(&b, n.alloc, "|")
		for _, k := range slices.Sorted(maps.Keys(n.spec.Labels)) {
			fmt.Fprintf(&b, "%s=%s,", k, n.spec.Labels[k])
		}
		cl := byKey[b.String()]
		if cl == nil {
			cl = &nodeClass{r: len(s.res)}
			byKey[b.String()] = cl
			s.classes = append(s.classes, cl)
		}
		n.class = cl
		n.slot = len(cl.nodes)
		cl.nodes = append(cl.nodes, n)
	}
	for _, cl := range s.classes {
		cl.size = 1
		for cl.size < len(cl.nodes) {
			cl.size *= 2
		}
		cl.seg = make([]int64, 2*cl.size*cl.r)
		for i := range cl.seg {
			cl.seg[i] = -1
		}
		for _, n := range cl.nodes {
			n.heapPos = -1
			s.refresh(n)
		}
	}
}

// load is the NodeLoad of n with a pod requesting cpu and mem added.
func (s *scheduler) load(n *nodeState, cpu, mem int64) NodeLoad {
	return NodeLoad{
		CPUAllocatable: n.alloc[resCPU], CPURequested: n.scoreCPU + cpu,
		MemoryAllocatable: n.alloc[resMemory], MemoryRequested: n.scoreMem + mem,
	}
}

// refresh updates n's place in its class after its use or state changed.
func (s *scheduler) refresh(n *nodeState) {
	n.key = s.policy.Score(s.load(n, 0, 0))
	n.class.update(n)
}

// update refreshes n in the class's heap and segment tree.
func (cl *nodeClass) update(n *nodeState) {
	leaf := (cl.size + n.slot) * cl.r
	for r := 0; r < cl.r; r++ {
		free := int64(-1)
		if n.schedulable() {
			free = n.alloc[r] - n.used[r]
		}
		cl.seg[leaf+r] = free
	}
	for k := (cl.size + n.slot) / 2; k >= 1; k /= 2 {
		for r := 0; r < cl.r; r++ {
			cl.seg[k*cl.r+r] = max(cl.seg[2*k*cl.r+r], cl.seg[(2*k+1)*cl.r+r])
		}
	}
	switch {
	case n.schedulable() && n.heapPos < 0:
		n.heapPos = len(cl.heap)
		cl.heap = append(cl.heap, n)
		cl.up(n.heapPos)
	case n.schedulable():
		if !cl.down(n.heapPos) {
			cl.up(n.heapPos)
		}
	case n.heapPos >= 0:
		cl.remove(n.heapPos)
	}
}

func (cl *nodeClass) better(a, b *nodeState) bool {
	if a.key != b.key {
		return a.key > b.key
	}
	return a.idx < b.idx
}

func (cl *nodeClass) swap(i, j int) {
	cl.heap[i], cl.heap[j] = cl.heap[j], cl.heap[i]
	cl.heap[i].heapPos, cl.heap[j].heapPos = i, j
}

func (cl *nodeClass) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !cl.better(cl.heap[i], cl.heap[p]) {
			return
		}
		cl.swap(i, p)
		i = p
	}
}

func (cl *nodeClass) down(i0 int) bool {
	i, n := i0, len(cl.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && cl.better(cl.heap[r], cl.heap[l]) {
			m = r
		}
		if !cl.better(cl.heap[m], cl.heap[i]) {
			break
		}
		cl.swap(i, m)
		i = m
	}
	return i > i0
}

func (cl *nodeClass) remove(i int) {
	last := len(cl.heap) - 1
	n := cl.heap[i]
	if i != last {
		cl.swap(i, last)
	}
	cl.heap = cl.heap[:last]
	n.heapPos = -1
	if i != last && !cl.down(i) {
		cl.up(i)
	}
}

// fits reports whether req fits in n's free room.
func fits(n *nodeState, req resVec) bool {
	if n.unlimit {
		return true
	}
	for r, q := range req {
		if q > n.alloc[r]-n.used[r] {
			return false
		}
	}
	return true
}

// best returns the class's best-scored schedulable node that req fits,
// or nil.
func (cl *nodeClass) best(req resVec) *nodeState {
	if len(cl.heap) == 0 {
		return nil
	}
	for r, q := range req {
		if q > cl.seg[cl.r+r] {
			return nil // no node of the class has that much of r free
		}
	}
	if top := cl.heap[0]; fits(top, req) {
		return top
	}
	var found *nodeState
	for _, n := range cl.heap {
		if fits(n, req) && (found == nil || cl.better(n, found)) {
			found = n
		}
	}
	return found
}

// account adds n's use since the last change to its utilisation.
func (s *scheduler) account(n *nodeState) {
	now := s.c.eng.Elapsed()
	if dt := now - n.usedSince; dt > 0 {
		for r, u := range n.used {
			n.usedArea[r] += float64(u) * dt.Seconds()
		}
	}
	n.usedSince = now
}
