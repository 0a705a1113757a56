package jobsim_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
)

// runLines words CronJobHandle.Runs compactly, times as offsets from
// start: "5m job=report-5 at 5m0.1s", "15m - ControllerDown superseded-by=30m".
func runLines(runs []jobsim.CronRun, start time.Time) []string {
	var out []string
	for _, r := range runs {
		s := fmt.Sprint(r.Scheduled.Sub(start))
		if r.Job != "" {
			s += fmt.Sprintf(" job=%s at %v", r.Job, r.Created.Sub(start))
		} else {
			s += " -"
		}
		if r.Reason != "" {
			s += " " + string(r.Reason)
		}
		if !r.SupersededBy.IsZero() {
			s += fmt.Sprintf(" superseded-by=%v", r.SupersededBy.Sub(start))
		}
		if r.DeadlinePassed {
			s += " deadline-passed"
		}
		if r.TooManyMissed {
			s += " too-many-missed"
		}
		if r.Pending {
			s += " pending"
		}
		out = append(out, s)
	}
	return out
}

// TestRunsForbidDelaysEachTime: hourly, Forbid, Jobs of 80 minutes. The
// 1:00 Job runs to 2:20:00.1; at 2:00:00.1 the controller holds 2:00
// back (JobAlreadyActive), and the end of the 1:00 Job syncs it again:
// 2:00 is still the most recent time and no deadline is set, so its Job
// starts then, late. Likewise 3:00 starts at 3:40:00.1, and 4:00 is held
// back at 4:00:00.1 and still pending at 4:59.
func TestRunsForbidDelaysEachTime(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	c := jobsim.NewCluster(jobsim.Config{})
	cj := newCronJob("hourly", "0 * * * *")
	cj.Spec.ConcurrencyPolicy = jobsim.ForbidConcurrent
	h := submitCron(t, c, cj, jobsim.Fixed(80*time.Minute, 0))
	runUntil(t, c, start.Add(4*time.Hour+59*time.Minute))
	want := []string{
		"1h0m0s job=hourly-60 at 1h0m0.1s",
		"2h0m0s job=hourly-120 at 2h20m0.1s Forbid",
		"3h0m0s job=hourly-180 at 3h40m0.1s Forbid",
		"4h0m0s - Forbid pending",
	}
	if diff := cmp.Diff(want, runLines(h.Runs(), start)); diff != "" {
		t.Errorf("Runs (-want +got):\n%s", diff)
	}
}

// TestRunsControllerDown: every 5 minutes, the controller stopped from
// 12m to 31m. 15m, 20m, 25m and 30m pass unsynced; at 31m the restarted
// controller starts only the most recent, 30m (mostRecentScheduleTime),
// so the others are superseded by it. With a starting deadline of 30 s,
// 30m is also too old at 31m: nothing starts until 35m.
func TestRunsControllerDown(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	for _, tt := range []struct {
		name     string
		deadline *time.Duration
		want     []string
	}{
		{"no deadline", nil, []string{
			"5m0s job=every-5 at 5m0.1s",
			"10m0s job=every-10 at 10m0.1s",
			"15m0s - ControllerDown superseded-by=30m0s",
			"20m0s - ControllerDown superseded-by=30m0s",
			"25m0s - ControllerDown superseded-by=30m0s",
			"30m0s job=every-30 at 31m0s ControllerDown",
			"35m0s job=every-35 at 35m0.1s",
		}},
		{"deadline 30s", jobsim.Ptr(30 * time.Second), []string{
			"5m0s job=every-5 at 5m0.1s",
			"10m0s job=every-10 at 10m0.1s",
			"15m0s - ControllerDown superseded-by=35m0s deadline-passed",
			"20m0s - ControllerDown superseded-by=35m0s deadline-passed",
			"25m0s - ControllerDown superseded-by=35m0s deadline-passed",
			"30m0s - ControllerDown superseded-by=35m0s deadline-passed",
			"35m0s job=every-35 at 35m0.1s",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := jobsim.NewCluster(jobsim.Config{})
			cj := newCronJob("every", "*/5 * * * *")
			cj.Spec.StartingDeadline = tt.deadline
			h := submitCron(t, c, cj, jobsim.Fixed(time.Minute, 0))
			c.At(start.Add(12*time.Minute), c.StopCronJobController)
			c.At(start.Add(31*time.Minute), c.StartCronJobController)
			runUntil(t, c, start.Add(36*time.Minute))
			if diff := cmp.Diff(tt.want, runLines(h.Runs(), start)); diff != "" {
				t.Errorf("Runs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunsSuspended: suspended from 7m to 22m. The resume syncs the
// CronJob at once, which starts the most recent missed time, 20m; 10m
// and 15m are superseded. A CronJob deleted at 27m lists nothing after.
func TestRunsSuspended(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	c := jobsim.NewCluster(jobsim.Config{})
	h := submitCron(t, c, newCronJob("sus", "*/5 * * * *"), jobsim.Fixed(time.Minute, 0))
	set := func(v bool) func() {
		return func() {
			if err := c.UpdateCronJob("", "sus", func(s *jobsim.CronJobSpec) { s.Suspend = v }); err != nil {
				t.Error(err)
			}
		}
	}
	c.At(start.Add(7*time.Minute), set(true))
	c.At(start.Add(22*time.Minute), set(false))
	c.At(start.Add(27*time.Minute), func() {
		if err := c.DeleteCronJob("", "sus"); err != nil {
			t.Error(err)
		}
	})
	runUntil(t, c, start.Add(time.Hour))
	want := []string{
		"5m0s job=sus-5 at 5m0.1s",
		"10m0s - Suspended superseded-by=20m0s",
		"15m0s - Suspended superseded-by=20m0s",
		"20m0s job=sus-20 at 22m0s Suspended",
		"25m0s job=sus-25 at 25m0.1s",
	}
	if diff := cmp.Diff(want, runLines(h.Runs(), start)); diff != "" {
		t.Errorf("Runs (-want +got):\n%s", diff)
	}
}

// TestRunsTooManyMissed: every minute, the controller down for 150
// minutes: at the restart more than 100 times were missed, so the
// controller warns TooManyMissedTimes and starts the most recent.
func TestRunsTooManyMissed(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	c := jobsim.NewCluster(jobsim.Config{})
	h := submitCron(t, c, newCronJob("m", "* * * * *"), jobsim.Fixed(10*time.Second, 0))
	c.At(start.Add(30*time.Second), c.StopCronJobController)
	c.At(start.Add(150*time.Minute+30*time.Second), c.StartCronJobController)
	runUntil(t, c, start.Add(150*time.Minute+40*time.Second))
	runs := h.Runs()
	if len(runs) != 150 {
		t.Fatalf("%d runs, want 150 (1m to 150m)", len(runs))
	}
	last := runs[149]
	if !last.TooManyMissed || last.Job != "m-150" || last.Reason != jobsim.CronRunControllerDown {
		t.Errorf("last run %+v: want m-150, started late after the outage, with TooManyMissedTimes", last)
	}
	for _, r := range runs[:149] {
		if r.Job != "" || r.Reason != jobsim.CronRunControllerDown || !r.SupersededBy.Equal(last.Scheduled) {
			t.Fatalf("run %v: %+v, want superseded by 150m after the outage", r.Scheduled.Sub(start), r)
		}
	}
	if ev := strings.Join(cronEvents(c, start), "\n"); !strings.Contains(ev, "TooManyMissedTimes") {
		t.Errorf("no TooManyMissedTimes event:\n%s", ev)
	}
}

// TestRunsOfAScheduleThatNeverComes: "0 0 30 2 *" (February 30) parses,
// as the API server lets it, but has no time: robfig/cron's Next gives
// the zero time, the controller warns InvalidSchedule at its first sync,
// and the record has no scheduled time.
func TestRunsOfAScheduleThatNeverComes(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	c := jobsim.NewCluster(jobsim.Config{})
	h := submitCron(t, c, newCronJob("never", "0 0 30 2 *"), jobsim.Fixed(time.Minute, 0))
	runUntil(t, c, start.Add(48*time.Hour))
	if runs := h.Runs(); len(runs) != 0 {
		t.Errorf("Runs = %v, want none", runLines(runs, start))
	}
	if ev := strings.Join(cronEvents(c, start), "\n"); !strings.Contains(ev, "InvalidSchedule") {
		t.Errorf("events:\n%s\nwant InvalidSchedule", ev)
	}
}
