package conformance

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
	"github.com/jobsim/jobsim/manifest"
)

// SyncDelay is the jobsim side's Config.SyncDelay: the real controller
// batches the syncs caused by pod changes by 1 s.
const SyncDelay = time.Second

// MaxVirtual is the longest a case without until may run (on jobsim):
// the reference would take MaxVirtual / speed of wall-clock time (3 min at
// the default speed). Give a longer case an until.
const MaxVirtual = time.Hour

// Options adjust a comparison.
type Options struct {
	// Speed is the reference's virtual seconds per wall-clock second;
	// 0 means reference.DefaultSpeed.
	Speed float64
	// Slack is how long the reference may go on after jobsim's last event
	// when the scenario has no until; 0 means 30 s.
	Slack time.Duration
	// Log, if not nil, receives the real controller's log.
	Log io.Writer
}

// Report is the result of comparing one case.
type Report struct {
	// Jobsim and Reference are the two sides' outcomes.
	Jobsim, Reference Outcome
	// Diff is cmp.Diff(Reference, Jobsim): "" when they agree.
	Diff string
	// Fields lists the fields that differ.
	Fields []string
	// Rejected lists the writes the reference API server refused.
	Rejected []string
	// Wall is how long the reference run took.
	Wall time.Duration
}

// RunJobsim simulates the case with jobsim, with SyncDelay 1 s.
func RunJobsim(c *Case) (Outcome, error) {
	opts := manifest.SimOptions{SyncDelay: SyncDelay}
	var rec *schedulingRecorder
	if len(c.Scenario.Nodes) > 0 {
		rec = newSchedulingRecorder(c.Scenario.Start)
	}
	// The CronJobs' events, and every Job they created, deleted ones too,
	// taken when its SuccessfulCreate is reported (the handles stay valid).
	var (
		cronEvents  []jobsim.Event
		cronCreated []*jobsim.JobHandle
		sim         *manifest.Simulation
	)
	opts.Observer = jobsim.ObserverFunc(func(e jobsim.Event) {
		if rec != nil {
			rec.Observe(e)
		}
		if e.Object.Kind != jobsim.KindCronJob {
			return
		}
		cronEvents = append(cronEvents, e)
		if e.Reason == "SuccessfulCreate" && e.Type != jobsim.EventChange {
			if h := sim.Cluster().Job(e.Object.Namespace, e.Related); h != nil {
				cronCreated = append(cronCreated, h)
			}
		}
	})
	var err error
	sim, err = c.Scenario.Simulate(opts)
	if err != nil {
		return Outcome{}, err
	}
	if err := sim.Run(); err != nil {
		return Outcome{}, err
	}
	start := c.Scenario.Start
	out := outcomeOfJobsim(start, sim.End().Sub(start), sim.Jobs())
	if len(c.Scenario.CronJobs) > 0 {
		out.CronJobs = cronOutcomesOfJobsim(start, schedulesOf(c.Scenario), sim.CronJobs(), cronCreated, cronEvents)
	}
	if rec != nil {
		out.Scheduling = rec.outcome(nodeClasses(c.Scenario), sim.Jobs())
	}
	return out, nil
}

// RunReference runs the case on the real Job controller. stopAt bounds a
// case without until (0: 30 s after the last job's submission).
func RunReference(ctx context.Context, c *Case, stopAt time.Duration, opts Options) (Outcome, []string, error) {
	ro := reference.Options{Speed: opts.Speed, Until: c.Scenario.Until, StopAt: stopAt, Log: opts.Log, Seed: c.Scenario.Seed, FeatureGates: c.Scenario.FeatureGates}
	res, err := reference.Run(ctx, c.Reference(), ro)
	if err != nil {
		return Outcome{}, nil, err
	}
	out := outcomeOfReference(c.Scenario.Start, res)
	if len(res.CronJobs) > 0 {
		out.CronJobs = cronOutcomesOfReference(c.Scenario.Start, schedulesOf(c.Scenario), res.CronJobs)
	}
	if len(c.Scenario.Nodes) > 0 {
		out.Scheduling = schedulingOfReference(c.Scenario.Start, nodeClasses(c.Scenario), res)
	}
	return out, res.Rejected, nil
}

// Compare runs the case on both sides and compares the outcomes.
func Compare(ctx context.Context, c *Case, opts Options) (*Report, error) {
	sim, err := RunJobsim(c)
	if err != nil {
		return nil, fmt.Errorf("jobsim: %w", err)
	}
	if c.Scenario.Until == 0 && sim.End > MaxVirtual {
		return nil, fmt.Errorf("the scenario runs for %s on jobsim, longer than %s: give it an until", sim.End, MaxVirtual)
	}
	t0 := time.Now()
	ref, rejected, err := RunReference(ctx, c, sim.End+slack(opts), opts)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	r := &Report{Jobsim: sim, Reference: ref, Rejected: rejected, Wall: time.Since(t0)}
	r.Diff, r.Fields = Diff(ref, sim, c.Tolerance)
	return r, nil
}
