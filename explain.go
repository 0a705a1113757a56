package jobsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Explain and its types: why a Job ended the way it did, read from the
// cluster's history (its events, and how the Job controller counted each
// finished pod), never re-derived from the spec. What would have changed
// the outcome is in explain_whatif.go, the text in explain_text.go.

// Explanation says why a Job ended the way it did: the outcome and the
// Kubernetes rule that decided it, each pod's part, where the time went,
// and, when asked for (ExplainOptions.Rerun), the smallest change that
// would have changed the outcome. Times are virtual times since the
// cluster's start (Config.Start); in JSON, durations are nanoseconds.
// Event references are positions in the slice Cluster.Events returned
// when Explain ran. String formats it as plain text.
type Explanation struct {
	// Job and Namespace name the job explained.
	Job       string `json:"job"`
	Namespace string `json:"namespace"`
	// Outcome is OutcomeComplete, OutcomeFailed, OutcomeSuspended or
	// OutcomeRunning (not finished when explained).
	Outcome Outcome `json:"outcome"`
	// Reason is the reason of the Complete or Failed condition
	// (BackoffLimitExceeded ...), "" while the job runs.
	Reason string `json:"reason,omitempty"`
	// Rule says which Kubernetes rule decided the outcome, with the spec
	// field and its value, and the pod and moment that reached it.
	Rule Decision `json:"rule"`
	// DecidedAt is when the outcome became certain: the FailureTarget or
	// SuccessCriteriaMet condition. RecordedAt is when the Failed or
	// Complete condition was written, once the pods deleted at the
	// decision had terminated. Both are 0 while the job runs.
	DecidedAt  time.Duration `json:"decidedAt"`
	RecordedAt time.Duration `json:"recordedAt"`
	// Makespan is from the job's creation to its end (or to the time of
	// explaining).
	Makespan time.Duration `json:"makespan"`
	// Time breaks the makespan down by what the job was doing.
	Time TimeBreakdown `json:"time"`
	// Pods tells each pod's part, in creation order.
	Pods []PodPart `json:"pods"`
	// Indexes tells each completion index's story (Indexed jobs only).
	Indexes []IndexPart `json:"indexes,omitempty"`
	// WhatIf holds the counterfactuals tried, smallest change first; see
	// ExplainOptions.Rerun. Empty when none was asked for.
	WhatIf WhatIf `json:"whatIf"`
	// Sentences are the explanation in plain language, each with the
	// events it rests on. String prints them. A job of more than 4 pods
	// gets one sentence per group of pods alike, and, with
	// ExplainOptions.Full, one per pod as well.
	Sentences []Sentence `json:"sentences"`
	// NoHistory is set when the cluster kept no event log
	// (Config.DiscardEvents): only the outcome is known then.
	NoHistory bool `json:"noHistory,omitempty"`

	full bool
	// sameExit says, when every run (of an index) ended with one exit
	// code, so: "every run exits 1".
	sameExit string
}

// Outcome is how a job ended.
type Outcome string

// The outcomes.
const (
	OutcomeComplete  Outcome = "Complete"
	OutcomeFailed    Outcome = "Failed"
	OutcomeSuspended Outcome = "Suspended"
	OutcomeRunning   Outcome = "Running"
)

// Decision is the rule that decided an outcome.
type Decision struct {
	// Field is the spec field of the rule (backoffLimit,
	// activeDeadlineSeconds, podFailurePolicy.rules[0], completions ...)
	// and Value its value as the manifest writes it.
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	// Text says the rule and what reached it, in a sentence.
	Text string `json:"text"`
	// Pod is the pod whose change reached the rule, "" if none did (a
	// deadline).
	Pod string `json:"pod,omitempty"`
	// Count is the count that reached the limit (failed pods, restarts,
	// failed indexes, succeeded pods), 0 where no count decided.
	Count int `json:"count,omitempty"`
	// Events are the events the decision rests on.
	Events []int `json:"events,omitempty"`
}

// TimeBreakdown splits a makespan by what the job was doing, each
// instant counted once, in this order of precedence: some container
// running, some pod terminating, some pod pending (created, not yet
// started), some pod waiting to be created after the pod-failure backoff
// or to restart a container in CrashLoopBackOff, otherwise idle (nothing
// left to run, or suspended). The five add up to the makespan.
type TimeBreakdown struct {
	Running     time.Duration `json:"running"`
	Terminating time.Duration `json:"terminating"`
	Pending     time.Duration `json:"pending"`
	Backoff     time.Duration `json:"backoff"`
	Idle        time.Duration `json:"idle"`
}

// Fate is how a pod's part ended.
type Fate string

// The fates of pods.
const (
	FateSucceeded Fate = "Succeeded"
	// FateFailed: a failure counted toward backoffLimit (or the index's
	// backoffLimitPerIndex).
	FateFailed Fate = "Failed"
	// FateIgnored: failed, but an Ignore rule of the podFailurePolicy
	// matched, so it did not count.
	FateIgnored Fate = "Ignored"
	// FateFailJob, FateFailIndex: failed, and a FailJob (FailIndex) rule
	// matched.
	FateFailJob   Fate = "FailJob"
	FateFailIndex Fate = "FailIndex"
	// FateDeleted: deleted by the Job controller (a scale-down, a
	// suspension, the job's end) or by a user, and not counted.
	FateDeleted Fate = "Deleted"
	// FateUncounted: ended, but not counted (a success of an index that
	// had already succeeded, an index beyond completions).
	FateUncounted Fate = "Uncounted"
	// FateActive: still pending or running when explained.
	FateActive Fate = "Active"
)

// PodPart is one pod's part in a job's history.
type PodPart struct {
	Name  string `json:"name"`
	Index int    `json:"index"` // completion index, -1 if none
	Fate  Fate   `json:"fate"`
	// Rule is the podFailurePolicy rule that matched its failure, -1 if
	// none did.
	Rule int `json:"rule"`
	// Created, Ended are when it was created and became terminal (Ended
	// is 0 while it exists unfinished).
	Created time.Duration `json:"created"`
	Ended   time.Duration `json:"ended,omitempty"`
	// Pending is how long it waited from creation to its first container
	// start (or its end), and PendingReason the scheduler's last
	// FailedScheduling message meanwhile, if any.
	Pending       time.Duration `json:"pending"`
	PendingReason string        `json:"pendingReason,omitempty"`
	// Runs counts its container runs, Restarts the restarts among them
	// (restartPolicy OnFailure), ExitCode the last run's exit code.
	Runs     int `json:"runs"`
	Restarts int `json:"restarts"`
	ExitCode int `json:"exitCode"`
	// Disruption is the reason of its DisruptionTarget condition
	// (EvictionByEvictionAPI ...), or "Preempted".
	Disruption string `json:"disruption,omitempty"`
	// DeletedBy says why it was deleted while it ran: "scale-down",
	// "suspension", "job end" (the job's outcome was decided, a
	// deadline's included), "user"; "" if it was not.
	DeletedBy string `json:"deletedBy,omitempty"`
	// ReplacedBy is the pod created for it after its failure, Backoff
	// the time from its end to that creation, and Consecutive the
	// failures in a row (since the last success) its own ended, which
	// the pod-failure backoff grows with: 10 s doubled per failure.
	ReplacedBy  string        `json:"replacedBy,omitempty"`
	Backoff     time.Duration `json:"backoff,omitempty"`
	Consecutive int           `json:"consecutive,omitempty"`
	// Events are the events about the pod.
	Events []int `json:"events"`
}

// IndexPart is one completion index's story.
type IndexPart struct {
	Index int `json:"index"`
	// Outcome is Succeeded, Failed or "" (neither).
	Outcome string `json:"outcome,omitempty"`
	// Pods are its pods in creation order; Failures counts those whose
	// failure counted.
	Pods     []string `json:"pods"`
	Failures int      `json:"failures"`
	// Text says it in a sentence.
	Text string `json:"text"`
	// Events are the events of its pods.
	Events []int `json:"events,omitempty"`
}

// Sentence is one sentence of the plain-language explanation, with the
// positions in Cluster.Events of the events it rests on. The sentence on
// where the time went cites none (the pods' sentences cite their
// events), nor do those on counterfactuals, which rest on re-runs.
type Sentence struct {
	Text   string `json:"text"`
	Events []int  `json:"events,omitempty"`
	// Detail marks a sentence String prints only with ExplainOptions.Full.
	Detail bool `json:"detail,omitempty"`
}

// ExplainOptions configures ExplainWith.
type ExplainOptions struct {
	// Full makes String print every sentence, one per pod; by default it
	// prints at most 15 lines, grouping pods alike.
	Full bool
	// Rerun, if set, is how to simulate the job again with one change
	// (see Rerun); ExplainWith then tries the counterfactuals.
	Rerun Rerun
	// Config and Job are the inputs to change. The zero Config means the
	// explained cluster's configuration; a Job with no name means the
	// explained job as submitted (which needs it unedited since: give
	// the submitted Job if Cluster.Update changed it).
	Config Config
	Job    Job
	// MaxReruns bounds the re-runs; 0 means 50. MaxEventFactor bounds the
	// engine events of all re-runs together to that many times the
	// explained cluster's; 0 means 20.
	MaxReruns      int
	MaxEventFactor int
}

// Explain explains how h's job ended, from the cluster's history only,
// without counterfactuals. It is ExplainWith(h, ExplainOptions{}). It
// may be called at any time (a running job is explained so far); it
// changes nothing in the cluster.
func Explain(h *JobHandle) *Explanation {
	return ExplainWith(h, ExplainOptions{})
}

// ExplainWith explains how h's job ended, and, if opts.Rerun is set, what
// single change would have changed that, by simulating again (see
// Rerun). It panics if h is nil.
func ExplainWith(h *JobHandle, opts ExplainOptions) *Explanation {
	if h == nil {
		panic("jobsim: ExplainWith: nil JobHandle")
	}
	ex := explainHistory(h)
	ex.full = opts.Full
	if opts.Rerun != nil {
		ex.WhatIf = whatIf(h, ex, opts)
	}
	ex.Sentences = ex.sentences()
	return ex
}

// explainHistory builds the explanation from h's history.
func explainHistory(h *JobHandle) *Explanation {
	j := h.j
	c := j.c
	st := h.Status()
	ex := &Explanation{Job: j.name, Namespace: j.ns, Outcome: OutcomeRunning, WhatIf: WhatIf{Smallest: -1}}
	epoch := c.eng.Epoch()
	for _, cond := range st.Conditions {
		if cond.Status != ConditionTrue {
			continue
		}
		at := cond.LastTransitionTime.Sub(epoch)
		switch cond.Type {
		case JobComplete:
			ex.Outcome, ex.Reason, ex.RecordedAt = OutcomeComplete, cond.Reason, at
		case JobFailed:
			ex.Outcome, ex.Reason, ex.RecordedAt = OutcomeFailed, cond.Reason, at
		case JobFailureTarget, JobSuccessCriteriaMet:
			ex.DecidedAt = at
		case JobSuspended:
			if ex.Outcome == OutcomeRunning {
				ex.Outcome = OutcomeSuspended
			}
		}
	}
	if ex.RecordedAt != 0 && ex.DecidedAt == 0 {
		ex.DecidedAt = ex.RecordedAt
	}
	ex.Makespan = h.Metrics().Makespan
	if c.cfg.DiscardEvents {
		ex.NoHistory = true
		ex.Rule.Text = "the cluster kept no event log (Config.DiscardEvents), so only the outcome is known"
		return ex
	}
	r := newReader(h, ex)
	r.read(c.events)
	r.finish()
	ex.Rule = r.decision()
	ex.Indexes = r.indexParts()
	ex.sameExit = r.sameExit()
	return ex
}

// reader follows one job's events.
type reader struct {
	h    *JobHandle
	j    *job
	ex   *Explanation
	end  time.Duration        // the end of the makespan, since the epoch
	pods map[uint64]*podTrack // by nameKey
	list []*podTrack
	// waiting holds, per key (the index, or -1), the failed pods not
	// replaced yet, oldest first; streak counts, per backoff key, the
	// failures since the last success.
	waiting  [][]*podTrack // by key+1
	nWaiting int           // the pods in waiting
	streak   []int         // by key+1
	// suspendedAt are the times of the job's Suspended events.
	suspendedAt []time.Duration
	// arena holds the pods' first event references, and slab the pods
	// followed, to allocate them at once.
	arena []int
	slab  []podTrack
	// exits are, by index+1, the exit codes of the runs that ended by
	// themselves (not stopped by a deletion).
	exits []exitCodes
	// spilled: a pod's part could not live in Explanation.Pods.
	spilled bool
	// lastPod is the pod of the last pod event: a pod's events often
	// come together.
	lastPod *podTrack
	// The counts of the sweep that splits the makespan.
	running, terminating, pending, crashloop int
	last                                     time.Duration
	suspended                                bool
	// The job's events by kind, for the decision.
	jobEvents []int
	restarts  int // restarts summed over live pods, as the controller sums them
	// lastRestart is the event of the latest restart while live.
	lastRestart int
	restartsAt  map[int]int // event -> the live sum after it
}

// podTrack is a pod being followed.
type podTrack struct {
	part         *PodPart // in Explanation.Pods, in creation order
	state        trackState
	deleted      bool // a SuccessfulDelete or Killing was seen
	deletedAt    time.Duration
	terminal     bool
	phase        PodPhase
	restartsLive int
}

type trackState int

const (
	psPending trackState = iota
	psRunning
	psCrashLoop
	psTerminating
	psDone
)

func newReader(h *JobHandle, ex *Explanation) *reader {
	j := h.j
	end := j.c.eng.Elapsed()
	if ex.RecordedAt != 0 {
		end = ex.RecordedAt
	}
	ex.Pods = make([]PodPart, 0, j.nextOrdinal)
	return &reader{h: h, j: j, ex: ex, end: end, pods: make(map[uint64]*podTrack, j.nextOrdinal), list: make([]*podTrack, 0, j.nextOrdinal),
		last: j.created, lastRestart: -1,
		restartsAt: map[int]int{}}
}

// read follows the events of r's job, in order.
func (r *reader) read(events []Event) {
	since := sinceEpoch(r.j.c)
	for i := range events {
		e := &events[i]
		if e.Job != r.j.name || e.Object.Namespace != r.j.ns || (e.Object.Kind != KindJob && e.Object.Kind != KindPod) {
			continue
		}
		t := since(e.Time)
		if t < r.j.created {
			continue // an earlier job of the same name
		}
		if t > r.end {
			r.advance(r.end)
		} else {
			r.advance(t)
		}
		if e.Object.Kind == KindJob {
			r.jobEvent(i, t, e)
		} else {
			r.podEvent(i, t, e)
		}
	}
	r.advance(r.end)
}

// sinceEpoch returns a function that reads a time of c's history as the
// virtual time since its epoch: by Unix nanoseconds where they cannot
// overflow (Time.Sub also checks for overflow, at twice the cost), else
// by Sub.
func sinceEpoch(c *Cluster) func(time.Time) time.Duration {
	epoch := c.eng.Epoch()
	if epoch.Year() > 1700 && c.eng.Now().Year() < 2200 {
		base := epoch.UnixNano()
		return func(t time.Time) time.Duration { return time.Duration(t.UnixNano() - base) }
	}
	return func(t time.Time) time.Duration { return t.Sub(epoch) }
}

// advance splits the time from r.last to t by what the job was doing.
func (r *reader) advance(t time.Duration) {
	if t <= r.last {
		return
	}
	d := t - r.last
	tb := &r.ex.Time
	waiting := r.nWaiting > 0
	switch {
	case r.running > 0:
		tb.Running += d
	case r.terminating > 0:
		tb.Terminating += d
	case r.pending > 0:
		tb.Pending += d
	case r.crashloop > 0 || (waiting && !r.suspended && r.ex.DecidedAt == 0) ||
		(waiting && !r.suspended && t <= r.ex.DecidedAt):
		tb.Backoff += d
	default:
		tb.Idle += d
	}
	r.last = t
}

func (r *reader) count(s trackState, n int) {
	switch s {
	case psPending:
		r.pending += n
	case psRunning:
		r.running += n
	case psCrashLoop:
		r.crashloop += n
	case psTerminating:
		r.terminating += n
	}
}

func (r *reader) set(p *podTrack, s trackState) {
	r.count(p.state, -1)
	p.state = s
	r.count(s, 1)
}

// podOf finds the pod of a verdict: the pods are followed in creation
// order, so its ordinal says where, unless events of it were missed.
func (r *reader) podOf(v podVerdict) *podTrack {
	if v.ordinal < len(r.list) {
		if p := r.list[v.ordinal]; p.part.Name == v.name {
			return p
		}
	}
	return r.pod(v.name)
}

// exitCodes tells whether runs all exited with one code.
type exitCodes struct {
	code, runs int
	mixed      bool
}

// noteExit records a run of index ix (-1 for none) that exited by
// itself with code.
func (r *reader) noteExit(ix, code int) {
	for len(r.exits) <= ix+1 {
		r.exits = append(r.exits, exitCodes{})
	}
	x := &r.exits[ix+1]
	if x.runs > 0 && x.code != code {
		x.mixed = true
	}
	x.code = code
	x.runs++
}

// nameKey packs the last 8 bytes of a pod's name, which hold its
// generated suffix, unique among its job's pods (see nameSuffix), into a
// map key cheaper to hash than the name.
func nameKey(name string) uint64 {
	var k uint64
	for i := max(0, len(name)-8); i < len(name); i++ {
		k = k<<8 | uint64(name[i])
	}
	return k
}

// pod returns the followed pod of that name, or nil.
func (r *reader) pod(name string) *podTrack {
	if p := r.pods[nameKey(name)]; p != nil && p.part.Name == name {
		return p
	}
	return nil
}

// waitList returns the list of failed pods waiting under key k (an
// index, or -1).
func (r *reader) waitList(k int) *[]*podTrack {
	for len(r.waiting) <= k+1 {
		r.waiting = append(r.waiting, nil)
	}
	return &r.waiting[k+1]
}

// streakOf returns the failures in a row under backoff key k.
func (r *reader) streakOf(k int) *int {
	for len(r.streak) <= k+1 {
		r.streak = append(r.streak, 0)
	}
	return &r.streak[k+1]
}

// key is the pod-failure backoff's key of index ix: the index with
// backoffLimitPerIndex, the whole job otherwise.
func (r *reader) key(ix int) int {
	if r.j.spec.BackoffLimitPerIndex != nil {
		return ix
	}
	return -1
}

// waitKey is the key under which a failed pod of index ix waits for its
// replacement.
func (r *reader) waitKey(ix int) int {
	if r.j.indexed() {
		return ix
	}
	return -1
}

// indexOf reads the completion index from a pod's name
// (<job>-<index>-<suffix>), -1 for a NonIndexed job.
func (r *reader) indexOf(name string) int {
	if !r.j.indexed() {
		return -1
	}
	rest := strings.TrimPrefix(name, r.j.name+"-")
	k := strings.IndexByte(rest, '-')
	if k < 0 {
		return -1
	}
	ix, err := strconv.Atoi(rest[:k])
	if err != nil {
		return -1
	}
	return ix
}

func (r *reader) jobEvent(i int, t time.Duration, e *Event) {
	if e.Type == EventChange {
		r.jobEvents = append(r.jobEvents, i)
	}
	switch e.Reason {
	case ReasonSuccessfulCreate:
		ix := r.indexOf(e.Related)
		if len(r.arena) == cap(r.arena) {
			r.arena = make([]int, 0, 8*max(64, r.j.nextOrdinal-len(r.list)))
		}
		n := len(r.arena)
		r.arena = r.arena[:n+8]
		evs := append(r.arena[n:n:n+8], i)
		if len(r.slab) == cap(r.slab) {
			r.slab = make([]podTrack, 0, max(16, r.j.nextOrdinal-len(r.list)))
		}
		var part *PodPart
		if ps := r.ex.Pods; len(ps) < cap(ps) {
			r.ex.Pods = ps[:len(ps)+1]
			part = &r.ex.Pods[len(ps)]
		} else {
			part = new(PodPart)
			r.spilled = true // more pods than the job created: never expected
		}
		// Field by field: the part is zero, and a whole-struct copy
		// would cost a write barrier over all of it.
		part.Name, part.Index, part.Rule, part.Created, part.Fate, part.Events = e.Related, ix, -1, t, FateActive, evs
		r.slab = append(r.slab, podTrack{part: part, state: psDone})
		p := &r.slab[len(r.slab)-1]
		r.pods[nameKey(e.Related)] = p
		r.list = append(r.list, p)
		r.set(p, psPending)
		k := r.waitKey(ix)
		if w := *r.waitList(k); len(w) > 0 {
			f := w[0]
			*r.waitList(k) = w[1:]
			r.nWaiting--
			f.part.ReplacedBy = e.Related
			f.part.Backoff = t - f.part.Ended
			f.part.Events = append(f.part.Events, i)
		}
	case ReasonSuccessfulDelete:
		if p := r.pod(e.Related); p != nil {
			p.part.Events = append(p.part.Events, i)
			if !p.terminal {
				p.deleted, p.deletedAt = true, t
				p.part.DeletedBy = "job controller"
			}
		}
	case ReasonSuspended:
		r.suspended = true
		r.suspendedAt = append(r.suspendedAt, t)
	case ReasonResumed:
		r.suspended = false
	}
}

func (r *reader) podEvent(i int, t time.Duration, e *Event) {
	p := r.lastPod
	if p == nil || p.part.Name != e.Object.Name {
		if p = r.pod(e.Object.Name); p == nil {
			return
		}
		r.lastPod = p
	}
	p.part.Events = append(p.part.Events, i)
	switch {
	case e.Reason == ReasonFailedScheduling:
		p.part.PendingReason = e.Message
	case e.Reason == ReasonStarted && e.Type == EventNormal && strings.HasPrefix(e.Message, "Started container") && p.state != psTerminating:
		if p.part.Runs == 0 {
			p.part.Pending = t - p.part.Created
		} else if p.state == psCrashLoop || p.state == psRunning {
			p.part.Restarts++
			p.restartsLive++
			r.restarts++
			r.lastRestart = i
			r.restartsAt[i] = r.restarts
		}
		p.part.Runs++
		if p.state != psRunning {
			r.set(p, psRunning)
		}
	case e.Exited:
		p.part.ExitCode = e.ExitCode
		if !p.deleted {
			r.noteExit(p.part.Index, e.ExitCode)
		}
		switch {
		case strings.HasSuffix(e.Message, "; pod "+string(PodFailed)):
			r.ended(p, t, PodFailed)
		case strings.HasSuffix(e.Message, "; pod "+string(PodSucceeded)):
			r.ended(p, t, PodSucceeded)
		default:
			r.set(p, psCrashLoop) // restarted at once, or after a BackOff
		}
	case e.Reason == ReasonBackOff:
		if p.state != psTerminating {
			r.set(p, psCrashLoop)
		}
	case e.Reason == ReasonKilling:
		if !p.terminal && p.state != psTerminating {
			if !p.deleted {
				p.deleted, p.deletedAt = true, t
			}
			r.set(p, psTerminating)
		}
	case e.Reason == ReasonPreempted:
		p.part.Disruption = ReasonPreempted
	case isDisruption(e.Reason):
		p.part.Disruption = e.Reason
	}
}

func isDisruption(reason string) bool {
	switch reason {
	case DisruptionEvictionAPI, DisruptionPreemption, DisruptionTaintManager, DisruptionPodGC, DisruptionKubelet:
		return true
	}
	return false
}

// ended follows a pod becoming terminal.
func (r *reader) ended(p *podTrack, t time.Duration, phase PodPhase) {
	if p.part.Runs == 0 {
		p.part.Pending = t - p.part.Created
	}
	p.terminal, p.phase, p.part.Ended = true, phase, t
	r.set(p, psDone)
	r.restarts -= p.restartsLive
	p.restartsLive = 0
	k := r.key(p.part.Index)
	if phase == PodSucceeded {
		*r.streakOf(k) = 0
		return
	}
	decided := r.ex.DecidedAt != 0 && t >= r.ex.DecidedAt
	if p.deleted && !decided && p.part.DeletedBy != "" {
		return // deleted by the controller while the job ran: not replaced
	}
	if !decided || !p.deleted { // not a pod deleted as the job ended
		*r.streakOf(k)++
		p.part.Consecutive = *r.streakOf(k)
	}
	if !decided {
		wk := r.waitKey(p.part.Index)
		*r.waitList(wk) = append(*r.waitList(wk), p)
		r.nWaiting++
	}
}

// finish joins the controller's verdicts to the pods and names what
// deleted each deleted pod.
func (r *reader) finish() {
	for _, v := range r.j.verdicts {
		p := r.podOf(v)
		if p == nil {
			continue
		}
		p.part.Rule = -1
		if v.action != "" {
			p.part.Rule = v.rule
		}
		switch {
		case v.phase == PodSucceeded && v.counted:
			p.part.Fate = FateSucceeded
		case v.phase == PodSucceeded:
			p.part.Fate = FateUncounted
		case v.action == ActionFailJob:
			p.part.Fate = FateFailJob
		case v.action == ActionFailIndex:
			p.part.Fate = FateFailIndex
		case v.action == ActionIgnore:
			p.part.Fate = FateIgnored
		case v.counted:
			p.part.Fate = FateFailed
		default:
			p.part.Fate = FateUncounted
		}
	}
	for _, p := range r.list {
		if p.deleted {
			p.part.DeletedBy = r.deletedBy(p)
			if p.part.Fate == FateActive && p.terminal {
				p.part.Fate = FateDeleted
			}
		}
		if p.part.Fate == FateActive && p.terminal && p.phase == PodFailed && p.deleted {
			p.part.Fate = FateDeleted
		}
		if !p.terminal && p.part.Runs == 0 {
			p.part.Pending = r.end - p.part.Created
		}
	}
	if r.spilled {
		pods := make([]PodPart, len(r.list))
		for i, p := range r.list {
			pods[i] = *p.part
		}
		r.ex.Pods = pods
	}
}

// deletedBy names what deleted p: a disruption; a user when the Job
// controller did not (no SuccessfulDelete); else the job's end when its
// outcome was decided at that instant, a suspension or a scale-down.
func (r *reader) deletedBy(p *podTrack) string {
	if p.part.Disruption != "" {
		return "disruption"
	}
	if p.part.DeletedBy == "" {
		return "user" // no SuccessfulDelete: not the Job controller
	}
	if r.ex.DecidedAt != 0 && p.deletedAt == r.ex.DecidedAt {
		return "job end"
	}
	for _, t := range r.suspendedAt {
		if t == p.deletedAt {
			return "suspension"
		}
	}
	return "scale-down"
}

// decision says which rule decided the outcome.
func (r *reader) decision() Decision {
	ex, spec := r.ex, r.j.spec
	evAt := func(t time.Duration) []int {
		var out []int
		epoch := r.j.c.eng.Epoch()
		for _, i := range r.jobEvents {
			e := &r.j.c.events[i]
			if e.Time.Sub(epoch) == t && e.Type == EventChange {
				out = append(out, i)
			}
		}
		return out
	}
	d := Decision{Events: evAt(ex.DecidedAt)}
	switch ex.Reason {
	case JobReasonBackoffLimitExceeded:
		limit := *spec.BackoffLimit
		d.Field, d.Value = "backoffLimit", strconv.Itoa(limit)
		failed := r.failedBy(ex.DecidedAt)
		if spec.Template.Spec.RestartPolicy == RestartOnFailure && !exceedsBackoffLimit(len(failed), limit) && r.lastRestart >= 0 {
			n := r.restartsAt[r.lastRestart]
			e := r.j.c.events[r.lastRestart]
			d.Pod, d.Count = e.Object.Name, n
			d.Events = append([]int{r.lastRestart}, d.Events...)
			rule := fmt.Sprintf("the %s restart", ordinal(n))
			if limit == 0 {
				rule = "the first restart"
			}
			d.Text = fmt.Sprintf("backoffLimit: %d with restartPolicy: OnFailure counts container restarts across the Job's unfinished pods; %s, of pod %s at %s, reached it",
				limit, rule, d.Pod, span(e.Time.Sub(r.j.c.eng.Epoch())))
			return d
		}
		d.Count = len(failed)
		if len(failed) > limit {
			p := failed[limit]
			d.Pod = p.part.Name
			d.Events = append(lastEvents(p, 1), d.Events...)
			lets := plural(limit, "pod")
			if limit == 0 {
				lets = "no pod"
			}
			d.Text = fmt.Sprintf("backoffLimit: %d lets %s fail; the %s counted failure, pod %s (exit %d at %s), exceeded it",
				limit, lets, ordinal(limit+1), p.part.Name, p.part.ExitCode, span(p.part.Ended))
			return d
		}
		d.Text = fmt.Sprintf("backoffLimit: %d was exceeded", limit)
	case JobReasonDeadlineExceeded:
		st := r.h.Status()
		start := st.StartTime.Sub(r.j.c.eng.Epoch())
		d.Field = "activeDeadlineSeconds"
		if spec.ActiveDeadline != nil {
			d.Value = strconv.Itoa(int(*spec.ActiveDeadline / time.Second))
		}
		n := 0
		for _, p := range r.list {
			if p.part.DeletedBy == "job end" || (p.deleted && p.deletedAt == ex.DecidedAt) {
				n++
			}
		}
		deleted := "the controller deleted its " + plural(n, "active pod")
		if n == 0 {
			deleted = "no pod was active then"
		}
		d.Text = fmt.Sprintf("activeDeadlineSeconds: %s counts from startTime (%s); at %s the Job had been active that long, and %s",
			d.Value, span(start), span(ex.DecidedAt), deleted)
	case JobReasonPodFailurePolicy:
		for _, p := range r.list {
			if p.part.Fate == FateFailJob {
				d.Field, d.Pod = fmt.Sprintf("podFailurePolicy.rules[%d]", p.part.Rule), p.part.Name
				d.Value = ruleText(spec.PodFailurePolicy.Rules[p.part.Rule])
				d.Events = append(lastEvents(p, 1), d.Events...)
				d.Text = fmt.Sprintf("podFailurePolicy rule %d (%s) matched pod %s, which exited %d at %s: the Job fails at once, whatever backoffLimit says",
					p.part.Rule, d.Value, p.part.Name, p.part.ExitCode, span(p.part.Ended))
				return d
			}
		}
		d.Text = "a FailJob rule of the podFailurePolicy matched"
	case JobReasonFailedIndexes, JobReasonMaxFailedIndexesExceeded:
		st := r.h.Status()
		failed := ""
		if st.FailedIndexes != nil {
			failed = *st.FailedIndexes
		}
		d.Field, d.Value = "backoffLimitPerIndex", strconv.Itoa(*spec.BackoffLimitPerIndex)
		d.Count = countList(failed)
		if ex.Reason == JobReasonMaxFailedIndexesExceeded {
			d.Field, d.Value = "maxFailedIndexes", strconv.Itoa(*spec.MaxFailedIndexes)
			d.Text = fmt.Sprintf("maxFailedIndexes: %d lets that many indexes fail; %s failed (%s, each after more than backoffLimitPerIndex %d failures or a FailIndex rule)",
				*spec.MaxFailedIndexes, plural(d.Count, "index"), failed, *spec.BackoffLimitPerIndex)
		} else {
			d.Text = fmt.Sprintf("backoffLimitPerIndex: %d fails an index at its %s failure; %s failed (%s), and once every index had succeeded or failed the Job failed",
				*spec.BackoffLimitPerIndex, ordinal(*spec.BackoffLimitPerIndex+1), plural(d.Count, "index"), failed)
		}
	case JobReasonCompletionsReached:
		n, p := r.succeeded(ex.DecidedAt)
		d.Field, d.Value = "completions", "unset"
		if spec.Completions != nil {
			d.Value = strconv.Itoa(*spec.Completions)
		}
		d.Count = n
		if p != nil {
			d.Pod = p.part.Name
			d.Events = append(lastEvents(p, 1), d.Events...)
			if spec.Completions == nil {
				d.Text = fmt.Sprintf("completions unset (a work queue): the first success, pod %s at %s, and no pod left active completed the Job", p.part.Name, span(p.part.Ended))
			} else {
				d.Text = fmt.Sprintf("completions: %d needs that many successes; the last, pod %s at %s, completed the Job", *spec.Completions, p.part.Name, span(p.part.Ended))
			}
		} else {
			d.Text = "completions were reached"
		}
	case JobReasonSuccessPolicy:
		k := -1
		for _, cond := range r.h.Status().Conditions {
			if cond.Type == JobSuccessCriteriaMet {
				fmt.Sscanf(cond.Message, "Matched rules at index %d", &k)
			}
		}
		_, last := r.succeeded(ex.DecidedAt)
		if k >= 0 && spec.SuccessPolicy != nil && k < len(spec.SuccessPolicy.Rules) {
			d.Field = fmt.Sprintf("successPolicy.rules[%d]", k)
			d.Value = successRuleText(spec.SuccessPolicy.Rules[k])
		}
		d.Text = fmt.Sprintf("successPolicy rule %d (%s) was met", k, d.Value)
		if last != nil {
			d.Pod = last.part.Name
			d.Events = append(lastEvents(last, 1), d.Events...)
			d.Text += fmt.Sprintf(" when pod %s (index %d) succeeded at %s; the pods still running were deleted", last.part.Name, last.part.Index, span(last.part.Ended))
		}
	case "":
		switch ex.Outcome {
		case OutcomeSuspended:
			d.Field, d.Value, d.Text = "suspend", "true", "the Job is suspended: its pods are deleted and none are created until it is resumed"
		default:
			d.Text = fmt.Sprintf("the Job has not finished yet (at %s)", span(r.j.c.eng.Elapsed()))
		}
	default:
		d.Text = "the Job finished with reason " + ex.Reason
	}
	return d
}

// sameExit says when the runs that ended by themselves all exited with
// one non-zero code: every run of the job, or of one failed index.
func (r *reader) sameExit() string {
	one := func(k int) int {
		if k+1 < len(r.exits) && r.exits[k+1].runs > 0 && !r.exits[k+1].mixed {
			return r.exits[k+1].code
		}
		return 0
	}
	if !r.j.indexed() {
		if code := one(-1); code != 0 {
			return fmt.Sprintf("every run exits %d", code)
		}
		return ""
	}
	for _, ip := range r.ex.Indexes {
		if ip.Outcome == "Failed" {
			if code := one(ip.Index); code != 0 {
				return fmt.Sprintf("every run of index %d exits %d", ip.Index, code)
			}
		}
	}
	return ""
}

// failedBy returns the pods counted failed that ended by t, in the
// order they were counted.
func (r *reader) failedBy(t time.Duration) []*podTrack {
	var out []*podTrack
	for _, v := range r.j.verdicts {
		if v.failed && v.counted && v.phase == PodFailed && v.at <= t {
			if p := r.podOf(v); p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// succeeded returns how many pods were counted succeeded, and the last
// of them to be counted that ended by t.
func (r *reader) succeeded(t time.Duration) (n int, last *podTrack) {
	for _, v := range r.j.verdicts {
		if v.phase == PodSucceeded && v.counted {
			n++
			if p := r.podOf(v); p != nil && p.part.Ended <= t {
				last = p
			}
		}
	}
	return n, last
}

// indexParts tells each index's story.
func (r *reader) indexParts() []IndexPart {
	if !r.j.indexed() {
		return nil
	}
	n := r.j.idx.completions
	parts := make([]IndexPart, n)
	for i := range parts {
		parts[i].Index = i
	}
	st := r.h.Status()
	failed := map[int]bool{}
	if st.FailedIndexes != nil {
		for _, i := range expandList(*st.FailedIndexes) {
			failed[i] = true
		}
	}
	done := map[int]bool{}
	for _, i := range expandList(st.CompletedIndexes) {
		done[i] = true
	}
	for _, p := range r.list {
		ix := p.part.Index
		if ix < 0 || ix >= n {
			continue
		}
		ip := &parts[ix]
		ip.Pods = append(ip.Pods, p.part.Name)
		ip.Events = append(ip.Events, p.part.Events...)
		if p.part.Fate == FateFailed || p.part.Fate == FateFailIndex || p.part.Fate == FateFailJob {
			ip.Failures++
		}
	}
	for i := range parts {
		ip := &parts[i]
		switch {
		case done[i]:
			ip.Outcome = "Succeeded"
			ip.Text = fmt.Sprintf("index %d succeeded after %s (%s)", i, plural(len(ip.Pods), "pod"), strings.Join(ip.Pods, ", "))
		case failed[i]:
			ip.Outcome = "Failed"
			ip.Text = fmt.Sprintf("index %d failed: %s counted (%s)", i, plural(ip.Failures, "failure"), strings.Join(ip.Pods, ", "))
			if lim := r.j.spec.BackoffLimitPerIndex; lim != nil {
				ip.Text += fmt.Sprintf(", more than backoffLimitPerIndex %d", *lim)
			}
		case len(ip.Pods) == 0:
			ip.Text = fmt.Sprintf("index %d never got a pod", i)
		default:
			ip.Text = fmt.Sprintf("index %d neither succeeded nor failed (%s)", i, strings.Join(ip.Pods, ", "))
		}
	}
	return parts
}

// lastEvents returns the last n events of p.
func lastEvents(p *podTrack, n int) []int {
	ev := p.part.Events
	// the pod's end is its last pod event before any job event naming it
	if len(ev) < n {
		return append([]int(nil), ev...)
	}
	return append([]int(nil), ev[len(ev)-n:]...)
}

// ruleText formats a pod failure policy rule as a manifest would.
func ruleText(r PodFailurePolicyRule) string {
	switch {
	case r.OnExitCodes != nil:
		vals := make([]string, len(r.OnExitCodes.Values))
		for i, v := range r.OnExitCodes.Values {
			vals[i] = strconv.Itoa(v)
		}
		return fmt.Sprintf("%s on exit codes %s [%s]", r.Action, r.OnExitCodes.Operator, strings.Join(vals, ","))
	case len(r.OnPodConditions) > 0:
		var cs []string
		for _, pc := range r.OnPodConditions {
			cs = append(cs, string(pc.Type))
		}
		return fmt.Sprintf("%s on pod condition %s", r.Action, strings.Join(cs, ","))
	}
	return string(r.Action)
}

func successRuleText(r SuccessPolicyRule) string {
	var parts []string
	if r.SucceededIndexes != nil {
		parts = append(parts, fmt.Sprintf("succeededIndexes %q", *r.SucceededIndexes))
	}
	if r.SucceededCount != nil {
		parts = append(parts, fmt.Sprintf("succeededCount %d", *r.SucceededCount))
	}
	return strings.Join(parts, ", ")
}

// expandList expands an interval list such as "0,2-4".
func expandList(s string) []int {
	var out []int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		lo, hi, ok := strings.Cut(part, "-")
		a, _ := strconv.Atoi(lo)
		b := a
		if ok {
			b, _ = strconv.Atoi(hi)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out
}

func countList(s string) int { return len(expandList(s)) }

// span formats a duration shortly: 1m30s, 20s, 2m, 1.5s.
func span(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "x") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(what, "x") + "xes"
	}
	return strconv.Itoa(n) + " " + what + "s"
}
