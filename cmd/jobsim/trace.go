package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// -o trace: the run in the Trace Event Format (the JSON that Perfetto's
// UI and chrome://tracing open). A process per Job, per CronJob and per
// node; a thread per pod in its Job's process, with a slice for each
// state (Pending, Running, BackOff, Terminating) and an instant for its
// end; the Kubernetes Events as instants; the Jobs' status counters
// (active, succeeded, failed) and each node's running pods as counters.
// Times are microseconds of virtual time since the start.

// traceEvent is one event of the Trace Event Format. Field order is
// fixed, so the output is byte for byte the same on every run.
type traceEvent struct {
	Name  string         `json:"name"`
	Cat   string         `json:"cat,omitempty"`
	Ph    string         `json:"ph"`
	Ts    float64        `json:"ts"`
	Dur   *float64       `json:"dur,omitempty"`
	Pid   int            `json:"pid"`
	Tid   int            `json:"tid"`
	Scope string         `json:"s,omitempty"`
	Args  map[string]any `json:"args,omitempty"`
}

// traceWriter numbers the processes and threads as it meets them.
type traceWriter struct {
	start  time.Time
	events []traceEvent
	pids   map[string]int // "job/ns/name", "cronjob/ns/name", "node/name" → pid
	tids   map[string]int // pod name → tid (in its Job's process)
	nextT  int
}

// us is t in microseconds since the start.
func (w *traceWriter) us(t time.Time) float64 {
	return float64(t.Sub(w.start)) / float64(time.Microsecond)
}

// pid is the process of a Job, CronJob or node, named on first use.
func (w *traceWriter) pid(key, name string) int {
	if p, ok := w.pids[key]; ok {
		return p
	}
	p := len(w.pids) + 1
	w.pids[key] = p
	w.events = append(w.events,
		traceEvent{Name: "process_name", Ph: "M", Pid: p, Args: map[string]any{"name": name}},
		traceEvent{Name: "process_sort_index", Ph: "M", Pid: p, Args: map[string]any{"sort_index": p}})
	return p
}

// tid is the thread of a pod in process pid, named on first use; 0 is
// the process's own thread.
func (w *traceWriter) tid(pid int, pod string) int {
	if t, ok := w.tids[pod]; ok {
		return t
	}
	w.nextT++
	t := w.nextT
	w.tids[pod] = t
	w.events = append(w.events,
		traceEvent{Name: "thread_name", Ph: "M", Pid: pid, Tid: t, Args: map[string]any{"name": pod}},
		traceEvent{Name: "thread_sort_index", Ph: "M", Pid: pid, Tid: t, Args: map[string]any{"sort_index": t}})
	return t
}

// jobPid is the process of the Job with key "namespace/name".
func (w *traceWriter) jobPid(key string) int {
	_, name, _ := strings.Cut(key, "/")
	return w.pid("job/"+key, "job/"+name)
}

// writeTrace writes the run as a trace.
func writeTrace(out io.Writer, c *chart, p *picture, sim *manifest.Simulation, start, end time.Time) error {
	c.finish(sim, end)
	w := &traceWriter{start: start, pids: map[string]int{}, tids: map[string]int{}}
	// The Jobs in the order they were seen, then their pods in creation
	// order: the processes and threads appear in the scenario's order.
	for _, key := range p.jobOrder {
		w.jobPid(key)
	}
	for _, r := range c.order {
		pid := w.jobPid(r.job)
		tid := w.tid(pid, r.name)
		for _, g := range slices.Concat(r.segs, r.marks) {
			switch g.cell {
			case cellFailedExit:
				// The chart marks the exit a nanosecond early, on the
				// run's last column.
				w.events = append(w.events, traceEvent{Name: "Exited", Cat: "pod", Ph: "i", Ts: w.us(g.from.Add(1)), Pid: pid, Tid: tid, Scope: "t"})
			case cellBackoff:
				// The wait before the pod existed: on the Job's own thread.
				d := w.us(g.to) - w.us(g.from)
				w.events = append(w.events, traceEvent{Name: cellState[g.cell], Cat: "job", Ph: "X", Ts: w.us(g.from), Dur: &d, Pid: pid,
					Args: map[string]any{"replacement": r.name}})
			case cellPending, cellRunning, cellWaiting, cellTerminating, cellUnknown:
				if !g.to.After(g.from) {
					continue // a state left at once: nothing to see
				}
				d := w.us(g.to) - w.us(g.from)
				w.events = append(w.events, traceEvent{Name: cellState[g.cell], Cat: "pod", Ph: "X", Ts: w.us(g.from), Dur: &d, Pid: pid, Tid: tid,
					Args: map[string]any{"node": r.node}})
			}
		}
		if r.ended {
			name := "Failed"
			if outcomeClass(r.outcome) == "ok" {
				name = "Succeeded"
			}
			w.events = append(w.events, traceEvent{Name: name, Cat: "pod", Ph: "i", Ts: w.us(r.endAt), Pid: pid, Tid: tid, Scope: "t",
				Args: map[string]any{"outcome": r.outcome}})
		}
	}
	for _, key := range p.jobOrder {
		pid := w.jobPid(key)
		for _, s := range p.counters[key] {
			w.events = append(w.events, traceEvent{Name: "status", Ph: "C", Ts: w.us(s.t), Pid: pid,
				Args: map[string]any{"active": s.active, "succeeded": s.succeeded, "failed": s.failed}})
		}
	}
	for _, n := range sim.Cluster().Nodes() {
		w.nodeTrack(c, sim, n.Name)
	}
	for _, ev := range p.events {
		if ev.Type == jobsim.EventChange {
			continue
		}
		pid, tid := 0, 0
		switch ev.Object.Kind {
		case jobsim.KindJob:
			pid = w.jobPid(jobKey(ev.Object.Namespace, ev.Object.Name))
		case jobsim.KindCronJob:
			pid = w.pid("cronjob/"+jobKey(ev.Object.Namespace, ev.Object.Name), "cronjob/"+ev.Object.Name)
		case jobsim.KindNode:
			pid = w.pid("node/"+ev.Object.Name, "node/"+ev.Object.Name)
		default:
			if ev.Job != "" {
				pid = w.jobPid(jobKey(ev.Object.Namespace, ev.Job))
				tid = w.tid(pid, ev.Object.Name)
			}
		}
		w.events = append(w.events, traceEvent{Name: ev.Reason, Cat: "event", Ph: "i", Ts: w.us(ev.Time), Pid: pid, Tid: tid, Scope: "t",
			Args: map[string]any{"object": ev.Object.String(), "reason": ev.Reason, "message": ev.Message, "type": string(ev.Type)}})
	}
	// One event per line: the file stays readable and diffs well.
	var b bytes.Buffer
	b.WriteString("{\"traceEvents\": [\n")
	for i, ev := range w.events {
		line, err := marshalNoEscape(ev)
		if err != nil {
			return err
		}
		b.Write(line)
		if i+1 < len(w.events) {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	other, err := marshalNoEscape(map[string]any{"start": formatTime(start), "end": formatTime(end), "source": sim.Scenario().File})
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": %s}\n", other)
	_, err = out.Write(b.Bytes())
	return err
}

// marshalNoEscape is json.Marshal without the escaping of <, > and & (a
// trace is not embedded in HTML), and without the trailing newline.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// nodeTrack adds a node's process: the spans its kubelet was down, and a
// counter of the pods running there.
func (w *traceWriter) nodeTrack(c *chart, sim *manifest.Simulation, node string) {
	pid := w.pid("node/"+node, "node/"+node)
	for _, d := range sim.NodeHistory(node).Down {
		to := d.To
		if to.IsZero() {
			to = sim.End()
		}
		dur := w.us(to) - w.us(d.From)
		w.events = append(w.events, traceEvent{Name: "KubeletDown", Cat: "node", Ph: "X", Ts: w.us(d.From), Dur: &dur, Pid: pid})
	}
	changes := c.runningChanges(node)
	n, last := 0, -1
	for i, ch := range changes {
		n += ch.d
		if i+1 < len(changes) && changes[i+1].t.Equal(ch.t) || n == last {
			continue // one sample per instant, and only changes
		}
		last = n
		w.events = append(w.events, traceEvent{Name: "running pods", Ph: "C", Ts: w.us(ch.t), Pid: pid, Args: map[string]any{"running": n}})
	}
}
