package sweep

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// A sweep runs a scenario unobserved when it can, and again observed
// when the run does not finish: each sample must be the one an observed
// run gives, on every example with Jobs and no CronJobs (node failures,
// deadlines, preemption, runs cut at their until among them), one
// worker's cluster Reset from seed to seed.
func TestScenarioSamplesAreThoseOfObservedRuns(t *testing.T) {
	files, err := filepath.Glob("../examples/manifests/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tried, unfinished := 0, 0
	for _, file := range files {
		s, err := manifest.Load(file, manifest.Options{})
		if err != nil || len(s.Jobs) == 0 || len(s.CronJobs) > 0 {
			continue
		}
		tried++
		fast, err := Scenario(s, manifest.SimOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// An observer of its own makes every run observed.
		observed, err := Scenario(s, manifest.SimOptions{Observer: jobsim.ObserverFunc(func(jobsim.Event) {})})
		if err != nil {
			t.Fatal(err)
		}
		w, fresh := NewWorker(), NewWorker()
		for seed := uint64(1); seed <= 20; seed++ {
			got, err := fast(w, seed)
			if err != nil {
				t.Fatalf("%s seed %d: %v", file, seed, err)
			}
			want, err := observed(fresh, seed)
			if err != nil {
				t.Fatalf("%s seed %d, observed: %v", file, seed, err)
			}
			if want.Outcome == Unfinished {
				unfinished++
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s seed %d: the sample differs from the observed run's (-observed +sweep):\n%s", file, seed, d)
			}
		}
	}
	if tried < 10 || unfinished == 0 {
		t.Fatalf("%d examples with Jobs and no CronJobs, %d unfinished runs: too few to tell", tried, unfinished)
	}
}

// Simulate refuses Unobserved with what needs the observer.
func TestUnobservedRefusesWhatNeedsTheObserver(t *testing.T) {
	s, err := manifest.Load("../examples/manifests/nightly-report.scenario.yaml", manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Simulate(manifest.SimOptions{Unobserved: true}); err == nil {
		t.Error("Simulate accepted Unobserved for a scenario with CronJobs")
	}
	p, err := manifest.Load("../examples/manifests/pi-job.yaml", manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Simulate(manifest.SimOptions{Unobserved: true, NodeUse: true}); err == nil {
		t.Error("Simulate accepted Unobserved with NodeUse")
	}
}
