package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The pictures of a run: -o svg (a Gantt chart of the pods), -o html (the
// chart with the events, the summary and the explanation in one file) and
// -o trace (the Trace Event Format that Perfetto and chrome://tracing
// open). All three are drawn from what the text output's chart collects,
// and from the events and the Jobs' status counters seen on the way.

// Picture formats of -o.
const (
	formatSVG   = "svg"
	formatHTML  = "html"
	formatTrace = "trace"
)

// pictureFormat reports whether -o format draws a picture.
func pictureFormat(format string) bool {
	return format == formatSVG || format == formatHTML || format == formatTrace
}

// svgRows is how many rows the SVG chart draws before it groups the pods
// per index or per node, or draws the first ones.
const svgRows = 200

// picture is what a picture output collects as the run goes.
type picture struct {
	events []jobsim.Event // every event, in order (html's table, trace's instants)
	// counters are each Job's status counters, when they changed.
	counters map[string][]counterSample // job key → samples
	jobOrder []string                   // job keys, in creation order
}

// counterSample is a Job's status counters from an instant on.
type counterSample struct {
	t                         time.Time
	active, succeeded, failed int
}

func newPicture() *picture {
	return &picture{counters: map[string][]counterSample{}}
}

// observe records an event, and the Job's counters after it.
func (p *picture) observe(ev jobsim.Event, sim *manifest.Simulation) {
	p.events = append(p.events, ev)
	if ev.Object.Kind != jobsim.KindJob || sim == nil {
		return
	}
	key := jobKey(ev.Object.Namespace, ev.Object.Name)
	h := sim.Cluster().Job(ev.Object.Namespace, ev.Object.Name)
	if h == nil {
		return
	}
	samples, seen := p.counters[key]
	if !seen {
		p.jobOrder = append(p.jobOrder, key)
	}
	st := h.Status()
	s := counterSample{t: ev.Time, active: st.Active, succeeded: st.Succeeded, failed: st.Failed}
	if n := len(samples); seen && n > 0 {
		last := samples[n-1]
		if last.active == s.active && last.succeeded == s.succeeded && last.failed == s.failed {
			return
		}
	}
	p.counters[key] = append(samples, s)
}

// cellState names a chart cell as the pictures show it.
var cellState = map[byte]string{
	cellRunning:     "Running",
	cellPending:     "Pending",
	cellWaiting:     "BackOff",
	cellTerminating: "Terminating",
	cellFailedExit:  "Exited",
	cellUnknown:     "Unknown",
	cellBackoff:     "PodFailureBackoff",
}

// cellMeaning says what a cell means, for the legends.
var cellMeaning = map[byte]string{
	cellRunning:     "running",
	cellPending:     "pending (waiting for a node)",
	cellWaiting:     "waiting to restart (CrashLoopBackOff)",
	cellTerminating: "terminating",
	cellFailedExit:  "a container exit, restarted in place",
	cellUnknown:     "unknown: its node's kubelet is down",
	cellBackoff:     "the pod-failure backoff before a replacement",
}

// cellOrder is the order of the legends.
var cellOrder = []byte{cellRunning, cellPending, cellWaiting, cellTerminating, cellFailedExit, cellUnknown, cellBackoff}

// tickStep is the step of a time axis over span with about n ticks: 1, 2
// or 5 times a power of ten seconds, or a round number of minutes,
// hours or days.
func tickStep(span time.Duration, n int) time.Duration {
	if span <= 0 {
		return time.Second
	}
	steps := []time.Duration{
		time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
		10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
		100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
		24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
	}
	want := span / time.Duration(max(n, 1))
	for _, s := range steps {
		if s >= want {
			return s
		}
	}
	last := steps[len(steps)-1]
	return last * time.Duration(math.Ceil(float64(want)/float64(last)))
}

// pictureEnd is the end of a run's pictures: the end of the simulation,
// or where the event limit stopped it.
func pictureEnd(sim *manifest.Simulation, stopped error) time.Time {
	if stopped != nil {
		return sim.Cluster().Now()
	}
	return sim.End()
}

// conditionMark is a Job's condition that came true, a marker on the
// time axis.
type conditionMark struct {
	t    time.Time
	text string // "job/pi-job Complete"
}

// conditionMarks are the markers of the scenario's Jobs as they stand at
// the end.
func conditionMarks(sim *manifest.Simulation) []conditionMark {
	var marks []conditionMark
	for _, h := range sim.Jobs() {
		if h == nil {
			continue
		}
		for _, c := range h.Status().Conditions {
			if c.Status != jobsim.ConditionTrue {
				continue
			}
			marks = append(marks, conditionMark{t: c.LastTransitionTime, text: fmt.Sprintf("job/%s %s", h.Name(), c.Type)})
		}
	}
	return marks
}

// xmlEscape escapes s for XML text and attribute values.
func xmlEscape(s string) string {
	if !strings.ContainsAny(s, `<>&"'`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runningChange is a change, at t, of how many charted pods run on a
// node.
type runningChange struct {
	t time.Time
	d int // +1 or -1
}

// runningChanges lists, in time order, when the charted pods bound to
// node start and stop running: what the pictures count per node.
func (c *chart) runningChanges(node string) []runningChange {
	var changes []runningChange
	for _, r := range c.order {
		if r.node != node {
			continue
		}
		for _, g := range r.segs {
			if g.cell == cellRunning && g.to.After(g.from) {
				changes = append(changes, runningChange{g.from, 1}, runningChange{g.to, -1})
			}
		}
	}
	slices.SortStableFunc(changes, func(a, b runningChange) int { return a.t.Compare(b.t) })
	return changes
}
