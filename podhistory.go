package jobsim

import (
	"time"
)

// PodHistory records every pod of a cluster from its creation to its
// removal from the API, with the spans of its phases: what Cluster.Pods
// and JobHandle.Pods no longer show once a pod is gone (deleted, evicted,
// removed by a suspension or by the garbage collector), and what a Gantt
// chart of a run needs.
type PodHistory struct {
	c      *Cluster
	pods   []*PodRecord
	byName map[objectKey]*PodRecord
	// handles keeps the handle of each Job seen, deleted ones included,
	// whose pods may still change.
	handles map[objectKey][]*JobHandle
}

// PodRecord is one pod's history.
type PodRecord struct {
	// Namespace, Name and UID name the pod, Job its Job.
	Namespace, Name, UID, Job string
	// Created is its creationTimestamp; Removed the time it left the API,
	// zero while it is there.
	Created, Removed time.Time
	// Spans are its phases one after the other, from Created: a new span
	// starts when the phase changes or when the pod starts terminating
	// (its deletionTimestamp set). The last span's To is zero while the
	// pod is in the API.
	Spans []PhaseSpan
	// Last is the pod as last seen.
	Last Pod
}

// PhaseSpan is a time a pod spent in one phase.
type PhaseSpan struct {
	Phase PodPhase
	// Terminating marks a span after the pod's deletion was requested.
	Terminating bool
	From, To    time.Time
}

// NewPodHistory starts recording the pods of c: those it has now, and
// every one created later. It observes c (see Cluster.Observe).
func NewPodHistory(c *Cluster) *PodHistory {
	h := &PodHistory{c: c, byName: map[objectKey]*PodRecord{}, handles: map[objectKey][]*JobHandle{}}
	for _, jh := range c.Jobs() {
		if !jh.Deleted() {
			h.track(jh)
			h.refreshJob(jh, c.Now())
		}
	}
	c.Observe(h)
	return h
}

// Pods returns every pod recorded, in the order they were created. The
// records are copies: the caller's.
func (h *PodHistory) Pods() []PodRecord {
	out := make([]PodRecord, len(h.pods))
	for i, r := range h.pods {
		out[i] = *r
		out[i].Spans = append([]PhaseSpan(nil), r.Spans...)
	}
	return out
}

// Pod returns the record of a pod by namespace ("" means default) and
// name, and false if none was recorded.
func (h *PodHistory) Pod(ns, name string) (PodRecord, bool) {
	if ns == "" {
		ns = "default"
	}
	r, ok := h.byName[objectKey{ns, name}]
	if !ok {
		return PodRecord{}, false
	}
	out := *r
	out.Spans = append([]PhaseSpan(nil), r.Spans...)
	return out, true
}

// Observe updates the records of the pods an event may have changed: the
// pod it is about, or all the pods of the Job it is about.
func (h *PodHistory) Observe(e Event) {
	if e.Job == "" || (e.Object.Kind != KindJob && e.Object.Kind != KindPod) {
		return
	}
	k := objectKey{e.Object.Namespace, e.Job}
	if e.Object.Kind == KindJob && e.Reason == ReasonCreated {
		if jh := h.c.Job(k.ns, k.name); jh != nil {
			h.track(jh)
		}
	}
	for _, jh := range h.handles[k] {
		switch {
		case e.Object.Kind == KindPod && e.Type == EventChange && e.Reason == ReasonDeleted:
			if r := h.byName[objectKey{k.ns, e.Object.Name}]; r != nil && r.Job == jh.Name() && r.Removed.IsZero() {
				r.Removed = e.Time
				if n := len(r.Spans); n > 0 {
					r.Spans[n-1].To = e.Time
				}
			}
		case e.Object.Kind == KindPod:
			if p, ok := jh.Pod(e.Object.Name); ok {
				h.note(p, e.Time)
			}
		default:
			h.refreshJob(jh, e.Time)
		}
	}
}

// track keeps a Job's handle; a Job of the same name created later gets
// its own.
func (h *PodHistory) track(jh *JobHandle) {
	k := objectKey{jh.Namespace(), jh.Name()}
	hs := h.handles[k][:0]
	for _, x := range h.handles[k] {
		if !x.Deleted() || len(x.j.pods) > 0 {
			hs = append(hs, x)
		}
	}
	h.handles[k] = append(hs, jh)
}

// refreshJob notes every pod of a Job.
func (h *PodHistory) refreshJob(jh *JobHandle, t time.Time) {
	for _, p := range jh.Pods() {
		h.note(p, t)
	}
}

// note records a pod's snapshot at t.
func (h *PodHistory) note(p Pod, t time.Time) {
	k := objectKey{p.Namespace, p.Name}
	r := h.byName[k]
	if r == nil || r.UID != p.UID {
		r = &PodRecord{Namespace: p.Namespace, Name: p.Name, UID: p.UID, Job: p.JobName, Created: p.CreationTime}
		h.byName[k] = r
		h.pods = append(h.pods, r)
	}
	r.Last = p
	terminating := !p.DeletionTime.IsZero()
	if n := len(r.Spans); n > 0 {
		last := &r.Spans[n-1]
		if last.Phase == p.Status.Phase && last.Terminating == terminating {
			return
		}
		last.To = t
	}
	from := t
	if len(r.Spans) == 0 {
		from = p.CreationTime
	}
	r.Spans = append(r.Spans, PhaseSpan{Phase: p.Status.Phase, Terminating: terminating, From: from})
}
