package jobsim

import (
	"fmt"
	"strings"
	"time"
)

// React calls f with every later event, like an observer, except that f
// may change the cluster: submit a Job when another completes, delete a
// pod, edit a spec. f is not called in the middle of the step that
// produced the event, where the controllers' state is half written;
// instead the events of a step are handed to f once the step is over, at
// their virtual time and before the controllers react to anything else
// at that time, as a user's command made at that instant would be (see
// At). What f changes makes events of its own, which f is then given in
// turn. The run stays deterministic: the same seed, inputs and f give the
// same history.
func (c *Cluster) React(f func(e Event)) {
	c.Observe(&reactor{c: c, f: f})
}

// reactor queues the events of a step for a React function, and hands
// them to it from an event of the world class at the same time.
type reactor struct {
	c         *Cluster
	f         func(Event)
	queue     []Event
	scheduled bool
}

func (r *reactor) Observe(e Event) {
	r.queue = append(r.queue, e)
	if !r.scheduled {
		r.scheduled = true
		r.c.At(e.Time, r.drain)
	}
}

func (r *reactor) drain() {
	r.scheduled = false
	q := r.queue
	r.queue = nil
	for _, e := range q {
		r.f(e)
	}
}

// StepChange runs the simulation until it records at least one Event (a
// Kubernetes Event or a change), and returns the events recorded on the
// way: where Step may run an internal event of the controllers that shows
// nothing (a sync that found nothing to do, a timer), StepChange goes on
// to the next thing a watch or `kubectl get events` would see. It returns
// no events and false when nothing is left to happen. The events are
// returned even when Config.DiscardEvents is set and nobody observes.
func (c *Cluster) StepChange() ([]Event, bool, error) {
	c.capturing = true
	defer func() { c.capturing = false }()
	start := len(c.captured)
	for len(c.captured) == start {
		ok, err := c.eng.Step()
		if err != nil || !ok {
			out := c.takeCaptured(start)
			return out, len(out) > 0, err
		}
	}
	return c.takeCaptured(start), true, nil
}

// takeCaptured returns the events captured since start, as the caller's.
func (c *Cluster) takeCaptured(start int) []Event {
	out := append([]Event(nil), c.captured[start:]...)
	clear(c.captured)
	c.captured = c.captured[:0]
	return out
}

// GoString formats r as Go source with readable durations, for the runs
// rapid prints when it shrinks a failing case:
// jobsim.Run{Duration: 10*time.Second, ExitCode: 1}.
func (r Run) GoString() string {
	var parts []string
	if r.Duration != 0 {
		parts = append(parts, "Duration: "+goDuration(r.Duration))
	}
	if r.ExitCode != 0 {
		parts = append(parts, fmt.Sprintf("ExitCode: %d", r.ExitCode))
	}
	if r.Forever {
		parts = append(parts, "Forever: true")
	}
	if r.Term != 0 {
		parts = append(parts, "Term: "+goDuration(r.Term))
	}
	if r.Disrupt != "" {
		parts = append(parts, fmt.Sprintf("Disrupt: %q", r.Disrupt))
	}
	return "jobsim.Run{" + strings.Join(parts, ", ") + "}"
}

// goDuration writes d as a Go expression: 90*time.Second, 1500*time.Millisecond.
func goDuration(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "time.Hour"}, {time.Minute, "time.Minute"}, {time.Second, "time.Second"},
		{time.Millisecond, "time.Millisecond"}, {time.Microsecond, "time.Microsecond"}} {
		if d%u.d == 0 {
			if d == u.d {
				return u.name
			}
			return fmt.Sprintf("%d*%s", d/u.d, u.name)
		}
	}
	return fmt.Sprintf("%d*time.Nanosecond", d)
}
