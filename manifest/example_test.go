// The examples build the real k8s.io/api objects a program would: not
// in the browser build, nor with -tags k8smirror, whose manifest takes the
// mirror of those types (internal/k8s).

//go:build !js && !k8smirror

package manifest_test

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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

// NewJob admits a batch/v1 Job built in Go (TypeMeta may be left empty,
// as client-go leaves it) as DecodeJobs admits one read from YAML: the
// defaults of batch/v1 and of the pod template are filled in, on a copy,
// and an invalid Job is an error listing its problems at their field
// paths, with no file or line.
func ExampleNewJob() {
	obj := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "pi", Image: "perl:5.34", Command: []string{"perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"}}},
		}}},
	}
	j, err := manifest.NewJob(obj, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := j.Object.Spec
	fmt.Println(j.Object.Namespace, *s.Completions, *s.Parallelism, *s.BackoffLimit, *s.CompletionMode, *s.PodReplacementPolicy)
	ps := s.Template.Spec
	fmt.Println(*ps.TerminationGracePeriodSeconds, ps.DNSPolicy, ps.Containers[0].ImagePullPolicy)
	fmt.Println("argument unchanged:", obj.Spec.Completions == nil)

	obj.Spec.Parallelism = jobsim.Ptr(int32(-1))
	obj.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
	_, err = manifest.NewJob(obj, manifest.Options{})
	fmt.Println(err)
	// Output:
	// default 1 1 6 NonIndexed TerminatingOrFailed
	// 30 ClusterFirst IfNotPresent
	// argument unchanged: true
	// spec.parallelism: Invalid value: -1: must be greater than or equal to 0
	// spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"
}

// FromJob makes the batch/v1 object of a Job built with jobsim's types,
// defaulted as the API server stores it, so that JobObject shows it once
// it is submitted.
func ExampleFromJob() {
	j := jobsim.Job{Name: "hello", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(3)}}
	j.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
	j.Spec.Template.Spec.Containers = []jobsim.Container{{
		Name: "main", Image: "busybox", Requests: jobsim.ResourceList{jobsim.ResourceCPU: 500},
	}}
	fj, err := manifest.FromJob(j)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := fj.Object.Spec
	fmt.Println(*s.Completions, *s.Parallelism, *s.BackoffLimit, *s.CompletionMode)
	c := s.Template.Spec.Containers[0]
	fmt.Println(c.Resources.Requests.Cpu(), c.ImagePullPolicy)

	cluster := jobsim.NewCluster(jobsim.Config{})
	h, err := cluster.Submit(fj.Job, jobsim.Fixed(10*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	obj := manifest.JobObject(fj, h)
	fmt.Println(obj.APIVersion, obj.Kind, obj.Namespace+"/"+obj.Name, obj.Spec.Template.Labels[jobsim.JobNameLabel])
	// Output:
	// 3 1 6 NonIndexed
	// 500m Always
	// batch/v1 Job default/hello hello
}
