package manifest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// restartRulesJob has a container restart rule with the action
// RestartAllContainers, and (with scheduling) the spec.scheduling field
// of 1.37.
func restartRulesJob(scheduling bool) string {
	s := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: rr}\nspec:\n"
	if scheduling {
		s += "  scheduling:\n    schedulingPolicy: {basic: {}}\n"
	}
	return s + `  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: i
          restartPolicyRules:
            - action: RestartAllContainers
              exitCodes: {operator: In, values: [42]}
`
}

// problemsOf parses data on version v and returns its problems and
// notices, as FILE:LINE: text.
func problemsOf(t *testing.T, data string, v jobsim.Version) (problems, notices []string) {
	t.Helper()
	s, err := manifest.Parse("job.yaml", []byte(data), manifest.Options{Version: v})
	for _, p := range manifest.Problems(err) {
		problems = append(problems, p.String())
	}
	if err != nil && problems == nil {
		t.Fatal(err)
	}
	if s != nil {
		for _, n := range s.Notices {
			notices = append(notices, n.String())
		}
	}
	return problems, notices
}

// TestRestartAllContainersByVersion follows VERSIONS.md (restart rules):
// ContainerRestartRules is alpha and off in 1.34, so the API server drops
// a container's restartPolicyRules; beta from 1.35, where the action
// RestartAllContainers needs RestartAllContainersOnContainerExits, alpha
// in 1.35 (refused: supported values: "Restart") and beta from 1.36
// (accepted, but jobsim's kubelet does not simulate restart rules).
func TestRestartAllContainersByVersion(t *testing.T) {
	const rules = "job.yaml:11: spec.template.spec.containers[0].restartPolicyRules: Forbidden: not supported by jobsim: container restart rules"
	for _, tc := range []struct {
		v        jobsim.Version
		problems []string
		notices  []string
	}{
		{jobsim.V1_34, nil, []string{"job.yaml:1: Kubernetes 1.34 drops spec.template.spec.containers[0].restartPolicy and restartPolicyRules (ContainerRestartRules is off)"}},
		{jobsim.V1_35, []string{`job.yaml:12: spec.template.spec.containers[0].restartPolicyRules[0].action: Unsupported value: "RestartAllContainers": supported values: "Restart"`}, nil},
		{jobsim.V1_36, []string{rules}, nil},
		{jobsim.V1_37, []string{rules}, nil},
	} {
		problems, notices := problemsOf(t, restartRulesJob(false), tc.v)
		if diff := cmp.Diff(tc.problems, problems); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tc.v, diff)
		}
		if diff := cmp.Diff(tc.notices, notices); diff != "" {
			t.Errorf("%s: notices (-want +got):\n%s", tc.v, diff)
		}
	}
}

// TestSchedulingFieldByVersion: spec.scheduling is new in 1.37, so
// strict field validation refuses it as an unknown field before; on 1.37
// the API server drops it while WorkloadWithJob (alpha) is off.
func TestSchedulingFieldByVersion(t *testing.T) {
	job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: s}\nspec:\n  scheduling:\n    schedulingPolicy: {basic: {}}\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i}]\n"
	for _, v := range []jobsim.Version{jobsim.V1_34, jobsim.V1_35, jobsim.V1_36} {
		problems, _ := problemsOf(t, job, v)
		if len(problems) != 1 || !strings.HasPrefix(problems[0], `job.yaml:5: spec.scheduling: unknown field "scheduling"`) {
			t.Errorf("%s: problems %q, want spec.scheduling: unknown field at line 5", v, problems)
		}
	}
	problems, notices := problemsOf(t, job, jobsim.V1_37)
	want := []string{"job.yaml:1: Kubernetes 1.37 drops spec.scheduling (its gate WorkloadWithJob is off)"}
	if problems != nil || !cmp.Equal(notices, want) {
		t.Errorf("1.37: problems %q, notices %q; want none and %q", problems, notices, want)
	}
}

// TestManagedByDroppedWithoutItsGate: JobManagedBy is beta in 1.34 and
// may be turned off there; the API server then drops spec.managedBy, and
// the Job controller manages the Job.
func TestManagedByDroppedWithoutItsGate(t *testing.T) {
	data := `apiVersion: jobsim/v1alpha1
kind: Scenario
jobs:
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: m}
      spec:
        managedBy: example.com/other
        template:
          spec:
            restartPolicy: Never
            containers: [{name: c, image: i}]
kubernetesVersion: "1.34"
featureGates:
  JobManagedBy: false
`
	s, err := manifest.Parse("s.yaml", []byte(data), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Jobs[0].Manifest.Job.Spec.ManagedBy; got != "" {
		t.Errorf("managedBy %q, want it dropped", got)
	}
	sim, err := s.Simulate(manifest.SimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(); err != nil {
		t.Fatal(err)
	}
	if st := sim.Jobs()[0].Status(); !st.IsTrue(jobsim.JobComplete) {
		t.Errorf("status %+v: want Complete, managed by the Job controller", st)
	}
}

// TestFeatureGatesInScenario checks featureGates as a scenario gives
// them: a gate named twice is a duplicate field, as any other key, and
// a value that is not a boolean is a problem at its line.
func TestFeatureGatesInScenario(t *testing.T) {
	data := "apiVersion: jobsim/v1alpha1\nkind: Scenario\nkubernetesVersion: \"1.37\"\nfeatureGates:\n  JobManagedBy: true\n  JobManagedBy: false\n  ContainerRestartRules: maybe\njobs:\n  - job: {apiVersion: batch/v1, kind: Job, metadata: {name: j}, spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}\n"
	_, err := manifest.Parse("s.yaml", []byte(data), manifest.Options{})
	var got []string
	for _, p := range manifest.Problems(err) {
		got = append(got, p.String())
	}
	want := []string{
		`s.yaml:6: featureGates.JobManagedBy: duplicate field "JobManagedBy" (first at line 5)`,
		`s.yaml:7: featureGates.ContainerRestartRules: expected a boolean (true or false), got a string ("maybe")`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
