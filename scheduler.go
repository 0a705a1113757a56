package jobsim

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim/internal/bitset"
	"github.com/jobsim/jobsim/sim"
)

// The scheduler binds pending pods to nodes as kube-scheduler does,
// simplified but not falsified: an active queue ordered by priority then
// creation; filtering by resources, nodeSelector, required node affinity
// and the node's state; scoring by a ScoringPolicy; an Unschedulable
// condition with the scheduler's message for pods that fit nowhere,
// retried when capacity frees; and preemption of lower-priority pods.
//
// Nodes with the same capacity and labels form a class. Each class keeps a
// segment tree of its nodes' scores and free room per resource, searched
// best first, skipping the subtrees that lack a resource the pod needs. A
// placement costs O(C·R·log N) for C classes, R resources and N nodes in
// the common case (every node either fits the pod or lacks room in some
// resource on its own); it grows toward O(N) only when many nodes have
// enough of each resource separately but not of all at once. A node
// affinity that names nodes (matchFields) splits a class: the scheduler
// then looks at the nodes admitted or skips those refused, whichever are
// fewer.

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

// BuiltinScoring is a scoring policy of kube-scheduler's NodeResourcesFit
// plugin; it implements ScoringPolicy.
type BuiltinScoring uint8

// The scoring strategies of NodeResourcesFit.
const (
	// LeastAllocated favours the nodes with the most room left: the mean
	// of the free fractions of CPU and memory, times 100 (kube-scheduler's
	// default). It spreads pods across nodes.
	LeastAllocated BuiltinScoring = iota
	// MostAllocated favours the fullest nodes that still fit: the mean of
	// the used fractions of CPU and memory, times 100. It packs pods onto
	// few nodes.
	MostAllocated
)

// Score returns the strategy's score of n.
func (s BuiltinScoring) Score(n NodeLoad) float64 {
	if s == MostAllocated {
		return (usedFraction(n.CPURequested, n.CPUAllocatable) + usedFraction(n.MemoryRequested, n.MemoryAllocatable)) * 50
	}
	return (freeFraction(n.CPURequested, n.CPUAllocatable) + freeFraction(n.MemoryRequested, n.MemoryAllocatable)) * 50
}

// String returns the strategy's name, as a scenario file spells it.
func (s BuiltinScoring) String() string {
	if s == MostAllocated {
		return "MostAllocated"
	}
	return "LeastAllocated"
}

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
	key      float64 // score with no pod added: the class's order
	ready    bool    // the Ready condition, as the API shows it
	cordoned bool    // spec.unschedulable
	down     bool    // its kubelet does not run
	downAt   time.Duration
	pods     []*pod // bound pods that have not finished
	unlimit  bool   // the default node: everything fits
	// taints are spec.taints as the API shows them: the node's own, and
	// those the node lifecycle controller adds to cordoned and failed
	// nodes.
	taints []Taint

	faultTimer sim.Timer
	evictions  []eviction // the taint manager's plans for its pods
	drainTimer sim.Timer  // a drain's next try to evict the pods budgets kept
	evictTimer sim.Timer  // the taint manager's next eviction
	draining   bool
	// Utilisation: resource-time integrated since the start.
	usedSince time.Duration
	usedArea  []float64
}

func (n *nodeState) schedulable() bool { return n.ready && !n.cordoned }

// nodeClass groups nodes of equal capacity and labels.
type nodeClass struct {
	nodes  []*nodeState
	seg    []int64   // segment tree: the most free room per resource
	keys   []float64 // and the best score
	lo     []int     // the first leaf of each entry
	size   int       // leaves in the segment tree
	r      int       // resources per entry
	search []int     // scratch for best
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
	neverPre  map[string]bool  // classes with preemptionPolicy Never
	defPrio   int32
	defNever  bool
	defClass  string

	ready   jobQueue // jobs whose next pod waits to be tried
	parked  []*job   // jobs whose next pod fit nowhere
	timer   sim.Timer
	running prioCounts // bound, unfinished pods per priority
	// antiPods and affinityPods count the bound, unfinished pods with
	// required pod anti-affinity, and with any pod (anti-)affinity term.
	antiPods, affinityPods int
	preferTaints           bool           // some node has a PreferNoSchedule taint
	rng                    *rand.Rand     // breaks score ties (1.34)
	rngSrc                 *rand.PCG      // rng's source, seeded again by reset
	treeOrder              []*nodeState   // the nodes in the order kube-scheduler lists them
	heapIdx                []int          // scratch of bestByHeap
	feasible               []*nodeState   // scratch for placeExact
	plain                  cycle          // the cycle of a pod with nothing to count
	budgets                []budget       // the PodDisruptionBudgets
	spreads                []*domainCount // running spread counts (fastspread.go)
	total64, raw64         []int64        // scratch for scoreNodes
	history                []usage        // the cluster's requests over time (recorded runs)
	total                  resVec         // what the bound, unfinished pods request
	from                   schedulerFrom  // what it was made from (reset)
}

// usage is a sample of UsageHistory.
type usage struct {
	at   time.Duration
	used resVec
}

// sample records the cluster's total requests after a change.
func (s *scheduler) sample() {
	if s.nodes[0].unlimit || s.c.cfg.DiscardEvents {
		return
	}
	now := s.c.eng.Elapsed()
	if n := len(s.history); n > 0 && s.history[n-1].at == now {
		copy(s.history[n-1].used, s.total)
		return
	}
	s.history = append(s.history, usage{at: now, used: slices.Clone(s.total)})
}

func newScheduler(c *Cluster, cfg Config) *scheduler {
	src := rand.NewPCG(cfg.Seed, schedulerStream)
	s := &scheduler{c: c, byName: map[string]*nodeState{}, resIdx: map[string]int{}, policy: scoringOf(cfg), latency: cfg.SchedulingLatency,
		rng: rand.New(src), rngSrc: src, from: schedulerFrom{nodes: cloneNodes(cfg.Nodes), classes: slices.Clone(cfg.PriorityClasses)}}
	defer func() { s.total = make(resVec, len(s.res)) }()
	s.classesOf, s.neverPre = map[string]int32{}, map[string]bool{}
	for _, pc := range append(slices.Clone(systemPriorityClasses), cfg.PriorityClasses...) {
		s.classesOf[pc.Name] = pc.Value
		s.neverPre[pc.Name] = pc.PreemptionPolicy == PreemptNever
		if pc.GlobalDefault {
			s.defPrio, s.defNever, s.defClass = pc.Value, s.neverPre[pc.Name], pc.Name
		}
	}
	for _, name := range []string{ResourceCPU, ResourceMemory, ResourcePods} {
		s.resource(name)
	}
	for i := range cfg.PodDisruptionBudgets {
		b := cfg.PodDisruptionBudgets[i].DeepCopy() // the caller's may change
		ns := b.Namespace
		if ns == "" {
			ns = "default"
		}
		s.budgets = append(s.budgets, budget{ns: ns, sel: compileSelector(b.Selector, nil), pdb: b})
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
		spec = withKubeletLabels(spec)
		n := &nodeState{idx: i, spec: spec, ready: true, unlimit: len(cfg.Nodes) == 0}
		n.setTaints()
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
		for _, t := range spec.Taints {
			s.preferTaints = s.preferTaints || t.Effect == TaintPreferNoSchedule
		}
	}
	s.treeOrder = nodeTreeOrder(s.nodes)
	s.buildClasses()
	return s
}

// schedulerStream is the second half of the seed of the scheduler's
// random source, which breaks score ties in 1.34.
const schedulerStream = 0x5c4ed

// scoringOf returns cfg's scoring policy, LeastAllocated if it sets none.
func scoringOf(cfg Config) ScoringPolicy {
	if cfg.Scoring == nil {
		return LeastAllocated
	}
	return cfg.Scoring
}

// nodeTreeOrder lists nodes in the order of kube-scheduler's snapshot
// (nodeTree.list): the zones in the order their first node appears, and
// round robin over them, a node of each zone in turn, each zone's nodes
// in their own order. A node's zone is its region and zone labels
// (GetZoneKey, the deprecated failure-domain labels first).
func nodeTreeOrder(nodes []*nodeState) []*nodeState {
	var zones []string
	byZone := map[string][]*nodeState{}
	for _, n := range nodes {
		k := zoneKey(n.spec.Labels)
		if _, ok := byZone[k]; !ok {
			zones = append(zones, k)
		}
		byZone[k] = append(byZone[k], n)
	}
	out := make([]*nodeState, 0, len(nodes))
	for i := 0; len(out) < len(nodes); i++ {
		for _, z := range zones {
			if ns := byZone[z]; i < len(ns) {
				out = append(out, ns[i])
			}
		}
	}
	return out
}

// zoneKey is GetZoneKey of k8s.io/component-helpers/node/topology.
func zoneKey(labels map[string]string) string {
	zone, ok := labels[labelZoneBeta]
	if !ok {
		zone = labels[LabelZone]
	}
	region, ok := labels[labelRegionBeta]
	if !ok {
		region = labels[LabelRegion]
	}
	if region == "" && zone == "" {
		return ""
	}
	return region + ":\x00:" + zone
}

// The deprecated zone and region labels, which GetZoneKey still reads
// first.
const (
	labelZoneBeta   = "failure-domain.beta.kubernetes.io/zone"
	labelRegionBeta = "failure-domain.beta.kubernetes.io/region"
)

// withKubeletLabels returns n with the labels a kubelet gives its node
// (kubernetes.io/hostname, os and arch) added where n does not set them.
func withKubeletLabels(n Node) Node {
	labels := make(map[string]string, len(n.Labels)+3)
	labels[LabelHostname], labels[LabelOS], labels[LabelArch] = n.Name, "linux", "amd64"
	maps.Copy(labels, n.Labels)
	n.Labels = labels
	n.Taints = slices.Clone(n.Taints)
	return n
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
			if k == LabelHostname && n.spec.Labels[k] == n.spec.Name {
				continue // every node's own: see nodeFilter.byName
			}
			fmt.Fprintf(&b, "%s=%s,", k, n.spec.Labels[k])
		}
		fmt.Fprintf(&b, "|%q", n.spec.Taints)
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
		cl.keys = make([]float64, 2*cl.size)
		cl.lo = make([]int, 2*cl.size)
		for i := 2*cl.size - 1; i >= 1; i-- {
			cl.keys[i] = math.Inf(-1)
			if i >= cl.size {
				cl.lo[i] = i - cl.size
			} else {
				cl.lo[i] = cl.lo[2*i]
			}
		}
		for _, n := range cl.nodes {
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

// setTaints sets n's taints from its own and its state, as the node
// lifecycle controller taints cordoned and failed nodes; call it when
// the node's state changes.
func (n *nodeState) setTaints() {
	n.taints = append(n.taints[:0], n.spec.Taints...)
	if n.cordoned {
		n.taints = append(n.taints, Taint{Key: TaintNodeUnschedulable, Effect: TaintNoSchedule})
	}
	if !n.ready {
		n.taints = append(n.taints, Taint{Key: TaintNodeUnreachable, Effect: TaintNoSchedule}, Taint{Key: TaintNodeUnreachable, Effect: TaintNoExecute})
	}
}

// refresh updates n's place in its class after its use or state changed.
func (s *scheduler) refresh(n *nodeState) {
	n.key = s.policy.Score(s.load(n, 0, 0))
	n.class.update(n)
}

// The class's segment tree has a leaf per node (in node order) holding
// its score and its free room per resource (-inf and -1 when it is not
// schedulable); each inner entry holds the maxima of its children.

// update refreshes n's leaf and the entries above it.
func (cl *nodeClass) update(n *nodeState) {
	i := cl.size + n.slot
	key, free := math.Inf(-1), cl.seg[i*cl.r:(i+1)*cl.r]
	for r := range free {
		free[r] = -1
		if n.schedulable() {
			free[r] = n.alloc[r] - n.used[r]
		}
	}
	if n.schedulable() {
		key = n.key
	}
	cl.keys[i] = key
	for i /= 2; i >= 1; i /= 2 {
		l, r := 2*i, 2*i+1
		cl.keys[i] = max(cl.keys[l], cl.keys[r])
		for k := 0; k < cl.r; k++ {
			cl.seg[i*cl.r+k] = max(cl.seg[l*cl.r+k], cl.seg[r*cl.r+k])
		}
	}
}

// mayFit reports whether entry i's subtree may hold a node with room for
// req: every resource has that much free on some node in it.
func (cl *nodeClass) mayFit(i int, req resVec) bool {
	if math.IsInf(cl.keys[i], -1) {
		return false
	}
	for r, q := range req {
		if q > cl.seg[i*cl.r+r] {
			return false
		}
	}
	return true
}

// best returns the class's best-scored schedulable node with room for req
// (ties: the node listed first), or nil, leaving out the nodes whose slots
// are in skip. It searches the segment tree best first, skipping every
// subtree that lacks some resource, so the common case costs O(log N).
func (cl *nodeClass) best(req resVec, skip bitset.Set) *nodeState {
	if !cl.mayFit(1, req) {
		return nil
	}
	q := append(cl.search[:0], 1)
	defer func() { cl.search = q[:0] }()
	for len(q) > 0 {
		i := cl.popBest(&q)
		if i >= cl.size {
			if n := cl.nodes[i-cl.size]; !skip.Has(n.slot) && fits(n, req) {
				return n
			}
			continue
		}
		for _, c := range []int{2 * i, 2*i + 1} {
			if cl.mayFit(c, req) {
				q = append(q, c)
			}
		}
	}
	return nil
}

// popBest removes and returns the entry of q with the highest key, the
// leftmost among equals. The queue stays short (a path of the tree), so a
// scan is cheap.
func (cl *nodeClass) popBest(q *[]int) int {
	s := *q
	b := 0
	for k := 1; k < len(s); k++ {
		if ki, kb := cl.keys[s[k]], cl.keys[s[b]]; ki > kb || ki == kb && cl.lo[s[k]] < cl.lo[s[b]] {
			b = k
		}
	}
	i := s[b]
	s[b] = s[len(s)-1]
	*q = s[:len(s)-1]
	return i
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

func matchesSelector(labels, selector map[string]string) bool {
	for k, v := range selector {
		if lv, ok := labels[k]; !ok || lv != v {
			return false
		}
	}
	return true
}
