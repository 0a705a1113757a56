package manifest_test

import (
	"fmt"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// A scenario with an inline Job whose pods fail twice before one
// succeeds: the Job controller replaces each failed pod after the
// pod-failure backoff (10 s, then 20 s).
func Example() {
	scenario := []byte(`
apiVersion: jobsim/v1alpha1
kind: Scenario
seed: 7
jobs:
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: retry}
      spec:
        template:
          spec:
            containers: [{name: main, image: busybox:1.36}]
            restartPolicy: Never
    pods:
      default: {run: 30s}
      runs:
        "0": [{run: 5s, exit: 1}]
        "1": [{run: 5s, exit: 1}]
`)
	s, err := manifest.Parse("retry.scenario.yaml", scenario, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := s.Simulate(manifest.SimOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := sim.Run(); err != nil {
		fmt.Println(err)
		return
	}
	h := sim.Jobs()[0]
	st := h.Status()
	fmt.Printf("%d pods, %d failed, %d succeeded\n", h.PodsCreated(), st.Failed, st.Succeeded)
	for _, c := range st.Conditions {
		fmt.Printf("%s=%s at %v (%s)\n", c.Type, c.Status, c.LastTransitionTime.Sub(s.Start), c.Reason)
	}
	// Output:
	// 3 pods, 2 failed, 1 succeeded
	// SuccessCriteriaMet=True at 1m10s (CompletionsReached)
	// Complete=True at 1m10s (CompletionsReached)
}

// Load reads a plain manifest (here the kiamol course's pi-job): its Job is
// submitted at the start, and its pods behave as the template's
// annotations say, by default 10 s and exit code 0.
func ExampleLoad() {
	s, err := manifest.Load("../examples/manifests/pi-job.yaml", manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	j := s.Jobs[0].Manifest
	fmt.Println(j.Object.Name, "completions:", *j.Object.Spec.Completions, "backoffLimit:", *j.Object.Spec.BackoffLimit)
	sim, err := s.Simulate(manifest.SimOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := sim.Run(); err != nil {
		fmt.Println(err)
		return
	}
	jobs, pods := sim.Objects()
	fmt.Println(jobs[0].Status.Conditions[1].Type, jobs[0].Status.CompletionTime.UTC())
	fmt.Println(pods[0].Name, pods[0].Status.Phase, pods[0].Status.ContainerStatuses[0].State.Terminated.ExitCode)
	// Output:
	// pi-job completions: 1 backoffLimit: 6
	// Complete 1970-01-01 00:00:10 +0000 UTC
	// pi-job-m87v2 Succeeded 0
}

// DecodeJobs decodes strictly and validates as the API server would,
// listing every problem with its line and field path.
func ExampleDecodeJobs() {
	data := []byte(`apiVersion: batch/v1
kind: Job
metadata:
  name: pi-job
spec:
  completion: 3
  parallelism: -1
  template:
    metadata:
      annotations:
        jobsim.dev/exit-code: 1
    spec:
      containers:
        - name: pi
          image: kiamol/ch05-pi
      restartPolicy: Always
`)
	_, _, err := manifest.DecodeJobs("pi-job.yaml", data, manifest.Options{})
	for _, p := range manifest.Problems(err) {
		fmt.Println(p)
	}
	// Output:
	// pi-job.yaml:6: spec.completion: unknown field "completion" (did you mean "completions"?)
	// pi-job.yaml:7: spec.parallelism: Invalid value: -1: must be greater than or equal to 0
	// pi-job.yaml:11: spec.template.metadata.annotations[jobsim.dev/exit-code]: expected a string, got an integer (1): put it in quotes ("1")
	// pi-job.yaml:16: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"
}

// Helm template markup is not YAML. Options.ReleaseName substitutes
// {{ .Release.Name }} as `helm template NAME` would.
func ExampleParse_helm() {
	tmpl := []byte(`apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-db-test
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: db
          image: postgres:11.8-alpine
`)
	_, err := manifest.Parse("todo-db-test-job.yaml", tmpl, manifest.Options{})
	fmt.Println(err)
	s, err := manifest.Parse("todo-db-test-job.yaml", tmpl, manifest.Options{ReleaseName: "todo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Jobs[0].Manifest.Job.Name)
	// Output:
	// todo-db-test-job.yaml:4: Helm template markup {{ .Release.Name }} is not YAML: render the chart with `helm template` first, or pass --set-release NAME to substitute .Release.Name
	// todo-db-test
}

// Step simulates one event at a time; SimOptions.Observer sees each event
// as it happens. Actions edit the job at their times, as kubectl would.
func ExampleSimulation_Step() {
	scenario := []byte(`
apiVersion: jobsim/v1alpha1
kind: Scenario
jobs:
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: batch}
      spec:
        completions: 3
        template:
          spec:
            containers: [{name: main, image: busybox:1.36}]
            restartPolicy: Never
    pods:
      default: {run: 20s}
    actions:
      - {at: 30s, parallelism: 2}
`)
	s, err := manifest.Parse("batch.scenario.yaml", scenario, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := s.Simulate(manifest.SimOptions{Observer: jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == "SuccessfulCreate" || e.Reason == jobsim.ReasonSpecUpdated || e.Reason == "Completed" && e.Object.Kind == jobsim.KindJob {
			fmt.Printf("%-4v %s %s\n", e.Time.Sub(s.Start), e.Reason, e.Message)
		}
	})})
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		ok, err := sim.Step()
		if err != nil {
			fmt.Println(err)
			return
		}
		if !ok {
			break
		}
	}
	fmt.Println("ended at", sim.End().Sub(s.Start))
	// Output:
	// 0s   SuccessfulCreate Created pod: batch-928f5
	// 20s  SuccessfulCreate Created pod: batch-ffkhz
	// 30s  SpecUpdated parallelism: 1 → 2
	// 30s  SuccessfulCreate Created pod: batch-v25tc
	// 50s  Completed Job completed
	// ended at 50s
}
