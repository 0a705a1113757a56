package jobsim_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
)

// The messages are ValidateCronJobCreate's and ValidateCronJobUpdate's
// (pkg/apis/batch/validation/validation.go), robfig/cron's parser errors
// (parser.go) and time.LoadLocation's.

func cronErrors(err error) []string {
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	var out []string
	for _, fe := range verr.Errors {
		out = append(out, fe.Error())
	}
	return out
}

func TestValidateCronJobRules(t *testing.T) {
	long := strings.Repeat("a", 53)
	cases := []struct {
		name string
		edit func(cj *jobsim.CronJob)
		want []string
	}{
		{"valid", func(*jobsim.CronJob) {}, nil},
		{"descriptor and names are valid", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "@hourly" }, nil},
		{"ranges steps lists and names", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "0-30/10 9,17 * jan-mar mon-fri" }, nil},
		{"schedule required", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "" },
			[]string{"spec.schedule: Required value"}},
		{"unparsable schedule", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "* * *" },
			[]string{`spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]`}},
		{"out of range minute", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "61 * * * *" },
			[]string{`spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61`}},
		{"TZ in schedule", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "TZ=UTC * * * * *" },
			[]string{`spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`}},
		{"CRON_TZ in schedule", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "CRON_TZ=UTC 0 * * * *" },
			[]string{`spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`}},
		{"TZ without a schedule panics the parser", func(cj *jobsim.CronJob) { cj.Spec.Schedule = "TZ=0" },
			[]string{
				`spec.schedule: Invalid value: "TZ=0": invalid schedule format: runtime error: slice bounds out of range [:-1]`,
				`spec.schedule: Invalid value: "TZ=0": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
			}},
		{"unknown time zone", func(cj *jobsim.CronJob) { cj.Spec.TimeZone = jobsim.Ptr("Mars/Olympus_Mons") },
			[]string{`spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons`}},
		{"time zone with bad characters", func(cj *jobsim.CronJob) { cj.Spec.TimeZone = jobsim.Ptr("America/New York") },
			[]string{`spec.timeZone: Invalid value: "America/New York": unknown time zone America/New York`}},
		{"empty time zone", func(cj *jobsim.CronJob) { cj.Spec.TimeZone = jobsim.Ptr("") },
			[]string{`spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string`}},
		{"Local time zone", func(cj *jobsim.CronJob) { cj.Spec.TimeZone = jobsim.Ptr("Local") },
			[]string{`spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones`}},
		{"name longer than 52", func(cj *jobsim.CronJob) { cj.Name = long },
			[]string{`metadata.name: Invalid value: "` + long + `": must be no more than 52 characters`}},
		{"negative starting deadline", func(cj *jobsim.CronJob) { cj.Spec.StartingDeadline = jobsim.Ptr(-time.Second) },
			[]string{`spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0`}},
		{"negative history limits", func(cj *jobsim.CronJob) {
			cj.Spec.SuccessfulJobsHistoryLimit = jobsim.Ptr(-1)
			cj.Spec.FailedJobsHistoryLimit = jobsim.Ptr(-2)
		}, []string{
			`spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0`,
			`spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0`,
		}},
		{"unknown concurrency policy", func(cj *jobsim.CronJob) { cj.Spec.ConcurrencyPolicy = "Sometimes" },
			[]string{`spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"`}},
		{"job template by the Job rules", func(cj *jobsim.CronJob) {
			cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = ""
			cj.Spec.JobTemplate.Spec.Parallelism = jobsim.Ptr(-1)
		}, []string{
			`spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0`,
			`spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		}},
		{"manual selector in the template", func(cj *jobsim.CronJob) { cj.Spec.JobTemplate.Spec.ManualSelector = true },
			[]string{`spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cj := newCronJob("nightly", "0 3 * * *")
			tc.edit(&cj)
			jobsim.SetCronJobDefaults(&cj)
			err := jobsim.ValidateCronJob(cj)
			if diff := cmp.Diff(tc.want, cronErrors(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if (err == nil) != (tc.want == nil) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestSubmitCronJobRefusesInvalidAndSimulatesNothing(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	_, err := c.SubmitCronJob(newCronJob("bad", "every day"), nil)
	want := `CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "every day": expected exactly 5 fields, found 2: [every day]`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if len(c.CronJobs()) != 0 {
		t.Errorf("%d CronJobs", len(c.CronJobs()))
	}
	if _, due := c.Next(); due {
		t.Errorf("something is scheduled")
	}
	submitCron(t, c, newCronJob("dup", "@daily"), nil)
	var ae *jobsim.AlreadyExistsError
	if _, err := c.SubmitCronJob(newCronJob("dup", "@daily"), nil); !errors.As(err, &ae) ||
		err.Error() != `cronjobs.batch "dup" already exists in namespace "default"` {
		t.Errorf("duplicate: %v", err)
	}
}

func TestSetCronJobDefaults(t *testing.T) {
	cj := newCronJob("d", "@daily")
	jobsim.SetCronJobDefaults(&cj)
	s := cj.Spec
	if cj.Namespace != "default" || s.ConcurrencyPolicy != jobsim.AllowConcurrent ||
		*s.SuccessfulJobsHistoryLimit != 3 || *s.FailedJobsHistoryLimit != 1 ||
		*s.JobTemplate.Spec.Template.Spec.TerminationGracePeriod != 30*time.Second {
		t.Errorf("defaults: %+v", cj)
	}
	// The Job spec is defaulted when each Job is created, not here.
	if s.JobTemplate.Spec.Parallelism != nil || s.JobTemplate.Spec.BackoffLimit != nil {
		t.Errorf("the template's Job spec was defaulted: %+v", s.JobTemplate.Spec)
	}
}

func TestUpdateCronJobRules(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h := submitCron(t, c, newCronJob("edit", "0 * * * *"), nil)

	// Every spec field may change, the job template included.
	err := c.UpdateCronJob("", "edit", func(s *jobsim.CronJobSpec) {
		s.Schedule = "*/5 * * * *"
		s.TimeZone = jobsim.Ptr("Europe/Paris")
		s.ConcurrencyPolicy = jobsim.ReplaceConcurrent
		s.SuccessfulJobsHistoryLimit = jobsim.Ptr(10)
		s.JobTemplate.Spec.Completions = jobsim.Ptr(3)
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := h.Spec(); s.Schedule != "*/5 * * * *" || *s.TimeZone != "Europe/Paris" || *s.JobTemplate.Spec.Completions != 3 {
		t.Errorf("spec after the update: %+v", s)
	}
	// Update validation is create validation but for the name's length.
	err = c.UpdateCronJob("", "edit", func(s *jobsim.CronJobSpec) {
		s.Schedule = "TZ=UTC 0 * * * *"
		s.TimeZone = jobsim.Ptr("Nowhere")
	})
	want := []string{
		`spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
		`spec.timeZone: Invalid value: "Nowhere": unknown time zone Nowhere`,
	}
	if diff := cmp.Diff(want, cronErrors(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	var nf *jobsim.NotFoundError
	if err := c.UpdateCronJob("", "nope", func(*jobsim.CronJobSpec) {}); !errors.As(err, &nf) {
		t.Errorf("update of a missing CronJob: %v", err)
	}
	old := h.CronJob()
	renamed := old
	renamed.Name = "other"
	if diff := cmp.Diff([]string{`metadata.name: Invalid value: "other": field is immutable`}, cronErrors(jobsim.ValidateCronJobUpdate(old, renamed))); diff != "" {
		t.Errorf("rename (-want +got):\n%s", diff)
	}
}
