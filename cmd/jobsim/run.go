package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
	engine "github.com/jobsim/jobsim/sim"
)

// runAll simulates each scenario in turn and prints its output. Every
// scenario is loaded into its simulation before any runs, so that one
// jobsim cannot run yet stops them all as invalid input.
func runAll(scenarios []*manifest.Scenario, f runFlags, e env) int {
	runners := make([]*runner, 0, len(scenarios))
	bad := false
	for _, s := range scenarios {
		r := &runner{s: s, f: f, e: e}
		switch {
		case f.output == "text":
			r.text = newTextRenderer(s, f.out)
		case pictureFormat(f.output):
			// The pictures are drawn from the text output's chart, and
			// html prints its summaries: at 100 columns, without colour.
			r.text = newTextRenderer(s, outOpts{width: 100, chart: f.out.chart})
			r.pic = newPicture()
			if f.output == formatTrace {
				r.text.chart.maxKept = math.MaxInt // a trace has every pod
			}
		}
		sim, err := s.Simulate(manifest.SimOptions{Until: f.until, SyncDelay: f.syncDelay, MaxEvents: f.maxEvents, Observer: r, NodeUse: r.text != nil && s.HasNodes(),
			History: f.explain != explainOff || f.output == formatHTML})
		if err != nil {
			bad = true
			for _, p := range manifest.Problems(err) {
				fmt.Fprintln(e.stderr, p)
			}
			continue
		}
		r.sim = sim
		if r.text != nil {
			r.text.sim = sim
		}
		runners = append(runners, r)
	}
	if bad {
		return exitInvalid
	}
	if f.events != "" {
		w, err := e.create(f.events)
		if err != nil {
			fmt.Fprintf(e.stderr, "jobsim run: cannot write the events: %v\n", err)
			return exitInvalid
		}
		defer w.Close()
		for _, r := range runners {
			r.eventsFile = w
		}
	}
	status := exitOK
	for i, r := range runners {
		if i > 0 {
			switch f.output {
			case "text":
				fmt.Fprintln(e.stdout)
			case "yaml":
				fmt.Fprintln(e.stdout, "---")
			}
		}
		if err := r.run(); err != nil {
			fmt.Fprintf(e.stderr, "%s: the simulation stopped: %s\n", r.s.File, stopReason(err, r.sim))
			status = exitInvalid
		}
	}
	return status
}

// runner runs one simulation and prints what it shows, as it happens.
type runner struct {
	s          *manifest.Scenario
	sim        *manifest.Simulation
	f          runFlags
	e          env
	text       *textRenderer // for -o text, and the chart of the pictures
	pic        *picture      // for -o svg, html and trace
	eventsFile io.Writer     // --events FILE

	pending []line    // what the last step printed, waiting for its time
	printed time.Time // virtual time of the last line printed
}

// line is a piece of output due at a virtual time.
type line struct {
	t    time.Time
	text string
}

// Observe is told of every event of the simulation as it happens. It
// renders what the event shows at once, while the cluster is in the state
// the event leaves it in, and keeps it for run to print.
func (r *runner) Observe(ev jobsim.Event) {
	if podRemoval(ev) {
		return
	}
	if r.eventsFile != nil || r.f.output == "events" {
		if l, ok := eventLine(ev); ok {
			if r.eventsFile != nil {
				io.WriteString(r.eventsFile, l)
			}
			if r.f.output == "events" {
				r.pending = append(r.pending, line{ev.Time, l})
			}
		}
	}
	if r.text != nil {
		lines := r.text.observe(ev)
		if r.f.output == "text" {
			for _, l := range lines {
				r.pending = append(r.pending, line{ev.Time, l})
			}
		}
	}
	if r.pic != nil {
		r.pic.observe(ev, r.sim)
	}
}

// run steps the simulation to its end, printing each step's lines as
// they fall due: at once, or with --speed N after sleeping the virtual
// time since the previous line divided by N on the clock.
func (r *runner) run() error {
	out := r.e.stdout
	r.printed = r.s.Start
	if r.f.output == "text" {
		r.text.header(out)
	}
	// Jobs submitted at the start have already been reported.
	r.flush(out)
	for {
		ok, err := r.sim.Step()
		r.flush(out)
		if err != nil {
			switch {
			case r.pic != nil:
				if perr := r.writePicture(out, err); perr != nil {
					return perr
				}
			case r.text != nil:
				r.text.footer(out, err)
			}
			return err
		}
		if !ok {
			break
		}
	}
	full := r.f.explain == explainFull
	switch {
	case r.pic != nil:
		return r.writePicture(out, nil)
	case r.f.output == "text":
		r.text.footer(out, nil)
		if r.f.explain != explainOff {
			io.WriteString(out, explainText(r.sim, full))
		}
	case r.f.output == "json" && r.f.explain != explainOff:
		data, err := r.sim.ExplainedListJSON(full)
		if err != nil {
			return err
		}
		out.Write(data)
	case r.f.output == "yaml" && r.f.explain != explainOff:
		data, err := r.sim.ExplainedListYAML(full)
		if err != nil {
			return err
		}
		out.Write(data)
	case r.f.output == "json":
		data, err := r.sim.ListJSON()
		if err != nil {
			return err
		}
		out.Write(data)
	case r.f.output == "yaml":
		data, err := r.sim.ListYAML()
		if err != nil {
			return err
		}
		out.Write(data)
	}
	return nil
}

// writePicture draws the run as -o svg, html or trace asks; stopped is
// the error that stopped the simulation early, if any.
func (r *runner) writePicture(out io.Writer, stopped error) error {
	end := pictureEnd(r.sim, stopped)
	switch r.f.output {
	case formatSVG:
		newSVGChart(&r.text.chart, r.sim, r.text.start, end, r.f.out.chart).write(out, true)
	case formatHTML:
		r.writeHTML(out, stopped)
	case formatTrace:
		return writeTrace(out, &r.text.chart, r.pic, r.sim, r.text.start, end)
	}
	return nil
}

func (r *runner) flush(out io.Writer) {
	for _, l := range r.pending {
		if r.f.speed > 0 && l.t.After(r.printed) {
			gap := float64(l.t.Sub(r.printed)) / r.f.speed
			r.e.clock.Sleep(time.Duration(gap))
		}
		if l.t.After(r.printed) {
			r.printed = l.t
		}
		io.WriteString(out, l.text)
	}
	r.pending = r.pending[:0]
}

// stopReason says why a simulation stopped with err, and how to bound
// the run: an until, or a larger event limit.
func stopReason(err error, sim *manifest.Simulation) string {
	const hint = "; bound the run with --until DURATION, or raise --max-events N"
	var le *manifest.LimitError
	switch {
	case errors.As(err, &le):
		return le.Error() + hint
	case errors.Is(err, engine.ErrEventLimit):
		c := sim.Cluster()
		return fmt.Sprintf("it reached the event limit, %d events, at %s of virtual time%s", c.Fired(), fmtDur(c.Now().Sub(sim.Scenario().Start)), hint)
	}
	return err.Error()
}

// eventJSON is one line of the events output. The field order is the
// contract's.
type eventJSON struct {
	Time    string `json:"time"`
	Object  string `json:"object"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// podRemoval reports whether ev is a pod's removal from the API: a
// change a watch reports, that the timeline, the pictures and the event
// table leave out (the pod's end, and its job's, are there already).
func podRemoval(ev jobsim.Event) bool {
	return ev.Type == jobsim.EventChange && ev.Reason == jobsim.ReasonDeleted && ev.Object.Kind == jobsim.KindPod
}

// eventLine formats a Kubernetes Event as a JSON line; watch-style
// changes (jobsim.EventChange) are not Kubernetes Events and give none.
func eventLine(ev jobsim.Event) (string, bool) {
	if ev.Type == jobsim.EventChange {
		return "", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(eventJSON{
		Time:    formatTime(ev.Time),
		Object:  ev.Object.String(),
		Reason:  ev.Reason,
		Message: ev.Message,
	}); err != nil {
		return "", false
	}
	return b.String(), true
}

// formatTime formats a virtual time in RFC 3339, in UTC, with fractional
// seconds only when there are some (time.RFC3339Nano drops trailing
// zeros).
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
