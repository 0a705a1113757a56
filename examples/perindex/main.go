// Command perindex shows backoffLimitPerIndex: in an Indexed Job each
// index gets its own retries, so one bad shard does not sink the others.
//
// The Job processes 5 shards at once (completions 5, parallelism 5,
// completionMode Indexed) with backoffLimitPerIndex 1: each index may be
// retried once. Shard 2 always fails after 10 s; the others succeed after
// 30 s. Index 2 is retried 10 s after its first failure (the per-index
// backoff; the replacement pod carries the annotation
// batch.kubernetes.io/job-index-failure-count: "1"), fails again and is
// marked failed. The other indexes complete, and the job then fails with
// reason FailedIndexes: it never becomes Complete with a failed index.
//
// Usage:
//
//	go run ./examples/perindex
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
		fmt.Fprintln(os.Stderr, "perindex:", err)
		os.Exit(1)
	}
}

func shardsJob() jobsim.Job {
	return jobsim.Job{
		Name: "shards",
		Spec: jobsim.JobSpec{
			Completions:          jobsim.Ptr(5),
			Parallelism:          jobsim.Ptr(5),
			CompletionMode:       jobsim.Indexed,
			BackoffLimitPerIndex: jobsim.Ptr(1),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "shard", Image: "example.com/shard:1.0"}},
			}},
		},
	}
}

func simulate() error {
	c := jobsim.NewCluster(jobsim.Config{Seed: 1})
	start := c.Now()
	runs := jobsim.Script(map[int][]jobsim.Run{
		2: {{Duration: 10 * time.Second, ExitCode: 1}, {Duration: 10 * time.Second, ExitCode: 1}},
	}, jobsim.Fixed(30*time.Second, 0))
	h, err := c.Submit(shardsJob(), runs)
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
	for _, p := range h.Pods() {
		if p.Index() == 2 {
			fmt.Printf("  %s: index 2, failure count %s, %s\n", p.Name, p.Annotations[jobsim.JobIndexFailureCountAnnotation], p.Status.Phase)
		}
	}
	return nil
}
