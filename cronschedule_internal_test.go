package jobsim

import (
	"testing"
	"time"
)

// TestNextMemoStartIsExact checks that the memo's shortcut into robfig's
// Next finds exactly what Next finds from the time itself, for schedules
// of every kind, from scheduled times and from whole minutes around the
// boundaries of days, months, years and leap days.
func TestNextMemoStartIsExact(t *testing.T) {
	schedules := []string{
		"* * * * *", "*/5 * * * *", "0 * * * *", "59 23 * * *", "30 6-16/4 * * 1-5",
		"0 0 29 2 *", "0 0 30 2 *", "59 23 31 12 *", "0 0 1 1 *", "0 0 * * 0", "15 10 13 * 5",
		"@hourly", "@daily", "@weekly", "@monthly", "@yearly",
		"TZ=UTC 15 10 * * *", "TZ=Europe/Berlin 30 2 * * *", "TZ=America/Sao_Paulo 0 0 * * *",
		"CRON_TZ=Asia/Kolkata */7 * * * *",
	}
	starts := []time.Time{
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 28, 23, 59, 0, 0, time.UTC),
		time.Date(2023, 12, 31, 23, 58, 0, 0, time.UTC),
		time.Date(2099, 12, 31, 23, 59, 0, 0, time.UTC),
		time.Date(2100, 2, 28, 23, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC),
		time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC),
	}
	for _, spec := range schedules {
		sched, err := parseSchedule(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		m := newNextMemo(sched)
		for _, start := range starts {
			// From whole minutes around the start...
			for d := -3 * time.Minute; d <= 3*time.Minute; d += time.Minute {
				at := start.Add(d)
				if got, want := m.sched.Next(m.start(at)), sched.Next(at); !got.Equal(want) || got.Location() != want.Location() {
					t.Fatalf("%s: Next(%v) = %v, want %v", spec, at, got, want)
				}
			}
			// ...and from the scheduled times that follow.
			at := start
			for range 300 {
				got, want := m.sched.Next(m.start(at)), sched.Next(at)
				if !got.Equal(want) || got.Location() != want.Location() {
					t.Fatalf("%s: Next(%v) = %v, want %v", spec, at, got, want)
				}
				if want.IsZero() {
					break
				}
				at = want.UTC()
			}
		}
	}
}
