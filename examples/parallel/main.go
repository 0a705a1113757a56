// Command parallel simulates a Job with completions 5 and parallelism 2:
// the Job controller keeps at most two pods running and starts the next
// one as soon as one succeeds, until five have succeeded. It prints the
// timeline of the Job's events and a chart of which pod ran when.
//
// Usage:
//
//	go run ./examples/parallel
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/examples/internal/show"
)

// runs are the container run times of the pods, by creation ordinal, so
// that the pods finish out of step.
var runs = []time.Duration{30 * time.Second, 20 * time.Second, 40 * time.Second, 10 * time.Second, 30 * time.Second}

// step is how much virtual time one column of the chart stands for.
const step = 2 * time.Second

func main() {
	if err := simulate(); err != nil {
		fmt.Fprintln(os.Stderr, "parallel:", err)
		os.Exit(1)
	}
}

func simulate() error {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	job := jobsim.Job{
		Name: "parallel",
		Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(5),
			Parallelism: jobsim.Ptr(2),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "worker", Image: "busybox"}},
			}},
		},
	}
	// For a NonIndexed job, RunContext.Key is the pod's creation ordinal.
	behavior := jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		return jobsim.Run{Duration: runs[rc.Key%len(runs)]}
	})
	h, err := c.Submit(job, behavior)
	if err != nil {
		return err
	}
	if err := c.Run(); err != nil {
		return err
	}

	// The timeline, without the watch-style status changes.
	if err := show.Timeline(os.Stdout, c.Events(), start, false); err != nil {
		return err
	}

	fmt.Println()
	chart(c.Pods(), start, c.Now())

	st := h.Status()
	fmt.Printf("\njob/%s: %d succeeded, %d failed; complete at %v\n",
		h.Name(), st.Succeeded, st.Failed, st.CompletionTime.Sub(start))
	return nil
}

// chart draws one row per pod, one column per step of virtual time: '#'
// while its container runs. The last row counts the pods running in each
// column.
func chart(pods []jobsim.Pod, start, end time.Time) {
	cols := int((end.Sub(start) + step - 1) / step)
	width := len("running")
	for _, p := range pods {
		width = max(width, len(p.Name))
	}

	axis := []byte(strings.Repeat(" ", cols+5))
	for i := 0; i < cols; i += 10 {
		copy(axis[i:], fmt.Sprintf("%v", time.Duration(i)*step))
	}
	fmt.Printf("%-*s  %s\n", width, "", strings.TrimRight(string(axis), " "))

	running := make([]int, cols)
	for _, p := range pods {
		from, to, ok := ran(p, end)
		row := []byte(strings.Repeat(".", cols))
		for i := range row {
			t := time.Duration(i) * step
			if ok && t >= from.Sub(start) && t < to.Sub(start) {
				row[i] = '#'
				running[i]++
			}
		}
		fmt.Printf("%-*s  %s  %s\n", width, p.Name, row, p.Status.Phase)
	}
	var counts strings.Builder
	for _, n := range running {
		counts.WriteString(fmt.Sprint(n))
	}
	fmt.Printf("%-*s  %s\n", width, "running", counts.String())
}

// ran returns when a pod's (only) container ran; one still running runs
// until end.
func ran(p jobsim.Pod, end time.Time) (from, to time.Time, ok bool) {
	if len(p.Status.ContainerStatuses) == 0 {
		return from, to, false
	}
	s := p.Status.ContainerStatuses[0].State
	switch {
	case s.Terminated != nil:
		return s.Terminated.StartedAt, s.Terminated.FinishedAt, true
	case s.Running != nil:
		return s.Running.StartedAt, end, true
	}
	return from, to, false
}
