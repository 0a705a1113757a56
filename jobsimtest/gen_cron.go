package jobsimtest

import (
	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
)

// cronSchedules are the schedules CronJobs draws from: steps, lists,
// ranges, descriptors and days of the week.
var cronSchedules = []string{
	"* * * * *", "*/2 * * * *", "*/5 * * * *", "*/7 * * * *", "0,20,40 * * * *",
	"15 * * * *", "@hourly", "*/10 1-3 * * *", "*/3 * * * 1-5", "@every 4m",
}

// cronTimeZones are the time zones CronJobs draws from; nil is UTC.
var cronTimeZones = []*string{nil, jobsim.Ptr("Europe/Berlin"), jobsim.Ptr("Asia/Kolkata"), jobsim.Ptr("America/New_York")}

// CronJobs generates valid CronJobs called name: a schedule from a fixed
// list (every minute to hourly), a time zone or none, each concurrency
// policy, no starting deadline or one of 10 s to 15 min, history limits
// of 0 to 3 or the defaults, sometimes suspended at creation, and a job
// template of one pod with backoffLimit 0 (so a failing run fails its
// Job). They shrink towards every minute, Allow and the defaults.
func CronJobs(name string) *rapid.Generator[jobsim.CronJob] {
	return rapid.Custom(func(t *rapid.T) jobsim.CronJob {
		s := jobsim.CronJobSpec{
			Schedule:          rapid.SampledFrom(cronSchedules).Draw(t, "schedule"),
			TimeZone:          rapid.SampledFrom(cronTimeZones).Draw(t, "timeZone"),
			ConcurrencyPolicy: rapid.SampledFrom([]jobsim.ConcurrencyPolicy{jobsim.AllowConcurrent, jobsim.ForbidConcurrent, jobsim.ReplaceConcurrent}).Draw(t, "concurrencyPolicy"),
			Suspend:           rapid.IntRange(0, 9).Draw(t, "suspend") == 9,
			JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{
				BackoffLimit: jobsim.Ptr(0),
				Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
					RestartPolicy: jobsim.RestartNever,
					Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
				}},
			}},
		}
		if rapid.Bool().Draw(t, "hasDeadline") {
			s.StartingDeadline = jobsim.Ptr(seconds(rapid.IntRange(10, 900).Draw(t, "startingDeadlineSeconds")))
		}
		limit := func(label string) *int {
			if n := rapid.IntRange(-1, 3).Draw(t, label); n >= 0 {
				return jobsim.Ptr(n)
			}
			return nil
		}
		s.SuccessfulJobsHistoryLimit = limit("successfulJobsHistoryLimit")
		s.FailedJobsHistoryLimit = limit("failedJobsHistoryLimit")
		return jobsim.CronJob{Name: name, Spec: s}
	})
}

// CronRuns generates the container runs of a CronJob's Jobs: from 10 s
// to 20 min, one in four failing.
func CronRuns() *rapid.Generator[jobsim.Run] {
	return rapid.Custom(func(t *rapid.T) jobsim.Run {
		r := jobsim.Run{Duration: seconds(rapid.IntRange(10, 1200).Draw(t, "run"))}
		if rapid.IntRange(0, 3).Draw(t, "fails") == 0 {
			r.ExitCode = 1
		}
		return r
	})
}
