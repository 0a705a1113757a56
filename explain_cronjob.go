package jobsim

import (
	"strings"
	"time"
)

// ScheduledRun is one Job a CronJob created, explained.
type ScheduledRun struct {
	// Job is the Job's name, Scheduled the time it was scheduled for
	// (its CronJobScheduledTimestampAnnotation, or the time its name
	// encodes), Created when the CronJob controller created it, since the
	// cluster's start.
	Job       string        `json:"job"`
	Scheduled time.Time     `json:"scheduled"`
	Created   time.Duration `json:"created"`
	// Outcome is the Job's outcome. For a Job deleted since (by the
	// history limits), it is what the CronJob controller saw of it
	// (SawCompletedJob), or "" if it saw nothing.
	Outcome Outcome `json:"outcome,omitempty"`
	// Explanation explains the Job if it still exists, else nil: a
	// deleted Job's records are gone with it.
	Explanation *Explanation `json:"explanation,omitempty"`
	// Events are the CronJob's events about the Job.
	Events []int `json:"events"`
}

// ExplainCronJob explains each Job h's CronJob created, in the order of
// their scheduled times: the Jobs that still exist in full (as Explain
// does), the others by what the CronJob controller's events say. It
// panics if h is nil.
func ExplainCronJob(h *CronJobHandle) []ScheduledRun {
	if h == nil {
		panic("jobsim: ExplainCronJob: nil CronJobHandle")
	}
	cj := h.cj
	c := cj.c
	epoch := c.eng.Epoch()
	live := map[string]*JobHandle{}
	for _, jh := range h.Jobs() {
		live[jh.Name()] = jh
	}
	var out []ScheduledRun
	at := map[string]int{}
	for i := range c.events {
		e := &c.events[i]
		if e.Object.Kind != KindCronJob || e.Object.Name != cj.name || e.Object.Namespace != cj.ns || e.Related == "" {
			continue
		}
		k, ok := at[e.Related]
		if !ok {
			if e.Reason != ReasonSuccessfulCreate {
				continue
			}
			k = len(out)
			at[e.Related] = k
			out = append(out, ScheduledRun{Job: e.Related, Created: e.Time.Sub(epoch), Scheduled: scheduledOf(e.Related, e.Time)})
		}
		r := &out[k]
		r.Events = append(r.Events, i)
		if e.Reason == ReasonSawCompletedJob {
			_, cond, _ := strings.Cut(e.Message, "condition: ")
			r.Outcome = Outcome(cond)
		}
	}
	for i := range out {
		jh := live[out[i].Job]
		if jh == nil {
			continue
		}
		if ts, ok := jh.j.meta.Annotations[CronJobScheduledTimestampAnnotation]; ok {
			if t, err := time.Parse(time.RFC3339, ts); err == nil {
				out[i].Scheduled = t
			}
		}
		ex := Explain(jh)
		out[i].Explanation, out[i].Outcome = ex, ex.Outcome
	}
	return out
}

// scheduledOf reads the scheduled time from a CronJob's Job name,
// <cronjob>-<minutes since the epoch>; created is the fallback.
func scheduledOf(name string, created time.Time) time.Time {
	k := strings.LastIndexByte(name, '-')
	if k < 0 {
		return created
	}
	var m int64
	for _, r := range name[k+1:] {
		if r < '0' || r > '9' {
			return created
		}
		m = m*10 + int64(r-'0')
	}
	return time.Unix(m*60, 0).UTC()
}
