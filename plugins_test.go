package jobsim_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// The filter and score plugins of kube-scheduler's default profile
// (pkg/scheduler/framework/plugins): TaintToleration, PodTopologySpread,
// InterPodAffinity, SchedulingGates, and the taint manager's evictions
// (pkg/controller/tainteviction). Expected values follow the plugins'
// rules; the messages are theirs.

// zoned returns n nodes named prefix-i in the zones given in turn, with
// room for 10 pods of 1 CPU each.
func zoned(prefix string, zones ...string) []jobsim.Node {
	out := make([]jobsim.Node, len(zones))
	for i, z := range zones {
		out[i] = jobsim.Node{Name: prefix + "-" + string(rune('0'+i)), Labels: map[string]string{jobsim.LabelZone: z},
			Capacity: jobsim.ResourceList{"cpu": 10000, "memory": 64 << 30}}
	}
	return out
}

// placeJob submits job to a new cluster and returns, after a second,
// the pods per node ("" for those pending), the Unschedulable message of
// a pending pod, and the cluster.
func placeJob(t *testing.T, cfg jobsim.Config, job jobsim.Job) (map[string]int, string, *jobsim.Cluster) {
	t.Helper()
	c := jobsim.NewCluster(cfg)
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	perNode, msg := map[string]int{}, ""
	for _, p := range h.Pods() {
		perNode[p.Spec.NodeName]++
		if p.Spec.NodeName == "" {
			msg = podScheduled(p).Message
		}
	}
	return perNode, msg, c
}

func withLabels(job jobsim.Job, kv ...string) jobsim.Job {
	job.Spec.Template.Labels = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		job.Spec.Template.Labels[kv[i]] = kv[i+1]
	}
	return job
}

func TestTaintTolerationFilterKeepsOffPodsThatDoNotTolerate(t *testing.T) {
	// gpu-0 has nvidia.com/gpu=present:NoSchedule. A pod without the
	// toleration goes to cpu-0; one that requires gpu-0 by name stays
	// pending: gpu-0 fails TaintToleration, cpu-0 NodeAffinity, both
	// unresolvable by preemption.
	ns := []jobsim.Node{
		{Name: "gpu-0", Taints: []jobsim.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: jobsim.TaintNoSchedule}}, Capacity: jobsim.ResourceList{"cpu": 4000}},
		{Name: "cpu-0", Capacity: jobsim.ResourceList{"cpu": 4000}},
	}
	got, _, _ := placeJob(t, jobsim.Config{Nodes: ns}, newJob("plain", 3, 3))
	diff(t, "pods per node", map[string]int{"cpu-0": 3}, got)

	pinned := newJob("pinned", 1, 1)
	pinned.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "gpu-0"}
	got, msg, _ := placeJob(t, jobsim.Config{Nodes: ns}, pinned)
	diff(t, "pods per node", map[string]int{"": 1}, got)
	diff(t, "message", "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s)."+
		" preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", msg)

	pinned.Spec.Template.Spec.Tolerations = []jobsim.Toleration{{Key: "nvidia.com/gpu", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoSchedule}}
	got, _, _ = placeJob(t, jobsim.Config{Nodes: ns}, pinned)
	diff(t, "pods per node, tolerating", map[string]int{"gpu-0": 1}, got)
}

func TestTaintTolerationScoreAvoidsPreferNoSchedule(t *testing.T) {
	// Equal nodes but for a PreferNoSchedule taint on a-0: its score is 0
	// after the reverse normalisation, b-0's 100, times 3. Every pod goes
	// to b-0 while it fits; with the toleration the nodes tie again.
	ns := []jobsim.Node{
		{Name: "a-0", Taints: []jobsim.Taint{{Key: "spot", Effect: jobsim.TaintPreferNoSchedule}}, Capacity: jobsim.ResourceList{"cpu": 8000, "memory": 8 << 30}},
		{Name: "b-0", Capacity: jobsim.ResourceList{"cpu": 8000, "memory": 8 << 30}},
	}
	got, _, _ := placeJob(t, jobsim.Config{Nodes: ns}, requesting(newJob("p", 2, 2), jobsim.ResourceList{"cpu": 1000, "memory": 1 << 30}))
	// After one pod b-0's LeastAllocated score is 87 against 100 and its
	// balance the same: 300+87+100 still beats 0+100+100.
	diff(t, "pods per node", map[string]int{"b-0": 2}, got)
}

func TestTopologySpreadDoNotScheduleKeepsZonesWithinMaxSkew(t *testing.T) {
	// Zone a has two nodes, b and c one each. LeastAllocated alone would
	// put 4 of 8 pods in zone a; a zone constraint with maxSkew 1 keeps
	// every zone within 1 of the least populated one.
	job := withLabels(newJob("spread", 8, 8), "app", "spread")
	job.Spec.Template.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "spread"}},
	}}
	ns := zoned("n", "a", "a", "b", "c")
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
	submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	perZone := map[string]int{}
	for _, n := range c.Nodes() {
		perZone[n.Labels[jobsim.LabelZone]] += len(n.Pods)
	}
	counts := slices.Sorted(maps.Values(perZone))
	diff(t, "pods per zone, sorted", []int{2, 3, 3}, counts)
}

func TestTopologySpreadMinDomainsCountsMissingDomainsAsEmpty(t *testing.T) {
	// minDomains 3 with only two zones: the global minimum counts as 0,
	// so each zone takes at most maxSkew (1) pod; the others are
	// Unschedulable (preemption could help, but nothing is of lower
	// priority).
	job := withLabels(newJob("min", 4, 4), "app", "min")
	job.Spec.Template.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule, MinDomains: jobsim.Ptr(int32(3)),
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "min"}},
	}}
	got, msg, _ := placeJob(t, jobsim.Config{Nodes: zoned("n", "a", "b")}, job)
	diff(t, "pods per node", map[string]int{"n-0": 1, "n-1": 1, "": 2}, got)
	diff(t, "message", "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints."+
		" preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.", msg)
}

func TestTopologySpreadNodeWithoutTheKeyIsUnresolvable(t *testing.T) {
	// A node without the constraint's topology key fails the filter as
	// UnschedulableAndUnresolvable ("missing required label").
	job := withLabels(newJob("nokey", 1, 1), "app", "x")
	job.Spec.Template.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: "rack", WhenUnsatisfiable: jobsim.DoNotSchedule,
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
	}}
	got, msg, _ := placeJob(t, jobsim.Config{Nodes: zoned("n", "a")}, job)
	diff(t, "pods per node", map[string]int{"": 1}, got)
	diff(t, "message", "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label)."+
		" preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", msg)
}

func TestTopologySpreadScheduleAnywayPrefersTheEmptierZone(t *testing.T) {
	// ScheduleAnyway scores: fewer matching pods in the node's zone is
	// better (count × ln(3 zones + 2), normalised so the emptiest zones
	// score 100 and the fullest 0, weight 2). The first three pods each
	// take an empty zone: 200 points outweigh the few LeastAllocated
	// gives. With one pod per zone the spread ties and LeastAllocated
	// sends the fourth to the empty node of zone a.
	job := withLabels(newJob("soft", 4, 4), "app", "soft")
	job.Spec.Template.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.ScheduleAnyway,
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "soft"}},
	}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: zoned("n", "a", "a", "b", "c")})
	submit(t, c, requesting(job, jobsim.ResourceList{"cpu": 1000, "memory": 1 << 30}), jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	perZone := map[string]int{}
	for _, n := range c.Nodes() {
		perZone[n.Labels[jobsim.LabelZone]] += len(n.Pods)
	}
	diff(t, "pods per zone, sorted", []int{1, 1, 2}, slices.Sorted(maps.Values(perZone)))
}

func antiAffinity(key string, kv ...string) *jobsim.Affinity {
	return &jobsim.Affinity{PodAntiAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{kv[0]: kv[1]}}, TopologyKey: key,
	}}}}
}

func TestPodAntiAffinityOnePodPerHost(t *testing.T) {
	// Required anti-affinity to its own label on kubernetes.io/hostname:
	// one pod per node; the fourth finds every node holding one
	// (Unschedulable: evicting one could make room).
	job := withLabels(newJob("solo", 4, 4), "app", "solo")
	job.Spec.Template.Spec.Affinity = antiAffinity(jobsim.LabelHostname, "app", "solo")
	got, msg, _ := placeJob(t, jobsim.Config{Nodes: zoned("n", "a", "b", "c")}, job)
	diff(t, "pods per node", map[string]int{"n-0": 1, "n-1": 1, "n-2": 1, "": 1}, got)
	diff(t, "message", "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."+
		" preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", msg)
}

func TestPodAffinityFollowsMatchingPodsZone(t *testing.T) {
	// A required affinity to app=db in the same zone: the pods go to the
	// zone of the db pod, which is pinned to n-2 (zone c).
	db := withLabels(newJob("db", 1, 1), "app", "db")
	db.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "n-2"}
	web := newJob("web", 3, 3)
	web.Spec.Template.Spec.Affinity = &jobsim.Affinity{PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, TopologyKey: jobsim.LabelZone,
	}}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: zoned("n", "a", "b", "c", "c")})
	submit(t, c, db, jobsim.Forever())
	h := submit(t, c, web, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	for _, p := range h.Pods() {
		if p.Spec.NodeName != "n-2" && p.Spec.NodeName != "n-3" {
			t.Errorf("pod %s on %q, want a node of zone c", p.Name, p.Spec.NodeName)
		}
	}

	// Without a db pod anywhere, and not matching its own term, a pod
	// with that affinity fits nowhere (UnschedulableAndUnresolvable).
	got, msg, _ := placeJob(t, jobsim.Config{Nodes: zoned("n", "a")}, web)
	diff(t, "pods per node without db", map[string]int{"": 3}, got)
	diff(t, "message", "0/1 nodes are available: 1 node(s) didn't match pod affinity rules."+
		" preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", msg)
}

func TestPodPendingForAffinityIsRetriedWhenAMatchingPodIsBound(t *testing.T) {
	// A binding frees no capacity, yet InterPodAffinity's queueing hint
	// for an assigned pod's addition requeues the pods whose required
	// affinity terms it matches. The web pods wait for an app=db pod;
	// the db pod, submitted at 10 s and pinned to n-2 (zone c), brings
	// them to zone c at once, though it never ends.
	db := withLabels(newJob("db", 1, 1), "app", "db")
	db.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "n-2"}
	web := newJob("web", 2, 2)
	web.Spec.Template.Spec.Affinity = &jobsim.Affinity{PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, TopologyKey: jobsim.LabelZone,
	}}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: zoned("n", "a", "b", "c", "c")})
	h := submit(t, c, web, jobsim.Forever())
	c.At(at(10*time.Second), func() { submit(t, c, db, jobsim.Forever()) })
	if err := c.Advance(11 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, p := range h.Pods() {
		if p.Spec.NodeName != "n-2" && p.Spec.NodeName != "n-3" {
			t.Errorf("pod %s on %q at 11s, want a node of zone c", p.Name, p.Spec.NodeName)
		}
	}
}

func TestPodAffinityToItselfPlacesTheFirstAnywhere(t *testing.T) {
	// The pods match their own affinity term: the first may go where no
	// such pod runs yet (satisfiesSelfAffinityCheck), the others follow it
	// into its zone.
	job := withLabels(newJob("pack", 3, 3), "app", "pack")
	job.Spec.Template.Spec.Affinity = &jobsim.Affinity{PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "pack"}}, TopologyKey: jobsim.LabelZone,
	}}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: zoned("n", "a", "b", "c")})
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	nodesUsed := map[string]bool{}
	for _, p := range h.Pods() {
		nodesUsed[p.Spec.NodeName] = true
	}
	if len(nodesUsed) != 1 || nodesUsed[""] {
		t.Errorf("pods on %v, want all three on one node (one per zone)", nodesUsed)
	}
}

func TestExistingPodsAntiAffinityRepelsIncomingPods(t *testing.T) {
	// A guard pod on n-0 has anti-affinity to app=noisy on its host: noisy
	// pods go elsewhere, and when only n-0 is left they stay pending with
	// the InterPodAffinity reason for existing pods.
	guard := newJob("guard", 1, 1)
	guard.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "n-0"}
	guard.Spec.Template.Spec.Affinity = antiAffinity(jobsim.LabelHostname, "app", "noisy")
	noisy := withLabels(newJob("noisy", 1, 1), "app", "noisy")
	noisy.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelZone: "a"}
	c := jobsim.NewCluster(jobsim.Config{Nodes: zoned("n", "a", "b")})
	submit(t, c, guard, jobsim.Forever())
	h := submit(t, c, noisy, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	p := h.Pods()[0]
	diff(t, "noisy's node", "", p.Spec.NodeName)
	diff(t, "message", "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't satisfy existing pods anti-affinity rules."+
		" preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.", podScheduled(p).Message)
}

func TestSchedulingGatesHoldPodsUntilRemoved(t *testing.T) {
	// A gated pod is created (the Job counts it active) but not
	// scheduled: PodScheduled False, reason SchedulingGated, the API
	// server's message. Removing one of two gates changes nothing;
	// removing the last schedules it.
	job := newJob("gated", 1, 1)
	job.Spec.Template.Spec.SchedulingGates = []string{"example.com/quota", "example.com/topology"}
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, job, jobsim.Fixed(10*time.Second, 0))
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	p := h.Pods()[0]
	diff(t, "PodScheduled", jobsim.PodCondition{Type: jobsim.PodScheduled, Status: jobsim.ConditionFalse, Reason: "SchedulingGated",
		Message: "Scheduling is blocked due to non-empty scheduling gates", LastTransitionTime: epoch}, podScheduled(p))
	if p.Spec.NodeName != "" || h.Status().Active != 1 {
		t.Errorf("gated pod on %q, job active %d; want unbound and active", p.Spec.NodeName, h.Status().Active)
	}
	if err := c.RemoveSchedulingGates("default", p.Name, "example.com/quota"); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	p = h.Pods()[0]
	diff(t, "gates left", []string{"example.com/topology"}, p.Spec.SchedulingGates)
	if p.Spec.NodeName != "" {
		t.Fatalf("pod bound with a gate left")
	}
	if err := c.RemoveSchedulingGates("default", p.Name, "example.com/topology"); err != nil {
		t.Fatal(err)
	}
	run(t, c)
	if st := h.Status(); st.Succeeded != 1 || st.CompletionTime != at(2*time.Minute+10*time.Second) {
		t.Errorf("status %+v, want one success 10 s after the last gate went at 2m", st)
	}
}

func TestTaintManagerEvictsByThePodsOwnTolerationSeconds(t *testing.T) {
	// A node fails at 0s and is noticed at 50 s (unreachable taints). The
	// taint manager evicts each pod when its shortest matching
	// tolerationSeconds runs out: 60 s of its own toleration (110 s), the
	// API server's 300 s default when it has none (350 s), never when its
	// toleration has no tolerationSeconds.
	for _, tc := range []struct {
		name    string
		tols    []jobsim.Toleration
		evicted time.Duration // 0: not by 1h
	}{
		{"default", nil, 350 * time.Second},
		{"60s", []jobsim.Toleration{{Key: jobsim.TaintNodeUnreachable, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute, TolerationPeriod: jobsim.Ptr(60 * time.Second)}}, 110 * time.Second},
		{"forever", []jobsim.Toleration{{Key: jobsim.TaintNodeUnreachable, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 4000})})
			job := newJob("tol", 1, 1)
			job.Spec.Template.Spec.Tolerations = tc.tols
			h := submit(t, c, job, jobsim.Forever())
			if err := c.FailNode("n-0"); err != nil {
				t.Fatal(err)
			}
			if err := c.Advance(time.Hour); err != nil {
				t.Fatal(err)
			}
			var got time.Duration
			for _, e := range c.Events() {
				if e.Reason == "TaintManagerEviction" || e.Reason == "DeletionByTaintManager" {
					got = e.Time.Sub(epoch)
					break
				}
			}
			if got == 0 {
				for _, p := range h.Pods() {
					if c, ok := p.Status.Condition(jobsim.DisruptionTarget); ok && c.Reason == "DeletionByTaintManager" {
						got = c.LastTransitionTime.Sub(epoch)
					}
				}
			}
			diff(t, "evicted at", tc.evicted, got)
		})
	}
}

func TestScoreTiesAreDrawnFromTheSeedOn134(t *testing.T) {
	// Two equal nodes tie for a lone pod: kube-scheduler 1.34's
	// selectHost draws among them. jobsim draws from the seed: the same
	// seed gives the same node, and some seeds give each node.
	seen := map[string]bool{}
	for seed := range uint64(16) {
		var first string
		for range 2 {
			got, _, _ := placeJob(t, jobsim.Config{Version: jobsim.V1_34, Seed: seed, Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 4000})}, newJob("tie", 1, 1))
			for n := range got {
				if first == "" {
					first = n
				} else if n != first {
					t.Fatalf("seed %d: %s then %s", seed, first, n)
				}
			}
		}
		seen[first] = true
	}
	diff(t, "nodes drawn over 16 seeds", map[string]bool{"n-0": true, "n-1": true}, seen)
}

func TestScoreTiesGoToTheHeapsFirstNodeFrom135(t *testing.T) {
	// From 1.35 kube-scheduler takes the best node off a heap built over
	// the feasible nodes in its listing order; its entries' random
	// tie-breaker is set only for extenders. Among equal nodes that is
	// the first listed, whatever the seed. The listing goes round robin
	// over the zones: with n-0 and n-1 in zone a and n-2 in zone b, it is
	// n-0, n-2, n-1, so a pod that finds n-0 full goes to n-2, not n-1.
	zoned := func() []jobsim.Node {
		ns := nodes(3, "n", jobsim.ResourceList{"cpu": 1000})
		for i, z := range []string{"a", "a", "b"} {
			ns[i].Labels = map[string]string{jobsim.LabelZone: z}
		}
		return ns
	}
	for _, v := range []jobsim.Version{jobsim.V1_35, jobsim.V1_36, jobsim.V1_37} {
		for seed := range uint64(8) {
			got, _, _ := placeJob(t, jobsim.Config{Version: v, Seed: seed, Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 4000})}, newJob("tie", 1, 1))
			diff(t, fmt.Sprintf("%s seed %d: the lone pod's node", v, seed), map[string]int{"n-0": 1}, got)
			// Two pods of 1 CPU on three 1-CPU nodes: the first takes
			// n-0, the second the next listed, n-2 of zone b.
			got, _, _ = placeJob(t, jobsim.Config{Version: v, Seed: seed, Nodes: zoned()},
				requesting(newJob("zones", 2, 2), jobsim.ResourceList{"cpu": 1000}))
			diff(t, fmt.Sprintf("%s seed %d: the two pods' nodes", v, seed), map[string]int{"n-0": 1, "n-2": 1}, got)
		}
	}
}

var lowHigh = []jobsim.PriorityClass{{Name: "low", Value: 0, GlobalDefault: true}, {Name: "high", Value: 1000}}

// preemptedPods returns the jobs of the pods that got DisruptionTarget
// PreemptionByScheduler.
func preemptedPods(c *jobsim.Cluster) []string {
	var out []string
	for _, e := range c.Events() {
		if e.Reason == "PreemptionByScheduler" {
			out = append(out, e.Job)
		}
	}
	return out
}

func TestPreemptionPrefersVictimsTheirBudgetAllows(t *testing.T) {
	// Two full nodes, each with one low-priority pod. guarded's
	// PodDisruptionBudget (minAvailable 1, one healthy pod) allows no
	// disruption: pickOneNodeForPreemption takes the node with fewer
	// violations, so free's pod is the victim.
	pdbs := []jobsim.PodDisruptionBudget{{Name: "guard", Selector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "guarded"}},
		MinAvailable: &jobsim.IntOrPercent{Value: 1}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 1000}), PriorityClasses: lowHigh, PodDisruptionBudgets: pdbs})
	for _, tc := range []struct{ name, node string }{{"guarded", "n-0"}, {"free", "n-1"}} {
		job := requesting(withLabels(newJob(tc.name, 1, 1), "app", tc.name), jobsim.ResourceList{"cpu": 1000})
		job.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: tc.node}
		submit(t, c, job, jobsim.Forever())
	}
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	urgent := requesting(newJob("urgent", 1, 1), jobsim.ResourceList{"cpu": 1000})
	urgent.Spec.Template.Spec.PriorityClassName = "high"
	submit(t, c, urgent, jobsim.Forever())
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	diff(t, "preempted", []string{"free"}, preemptedPods(c))
}

func TestPreemptionRemovesPodsThatRepelThePreemptor(t *testing.T) {
	// One node with room, but a low-priority app=x pod there: the
	// high-priority pod's anti-affinity to app=x fails (Unschedulable,
	// so preemption may help), and preempting that pod makes it pass.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 8000}), PriorityClasses: lowHigh})
	submit(t, c, withLabels(newJob("x", 1, 1), "app", "x"), jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apart := newJob("apart", 1, 1)
	apart.Spec.Template.Spec.PriorityClassName = "high"
	apart.Spec.Template.Spec.Affinity = antiAffinity(jobsim.LabelHostname, "app", "x")
	h := submit(t, c, apart, jobsim.Forever())
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	diff(t, "preempted", []string{"x"}, preemptedPods(c))
	if p := h.Pods()[0]; p.Spec.NodeName != "n-0" {
		t.Errorf("the preemptor is on %q, want n-0 once x's pod is gone", p.Spec.NodeName)
	}
}

func TestTopologySpreadHoldsAtEveryBindingInALargeCluster(t *testing.T) {
	// Above 100 nodes the scheduler searches node classes and keeps the
	// spread counts as pods come and go. The rule must still hold at each
	// binding: the chosen zone's count, the pod included, is at most
	// maxSkew above the least populated zone's. Zone a has 100 nodes, b
	// and c 25: without the constraint LeastAllocated would fill a first.
	var ns []jobsim.Node
	for i := range 150 {
		z := "a"
		if i >= 100 {
			z = string(rune('b' + (i-100)/25))
		}
		ns = append(ns, jobsim.Node{Name: "n-" + strconv.Itoa(i), Labels: map[string]string{jobsim.LabelZone: z},
			Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 16 << 30}})
	}
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns, Seed: 3})
	job := requesting(withLabels(newJob("wide", 240, 1200), "app", "wide"), jobsim.ResourceList{"cpu": 1000})
	job.Spec.Template.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "wide"}},
	}}
	zoneOf := map[string]string{}
	for _, n := range ns {
		zoneOf[n.Name] = n.Labels[jobsim.LabelZone]
	}
	bindings := 0
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason != "Scheduled" {
			return
		}
		bindings++
		count := map[string]int{"a": 0, "b": 0, "c": 0}
		for _, n := range c.Nodes() {
			count[zoneOf[n.Name]] += len(n.Pods)
		}
		low := min(count["a"], count["b"], count["c"])
		if got := count[zoneOf[e.Related]]; got-low > 1 {
			t.Fatalf("at %v: %s bound in zone %s, counts %v", e.Time.Sub(epoch), e.Object.Name, zoneOf[e.Related], count)
		}
	}))
	submit(t, c, job, jobsim.Random{Min: 10 * time.Second, Max: 50 * time.Second})
	run(t, c)
	if bindings != 1200 {
		t.Errorf("%d bindings, want 1200", bindings)
	}
}

func TestDrainWaitsForTheDisruptionBudget(t *testing.T) {
	// Two Ready pods of app=web on n-0 and a budget of minAvailable 1: the
	// drain at 10 s evicts one (then 1 healthy, 0 allowed) and keeps
	// the other, trying again every 5 s (kubectl drain's retry); EvictPod
	// refuses it with the eviction API's 429 message.
	pdbs := []jobsim.PodDisruptionBudget{{Name: "web", Selector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		MinAvailable: &jobsim.IntOrPercent{Value: 1}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 4000}), PodDisruptionBudgets: pdbs})
	job := withLabels(newJob("web", 2, 2), "app", "web")
	job.Spec.Template.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "n-0"}
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.DrainNode("n-0"); err != nil {
		t.Fatal(err)
	}
	evicted := 0
	var kept string
	for _, p := range h.Pods() {
		if c, ok := p.Status.Condition(jobsim.DisruptionTarget); ok && c.Reason == "EvictionByEvictionAPI" {
			evicted++
		} else {
			kept = p.Name
		}
	}
	diff(t, "evicted at once", 1, evicted)
	err := c.EvictPod("default", kept)
	var budgetErr *jobsim.DisruptionBudgetError
	if !errors.As(err, &budgetErr) || budgetErr.Budget != "web" || err.Error() != "Cannot evict pod as it would violate the pod's disruption budget." {
		t.Errorf("EvictPod: %v, want the budget's refusal", err)
	}
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	// The replacement is pinned to n-0 too, which is cordoned: it pends,
	// so 1 pod stays healthy and the drain keeps waiting.
	for _, p := range h.Pods() {
		if p.Name == kept {
			if _, ok := p.Status.Condition(jobsim.DisruptionTarget); ok {
				t.Errorf("%s evicted although its budget allows no disruption", p.Name)
			}
		}
	}
}

func TestDrainRetriesUntilTheBudgetAllows(t *testing.T) {
	// n-1 starts cordoned, so both pods go to n-0. At 10 s n-1 is
	// uncordoned and n-0 drained: one pod is evicted, its replacement
	// comes after the 10 s backoff of one failure, on n-1, Ready at once,
	// and the drain's next try after that (every 5 s from 10 s) evicts
	// the other pod: at 20 s or 25 s.
	pdbs := []jobsim.PodDisruptionBudget{{Name: "web", Selector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		MinAvailable: &jobsim.IntOrPercent{Value: 1}}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 4000}), PodDisruptionBudgets: pdbs})
	if err := c.DrainNode("n-1"); err != nil {
		t.Fatal(err)
	}
	submit(t, c, withLabels(newJob("web", 2, 2), "app", "web"), jobsim.Forever())
	c.At(at(10*time.Second), func() {
		if err := c.RecoverNode("n-1"); err != nil {
			t.Error(err)
		}
		if err := c.DrainNode("n-0"); err != nil {
			t.Error(err)
		}
	})
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	var times []time.Duration
	for _, e := range c.Events() {
		if e.Reason == "EvictionByEvictionAPI" {
			times = append(times, e.Time.Sub(epoch))
		}
	}
	if len(times) != 2 || times[0] != 10*time.Second || times[1] != 20*time.Second && times[1] != 25*time.Second {
		t.Errorf("evictions at %v, want 10s and then 20s or 25s", times)
	}
}

func TestTaintManagerEvictsFromANodesOwnNoExecuteTaint(t *testing.T) {
	// A node configured with a NoExecute taint: a pod tolerating it for
	// 30 s is bound there and evicted 30 s later (the taint manager counts
	// from when it sees the pod on the tainted node); one tolerating it
	// without tolerationSeconds stays.
	ns := []jobsim.Node{{Name: "n-0", Capacity: jobsim.ResourceList{"cpu": 4000},
		Taints: []jobsim.Taint{{Key: "maintenance", Effect: jobsim.TaintNoExecute}}}}
	for _, tc := range []struct {
		name    string
		period  *time.Duration
		evicted time.Duration
	}{{"30s", jobsim.Ptr(30 * time.Second), 30 * time.Second}, {"forever", nil, 0}} {
		c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
		job := newJob("tol", 1, 1)
		job.Spec.Template.Spec.Tolerations = []jobsim.Toleration{{Key: "maintenance", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute, TolerationPeriod: tc.period}}
		submit(t, c, job, jobsim.Forever())
		if err := c.Advance(time.Hour); err != nil {
			t.Fatal(err)
		}
		var got time.Duration
		for _, e := range c.Events() {
			if e.Reason == "DeletionByTaintManager" {
				got = e.Time.Sub(epoch)
				break
			}
		}
		diff(t, tc.name+": evicted at", tc.evicted, got)
	}
}

func TestUnschedulableMessageByVersion(t *testing.T) {
	// Up to 1.36 the DynamicResources plugin's PostFilter runs before
	// DefaultPreemption and reports "no new claims to deallocate"; the
	// framework joins the two reasons. 1.37 has no such PostFilter.
	for _, tc := range []struct {
		v    jobsim.Version
		post string
	}{
		{jobsim.V1_34, " no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."},
		{jobsim.V1_36, " no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."},
		{jobsim.V1_37, " preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."},
	} {
		c := jobsim.NewCluster(jobsim.Config{Version: tc.v, Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
		h := submit(t, c, requesting(newJob("two", 2, 2), jobsim.ResourceList{"cpu": 1000}), jobsim.Forever())
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		var msg string
		for _, p := range h.Pods() {
			if p.Spec.NodeName == "" {
				msg = podScheduled(p).Message
			}
		}
		diff(t, tc.v.String()+": message", "0/1 nodes are available: 1 Insufficient cpu."+tc.post, msg)
	}
}
