package manifest

import (
	"time"

	"github.com/jobsim/jobsim"
)

// SimOptions adjust a simulation. The zero value runs the scenario as it
// is written.
type SimOptions struct {
	// Until, if not 0, replaces the scenario's until.
	Until time.Duration
	// SyncDelay is jobsim.Config.SyncDelay: 0 makes the Job controller
	// react at once, 1s like the real controller.
	SyncDelay time.Duration
	// MaxEvents is jobsim.Config.MaxEvents; 0 means its default.
	MaxEvents uint64
	// Observer, if not nil, is told of every event up to the end of the
	// simulation, as it happens.
	Observer jobsim.Observer
}

// ReasonActionFailed is the reason of the event a Simulation reports
// (with type jobsim.EventChange, so not as a Kubernetes Event) when an
// action of the scenario cannot be carried out: its job was already gone,
// deleted by the TTL-after-finished controller, say.
const ReasonActionFailed = "ActionFailed"

// Simulation is a scenario loaded into a jobsim.Cluster: its jobs
// submitted at their times and its actions scheduled. Step and Run
// simulate it up to its end: until nothing is left to happen, or the
// scenario's until, or DefaultHorizon.
//
// A Simulation is not safe for concurrent use.
type Simulation struct {
	scenario *Scenario
	opts     SimOptions
	cluster  *jobsim.Cluster
	handles  []*jobsim.JobHandle
	limit    time.Time
	until    bool
	done     bool
	cut      bool
	last     time.Time
}

// Simulate loads the scenario into a new cluster, ready to run. It
// refuses a scenario with nodes or faults, which jobsim cannot simulate
// yet, with an *Error.
func (s *Scenario) Simulate(opts SimOptions) (*Simulation, error) {
	var ps problems
	if len(s.Nodes) > 0 {
		ps.add(s.File, 0, "nodes", "Forbidden: not supported by jobsim run yet: the simulated cluster has one node of unlimited capacity (jobsim validate checks nodes)")
	}
	if len(s.Faults) > 0 {
		ps.add(s.File, s.Faults[0].line, "faults", "Forbidden: not supported by jobsim run yet: faults need nodes (jobsim validate checks faults)")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	sim := &Simulation{scenario: s, opts: opts}
	until := s.Until
	if opts.Until > 0 {
		until = opts.Until
	}
	sim.until = until > 0
	if !sim.until {
		until = DefaultHorizon
	}
	sim.limit = s.Start.Add(until)
	sim.last = s.Start
	sim.cluster, sim.handles = sim.build(sim.observe)
	return sim, nil
}

// observe passes on the events up to the end of the simulation.
func (sim *Simulation) observe(e jobsim.Event) {
	if e.Time.After(sim.limit) {
		return
	}
	sim.last = e.Time
	if sim.opts.Observer != nil {
		sim.opts.Observer.Observe(e)
	}
}

// build makes the cluster: the jobs at time 0 submitted, the later ones
// and the actions scheduled.
func (sim *Simulation) build(obs func(jobsim.Event)) (*jobsim.Cluster, []*jobsim.JobHandle) {
	s := sim.scenario
	c := jobsim.NewCluster(jobsim.Config{
		Seed:          s.Seed,
		Start:         s.Start,
		SyncDelay:     sim.opts.SyncDelay,
		MaxEvents:     sim.opts.MaxEvents,
		DiscardEvents: true,
	})
	note := func(j *Job, msg string) {
		if obs == nil {
			return
		}
		obs(jobsim.Event{Time: c.Now(), Object: jobsim.ObjectRef{Kind: jobsim.KindJob, Namespace: j.Job.Namespace, Name: j.Job.Name},
			Job: j.Job.Name, Type: jobsim.EventChange, Reason: ReasonActionFailed, Message: msg})
	}
	if obs != nil {
		c.Observe(jobsim.ObserverFunc(obs))
	}
	handles := make([]*jobsim.JobHandle, len(s.Jobs))
	for _, i := range s.submissionOrder() {
		sj := s.Jobs[i]
		submit := func() {
			h, err := c.Submit(sj.Manifest.Job, sj.Pods.Behavior(sj.Manifest.Job.Spec.Template))
			if err != nil {
				note(sj.Manifest, "cannot submit the job: "+err.Error())
				return
			}
			handles[i] = h
		}
		if sj.At == 0 {
			submit()
		} else {
			c.At(s.Start.Add(sj.At), submit)
		}
	}
	for _, sj := range s.Jobs {
		for k := range sj.Actions {
			a := &sj.Actions[k]
			ns, name := sj.Manifest.Job.Namespace, sj.Manifest.Job.Name
			c.At(s.Start.Add(a.At), func() {
				var err error
				if a.Delete {
					err = c.Delete(ns, name)
				} else {
					err = c.Update(ns, name, a.Apply)
				}
				if err != nil {
					note(sj.Manifest, a.path+": "+err.Error())
				}
			})
		}
	}
	return c, handles
}

// Scenario returns the scenario being simulated.
func (sim *Simulation) Scenario() *Scenario { return sim.scenario }

// Cluster returns the simulated cluster. Read from it; changing it
// (submitting, stepping) breaks the Simulation.
func (sim *Simulation) Cluster() *jobsim.Cluster { return sim.cluster }

// Jobs returns the handle of each scenario job, in the scenario's order;
// nil for a job not submitted (yet).
func (sim *Simulation) Jobs() []*jobsim.JobHandle { return sim.handles }

// Limit returns the time the simulation stops at, at the latest: Start
// plus the scenario's until, or plus DefaultHorizon.
func (sim *Simulation) Limit() time.Time { return sim.limit }

// HasUntil reports whether the limit is an until of the scenario or the
// options, rather than DefaultHorizon.
func (sim *Simulation) HasUntil() bool { return sim.until }

// Stopped reports whether the simulation reached its limit with things
// left to happen (jobs still running, timers pending).
func (sim *Simulation) Stopped() bool { return sim.cut }

// Done reports whether the simulation has ended.
func (sim *Simulation) Done() bool { return sim.done }

// End returns the time of the last event simulated, or the limit if the
// simulation stopped there.
func (sim *Simulation) End() time.Time {
	if sim.cut {
		return sim.limit
	}
	return sim.last
}

// Step simulates the next event, if there is one before the limit, and
// reports whether it did. Events are reported to the observer as they
// happen.
func (sim *Simulation) Step() (bool, error) {
	if sim.done {
		return false, nil
	}
	ok, err := sim.cluster.Step()
	if err != nil {
		sim.done = true
		return false, err
	}
	if !ok {
		sim.done = true
		return false, nil
	}
	if sim.cluster.Now().After(sim.limit) {
		// The event lay past the limit. jobsim cannot look ahead, so the
		// simulation is made again, silently, up to the limit: the same
		// inputs give the same history.
		sim.done, sim.cut = true, true
		c, handles := sim.build(nil)
		if err := c.RunUntil(sim.limit); err != nil {
			return false, err
		}
		sim.cluster, sim.handles = c, handles
		return false, nil
	}
	return true, nil
}

// Run simulates up to the end. Its only error is the event limit's (see
// jobsim.Config.MaxEvents).
func (sim *Simulation) Run() error {
	for {
		ok, err := sim.Step()
		if err != nil || !ok {
			return err
		}
	}
}
