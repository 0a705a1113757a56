package conformance

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// The schedules the explorer draws, and their periods in seconds.
var (
	draftSchedules = []string{"*/5 * * * *", "*/15 * * * *", "0 * * * *", "@hourly", "30 2 * * *"}
	draftPeriods   = []int{300, 900, 3600, 3600, 86400}
)

// dailyStart is, per time zone, the start hour (UTC, on 2026-01-01) that
// puts 02:30 local time 1h30m after the start.
var dailyStart = map[string]int{"": 1, "America/New_York": 6, "Europe/Berlin": 0}

// generateCronJobs draws zero to two CronJobs, each now and then with
// actions, and now and then an outage of the CronJob controller; with
// one, the scenario runs a few hours (the jobs' own end no longer
// matters).
func generateCronJobs(r *rand.Rand, d *Draft) {
	n := []int{0, 1, 1, 2}[r.IntN(4)]
	if n == 0 {
		return
	}
	minutes := 130 + 30*r.IntN(5)
	// 30 ms past a whole second ties with no event (see generateUntil).
	d.Until = time.Duration(minutes)*time.Minute + 30*time.Millisecond
	last := (minutes - 10) * 60 // the latest an action or fault falls
	for i := range n {
		cj := generateCronJob(r, fmt.Sprintf("cron%d", i), last)
		if cj.Schedule == "30 2 * * *" {
			d.StartHour = dailyStart[cj.TimeZone]
		}
		d.CronJobs = append(d.CronJobs, cj)
	}
	if chance(r, 30) {
		down := 600 + r.IntN(last/2)
		d.Outage = &DraftOutage{Down: down, Up: min(down+180+r.IntN(4200), last)}
	}
}

// generateCronJob draws one CronJob named name whose actions fall before
// last (seconds).
func generateCronJob(r *rand.Rand, name string, last int) DraftCronJob {
	k := r.IntN(len(draftSchedules))
	cj := DraftCronJob{Name: name, Schedule: draftSchedules[k], Pods: 1 + r.IntN(2), Jobs: map[int]DraftRun{}}
	period := draftPeriods[k]
	if chance(r, 30) {
		cj.TimeZone = []string{"America/New_York", "Europe/Berlin"}[r.IntN(2)]
	}
	cj.Policy = []string{"", "Allow", "Forbid", "Replace"}[r.IntN(4)]
	if chance(r, 30) {
		cj.Deadline = pint([]int{30, 60, 120, 300, 600}[r.IntN(5)])
	}
	if chance(r, 40) {
		cj.SuccessLimit = pint(r.IntN(4))
	}
	if chance(r, 40) {
		cj.FailedLimit = pint(r.IntN(4))
	}
	cj.Default = generateCronRun(r, period, 15)
	for range r.IntN(3) {
		cj.Jobs[r.IntN(6)] = generateCronRun(r, period, 50)
	}
	if chance(r, 50) {
		cj.Actions = generateCronActions(r, last)
	}
	return cj
}

// generateCronRun draws the run of a CronJob's pods: most often shorter
// than the schedule's period, sometimes longer (at most two hours), and
// failing with probability failPercent percent.
func generateCronRun(r *rand.Rand, period, failPercent int) DraftRun {
	run := DraftRun{Run: 10 + r.IntN(min(period/3, 1800))}
	if chance(r, 30) {
		p := min(period, 3600)
		run.Run = p + r.IntN(p)
	}
	if chance(r, failPercent) {
		run.Exit = 1
	}
	return run
}

// generateCronActions draws one or two edits of a CronJob, in time order
// before last: a suspension and its resumption, a schedule or a
// concurrencyPolicy.
func generateCronActions(r *rand.Rand, last int) []DraftCronAction {
	var as []DraftCronAction
	for range 1 + r.IntN(2) {
		at := 300 + r.IntN(last-300)
		switch r.IntN(3) {
		case 0:
			as = append(as, DraftCronAction{At: at, Suspend: new(bool)})
			*as[len(as)-1].Suspend = true
			as = append(as, DraftCronAction{At: min(at+300+r.IntN(3600), last), Suspend: new(bool)})
		case 1:
			as = append(as, DraftCronAction{At: at, Schedule: draftSchedules[r.IntN(len(draftSchedules))]})
		case 2:
			as = append(as, DraftCronAction{At: at, Policy: []string{"Allow", "Forbid", "Replace"}[r.IntN(3)]})
		}
	}
	slices.SortStableFunc(as, func(a, b DraftCronAction) int { return a.At - b.At })
	return as
}
