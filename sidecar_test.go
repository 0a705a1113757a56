package jobsim_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// Sidecar containers and pod overhead: the pod's requests as
// k8s.io/component-helpers/resource PodRequests computes them (v0.37.2),
// the RuntimeClass admission plugin
// (plugin/pkg/admission/runtimeclass), and the kubelet's handling of
// restartable init containers (pkg/kubelet/kubelet_pods.go getPhase).

const cpu1, cpu2 = 1000, 2000

func sidecar(name string, req jobsim.ResourceList) jobsim.Container {
	return jobsim.Container{Name: name, Image: "busybox", Requests: req, RestartPolicy: jobsim.RestartAlways}
}

func initContainer(name string, req jobsim.ResourceList) jobsim.Container {
	return jobsim.Container{Name: name, Image: "busybox", Requests: req}
}

func TestPodRequestsSidecarCountsForLaterInitContainers(t *testing.T) {
	// A sidecar runs alongside every init container after it and the
	// containers: the init container's need is its own 2 CPUs plus the
	// sidecar's 1; the running pod needs 1 + 1. max(1+1, 2+1) = 3.
	s := jobsim.PodSpec{
		InitContainers: []jobsim.Container{
			sidecar("proxy", jobsim.ResourceList{"cpu": cpu1}),
			initContainer("setup", jobsim.ResourceList{"cpu": cpu2}),
		},
		Containers: []jobsim.Container{{Name: "main", Requests: jobsim.ResourceList{"cpu": cpu1}}},
	}
	if diff := cmp.Diff(jobsim.ResourceList{"cpu": 3000}, jobsim.PodRequests(s)); diff != "" {
		t.Errorf("PodRequests (-want +got):\n%s", diff)
	}
}

func TestPodRequestsInitContainerBeforeSidecarRunsAlone(t *testing.T) {
	// An init container listed before the sidecar runs without it:
	// max(1+1, 2) = 2 CPUs. Memory only the sidecar asks for: it adds to
	// the running sum, 64Mi.
	s := jobsim.PodSpec{
		InitContainers: []jobsim.Container{
			initContainer("setup", jobsim.ResourceList{"cpu": cpu2}),
			sidecar("proxy", jobsim.ResourceList{"cpu": cpu1, "memory": 64 << 20}),
		},
		Containers: []jobsim.Container{{Name: "main", Requests: jobsim.ResourceList{"cpu": cpu1}}},
	}
	if diff := cmp.Diff(jobsim.ResourceList{"cpu": 2000, "memory": 64 << 20}, jobsim.PodRequests(s)); diff != "" {
		t.Errorf("PodRequests (-want +got):\n%s", diff)
	}
}

func TestPodRequestsOverheadAddedAfterTheMax(t *testing.T) {
	// The overhead is added to the pod's request, after the max with the
	// init containers: max(1, 2) + 250m.
	s := jobsim.PodSpec{
		InitContainers: []jobsim.Container{initContainer("setup", jobsim.ResourceList{"cpu": cpu2})},
		Containers:     []jobsim.Container{{Name: "main", Requests: jobsim.ResourceList{"cpu": cpu1}}},
		Overhead:       jobsim.ResourceList{"cpu": 250, "memory": 120 << 20},
	}
	if diff := cmp.Diff(jobsim.ResourceList{"cpu": 2250, "memory": 120 << 20}, jobsim.PodRequests(s)); diff != "" {
		t.Errorf("PodRequests (-want +got):\n%s", diff)
	}
}

func sidecarJob() jobsim.Job {
	job := newJob("sc", 1, 1)
	job.Spec.Template.Spec.InitContainers = []jobsim.Container{
		sidecar("proxy", jobsim.ResourceList{"cpu": cpu1}),
		initContainer("setup", jobsim.ResourceList{"cpu": cpu2}),
	}
	job.Spec.Template.Spec.Containers[0].Requests = jobsim.ResourceList{"cpu": cpu1}
	return job
}

func TestSidecarRequestsPendOnTooSmallNode(t *testing.T) {
	// The pod needs 3 CPUs (above): on a node of 2 it fits nowhere, and
	// as 3 exceeds the node's allocatable, NodeResourcesFit's refusal is
	// unresolvable and preemption not helpful.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": cpu2, "memory": 4 << 30})})
	submit(t, c, sidecarJob(), jobsim.Fixed(time.Minute, 0))
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods := c.Pods()
	if len(pods) != 1 {
		t.Fatalf("%d pods, want 1", len(pods))
	}
	want := "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
	if got := podScheduled(pods[0]); got.Status != jobsim.ConditionFalse || got.Message != want {
		t.Errorf("PodScheduled = %+v, want False with %q", got, want)
	}
}

func TestSidecarRequestsFitOnNodeOfTheirSum(t *testing.T) {
	// On a node of exactly 3 CPUs the same pod is bound.
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes(1, "n", jobsim.ResourceList{"cpu": 3000, "memory": 4 << 30})})
	h := submit(t, c, sidecarJob(), jobsim.Fixed(time.Minute, 0))
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if pods := h.Pods(); len(pods) != 1 || pods[0].Spec.NodeName != "n-0" {
		t.Errorf("pods %+v, want one bound to n-0", pods)
	}
}

func TestSidecarRunsWithTheContainersAndStopsAfterThem(t *testing.T) {
	// The sidecar starts with the pod and is Running, started and ready
	// while the container runs; when the container exits 0 at 10 s the
	// kubelet stops it (SIGTERM: 143, reason Error) and the pod's phase
	// follows the regular container only: Succeeded.
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, sidecarJob(), jobsim.Fixed(10*time.Second, 0))
	if err := c.Advance(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	epoch := c.Now().Add(-5 * time.Second)
	p := h.Pods()[0]
	wantRunning := []jobsim.ContainerStatus{
		{Name: "proxy", State: jobsim.ContainerState{Running: &jobsim.ContainerStateRunning{StartedAt: epoch}}, Ready: true, Started: true},
		{Name: "setup", State: jobsim.ContainerState{Terminated: &jobsim.ContainerStateTerminated{Reason: "Completed", StartedAt: epoch, FinishedAt: epoch}}},
	}
	if diff := cmp.Diff(wantRunning, p.Status.InitContainerStatuses); diff != "" {
		t.Errorf("init container statuses at 5s (-want +got):\n%s", diff)
	}
	run(t, c)
	end := epoch.Add(10 * time.Second)
	st := h.Status()
	if st.Succeeded != 1 || !h.Finished() {
		t.Fatalf("status %+v, want the job complete with 1 succeeded", st)
	}
	ended := false
	for _, e := range c.Events() {
		if e.Reason == "Killing" && e.Message == "Stopping container proxy" && e.Time.Equal(end) {
			ended = true
		}
	}
	if !ended {
		t.Error("no Killing event for the sidecar at 10s")
	}
}

func TestSidecarExitCodeMatchesPodFailurePolicy(t *testing.T) {
	// matchOnExitCodes reads the init container statuses after the
	// containers': when the container fails with 1, the stopped
	// sidecar's 143 matches a rule In [143] that the container's 1 does
	// not, and FailJob names the sidecar.
	c := jobsim.NewCluster(jobsim.Config{})
	job := sidecarJob()
	job.Spec.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{{
		Action: jobsim.ActionFailJob, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{143}}}}}
	job.Spec.PodReplacementPolicy = jobsim.ReplaceFailed
	h := submit(t, c, job, jobsim.Fixed(10*time.Second, 1))
	run(t, c)
	var got string
	for _, cond := range h.Status().Conditions {
		if cond.Type == jobsim.JobFailed {
			got = cond.Reason + ": " + cond.Message
		}
	}
	name := h.Pods()[0].Name
	want := "PodFailurePolicy: Container proxy for pod default/" + name + " failed with exit code 143 matching FailJob rule at index 0"
	if got != want {
		t.Errorf("Failed condition %q, want %q", got, want)
	}
}

func TestContainerRestartPolicyOnlyAlwaysOnInitContainers(t *testing.T) {
	// validateInitContainerRestartPolicy and validateContainers, with
	// container restart rules off: an init container may say Always; a
	// regular container may say nothing.
	job := newJob("bad", 1, 1)
	job.Spec.Template.Spec.InitContainers = []jobsim.Container{{Name: "i", Image: "busybox", RestartPolicy: jobsim.RestartOnFailure}}
	job.Spec.Template.Spec.Containers[0].RestartPolicy = jobsim.RestartAlways
	jobsim.SetDefaults(&job)
	err := jobsim.Validate(job)
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate = %v, want a ValidationError", err)
	}
	var got []string
	for _, fe := range verr.Errors {
		got = append(got, fe.Error())
	}
	want := []string{
		"spec.template.spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
		`spec.template.spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

var kata = jobsim.RuntimeClass{Name: "kata", Handler: "kata", Overhead: jobsim.ResourceList{"cpu": 250, "memory": 160 << 20},
	NodeSelector: map[string]string{"runtime": "kata"},
	Tolerations:  []jobsim.Toleration{{Key: "kata", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoSchedule}}}

func TestRuntimeClassOverheadAddedToRequests(t *testing.T) {
	// The admission plugin sets spec.overhead from the class; the
	// scheduler adds it: 1 CPU + 250m does not fit on a node of 1 CPU,
	// and does on one of 1250m.
	for _, tc := range []struct {
		cpu   int64
		bound bool
	}{{1000, false}, {1250, true}} {
		node := jobsim.Node{Name: "k", Labels: map[string]string{"runtime": "kata"}, Capacity: jobsim.ResourceList{"cpu": tc.cpu, "memory": 4 << 30},
			Taints: []jobsim.Taint{{Key: "kata", Effect: jobsim.TaintNoSchedule}}}
		c := jobsim.NewCluster(jobsim.Config{Nodes: []jobsim.Node{node}, RuntimeClasses: []jobsim.RuntimeClass{kata}})
		job := requesting(newJob("k", 1, 1), jobsim.ResourceList{"cpu": cpu1})
		job.Spec.Template.Spec.RuntimeClassName = "kata"
		h := submit(t, c, job, jobsim.Forever())
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		p := h.Pods()[0]
		if diff := cmp.Diff(kata.Overhead, p.Spec.Overhead); diff != "" {
			t.Errorf("pod overhead (-want +got):\n%s", diff)
		}
		if got := p.Spec.NodeName != ""; got != tc.bound {
			t.Errorf("node of %dm: bound %v, want %v (%+v)", tc.cpu, got, tc.bound, podScheduled(p))
		}
	}
}

func TestRuntimeClassSchedulingMergedIntoPod(t *testing.T) {
	// The class's nodeSelector joins the pod's, and its toleration is
	// appended after the template's and the DefaultTolerationSeconds
	// plugin's (which runs first): the pod goes to the tainted kata node
	// only.
	tainted := jobsim.Node{Name: "k", Labels: map[string]string{"runtime": "kata", "disk": "ssd"}, Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 4 << 30},
		Taints: []jobsim.Taint{{Key: "kata", Effect: jobsim.TaintNoSchedule}}}
	plain := jobsim.Node{Name: "p", Labels: map[string]string{"disk": "ssd"}, Capacity: jobsim.ResourceList{"cpu": 8000, "memory": 8 << 30}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: []jobsim.Node{plain, tainted}, RuntimeClasses: []jobsim.RuntimeClass{kata}})
	job := newJob("k", 1, 1)
	job.Spec.Template.Spec.RuntimeClassName = "kata"
	job.Spec.Template.Spec.NodeSelector = map[string]string{"disk": "ssd"}
	h := submit(t, c, job, jobsim.Forever())
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	p := h.Pods()[0]
	if diff := cmp.Diff(map[string]string{"disk": "ssd", "runtime": "kata"}, p.Spec.NodeSelector); diff != "" {
		t.Errorf("nodeSelector (-want +got):\n%s", diff)
	}
	secs := 300 * time.Second
	wantTol := []jobsim.Toleration{
		{Key: "node.kubernetes.io/not-ready", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute, TolerationPeriod: &secs},
		{Key: "node.kubernetes.io/unreachable", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute, TolerationPeriod: &secs},
		kata.Tolerations[0],
	}
	if diff := cmp.Diff(wantTol, p.Spec.Tolerations); diff != "" {
		t.Errorf("tolerations (-want +got):\n%s", diff)
	}
	if p.Spec.NodeName != "k" {
		t.Errorf("bound to %q, want k (%+v)", p.Spec.NodeName, podScheduled(p))
	}
	if got := h.Spec().Template.Spec.NodeSelector; len(got) != 1 {
		t.Errorf("the Job's template nodeSelector became %v; the admission changes pods, not the Job", got)
	}
}

func TestRuntimeClassAdmissionRefusals(t *testing.T) {
	// Each refusal of the plugin, in its words; jobsim refuses the job,
	// as it does not simulate pods the API server refuses to create.
	noOverhead := jobsim.RuntimeClass{Name: "runc", Handler: "runc"}
	for _, tc := range []struct {
		name string
		edit func(s *jobsim.PodSpec)
		want string
	}{
		{"missing class", func(s *jobsim.PodSpec) { s.RuntimeClassName = "gvisor" },
			`spec.template.spec.runtimeClassName: Forbidden: pod rejected: RuntimeClass "gvisor" not found`},
		{"overhead differs", func(s *jobsim.PodSpec) {
			s.RuntimeClassName, s.Overhead = "kata", jobsim.ResourceList{"cpu": 100}
		}, "spec.template.spec.overhead: Forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"},
		{"overhead without class", func(s *jobsim.PodSpec) { s.Overhead = jobsim.ResourceList{"cpu": 100} },
			"spec.template.spec.overhead: Forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"},
		{"overhead, class without", func(s *jobsim.PodSpec) {
			s.RuntimeClassName, s.Overhead = "runc", jobsim.ResourceList{"cpu": 100}
		}, "spec.template.spec.overhead: Forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"},
		{"selector conflict", func(s *jobsim.PodSpec) {
			s.RuntimeClassName, s.NodeSelector = "kata", map[string]string{"runtime": "runc"}
		}, "spec.template.spec.nodeSelector: Forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc"},
	} {
		c := jobsim.NewCluster(jobsim.Config{RuntimeClasses: []jobsim.RuntimeClass{kata, noOverhead}})
		job := newJob("r", 1, 1)
		tc.edit(&job.Spec.Template.Spec)
		_, err := c.Submit(job, nil)
		var verr *jobsim.ValidationError
		if !errors.As(err, &verr) || len(verr.Errors) != 1 || verr.Errors[0].Error() != tc.want {
			t.Errorf("%s: Submit = %v\nwant %s", tc.name, err, tc.want)
		}
	}
	// An equal overhead is accepted.
	c := jobsim.NewCluster(jobsim.Config{RuntimeClasses: []jobsim.RuntimeClass{kata}})
	job := newJob("r", 1, 1)
	job.Spec.Template.Spec.RuntimeClassName = "kata"
	job.Spec.Template.Spec.Overhead = jobsim.ResourceList{"cpu": 250, "memory": 160 << 20}
	if _, err := c.Submit(job, nil); err != nil {
		t.Errorf("equal overhead: %v", err)
	}
}

func TestRuntimeClassValidation(t *testing.T) {
	// ValidateRuntimeClass: a DNS-subdomain name, a DNS-label handler,
	// overhead not negative, unique tolerations.
	err := jobsim.ValidateConfig(jobsim.Config{RuntimeClasses: []jobsim.RuntimeClass{
		{Name: "Bad_Name", Handler: "", Overhead: jobsim.ResourceList{"cpu": -1}},
		{Name: "ok", Handler: "ok", Tolerations: []jobsim.Toleration{{Key: "a", Operator: jobsim.TolerationOpExists}, {Key: "a", Operator: jobsim.TolerationOpExists}}},
	}})
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("ValidateConfig = %v", err)
	}
	var got []string
	for _, fe := range verr.Errors {
		got = append(got, fe.Field+": "+string(fe.Type))
	}
	want := []string{
		"runtimeClasses[0].name: Invalid value",
		"runtimeClasses[0].handler: Required value",
		"runtimeClasses[0].overhead.podFixed[cpu]: Invalid value",
		"runtimeClasses[1].scheduling.tolerations[1]: Duplicate value",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestScoringRequestsDefaultEveryContainerIncludingInit(t *testing.T) {
	// NonMissingContainerRequests gives 100m and 200Mi to each container
	// that asks for none, init containers too (aggregateContainerResourcesByFn
	// applies it to both lists): a sidecar and a container without
	// requests count 200m and 400Mi; an ordinary init container instead
	// of the sidecar only raises the max, 100m and 200Mi.
	main := []jobsim.Container{{Name: "main"}}
	cpu, mem := jobsim.NonZeroRequests(jobsim.PodSpec{InitContainers: []jobsim.Container{sidecar("proxy", nil)}, Containers: main})
	if cpu != 200 || mem != 400<<20 {
		t.Errorf("with a sidecar: %dm, %d bytes; want 200m, 400Mi", cpu, mem)
	}
	cpu, mem = jobsim.NonZeroRequests(jobsim.PodSpec{InitContainers: []jobsim.Container{initContainer("setup", nil)}, Containers: main})
	if cpu != 100 || mem != 200<<20 {
		t.Errorf("with an init container: %dm, %d bytes; want 100m, 200Mi", cpu, mem)
	}
	// The overhead is added to the scoring requests too.
	cpu, _ = jobsim.NonZeroRequests(jobsim.PodSpec{Containers: main, Overhead: jobsim.ResourceList{"cpu": 50}})
	if cpu != 150 {
		t.Errorf("with 50m overhead: %dm, want 150m", cpu)
	}
}
