package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
	corev1 "k8s.io/api/core/v1"
)

// Outcome is what the comparison looks at: each job's final status and
// the pods it left. Both sides are reduced to it.
type Outcome struct {
	// End is when the side stopped, after the scenario's start. It is
	// shown, not compared.
	End time.Duration
	// Jobs are in the scenario's order.
	Jobs []JobOutcome
	// Scheduling is what the scheduler did, in a scenario with nodes; nil
	// without.
	Scheduling *Scheduling
	// CronJobs are in the scenario's order.
	CronJobs []CronJobOutcome
}

// JobOutcome is one job at the end.
type JobOutcome struct {
	// Name is the job's name.
	Name string
	// Deleted reports whether the job was deleted (its status is then as
	// last written).
	Deleted bool
	// Conditions in the order they were added.
	Conditions []Condition
	// StartTime and CompletionTime are after the scenario's start; nil
	// when unset.
	StartTime, CompletionTime *Time
	// The status counters.
	Active, Ready, Terminating, Succeeded, Failed int
	// CompletedIndexes and FailedIndexes as in the status.
	CompletedIndexes string
	FailedIndexes    *string
	// PodsCreated counts the pods created for the job.
	PodsCreated int
	// Pods counts the pods left at the end, by phase; a pod being deleted
	// that is not terminal counts as "Terminating".
	Pods map[string]int
}

// Condition is a job condition; pod names in its message are replaced by
// "<pod>", as the two sides name pods differently.
type Condition struct {
	// Type, Status, Reason and Message are the condition's.
	Type, Status, Reason, Message string
	// Time is its lastTransitionTime, after the scenario's start.
	Time Time
}

// Time is a virtual time after the scenario's start. The comparison
// treats two Times as equal within the case's tolerance.
type Time time.Duration

// String formats the time as a duration after the start ("1m5s").
func (t Time) String() string { return time.Duration(t).String() }

var podNameInMessage = regexp.MustCompile(`(for pod |Pod )([a-z0-9-]+)/[a-z0-9.-]+`)

func normalizeMessage(m string) string {
	return podNameInMessage.ReplaceAllString(m, "${1}${2}/<pod>")
}

func since(start, t time.Time) Time { return Time(t.Sub(start)) }

// outcomeOfJobsim reduces jobsim's jobs to an Outcome.
func outcomeOfJobsim(start time.Time, end time.Duration, handles []*jobsim.JobHandle) Outcome {
	out := Outcome{End: end}
	for _, h := range handles {
		if h == nil {
			out.Jobs = append(out.Jobs, JobOutcome{Pods: map[string]int{}})
			continue
		}
		st := h.Status()
		jo := JobOutcome{
			Name:             h.Name(),
			Deleted:          h.Deleted(),
			Active:           st.Active,
			Ready:            st.Ready,
			Terminating:      st.Terminating,
			Succeeded:        st.Succeeded,
			Failed:           st.Failed,
			CompletedIndexes: st.CompletedIndexes,
			FailedIndexes:    st.FailedIndexes,
			PodsCreated:      h.PodsCreated(),
			Pods:             map[string]int{},
		}
		if !st.StartTime.IsZero() {
			t := since(start, st.StartTime)
			jo.StartTime = &t
		}
		if !st.CompletionTime.IsZero() {
			t := since(start, st.CompletionTime)
			jo.CompletionTime = &t
		}
		for _, c := range st.Conditions {
			jo.Conditions = append(jo.Conditions, Condition{
				Type: string(c.Type), Status: string(c.Status), Reason: c.Reason,
				Message: normalizeMessage(c.Message), Time: since(start, c.LastTransitionTime),
			})
		}
		for _, p := range h.Pods() {
			phase := string(p.Status.Phase)
			if !p.DeletionTime.IsZero() && p.Status.Phase != jobsim.PodSucceeded && p.Status.Phase != jobsim.PodFailed {
				phase = "Terminating"
			}
			jo.Pods[phase]++
		}
		out.Jobs = append(out.Jobs, jo)
	}
	return out
}

// outcomeOfReference reduces the reference's result to an Outcome.
func outcomeOfReference(start time.Time, res *reference.Result) Outcome {
	out := Outcome{End: res.End}
	for _, jr := range res.Jobs {
		if jr.Object == nil {
			out.Jobs = append(out.Jobs, JobOutcome{Pods: map[string]int{}})
			continue
		}
		st := jr.Object.Status
		deref := func(p *int32) int {
			if p == nil {
				return 0
			}
			return int(*p)
		}
		jo := JobOutcome{
			Name:             jr.Object.Name,
			Deleted:          jr.Deleted,
			Active:           int(st.Active),
			Ready:            deref(st.Ready),
			Terminating:      deref(st.Terminating),
			Succeeded:        int(st.Succeeded),
			Failed:           int(st.Failed),
			CompletedIndexes: st.CompletedIndexes,
			FailedIndexes:    st.FailedIndexes,
			PodsCreated:      jr.PodsCreated,
			Pods:             map[string]int{},
		}
		if st.StartTime != nil {
			t := since(start, st.StartTime.Time)
			jo.StartTime = &t
		}
		if st.CompletionTime != nil {
			t := since(start, st.CompletionTime.Time)
			jo.CompletionTime = &t
		}
		for _, c := range st.Conditions {
			jo.Conditions = append(jo.Conditions, Condition{
				Type: string(c.Type), Status: string(c.Status), Reason: c.Reason,
				Message: normalizeMessage(c.Message), Time: since(start, c.LastTransitionTime.Time),
			})
		}
		for _, p := range jr.Pods {
			phase := string(p.Status.Phase)
			if p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
				phase = "Terminating"
			}
			jo.Pods[phase]++
		}
		out.Jobs = append(out.Jobs, jo)
	}
	return out
}

// Diff compares jobsim's outcome (want: it should be what Kubernetes
// does, so the reference is "want") with the reference's. It returns ""
// when they agree, else a cmp.Diff report, "-" for the reference and "+"
// for jobsim, and the list of fields that differ.
func Diff(ref, sim Outcome, tolerance time.Duration) (string, []string) {
	// The reference's ties between classes count as the other side's
	// placements need them (a second reference run's resolved toward the
	// first's own).
	if ref.Scheduling != nil && sim.Scheduling != nil && (len(ref.Scheduling.tied) > 0 || len(sim.Scheduling.tied) > 0) {
		r, s := *ref.Scheduling, *sim.Scheduling
		r.Spread, s.Spread = nil, nil
		ref.Scheduling, sim.Scheduling = &r, &s
	}
	sim.Scheduling = sim.Scheduling.resolved(ref.Scheduling.resolved(nil))
	ref.Scheduling = ref.Scheduling.resolved(sim.Scheduling)
	opts := cmp.Options{
		cmpopts.IgnoreFields(Outcome{}, "End"),
		cmpopts.IgnoreUnexported(Scheduling{}),
		cmpopts.IgnoreFields(Scheduling{}, "Trace"),
		cmp.Comparer(func(a, b Time) bool {
			d := time.Duration(a - b)
			return d <= tolerance && -d <= tolerance
		}),
	}
	diff := cmp.Diff(ref, sim, opts)
	if diff == "" {
		return "", nil
	}
	var fields []string
	cmp.Equal(ref, sim, opts, cmp.Reporter(&fieldReporter{fields: &fields}))
	slices.Sort(fields)
	return diff, slices.Compact(fields)
}

// fieldReporter collects the paths of the differing leaves, such as
// "Jobs[0].Failed", as a signature of a disagreement.
type fieldReporter struct {
	path   cmp.Path
	fields *[]string
}

func (r *fieldReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *fieldReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }
func (r *fieldReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	var s string
	for _, st := range r.path[1:] {
		switch st := st.(type) {
		case cmp.StructField:
			s += "." + st.Name()
		case cmp.SliceIndex:
			if k, _ := st.SplitKeys(); k >= 0 && (s == ".Jobs" || s == ".CronJobs") {
				s += fmt.Sprintf("[%d]", k)
			} else if s == ".Jobs" || s == ".CronJobs" {
				_, k := st.SplitKeys()
				s += fmt.Sprintf("[%d]", k)
			}
		case cmp.MapIndex:
			s += fmt.Sprintf("[%v]", st.Key())
		}
	}
	*r.fields = append(*r.fields, s)
}

// String summarises the job on one line: its conditions with their reasons
// and times, the counters and the pods left.
func (j JobOutcome) String() string {
	var b strings.Builder
	b.WriteString(j.Name)
	if j.Deleted {
		b.WriteString(" (deleted)")
	}
	b.WriteString(":")
	for _, c := range j.Conditions {
		fmt.Fprintf(&b, " %s=%s", c.Type, c.Status)
		if c.Reason != "" {
			fmt.Fprintf(&b, "/%s", c.Reason)
		}
		fmt.Fprintf(&b, "@%s", c.Time)
	}
	fmt.Fprintf(&b, " active=%d ready=%d terminating=%d succeeded=%d failed=%d", j.Active, j.Ready, j.Terminating, j.Succeeded, j.Failed)
	if j.CompletedIndexes != "" {
		fmt.Fprintf(&b, " completed=%q", j.CompletedIndexes)
	}
	if j.FailedIndexes != nil {
		fmt.Fprintf(&b, " failedIndexes=%q", *j.FailedIndexes)
	}
	fmt.Fprintf(&b, " created=%d", j.PodsCreated)
	phases := make([]string, 0, len(j.Pods))
	for p := range j.Pods {
		phases = append(phases, p)
	}
	slices.Sort(phases)
	for _, p := range phases {
		fmt.Fprintf(&b, " %s:%d", p, j.Pods[p])
	}
	return b.String()
}
