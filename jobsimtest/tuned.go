package jobsimtest

import (
	"fmt"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
)

// RunOptions tune the runs RunsWith and BehaviorsWith generate. The zero
// value makes runs of up to two minutes that always succeed, end by
// themselves and exit at once on SIGTERM: a property then adds what it
// wants to exercise.
type RunOptions struct {
	// MinDuration and MaxDuration bound a run's duration (drawn to the
	// millisecond); a MaxDuration of 0 means two minutes.
	MinDuration, MaxDuration time.Duration
	// FailureRate is the share of runs that fail, with exit code 1, 2 or
	// 137, from 0 (none) to 1 (all).
	FailureRate float64
	// ForeverRate is the share of runs that never end by themselves.
	ForeverRate float64
	// DisruptionRate is the share of runs the control plane disrupts at
	// their end instead (an eviction, a preemption or a taint eviction).
	DisruptionRate float64
	// MaxTerm bounds how long a process takes to exit after SIGTERM; 0
	// means at once.
	MaxTerm time.Duration
}

// rate draws whether an event of probability p happens; a failing case
// shrinks towards it not happening.
func rate(t *rapid.T, p float64, label string) bool {
	if p <= 0 {
		return false
	}
	return rapid.IntRange(0, 999).Draw(t, label) >= 1000-int(p*1000+0.5)
}

// RunsWith returns a generator of container runs tuned by opts. It panics
// on options no run can meet: a negative duration or rate, a rate above
// 1, or MinDuration above MaxDuration.
func RunsWith(opts RunOptions) *rapid.Generator[jobsim.Run] {
	if opts.MaxDuration == 0 {
		opts.MaxDuration = 2 * time.Minute
	}
	if opts.MinDuration < 0 || opts.MinDuration > opts.MaxDuration || opts.MaxTerm < 0 {
		panic(fmt.Sprintf("jobsimtest: RunsWith: durations %v to %v, term up to %v", opts.MinDuration, opts.MaxDuration, opts.MaxTerm))
	}
	for _, r := range []float64{opts.FailureRate, opts.ForeverRate, opts.DisruptionRate} {
		if r < 0 || r > 1 {
			panic(fmt.Sprintf("jobsimtest: RunsWith: rate %v outside [0, 1]", r))
		}
	}
	return rapid.Custom(func(t *rapid.T) jobsim.Run {
		var r jobsim.Run
		ms := rapid.Int64Range(opts.MinDuration.Milliseconds(), opts.MaxDuration.Milliseconds()).Draw(t, "ms")
		r.Duration = time.Duration(ms) * time.Millisecond
		if rate(t, opts.FailureRate, "fails") {
			r.ExitCode = rapid.SampledFrom([]int{1, 2, 137}).Draw(t, "exit")
		}
		r.Forever = rate(t, opts.ForeverRate, "forever")
		if rate(t, opts.DisruptionRate, "disrupted") {
			r.Disrupt = rapid.SampledFrom([]string{jobsim.DisruptionEvictionAPI, jobsim.DisruptionPreemption, jobsim.DisruptionTaintManager}).Draw(t, "reason")
		}
		if opts.MaxTerm > 0 {
			r.Term = time.Duration(rapid.Int64Range(0, opts.MaxTerm.Milliseconds()).Draw(t, "termMs")) * time.Millisecond
		}
		return r
	})
}

// BehaviorsWith returns a generator of Behaviors whose runs RunsWith(opts)
// draws: the same run for every pod, or scripted runs for the first keys
// (completion indexes, or pod ordinals of a NonIndexed job) and then one
// run for the others. Scripts are plain data, so failing cases shrink to
// short scripts.
func BehaviorsWith(opts RunOptions) *rapid.Generator[jobsim.Behavior] {
	runs := RunsWith(opts)
	return rapid.Custom(func(t *rapid.T) jobsim.Behavior {
		if rapid.Bool().Draw(t, "scripted") {
			script := rapid.MapOfN(rapid.IntRange(0, 10), rapid.SliceOfN(runs, 1, 4), 0, 5).Draw(t, "runs")
			return jobsim.Script(script, jobsim.Always(runs.Draw(t, "then")))
		}
		return jobsim.Always(runs.Draw(t, "run"))
	})
}

// EditAction is what an Edit does to a Job.
type EditAction string

// The edits Edits generates, each what a user (or a controller) does to a
// running Job.
const (
	EditSuspend   EditAction = "suspend"   // spec.suspend: true
	EditResume    EditAction = "resume"    // spec.suspend: false
	EditScale     EditAction = "scale"     // spec.parallelism: Edit.Parallelism
	EditDeletePod EditAction = "deletePod" // kubectl delete pod, of one of its pods
	EditEvictPod  EditAction = "evictPod"  // an eviction of one of its pods
	EditDelete    EditAction = "delete"    // kubectl delete job
)

// Edit is one change made to a Job during its run.
type Edit struct {
	// After is when, after the Job's submission.
	After  time.Duration
	Action EditAction
	// Parallelism is the new parallelism of a scale.
	Parallelism int
	// Pod picks the pod a deletion or eviction is of: the Pod-th of the
	// Job's pods at that time (JobHandle.Pods, in creation order), modulo
	// their number; nothing happens if the Job has none.
	Pod int
}

// GoString formats the edit as Go source, for shrunk cases.
func (e Edit) GoString() string {
	parts := []string{"After: " + fmt.Sprint(e.After), "Action: " + string(e.Action)}
	if e.Action == EditScale {
		parts = append(parts, fmt.Sprint("Parallelism: ", e.Parallelism))
	}
	if e.Action == EditDeletePod || e.Action == EditEvictPod {
		parts = append(parts, fmt.Sprint("Pod: ", e.Pod))
	}
	return "jobsimtest.Edit{" + strings.Join(parts, ", ") + "}"
}

// Edits returns a generator of up to max edits of a Job, in time order,
// within the first five minutes of its run: suspensions and resumptions,
// changes of parallelism (0 to 5), deletions and evictions of its pods,
// and, rarely, the Job's deletion.
func Edits(max int) *rapid.Generator[[]Edit] {
	return rapid.Custom(func(t *rapid.T) []Edit {
		n := rapid.IntRange(0, max).Draw(t, "edits")
		var out []Edit
		at := time.Duration(0)
		for range n {
			at += time.Duration(rapid.IntRange(0, 60_000).Draw(t, "gapMs")) * time.Millisecond
			if at > 5*time.Minute {
				break
			}
			e := Edit{After: at, Action: rapid.SampledFrom([]EditAction{EditSuspend, EditResume, EditScale, EditScale,
				EditDeletePod, EditDeletePod, EditEvictPod, EditDelete}).Draw(t, "action")}
			switch e.Action {
			case EditScale:
				e.Parallelism = rapid.IntRange(0, 5).Draw(t, "parallelism")
			case EditDeletePod, EditEvictPod:
				e.Pod = rapid.IntRange(0, 9).Draw(t, "pod")
			}
			out = append(out, e)
		}
		return out
	})
}

// ApplyEdits schedules edits of the Job h on c, at their times after the
// Job's creation (c.At): each is made as a user's command would be, and may
// be refused as the API server refuses it (a scale of an Indexed Job's
// parallelism alone is fine, a change of a finished Job's is not ...).
// The returned function lists the refusals so far, each with its edit,
// for the property to tell apart from violations.
func ApplyEdits(c *jobsim.Cluster, h *jobsim.JobHandle, edits []Edit) func() []error {
	var refused []error
	for _, e := range edits {
		c.At(h.CreationTime().Add(e.After), func() {
			if err := applyEdit(c, h, e); err != nil {
				refused = append(refused, fmt.Errorf("%#v: %w", e, err))
			}
		})
	}
	return func() []error { return refused }
}

func applyEdit(c *jobsim.Cluster, h *jobsim.JobHandle, e Edit) error {
	if h.Deleted() {
		return nil
	}
	ns, name := h.Namespace(), h.Name()
	switch e.Action {
	case EditSuspend, EditResume:
		return c.Update(ns, name, func(s *jobsim.JobSpec) { s.Suspend = e.Action == EditSuspend })
	case EditScale:
		return c.Update(ns, name, func(s *jobsim.JobSpec) { s.Parallelism = jobsim.Ptr(e.Parallelism) })
	case EditDeletePod, EditEvictPod:
		pods := h.Pods()
		if len(pods) == 0 {
			return nil
		}
		p := pods[e.Pod%len(pods)]
		if e.Action == EditDeletePod {
			return c.DeletePod(ns, p.Name)
		}
		return c.EvictPod(ns, p.Name)
	case EditDelete:
		return c.Delete(ns, name)
	}
	return fmt.Errorf("unknown edit action %q", e.Action)
}
