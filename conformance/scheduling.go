package conformance

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
	"github.com/jobsim/jobsim/manifest"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Scheduling is what the comparison looks at of the scheduler, in a
// scenario with nodes.
//
// kube-scheduler picks at random among the nodes of the best score, and
// jobsim picks one of them its own way, so nodes are not compared by name
// but by class: nodes of the same capacity, labels (kubernetes.io/hostname
// left out) and taints are interchangeable, unless a pod template names
// one (a nodeSelector or node affinity value equal to its name), which is
// then a class of its own. Each class is named by the pools of its nodes
// ("gpu", "a+b") or by the node's name.
type Scheduling struct {
	// Placements counts, per job, the pods bound to each class. A
	// reference binding whose best-scored nodes (Binding.Ties) span
	// several classes counts for the one jobsim's counts need, when some
	// assignment of all such bindings matches them (see resolved): a tie
	// between classes is not a disagreement.
	Placements map[string]map[string]int
	// Spread is, per class of several nodes, how many pods each of its
	// nodes got over the run, sorted from the most: the same however the
	// class's interchangeable nodes are permuted, it tells packing from
	// spreading. It is left out of the comparison when the reference's
	// bindings tie between classes (the two sides' runs may then take
	// different, equally valid, paths).
	Spread map[string][]int
	// Pending counts, per job, the pods left unscheduled at the end by
	// their PodScheduled condition's "reason: message".
	Pending map[string]map[string]int
	// Messages are, per job, the distinct messages of its pods'
	// FailedScheduling events over the run, sorted, but for those that
	// tell of a race with a deletion (see bindingRace).
	Messages map[string][]string
	// Victims counts the pods preempted, as "preemptor's job <- victim's
	// job @ class of the node".
	Victims map[string]int

	// Trace is the side's scheduling history, one line per binding,
	// FailedScheduling event and preemption, for reading; not compared.
	Trace []string

	// tied are the reference's bindings that tie between classes, not yet
	// in Placements (see resolved).
	tied []tiedBinding
}

// tiedBinding is a binding of a pod of job whose best-scored nodes are of
// the classes alts.
type tiedBinding struct {
	job  string
	alts []string
}

// resolved returns s with its tied bindings counted in Placements, each
// for one of its classes, so that want's counts are met wherever some
// assignment meets them: per job, the tied bindings are matched to the
// classes where want has more pods than counted so far (a bipartite
// matching, by augmenting paths, so that a binding that could go to
// several classes gives way to one that has fewer). A binding left
// unmatched counts for its first class.
func (s *Scheduling) resolved(want *Scheduling) *Scheduling {
	if s == nil || len(s.tied) == 0 {
		return s
	}
	out := *s
	out.tied = nil
	out.Placements = map[string]map[string]int{}
	for job, m := range s.Placements {
		out.Placements[job] = maps.Clone(m)
	}
	var target map[string]map[string]int
	if want != nil {
		target = want.Placements
	}
	byJob := map[string][][]string{}
	var jobs []string
	for _, t := range s.tied {
		if _, ok := byJob[t.job]; !ok {
			jobs = append(jobs, t.job)
		}
		byJob[t.job] = append(byJob[t.job], t.alts)
	}
	for _, job := range jobs {
		need := map[string]int{}
		for c, n := range target[job] {
			need[c] = n - out.Placements[job][c]
		}
		for _, c := range matchTies(byJob[job], need) {
			count(out.Placements, job, c)
		}
	}
	return &out
}

// matchTies assigns each binding, given by the classes it tied between,
// one of them, taking at most need[c] bindings to class c for as many
// bindings as possible; the others get their first class.
func matchTies(alts [][]string, need map[string]int) []string {
	assign := make([]string, len(alts))
	var augment func(i int, seen map[string]bool) bool
	augment = func(i int, seen map[string]bool) bool {
		for _, c := range alts[i] {
			if seen[c] || need[c] <= 0 {
				continue
			}
			seen[c] = true
			taken := 0
			for j := range alts {
				if assign[j] == c {
					taken++
				}
			}
			if taken < need[c] {
				assign[i] = c
				return true
			}
			for j := range alts {
				if assign[j] == c && augment(j, seen) {
					assign[i] = c
					return true
				}
			}
		}
		return false
	}
	for i := range alts {
		augment(i, map[string]bool{})
	}
	for i, c := range assign {
		if c == "" {
			assign[i] = alts[i][0]
		}
	}
	return assign
}

// nodeClasses maps each node of the scenario to its class.
func nodeClasses(s *manifest.Scenario) map[string]string {
	named := map[string]bool{}
	for _, sj := range s.Jobs {
		spec := sj.Manifest.Job.Spec.Template.Spec
		for _, v := range spec.NodeSelector {
			named[v] = true
		}
		collectValues(spec.Affinity, named)
	}
	type member struct{ node, pool string }
	byKey := map[string][]member{}
	var keys []string
	for _, pool := range s.Nodes {
		for _, n := range pool.NodeNames() {
			key := "node:" + n
			if !named[n] {
				key = classKey(pool)
			}
			if _, ok := byKey[key]; !ok {
				keys = append(keys, key)
			}
			byKey[key] = append(byKey[key], member{n, pool.Name})
		}
	}
	out := map[string]string{}
	for _, k := range keys {
		ms := byKey[k]
		name := ms[0].node
		if !strings.HasPrefix(k, "node:") {
			var pools []string
			for _, m := range ms {
				pools = append(pools, m.pool)
			}
			slices.Sort(pools)
			name = strings.Join(slices.Compact(pools), "+")
		}
		for _, m := range ms {
			out[m.node] = name
		}
	}
	return out
}

// classKey is what makes a pool's nodes interchangeable with another's.
func classKey(pool manifest.NodePool) string {
	n := kubeletNode(jobsim.Node{Name: pool.Name, Labels: pool.Labels, Capacity: pool.Capacity})
	delete(n.Labels, jobsim.LabelHostname)
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(n.Labels)) {
		fmt.Fprintf(&b, "%s=%s,", k, n.Labels[k])
	}
	b.WriteString("|")
	for _, k := range slices.Sorted(maps.Keys(capacityOf(n))) {
		fmt.Fprintf(&b, "%s=%d,", k, capacityOf(n)[k])
	}
	b.WriteString("|")
	b.WriteString(fmt.Sprint(nodeTaints(pool)))
	return b.String()
}

// nodeTaints returns the taints of a pool's nodes, as jobsim gives them.
func nodeTaints(pool manifest.NodePool) []jobsim.Taint {
	s := manifest.Scenario{Nodes: []manifest.NodePool{pool}}
	if ns := s.Config().Nodes; len(ns) > 0 {
		return ns[0].Taints
	}
	return nil
}

// collectValues adds the values a node affinity names to out.
func collectValues(a *jobsim.Affinity, out map[string]bool) {
	if a == nil || a.NodeAffinity == nil {
		return
	}
	terms := []jobsim.NodeSelectorTerm{}
	if r := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
		terms = append(terms, r.NodeSelectorTerms...)
	}
	for _, p := range a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		terms = append(terms, p.Preference)
	}
	for _, t := range terms {
		for _, e := range append(slices.Clone(t.MatchExpressions), t.MatchFields...) {
			for _, v := range e.Values {
				out[v] = true
			}
		}
	}
}

// capacityOf is a node's allocatable resources: its capacity, with pods
// 110 unless given.
func capacityOf(n jobsim.Node) jobsim.ResourceList {
	out := maps.Clone(n.Capacity)
	if out == nil {
		out = jobsim.ResourceList{}
	}
	if _, ok := out[jobsim.ResourcePods]; !ok {
		out[jobsim.ResourcePods] = 110
	}
	return out
}

// kubeletNode returns n with the labels a kubelet gives its node
// (kubernetes.io/hostname, os and arch) where n does not set them, as
// jobsim's nodes have them.
func kubeletNode(n jobsim.Node) jobsim.Node {
	labels := map[string]string{jobsim.LabelHostname: n.Name, jobsim.LabelOS: "linux", jobsim.LabelArch: "amd64"}
	maps.Copy(labels, n.Labels)
	n.Labels = labels
	return n
}

// v1Nodes returns the cluster's nodes as the API has them: Ready, with
// their labels, taints, and capacity, all of it allocatable.
func v1Nodes(nodes []jobsim.Node) []*corev1.Node {
	var out []*corev1.Node
	for _, n := range nodes {
		n = kubeletNode(n)
		rl := corev1.ResourceList{}
		for name, v := range capacityOf(n) {
			switch name {
			case jobsim.ResourceCPU:
				rl[corev1.ResourceName(name)] = *resource.NewMilliQuantity(v, resource.DecimalSI)
			case jobsim.ResourceMemory, "ephemeral-storage":
				rl[corev1.ResourceName(name)] = *resource.NewQuantity(v, resource.BinarySI)
			default:
				rl[corev1.ResourceName(name)] = *resource.NewQuantity(v, resource.DecimalSI)
			}
		}
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels},
			Status: corev1.NodeStatus{
				Capacity: rl, Allocatable: rl.DeepCopy(),
				Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"}},
			},
		}
		for _, t := range n.Taints {
			node.Spec.Taints = append(node.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
		}
		out = append(out, node)
	}
	return out
}

// v1PriorityClasses returns the cluster's priority classes as objects.
func v1PriorityClasses(pcs []jobsim.PriorityClass) []*schedulingv1.PriorityClass {
	var out []*schedulingv1.PriorityClass
	for _, pc := range pcs {
		o := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: pc.Name}, Value: pc.Value, GlobalDefault: pc.GlobalDefault}
		if pc.PreemptionPolicy != "" {
			p := corev1.PreemptionPolicy(pc.PreemptionPolicy)
			o.PreemptionPolicy = &p
		}
		out = append(out, o)
	}
	return out
}

// v1RuntimeClasses returns the cluster's runtime classes as objects.
func v1RuntimeClasses(rcs []jobsim.RuntimeClass) []*nodev1.RuntimeClass {
	var out []*nodev1.RuntimeClass
	for _, rc := range rcs {
		o := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: rc.Name}, Handler: rc.Handler}
		if rc.Overhead != nil {
			o.Overhead = &nodev1.Overhead{PodFixed: corev1.ResourceList{}}
			for r, q := range rc.Overhead {
				o.Overhead.PodFixed[corev1.ResourceName(r)] = resource.MustParse(jobsim.FormatQuantity(r, q))
			}
		}
		if rc.NodeSelector != nil || rc.Tolerations != nil {
			o.Scheduling = &nodev1.Scheduling{NodeSelector: maps.Clone(rc.NodeSelector)}
			for _, t := range rc.Tolerations {
				ct := corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOperator(t.Operator), Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
				if t.TolerationPeriod != nil {
					secs := int64(*t.TolerationPeriod / time.Second)
					ct.TolerationSeconds = &secs
				}
				o.Scheduling.Tolerations = append(o.Scheduling.Tolerations, ct)
			}
		}
		out = append(out, o)
	}
	return out
}

// v1PDBs returns the cluster's PodDisruptionBudgets as objects.
func v1PDBs(bs []jobsim.PodDisruptionBudget) []*policyv1.PodDisruptionBudget {
	var out []*policyv1.PodDisruptionBudget
	for _, b := range bs {
		o := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: b.Namespace},
			Spec: policyv1.PodDisruptionBudgetSpec{Selector: v1Selector(b.Selector),
				MinAvailable: v1IntOrPercent(b.MinAvailable), MaxUnavailable: v1IntOrPercent(b.MaxUnavailable)}}
		out = append(out, o)
	}
	return out
}

// v1Selector returns a label selector as the API's; nil stays nil.
func v1Selector(s *jobsim.LabelSelector) *metav1.LabelSelector {
	if s == nil {
		return nil
	}
	out := &metav1.LabelSelector{MatchLabels: maps.Clone(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: r.Key, Operator: metav1.LabelSelectorOperator(r.Operator), Values: slices.Clone(r.Values)})
	}
	return out
}

// v1IntOrPercent returns a count or percentage as an IntOrString.
func v1IntOrPercent(v *jobsim.IntOrPercent) *intstr.IntOrString {
	if v == nil {
		return nil
	}
	if v.Percent {
		out := intstr.FromString(fmt.Sprintf("%d%%", v.Value))
		return &out
	}
	out := intstr.FromInt32(v.Value)
	return &out
}

var onNode = regexp.MustCompile(`on node (\S+)$`)

// schedulingRecorder collects what jobsim's events tell of scheduling.
type schedulingRecorder struct {
	podJob   map[string]string // pod name → job
	bindings []simBinding
	messages map[string]map[string]bool
	victims  map[string]int
	preempts []jobsim.Event
	start    time.Time
	trace    []string
}

type simBinding struct{ job, node string }

func newSchedulingRecorder(start time.Time) *schedulingRecorder {
	return &schedulingRecorder{start: start, podJob: map[string]string{}, messages: map[string]map[string]bool{}, victims: map[string]int{}}
}

// Observe records one event.
func (r *schedulingRecorder) Observe(e jobsim.Event) {
	if e.Object.Kind == jobsim.KindPod {
		r.podJob[e.Object.Name] = e.Job
	}
	switch e.Reason {
	case jobsim.ReasonScheduled:
		r.bindings = append(r.bindings, simBinding{e.Job, e.Related})
		r.trace = append(r.trace, fmt.Sprintf("%s bound %s to %s", e.Time.Sub(r.start), e.Object.Name, e.Related))
	case jobsim.ReasonFailedScheduling:
		if r.messages[e.Job] == nil {
			r.messages[e.Job] = map[string]bool{}
		}
		r.messages[e.Job][e.Message] = true
		r.trace = append(r.trace, fmt.Sprintf("%s FailedScheduling %s: %s", e.Time.Sub(r.start), e.Object.Name, e.Message))
	case jobsim.ReasonPreempted:
		r.preempts = append(r.preempts, e)
		r.trace = append(r.trace, fmt.Sprintf("%s Preempted %s: %s", e.Time.Sub(r.start), e.Object.Name, e.Message))
	}
}

// outcome reduces the record, and the pods left, to a Scheduling.
func (r *schedulingRecorder) outcome(classes map[string]string, handles []*jobsim.JobHandle) *Scheduling {
	out := &Scheduling{Placements: map[string]map[string]int{}, Pending: map[string]map[string]int{}, Messages: map[string][]string{}, Victims: map[string]int{}, Trace: r.trace}
	var nodes []string
	for _, b := range r.bindings {
		count(out.Placements, b.job, classes[b.node])
		nodes = append(nodes, b.node)
	}
	out.Spread = spread(classes, nodes)
	for job, ms := range r.messages {
		out.Messages[job] = slices.Sorted(maps.Keys(ms))
	}
	for _, e := range r.preempts {
		node := ""
		if m := onNode.FindStringSubmatch(e.Message); m != nil {
			node = m[1]
		}
		out.Victims[fmt.Sprintf("%s <- %s @ %s", r.podJob[e.Related], e.Job, classes[node])]++
	}
	for _, h := range handles {
		if h == nil {
			continue
		}
		for _, p := range h.Pods() {
			if p.Spec.NodeName != "" || !p.DeletionTime.IsZero() || p.Status.Phase != jobsim.PodPending {
				continue
			}
			if c, ok := p.Status.Condition(jobsim.PodScheduled); ok && c.Status == jobsim.ConditionFalse {
				count(out.Pending, h.Name(), c.Reason+": "+c.Message)
			}
		}
	}
	return out.compact()
}

// schedulingOfReference reduces the reference's record to a Scheduling,
// its bindings that tie between classes left for resolved.
func schedulingOfReference(start time.Time, classes map[string]string, res *reference.Result) *Scheduling {
	out := &Scheduling{Placements: map[string]map[string]int{}, Pending: map[string]map[string]int{}, Messages: map[string][]string{}, Victims: map[string]int{}}
	type line struct {
		at   time.Time
		text string
	}
	var lines []line
	for _, b := range res.Bindings {
		lines = append(lines, line{b.At, fmt.Sprintf("bound %s to %s (best: %v)", b.Pod, b.Node, b.Ties)})
	}
	for _, e := range res.Events {
		if e.Reason != "Scheduled" {
			lines = append(lines, line{e.At, fmt.Sprintf("%s %s: %s", e.Reason, e.Regarding, e.Message)})
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return a.at.Compare(b.at) })
	for _, l := range lines {
		out.Trace = append(out.Trace, fmt.Sprintf("%s %s", l.at.Sub(start), l.text))
	}
	var nodes []string
	for _, b := range res.Bindings {
		nodes = append(nodes, b.Node)
	}
	out.Spread = spread(classes, nodes)
	for _, b := range res.Bindings {
		job := res.PodJobs[b.Namespace+"/"+b.Pod]
		alts := map[string]bool{classes[b.Node]: true}
		for _, n := range b.Ties {
			alts[classes[n]] = true
		}
		if len(alts) == 1 {
			count(out.Placements, job, classes[b.Node])
			continue
		}
		out.tied = append(out.tied, tiedBinding{job, slices.Sorted(maps.Keys(alts))})
	}
	msgs := map[string]map[string]bool{}
	for _, e := range res.Events {
		switch e.Reason {
		case "FailedScheduling":
			if bindingRace(e.Message) {
				continue
			}
			job := res.PodJobs[e.Regarding]
			if msgs[job] == nil {
				msgs[job] = map[string]bool{}
			}
			msgs[job][e.Message] = true
		case "Preempted":
			node := ""
			if m := onNode.FindStringSubmatch(e.Message); m != nil {
				node = m[1]
			}
			out.Victims[fmt.Sprintf("%s <- %s @ %s", res.PodJobs[e.Related], res.PodJobs[e.Regarding], classes[node])]++
		}
	}
	for job, ms := range msgs {
		out.Messages[job] = slices.Sorted(maps.Keys(ms))
	}
	for _, jr := range res.Jobs {
		for _, p := range jr.Pods {
			if p.Spec.NodeName != "" || p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodPending {
				continue
			}
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
					count(out.Pending, jr.Object.Name, c.Reason+": "+c.Message)
				}
			}
		}
	}
	return out.compact()
}

// spread computes Scheduling.Spread from the nodes of the bindings.
func spread(classes map[string]string, bound []string) map[string][]int {
	perNode := map[string]int{}
	for _, n := range bound {
		perNode[n]++
	}
	members := map[string][]string{}
	for n, c := range classes {
		members[c] = append(members[c], n)
	}
	out := map[string][]int{}
	for c, ns := range members {
		if len(ns) < 2 {
			continue
		}
		var counts []int
		for _, n := range ns {
			counts = append(counts, perNode[n])
		}
		slices.Sort(counts)
		slices.Reverse(counts)
		out[c] = counts
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// bindingRace reports whether a FailedScheduling message tells of a race
// with a deletion rather than of a fit: a binding cycle's failure
// ("running Bind plugin ...: pods ... not found", the pod went away
// between the scheduling cycle and the API write) or a pending pod being
// deleted that the queue still held ("skip schedule deleting pod"). Both
// depend on which of two components acts first at one instant; the
// comparison leaves them out.
func bindingRace(msg string) bool {
	for _, p := range []string{"running Bind plugin", "running PreBind plugin", "running Permit plugin", "binding rejected", "skip schedule deleting pod"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func count(m map[string]map[string]int, job, key string) {
	if m[job] == nil {
		m[job] = map[string]int{}
	}
	m[job][key]++
}

// compact drops the empty maps, so that both sides compare equal when
// nothing happened.
func (s *Scheduling) compact() *Scheduling {
	if len(s.Pending) == 0 {
		s.Pending = nil
	}
	if len(s.Messages) == 0 {
		s.Messages = nil
	}
	if len(s.Victims) == 0 {
		s.Victims = nil
	}
	if len(s.Placements) == 0 && len(s.tied) == 0 {
		s.Placements = nil
	}
	return s
}

// referenceFaults returns the scenario's node faults for the reference.
func referenceFaults(fs []manifest.Fault) []reference.Fault {
	var out []reference.Fault
	for _, f := range fs {
		if f.Controller != "" {
			continue // cronFaults
		}
		out = append(out, reference.Fault{At: f.At, Node: f.Node, Drain: f.Action == manifest.FaultDrain})
	}
	return out
}

// String summarises the scheduling on a few lines.
func (s *Scheduling) String() string {
	if s == nil {
		return "no nodes"
	}
	var b strings.Builder
	for _, job := range slices.Sorted(maps.Keys(s.Placements)) {
		fmt.Fprintf(&b, "placed %s:", job)
		for _, c := range slices.Sorted(maps.Keys(s.Placements[job])) {
			fmt.Fprintf(&b, " %s=%d", c, s.Placements[job][c])
		}
		b.WriteString("; ")
	}
	if len(s.tied) > 0 {
		fmt.Fprintf(&b, "%d bindings tied between classes; ", len(s.tied))
	}
	for _, job := range slices.Sorted(maps.Keys(s.Pending)) {
		for _, m := range slices.Sorted(maps.Keys(s.Pending[job])) {
			fmt.Fprintf(&b, "pending %s: %d × %q; ", job, s.Pending[job][m], m)
		}
	}
	for _, job := range slices.Sorted(maps.Keys(s.Messages)) {
		for _, m := range s.Messages[job] {
			fmt.Fprintf(&b, "FailedScheduling %s: %q; ", job, m)
		}
	}
	for _, c := range slices.Sorted(maps.Keys(s.Spread)) {
		fmt.Fprintf(&b, "spread %s: %v; ", c, s.Spread[c])
	}
	for _, v := range slices.Sorted(maps.Keys(s.Victims)) {
		fmt.Fprintf(&b, "preempted %s: %d; ", v, s.Victims[v])
	}
	return strings.TrimSuffix(b.String(), "; ")
}
