package jobsim_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// Scheduling: nodes, requests, the Unschedulable condition, scoring,
// priority and preemption, node faults. Expectations follow
// kube-scheduler's rules and messages (v1.35.4).

func nodes(n int, prefix string, capacity jobsim.ResourceList) []jobsim.Node {
	out := make([]jobsim.Node, n)
	for i := range out {
		out[i] = jobsim.Node{Name: prefix + "-" + string(rune('0'+i)), Capacity: capacity}
	}
	return out
}

func requesting(job jobsim.Job, req jobsim.ResourceList) jobsim.Job {
	job.Spec.Template.Spec.Containers[0].Requests = req
	return job
}

func podScheduled(p jobsim.Pod) jobsim.PodCondition {
	c, _ := p.Status.Condition(jobsim.PodScheduled)
	return c
}

func TestUnschedulableMessageNamesWhatIsMissing(t *testing.T) {
	// 2 CPUs asked of nodes of 1: no node could hold the pod even empty,
	// so NodeResourcesFit's refusal is UnschedulableAndUnresolvable
	// (request above allocatable) and preemption is not helpful.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(3, "n", jobsim.ResourceList{"cpu": 1000, "memory": 4 << 30})})
	submit(t, c, requesting(newJob("big", 1, 1), jobsim.ResourceList{"cpu": 2000}), jobsim.Fixed(time.Minute, 0))
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods := c.Pods()
	if len(pods) != 1 {
		t.Fatalf("%d pods, want 1", len(pods))
	}
	cond := podScheduled(pods[0])
	want := "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if cond.Status != jobsim.ConditionFalse || cond.Reason != "Unschedulable" || cond.Message != want {
		t.Errorf("PodScheduled = %+v\nwant False, Unschedulable, %q", cond, want)
	}
	if pods[0].Status.Phase != jobsim.PodPending || pods[0].Spec.NodeName != "" {
		t.Errorf("pod phase %s on %q, want Pending and unbound", pods[0].Status.Phase, pods[0].Spec.NodeName)
	}
	if !hasEventWith(c, "FailedScheduling", want) {
		t.Error("no FailedScheduling event with that message")
	}
	if st := c.Job("", "big").Status(); st.Active != 1 || st.Ready != 0 {
		t.Errorf("job status %+v: a pending pod is active, not ready", st)
	}
}

func TestUnschedulableMessageCountsEachNodesFirstFailingFilter(t *testing.T) {
	// n-0 is cordoned, n-1's labels do not match, n-2 lacks memory (and
	// would lack nothing else): one reason each, sorted as strings. The
	// pod asks for more memory than n-2 has at all, so no node is one
	// where preemption could help.
	ns := nodes(3, "n", jobsim.ResourceList{"cpu": 4000, "memory": 1 << 30})
	for i := range ns {
		ns[i].Labels = map[string]string{"disk": "ssd"}
	}
	ns[1].Labels = map[string]string{"disk": "hdd"}
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
	if err := c.DrainNode("n-0"); err != nil {
		t.Fatal(err)
	}
	job := requesting(newJob("picky", 1, 1), jobsim.ResourceList{"cpu": 1000, "memory": 2 << 30})
	job.Spec.Template.Spec.NodeSelector = map[string]string{"disk": "ssd"}
	submit(t, c, job, nil)
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	want := "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable." +
		" preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if got := podScheduled(c.Pods()[0]).Message; got != want {
		t.Errorf("message\n%q\nwant\n%q", got, want)
	}
}

func hasEventWith(c *jobsim.Cluster, reason, message string) bool {
	for _, e := range c.Events() {
		if e.Reason == reason && e.Message == message {
			return true
		}
	}
	return false
}

func TestParallelismVersusCapacity(t *testing.T) {
	// Parallelism 10 on two nodes that fit 2 pods each: 4 run at a time,
	// in waves at 0, 60 and 120 s; the job takes 180 s instead of 60 s.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 2000, "memory": 8 << 30})})
	h := submit(t, c, requesting(newJob("wide", 10, 10), jobsim.ResourceList{"cpu": 1000}), jobsim.Fixed(time.Minute, 0))
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	running, pending := 0, 0
	for _, p := range h.Pods() {
		switch p.Status.Phase {
		case jobsim.PodRunning:
			running++
		case jobsim.PodPending:
			pending++
		}
	}
	if running != 4 || pending != 6 {
		t.Errorf("at 1s: %d running, %d pending; want 4 and 6", running, pending)
	}
	run(t, c)
	m := h.Metrics()
	want := jobsim.JobMetrics{PodsBound: 10, MeanQueueWait: 48 * time.Second, MaxQueueWait: 2 * time.Minute, RunTime: 10 * time.Minute, Makespan: 3 * time.Minute}
	diff(t, "metrics", want, m)
	// Two pods of 1000m on 2000m for 180 s each node: 1 CPU-second per
	// second on average... 10 pods × 60 s × 1000m over 2 nodes × 2000m ×
	// 180 s = 600/720.
	if u := c.Utilisation()["cpu"]; u < 0.8333 || u > 0.8334 {
		t.Errorf("cpu utilisation %v, want 600/720", u)
	}
}

func TestLeastAllocatedSpreadsAndMostAllocatedPacks(t *testing.T) {
	// Three equal empty nodes tie for the first pod, which goes to any of
	// them (kube-scheduler draws among ties). LeastAllocated then prefers
	// the nodes with more room left, so each pod gets a node of its own;
	// MostAllocated prefers the fullest node that fits, so all three share
	// the first one's.
	for _, tc := range []struct {
		policy jobsim.ScoringPolicy
		want   []int // pods per used node
	}{
		{jobsim.LeastAllocated, []int{1, 1, 1}},
		{jobsim.MostAllocated, []int{3}},
	} {
		c := jobsim.NewCluster(jobsim.Config{Scoring: tc.policy, Nodes: nodes(3, "n", jobsim.ResourceList{"cpu": 4000, "memory": 8 << 30})})
		h := submit(t, c, requesting(newJob("spread", 3, 3), jobsim.ResourceList{"cpu": 1000, "memory": 1 << 30}), jobsim.Forever())
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		perNode := map[string]int{}
		for _, p := range h.Pods() {
			perNode[p.Spec.NodeName]++
		}
		got := slices.Sorted(maps.Values(perNode))
		diff(t, tc.policy.(jobsim.BuiltinScoring).String()+": pods per used node", tc.want, got)
	}
}

func TestPodsWaitForCapacityAndBindWhenItFrees(t *testing.T) {
	// One node fits one pod: the second waits until the first finishes,
	// and is bound at that instant.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
	h := submit(t, c, requesting(newJob("serial", 2, 2), jobsim.ResourceList{"cpu": 1000}), jobsim.Fixed(30*time.Second, 0))
	run(t, c)
	var bound []time.Duration
	for _, e := range c.Events() {
		if e.Reason == "Scheduled" {
			bound = append(bound, e.Time.Sub(epoch))
		}
	}
	diff(t, "bind times", secs(0, 30), bound)
	if st := h.Status(); st.CompletionTime != at(time.Minute) {
		t.Errorf("completed at %v, want 1m", st.CompletionTime.Sub(epoch))
	}
}

func TestNodeSelectorAndExtendedResources(t *testing.T) {
	ns := []jobsim.Node{
		{Name: "cpu-0", Capacity: jobsim.ResourceList{"cpu": 8000}},
		{Name: "gpu-0", Labels: map[string]string{"accelerator": "a100"}, Capacity: jobsim.ResourceList{"cpu": 8000, "nvidia.com/gpu": 2}},
	}
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
	job := requesting(newJob("train", 3, 3), jobsim.ResourceList{"nvidia.com/gpu": 1})
	job.Spec.Template.Spec.NodeSelector = map[string]string{"accelerator": "a100"}
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	var onGPU, pending int
	for _, p := range h.Pods() {
		switch p.Spec.NodeName {
		case "gpu-0":
			onGPU++
		case "":
			pending++
			want := "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node affinity/selector."
			if msg := podScheduled(p).Message; !strings.HasPrefix(msg, want) {
				t.Errorf("message %q, want it to start with %q", msg, want)
			}
		default:
			t.Errorf("pod %s on %s, which lacks the label", p.Name, p.Spec.NodeName)
		}
	}
	if onGPU != 2 || pending != 1 {
		t.Errorf("%d pods on the GPU node, %d pending; want 2 and 1", onGPU, pending)
	}
}

// Without declared nodes, the one default node has room for every
// resource, extended ones included: a GPU request binds there. With
// declared nodes of which none has the resource, NodeResourcesFit reports
// it on each node.
func TestExtendedResourceOnTheDefaultNodeAndOnNodesWithoutIt(t *testing.T) {
	gpu := jobsim.ResourceList{"nvidia.com/gpu": 1}

	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, requesting(newJob("train", 1, 1), gpu), jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	for _, p := range h.Pods() {
		if p.Spec.NodeName == "" {
			t.Errorf("pod %s pending on the default node: %q", p.Name, podScheduled(p).Message)
		}
	}

	c = jobsim.NewCluster(jobsim.Config{Nodes: []jobsim.Node{{Name: "cpu-0", Capacity: jobsim.ResourceList{"cpu": 4000}}, {Name: "cpu-1", Capacity: jobsim.ResourceList{"cpu": 4000}}}})
	h = submit(t, c, requesting(newJob("train", 1, 1), gpu), jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	want := "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. "
	for _, p := range h.Pods() {
		if p.Spec.NodeName != "" {
			t.Errorf("pod %s bound to %s, which has no nvidia.com/gpu", p.Name, p.Spec.NodeName)
		}
		if msg := podScheduled(p).Message; !strings.HasPrefix(msg, want) {
			t.Errorf("message %q, want it to start with %q", msg, want)
		}
	}
}

func TestUnknownPriorityClassIsRefused(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{PriorityClasses: []jobsim.PriorityClass{{Name: "high", Value: 1000}}})
	job := newJob("nope", 1, 1)
	job.Spec.Template.Spec.PriorityClassName = "urgent"
	// A NotFound field error reads as apimachinery's ErrorBody words it:
	// the type, the quoted value, the detail.
	want := `Job.batch "nope" is invalid: spec.template.spec.priorityClassName: Not found: "urgent": no PriorityClass with name urgent was found`
	if _, err := c.Submit(job, nil); err == nil || err.Error() != want {
		t.Errorf("unknown priority class: err = %v\nwant %s", err, want)
	}
}

func withPriority(job jobsim.Job, class string, selector map[string]string) jobsim.Job {
	job.Spec.Template.Spec.PriorityClassName = class
	job.Spec.Template.Spec.NodeSelector = selector
	return job
}

var priorities = []jobsim.PriorityClass{{Name: "low", Value: 0, GlobalDefault: true}, {Name: "mid", Value: 500}, {Name: "high", Value: 1000}}

func TestQueueOrdersPendingPodsByPriorityThenAge(t *testing.T) {
	// A high-priority blocker holds the only slot until 10 s. A low job
	// (created at 1 s) and a mid job (2 s) wait; neither can preempt the
	// blocker. When it finishes, the mid job's pod goes first.
	c := jobsim.NewCluster(jobsim.Config{PriorityClasses: priorities, Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
	cpu := jobsim.ResourceList{"cpu": 1000}
	submit(t, c, requesting(withPriority(newJob("blocker", 1, 1), "high", nil), cpu), jobsim.Fixed(10*time.Second, 0))
	c.At(at(time.Second), func() { submit(t, c, requesting(newJob("low", 1, 1), cpu), jobsim.Fixed(10*time.Second, 0)) })
	c.At(at(2*time.Second), func() {
		submit(t, c, requesting(withPriority(newJob("mid", 1, 1), "mid", nil), cpu), jobsim.Fixed(10*time.Second, 0))
	})
	run(t, c)
	done := func(name string) time.Duration {
		return c.Job("", name).Status().CompletionTime.Sub(epoch)
	}
	if done("mid") != 20*time.Second || done("low") != 30*time.Second {
		t.Errorf("mid done at %v, low at %v; want 20s and 30s", done("mid"), done("low"))
	}
}

func TestQueueKeepsEqualPriorityPodsInQueueOrderBehindALongWait(t *testing.T) {
	// PrioritySort orders equal-priority pods by the time they were
	// queued. 700 pods of an Indexed job are created in index order and
	// wait for the only 1-CPU node, one at a time: they must start in
	// index order, however long the queue has been waiting.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
	job := requesting(newJob("queue", 700, 700), jobsim.ResourceList{"cpu": 1000})
	job.Spec.CompletionMode = jobsim.Indexed
	h := submit(t, c, job, jobsim.Fixed(time.Second, 0))
	run(t, c)
	pods := h.Pods()
	if len(pods) != 700 {
		t.Fatalf("%d pods, want 700 (one per index, none failed)", len(pods))
	}
	slices.SortFunc(pods, func(a, b jobsim.Pod) int { return a.Index() - b.Index() })
	for i := 1; i < len(pods); i++ {
		if !pods[i].Status.StartTime.After(pods[i-1].Status.StartTime) {
			t.Fatalf("index %d started at %v, not after index %d at %v", i, pods[i].Status.StartTime.Sub(epoch), i-1, pods[i-1].Status.StartTime.Sub(epoch))
		}
	}
}

func TestPreemptionChoosesTheNodeWithTheLowestPriorityVictims(t *testing.T) {
	// n-0 runs a low (0) and a mid (500) pod, n-1 two mid pods; each node
	// is full. A high (1000) pod needs one slot: deleting the low pod on
	// n-0 is enough and its victims' highest priority (0) is the lowest.
	// The mid pod on n-0 is spared (reprieved). The victim's job ignores
	// disruptions in its podFailurePolicy, so the preemption does not count
	// as a failure.
	ns := nodes(2, "n", jobsim.ResourceList{"cpu": 2000})
	ns[0].Labels = map[string]string{"pool": "a"}
	ns[1].Labels = map[string]string{"pool": "b"}
	c := jobsim.NewCluster(jobsim.Config{PriorityClasses: priorities, Nodes: ns})
	cpu := jobsim.ResourceList{"cpu": 1000}
	low := requesting(withPriority(newJob("low", 1, 1), "low", map[string]string{"pool": "a"}), cpu)
	low.Spec.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{{
		Action: jobsim.ActionIgnore, OnPodConditions: []jobsim.PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget"}}}}}
	lowH := submit(t, c, low, jobsim.Forever())
	submit(t, c, requesting(withPriority(newJob("mid-a", 1, 1), "mid", map[string]string{"pool": "a"}), cpu), jobsim.Forever())
	submit(t, c, requesting(withPriority(newJob("mid-b", 2, 2), "mid", map[string]string{"pool": "b"}), cpu), jobsim.Forever())
	c.At(at(10*time.Second), func() {
		submit(t, c, requesting(withPriority(newJob("urgent", 1, 1), "high", nil), cpu), jobsim.Fixed(time.Minute, 0))
	})
	var preempted []string
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == "Preempted" {
			preempted = append(preempted, e.Job)
		}
	}))
	if err := c.RunUntil(at(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "jobs whose pods were preempted", []string{"low"}, preempted)
	urgent := c.Job("", "urgent").Pods()[0]
	if urgent.Spec.NodeName != "n-0" || urgent.Status.Phase != jobsim.PodRunning {
		t.Errorf("urgent pod on %q, %s; want running on n-0 once the victim is gone", urgent.Spec.NodeName, urgent.Status.Phase)
	}
	if !hasEventWith(c, "PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod") {
		t.Error("the victim got no DisruptionTarget (PreemptionByScheduler)")
	}
	// Ignored failures still feed the pod-failure backoff: the low job's
	// replacement is created 10 s after the victim stopped, and waits.
	if err := c.RunUntil(at(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	st := lowH.Status()
	if st.Failed != 0 || st.Active != 1 || lowH.PodsCreated() != 2 {
		t.Errorf("low job %+v, %d pods: want the preemption ignored (failed 0) and a replacement pending", st, lowH.PodsCreated())
	}
	// The replacement cannot preempt anyone: it waits.
	for _, p := range lowH.Pods() {
		if p.Status.Phase == jobsim.PodPending && !strings.Contains(podScheduled(p).Message, "No preemption victims found") {
			t.Errorf("pending replacement: %q", podScheduled(p).Message)
		}
	}
}

func TestPreemptionPrefersTheNodeWhoseVictimsStartedLatest(t *testing.T) {
	// Two full nodes whose victims tie on every other rule (no budgets,
	// the same priorities, two victims each): pickOneNodeForPreemption
	// then takes the node whose highest-priority victims' earliest start
	// is the latest, so the work that has run the shortest is lost. The
	// pods of n-0 started at 0 s, those of n-1 at 5 s: the urgent pod
	// preempts on n-1, although n-0 comes first.
	ns := nodes(2, "n", jobsim.ResourceList{"cpu": 2000})
	ns[0].Labels = map[string]string{"pool": "a"}
	ns[1].Labels = map[string]string{"pool": "b"}
	c := jobsim.NewCluster(jobsim.Config{PriorityClasses: priorities, Nodes: ns})
	cpu := jobsim.ResourceList{"cpu": 1000}
	submit(t, c, requesting(withPriority(newJob("early", 2, 2), "low", map[string]string{"pool": "a"}), cpu), jobsim.Forever())
	c.At(at(5*time.Second), func() {
		submit(t, c, requesting(withPriority(newJob("late", 2, 2), "low", map[string]string{"pool": "b"}), cpu), jobsim.Forever())
	})
	c.At(at(10*time.Second), func() {
		submit(t, c, requesting(withPriority(newJob("urgent", 1, 1), "high", nil), jobsim.ResourceList{"cpu": 2000}), jobsim.Forever())
	})
	var preempted []string
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == "Preempted" {
			preempted = append(preempted, e.Job)
		}
	}))
	if err := c.RunUntil(at(11 * time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "jobs whose pods were preempted", []string{"late", "late"}, preempted)
	if urgent := c.Job("", "urgent").Pods()[0]; urgent.Spec.NodeName != "n-1" {
		t.Errorf("urgent pod on %q, want n-1", urgent.Spec.NodeName)
	}
}

func faultCluster(t *testing.T) (*jobsim.Cluster, *jobsim.JobHandle) {
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(2, "n", jobsim.ResourceList{"cpu": 2000})})
	job := requesting(newJob("shards", 4, 4), jobsim.ResourceList{"cpu": 1000})
	job.Spec.CompletionMode = jobsim.Indexed
	h := submit(t, c, job, jobsim.Fixed(20*time.Minute, 0))
	return c, h
}

func onNode(h *jobsim.JobHandle, node string) (names []string) {
	for _, p := range h.Pods() {
		if p.Spec.NodeName == node {
			names = append(names, p.Name)
		}
	}
	return names
}

func TestNodeFailure(t *testing.T) {
	// Indexed job, 4 pods on 2 nodes with room for 2 each. n-1 fails at
	// 100 s. The node lifecycle controller
	// notices 50 s later: n-1 not Ready, its pods not Ready. The taint
	// manager evicts them 300 s after that (DeletionByTaintManager); they
	// count as failed at once (podReplacementPolicy TerminatingOrFailed) but
	// stay terminating, the kubelet being gone. Their finish time is when
	// they stopped being Ready (150 s), so the 20 s backoff of 2 failures
	// has passed and the replacements are created at 450 s, and wait: n-0
	// is full and n-1 not Ready. At 600 s n-1 recovers: its kubelet kills
	// the deleted pods and the replacements are bound there.
	c, h := faultCluster(t)
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if got := len(onNode(h, "n-1")); got != 2 {
		t.Fatalf("%d pods on n-1, want 2", got)
	}
	c.At(at(100*time.Second), func() {
		if err := c.FailNode("n-1"); err != nil {
			t.Error(err)
		}
	})
	c.At(at(600*time.Second), func() {
		if err := c.RecoverNode("n-1"); err != nil {
			t.Error(err)
		}
	})
	check := func(d time.Duration, ready, active, terminating, failed int, nodeReady bool) {
		t.Helper()
		if err := c.RunUntil(at(d)); err != nil {
			t.Fatal(err)
		}
		st := h.Status()
		if st.Ready != ready || st.Active != active || st.Terminating != terminating || st.Failed != failed {
			t.Errorf("at %v: ready %d active %d terminating %d failed %d; want %d %d %d %d", d, st.Ready, st.Active, st.Terminating, st.Failed, ready, active, terminating, failed)
		}
		if n := c.Nodes()[1]; n.Ready != nodeReady {
			t.Errorf("at %v: n-1 Ready %v, want %v", d, n.Ready, nodeReady)
		}
	}
	check(149*time.Second, 4, 4, 0, 0, true)
	check(150*time.Second, 2, 4, 0, 0, false)
	check(449*time.Second, 2, 4, 0, 0, false)
	check(450*time.Second, 2, 4, 2, 2, false)
	for _, p := range h.Pods() {
		if p.Spec.NodeName == "n-1" {
			if c, _ := p.Status.Condition(jobsim.DisruptionTarget); c.Reason != "DeletionByTaintManager" || p.DeletionTime.IsZero() {
				t.Errorf("pod %s on the failed node: DisruptionTarget %+v, deletion %v", p.Name, c, p.DeletionTime)
			}
		}
		if p.Spec.NodeName == "" && !strings.Contains(podScheduled(p).Message, "1 node(s) had untolerated taint(s)") {
			t.Errorf("replacement %s: %q", p.Name, podScheduled(p).Message)
		}
	}
	check(600*time.Second, 4, 4, 0, 2, true)
	if got := len(onNode(h, "n-1")); got != 2 {
		t.Errorf("%d pods on n-1 after recovery, want the 2 replacements", got)
	}
}

func TestNodeDrain(t *testing.T) {
	// Draining n-1 at 100 s cordons it and evicts its pods, which stop at
	// once (exit 143) and count as failed. Their replacements wait out the
	// 20 s backoff, then fit nowhere (n-0 full, n-1 cordoned) until n-1 is
	// made schedulable again at 300 s.
	c, h := faultCluster(t)
	c.At(at(100*time.Second), func() {
		if err := c.DrainNode("n-1"); err != nil {
			t.Error(err)
		}
	})
	c.At(at(300*time.Second), func() {
		if err := c.RecoverNode("n-1"); err != nil {
			t.Error(err)
		}
	})
	if err := c.RunUntil(at(130 * time.Second)); err != nil {
		t.Fatal(err)
	}
	st := h.Status()
	if st.Failed != 2 || st.Active != 4 || st.Ready != 2 || h.PodsCreated() != 6 {
		t.Errorf("at 130s: %+v, %d pods; want 2 failed, 2 running and 2 pending replacements", st, h.PodsCreated())
	}
	if !c.Nodes()[1].Unschedulable {
		t.Error("n-1 not cordoned")
	}
	if !hasEventWith(c, "EvictionByEvictionAPI", "Eviction API: evicting") {
		t.Error("no eviction")
	}
	for _, p := range h.Pods() {
		if p.Spec.NodeName == "" && !strings.Contains(podScheduled(p).Message, "1 node(s) were unschedulable") {
			t.Errorf("replacement %s: %q", p.Name, podScheduled(p).Message)
		}
	}
	if err := c.RunUntil(at(300 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Ready != 4 {
		t.Errorf("after uncordoning: %+v, want 4 ready", st)
	}
}

func TestSchedulingLatency(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{SchedulingLatency: 2 * time.Second})
	h := submit(t, c, newJob("slow", 1, 1), jobsim.Fixed(10*time.Second, 0))
	run(t, c)
	if st := h.Status(); st.CompletionTime != at(12*time.Second) {
		t.Errorf("completed at %v, want 12s (bound 2 s after creation)", st.CompletionTime.Sub(epoch))
	}
	if m := h.Metrics(); m.MaxQueueWait != 2*time.Second {
		t.Errorf("queue wait %v, want 2s", m.MaxQueueWait)
	}
}

func TestUsageHistory(t *testing.T) {
	// One node; a pod of 1 CPU from 0 to 30 s, a second of 500m from 10 to
	// 20 s.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 4000})})
	submit(t, c, requesting(newJob("a", 1, 1), jobsim.ResourceList{"cpu": 1000}), jobsim.Fixed(30*time.Second, 0))
	c.At(at(10*time.Second), func() {
		submit(t, c, requesting(newJob("b", 1, 1), jobsim.ResourceList{"cpu": 500}), jobsim.Fixed(10*time.Second, 0))
	})
	run(t, c)
	var got []string
	for _, s := range c.UsageHistory() {
		got = append(got, s.Time.Sub(epoch).String()+" "+jobsim.FormatQuantity("cpu", s.Requested["cpu"]))
	}
	diff(t, "usage", []string{"0s 1", "10s 1500m", "20s 1", "30s 0"}, got)
}

func TestPodDeletedWhileItsNodeIsDownStopsWhenItRecovers(t *testing.T) {
	// A 1 m run on a node that fails at 10 s and recovers at 20 m. The taint
	// manager deletes the pod at 10 s + 50 s + 300 s, but its kubelet is
	// away: the pod stops only at 20 m, when the kubelet sends SIGTERM and
	// the process exits at once (143), Failed. It had run 10 s: its run
	// does not count the time its node was down.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
	h := submit(t, c, newJob("paused", 1, 1), jobsim.Fixed(time.Minute, 0))
	c.At(at(10*time.Second), func() { _ = c.FailNode("n-0") })
	c.At(at(20*time.Minute), func() { _ = c.RecoverNode("n-0") })
	if err := c.RunUntil(at(20*time.Minute - time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Events() {
		if e.Reason == "Killing" {
			t.Errorf("a Killing event at %v from a node whose kubelet is down", e.Time.Sub(epoch))
		}
	}
	if err := c.RunUntil(at(20 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	var exit *jobsim.Event
	for _, e := range c.Events() {
		if e.Exited {
			exit = &e
		}
	}
	if exit == nil || exit.Time != at(20*time.Minute) || exit.ExitCode != 143 {
		t.Fatalf("container end %+v, want exit 143 at 20m", exit)
	}
	if m := h.Metrics(); m.RunTime != 10*time.Second {
		t.Errorf("run time %v, want 10s", m.RunTime)
	}
}

// A node operation on a node the cluster lacks fails as the API server's
// GET of an unknown node does: `nodes "NAME" not found`, as a typed error
// a program can tell from others.
func TestNodeOperationsOnAnUnknownNodeReturnNodeNotFoundError(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 1000})})
	for name, op := range map[string]func(string) error{"FailNode": c.FailNode, "DrainNode": c.DrainNode, "RecoverNode": c.RecoverNode} {
		err := op("missing")
		var nf *jobsim.NodeNotFoundError
		if !errors.As(err, &nf) || nf.Name != "missing" {
			t.Errorf("%s(missing) = %v, want a *NodeNotFoundError for missing", name, err)
			continue
		}
		if got, want := err.Error(), `nodes "missing" not found`; got != want {
			t.Errorf("%s(missing): %q, want %q", name, got, want)
		}
		if err := op("n-0"); err != nil {
			t.Errorf("%s(n-0) = %v, want nil", name, err)
		}
	}
}

func TestNodeSelectorIsNotShared(t *testing.T) {
	// The cluster keeps its own copy of a submitted template: changing the
	// caller's job or a pod snapshot afterwards changes nothing.
	ns := []jobsim.Node{
		{Name: "a", Labels: map[string]string{"zone": "a"}, Capacity: jobsim.ResourceList{"pods": 1}},
		{Name: "b", Labels: map[string]string{"zone": "b"}, Capacity: jobsim.ResourceList{"pods": 1}},
	}
	c := jobsim.NewCluster(jobsim.Config{Nodes: ns})
	job := newJob("mine", 2, 2)
	job.Spec.Template.Spec.NodeSelector = map[string]string{"zone": "b"}
	h := submit(t, c, job, jobsim.Forever())
	job.Spec.Template.Spec.NodeSelector["zone"] = "a"
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods := h.Pods()
	pods[0].Spec.NodeSelector["zone"] = "a"
	var bound []string
	for _, p := range h.Pods() {
		bound = append(bound, p.Spec.NodeName)
		diff(t, "nodeSelector of "+p.Name, map[string]string{"zone": "b"}, p.Spec.NodeSelector)
	}
	diff(t, "nodes", []string{"b", ""}, bound)
	diff(t, "job's nodeSelector", map[string]string{"zone": "b"}, h.Spec().Template.Spec.NodeSelector)
}

func TestTheDefaultNodeHasNoPodsLimit(t *testing.T) {
	// Without Config.Nodes the one node has unlimited capacity, "pods"
	// included (not the kubelet's 110): its view has no Capacity, and the
	// checker accepts 150 pods there at once.
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("wide", 150, 150), jobsim.Fixed(time.Minute, 0))
	c.At(at(time.Second), func() {
		if st := h.Status(); st.Active != 150 {
			t.Errorf("status %+v, want 150 running", st)
		}
		if n := c.Nodes()[0]; n.Capacity != nil || len(n.Pods) != 150 {
			t.Errorf("node-0: capacity %v, %d pods; want none (unlimited) and 150", n.Capacity, len(n.Pods))
		}
	})
	if err := jobsimtest.Check(c); err != nil {
		t.Error(err)
	}
}
