package manifest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"

	"github.com/jobsim/jobsim"
)

const scenarioHead = "apiVersion: jobsim/v1alpha1\nkind: Scenario\n"

// TestConvertScheduling checks that what a pod template tells the
// scheduler is kept in jobsim's types as written: tolerations, pod
// affinity and anti-affinity (matchLabelKeys not merged), spread
// constraints and scheduling gates, with nodes or without.
func TestConvertScheduling(t *testing.T) {
	s := parseScenario(t, scenarioHead+"nodes: [{name: a, zones: [z1]}]\njobs:\n"+inlineJobMeta("x", "", "          labels: {app: x}\n", `          schedulingGates: [{name: example.com/quota}, {name: wait}]
          tolerations:
          - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
          - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 10}
          - {operator: Exists}
          affinity:
            podAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector: {matchLabels: {app: db}}
                namespaces: [data]
                topologyKey: topology.kubernetes.io/zone
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector: {matchExpressions: [{key: app, operator: In, values: [x]}]}
                topologyKey: kubernetes.io/hostname
                matchLabelKeys: [batch.kubernetes.io/controller-uid]
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                podAffinityTerm:
                  labelSelector: {}
                  namespaceSelector: {matchLabels: {team: a}}
                  topologyKey: topology.kubernetes.io/zone
                  mismatchLabelKeys: [app]
          topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: topology.kubernetes.io/zone
            whenUnsatisfiable: DoNotSchedule
            labelSelector: {matchLabels: {app: x}}
            minDomains: 3
            nodeAffinityPolicy: Ignore
            nodeTaintsPolicy: Honor
            matchLabelKeys: [batch.kubernetes.io/job-name]
          - {maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}
          containers: [{name: a, image: b}]
`))
	got := s.Jobs[0].Manifest.Job.Spec.Template.Spec
	ten := 10 * time.Second
	want := jobsim.PodSpec{
		SchedulingGates: []string{"example.com/quota", "wait"},
		Tolerations: []jobsim.Toleration{
			{Key: "dedicated", Operator: jobsim.TolerationOpEqual, Value: "gpu", Effect: jobsim.TaintNoSchedule},
			{Key: jobsim.TaintNodeUnreachable, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute, TolerationPeriod: &ten},
			{Operator: jobsim.TolerationOpExists},
		},
		Affinity: &jobsim.Affinity{
			PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
				LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
				Namespaces:    []string{"data"}, TopologyKey: jobsim.LabelZone,
			}}},
			PodAntiAffinity: &jobsim.PodAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
					LabelSelector:  &jobsim.LabelSelector{MatchExpressions: []jobsim.LabelSelectorRequirement{{Key: "app", Operator: jobsim.LabelSelectorOpIn, Values: []string{"x"}}}},
					TopologyKey:    jobsim.LabelHostname,
					MatchLabelKeys: []string{jobsim.ControllerUIDLabel},
				}},
				PreferredDuringSchedulingIgnoredDuringExecution: []jobsim.WeightedPodAffinityTerm{{Weight: 50, PodAffinityTerm: jobsim.PodAffinityTerm{
					LabelSelector:     &jobsim.LabelSelector{},
					NamespaceSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
					TopologyKey:       jobsim.LabelZone,
					MismatchLabelKeys: []string{"app"},
				}}},
			},
		},
		TopologySpreadConstraints: []jobsim.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
				LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, MinDomains: jobsim.Ptr(int32(3)),
				NodeAffinityPolicy: jobsim.NodeInclusionPolicyIgnore, NodeTaintsPolicy: jobsim.NodeInclusionPolicyHonor,
				MatchLabelKeys: []string{jobsim.JobNameLabel}},
			{MaxSkew: 2, TopologyKey: jobsim.LabelHostname, WhenUnsatisfiable: jobsim.ScheduleAnyway},
		},
	}
	opts := cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".SchedulingGates", ".Tolerations", ".Affinity", ".TopologySpreadConstraints":
			return false
		}
		return len(p) == 2
	}, cmp.Ignore())
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("scheduling fields (-want +got):\n%s", diff)
	}

	// The pods' templates keep the fields as written.
	sim := run(t, s, SimOptions{Until: time.Second})
	_, pods := sim.Objects()
	if len(pods) != 1 {
		t.Fatalf("%d pods", len(pods))
	}
	ps := pods[0].Spec
	if diff := cmp.Diff([]corev1.PodSchedulingGate{{Name: "example.com/quota"}, {Name: "wait"}}, ps.SchedulingGates); diff != "" {
		t.Errorf("pod's schedulingGates (-want +got):\n%s", diff)
	}
	if len(ps.TopologySpreadConstraints) != 2 || ps.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].MatchLabelKeys[0] != jobsim.ControllerUIDLabel {
		t.Errorf("pod spec %+v", ps)
	}
}

// TestSchedulingProblems checks the template's scheduling fields are
// validated as the API server validates them, each problem at its line,
// and what is still refused as not simulated.
func TestSchedulingProblems(t *testing.T) {
	job := func(podSpec string) string {
		return scenarioHead + "jobs:\n" + inlineJobMeta("x", "", "          labels: {app: x}\n", podSpec+"          containers: [{name: a, image: b}]\n")
	}
	const p = "jobs[0].job.spec.template.spec"
	for _, tt := range []struct {
		name  string
		input string
		want  []want
	}{
		{"validateTolerations: empty key needs Exists; Equal's bad value at .operator", job("          tolerations:\n          - {value: x}\n          - {key: k, value: \"-\"}\n"), []want{
			{14, p + ".tolerations[0].operator", `Invalid value: "": operator must be Exists when ` + "`key`" + ` is empty`},
			{15, p + ".tolerations[1].operator", `Invalid value: "-": a valid label must be an empty string`},
		}},
		{"validateTolerations: tolerationSeconds needs NoExecute", job("          tolerations: [{key: k, operator: Exists, tolerationSeconds: 5}]\n"), []want{
			{13, p + ".tolerations[0].effect", "effect must be 'NoExecute' when `tolerationSeconds` is set"},
		}},
		{"validatePodAffinityTerm: topologyKey, at the term's line", job("          affinity:\n            podAntiAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n              - labelSelector: {matchLabels: {app: x}}\n"), []want{
			{16, p + ".affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "Required value: can not be empty"},
			{16, p + ".affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "name part must be non-empty"},
			{16, p + ".affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "name part must consist of"},
		}},
		{"validateSchedulingGates: duplicates", job("          schedulingGates: [{name: a}, {name: a}]\n"), []want{
			{13, p + ".schedulingGates[1]", `Duplicate value: "a"`},
		}},
		{"validateTopologySpreadConstraints: maxSkew, whenUnsatisfiable", job("          topologySpreadConstraints:\n          - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: Maybe}\n"), []want{
			{14, p + ".topologySpreadConstraints[0].maxSkew", "Invalid value: 0: must be greater than zero"},
			{14, p + ".topologySpreadConstraints[0].whenUnsatisfiable", `Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"`},
		}},
		{"a key in matchLabels and matchLabelKeys: the Job passes, its pods would not", job("          topologySpreadConstraints:\n          - maxSkew: 1\n            topologyKey: zone\n            whenUnsatisfiable: DoNotSchedule\n            labelSelector: {matchLabels: {app: x}}\n            matchLabelKeys: [app, tier]\n"), []want{
			{18, p + ".topologySpreadConstraints[0].matchLabelKeys[0]", "not supported by jobsim: the API server would refuse every pod of the Job: it adds app In (the pod's value) to the labelSelector"},
		}},
		{"a generated label in matchLabels and matchLabelKeys", job("          affinity:\n            podAffinity:\n              preferredDuringSchedulingIgnoredDuringExecution:\n              - weight: 1\n                podAffinityTerm:\n                  topologyKey: zone\n                  labelSelector: {matchExpressions: [{key: job-name, operator: Exists}]}\n                  matchLabelKeys: [job-name]\n"), []want{
			{20, p + ".affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.matchLabelKeys[0]", "not supported by jobsim: the API server would refuse every pod"},
		}},
		{"DRA resource claims are refused", job("          resourceClaims: [{name: gpu, resourceClaimName: c}]\n"), []want{
			{13, p + ".resourceClaims", "not supported by jobsim: dynamic resource allocation"},
		}},
		{"runtimeClassName without runtimeClasses: any name is a class of neither overhead nor scheduling", job("          runtimeClassName: gvisor\n"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("run.scenario.yaml", []byte(tt.input), Options{ReadFile: mapFiles(fuzzFiles)})
			checkProblems(t, err, tt.want)
		})
	}
}

// TestComparisonOperators checks the toleration operators Gt and Lt are
// refused as each version's API server refuses them: 1.34 does not know
// them; 1.35 and later know them behind an alpha gate, off.
func TestComparisonOperators(t *testing.T) {
	for _, tt := range []struct {
		version, supported string
	}{
		{"1.34", `"Equal", "Exists"`},
		{"1.35", `"Equal", "Exists", "Lt", "Gt"`},
		{"1.37", `"Equal", "Exists", "Lt", "Gt"`},
	} {
		t.Run(tt.version, func(t *testing.T) {
			input := scenarioHead + "kubernetesVersion: \"" + tt.version + "\"\njobs:\n" +
				inlineJob("x", "", "          tolerations: [{key: cores, operator: Gt, value: \"4\"}]\n          containers: [{name: a, image: b}]\n")
			_, err := Parse("run.scenario.yaml", []byte(input), Options{})
			checkProblems(t, err, []want{{12, "jobs[0].job.spec.template.spec.tolerations[0].operator", `Unsupported value: "Gt": supported values: ` + tt.supported}})
		})
	}
	// A plain manifest is read as the latest version.
	_, _, err := DecodeJobs("job.yaml", []byte(manifestWith("PSPEC", "      tolerations: [{key: cores, operator: Lt, value: \"4\"}]")), Options{})
	checkProblems(t, err, []want{{9, "spec.template.spec.tolerations[0].operator", `Unsupported value: "Lt": supported values: "Equal", "Exists", "Lt", "Gt"`}})
}

// TestTopologyConfig checks the cluster a scenario's pools, zones,
// regions, taints and pdbs make.
func TestTopologyConfig(t *testing.T) {
	s := parseScenario(t, scenarioHead+`nodes:
- name: a
  count: 3
  zones: [z1, z2]
  region: r1
  labels: {disk: ssd}
  taints: [{key: dedicated, value: batch, effect: NoSchedule}, {key: spot, effect: PreferNoSchedule}]
- {name: b}
pdbs:
- {name: keep, selector: {matchLabels: {app: x}}, minAvailable: 2}
- name: half
  namespace: batch
  selector: {matchExpressions: [{key: app, operator: In, values: [x, z]}]}
  maxUnavailable: 50%
jobs: [{file: job.yaml}]
`)
	cfg := s.Config()
	taints := []jobsim.Taint{{Key: "dedicated", Value: "batch", Effect: jobsim.TaintNoSchedule}, {Key: "spot", Effect: jobsim.TaintPreferNoSchedule}}
	zone := func(z string) map[string]string {
		return map[string]string{"disk": "ssd", jobsim.LabelZone: z, jobsim.LabelRegion: "r1"}
	}
	wantNodes := []jobsim.Node{
		{Name: "a-0", Labels: zone("z1"), Taints: taints},
		{Name: "a-1", Labels: zone("z2"), Taints: taints},
		{Name: "a-2", Labels: zone("z1"), Taints: taints},
		{Name: "b-0"},
	}
	if diff := cmp.Diff(wantNodes, cfg.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	wantPDBs := []jobsim.PodDisruptionBudget{
		{Name: "keep", Namespace: "default", Selector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, MinAvailable: &jobsim.IntOrPercent{Value: 2}},
		{Name: "half", Namespace: "batch", Selector: &jobsim.LabelSelector{MatchExpressions: []jobsim.LabelSelectorRequirement{{Key: "app", Operator: jobsim.LabelSelectorOpIn, Values: []string{"x", "z"}}}},
			MaxUnavailable: &jobsim.IntOrPercent{Value: 50, Percent: true}},
	}
	if diff := cmp.Diff(wantPDBs, cfg.PodDisruptionBudgets); diff != "" {
		t.Errorf("pdbs (-want +got):\n%s", diff)
	}

	// -o json shows the pool's taints and labels, with the kubelet's.
	nodes := run(t, s, SimOptions{Until: time.Second}).Nodes()
	wantTaints := []corev1.Taint{{Key: "dedicated", Value: "batch", Effect: corev1.TaintEffectNoSchedule}, {Key: "spot", Effect: corev1.TaintEffectPreferNoSchedule}}
	if diff := cmp.Diff(wantTaints, nodes[1].Spec.Taints); diff != "" {
		t.Errorf("a-1's taints (-want +got):\n%s", diff)
	}
	wantLabels := map[string]string{"disk": "ssd", jobsim.LabelZone: "z2", jobsim.LabelRegion: "r1",
		jobsim.LabelHostname: "a-1", jobsim.LabelOS: "linux", jobsim.LabelArch: "amd64"}
	if diff := cmp.Diff(wantLabels, nodes[1].Labels); diff != "" {
		t.Errorf("a-1's labels (-want +got):\n%s", diff)
	}
}

// TestTopologyProblems checks the scenario's taints (as validateNodeTaints
// checks node taints), zones, regions and pdbs (as
// ValidatePodDisruptionBudgetSpec checks their specs), each at its line.
func TestTopologyProblems(t *testing.T) {
	const jobs = "jobs: [{file: job.yaml}]\n"
	for _, tt := range []struct {
		name  string
		input string
		want  []want
	}{
		{"validateNodeTaints", "nodes:\n- name: a\n  taints:\n  - {key: \"a b\", value: x, effect: NoSchedule}\n  - {key: k, effect: Sometimes}\n  - {key: k}\n  - {key: d, effect: NoExecute}\n  - {key: d, value: \"2\", effect: NoExecute}\n" + jobs, []want{
			{6, "nodes[0].taints[0].key", `Invalid value: "a b": name part must consist of`},
			{7, "nodes[0].taints[1].effect", `Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`},
			{8, "nodes[0].taints[2].effect", "Required value"},
			{10, "nodes[0].taints[4]", `Duplicate value: {"Key":"d","Value":"2","Effect":"NoExecute","TimeAdded":null}: taints must be unique by key and effect pair`},
		}},
		{"taint value must be a quoted string", "nodes:\n- name: a\n  taints: [{key: k, value: 2, effect: NoSchedule}]\n" + jobs, []want{
			{5, "nodes[0].taints[0].value", `expected a string, got`},
		}},
		{"zones: label values, unique, no more than nodes, not also in labels", "nodes:\n- name: a\n  count: 2\n  labels: {topology.kubernetes.io/zone: z, topology.kubernetes.io/region: r}\n  zones: [z1, z1, \"-bad\"]\n  region: eu\n" + jobs, []want{
			{6, "nodes[0].labels[topology.kubernetes.io/zone]", "Forbidden: zones sets this label; give one or the other"},
			{6, "nodes[0].labels[topology.kubernetes.io/region]", "Forbidden: region sets this label; give one or the other"},
			{7, "nodes[0].zones[1]", `Duplicate value: "z1"`},
			{7, "nodes[0].zones[2]", `Invalid value: "-bad": a valid label must be an empty string`},
		}},
		{"more zones than nodes", "nodes:\n- {name: a, count: 1, zones: [z1, z2]}\n" + jobs, []want{
			{4, "nodes[0].zones", `Invalid value: 2 zones for 1 node(s): zone "z2" would have no node`},
		}},
		{"pdbs: one of minAvailable and maxUnavailable", "pdbs:\n- {name: a}\n- {name: b, minAvailable: 1, maxUnavailable: 1}\n" + jobs, []want{
			{4, "pdbs[0].minAvailable", "Required value: give minAvailable or maxUnavailable"},
			{5, "pdbs[1]", `Invalid value: {"MinAvailable":1,"Selector":null,"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set`},
		}},
		{"pdbs: ValidatePositiveIntOrPercent and IsNotMoreThan100Percent", "pdbs:\n- name: a\n  minAvailable: -1\n- name: b\n  maxUnavailable: 150%\n- name: c\n  maxUnavailable: half\n- name: d\n  minAvailable: 1.5\n" + jobs, []want{
			{5, "pdbs[0].minAvailable", "Invalid value: -1: must be greater than or equal to 0"},
			{7, "pdbs[1].maxUnavailable", `Invalid value: "150%": must not be greater than 100%`},
			{9, "pdbs[2].maxUnavailable", `Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`},
			{11, "pdbs[3].minAvailable", `expected an integer or a percentage such as "50%"`},
		}},
		{"pdbs: the selector, then the name", "pdbs:\n- name: a\n  minAvailable: 1\n  selector:\n    matchExpressions:\n    - {key: app, operator: Exists, values: [x]}\n- {name: \"a/b\", minAvailable: 1}\n- {minAvailable: 1}\n" + jobs, []want{
			{8, "pdbs[0].selector.matchExpressions[0].values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"},
			{9, "pdbs[1].name", `Invalid value: "a/b": may not contain '/'`},
			{10, "pdbs[2].name", "Required value: name or generateName is required"},
		}},
		{"pdbs: unknown fields", "pdbs: [{name: a, minAvailable: 1, maxUnavaliable: 1}]\n" + jobs, []want{
			{3, "pdbs[0].maxUnavaliable", `unknown field "maxUnavaliable" (did you mean "maxUnavailable"?)`},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("run.scenario.yaml", []byte(scenarioHead+tt.input), Options{ReadFile: mapFiles(fuzzFiles)})
			checkProblems(t, err, tt.want)
		})
	}
}

// TestRemoveSchedulingGates checks the action: checked against the pod
// template's gates, and, when it runs, reported as failed while the
// cluster does not simulate gates.
func TestRemoveSchedulingGates(t *testing.T) {
	job := inlineJob("x", "", "          schedulingGates: [{name: quota}, {name: example.com/wait}]\n          containers: [{name: a, image: b}]\n")
	_, err := Parse("run.scenario.yaml", []byte(scenarioHead+"jobs:\n"+job+
		"  actions:\n  - {at: 1m, removeSchedulingGates: [quota, other, quota]}\n  - {at: 2m, removeSchedulingGates: []}\n  - {at: 3m, delete: true, removeSchedulingGates: [quota]}\n"), Options{})
	checkProblems(t, err, []want{
		{15, "jobs[0].actions[0].removeSchedulingGates[2]", `Duplicate value: "quota"`},
		{15, "jobs[0].actions[0].removeSchedulingGates[1]", `Invalid value: "other": the pod template has no such scheduling gate (it has quota, example.com/wait)`},
		{16, "jobs[0].actions[1].removeSchedulingGates", "Required value: name the scheduling gates to remove"},
		{17, "jobs[0].actions[2].delete", "Forbidden: a deletion comes alone"},
	})

	_, err = Parse("run.scenario.yaml", []byte(scenarioHead+"jobs:\n"+inlineJob("other", "", "          containers: [{name: a, image: b}]\n")+
		"  actions: [{at: 1m, removeSchedulingGates: [quota]}]\n"), Options{})
	checkProblems(t, err, []want{{13, "jobs[0].actions[0].removeSchedulingGates[0]", `Invalid value: "quota": the pod template has no such scheduling gate (it has none)`}})

	s := parseScenario(t, scenarioHead+"jobs:\n"+job+"  actions: [{at: 1m, removeSchedulingGates: [quota]}, {at: 2m, suspend: true, removeSchedulingGates: [example.com/wait]}]\n")
	var notes []string
	run(t, s, SimOptions{Until: 3 * time.Minute, Observer: jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == ReasonActionFailed || e.Reason == jobsim.ReasonSpecUpdated {
			notes = append(notes, e.Reason)
		}
	})})
	if len(notes) == 0 || !strings.Contains(strings.Join(notes, " "), jobsim.ReasonSpecUpdated) {
		t.Errorf("events %v: want the suspension's update", notes)
	}
}

// TestSpreadExample checks the example manifest of the scheduling fields
// is valid, on every version.
func TestSpreadExample(t *testing.T) {
	data := []byte(fuzzFiles["spread.yaml"])
	for _, v := range []jobsim.Version{jobsim.V1_34, jobsim.V1_35, jobsim.V1_36, jobsim.V1_37} {
		jobs, _, err := DecodeJobs("spread.yaml", data, Options{Version: v})
		if err != nil || len(jobs) != 1 {
			t.Fatalf("%s: %d jobs, %v", v, len(jobs), err)
		}
		if gates := jobs[0].Job.Spec.Template.Spec.SchedulingGates; len(gates) != 1 {
			t.Errorf("%s: gates %v", v, gates)
		}
	}
}
