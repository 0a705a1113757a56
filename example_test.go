package jobsim_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jobsim/jobsim"
)

// The pi-job of the kiamol Kubernetes course (chapter 8): one pod that
// computes pi to 50 places and exits. Submitted with a Behavior whose
// every container run lasts 10 seconds and exits 0, the Job completes at
// 10 s. Times are printed as virtual time since the cluster started.
func Example() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()

	job := jobsim.Job{
		Name:   "pi-job",
		Labels: map[string]string{"kiamol": "ch08"},
		Spec: jobsim.JobSpec{
			// completions and parallelism unset: both default to 1.
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers: []jobsim.Container{{
					Name:    "pi",
					Image:   "kiamol/ch05-pi",
					Command: []string{"dotnet", "Pi.Web.dll", "-m", "console", "-dp", "50"},
				}},
			}},
		},
	}
	h, err := c.Submit(job, jobsim.Fixed(10*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}

	for _, e := range c.Events() {
		fmt.Printf("%-4v %-19s %-16s %s\n", e.Time.Sub(start), e.Object, e.Reason, e.Message)
	}
	fmt.Println()
	for _, cond := range h.Status().Conditions {
		fmt.Printf("%s=%s %s at %v\n", cond.Type, cond.Status, cond.Reason, cond.LastTransitionTime.Sub(start))
	}
	// Output:
	// 0s   job/pi-job          Created          Job created
	// 0s   job/pi-job          SuccessfulCreate Created pod: pi-job-8jhzp
	// 0s   job/pi-job          StatusUpdated    active=1 ready=0 terminating=0 succeeded=0 failed=0
	// 0s   pod/pi-job-8jhzp    Scheduled        Successfully assigned default/pi-job-8jhzp to node-0
	// 0s   pod/pi-job-8jhzp    Started          Started container pi
	// 0s   job/pi-job          StatusUpdated    active=1 ready=1 terminating=0 succeeded=0 failed=0
	// 10s  pod/pi-job-8jhzp    Completed        Container pi exited with code 0; pod Succeeded
	// 10s  job/pi-job          StatusUpdated    active=0 ready=0 terminating=0 succeeded=1 failed=0 SuccessCriteriaMet Complete
	// 10s  job/pi-job          Completed        Job completed
	//
	// SuccessCriteriaMet=True CompletionsReached at 10s
	// Complete=True CompletionsReached at 10s
}

// Submit validates a Job as the API server would and refuses it, listing
// every problem with its field path, before anything is simulated.
func ExampleCluster_Submit() {
	c := jobsim.NewCluster(jobsim.Config{})
	_, err := c.Submit(jobsim.Job{
		Name: "pi-job",
		Spec: jobsim.JobSpec{
			Parallelism:    jobsim.Ptr(-1),
			ActiveDeadline: jobsim.Ptr(1500 * time.Millisecond),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartAlways,
				Containers:    []jobsim.Container{{Name: "pi"}},
			}},
		},
	}, nil)

	var verr *jobsim.ValidationError
	if errors.As(err, &verr) {
		fmt.Printf("%s %q is invalid:\n", verr.Kind, verr.Name)
		for _, fe := range verr.Errors {
			fmt.Println("  ", fe)
		}
	}
	fmt.Println(len(c.Jobs()), "jobs")
	// Output:
	// Job.batch "pi-job" is invalid:
	//    spec.parallelism: Invalid value: -1: must be greater than or equal to 0
	//    spec.activeDeadlineSeconds: Invalid value: "1.5s": must be a whole number of seconds
	//    spec.template.spec.containers[0].image: Required value
	//    spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"
	// 0 jobs
}

// RunUntil lets virtual time pass up to a given moment and stops there,
// so that the cluster can be inspected mid-run.
func ExampleCluster_RunUntil() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.Submit(jobsim.Job{
		Name: "batch",
		Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(3),
			Parallelism: jobsim.Ptr(1),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
			}},
		},
	}, jobsim.Fixed(40*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}

	if err := c.RunUntil(start.Add(90 * time.Second)); err != nil {
		fmt.Println(err)
		return
	}
	st := h.Status()
	fmt.Printf("at %v: active=%d succeeded=%d finished=%t\n", c.Now().Sub(start), st.Active, st.Succeeded, h.Finished())
	for _, p := range h.Pods() {
		fmt.Printf("  %s %s since %v\n", p.Name, p.Status.Phase, p.CreationTime.Sub(start))
	}

	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}
	st = h.Status()
	fmt.Printf("at %v: active=%d succeeded=%d finished=%t\n", c.Now().Sub(start), st.Active, st.Succeeded, h.Finished())
	fmt.Println("completionTime:", st.CompletionTime.Sub(start))
	// Output:
	// at 1m30s: active=1 succeeded=2 finished=false
	//   batch-l992d Succeeded since 0s
	//   batch-zcc94 Succeeded since 40s
	//   batch-krkc2 Running since 1m20s
	// at 2m0s: active=0 succeeded=3 finished=true
	// completionTime: 2m0s
}

// Update edits a running Job as `kubectl edit` would. Suspending deletes
// the active pods (they are not counted as failed); resuming creates new
// ones and resets startTime.
func ExampleCluster_Update() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.Submit(jobsim.Job{
		Name: "report",
		Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(4),
			Parallelism: jobsim.Ptr(2),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "report", Image: "busybox"}},
			}},
		},
	}, jobsim.Fixed(30*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}

	edit := func(at time.Duration, change func(*jobsim.JobSpec)) {
		if err := c.RunUntil(start.Add(at)); err != nil {
			fmt.Println(err)
		}
		if err := c.Update("", "report", change); err != nil {
			fmt.Println(err)
		}
	}
	edit(10*time.Second, func(s *jobsim.JobSpec) { s.Suspend = true })
	edit(time.Minute, func(s *jobsim.JobSpec) { s.Suspend = false })
	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}

	for _, e := range c.Events() {
		if e.Object.Kind == "Job" && e.Reason != jobsim.ReasonStatusUpdated {
			fmt.Printf("%-5v %-16s %s\n", e.Time.Sub(start), e.Reason, e.Message)
		}
	}
	st := h.Status()
	fmt.Printf("startTime %v, succeeded %d, failed %d\n", st.StartTime.Sub(start), st.Succeeded, st.Failed)
	for _, cond := range st.Conditions {
		fmt.Printf("%s=%s %s at %v\n", cond.Type, cond.Status, cond.Reason, cond.LastTransitionTime.Sub(start))
	}
	// Output:
	// 0s    Created          Job created
	// 0s    SuccessfulCreate Created pod: report-k7n6q
	// 0s    SuccessfulCreate Created pod: report-hdbjh
	// 10s   SpecUpdated      suspend: false → true
	// 10s   SuccessfulDelete Deleted pod: report-k7n6q
	// 10s   SuccessfulDelete Deleted pod: report-hdbjh
	// 10s   Suspended        Job suspended
	// 1m0s  SpecUpdated      suspend: true → false
	// 1m0s  SuccessfulCreate Created pod: report-9bz98
	// 1m0s  SuccessfulCreate Created pod: report-68z54
	// 1m0s  Resumed          Job resumed
	// 1m30s SuccessfulCreate Created pod: report-llklk
	// 1m30s SuccessfulCreate Created pod: report-zjcj8
	// 2m0s  Completed        Job completed
	// startTime 1m0s, succeeded 4, failed 0
	// Suspended=False JobResumed at 1m0s
	// SuccessCriteriaMet=True CompletionsReached at 2m0s
	// Complete=True CompletionsReached at 2m0s
}

// An Observer sees every event as it happens, on the simulation goroutine,
// and may read the cluster. Here it follows a Job whose pods always fail:
// the controller replaces them after the pod-failure backoff (10 s, then
// 20 s, measured from each failure) until backoffLimit is exceeded.
func ExampleCluster_Observe() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Type == jobsim.EventChange {
			return
		}
		line := fmt.Sprintf("%-4v %-17s %-20s %s", e.Time.Sub(start), e.Object, e.Reason, e.Message)
		if h := c.Job("", e.Job); h != nil {
			line += fmt.Sprintf(" (failed=%d)", h.Status().Failed)
		}
		fmt.Println(line)
	}))

	_, err := c.Submit(jobsim.Job{
		Name: "flaky",
		Spec: jobsim.JobSpec{
			BackoffLimit: jobsim.Ptr(2),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "main", Image: "busybox"}},
			}},
		},
	}, jobsim.Fixed(5*time.Second, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 0s   job/flaky         SuccessfulCreate     Created pod: flaky-mpdbx (failed=0)
	// 0s   pod/flaky-mpdbx   Scheduled            Successfully assigned default/flaky-mpdbx to node-0 (failed=0)
	// 0s   pod/flaky-mpdbx   Started              Started container main (failed=0)
	// 5s   pod/flaky-mpdbx   Error                Container main exited with code 1; pod Failed (failed=0)
	// 15s  job/flaky         SuccessfulCreate     Created pod: flaky-9w7wm (failed=1)
	// 15s  pod/flaky-9w7wm   Scheduled            Successfully assigned default/flaky-9w7wm to node-0 (failed=1)
	// 15s  pod/flaky-9w7wm   Started              Started container main (failed=1)
	// 20s  pod/flaky-9w7wm   Error                Container main exited with code 1; pod Failed (failed=1)
	// 40s  job/flaky         SuccessfulCreate     Created pod: flaky-2mkw2 (failed=2)
	// 40s  pod/flaky-2mkw2   Scheduled            Successfully assigned default/flaky-2mkw2 to node-0 (failed=2)
	// 40s  pod/flaky-2mkw2   Started              Started container main (failed=2)
	// 45s  pod/flaky-2mkw2   Error                Container main exited with code 1; pod Failed (failed=2)
	// 45s  job/flaky         BackoffLimitExceeded Job has reached the specified backoff limit (failed=3)
}

// Script plays scripted container runs per key: for an Indexed Job the key
// is the completion index, and the list of an index continues across the
// replacement pods of that index. Here index 1 fails once, then succeeds;
// the other indexes take the default run.
func ExampleScript() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	behavior := jobsim.Script(map[int][]jobsim.Run{
		1: {
			{Duration: 5 * time.Second, ExitCode: 1},
			{Duration: 20 * time.Second},
		},
	}, jobsim.Fixed(10*time.Second, 0))
	h, err := c.Submit(jobsim.Job{
		Name: "render",
		Spec: jobsim.JobSpec{
			CompletionMode: jobsim.Indexed,
			Completions:    jobsim.Ptr(3),
			Parallelism:    jobsim.Ptr(3),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "frame", Image: "busybox"}},
			}},
		},
	}, behavior)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}

	for _, p := range c.Pods() {
		t := p.Status.ContainerStatuses[0].State.Terminated
		fmt.Printf("%s index %d: %s, ran %v-%v, exit code %d\n",
			p.Name, p.Index(), p.Status.Phase, t.StartedAt.Sub(start), t.FinishedAt.Sub(start), t.ExitCode)
	}
	st := h.Status()
	fmt.Printf("completedIndexes %q, succeeded %d, failed %d\n", st.CompletedIndexes, st.Succeeded, st.Failed)
	// Output:
	// render-0-5969w index 0: Succeeded, ran 0s-10s, exit code 0
	// render-1-64bqz index 1: Failed, ran 0s-5s, exit code 1
	// render-2-5njxq index 2: Succeeded, ran 0s-10s, exit code 0
	// render-1-m7drx index 1: Succeeded, ran 10s-30s, exit code 0
	// completedIndexes "0-2", succeeded 3, failed 1
}

// Random draws each container run from a stream keyed by the cluster's
// seed, the job, the pod's key and the attempt: the same seed gives the
// same history, and another seed another one. The pod that fails at
// 12.729 s is replaced at 22 s: the controller measures the 10 s pod-failure
// backoff from the finish time the API stores, to the second (12 s).
func ExampleRandom() {
	simulate := func(seed uint64) (*jobsim.Cluster, *jobsim.JobHandle) {
		c := jobsim.NewCluster(jobsim.Config{Seed: seed})
		h, err := c.Submit(jobsim.Job{
			Name: "crawl",
			Spec: jobsim.JobSpec{
				Completions: jobsim.Ptr(4),
				Parallelism: jobsim.Ptr(4),
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "crawl", Image: "busybox"}},
				}},
			},
		}, jobsim.Random{Min: 10 * time.Second, Max: time.Minute, FailProbability: 0.25})
		if err != nil {
			panic(err)
		}
		if err := c.Run(); err != nil {
			panic(err)
		}
		return c, h
	}

	c, h := simulate(11)
	start := h.CreationTime()
	for _, p := range c.Pods() {
		t := p.Status.ContainerStatuses[0].State.Terminated
		fmt.Printf("%s started %-7v ran %-7v exit code %d\n", p.Name,
			t.StartedAt.Sub(start).Round(time.Millisecond), t.FinishedAt.Sub(t.StartedAt).Round(time.Millisecond), t.ExitCode)
	}
	summary := func(seed uint64, h *jobsim.JobHandle) {
		st := h.Status()
		fmt.Printf("seed %d: succeeded %d, failed %d, complete at %v\n", seed, st.Succeeded, st.Failed,
			st.CompletionTime.Sub(h.CreationTime()).Round(time.Millisecond))
	}
	summary(11, h)

	again, _ := simulate(11)
	fmt.Println("seed 11 again, same events:", slices.Equal(c.Events(), again.Events()))
	_, other := simulate(12)
	summary(12, other)
	// Output:
	// crawl-pklfd started 0s      ran 45.054s exit code 0
	// crawl-pffr2 started 0s      ran 23.29s  exit code 0
	// crawl-cth6g started 0s      ran 12.729s exit code 1
	// crawl-brnv6 started 0s      ran 49.526s exit code 0
	// crawl-xcsrh started 22s     ran 22.411s exit code 0
	// seed 11: succeeded 4, failed 1, complete at 49.526s
	// seed 11 again, same events: true
	// seed 12: succeeded 4, failed 0, complete at 45.652s
}

// Config.Version picks the Kubernetes release simulated. The same Job,
// with a one-minute deadline, suspended at 20 s and resumed at 3 min: up
// to 1.35 the suspension keeps startTime, so the deadline has passed at
// the resume; from 1.36 the suspension clears it and the deadline starts
// over.
func ExampleConfig_version() {
	for _, v := range []jobsim.Version{jobsim.V1_35, jobsim.V1_37} {
		c := jobsim.NewCluster(jobsim.Config{Version: v})
		start := c.Now()
		h, err := c.Submit(jobsim.Job{
			Name: "report",
			Spec: jobsim.JobSpec{
				ActiveDeadline: jobsim.Ptr(time.Minute),
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "report", Image: "busybox"}},
				}},
			},
		}, jobsim.Fixed(50*time.Second, 0))
		if err != nil {
			fmt.Println(err)
			return
		}
		for at, suspend := range map[time.Duration]bool{20 * time.Second: true, 3 * time.Minute: false} {
			c.At(start.Add(at), func() {
				if err := c.Update("", "report", func(s *jobsim.JobSpec) { s.Suspend = suspend }); err != nil {
					fmt.Println(err)
				}
			})
		}
		if err := c.Run(); err != nil {
			fmt.Println(err)
			return
		}
		st := h.Status()
		for _, t := range []jobsim.JobConditionType{jobsim.JobComplete, jobsim.JobFailed} {
			if cond, ok := st.Condition(t); ok {
				fmt.Printf("Kubernetes %s (%s): %s %s at %v, startTime %v\n", v, v.Release(), t, cond.Reason, cond.LastTransitionTime.Sub(start), st.StartTime.Sub(start))
			}
		}
	}
	// Output:
	// Kubernetes 1.35 (v1.35.4): Failed DeadlineExceeded at 3m0s, startTime 0s
	// Kubernetes 1.37 (v1.37.2): Complete CompletionsReached at 3m50s, startTime 3m0s
}

// ParseVersion reads a version as users write it; a feature gate's value
// in a version is its default unless set.
func ExampleParseVersion() {
	v, err := jobsim.ParseVersion("v1.36")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v, v.Release())
	fmt.Println(jobsim.FeatureGateEnabled(v, nil, "MutablePodResourcesForSuspendedJobs"))
	fmt.Println(jobsim.FeatureGateEnabled(jobsim.V1_35, nil, "MutablePodResourcesForSuspendedJobs"))
	_, err = jobsim.ParseVersion("1.33")
	fmt.Println(err)
	err = jobsim.ValidateConfig(jobsim.Config{Version: jobsim.V1_37, FeatureGates: map[string]bool{"JobSuccessPolicy": true}})
	fmt.Println(err)
	// Output:
	// 1.36 v1.36.3
	// true
	// false
	// version 1.33 is not simulated: jobsim simulates Kubernetes 1.34, 1.35, 1.36, 1.37
	// Config "cluster" is invalid: featureGates.JobSuccessPolicy: Invalid value: true: unrecognized feature gate: JobSuccessPolicy (Kubernetes v1.37.2)
}

// A job whose pods carry a scheduling gate waits, as a queueing
// controller such as Kueue makes it wait, until the gate is removed.
func ExampleCluster_RemoveSchedulingGates() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.Submit(jobsim.Job{Name: "train", Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy:   jobsim.RestartNever,
		SchedulingGates: []string{"example.com/quota"},
		Containers:      []jobsim.Container{{Name: "main", Image: "trainer"}},
	}}}}, jobsim.Fixed(time.Minute, 0))
	if err != nil {
		panic(err)
	}
	_ = c.Advance(10 * time.Minute)
	p := h.Pods()[0]
	cond, _ := p.Status.Condition(jobsim.PodScheduled)
	fmt.Println(cond.Reason, "-", cond.Message)
	if err := c.RemoveSchedulingGates(p.Namespace, p.Name, "example.com/quota"); err != nil {
		panic(err)
	}
	_ = c.Run()
	fmt.Println("complete after", h.Status().CompletionTime.Sub(start))
	// Output:
	// SchedulingGated - Scheduling is blocked due to non-empty scheduling gates
	// complete after 11m0s
}

// Pods spread over zones with a topology spread constraint: kube-scheduler
// keeps the zones within maxSkew of each other.
func ExampleTopologySpreadConstraint() {
	var nodes []jobsim.Node
	for i, zone := range []string{"a", "a", "a", "b", "c"} {
		nodes = append(nodes, jobsim.Node{Name: fmt.Sprintf("n-%d", i), Labels: map[string]string{jobsim.LabelZone: zone},
			Capacity: jobsim.ResourceList{"cpu": 8000}})
	}
	c := jobsim.NewCluster(jobsim.Config{Nodes: nodes})
	_, err := c.Submit(jobsim.Job{Name: "shards", Spec: jobsim.JobSpec{Parallelism: jobsim.Ptr(6), Completions: jobsim.Ptr(6),
		Template: jobsim.PodTemplate{Labels: map[string]string{"app": "shards"}, Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "main", Image: "shard", Requests: jobsim.ResourceList{"cpu": 1000}}},
			TopologySpreadConstraints: []jobsim.TopologySpreadConstraint{{
				MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
				LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "shards"}},
			}},
		}}}}, jobsim.Forever())
	if err != nil {
		panic(err)
	}
	_ = c.Advance(time.Second)
	perZone := map[string]int{}
	for _, n := range c.Nodes() {
		perZone[n.Labels[jobsim.LabelZone]] += len(n.Pods)
	}
	fmt.Println(perZone)
	// Output:
	// map[a:2 b:2 c:2]
}

// A sidecar runs alongside the init container after it, so that init
// container needs its own 2 CPUs plus the sidecar's 500m; the running
// pod needs 1 + 0.5. The pod asks for the larger, plus its overhead.
func ExamplePodRequests() {
	spec := jobsim.PodSpec{
		InitContainers: []jobsim.Container{
			{Name: "proxy", Requests: jobsim.ResourceList{jobsim.ResourceCPU: 500}, RestartPolicy: jobsim.RestartAlways},
			{Name: "setup", Requests: jobsim.ResourceList{jobsim.ResourceCPU: 2000}},
		},
		Containers: []jobsim.Container{{Name: "main", Requests: jobsim.ResourceList{jobsim.ResourceCPU: 1000}}},
		Overhead:   jobsim.ResourceList{jobsim.ResourceCPU: 250},
	}
	fmt.Println(jobsim.FormatQuantity(jobsim.ResourceCPU, jobsim.PodRequests(spec)[jobsim.ResourceCPU]))
	// Output: 2750m
}

// SubmitCronJob creates a CronJob; its controller creates a Job at every
// scheduled time (100 ms after it, as the real controller requeues
// itself), notices when each finishes, and deletes the oldest finished
// ones beyond the history limits. Here every two minutes, with Forbid:
// Jobs that run 2.5 minutes make each next scheduled time wait until the
// running one has finished.
func ExampleCluster_SubmitCronJob() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.SubmitCronJob(jobsim.CronJob{
		Name: "backup",
		Spec: jobsim.CronJobSpec{
			Schedule:          "*/2 * * * *",
			ConcurrencyPolicy: jobsim.ForbidConcurrent,
			JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "dump", Image: "postgres"}},
				}},
			}},
		},
	}, jobsim.Fixed(150*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.RunUntil(start.Add(9 * time.Minute)); err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range c.Events() {
		if e.Object.Kind == jobsim.KindCronJob && e.Type != jobsim.EventChange {
			fmt.Printf("%-7v %-16s %s\n", e.Time.Sub(start), e.Reason, e.Message)
		}
	}
	st := h.Status()
	fmt.Println("active:", st.Active, "last scheduled:", st.LastScheduleTime.Sub(start))
	// Output:
	// 2m0.1s  SuccessfulCreate Created job backup-2
	// 4m0.1s  JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid
	// 4m30.1s SawCompletedJob  Saw completed job: backup-2, condition: Complete
	// 4m30.1s SuccessfulCreate Created job backup-4
	// 6m0.1s  JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid
	// 7m0.1s  SawCompletedJob  Saw completed job: backup-4, condition: Complete
	// 7m0.1s  SuccessfulCreate Created job backup-6
	// 8m0.1s  JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid
	// active: [job/backup-6] last scheduled: 6m0s
}

// Explain tells why a Job ended the way it did, from the history alone.
// This one is the crashloop of the course: every run lasts 5 seconds and
// exits 1, restartPolicy OnFailure restarts the container in place after
// the kubelet's CrashLoopBackOff (none, then 10 s, 20 s, 40 s), and the
// 4th restart, at 1m30s, reaches backoffLimit 4.
func ExampleExplain() {
	c := jobsim.NewCluster(jobsim.Config{})
	h, err := c.Submit(jobsim.Job{
		Name: "crashloop",
		Spec: jobsim.JobSpec{
			BackoffLimit: jobsim.Ptr(4),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartOnFailure,
				Containers:    []jobsim.Container{{Name: "app", Image: "registry.example.com/flaky-app:0.3"}},
			}},
		},
	}, jobsim.Fixed(5*time.Second, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}
	ex := jobsim.Explain(h)
	fmt.Print(ex)
	fmt.Println(ex.Rule.Field, ex.Rule.Value, ex.Rule.Count, ex.Time.Running, ex.Time.Backoff)
	// Output:
	// job/crashloop: Failed (BackoffLimitExceeded) at 1m30s, after 1m30s.
	// Why: backoffLimit: 4 with restartPolicy: OnFailure counts container restarts across the Job's unfinished pods; the 4th restart, of pod crashloop-bw6lq at 1m30s, reached it.
	// Time: running 20s, backoff 1m10s.
	// Pod crashloop-bw6lq: failed at 1m30s (exit 143), a counted failure, after 4 restarts, deleted by the Job controller as the Job ended.
	// backoffLimit 4 4 20s 1m10s
}

// ExplainWith with a Rerun also simulates the job again, with the same
// seed and one change at a time, and reports the smallest change that
// would have changed the outcome. Here activeDeadlineSeconds 60 stops
// two 45-second pods of the second pair at 1m; 120 would let them
// finish at 1m30s, and so would no deadline. One more pod at a time
// would not help: the fourth pod still starts at 45 s, and is stopped at
// 1m.
func ExampleExplainWith() {
	job := jobsim.Job{
		Name: "deadline",
		Spec: jobsim.JobSpec{
			Completions:    jobsim.Ptr(4),
			Parallelism:    jobsim.Ptr(2),
			ActiveDeadline: jobsim.Ptr(60 * time.Second),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
			}},
		},
	}
	b := jobsim.Fixed(45*time.Second, 0)
	rerun := jobsim.RerunJob(b)
	h, err := rerun(jobsim.Config{}, job)
	if err != nil {
		fmt.Println(err)
		return
	}
	ex := jobsim.ExplainWith(h, jobsim.ExplainOptions{Rerun: rerun})
	fmt.Print(ex)
	best := ex.WhatIf.Tried[ex.WhatIf.Smallest]
	fmt.Println(best.Field, best.To, best.Outcome, best.Makespan)
	// Output:
	// job/deadline: Failed (DeadlineExceeded) at 1m, after 1m.
	// Why: activeDeadlineSeconds: 60 counts from startTime (0s); at 1m the Job had been active that long, and the controller deleted its 2 active pods.
	// Time: running 1m.
	// Pod deadline-j9fh4: succeeded at 45s.
	// Pod deadline-9jjks: succeeded at 45s.
	// Pod deadline-rgg4q: failed at 1m (exit 143), a counted failure, deleted by the Job controller as the Job ended.
	// Pod deadline-z7q76: failed at 1m (exit 143), a counted failure, deleted by the Job controller as the Job ended.
	// What would have changed it: activeDeadlineSeconds 60 -> 120; the Job is then Complete (CompletionsReached) after 1m30s.
	// activeDeadlineSeconds 60 -> unset would also change it: Complete (CompletionsReached) after 1m30s.
	// parallelism 2 -> 3 would not help: still Failed (DeadlineExceeded) after 1m: activeDeadlineSeconds: 60 counts from startTime (0s); at 1m the Job had been active that long, and the controller deleted its 1 active pod.
	// restartPolicy Never -> OnFailure would not help: still Failed (DeadlineExceeded) after 1m: activeDeadlineSeconds: 60 counts from startTime (0s); at 1m the Job had been active that long, and the controller deleted its 2 active pods.
	// podReplacementPolicy TerminatingOrFailed -> Failed would not help: still Failed (DeadlineExceeded) after 1m: activeDeadlineSeconds: 60 counts from startTime (0s); at 1m the Job had been active that long, and the controller deleted its 2 active pods.
	// activeDeadlineSeconds 120 Complete 1m30s
}

// A Rerun of one's own replays the rest of a scenario: here a user
// evicts the job's first pod at 20 s. The eviction fails the pod, and
// backoffLimit 0 fails the Job. backoffLimit 1 would have saved it, and
// so would an Ignore rule on the DisruptionTarget condition: either way
// the replacement comes after the 10 s backoff, at 30 s, and succeeds
// at 1m30s. OnFailure would not: an evicted pod fails whatever its
// restart policy.
func ExampleRerun() {
	job := jobsim.Job{
		Name: "evicted",
		Spec: jobsim.JobSpec{
			BackoffLimit: jobsim.Ptr(0),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
			}},
		},
	}
	var rerun jobsim.Rerun = func(cfg jobsim.Config, job jobsim.Job) (*jobsim.JobHandle, error) {
		c := jobsim.NewCluster(cfg)
		h, err := c.Submit(job, jobsim.Fixed(time.Minute, 0))
		if err != nil {
			return nil, err
		}
		c.At(c.Now().Add(20*time.Second), func() {
			if ps := h.Pods(); len(ps) > 0 {
				_ = c.EvictPod(ps[0].Namespace, ps[0].Name)
			}
		})
		return h, c.Run()
	}
	h, err := rerun(jobsim.Config{}, job)
	if err != nil {
		fmt.Println(err)
		return
	}
	ex := jobsim.ExplainWith(h, jobsim.ExplainOptions{Rerun: rerun})
	fmt.Print(ex)
	// Output:
	// job/evicted: Failed (BackoffLimitExceeded) at 20s, after 20s.
	// Why: backoffLimit: 0 lets no pod fail; the 1st counted failure, pod evicted-7cc77 (exit 143 at 20s), exceeded it.
	// Time: running 20s.
	// Pod evicted-7cc77: failed at 20s (exit 143), a counted failure, disrupted (EvictionByEvictionAPI).
	// What would have changed it: backoffLimit 0 -> 1; the Job is then Complete (CompletionsReached) after 1m30s.
	// podFailurePolicy.rules none -> an Ignore rule on DisruptionTarget (EvictionByEvictionAPI) first would also change it: Complete (CompletionsReached) after 1m30s.
	// restartPolicy Never -> OnFailure would not help: still Failed (BackoffLimitExceeded) after 20s: backoffLimit: 0 lets no pod fail; the 1st counted failure, pod evicted-7cc77 (exit 143 at 20s), exceeded it.
	// podReplacementPolicy TerminatingOrFailed -> Failed would not help: still Failed (BackoffLimitExceeded) after 20s: backoffLimit: 0 lets no pod fail; the 1st counted failure, pod evicted-7cc77 (exit 143 at 20s), exceeded it.
}

// ExplainCronJob explains each Job of a CronJob by its scheduled time.
// The CronJob controller creates each Job 100 ms after its time; every
// run lasts 30 s and succeeds.
func ExampleExplainCronJob() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.SubmitCronJob(jobsim.CronJob{
		Name: "report",
		Spec: jobsim.CronJobSpec{
			Schedule: "*/5 * * * *",
			JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "report", Image: "busybox"}},
				}},
			}},
		},
	}, jobsim.Fixed(30*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.RunUntil(start.Add(11 * time.Minute)); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range jobsim.ExplainCronJob(h) {
		fmt.Println(r.Scheduled.Sub(start), r.Job, r.Outcome, "after", r.Explanation.Makespan)
	}
	// Output:
	// 5m0s report-5 Complete after 30s
	// 10m0s report-10 Complete after 30s
}

// A CronJob every 5 minutes through an outage of the CronJob controller
// from 12m to 31m: the restarted controller starts only the most recent
// missed time, 30m, and Runs says what became of each scheduled time.
func ExampleCronJobHandle_Runs() {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.SubmitCronJob(jobsim.CronJob{
		Name: "sweep",
		Spec: jobsim.CronJobSpec{
			Schedule: "*/5 * * * *",
			JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "sweep", Image: "busybox"}},
				}},
			}},
		},
	}, jobsim.Fixed(time.Minute, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	c.At(start.Add(12*time.Minute), c.StopCronJobController)
	c.At(start.Add(31*time.Minute), c.StartCronJobController)
	if err := c.RunUntil(start.Add(36 * time.Minute)); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range h.Runs() {
		switch {
		case r.Job != "" && r.Reason != "":
			fmt.Printf("%-5v %s created at %v, late: %s\n", r.Scheduled.Sub(start), r.Job, r.Created.Sub(start), r.Reason)
		case r.Job != "":
			fmt.Printf("%-5v %s created at %v\n", r.Scheduled.Sub(start), r.Job, r.Created.Sub(start))
		default:
			fmt.Printf("%-5v no Job: %s, superseded by %v\n", r.Scheduled.Sub(start), r.Reason, r.SupersededBy.Sub(start))
		}
	}
	// Output:
	// 5m0s  sweep-5 created at 5m0.1s
	// 10m0s sweep-10 created at 10m0.1s
	// 15m0s no Job: ControllerDown, superseded by 30m0s
	// 20m0s no Job: ControllerDown, superseded by 30m0s
	// 25m0s no Job: ControllerDown, superseded by 30m0s
	// 30m0s sweep-30 created at 31m0s, late: ControllerDown
	// 35m0s sweep-35 created at 35m0.1s
}

// Reset runs one cluster again and again, for a sweep over seeds: a Job
// of three completions with backoffLimit 1, whose pods fail one time in
// five, fails when two of its pods fail before three succeed: with
// probability 1 - 0.8³ - 3·0.2·0.8³ = 18.1%. Each run after Reset is the
// run a new cluster with the same Config would make.
func ExampleCluster_Reset() {
	job := jobsim.Job{Name: "batch", Spec: jobsim.JobSpec{
		Completions:  jobsim.Ptr(3),
		BackoffLimit: jobsim.Ptr(1),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
		}},
	}}
	work := jobsim.Random{Min: time.Minute, Max: 2 * time.Minute, FailProbability: 0.2, ExitCode: 1}
	c := jobsim.NewCluster(jobsim.Config{})
	failed := 0
	for seed := uint64(1); seed <= 1000; seed++ {
		c.Reset(jobsim.Config{Seed: seed, DiscardEvents: true})
		h, err := c.Submit(job, work)
		if err != nil {
			panic(err)
		}
		if err := c.Run(); err != nil {
			panic(err)
		}
		if f, ok := h.Status().Condition(jobsim.JobFailed); ok && f.Status == jobsim.ConditionTrue {
			failed++
		}
	}
	fmt.Printf("failed in %d of 1000 runs\n", failed)
	// Output:
	// failed in 197 of 1000 runs
}

// A two-step workflow: load is submitted the instant extract completes.
// React is the place to change the cluster in answer to an event, as a
// controller would; an Observer may only read. extract runs one pod of
// 30 s, load one of 20 s: load is created at 30s and completes at 50s.
func ExampleCluster_React() {
	c := jobsim.NewCluster(jobsim.Config{})
	job := func(name string) jobsim.Job {
		return jobsim.Job{Name: name, Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever, Containers: []jobsim.Container{{Name: "main", Image: "busybox"}}}}}}
	}
	extract, err := c.Submit(job("extract"), jobsim.Fixed(30*time.Second, 0))
	if err != nil {
		panic(err)
	}
	var load *jobsim.JobHandle
	c.React(func(e jobsim.Event) {
		if load == nil && e.Object.Name == "extract" && extract.Status().IsTrue(jobsim.JobComplete) {
			if load, err = c.Submit(job("load"), jobsim.Fixed(20*time.Second, 0)); err != nil {
				panic(err)
			}
		}
	})
	if err := c.Run(); err != nil {
		panic(err)
	}
	start := extract.CreationTime()
	fmt.Println("load created at", load.CreationTime().Sub(start))
	fmt.Println("load complete at", load.Status().CompletionTime.Sub(start))
	// Output:
	// load created at 30s
	// load complete at 50s
}

// StepChange goes from one visible change to the next, skipping the
// controllers' internal steps. A pod of 10 s: the Job controller creates
// it and writes the status, the scheduler binds it, the kubelet starts it,
// it exits, and the controller marks the Job complete.
func ExampleCluster_StepChange() {
	c := jobsim.NewCluster(jobsim.Config{DiscardEvents: true})
	job := jobsim.Job{Name: "pi", Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy: jobsim.RestartNever, Containers: []jobsim.Container{{Name: "pi", Image: "perl"}}}}}}
	if _, err := c.Submit(job, jobsim.Fixed(10*time.Second, 0)); err != nil {
		panic(err)
	}
	for {
		events, more, err := c.StepChange()
		if err != nil {
			panic(err)
		}
		if !more {
			break
		}
		for _, e := range events {
			if e.Type != jobsim.EventChange {
				fmt.Println(c.Elapsed(), e.Object.Kind, e.Reason)
			}
		}
	}
	// Output:
	// 0s Job SuccessfulCreate
	// 0s Pod Scheduled
	// 0s Pod Started
	// 10s Pod Completed
	// 10s Job Completed
}

// A pod history keeps the pods Pods forgets: here the pod a deletion
// removed. Deleted at 20s, the pod's process gets SIGTERM and exits at
// once (its Run has no Term) with code 143, a failure: the controller
// replaces it after the pod-failure backoff of 10 s, at 30s, and the
// replacement succeeds a minute later. Its last span has no end: the pod
// is still there.
func ExampleNewPodHistory() {
	c := jobsim.NewCluster(jobsim.Config{})
	history := jobsim.NewPodHistory(c)
	job := jobsim.Job{Name: "pi", Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy: jobsim.RestartNever, Containers: []jobsim.Container{{Name: "pi", Image: "perl"}}}}}}
	h, err := c.Submit(job, jobsim.Fixed(time.Minute, 0))
	if err != nil {
		panic(err)
	}
	c.At(c.Now().Add(20*time.Second), func() {
		if err := c.DeletePod("", h.Pods()[0].Name); err != nil {
			panic(err)
		}
	})
	if err := c.Run(); err != nil {
		panic(err)
	}
	start := h.CreationTime()
	for i, p := range history.Pods() {
		fmt.Printf("pod %d:", i)
		for _, s := range p.Spans {
			switch {
			case s.To.IsZero():
				fmt.Printf(" %s from %v", s.Phase, s.From.Sub(start))
			case s.From.Equal(s.To):
				// an instant
			default:
				fmt.Printf(" %s %v–%v", s.Phase, s.From.Sub(start), s.To.Sub(start))
			}
		}
		fmt.Println()
	}
	fmt.Println("now listed:", len(c.Pods()))
	// Output:
	// pod 0: Running 0s–20s
	// pod 1: Running 30s–1m30s Succeeded from 1m30s
	// now listed: 1
}

// SharedPods lets an observer look at a job's pods after every event
// without copying them. Four completions, two at a time, each pod running
// 10 s: parallelism caps the pods running at once at 2.
func ExampleJobHandle_SharedPods() {
	c := jobsim.NewCluster(jobsim.Config{})
	h, err := c.Submit(jobsim.Job{Name: "pairs", Spec: jobsim.JobSpec{
		Completions: jobsim.Ptr(4), Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "work", Image: "busybox"}}}},
	}}, jobsim.Fixed(10*time.Second, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	var pods []*jobsim.Pod // reused from one event to the next
	most := 0
	c.Observe(jobsim.ObserverFunc(func(jobsim.Event) {
		pods = h.SharedPods(pods[:0])
		running := 0
		for _, p := range pods {
			if p.Status.Phase == jobsim.PodRunning {
				running++
			}
		}
		most = max(most, running)
	}))
	if err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("most pods running at once:", most)
	// Output: most pods running at once: 2
}
