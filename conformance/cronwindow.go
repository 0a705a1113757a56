package conformance

import (
	"time"

	"github.com/jobsim/jobsim/manifest"
	"github.com/robfig/cron/v3"
)

// cronSchedules tells, for a CronJob of the scenario, the schedule in
// force at a time: its spec's, then each schedule or timeZone edit's from
// the edit on.
type cronSchedules struct {
	from  []time.Time
	sched []cron.Schedule // nil where the schedule does not parse
}

// schedulesOf returns the schedules of the scenario's CronJobs, in its
// order.
func schedulesOf(s *manifest.Scenario) []cronSchedules {
	var out []cronSchedules
	for _, sc := range s.CronJobs {
		spec := sc.Manifest.CronJob.Spec
		expr, tz := spec.Schedule, spec.TimeZone
		var cs cronSchedules
		cs.add(s.Start.Add(sc.At), expr, tz)
		for _, a := range sc.Actions {
			if a.Schedule == nil && a.TimeZone == nil {
				continue
			}
			if a.Schedule != nil {
				expr = *a.Schedule
			}
			if a.TimeZone != nil {
				tz = a.TimeZone
			}
			cs.add(s.Start.Add(a.At), expr, tz)
		}
		out = append(out, cs)
	}
	return out
}

func (cs *cronSchedules) add(from time.Time, expr string, tz *string) {
	if tz != nil {
		expr = "CRON_TZ=" + *tz + " " + expr
	}
	sched, err := cron.ParseStandard(expr)
	if err != nil {
		sched = nil
	}
	cs.from = append(cs.from, from)
	cs.sched = append(cs.sched, sched)
}

// window returns the next scheduled time after t under the schedule in
// force at t: two times with the same window lie between the same two
// scheduled times. ok is false when no schedule is known.
func (cs cronSchedules) window(t time.Time) (next time.Time, ok bool) {
	var sched cron.Schedule
	for i, f := range cs.from {
		if !f.After(t) {
			sched = cs.sched[i]
		}
	}
	if sched == nil {
		return time.Time{}, false
	}
	return sched.Next(t), true
}
