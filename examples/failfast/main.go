// Command failfast shows a podFailurePolicy that fails a Job at once when
// its program reports a bug (exit code 42) but does not count evictions
// against it.
//
// The Job trains 4 shards, 2 at a time, with backoffLimit 6:
//
//	podFailurePolicy:
//	  rules:
//	  - action: FailJob          # exit code 42 is a bug: retrying won't help
//	    onExitCodes: {operator: In, values: [42]}
//	  - action: Ignore           # an eviction is not the pod's fault
//	    onPodConditions: [{type: DisruptionTarget}]
//
// Pod 1 is evicted at 20 s: it is replaced (10 s later: ignored failures
// still wait out the pod-failure backoff) and not counted. Pod 3 exits 42
// at 75 s: the job fails then, although 6 more failures were allowed, and
// the pod still running is deleted and counted failed.
//
// Usage:
//
//	go run ./examples/failfast
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/examples/internal/show"
)

func main() {
	if err := simulate(); err != nil {
		fmt.Fprintln(os.Stderr, "failfast:", err)
		os.Exit(1)
	}
}

func trainJob() jobsim.Job {
	return jobsim.Job{
		Name: "train",
		Spec: jobsim.JobSpec{
			Completions:  jobsim.Ptr(4),
			Parallelism:  jobsim.Ptr(2),
			BackoffLimit: jobsim.Ptr(6),
			PodFailurePolicy: &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{
				{Action: jobsim.ActionFailJob, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{42}}},
				{Action: jobsim.ActionIgnore, OnPodConditions: []jobsim.PodFailurePolicyOnPodCondition{{Type: string(jobsim.DisruptionTarget)}}},
			}},
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever, // podFailurePolicy requires Never
				Containers:    []jobsim.Container{{Name: "trainer", Image: "example.com/trainer:1.0"}},
			}},
		},
	}
}

func simulate() error {
	c := jobsim.NewCluster(jobsim.Config{Seed: 1})
	start := c.Now()
	// Runs per pod, by creation order: pod 1 is evicted, pod 3 hits the bug.
	runs := jobsim.Script(map[int][]jobsim.Run{
		1: {{Duration: 20 * time.Second, Disrupt: "EvictionByEvictionAPI"}},
		3: {{Duration: 15 * time.Second, ExitCode: 42}},
	}, jobsim.Fixed(60*time.Second, 0))
	h, err := c.Submit(trainJob(), runs)
	if err != nil {
		return err
	}
	if err := c.Run(); err != nil {
		return err
	}
	if err := show.Timeline(os.Stdout, c.Events(), start, false); err != nil {
		return err
	}
	fmt.Println()
	show.Summary(os.Stdout, h, start)
	return nil
}
