package manifest

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"

	"github.com/jobsim/jobsim"
)

// parseScenario parses a scenario of the test, failing on problems.
func parseScenario(t *testing.T, text string) *Scenario {
	t.Helper()
	s, err := Parse("test.scenario.yaml", []byte(text), Options{ReadFile: mapFiles(fuzzFiles)})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// run simulates a scenario to its end.
func run(t *testing.T, s *Scenario, opts SimOptions) *Simulation {
	t.Helper()
	sim, err := s.Simulate(opts)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	if err := sim.Run(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sim
}

// inlineJob is a scenario job entry with an inline Job whose spec lines
// (indented 6) are spec, and whose pod spec lines (indented 10) are
// podSpec.
func inlineJob(name, spec, podSpec string) string {
	return inlineJobMeta(name, spec, "", podSpec)
}

// inlineJobMeta is inlineJob with the lines of the pod template's
// metadata (indented 10).
func inlineJobMeta(name, spec, podMeta, podSpec string) string {
	meta := ""
	if podMeta != "" {
		meta = "        metadata:\n" + podMeta
	}
	return "- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: " + name + "}\n    spec:\n" + spec +
		"      template:\n" + meta + "        spec:\n" + podSpec +
		"          restartPolicy: Never\n"
}

// TestRequests checks what the scheduler is given of the pod template:
// requests, the limits of resources not requested, init containers,
// nodeSelector, priorityClassName and manualSelector.
func TestRequests(t *testing.T) {
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
jobs:
`+inlineJobMeta("x", "      manualSelector: true\n      selector: {matchLabels: {app: x}}\n", "          labels: {app: x}\n",
		`          nodeSelector: {disk: ssd}
          priorityClassName: batch
          initContainers:
          - name: init
            image: busybox:1.36
            resources: {requests: {cpu: 2500m}}
          containers:
          - name: a
            image: busybox:1.36
            resources:
              requests: {cpu: 0.5, memory: 1Gi}
              limits: {cpu: "1", memory: 2Gi, nvidia.com/gpu: 1, ephemeral-storage: 1G}
          - name: b
            image: busybox:1.36
`))
	spec := s.Jobs[0].Manifest.Job.Spec
	got := map[string]jobsim.ResourceList{}
	for _, c := range append(spec.Template.Spec.InitContainers, spec.Template.Spec.Containers...) {
		got[c.Name] = c.Requests
	}
	want := map[string]jobsim.ResourceList{
		"init": {"cpu": 2500},
		"a":    {"cpu": 500, "memory": 1 << 30, "nvidia.com/gpu": 1, "ephemeral-storage": 1e9},
		"b":    nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"disk": "ssd"}, spec.Template.Spec.NodeSelector); diff != "" {
		t.Errorf("nodeSelector (-want +got):\n%s", diff)
	}
	if spec.Template.Spec.PriorityClassName != "batch" || !spec.ManualSelector {
		t.Errorf("priorityClassName %q, manualSelector %t", spec.Template.Spec.PriorityClassName, spec.ManualSelector)
	}
}

// TestConfig checks the cluster a scenario describes.
func TestConfig(t *testing.T) {
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
seed: 3
nodes:
- {name: cpu, count: 2, capacity: {cpu: 3500m, memory: 8Gi}}
- {name: gpu, labels: {accelerator: a100}, capacity: {cpu: "16", pods: 20, nvidia.com/gpu: 4}}
priorityClasses:
- {name: low, value: -5, globalDefault: true}
- {name: high, value: 1000000, preemptionPolicy: Never, description: urgent}
scheduler: {scoring: MostAllocated, latency: 2s}
jobs: [{file: job.yaml}]
`)
	cfg := s.Config()
	wantNodes := []jobsim.Node{
		{Name: "cpu-0", Capacity: jobsim.ResourceList{"cpu": 3500, "memory": 8 << 30}},
		{Name: "cpu-1", Capacity: jobsim.ResourceList{"cpu": 3500, "memory": 8 << 30}},
		{Name: "gpu-0", Labels: map[string]string{"accelerator": "a100"}, Capacity: jobsim.ResourceList{"cpu": 16000, "pods": 20, "nvidia.com/gpu": 4}},
	}
	if diff := cmp.Diff(wantNodes, cfg.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	wantClasses := []jobsim.PriorityClass{
		{Name: "low", Value: -5, GlobalDefault: true, PreemptionPolicy: "PreemptLowerPriority"},
		{Name: "high", Value: 1000000, PreemptionPolicy: "Never"},
	}
	if diff := cmp.Diff(wantClasses, cfg.PriorityClasses); diff != "" {
		t.Errorf("priority classes (-want +got):\n%s", diff)
	}
	if cfg.Seed != 3 || cfg.SchedulingLatency != 2*time.Second || cfg.Scoring == nil {
		t.Errorf("seed %d, latency %v, scoring %v", cfg.Seed, cfg.SchedulingLatency, cfg.Scoring)
	}
	// MostAllocated prefers the fuller node.
	load := func(used int64) jobsim.NodeLoad {
		return jobsim.NodeLoad{CPUAllocatable: 1000, CPURequested: used, MemoryAllocatable: 1000, MemoryRequested: used}
	}
	if cfg.Scoring.Score(load(900)) <= cfg.Scoring.Score(load(100)) {
		t.Errorf("scoring is not MostAllocated")
	}
	if err := jobsim.ValidateConfig(cfg); err != nil {
		t.Errorf("ValidateConfig: %v", err)
	}
}

// capacityScenario is ten pods of 1 CPU on two nodes of 2 CPUs.
const capacityScenario = `apiVersion: jobsim/v1alpha1
kind: Scenario
nodes:
- {name: w, count: 2, capacity: {cpu: "2", memory: 8Gi}}
jobs:
` + `- job:
    apiVersion: batch/v1
    kind: Job
    metadata: {name: par}
    spec:
      completions: 10
      parallelism: 10
      template:
        spec:
          containers: [{name: a, image: b, resources: {requests: {cpu: "1", memory: 1Gi}}}]
          restartPolicy: Never
  pods: {default: {run: 30s}}
`

// TestCapacity checks pods left pending for lack of room: their status
// and events, the job's metrics and annotations, and the nodes' use.
func TestCapacity(t *testing.T) {
	s := parseScenario(t, capacityScenario)
	var events []jobsim.Event
	sim := run(t, s, SimOptions{NodeUse: true, Observer: jobsim.ObserverFunc(func(e jobsim.Event) { events = append(events, e) })})
	failed := 0
	for _, e := range events {
		if e.Reason == "FailedScheduling" {
			failed++
			if !strings.HasPrefix(e.Message, "0/2 nodes are available: 2 Insufficient cpu.") {
				t.Errorf("FailedScheduling message %q", e.Message)
			}
		}
	}
	if failed != 6 {
		t.Errorf("%d FailedScheduling events, want 6", failed)
	}
	h := sim.Jobs()[0]
	m := h.Metrics()
	// Waves at 0s, 30s, 1m: 4 pods wait 0, 4 wait 30s, 2 wait 1m.
	want := jobsim.JobMetrics{PodsBound: 10, MeanQueueWait: 24 * time.Second, MaxQueueWait: time.Minute, RunTime: 5 * time.Minute, Makespan: 90 * time.Second}
	if m != want {
		t.Errorf("metrics %+v, want %+v", m, want)
	}
	jobs, _ := sim.Objects()
	for k, v := range map[string]string{
		PodsBoundAnnotation: "10", QueueWaitMeanAnnotation: "24s", QueueWaitMaxAnnotation: "1m0s",
		RunTimeAnnotation: "5m0s", MakespanAnnotation: "1m30s",
	} {
		if got := jobs[0].Annotations[k]; got != v {
			t.Errorf("annotation %s = %q, want %q", k, got, v)
		}
	}
	// The nodes' use adds up to the cluster's.
	cluster := sim.Cluster().Utilisation()
	var sum float64
	nodeOf := map[string]string{}
	for _, p := range sim.Cluster().Pods() {
		nodeOf[p.Name] = p.Spec.NodeName
	}
	for _, n := range sim.Cluster().Nodes() {
		u, ok := sim.NodeUse(n.Name)
		if !ok || len(u.Bound) != 5 || u.Pods != 5 {
			t.Errorf("%s: use %+v, %t", n.Name, u, ok)
		}
		for _, p := range u.Bound {
			if nodeOf[p] != n.Name {
				t.Errorf("%s is bound to %q, want %s", p, nodeOf[p], n.Name)
			}
		}
		sum += u.Utilisation["cpu"]
	}
	if math.Abs(sum/2-cluster["cpu"]) > 1e-9 || math.Abs(cluster["cpu"]-5.0/6) > 1e-9 {
		t.Errorf("cpu use: nodes %v, cluster %v, want 5/6", sum/2, cluster["cpu"])
	}
}

// TestPendingOutput checks a pending pod and the nodes as -o json shows
// them, when the simulation stops with pods still pending.
func TestPendingOutput(t *testing.T) {
	s := parseScenario(t, capacityScenario)
	sim := run(t, s, SimOptions{Until: 20 * time.Second})
	jobs, pods := sim.Objects()
	if len(jobs) != 1 || len(pods) != 10 {
		t.Fatalf("%d jobs, %d pods", len(jobs), len(pods))
	}
	pending := 0
	for _, p := range pods {
		if p.Spec.Priority == nil || *p.Spec.Priority != 0 || p.Spec.PreemptionPolicy == nil || len(p.Spec.Tolerations) != 2 {
			t.Errorf("%s: priority %v, preemptionPolicy %v, tolerations %v", p.Name, p.Spec.Priority, p.Spec.PreemptionPolicy, p.Spec.Tolerations)
		}
		if p.Spec.NodeName != "" {
			continue
		}
		pending++
		if p.Status.Phase != corev1.PodPending || len(p.Status.ContainerStatuses) != 0 || p.Status.StartTime != nil {
			t.Errorf("%s: phase %s, %d container statuses, startTime %v", p.Name, p.Status.Phase, len(p.Status.ContainerStatuses), p.Status.StartTime)
		}
		c := p.Status.Conditions
		want := "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
		if len(c) != 1 || c[0].Type != corev1.PodScheduled || c[0].Status != corev1.ConditionFalse || c[0].Reason != "Unschedulable" || c[0].Message != want {
			t.Errorf("%s: conditions %+v", p.Name, c)
		}
	}
	if pending != 6 {
		t.Errorf("%d pods pending, want 6", pending)
	}
	nodes := sim.Nodes()
	if len(nodes) != 2 {
		t.Fatalf("%d nodes", len(nodes))
	}
	n := nodes[0]
	if got := n.Status.Capacity.Cpu().String() + " " + n.Status.Allocatable.Memory().String() + " " + n.Status.Capacity.Pods().String(); got != "2 8Gi 110" {
		t.Errorf("capacity %s", got)
	}
	if c := n.Status.Conditions; len(c) != 1 || c[0].Type != corev1.NodeReady || c[0].Status != corev1.ConditionTrue || n.Spec.Unschedulable || len(n.Spec.Taints) != 0 {
		t.Errorf("node %+v", n)
	}
	data, err := sim.ListJSON()
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct{ Kind string }
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range list.Items {
		if len(kinds) == 0 || kinds[len(kinds)-1] != it.Kind {
			kinds = append(kinds, it.Kind)
		}
	}
	if diff := cmp.Diff([]string{"Job", "Pod", "Node"}, kinds); diff != "" {
		t.Errorf("kinds of the List's items (-want +got):\n%s", diff)
	}
}

// TestNodeFailure checks the timings of a node failure, the fault
// order, and the failed node as -o json shows it.
func TestNodeFailure(t *testing.T) {
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
faults:
- {at: 3m, node: w-0, action: drain}
- {at: 1m, node: w-1, action: fail}
nodes:
- {name: w, count: 2, capacity: {cpu: "4", memory: 8Gi}}
jobs:
`+inlineJob("idx", "      completions: 2\n      parallelism: 2\n      completionMode: Indexed\n",
		"          containers: [{name: a, image: b, resources: {requests: {cpu: \"1\"}}}]\n")+
		"  pods: {default: {forever: true}}\n")
	var got []string
	on := map[string]string{} // the node of each pod
	sim := run(t, s, SimOptions{Until: 7 * time.Minute, Observer: jobsim.ObserverFunc(func(e jobsim.Event) {
		switch e.Reason {
		case "Scheduled":
			on[e.Object.Name] = e.Related
		case "NodeFailed", "NodeNotReady", "NodeNotSchedulable", "DeletionByTaintManager", "EvictionByEvictionAPI":
			got = append(got, e.Time.Sub(s.Start).String()+" "+e.Object.String()+" "+e.Reason)
		}
	})})
	// The pods are spread, one per node. The replacement of the one on
	// w-1 goes to w-0 at 6m50s, but it is cordoned then: it stays
	// pending.
	var onW0, onW1 string
	for p, n := range on {
		if n == "w-0" {
			onW0 = p
		} else {
			onW1 = p
		}
	}
	want := []string{
		"1m0s node/w-1 NodeFailed",
		"1m50s node/w-1 NodeNotReady",
		"3m0s node/w-0 NodeNotSchedulable",
		"3m0s pod/" + onW0 + " EvictionByEvictionAPI",
		"6m50s pod/" + onW1 + " DeletionByTaintManager",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	nodes := sim.Nodes()
	w0, w1 := nodes[0], nodes[1]
	if !w0.Spec.Unschedulable || len(w0.Spec.Taints) != 1 || w0.Spec.Taints[0].Key != "node.kubernetes.io/unschedulable" {
		t.Errorf("drained node %+v", w0.Spec)
	}
	c := w1.Status.Conditions[0]
	if c.Status != corev1.ConditionUnknown || c.Reason != "NodeStatusUnknown" || !c.LastTransitionTime.Time.Equal(s.Start.Add(110*time.Second)) ||
		!c.LastHeartbeatTime.Time.Equal(s.Start.Add(time.Minute)) || len(w1.Spec.Taints) != 2 {
		t.Errorf("failed node: condition %+v, taints %+v", c, w1.Spec.Taints)
	}
}

// TestPriorities checks priority classes in the output: the global
// default named in pods that name none, the class's preemption policy,
// and the priority; and that a class named without any declared means
// priority 0.
func TestPriorities(t *testing.T) {
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
priorityClasses:
- {name: low, value: 10, globalDefault: true}
- {name: high, value: 100, preemptionPolicy: Never}
jobs:
`+inlineJob("a", "", "          containers: [{name: a, image: b}]\n")+inlineJob("b", "", "          priorityClassName: high\n          containers: [{name: a, image: b}]\n"))
	_, pods := run(t, s, SimOptions{}).Objects()
	var got []string
	for _, p := range pods {
		got = append(got, p.Spec.PriorityClassName+" "+string(*p.Spec.PreemptionPolicy)+" "+jsonString(*p.Spec.Priority))
	}
	if diff := cmp.Diff([]string{"low PreemptLowerPriority 10", "high Never 100"}, got); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}

	s = parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+inlineJob("a", "", "          priorityClassName: whatever\n          containers: [{name: a, image: b}]\n"))
	_, pods = run(t, s, SimOptions{}).Objects()
	if len(pods) != 1 || *pods[0].Spec.Priority != 0 || pods[0].Spec.PriorityClassName != "whatever" {
		t.Errorf("pods %+v", pods)
	}
}

func jsonString(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

// TestManualSelector checks that the pods of a job with a manual selector
// carry no generated labels, and are still listed with their job.
func TestManualSelector(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+
		inlineJobMeta("m", "      manualSelector: true\n      selector: {matchLabels: {app: m}}\n", "          labels: {app: m}\n", "          containers: [{name: a, image: b}]\n")+
		"  pods: {default: {forever: true}}\n")
	sim := run(t, s, SimOptions{Until: time.Minute})
	_, pods := sim.Objects()
	if len(pods) != 1 {
		t.Fatalf("%d pods, want 1", len(pods))
	}
	p := pods[0]
	if diff := cmp.Diff(map[string]string{"app": "m"}, p.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if p.OwnerReferences[0].UID == "" || string(p.OwnerReferences[0].UID) != sim.Jobs()[0].UID() {
		t.Errorf("owner %+v", p.OwnerReferences)
	}
}
