package jobsim

import (
	"fmt"
	"strings"
	"time"
	// The time zone database, so that timeZone means the same on every
	// machine, even one without a database of its own.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
)

// Schedules: parsing them as Kubernetes does and the arithmetic of
// pkg/controller/cronjob/utils.go (mostRecentScheduleTime,
// nextScheduleTimeDuration, nextScheduleTime). Everything here is pure:
// times in, times out.

// nextScheduleDelta is what the controller adds to the time of the next
// schedule when it requeues a CronJob (nextScheduleDelta), against clock
// skew: a Job scheduled at 10:00 is created at 10:00:00.1.
const nextScheduleDelta = 100 * time.Millisecond

// tooManyMissed is how many missed scheduled times make the controller
// warn with TooManyMissedTimes: more than this.
const tooManyMissed = 100

// parseSchedule parses a schedule as the API server and the controller do
// (parsers.ParseCronScheduleWithPanicRecovery: robfig/cron's standard
// parser, a panic turned into an error, as "TZ=0" causes one).
func parseSchedule(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid schedule format: %v", r)
		}
	}()
	return cron.ParseStandard(spec)
}

// formatSchedule is the schedule the controller parses (formatSchedule):
// the spec's, prefixed with TZ=timeZone when a valid one is set.
func formatSchedule(s *CronJobSpec) string {
	if strings.Contains(s.Schedule, "TZ") || s.TimeZone == nil {
		return s.Schedule
	}
	if _, err := time.LoadLocation(*s.TimeZone); err != nil {
		return s.Schedule
	}
	return "TZ=" + *s.TimeZone + " " + s.Schedule
}

// missedKind says how many scheduled times went by unstarted.
type missedKind int

const (
	noneMissed missedKind = iota
	fewMissed
	manyMissed
)

// scheduleScan is what mostRecentScheduleTime finds.
type scheduleScan struct {
	// earliest is where the scan began: the last schedule time or the
	// creation time, or the start of the starting deadline's window if
	// later.
	earliest time.Time
	// t1 and t2 are the first two scheduled times after earliest, which
	// nextScheduleAfterScan may need again.
	t1, t2 time.Time
	// recent is the most recent scheduled time not after now; zero if
	// none.
	recent time.Time
	missed missedKind
	// err is set for a schedule that parses but whose times are less than
	// a second apart (a date that never comes, such as February 31).
	err error
}

// mostRecentScheduleTime follows utils.go's mostRecentScheduleTime: from
// the earliest time (last schedule or creation, or now minus the starting
// deadline when includeDeadline and that is later), the most recent
// scheduled time up to now, and whether few or many were missed. The
// count of missed times is upstream's estimate: the time since the first
// one divided by the gap between the first two, plus one.
func mostRecentScheduleTime(last time.Time, deadline *time.Duration, now time.Time, s *nextMemo, includeDeadline bool) scheduleScan {
	sc := scheduleScan{earliest: last}
	if includeDeadline && deadline != nil {
		if d := now.Add(-*deadline); d.After(sc.earliest) {
			sc.earliest = d
		}
	}
	sc.t1, sc.t2 = s.after(sc.earliest)
	t1, t2 := sc.t1, sc.t2
	if now.Before(t1) {
		return sc
	}
	if now.Before(t2) {
		sc.recent = t1
		return sc
	}
	between := int64(t2.Sub(t1).Round(time.Second).Seconds())
	if between < 1 {
		sc.err = fmt.Errorf("time difference between two schedules is less than 1 second")
		return sc
	}
	elapsed := int64(now.Sub(t1).Seconds())
	missed := elapsed/between + 1
	// Back from the estimate by one gap more, and let the schedule find
	// the true times from there: irregular schedules (30 6-16/4 * * 1-5)
	// have gaps of several sizes.
	potentialEarliest := t1.Add(time.Duration((missed-1-1)*between) * time.Second)
	for t := s.Next(potentialEarliest); !t.After(now); t = s.Next(t) {
		sc.recent = t
	}
	switch {
	case missed > tooManyMissed:
		sc.missed = manyMissed
	case missed > 0:
		sc.missed = fewMissed
	}
	return sc
}

// nextScheduleTimeDuration is how long after now the controller requeues
// a CronJob (nextScheduleTimeDuration): to the schedule after the most
// recent one (or after the earliest time if none was missed, or after now
// if some were but none is found), plus nextScheduleDelta.
func nextScheduleTimeDuration(last time.Time, deadline *time.Duration, now time.Time, s *nextMemo) time.Duration {
	return nextScheduleAfterScan(mostRecentScheduleTime(last, deadline, now, s, false), now, s)
}

// nextScheduleAfterScan is nextScheduleTimeDuration given its scan.
func nextScheduleAfterScan(sc scheduleScan, now time.Time, s *nextMemo) time.Duration {
	from := sc.recent
	switch {
	case sc.err != nil:
		from = now
	case from.IsZero() && sc.missed == noneMissed:
		from = sc.earliest
	case from.IsZero():
		from = now
	}
	var next time.Time
	switch {
	case from.Equal(sc.earliest):
		next = sc.t1 // the common cases: the scan has the answer
	case from.Equal(sc.t1):
		next = sc.t2
	default:
		next = s.Next(from)
	}
	return next.Add(nextScheduleDelta).Sub(now)
}

// nextMemo remembers the last few results of a schedule's Next: the
// controller asks for the same ones at every sync between two scheduled
// times, and robfig/cron's Next walks the calendar second by second.
type nextMemo struct {
	sched cron.Schedule
	// wholeMinutes is set for a schedule whose times all fall at second
	// 0 of a minute, evaluated in the time's own zone or in UTC: see
	// Next.
	wholeMinutes bool
	in           [4]time.Time
	out          [4]time.Time
	n            int // entries filled; the next one written is n%len

	// The last answer of after: every sync between two scheduled times
	// scans from the same time.
	afterOK        bool
	afterIn        time.Time
	after1, after2 time.Time
}

// newNextMemo returns an empty memo of sched's Next.
func newNextMemo(sched cron.Schedule) nextMemo {
	ss, ok := sched.(*cron.SpecSchedule)
	return nextMemo{sched: sched,
		wholeMinutes: ok && ss.Second == 1<<0 && (ss.Location == time.Local || ss.Location == time.UTC)}
}

// Next is the schedule's Next, remembered.
func (m *nextMemo) Next(t time.Time) time.Time {
	for i := range min(m.n, len(m.in)) {
		if m.in[i].Equal(t) {
			return m.out[i]
		}
	}
	out := m.sched.Next(m.start(t))
	k := m.n % len(m.in)
	m.in[k], m.out[k] = t, out
	m.n++
	return out
}

// start is a time from which the schedule's Next finds what it finds
// from t, with fewer steps. Next starts at the second after t and walks
// forward a second at a time to the next minute when every coarser field
// matches; a schedule of wholeMinutes evaluated in UTC (whose minutes
// are those of the absolute time) does the same from any second of t's
// minute, as every field it looks at before the seconds is the same
// throughout the minute, and so is what it truncates to. From t at
// second 0, the usual case (a scheduled time), it starts at second 59.
func (m *nextMemo) start(t time.Time) time.Time {
	if m.wholeMinutes && t.Location() == time.UTC && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Add(58 * time.Second)
	}
	return t
}

// after returns the first two scheduled times after t: Next(t) and
// Next(Next(t)).
func (m *nextMemo) after(t time.Time) (t1, t2 time.Time) {
	if m.afterOK && m.afterIn.Equal(t) {
		return m.after1, m.after2
	}
	t1 = m.Next(t)
	t2 = m.Next(t1)
	m.afterOK, m.afterIn, m.after1, m.after2 = true, t, t1, t2
	return t1, t2
}
