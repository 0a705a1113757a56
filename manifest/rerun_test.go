package manifest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// TestRerunReproduces checks that the Rerun of every job of every
// example scenario, given the cluster's configuration and the job as
// submitted, reproduces the first run exactly: the same status and the
// same makespan.
func TestRerunReproduces(t *testing.T) {
	files, err := filepath.Glob("../examples/manifests/*.scenario.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := Load(file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			sim, err := s.Simulate(SimOptions{History: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.Run(); err != nil {
				t.Fatal(err)
			}
			for i, h := range sim.Jobs() {
				if h == nil {
					continue
				}
				re, err := sim.Rerun(i)(sim.Config(), s.Jobs[i].Manifest.Job)
				if err != nil {
					t.Fatalf("job %s: %v", h.Name(), err)
				}
				if diff := cmp.Diff(h.Status(), re.Status()); diff != "" {
					t.Errorf("job %s: status differs (-first +rerun):\n%s", h.Name(), diff)
				}
				if got, want := re.Metrics().Makespan, h.Metrics().Makespan; got != want {
					t.Errorf("job %s: makespan %v, want %v", h.Name(), got, want)
				}
			}
		})
	}
}

// TestRerunEdited checks that a Rerun runs the edited job: a larger
// backoffLimit saves the crash-looping job, and the re-run keeps to the
// scenario's until.
func TestRerunEdited(t *testing.T) {
	s, err := Parse("t.scenario.yaml", []byte(`apiVersion: jobsim/v1alpha1
kind: Scenario
until: 1h
jobs:
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: flaky}
      spec:
        backoffLimit: 1
        template:
          spec:
            restartPolicy: Never
            containers: [{name: c, image: busybox}]
    pods:
      runs:
        "0": [{run: 5s, exit: 1}]
        "1": [{run: 5s, exit: 1}]
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: forever}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers: [{name: c, image: busybox}]
    pods:
      default: {forever: true}
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := s.Simulate(SimOptions{History: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(); err != nil {
		t.Fatal(err)
	}
	if jobsim.Explain(sim.Jobs()[0]).Outcome != jobsim.OutcomeFailed {
		t.Fatalf("flaky: %+v, want it failed", sim.Jobs()[0].Status())
	}
	job := s.Jobs[0].Manifest.Job
	job.Spec.BackoffLimit = jobsim.Ptr(2)
	re, err := sim.Rerun(0)(sim.Config(), job)
	if err != nil {
		t.Fatal(err)
	}
	if jobsim.Explain(re).Outcome != jobsim.OutcomeComplete {
		t.Errorf("flaky with backoffLimit 2: %+v, want it complete", re.Status())
	}
	// 5 s failing, 10 s of backoff, 5 s failing, 20 s of backoff, 10 s
	// succeeding.
	if got := re.Metrics().Makespan; got != 50*time.Second {
		t.Errorf("makespan %v, want 50s", got)
	}
	ex := sim.Explain(0, false)
	if !strings.Contains(ex.String(), "backoffLimit 1 -> 2") {
		t.Errorf("explanation lacks the counterfactual:\n%s", ex)
	}
}
