package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
)

// The reasons the timeline gives, in [brackets] after a message, where a
// learner asks why: which failed pod a new one replaces and after what
// backoff, which count decided a job's failure, which index failed. They
// rest on the events alone, as the chart does.

// jobReasons is what the timeline follows of one job to explain it.
type jobReasons struct {
	spec     jobsim.JobSpec
	indexed  bool
	perIndex bool // backoffLimitPerIndex is set

	// waiting lists, per key (the index, or -1), the failed pods not yet
	// replaced, oldest first.
	waiting map[int][]failure
	// streak counts, per key, the failures since the last success: the
	// count the pod-failure backoff grows with (per index with
	// backoffLimitPerIndex, else for the whole job).
	streak map[int]int
	// indexFailures counts each index's failed pods.
	indexFailures map[int]int
	// restarts are the container restarts of the job's live pods.
	restarts map[string]int
	// failedShown is the failedIndexes last shown.
	failedShown string
	// uncountedDeleted counts the pods that ended Failed after the Job
	// controller deleted them while the job ran (suspension, scale-down):
	// it removes their finalizers first, so they are never counted. Those
	// it deletes once the job's end is decided (FailureTarget,
	// SuccessCriteriaMet) end after that status write, and count.
	uncountedDeleted int
	// failedRows counts the pods that ended Failed.
	failedRows int
	finished   bool // the job's end is decided
	// decidedShown: the clause of the deciding count was shown, with the
	// first of FailureTarget and Failed.
	decidedShown bool
}

// failure is a failed pod waiting for its replacement.
type failure struct {
	pod string
	at  time.Time
}

func newJobReasons(spec jobsim.JobSpec) *jobReasons {
	return &jobReasons{
		spec:          spec,
		indexed:       spec.CompletionMode == jobsim.Indexed,
		perIndex:      spec.BackoffLimitPerIndex != nil,
		waiting:       map[int][]failure{},
		streak:        map[int]int{},
		indexFailures: map[int]int{},
		restarts:      map[string]int{},
	}
}

// key is the backoff's key of a pod of index ix.
func (jr *jobReasons) key(ix int) int {
	if jr.perIndex {
		return ix
	}
	return -1
}

// waitKey is the key under which a failed pod of index ix waits for its
// replacement: its index for Indexed jobs, any for the others.
func (jr *jobReasons) waitKey(ix int) int {
	if jr.indexed {
		return ix
	}
	return -1
}

// ended is told of a pod's end: counted or not, a failure waits for its
// replacement and lengthens the streak; a success ends it.
func (jr *jobReasons) ended(r *podRow) {
	delete(jr.restarts, r.name)
	switch {
	case strings.HasPrefix(r.outcome, "Succeeded"):
		jr.streak[jr.key(r.index)] = 0
	case strings.HasPrefix(r.outcome, "Failed"):
		jr.failedRows++
		if r.ctrlDeleted && !jr.finished {
			jr.uncountedDeleted++
			return
		}
		jr.streak[jr.key(r.index)]++
		if r.index >= 0 {
			jr.indexFailures[r.index]++
		}
		k := jr.waitKey(r.index)
		jr.waiting[k] = append(jr.waiting[k], failure{r.name, r.endAt})
	}
}

// created returns the clause of a pod created at t, the failed pod it
// replaces if one waits, and when that pod failed.
func (jr *jobReasons) created(pod string, ix int, t time.Time) (string, time.Time) {
	k := jr.waitKey(ix)
	w := jr.waiting[k]
	if len(w) == 0 {
		return "", time.Time{}
	}
	f := w[0]
	jr.waiting[k] = w[1:]
	n := jr.streak[jr.key(ix)]
	return fmt.Sprintf("replaces %s after a %s backoff (%s failure)", f.pod, fmtDur(t.Sub(f.at)), ordinal(n)), f.at
}

// uncounted says why pods that ended Failed are missing from the job's
// failed count, or "" if none is.
func (jr *jobReasons) uncounted(st jobsim.JobStatus) string {
	n := jr.failedRows - st.Failed
	if n <= 0 {
		return ""
	}
	var parts []string
	deleted := min(jr.uncountedDeleted, n)
	if deleted > 0 {
		parts = append(parts, fmt.Sprintf("%d deleted by the Job controller, which does not count them", deleted))
	}
	if rest := n - deleted; rest > 0 {
		if jr.spec.PodFailurePolicy != nil {
			parts = append(parts, fmt.Sprintf("%d ignored by the podFailurePolicy", rest))
		} else {
			parts = append(parts, fmt.Sprintf("%d not counted yet", rest))
		}
	}
	return fmt.Sprintf(" (%d more ended Failed: %s)", n, strings.Join(parts, "; "))
}

// decided returns the clause of a job's FailureTarget or Failed
// condition: the count or time that reached the limit.
func (jr *jobReasons) decided(reason string, st jobsim.JobStatus, start time.Time) string {
	s := jr.spec
	switch reason {
	case "BackoffLimitExceeded":
		limit := 6
		if s.BackoffLimit != nil {
			limit = *s.BackoffLimit
		}
		restarts := 0
		for _, n := range jr.restarts {
			restarts += n
		}
		if s.Template.Spec.RestartPolicy == jobsim.RestartOnFailure && restarts > 0 && st.Failed <= limit {
			if limit == 0 {
				return fmt.Sprintf("%s > backoffLimit 0", plural(restarts, "restart"))
			}
			return fmt.Sprintf("%s >= backoffLimit %d", plural(restarts, "restart"), limit)
		}
		return fmt.Sprintf("%d failed > backoffLimit %d", st.Failed, limit)
	case "DeadlineExceeded":
		if s.ActiveDeadline != nil && !st.StartTime.IsZero() {
			return fmt.Sprintf("activeDeadlineSeconds %d after startTime %s", *s.ActiveDeadline/time.Second, fmtDur(st.StartTime.Sub(start)))
		}
	case "MaxFailedIndexesExceeded":
		if s.MaxFailedIndexes != nil && st.FailedIndexes != nil {
			return fmt.Sprintf("%d failed indexes > maxFailedIndexes %d", countIndexes(*st.FailedIndexes), *s.MaxFailedIndexes)
		}
	}
	return ""
}

// indexesFailed returns the clauses of the indexes that failed since the
// last status shown, and the new failedIndexes.
func (jr *jobReasons) indexesFailed(st jobsim.JobStatus) (string, []string) {
	if st.FailedIndexes == nil || *st.FailedIndexes == jr.failedShown {
		return "", nil
	}
	old := map[int]bool{}
	for _, ix := range expandIndexes(jr.failedShown) {
		old[ix] = true
	}
	jr.failedShown = *st.FailedIndexes
	var out []string
	for _, ix := range expandIndexes(*st.FailedIndexes) {
		if old[ix] {
			continue
		}
		clause := fmt.Sprintf("index %d failed", ix)
		if jr.perIndex {
			clause += fmt.Sprintf(": %s > backoffLimitPerIndex %d", plural(jr.indexFailures[ix], "failure"), *jr.spec.BackoffLimitPerIndex)
		}
		out = append(out, clause)
	}
	return *st.FailedIndexes, out
}

// expandIndexes expands "1,3-5" into 1, 3, 4, 5.
func expandIndexes(s string) []int {
	var out []int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		lo, hi, ok := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if ok {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		for i := a; i <= b && len(out) < 1<<16; i++ {
			out = append(out, i)
		}
	}
	return out
}

// countIndexes counts the indexes of "1,3-5".
func countIndexes(s string) int {
	n := 0
	for _, part := range strings.Split(s, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		switch {
		case part == "" || err1 != nil:
		case ok && err2 == nil:
			n += b - a + 1
		default:
			n++
		}
	}
	return n
}

// ordinal spells 1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st.
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

// podIndex returns the completion index in the name of a pod of an
// Indexed job (NAME-INDEX-xxxxx), or -1.
func podIndex(name string) int {
	if len(name) < 7 {
		return -1
	}
	rest := name[:len(name)-6]
	i := strings.LastIndexByte(rest, '-')
	ix, err := strconv.Atoi(rest[i+1:])
	if err != nil || ix < 0 {
		return -1
	}
	return ix
}

// pendingReason shortens a FailedScheduling message to its reasons:
// "0/2 nodes are available: 2 Insufficient cpu. preemption: ..." gives
// "2 Insufficient cpu".
func pendingReason(msg string) string {
	if _, after, ok := strings.Cut(msg, "are available: "); ok {
		msg = after
	}
	if before, _, ok := strings.Cut(msg, ". preemption:"); ok {
		msg = before
	}
	return strings.TrimSuffix(msg, ".")
}
