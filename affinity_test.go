package jobsim_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// Required node affinity, as kube-scheduler's NodeAffinity plugin applies
// it (pkg/scheduler/framework/plugins/nodeaffinity of v1.35.4, with
// k8s.io/component-helpers/scheduling/corev1/nodeaffinity and
// apimachinery's label selectors): terms are ORed, the requirements of a
// term ANDed, a term without requirements matches nothing, the
// nodeSelector must match as well; a node that fails is
// UnschedulableAndUnresolvable with ErrReasonPod, "node(s) didn't match
// Pod's node affinity/selector", so preemption is not helpful there. The
// expected values follow from those rules.

// labelled returns a node of one pod's room with the given labels.
func labelled(name string, kv ...string) jobsim.Node {
	labels := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		labels[kv[i]] = kv[i+1]
	}
	return jobsim.Node{Name: name, Labels: labels, Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 8 << 30, "pods": 1}}
}

func requiredTerms(terms ...jobsim.NodeSelectorTerm) *jobsim.Affinity {
	return &jobsim.Affinity{NodeAffinity: &jobsim.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &jobsim.NodeSelector{NodeSelectorTerms: terms},
	}}
}

func term(reqs ...jobsim.NodeSelectorRequirement) jobsim.NodeSelectorTerm {
	return jobsim.NodeSelectorTerm{MatchExpressions: reqs}
}

func fieldTerm(reqs ...jobsim.NodeSelectorRequirement) jobsim.NodeSelectorTerm {
	return jobsim.NodeSelectorTerm{MatchFields: reqs}
}

func req(key string, op jobsim.NodeSelectorOperator, values ...string) jobsim.NodeSelectorRequirement {
	return jobsim.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

// placement submits a job of n pods that run forever with the given
// affinity and nodeSelector, lets the scheduler place them and returns
// the node of each pod ("" when pending), and the message of a pending
// pod's PodScheduled condition.
func placement(t *testing.T, cfg jobsim.Config, n int, affinity *jobsim.Affinity, selector map[string]string) (nodes map[string]int, message string) {
	t.Helper()
	c := jobsim.NewCluster(cfg)
	job := newJob("aff", n, n)
	job.Spec.Template.Spec.Affinity = affinity
	job.Spec.Template.Spec.NodeSelector = selector
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	nodes = map[string]int{}
	for _, p := range h.Pods() {
		nodes[p.Spec.NodeName]++
		if p.Spec.NodeName == "" {
			cond := podScheduled(p)
			if cond.Status != jobsim.ConditionFalse || cond.Reason != "Unschedulable" || p.Status.Phase != jobsim.PodPending {
				t.Errorf("pending pod %s: phase %s, PodScheduled %+v", p.Name, p.Status.Phase, cond)
			}
			message = cond.Message
		}
	}
	return nodes, message
}

func TestNodeAffinityTermsAreORed(t *testing.T) {
	// Nodes of zone a and c match one term each; b matches neither. Three
	// pods: one on a, one on c, the third pending: a and c are full (Too
	// many pods, which preemption could resolve but finds no victims), b
	// does not match (unresolvable).
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("a", "zone", "a"), labelled("b", "zone", "b"), labelled("c", "zone", "c")}}
	aff := requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "a")), term(req("zone", jobsim.NodeSelectorOpIn, "c")))
	got, msg := placement(t, cfg, 3, aff, nil)
	diff(t, "pods per node", map[string]int{"a": 1, "c": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Too many pods."+
		" preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", msg)
}

func TestNodeAffinityRequirementsOfATermAreANDed(t *testing.T) {
	// Only the node with both disk=ssd and zone=a matches the one term.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("ssd-a", "disk", "ssd", "zone", "a"), labelled("ssd-b", "disk", "ssd", "zone", "b"), labelled("hdd-a", "disk", "hdd", "zone", "a")}}
	aff := requiredTerms(term(req("disk", jobsim.NodeSelectorOpIn, "ssd"), req("zone", jobsim.NodeSelectorOpIn, "a")))
	got, msg := placement(t, cfg, 2, aff, nil)
	diff(t, "pods per node", map[string]int{"ssd-a": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node affinity/selector."+
		" preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.", msg)
}

func TestNodeAffinityAndNodeSelectorMustBothMatch(t *testing.T) {
	// The nodeSelector wants disk=ssd, the affinity zone a: ssd-b fails the
	// selector, hdd-a the affinity, and the reason is the same.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("ssd-a", "disk", "ssd", "zone", "a"), labelled("ssd-b", "disk", "ssd", "zone", "b"), labelled("hdd-a", "disk", "hdd", "zone", "a")}}
	aff := requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "a")))
	got, msg := placement(t, cfg, 2, aff, map[string]string{"disk": "ssd"})
	diff(t, "pods per node", map[string]int{"ssd-a": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node affinity/selector."+
		" preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.", msg)
}

func TestNodeAffinityUnmatchedLeavesPodPendingWithUpstreamMessage(t *testing.T) {
	// Without nodes the cluster's one node, node-0, has only the labels a
	// kubelet gives its node: a pod that requires another stays Pending, with required affinity exactly as
	// with the same rule as a nodeSelector. The Job counts it active.
	const want = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." +
		" preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
	for _, tc := range []struct {
		name     string
		affinity *jobsim.Affinity
		selector map[string]string
	}{
		{"affinity", requiredTerms(term(req("disk", jobsim.NodeSelectorOpIn, "ssd"))), nil},
		{"nodeSelector", nil, map[string]string{"disk": "ssd"}},
		{"another value of a kubelet label", requiredTerms(term(req("kubernetes.io/os", jobsim.NodeSelectorOpIn, "windows"))), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := jobsim.NewCluster(jobsim.Config{})
			job := newJob("picky", 1, 1)
			job.Spec.Template.Spec.Affinity = tc.affinity
			job.Spec.Template.Spec.NodeSelector = tc.selector
			h := submit(t, c, job, jobsim.Fixed(time.Minute, 0))
			if err := c.Advance(time.Hour); err != nil {
				t.Fatal(err)
			}
			pods := h.Pods()
			if len(pods) != 1 {
				t.Fatalf("%d pods, want 1", len(pods))
			}
			p := pods[0]
			cond := podScheduled(p)
			diff(t, "PodScheduled", jobsim.PodCondition{Type: jobsim.PodScheduled, Status: jobsim.ConditionFalse, Reason: "Unschedulable", Message: want, LastTransitionTime: epoch}, cond)
			if p.Status.Phase != jobsim.PodPending || p.Spec.NodeName != "" {
				t.Errorf("pod %s on %q, want Pending and unbound", p.Status.Phase, p.Spec.NodeName)
			}
			if !hasEventWith(c, "FailedScheduling", want) {
				t.Error("no FailedScheduling event with that message")
			}
			if st := h.Status(); st.Active != 1 || st.Ready != 0 || st.Succeeded != 0 {
				t.Errorf("job status %+v, want one active pod", st)
			}
		})
	}
}

func TestNodeAffinityMatchesTheDefaultNodeByName(t *testing.T) {
	// node-0's name is a field matchFields can require, and, as on every
	// node, the value of the kubelet's kubernetes.io/hostname label.
	got, _ := placement(t, jobsim.Config{}, 2, requiredTerms(fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "node-0"))), nil)
	diff(t, "pods per node", map[string]int{"node-0": 2}, got)
	got, _ = placement(t, jobsim.Config{}, 1, requiredTerms(term(req("kubernetes.io/hostname", jobsim.NodeSelectorOpIn, "node-0"))), nil)
	diff(t, "pods per node", map[string]int{"node-0": 1}, got)
}

func TestEveryNodeHasTheKubeletsLabels(t *testing.T) {
	// The kubelet labels its node with kubernetes.io/hostname (the node's
	// name), kubernetes.io/os and kubernetes.io/arch; labels the Node sets
	// itself take precedence. So a chart's nodeSelector
	// {kubernetes.io/os: linux} matches, with or without nodes.
	got, _ := placement(t, jobsim.Config{}, 1, nil, map[string]string{"kubernetes.io/os": "linux"})
	diff(t, "pods per node", map[string]int{"node-0": 1}, got)
	c := jobsim.NewCluster(jobsim.Config{Nodes: []jobsim.Node{labelled("arm-0", "kubernetes.io/arch", "arm64", "zone", "a")}})
	want := map[string]string{"kubernetes.io/hostname": "arm-0", "kubernetes.io/os": "linux", "kubernetes.io/arch": "arm64", "zone": "a"}
	diff(t, "labels", want, c.Nodes()[0].Labels)
}

func TestNodeAffinityOperators(t *testing.T) {
	// labels.Requirement.Matches: NotIn and DoesNotExist match a node
	// without the label, In, Exists, Gt and Lt do not; Gt and Lt read the
	// label as an integer (so "8" < "16" < "0100"), and a label that is
	// no integer matches neither.
	nodes := []jobsim.Node{
		{Name: "c8", Labels: map[string]string{"cores": "8", "zone": "a"}},
		{Name: "c16", Labels: map[string]string{"cores": "16", "zone": "b"}},
		{Name: "c100", Labels: map[string]string{"cores": "0100"}},
		{Name: "many", Labels: map[string]string{"cores": "many", "zone": "a"}},
		{Name: "bare"},
	}
	for _, tc := range []struct {
		r    jobsim.NodeSelectorRequirement
		want []string
	}{
		{req("zone", jobsim.NodeSelectorOpIn, "a", "b"), []string{"c8", "c16", "many"}},
		{req("zone", jobsim.NodeSelectorOpNotIn, "a"), []string{"c16", "c100", "bare"}},
		{req("zone", jobsim.NodeSelectorOpExists), []string{"c8", "c16", "many"}},
		{req("zone", jobsim.NodeSelectorOpDoesNotExist), []string{"c100", "bare"}},
		{req("cores", jobsim.NodeSelectorOpGt, "10"), []string{"c16", "c100"}},
		{req("cores", jobsim.NodeSelectorOpLt, "16"), []string{"c8"}},
		{req("cores", jobsim.NodeSelectorOpGt, "0"), []string{"c8", "c16", "c100"}},
		{req("cores", jobsim.NodeSelectorOpGt, "-1"), nil},  // no label value: labels.NewRequirement refuses it
		{req("cores", jobsim.NodeSelectorOpGt, "ten"), nil}, // does not parse: the term matches nothing
		{req("cores", jobsim.NodeSelectorOpLt, "99999999999999999999"), nil},
		{req("zone", "Equals", "a"), nil},
	} {
		spec := jobsim.PodSpec{Affinity: requiredTerms(term(tc.r))}
		var got []string
		for _, n := range nodes {
			if spec.MatchesNode(n) {
				got = append(got, n.Name)
			}
		}
		diff(t, string(tc.r.Operator)+" "+tc.r.Key+" "+joinValues(tc.r.Values), tc.want, got)
	}
}

func joinValues(vs []string) string {
	out := ""
	for _, v := range vs {
		out += v + ","
	}
	return out
}

func TestNodeAffinityGtComparesIntegers(t *testing.T) {
	// cores Gt 10: as strings "8" > "10", as integers it is not. Only c16
	// and c32 match; the third pod waits.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("c8", "cores", "8"), labelled("c16", "cores", "16"), labelled("c32", "cores", "32")}}
	got, msg := placement(t, cfg, 3, requiredTerms(term(req("cores", jobsim.NodeSelectorOpGt, "10"))), nil)
	diff(t, "pods per node", map[string]int{"c16": 1, "c32": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Too many pods."+
		" preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", msg)
}

func TestNodeAffinityGtWithNonIntegerValueMatchesNoNode(t *testing.T) {
	// The API server takes "ten" (a valid label value); the scheduler
	// cannot parse it, and the term matches no node (LazyErrorNodeSelector).
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("c8", "cores", "8"), labelled("c16", "cores", "16")}}
	got, msg := placement(t, cfg, 1, requiredTerms(term(req("cores", jobsim.NodeSelectorOpGt, "ten"))), nil)
	diff(t, "pods per node", map[string]int{"": 1}, got)
	diff(t, "message", "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."+
		" preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", msg)
}

func TestNodeAffinityEmptyTermMatchesNothing(t *testing.T) {
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("a", "zone", "a"), labelled("b", "zone", "b")}}
	got, msg := placement(t, cfg, 1, requiredTerms(jobsim.NodeSelectorTerm{}), nil)
	diff(t, "pods per node", map[string]int{"": 1}, got)
	diff(t, "message", "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."+
		" preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", msg)
	// ORed with a term that matches b, it changes nothing.
	got, _ = placement(t, cfg, 1, requiredTerms(jobsim.NodeSelectorTerm{}, term(req("zone", jobsim.NodeSelectorOpIn, "b"))), nil)
	diff(t, "pods per node", map[string]int{"b": 1}, got)
}

func TestNodeAffinityMatchFieldsNarrowsNodesInPreFilter(t *testing.T) {
	// When every term names nodes (matchFields metadata.name In), the
	// PreFilter hands the filters those nodes only; the framework counts
	// the others as "node(s) didn't satisfy plugin(s) [NodeAffinity]",
	// unresolvable, whatever their state (n-0 is cordoned).
	ns := []jobsim.Node{labelled("n-0"), labelled("n-1"), labelled("n-2")}
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
	if err := c.DrainNode("n-0"); err != nil {
		t.Fatal(err)
	}
	job := newJob("named", 2, 2)
	job.Spec.Template.Spec.Affinity = requiredTerms(fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-1")))
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	msg := ""
	for _, p := range h.Pods() {
		got[p.Spec.NodeName]++
		if p.Spec.NodeName == "" {
			msg = podScheduled(p).Message
		}
	}
	diff(t, "pods per node", map[string]int{"n-1": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."+
		" preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.", msg)
}

func TestNodeAffinityConflictingNodeNamesFailInPreFilter(t *testing.T) {
	// A term that requires two names at once admits none: the PreFilter
	// refuses the pod before any node is looked at, and its message stands
	// for the nodes' reasons.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("n-0"), labelled("n-1")}}
	aff := requiredTerms(fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-0"), req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-1")))
	got, msg := placement(t, cfg, 1, aff, nil)
	diff(t, "pods per node", map[string]int{"": 1}, got)
	diff(t, "message", "0/2 nodes are available: pod affinity terms conflict."+
		" preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", msg)
	// A second term that names n-1 alone resolves it.
	aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = append(aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms,
		fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-1")))
	got, _ = placement(t, cfg, 1, aff, nil)
	diff(t, "pods per node", map[string]int{"n-1": 1}, got)
}

func TestNodeAffinityMatchFieldsWithinAPoolOfIdenticalNodes(t *testing.T) {
	// Identical nodes share a class; a rule on names splits it. NotIn n-0
	// leaves three nodes, In n-2 or n-3 (two terms) two.
	pool := []jobsim.Node{labelled("n-0"), labelled("n-1"), labelled("n-2"), labelled("n-3")}
	got, _ := placement(t, jobsim.Config{Nodes: pool}, 4, requiredTerms(fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpNotIn, "n-0"))), nil)
	diff(t, "NotIn: pods per node", map[string]int{"n-1": 1, "n-2": 1, "n-3": 1, "": 1}, got)
	aff := requiredTerms(fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-2")), fieldTerm(req(jobsim.NodeNameField, jobsim.NodeSelectorOpIn, "n-3")))
	got, msg := placement(t, jobsim.Config{Nodes: pool}, 3, aff, nil)
	diff(t, "In: pods per node", map[string]int{"n-2": 1, "n-3": 1, "": 1}, got)
	diff(t, "message", "0/4 nodes are available: 2 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."+
		" preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.", msg)
}

func TestNodeAffinityPlacesByScoreAmongTheNodesItAdmits(t *testing.T) {
	// LeastAllocated spreads the pods over the admitted nodes: each pod
	// goes to the one with fewer pods (between equal ones, to either). n-0
	// is refused by name, n-3 by its label.
	pool := make([]jobsim.Node, 4)
	for i := range pool {
		pool[i] = jobsim.Node{Name: "n-" + string(rune('0'+i)), Labels: map[string]string{"pool": "x"}, Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 8 << 30}}
	}
	pool[3].Labels = map[string]string{"pool": "y"}
	c := jobsim.NewCluster(jobsim.Config{Nodes: pool})
	job := requesting(newJob("spread", 4, 4), jobsim.ResourceList{"cpu": 1000})
	job.Spec.Template.Spec.Affinity = requiredTerms(jobsim.NodeSelectorTerm{
		MatchExpressions: []jobsim.NodeSelectorRequirement{req("pool", jobsim.NodeSelectorOpIn, "x")},
		MatchFields:      []jobsim.NodeSelectorRequirement{req(jobsim.NodeNameField, jobsim.NodeSelectorOpNotIn, "n-0")},
	})
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range c.Events() {
		if e.Reason == "Scheduled" && e.Job == h.Name() {
			order = append(order, e.Related)
		}
	}
	perNode := map[string]int{}
	for i, n := range order {
		if i%2 == 1 && n == order[i-1] {
			t.Errorf("pod %d went to %s, which already had one more pod than the other admitted node", i, n)
		}
		perNode[n]++
	}
	diff(t, "pods per node", map[string]int{"n-1": 2, "n-2": 2}, perNode)
}

func TestNodeAffinityPreferredScoresTheNodesItMatches(t *testing.T) {
	// NodeAffinity's score: a preferred term's weight on the nodes it
	// matches, normalised to 100 for the best, times the plugin's weight
	// 2. The nodes are otherwise equal, so the pod goes to b.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("a", "zone", "a"), labelled("b", "zone", "b")}}
	aff := &jobsim.Affinity{NodeAffinity: &jobsim.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []jobsim.PreferredSchedulingTerm{
		{Weight: 100, Preference: term(req("zone", jobsim.NodeSelectorOpIn, "b"))},
	}}}
	got, _ := placement(t, cfg, 1, aff, nil)
	diff(t, "pods per node", map[string]int{"b": 1}, got)
}

func TestNodeAffinityIsShownAndNotShared(t *testing.T) {
	// The pods show the template's affinity; changing the submitted job or
	// a snapshot afterwards changes nothing in the cluster.
	cfg := jobsim.Config{Nodes: []jobsim.Node{labelled("a", "zone", "a"), labelled("b", "zone", "b")}}
	c := jobsim.NewCluster(cfg)
	job := newJob("shown", 2, 2)
	job.Spec.Template.Spec.Affinity = requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "b")))
	h := submit(t, c, job, jobsim.Forever())
	job.Spec.Template.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0] = "a"
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods := h.Pods()
	diff(t, "affinity", requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "b"))), pods[0].Spec.Affinity)
	pods[0].Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values[0] = "a"
	diff(t, "affinity after a change to a snapshot", requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "b"))), h.Pods()[1].Spec.Affinity)
	var bound []string
	for _, p := range h.Pods() {
		bound = append(bound, p.Spec.NodeName)
	}
	diff(t, "nodes", []string{"b", ""}, bound)
}
