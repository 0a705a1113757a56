package manifest

import (
	"fmt"
	"time"

	engine "github.com/jobsim/jobsim/sim"
)

// LimitError is the error of a simulation that would fire more engine
// events than its limit (SimOptions.MaxEvents, else sim.DefaultMaxEvents)
// before its end. A Simulation checks, after 1024 events, at each
// doubling, then each time it has fired another hundredth of the limit,
// whether the events fired so far and one more
// for each completion its jobs still lack exceed the limit (and, with an
// until, whether the pace so far would reach it by then). It then stops
// at once, rather than work to the limit and stop there anyway.
//
// A LimitError wraps sim.ErrEventLimit.
type LimitError struct {
	// Limit is the event limit.
	Limit uint64
	// Fired is how many events the simulation fired before it stopped,
	// at Elapsed (virtual time since the start).
	Fired   uint64
	Elapsed time.Duration
	// Need is the estimate of the events the run would take: Fired and,
	// for each completion still lacking, at least one more.
	Need uint64
	// Job names the job ("job/NAME") that lacks the most completions, and
	// Lacking how many.
	Job     string
	Lacking uint64
	// Paced is the events the pace so far would take to reach the until,
	// 0 without an until.
	Paced uint64
}

// Error says what the estimate rests on.
func (e *LimitError) Error() string {
	s := fmt.Sprintf("the run would take at least %d events, more than the limit of %d: %s still lacks %d completions (at least an event each), after %d events in %s of virtual time",
		e.Need, e.Limit, e.Job, e.Lacking, e.Fired, e.Elapsed)
	if e.Paced > 0 {
		s += fmt.Sprintf("; at that pace, the until takes about %d events", e.Paced)
	}
	return s
}

// Unwrap returns sim.ErrEventLimit.
func (e *LimitError) Unwrap() error { return engine.ErrEventLimit }

// eventLimit returns the simulation's event limit.
func (sim *Simulation) eventLimit() uint64 {
	if sim.opts.MaxEvents > 0 {
		return sim.opts.MaxEvents
	}
	return engine.DefaultMaxEvents
}

// checkLimit returns a *LimitError when the run would exceed the event
// limit: see LimitError.
func (sim *Simulation) checkLimit() error {
	limit := sim.eventLimit()
	fired := sim.cluster.Fired()
	e := &LimitError{Limit: limit, Fired: fired, Elapsed: sim.cluster.Now().Sub(sim.scenario.Start)}
	var lacking uint64
	for _, h := range sim.handles {
		if h == nil || h.Finished() || h.Deleted() {
			continue
		}
		c := h.Spec().Completions
		if c == nil {
			continue
		}
		st := h.Status()
		n := uint64(max(*c-st.Succeeded, 0))
		lacking += n
		if n > e.Lacking {
			e.Job, e.Lacking = "job/"+h.Name(), n
		}
	}
	e.Need = fired + lacking
	if e.Need <= limit {
		return nil
	}
	if sim.until {
		if e.Elapsed <= 0 {
			return nil
		}
		span := sim.limit.Sub(sim.scenario.Start)
		e.Paced = uint64(float64(fired) * float64(span) / float64(e.Elapsed))
		if e.Paced <= limit {
			return nil
		}
	}
	return e
}

// nextLimitCheck returns the events fired at the check after one at
// fired: the checks come at 1024 events, then at each doubling, then at
// each hundredth of the limit, so that a run far beyond the limit stops
// within its first thousands of events.
func nextLimitCheck(fired, limit uint64) uint64 {
	every := max(limit/100, 1)
	if fired < every {
		return max(min(2*fired, every), 1024)
	}
	return fired + every
}
