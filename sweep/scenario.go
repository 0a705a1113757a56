package sweep

import (
	"fmt"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// Unfinished is the outcome of a run whose Jobs did not all finish by
// its end (the scenario's until, or jobsim's horizon).
const Unfinished = "Unfinished"

// A Worker is what one worker of a sweep keeps from run to run: the
// cluster its scenario runs on, Reset for each seed (see
// jobsim.Cluster.Reset). NewWorker makes one, for Run.
type Worker struct {
	cluster *jobsim.Cluster
	// scenario is the worker's copy of the scenario it runs, whose seed
	// it sets for each run.
	scenario manifest.Scenario
}

// NewWorker returns a Worker with a cluster yet to be configured.
func NewWorker() *Worker { return &Worker{cluster: jobsim.NewCluster(jobsim.Config{})} }

// Scenario returns the function that runs scenario s with a seed on a
// Worker and sums the run up, for Run: the outcome (Complete when every
// Job completed; else the reason of the first Job, in the scenario's
// order, that failed, prefixed with its name when the scenario has
// several; else Unfinished), the makespan (from the start to the end of
// the last Job), the pods created, the pods the Jobs count as failed
// (status.failed) and the time their containers ran. The scenario must
// have Jobs; it is not changed, so workers may share it. opts.Cluster is
// the Worker's.
func Scenario(s *manifest.Scenario, opts manifest.SimOptions) (func(w *Worker, seed uint64) (Sample, error), error) {
	if len(s.Jobs) == 0 {
		return nil, fmt.Errorf("%s: a sweep sums up Jobs, and the scenario has none", s.File)
	}
	// A run whose Jobs all finish needs nothing of what the Simulation
	// observes: it runs unobserved, several times faster. One that does
	// not finish runs again observed, for the time of its last event.
	quiet := opts.Observer == nil && !opts.NodeUse && len(s.CronJobs) == 0
	return func(w *Worker, seed uint64) (Sample, error) {
		sc := &w.scenario
		*sc = *s
		sc.Seed = seed
		o := opts
		o.Cluster = w.cluster
		o.Unobserved = quiet
		x, err := runOnce(sc, o)
		if err == nil && quiet && x.Outcome == Unfinished {
			o.Unobserved = false
			x, err = runOnce(sc, o)
		}
		return x, err
	}, nil
}

// runOnce simulates s with opts and sums the run up.
func runOnce(s *manifest.Scenario, opts manifest.SimOptions) (Sample, error) {
	sim, err := s.Simulate(opts)
	if err != nil {
		return Sample{}, err
	}
	if err := sim.Run(); err != nil {
		return Sample{}, err
	}
	return sampleOf(sim), nil
}

// sampleOf sums up a finished simulation.
func sampleOf(sim *manifest.Simulation) Sample {
	start := sim.Scenario().Start
	var x Sample
	failed := ""
	unfinished := false
	several := len(sim.Jobs()) > 1
	for _, h := range sim.Jobs() {
		if h == nil {
			unfinished = true // submitted after the end
			continue
		}
		m := h.Metrics()
		x.PodsCreated += h.PodsCreated()
		x.PodsFailed += h.PodsFailed()
		x.PodTime += m.RunTime
		x.Makespan = max(x.Makespan, h.CreationTime().Sub(start)+m.Makespan)
		f, isFailed := h.Condition(jobsim.JobFailed)
		isFailed = isFailed && f.Status == jobsim.ConditionTrue
		c, complete := h.Condition(jobsim.JobComplete)
		complete = complete && c.Status == jobsim.ConditionTrue
		switch {
		case isFailed && failed == "":
			failed = f.Reason
			if several {
				failed = h.Name() + ": " + f.Reason
			}
		case !complete && !isFailed:
			unfinished = true
		}
	}
	switch {
	case failed != "":
		x.Outcome = failed
	case unfinished:
		x.Outcome = Unfinished
		x.Makespan = max(x.Makespan, sim.End().Sub(start))
	default:
		x.Outcome = "Complete"
	}
	return x
}
