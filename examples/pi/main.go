// Command pi simulates the pi-job of the kiamol Kubernetes course (chapter
// 8): a Job with one pod whose container computes pi to 50 decimal places
// and exits.
// It prints the timeline of what the Job controller, the scheduler and the
// kubelet do, one line per event, and a summary of the Job's final status.
//
// Usage:
//
//	go run ./examples/pi [-run 10s] [-exit 0] [-seed 0]
//
// -run is how long each container run lasts and -exit its exit code: try
// -exit 1 to watch the controller retry with a growing backoff until the
// backoffLimit (6) is exceeded.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/examples/internal/show"
)

func main() {
	run := flag.Duration("run", 10*time.Second, "how long each container run lasts")
	exit := flag.Int("exit", 0, "exit code of each container run")
	seed := flag.Uint64("seed", 0, "seed of the simulation (pod names)")
	flag.Parse()

	if err := simulate(*seed, *run, *exit); err != nil {
		fmt.Fprintln(os.Stderr, "pi:", err)
		os.Exit(1)
	}
}

// piJob is the course's pi-job manifest in Go:
//
//	apiVersion: batch/v1
//	kind: Job
//	metadata:
//	  name: pi-job
//	  labels:
//	    kiamol: ch08
//	spec:
//	  template:
//	    spec:
//	      containers:
//	        - name: pi
//	          image: kiamol/ch05-pi
//	          command: ["dotnet", "Pi.Web.dll", "-m", "console", "-dp", "50"]
//	      restartPolicy: Never
func piJob() jobsim.Job {
	return jobsim.Job{
		Name:   "pi-job",
		Labels: map[string]string{"kiamol": "ch08"},
		Spec: jobsim.JobSpec{
			// completions and parallelism are unset: both default to 1.
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
}

func simulate(seed uint64, run time.Duration, exit int) error {
	c := jobsim.NewCluster(jobsim.Config{Seed: seed})
	start := c.Now()
	h, err := c.Submit(piJob(), jobsim.Fixed(run, exit))
	if err != nil {
		return err
	}
	if err := c.Run(); err != nil {
		return err
	}

	fmt.Printf("Virtual time since %s.\n\n", start.Format(time.RFC3339))
	if err := show.Timeline(os.Stdout, c.Events(), start, true); err != nil {
		return err
	}

	fmt.Println()
	printSummary(h, start)
	return nil
}

func printSummary(h *jobsim.JobHandle, start time.Time) {
	st := h.Status()
	spec := h.Spec()
	fmt.Printf("job/%s: completions %d, parallelism %d, backoffLimit %d\n",
		h.Name(), *spec.Completions, *spec.Parallelism, *spec.BackoffLimit)
	var conds []string
	for _, cond := range st.Conditions {
		conds = append(conds, fmt.Sprintf("%s=%s (%s, at %v)", cond.Type, cond.Status, cond.Reason, cond.LastTransitionTime.Sub(start)))
	}
	fmt.Println("  conditions:", strings.Join(conds, ", "))
	fmt.Printf("  pods: %d created, %d succeeded, %d failed, %d active\n", h.PodsCreated(), st.Succeeded, st.Failed, st.Active)
	fmt.Println("  startTime:", st.StartTime.Sub(start))
	if !st.CompletionTime.IsZero() {
		fmt.Printf("  completionTime: %v (took %v)\n", st.CompletionTime.Sub(start), st.CompletionTime.Sub(st.StartTime))
	}
}
