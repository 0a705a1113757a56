// Package show prints what the example programs simulate: the event
// timeline and a job's final status.
package show

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jobsim/jobsim"
)

// Timeline prints one line per event: virtual time since start, object,
// reason and message. Watch-style changes (a Job created, its status
// written), which are not Kubernetes Events, are shown with their reason
// in parentheses when changes is true and left out otherwise.
func Timeline(w io.Writer, events []jobsim.Event, start time.Time, changes bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tOBJECT\tREASON\tMESSAGE")
	for _, e := range events {
		reason := e.Reason
		if e.Type == jobsim.EventChange {
			if !changes {
				continue
			}
			reason = "(" + reason + ")"
		}
		fmt.Fprintf(tw, "%v\t%s\t%s\t%s\n", e.Time.Sub(start), e.Object, reason, e.Message)
	}
	return tw.Flush()
}

// Summary prints a job's conditions and counters, with times since start.
func Summary(w io.Writer, h *jobsim.JobHandle, start time.Time) {
	st := h.Status()
	var conds []string
	for _, c := range st.Conditions {
		conds = append(conds, fmt.Sprintf("%s=%s (%s, at %v)", c.Type, c.Status, c.Reason, c.LastTransitionTime.Sub(start)))
	}
	fmt.Fprintf(w, "job/%s\n", h.Name())
	fmt.Fprintln(w, "  conditions:", strings.Join(conds, ", "))
	fmt.Fprintf(w, "  pods: %d created, %d succeeded, %d failed, %d active\n", h.PodsCreated(), st.Succeeded, st.Failed, st.Active)
	if h.Spec().CompletionMode == jobsim.Indexed {
		failed := "-"
		if st.FailedIndexes != nil {
			failed = fmt.Sprintf("%q", *st.FailedIndexes)
		}
		fmt.Fprintf(w, "  completedIndexes: %q, failedIndexes: %s\n", st.CompletedIndexes, failed)
	}
	if c, ok := st.Condition(jobsim.JobFailed); ok && c.Status == jobsim.ConditionTrue {
		fmt.Fprintln(w, "  failed:", c.Message)
	}
}
