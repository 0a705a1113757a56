package manifest

import (
	"fmt"

	"github.com/jobsim/jobsim"
)

// Rerun returns the jobsim.Rerun of the scenario's i-th job (in the
// scenario's order), for jobsim.ExplainWith: it builds the scenario's
// cluster again, with the configuration it is given (nodes, priority
// classes, PDBs, runtime classes and seed, as counterfactuals edit them)
// and the same faults, actions, other jobs and CronJobs, submits the
// edited job in place of the i-th at its time, runs it as Run does (to
// the same until) and returns the job's handle. Its error is Run's (a
// *LimitError or one wrapping sim.ErrEventLimit), or says the job was
// not submitted before the end. It panics if i is out of range.
func (sim *Simulation) Rerun(i int) jobsim.Rerun {
	if i < 0 || i >= len(sim.scenario.Jobs) {
		panic(fmt.Sprintf("manifest: Simulation.Rerun: job %d of %d", i, len(sim.scenario.Jobs)))
	}
	return func(cfg jobsim.Config, job jobsim.Job) (*jobsim.JobHandle, error) {
		opts := SimOptions{Until: sim.opts.Until, MaxEvents: cfg.MaxEvents, History: !cfg.DiscardEvents,
			cfg: &cfg, rerun: &rerunJob{index: i, job: job}}
		re, err := sim.scenario.Simulate(opts)
		if err != nil {
			return nil, err
		}
		err = re.Run()
		h := re.handles[i]
		if h == nil && err == nil {
			err = fmt.Errorf("job %q was not submitted before the end of the re-run", job.Name)
		}
		return h, err
	}
}

// Config returns the configuration the simulation's cluster was made
// with: Scenario.Config with SimOptions' SyncDelay and MaxEvents, and
// DiscardEvents unless SimOptions.History is set.
func (sim *Simulation) Config() jobsim.Config { return sim.config() }

// Explain explains the scenario's i-th job (in the scenario's order)
// with jobsim.ExplainWith: its history, and the counterfactuals that
// Rerun simulates, each from the job as the scenario submits it (before
// its actions). It needs SimOptions.History (without it, only the
// outcome is known) and returns nil for a job not submitted (yet). full
// is jobsim.ExplainOptions.Full. It panics if i is out of range.
func (sim *Simulation) Explain(i int, full bool) *jobsim.Explanation {
	rerun := sim.Rerun(i)
	h := sim.handles[i]
	if h == nil {
		return nil
	}
	opts := jobsim.ExplainOptions{Full: full}
	if sim.opts.History {
		opts.Rerun, opts.Job = rerun, sim.scenario.Jobs[i].Manifest.Job
	}
	return jobsim.ExplainWith(h, opts)
}

// CronJobRuns explains the Jobs the scenario's k-th CronJob (in the
// scenario's order) created, per scheduled time, as
// jobsim.ExplainCronJob does; full is jobsim.ExplainOptions.Full for the
// Jobs that still exist. It returns nil for a CronJob not created (yet)
// and panics if k is out of range.
func (sim *Simulation) CronJobRuns(k int, full bool) []jobsim.ScheduledRun {
	ch := sim.cronHandles[k]
	if ch == nil {
		return nil
	}
	runs := jobsim.ExplainCronJob(ch)
	if !full {
		return runs
	}
	live := map[string]*jobsim.JobHandle{}
	for _, jh := range ch.Jobs() {
		live[jh.Name()] = jh
	}
	for i := range runs {
		if jh := live[runs[i].Job]; jh != nil && runs[i].Explanation != nil {
			runs[i].Explanation = jobsim.ExplainWith(jh, jobsim.ExplainOptions{Full: true})
		}
	}
	return runs
}

// Explanations returns the explanation of each scenario job submitted,
// in the scenario's order (Explain), then of each Job the scenario's
// CronJobs created that still exists, per CronJob in the scenario's
// order and then per scheduled time (CronJobRuns).
func (sim *Simulation) Explanations(full bool) []*jobsim.Explanation {
	var out []*jobsim.Explanation
	for i := range sim.scenario.Jobs {
		if ex := sim.Explain(i, full); ex != nil {
			out = append(out, ex)
		}
	}
	for k := range sim.scenario.CronJobs {
		for _, r := range sim.CronJobRuns(k, full) {
			if r.Explanation != nil {
				out = append(out, r.Explanation)
			}
		}
	}
	return out
}
