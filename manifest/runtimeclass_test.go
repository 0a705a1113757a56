package manifest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/jobsim/jobsim"
)

const kataClasses = `runtimeClasses:
- name: kata
  handler: kata
  overhead: {podFixed: {cpu: 250m, memory: 120Mi}}
  scheduling:
    nodeSelector: {runtime: kata}
    tolerations: [{key: kata, operator: Exists, effect: NoSchedule}]
`

// TestRuntimeClassesParsed checks the scenario's runtimeClasses: are
// read into jobsim's types, and what the admission plugin gives a pod
// (the overhead, the merged nodeSelector, the toleration after the
// default ones) shows in its -o json object.
func TestRuntimeClassesParsed(t *testing.T) {
	s := parseScenario(t, scenarioHead+kataClasses+"nodes: [{name: k, labels: {runtime: kata}, capacity: {cpu: \"2\", memory: 1Gi}, taints: [{key: kata, effect: NoSchedule}]}]\njobs:\n"+
		inlineJob("x", "", "          runtimeClassName: kata\n          nodeSelector: {disk: any}\n          containers: [{name: a, image: b}]\n"))
	want := []jobsim.RuntimeClass{{Name: "kata", Handler: "kata", Overhead: jobsim.ResourceList{"cpu": 250, "memory": 120 << 20},
		NodeSelector: map[string]string{"runtime": "kata"},
		Tolerations:  []jobsim.Toleration{{Key: "kata", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoSchedule}}}}
	if diff := cmp.Diff(want, s.RuntimeClasses); diff != "" {
		t.Errorf("runtime classes (-want +got):\n%s", diff)
	}
	sim := run(t, s, SimOptions{Until: time.Second})
	_, pods := sim.Objects()
	if len(pods) != 1 {
		t.Fatalf("%d pods", len(pods))
	}
	ps := pods[0].Spec
	wantOverhead := corev1.ResourceList{"cpu": resource.MustParse("250m"), "memory": resource.MustParse("120Mi")}
	if !ps.Overhead.Cpu().Equal(wantOverhead["cpu"]) || !ps.Overhead.Memory().Equal(wantOverhead["memory"]) || len(ps.Overhead) != 2 {
		t.Errorf("pod overhead %v, want %v", ps.Overhead, wantOverhead)
	}
	if diff := cmp.Diff(map[string]string{"disk": "any", "runtime": "kata"}, ps.NodeSelector); diff != "" {
		t.Errorf("pod nodeSelector (-want +got):\n%s", diff)
	}
	var keys []string
	for _, tol := range ps.Tolerations {
		keys = append(keys, tol.Key)
	}
	if diff := cmp.Diff([]string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "kata"}, keys); diff != "" {
		t.Errorf("pod tolerations (-want +got):\n%s", diff)
	}
}

// TestRuntimeClassProblems checks the runtimeClasses: field is checked as
// the API server checks a RuntimeClass, each problem at its line, and
// the templates as the RuntimeClass admission plugin admits their pods.
func TestRuntimeClassProblems(t *testing.T) {
	job := func(podSpec string) string {
		return "jobs:\n" + inlineJob("x", "", podSpec+"          containers: [{name: a, image: b}]\n")
	}
	const p = "jobs[0].job.spec.template.spec"
	for _, tt := range []struct {
		name  string
		input string
		want  []want
	}{
		{"ValidateRuntimeClass: name, handler, overhead, tolerations", `runtimeClasses:
- name: Kata_1
  overhead: {podFixed: {cpu: -1, pods: 1}}
  scheduling:
    nodeSelector: {"bad key!": x}
    tolerations: [{key: a, operator: Exists}, {key: a, operator: Exists}, {value: v}]
` + job(""), []want{
			{4, "runtimeClasses[0].name", `Invalid value: "Kata_1"`},
			{4, "runtimeClasses[0].handler", "Required value"},
			{5, "runtimeClasses[0].overhead.podFixed[cpu]", `Invalid value: "-1": must be greater than or equal to 0`},
			{5, "runtimeClasses[0].overhead.podFixed[pods]", "must be a standard resource for containers"},
			{7, "runtimeClasses[0].scheduling.nodeSelector", `Invalid value: "bad key!"`},
			{8, "runtimeClasses[0].scheduling.tolerations[2].operator", "operator must be Exists when `key` is empty"},
			{8, "runtimeClasses[0].scheduling.tolerations[1]", "Duplicate value"},
		}},
		{"unknown field", "runtimeClasses: [{name: a, handler: a, overheads: {}}]\n" + job(""), []want{
			{3, "runtimeClasses[0].overheads", `unknown field "overheads" (did you mean "overhead"?)`},
		}},
		{"a class the scenario does not declare", kataClasses + job("          runtimeClassName: gvisor\n"), []want{
			{18, p + ".runtimeClassName", `Forbidden: pod rejected: RuntimeClass "gvisor" not found (the scenario declares kata)`},
		}},
		{"an overhead not the class's", kataClasses + job("          runtimeClassName: kata\n          overhead: {cpu: 250m}\n"), []want{
			{19, p + ".overhead", "Forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"},
		}},
		{"the class's overhead, as written", kataClasses + job("          runtimeClassName: kata\n          overhead: {cpu: 250m, memory: 120Mi}\n"), nil},
		{"a nodeSelector against the class's", kataClasses + job("          runtimeClassName: kata\n          nodeSelector: {runtime: runc}\n"), []want{
			{19, p + ".nodeSelector", "Forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("run.scenario.yaml", []byte(scenarioHead+tt.input), Options{})
			checkProblems(t, err, tt.want)
		})
	}
}

// TestSidecarsDecoded checks a sidecar (an init container with
// restartPolicy Always) is kept as one, and that its restartPolicyRules
// follow the version: dropped without ContainerRestartRules (1.34),
// refused without RestartAllContainersOnContainerExits (1.35, in
// validateInitContainerRestartPolicy's words), and from 1.36 accepted by
// the API server and refused as not simulated.
func TestSidecarsDecoded(t *testing.T) {
	const sc = "          initContainers:\n          - {name: proxy, image: envoy, restartPolicy: Always}\n"
	s := parseScenario(t, scenarioHead+"jobs:\n"+inlineJob("x", "", sc+"          containers: [{name: a, image: b}]\n"))
	ic := s.Jobs[0].Manifest.Job.Spec.Template.Spec.InitContainers
	if len(ic) != 1 || !ic[0].IsSidecar() {
		t.Errorf("init containers %+v, want one sidecar", ic)
	}
	rules := "          initContainers:\n          - name: proxy\n            image: envoy\n            restartPolicy: Always\n            restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [42]}}]\n"
	const path = "jobs[0].job.spec.template.spec.initContainers[0].restartPolicyRules"
	for _, tt := range []struct {
		version string
		want    []want
	}{
		{"1.34", nil},
		{"1.35", []want{{16, path, "Forbidden: restartPolicyRules are not allowed for init containers with restart policy Always"}}},
		{"1.37", []want{{16, path, "not supported by jobsim: container restart rules"}}},
	} {
		t.Run(tt.version, func(t *testing.T) {
			input := scenarioHead + "kubernetesVersion: \"" + tt.version + "\"\njobs:\n" + inlineJob("x", "", rules+"          containers: [{name: a, image: b}]\n")
			_, err := Parse("run.scenario.yaml", []byte(input), Options{})
			checkProblems(t, err, tt.want)
		})
	}
}
