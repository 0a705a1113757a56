package manifest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	"sigs.k8s.io/yaml"

	"github.com/jobsim/jobsim"
)

// affinityJob is a job of three pods that run forever and require a node
// of pool gpu, or one named cpu-1.
var affinityJob = inlineJob("train", "      completions: 3\n      parallelism: 3\n", `          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [{key: pool, operator: In, values: [gpu]}]
                - matchFields: [{key: metadata.name, operator: In, values: [cpu-1]}]
              preferredDuringSchedulingIgnoredDuringExecution:
              - {weight: 10, preference: {matchExpressions: [{key: zone, operator: In, values: [b]}]}}
          containers: [{name: a, image: b, resources: {requests: {cpu: "1"}}}]
`) + "  pods: {default: {forever: true}}\n"

// TestRequiredNodeAffinityWithNodes checks that a scenario with nodes
// takes a required node affinity and schedules onto the nodes it admits:
// cpu-1 (first, as the emptiest), then the gpu pool; cpu-0, which would
// score as high, stays empty.
func TestRequiredNodeAffinityWithNodes(t *testing.T) {
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
nodes:
- {name: cpu, count: 2, labels: {pool: cpu}, capacity: {cpu: "8", memory: 8Gi, pods: 1}}
- {name: gpu, count: 2, labels: {pool: gpu}, capacity: {cpu: "1", memory: 8Gi}}
jobs:
`+affinityJob)
	sim := run(t, s, SimOptions{Until: time.Minute})
	_, pods := sim.Objects()
	got := map[string]int{}
	for _, p := range pods {
		got[p.Spec.NodeName]++
	}
	if diff := cmp.Diff(map[string]int{"gpu-0": 1, "gpu-1": 1, "cpu-1": 1}, got); diff != "" {
		t.Errorf("pods per node (-want +got):\n%s", diff)
	}
	// The affinity reaches jobsim as given, preferred terms included.
	want := &jobsim.Affinity{NodeAffinity: &jobsim.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &jobsim.NodeSelector{NodeSelectorTerms: []jobsim.NodeSelectorTerm{
			{MatchExpressions: []jobsim.NodeSelectorRequirement{{Key: "pool", Operator: jobsim.NodeSelectorOpIn, Values: []string{"gpu"}}}},
			{MatchFields: []jobsim.NodeSelectorRequirement{{Key: jobsim.NodeNameField, Operator: jobsim.NodeSelectorOpIn, Values: []string{"cpu-1"}}}},
		}},
		PreferredDuringSchedulingIgnoredDuringExecution: []jobsim.PreferredSchedulingTerm{
			{Weight: 10, Preference: jobsim.NodeSelectorTerm{MatchExpressions: []jobsim.NodeSelectorRequirement{{Key: "zone", Operator: jobsim.NodeSelectorOpIn, Values: []string{"b"}}}}},
		},
	}}
	if diff := cmp.Diff(want, s.Jobs[0].Manifest.Job.Spec.Template.Spec.Affinity); diff != "" {
		t.Errorf("affinity (-want +got):\n%s", diff)
	}
}

// TestRequiredNodeAffinityWithoutNodes checks that without nodes the
// cluster's one node, node-0, which has no labels, does not take a pod
// that requires a label: it stays pending with kube-scheduler's message,
// and -o yaml shows its affinity as the template gives it.
func TestRequiredNodeAffinityWithoutNodes(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+affinityJob)
	sim := run(t, s, SimOptions{Until: time.Minute})
	jobs, pods := sim.Objects()
	if len(pods) != 3 {
		t.Fatalf("%d pods, want 3", len(pods))
	}
	// The first term names no node, so the PreFilter keeps node-0 and the
	// filter refuses it.
	const msg = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." +
		" preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
	tmpl := jobs[0].Spec.Template.Spec.Affinity
	for _, p := range pods {
		c := p.Status.Conditions
		if p.Spec.NodeName != "" || p.Status.Phase != corev1.PodPending || len(c) != 1 || c[0].Reason != "Unschedulable" || c[0].Message != msg {
			t.Errorf("%s on %q, %s, conditions %+v", p.Name, p.Spec.NodeName, p.Status.Phase, c)
		}
		if diff := cmp.Diff(tmpl, p.Spec.Affinity); diff != "" || tmpl == nil {
			t.Errorf("%s: affinity differs from the template's (-want +got):\n%s", p.Name, diff)
		}
	}
	// -o yaml shows it as given.
	data, err := yaml.Marshal(pods[0])
	if err != nil {
		t.Fatal(err)
	}
	var shown corev1.Pod
	if err := yaml.Unmarshal(data, &shown); err != nil {
		t.Fatal(err)
	}
	want := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: corev1.NodeSelectorOpIn, Values: []string{"gpu"}}}},
			{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"cpu-1"}}}},
		}},
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{
			{Weight: 10, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"b"}}}}},
		},
	}}
	if diff := cmp.Diff(want, shown.Spec.Affinity); diff != "" {
		t.Errorf("affinity in -o yaml (-want +got):\n%s", diff)
	}
}

// TestRequiredNodeAffinityByLabelWithoutNodes: a term on labels alone
// fails in the filter, not the PreFilter. (The one node has the kubelet's
// labels, kubernetes.io/os among them, and no others.)
func TestRequiredNodeAffinityByLabelWithoutNodes(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+inlineJob("x", "", `          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}]}]
          containers: [{name: a, image: b}]
`))
	// node-0 has the kubelet's kubernetes.io/os: linux, not windows.
	_, pods := run(t, s, SimOptions{Until: time.Minute}).Objects()
	want := "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." +
		" preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
	if len(pods) != 1 || len(pods[0].Status.Conditions) != 1 || pods[0].Status.Conditions[0].Message != want {
		t.Errorf("pods %+v", pods)
	}
}

// TestRequiredNodeAffinityProblems checks that a manifest's node affinity
// is validated as the API server validates it, each problem at its line.
func TestRequiredNodeAffinityProblems(t *testing.T) {
	_, err := Parse("test.scenario.yaml", []byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes: [{name: a}]\njobs:\n"+inlineJob("x", "", `          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions:
                  - {key: zone, operator: Near, values: [a]}
                  - {key: gpu, operator: Exists, values: [x]}
                  matchFields:
                  - {key: metadata.uid, operator: In, values: [u]}
              preferredDuringSchedulingIgnoredDuringExecution:
              - {weight: 0, preference: {}}
          containers: [{name: a, image: b}]
`)), Options{})
	got := strings.Split(strings.TrimSpace(errString(err)), "\n")
	const p = "jobs[0].job.spec.template.spec.affinity.nodeAffinity."
	want := []string{
		`test.scenario.yaml:17: ` + p + `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
		`test.scenario.yaml:18: ` + p + "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		`test.scenario.yaml:20: ` + p + `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key`,
		`test.scenario.yaml:22: ` + p + `preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
