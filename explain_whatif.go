package jobsim

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// Counterfactuals: the explained scenario simulated again, with the same
// seed and one change at a time, to find the smallest change that would
// have changed the outcome, and the changes that would not have.

// Rerun simulates the explained scenario again with cfg and job in place
// of the originals: it makes a cluster with NewCluster(cfg), submits the
// scenario's jobs and makes its calls (At, Update ...) as the first run
// did, but submits job in place of the explained one, runs the cluster
// until nothing is left to happen (Cluster.Run), and returns the handle
// of that job. It must pass cfg to NewCluster unchanged: cfg.MaxEvents
// carries what is left of the re-run budget, and the error of Run is to
// be returned (wrapping sim.ErrEventLimit when the budget runs out).
// RerunJob is the Rerun of a scenario of one job; a scenario runner
// builds its own.
type Rerun func(cfg Config, job Job) (*JobHandle, error)

// RerunJob returns the Rerun of a scenario that submits one job with
// Behavior b to a new cluster and runs it.
func RerunJob(b Behavior) Rerun {
	return func(cfg Config, job Job) (*JobHandle, error) {
		c := NewCluster(cfg)
		h, err := c.Submit(job, b)
		if err != nil {
			return nil, err
		}
		return h, c.Run()
	}
}

// WhatIf holds the counterfactuals ExplainWith tried.
type WhatIf struct {
	// Tried lists each change simulated, in the order tried.
	Tried []Counterfactual `json:"tried,omitempty"`
	// Smallest is the position in Tried of the smallest change that
	// flips the outcome, -1 if none did.
	Smallest int `json:"smallest"`
	// Reruns and Events count the re-runs and their engine events.
	Reruns int    `json:"reruns"`
	Events uint64 `json:"events"`
	// BudgetExhausted says the re-runs stopped at ExplainOptions'
	// MaxReruns or MaxEventFactor before every change was tried.
	BudgetExhausted bool `json:"budgetExhausted,omitempty"`
	// Note says why no change was tried, if none was.
	Note string `json:"note,omitempty"`
}

// Counterfactual is one change simulated, and what came of it.
type Counterfactual struct {
	// Field is the spec field changed (backoffLimit, restartPolicy,
	// podFailurePolicy.rules, nodes ...), From and To its values.
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
	// Outcome, Reason and Makespan are the re-run's.
	Outcome  Outcome       `json:"outcome"`
	Reason   string        `json:"reason,omitempty"`
	Makespan time.Duration `json:"makespan"`
	// Flips says the re-run's job finished (Complete or Failed) with an
	// outcome other than the explained run's; one that did not finish
	// (Running, Suspended) flips nothing.
	Flips bool `json:"flips"`
	// Why is the re-run's deciding rule: why the change did (or did not)
	// help.
	Why string `json:"why"`
	// Error is the re-run's error, if it had one (the budget ran out);
	// the outcome is then the run's state when it stopped.
	Error string `json:"error,omitempty"`

	edit func(*Config, *Job)
	rank int // how small the change is: the searched limits first
}

// Apply returns cfg and job with the change made, as the re-run had
// them (MaxEvents aside).
func (cf Counterfactual) Apply(cfg Config, job Job) (Config, Job) {
	cfg.Nodes = slices.Clone(cfg.Nodes)
	job.Spec = cloneSpec(job.Spec)
	if cf.edit != nil {
		cf.edit(&cfg, &job)
	}
	return cfg, job
}

// finished reports whether the re-run's job ended, Complete or Failed.
func (cf Counterfactual) finished() bool {
	return cf.Outcome == OutcomeComplete || cf.Outcome == OutcomeFailed
}

// Change formats the change: "backoffLimit 4 -> 6".
func (cf Counterfactual) Change() string {
	return fmt.Sprintf("%s %s -> %s", cf.Field, cf.From, cf.To)
}

// whatIfRun is the state of one search for counterfactuals.
type whatIfRun struct {
	h       *JobHandle
	ex      *Explanation
	opts    ExplainOptions
	cfg     Config
	job     Job
	w       WhatIf
	budget  uint64 // engine events left
	total   uint64 // engine events allowed in all
	maxRuns int
	rank    int // the rank of the changes tried now
}

func whatIf(h *JobHandle, ex *Explanation, opts ExplainOptions) WhatIf {
	c := h.j.c
	r := &whatIfRun{h: h, ex: ex, opts: opts, w: WhatIf{Smallest: -1}}
	r.cfg = opts.Config
	if reflect.ValueOf(r.cfg).IsZero() {
		r.cfg = c.cfg
	}
	r.job = opts.Job
	if r.job.Name == "" {
		if h.Generation() > 1 {
			r.w.Note = "the job was edited during the run; give the Job as submitted (ExplainOptions.Job) to try changes"
			return r.w
		}
		r.job = h.Job()
	}
	r.maxRuns = opts.MaxReruns
	if r.maxRuns <= 0 {
		r.maxRuns = 50
	}
	factor := opts.MaxEventFactor
	if factor <= 0 {
		factor = 20
	}
	r.budget = uint64(factor) * max(c.eng.Fired(), 1)
	r.total = r.budget
	switch ex.Outcome {
	case OutcomeFailed:
		r.failed()
	case OutcomeComplete:
		r.complete()
	default:
		r.w.Note = "the job has not finished: there is no outcome to change"
	}
	for i, cf := range r.w.Tried {
		if cf.Flips && cf.Error == "" && (r.w.Smallest < 0 || cf.rank < r.w.Tried[r.w.Smallest].rank) {
			r.w.Smallest = i
		}
	}
	return r.w
}

// try simulates one change, unless the budget is spent or the change is
// invalid; it returns the counterfactual and whether it ran.
func (r *whatIfRun) try(field, from, to string, edit func(*Config, *Job)) (Counterfactual, bool) {
	cf := Counterfactual{Field: field, From: from, To: to, edit: edit, rank: r.rank}
	if r.w.Reruns >= r.maxRuns || r.budget == 0 {
		r.w.BudgetExhausted = true
		return cf, false
	}
	cfg, job := cf.Apply(r.cfg, r.job)
	if Validate(job) != nil || ValidateConfig(cfg) != nil {
		return cf, false
	}
	// One re-run may take half the budget, so that a change that never
	// ends (an Ignore rule on a failure that always comes back) leaves
	// room for the others.
	cfg.MaxEvents = min(r.budget, max(r.total/2, 1))
	if r.cfg.MaxEvents != 0 {
		cfg.MaxEvents = min(r.cfg.MaxEvents, cfg.MaxEvents)
	}
	r.w.Reruns++
	h, err := r.opts.Rerun(cfg, job)
	if h == nil {
		if err != nil {
			cf.Error = err.Error()
		}
		r.w.Tried = append(r.w.Tried, cf)
		return cf, true
	}
	fired := h.j.c.eng.Fired()
	r.w.Events += fired
	r.budget -= min(fired, r.budget)
	if err != nil {
		cf.Error = err.Error()
		if errors.Is(err, sim.ErrEventLimit) && r.budget == 0 {
			r.w.BudgetExhausted = true
		}
	}
	got := explainHistory(h)
	cf.Outcome, cf.Reason, cf.Makespan = got.Outcome, got.Reason, got.Makespan
	// Only a finished re-run changes the outcome: a job that then never
	// ends (its pods run forever once a deadline is gone) is no answer.
	cf.Flips = got.Outcome != r.ex.Outcome && err == nil && cf.finished()
	cf.Why = got.Rule.Text
	r.w.Tried = append(r.w.Tried, cf)
	return cf, true
}

// search tries a count field at from+1, from+2, from+4 ... until a value
// flips the outcome, then the values between the last that did not and
// the first that did, to find the smallest. Only the smallest flip and
// the largest value that did not help are kept.
func (r *whatIfRun) search(field string, from, ceiling int, set func(*Job, int)) {
	r.rank = 0
	defer func() { r.rank = 1 }()
	edit := func(v int) func(*Config, *Job) { return func(_ *Config, j *Job) { set(j, v) } }
	lo, hi := from, -1 // lo: the largest value known not to flip
	var loCF, hiCF *Counterfactual
	keep := len(r.w.Tried)
	for step := 1; from+step <= ceiling; step *= 2 {
		v := from + step
		cf, ran := r.try(field, strconv.Itoa(from), strconv.Itoa(v), edit(v))
		if !ran || cf.Error != "" {
			break
		}
		if cf.Flips {
			hi, hiCF = v, &cf
			break
		}
		lo, loCF = v, &cf
	}
	for hi > 0 && hi-lo > 1 {
		v := lo + (hi-lo)/2
		cf, ran := r.try(field, strconv.Itoa(from), strconv.Itoa(v), edit(v))
		if !ran || cf.Error != "" {
			break
		}
		if cf.Flips {
			hi, hiCF = v, &cf
		} else {
			lo, loCF = v, &cf
		}
	}
	r.w.Tried = r.w.Tried[:keep]
	if hiCF != nil {
		r.w.Tried = append(r.w.Tried, *hiCF)
	}
	if loCF != nil {
		r.w.Tried = append(r.w.Tried, *loCF)
	}
}

// failed tries the changes that might have saved a failed job: the
// single changes first, as they cost one re-run each, then the searches
// for the smallest limit that would have been enough.
func (r *whatIfRun) failed() {
	spec := &r.job.Spec
	r.rank = 1
	switch r.ex.Reason {
	case JobReasonPodFailurePolicy:
		for _, p := range r.ex.Pods {
			if p.Fate == FateFailJob {
				k := p.Rule
				r.try(fmt.Sprintf("podFailurePolicy.rules[%d].action", k), string(ActionFailJob), string(ActionIgnore), func(_ *Config, j *Job) {
					j.Spec.PodFailurePolicy.Rules[k].Action = ActionIgnore
				})
				break
			}
		}
		// A larger backoffLimit does not help against FailJob: the
		// re-run says why.
		r.try("backoffLimit", strconv.Itoa(*spec.BackoffLimit), strconv.Itoa(*spec.BackoffLimit+10), func(_ *Config, j *Job) {
			j.Spec.BackoffLimit = Ptr(*j.Spec.BackoffLimit + 10)
		})
	case JobReasonDeadlineExceeded:
		d := *spec.ActiveDeadline
		r.rank = 0
		r.try("activeDeadlineSeconds", secs(d), secs(2*d), func(_ *Config, j *Job) { j.Spec.ActiveDeadline = Ptr(2 * d) })
		r.rank = 1
		r.try("activeDeadlineSeconds", secs(d), "unset", func(_ *Config, j *Job) { j.Spec.ActiveDeadline = nil })
		r.parallelism()
		r.moreNodes()
	}
	if r.ex.Reason == JobReasonBackoffLimitExceeded {
		r.fewerAtOnce()
	}
	r.disruptions()
	r.restartPolicy()
	if spec.PodReplacementPolicy != ReplaceFailed && spec.PodFailurePolicy == nil {
		from := string(spec.PodReplacementPolicy)
		if from == "" {
			from = string(ReplaceTerminatingOrFailed)
		}
		r.try("podReplacementPolicy", from, string(ReplaceFailed), func(_ *Config, j *Job) { j.Spec.PodReplacementPolicy = ReplaceFailed })
	}
	switch r.ex.Reason {
	case JobReasonBackoffLimitExceeded:
		r.search("backoffLimit", *spec.BackoffLimit, *spec.BackoffLimit+64, func(j *Job, v int) { j.Spec.BackoffLimit = Ptr(v) })
	case JobReasonFailedIndexes, JobReasonMaxFailedIndexesExceeded:
		r.search("backoffLimitPerIndex", *spec.BackoffLimitPerIndex, *spec.BackoffLimitPerIndex+32, func(j *Job, v int) { j.Spec.BackoffLimitPerIndex = Ptr(v) })
		if m := spec.MaxFailedIndexes; m != nil && r.ex.Reason == JobReasonMaxFailedIndexesExceeded {
			n := *spec.Completions
			r.try("maxFailedIndexes", strconv.Itoa(*m), strconv.Itoa(n), func(_ *Config, j *Job) { j.Spec.MaxFailedIndexes = Ptr(n) })
		}
	}
}

// complete tries the changes that might have made a complete job
// quicker.
func (r *whatIfRun) complete() {
	r.parallelism()
	r.moreNodes()
}

func secs(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// parallelism tries one more pod at a time, when completions leave room.
func (r *whatIfRun) parallelism() {
	spec := &r.job.Spec
	p := *spec.Parallelism
	if spec.Completions != nil && p >= *spec.Completions {
		return
	}
	r.try("parallelism", strconv.Itoa(p), strconv.Itoa(p+1), func(_ *Config, j *Job) { j.Spec.Parallelism = Ptr(p + 1) })
}

// fewerAtOnce tries one pod fewer at a time: fewer pods failing
// together, and successes between failures reset the pod-failure
// backoff.
func (r *whatIfRun) fewerAtOnce() {
	p := *r.job.Spec.Parallelism
	if p <= 1 {
		return
	}
	r.try("parallelism", strconv.Itoa(p), strconv.Itoa(p-1), func(_ *Config, j *Job) { j.Spec.Parallelism = Ptr(p - 1) })
}

// moreNodes tries one more node like those of the busiest pool (the
// nodes of one shape that bound most of the job's pods), when a pod of
// the job waited for room.
func (r *whatIfRun) moreNodes() {
	if len(r.cfg.Nodes) == 0 {
		return
	}
	waited := false
	for _, p := range r.ex.Pods {
		waited = waited || p.PendingReason != ""
	}
	if !waited {
		return
	}
	binds := map[string]int{}
	c := r.h.j.c
	for _, p := range r.ex.Pods {
		for _, i := range p.Events {
			if e := c.events[i]; e.Reason == ReasonScheduled && e.Related != "" {
				binds[e.Related]++
			}
		}
	}
	pools := map[string]int{}
	var order []string
	shape := map[string]Node{}
	for _, n := range r.cfg.Nodes {
		k := poolKey(n)
		if _, ok := shape[k]; !ok {
			shape[k] = n
			order = append(order, k)
		}
		pools[k] += binds[n.Name]
	}
	best := order[0]
	for _, k := range order {
		if pools[k] > pools[best] {
			best = k
		}
	}
	proto := shape[best]
	name := proto.Name + "-extra"
	from := strconv.Itoa(len(r.cfg.Nodes))
	r.try("nodes", from, from+"+1 like "+proto.Name, func(cfg *Config, _ *Job) {
		n := proto
		n.Name = name
		n.Labels = maps.Clone(proto.Labels)
		n.Capacity = maps.Clone(proto.Capacity)
		cfg.Nodes = append(cfg.Nodes, n)
	})
}

// poolKey is a node's shape: its capacity and labels, but its name.
func poolKey(n Node) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(n.Capacity)) {
		fmt.Fprintf(&b, "%s=%d,", k, n.Capacity[k])
	}
	b.WriteByte('|')
	for _, k := range slices.Sorted(maps.Keys(n.Labels)) {
		if k == "kubernetes.io/hostname" {
			continue
		}
		fmt.Fprintf(&b, "%s=%s,", k, n.Labels[k])
	}
	return b.String()
}

// disruptions tries an Ignore rule on the DisruptionTarget condition
// when a pod was disrupted (it needs restartPolicy Never).
func (r *whatIfRun) disruptions() {
	seen := ""
	for _, p := range r.ex.Pods {
		if p.Disruption != "" {
			seen = p.Disruption
		}
	}
	if seen == "" || r.job.Spec.Template.Spec.RestartPolicy != RestartNever {
		return
	}
	rule := PodFailurePolicyRule{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: string(DisruptionTarget), Status: ConditionTrue}}}
	from := "none"
	if pfp := r.job.Spec.PodFailurePolicy; pfp != nil {
		from = plural(len(pfp.Rules), "rule")
	}
	r.try("podFailurePolicy.rules", from, "an Ignore rule on DisruptionTarget ("+seen+") first", func(_ *Config, j *Job) {
		pfp := &PodFailurePolicy{}
		if j.Spec.PodFailurePolicy != nil {
			pfp.Rules = slices.Clone(j.Spec.PodFailurePolicy.Rules)
		}
		pfp.Rules = append([]PodFailurePolicyRule{rule}, pfp.Rules...)
		j.Spec.PodFailurePolicy = pfp
		j.Spec.PodReplacementPolicy = ReplaceFailed
	})
}

// restartPolicy tries the other restart policy.
func (r *whatIfRun) restartPolicy() {
	rp := r.job.Spec.Template.Spec.RestartPolicy
	to := RestartNever
	if rp == RestartNever {
		if r.job.Spec.PodFailurePolicy != nil {
			return // podFailurePolicy needs Never
		}
		to = RestartOnFailure
	}
	r.try("restartPolicy", string(rp), string(to), func(_ *Config, j *Job) { j.Spec.Template.Spec.RestartPolicy = to })
}

// sentences says what would have changed the outcome and what would not.
func (w WhatIf) sentences(ex *Explanation) []Sentence {
	var out []Sentence
	if w.Note != "" {
		return []Sentence{{Text: "What if: " + w.Note + "."}}
	}
	if len(w.Tried) == 0 && !w.BudgetExhausted {
		return nil
	}
	if w.Smallest >= 0 {
		cf := w.Tried[w.Smallest]
		out = append(out, Sentence{Text: fmt.Sprintf("What would have changed it: %s; the Job is then %s (%s) after %s.",
			cf.Change(), cf.Outcome, cf.Reason, span(cf.Makespan))})
	} else if len(w.Tried) > 0 && ex.Outcome != OutcomeComplete {
		text := "No single change tried would have changed the outcome"
		if ex.sameExit != "" {
			text += ": " + ex.sameExit
		}
		out = append(out, Sentence{Text: text + "."})
	}
	for i, cf := range w.Tried {
		if i == w.Smallest {
			continue
		}
		switch {
		case cf.Error != "":
			out = append(out, Sentence{Text: fmt.Sprintf("%s: the re-run did not end within the budget (%s).", cf.Change(), cf.Error)})
		case cf.Flips:
			out = append(out, Sentence{Text: fmt.Sprintf("%s would also change it: %s (%s) after %s.", cf.Change(), cf.Outcome, cf.Reason, span(cf.Makespan))})
		case !cf.finished():
			out = append(out, Sentence{Text: fmt.Sprintf("%s would not help: the Job then does not finish (%s when the re-run ended).", cf.Change(), cf.Outcome)})
		case ex.Outcome == OutcomeComplete && cf.Makespan == ex.Makespan:
			out = append(out, Sentence{Text: fmt.Sprintf("%s: still %s, no quicker (%s).", cf.Change(), cf.Outcome, span(cf.Makespan))})
		case ex.Outcome == OutcomeComplete:
			out = append(out, Sentence{Text: fmt.Sprintf("%s: still %s, after %s instead of %s.", cf.Change(), cf.Outcome, span(cf.Makespan), span(ex.Makespan))})
		default:
			out = append(out, Sentence{Text: fmt.Sprintf("%s would not help: still %s (%s) after %s: %s.", cf.Change(), cf.Outcome, cf.Reason, span(cf.Makespan), cf.Why)})
		}
	}
	if w.BudgetExhausted {
		out = append(out, Sentence{Text: fmt.Sprintf("The re-run budget ran out after %s (%d engine events).", plural(w.Reruns, "re-run"), w.Events)})
	}
	return out
}
