package conformance

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// cronKinds names what a draft's CronJobs draw, as its YAML writes it.
func cronKinds(d Draft) map[string]bool {
	k := map[string]bool{}
	for _, cj := range d.CronJobs {
		k["schedule "+cj.Schedule] = true
		if cj.TimeZone != "" {
			k["timeZone"] = true
		}
		if cj.Policy != "" {
			k["concurrencyPolicy "+cj.Policy] = true
		}
		if cj.Deadline != nil {
			k["startingDeadlineSeconds"] = true
		}
		if cj.SuccessLimit != nil || cj.FailedLimit != nil {
			k["history limits"] = true
		}
		if cj.Pods > 1 {
			k["two pods"] = true
		}
		for _, r := range append([]DraftRun{cj.Default}, slices.Collect(maps.Values(cj.Jobs))...) {
			if r.Exit != 0 {
				k["failing run"] = true
			}
			if r.Run >= 300 && strings.HasPrefix(cj.Schedule, "*/5") {
				k["run outlasting the period"] = true
			}
		}
		for _, a := range cj.Actions {
			switch {
			case a.Suspend != nil:
				k["suspend"] = true
			case a.Schedule != "":
				k["schedule edit"] = true
			case a.Policy != "":
				k["policy edit"] = true
			}
		}
	}
	if d.Outage != nil {
		k["outage"] = true
	}
	if len(d.CronJobs) > 1 {
		k["two CronJobs"] = true
	}
	return k
}

// TestGenerateCronJobs checks that the explorer's CronJobs are valid
// cases that keep what was drawn, that every kind of draw happens at some
// seed, and that the option leaves the draws before it alone.
func TestGenerateCronJobs(t *testing.T) {
	want := []string{
		"schedule */5 * * * *", "schedule */15 * * * *", "schedule 0 * * * *", "schedule @hourly", "schedule 30 2 * * *",
		"timeZone", "concurrencyPolicy Allow", "concurrencyPolicy Forbid", "concurrencyPolicy Replace",
		"startingDeadlineSeconds", "history limits", "two pods", "failing run", "run outlasting the period",
		"suspend", "schedule edit", "policy edit", "outage", "two CronJobs",
	}
	seen := map[string]bool{}
	with := 0
	for i := range 60 {
		d, c := GenerateValidWith(rand.New(rand.NewPCG(21, uint64(i))), "cron", GenerateOptions{CronJobs: true})
		if len(c.Scenario.CronJobs) != len(d.CronJobs) {
			t.Fatalf("seed %d: the case has %d CronJobs, the draft %d", i, len(c.Scenario.CronJobs), len(d.CronJobs))
		}
		if len(d.CronJobs) > 0 {
			with++
			if d.Until < 2*60*60*1e9 {
				t.Errorf("seed %d: until %v, want a few hours", i, d.Until)
			}
			if d.Outage != nil && len(c.Scenario.Faults) != 2 {
				t.Errorf("seed %d: %d faults, want the outage's 2", i, len(c.Scenario.Faults))
			}
		}
		for k := range cronKinds(d) {
			seen[k] = true
		}
		// Without the option, the same seed draws the same jobs.
		plain := Generate(rand.New(rand.NewPCG(21, uint64(i))))
		again := GenerateWith(rand.New(rand.NewPCG(21, uint64(i))), GenerateOptions{CronJobs: true})
		plain.Until, plain.StartHour = again.Until, again.StartHour
		plain.CronJobs, plain.Outage = again.CronJobs, again.Outage
		if string(plain.YAML()) != string(again.YAML()) {
			t.Errorf("seed %d: -cronjobs changed the draws before it", i)
		}
	}
	if with == 0 {
		t.Fatal("no draft with CronJobs")
	}
	for _, k := range want {
		if !seen[k] {
			t.Errorf("never drawn: %s", k)
		}
	}
}

// TestShrinksDropCronJobs checks that the shrinker offers a draft without
// each CronJob, each of their actions and the outage, that these
// variants are valid cases, and that shrinking leaves the draft alone.
func TestShrinksDropCronJobs(t *testing.T) {
	var cronDrops, actionDrops, outageDrops int
	for i := range 40 {
		d, _ := GenerateValidWith(rand.New(rand.NewPCG(22, uint64(i))), "x", GenerateOptions{CronJobs: true})
		if len(d.CronJobs) == 0 {
			continue
		}
		actions := 0
		for _, cj := range d.CronJobs {
			actions += len(cj.Actions)
		}
		before := string(d.YAML())
		shrinks := d.Shrinks()
		if string(d.YAML()) != before {
			t.Fatalf("seed %d: Shrinks changed the draft", i)
		}
		for _, s := range shrinks {
			n := 0
			for _, cj := range s.CronJobs {
				n += len(cj.Actions)
			}
			var dropped *int
			switch {
			case len(s.CronJobs) < len(d.CronJobs):
				dropped = &cronDrops
			case n < actions:
				dropped = &actionDrops
			case d.Outage != nil && s.Outage == nil:
				dropped = &outageDrops
			default:
				continue
			}
			if _, err := draftCase("x", s); err != nil {
				t.Errorf("seed %d: a shrink is invalid: %v\n%s", i, err, s.YAML())
				continue
			}
			*dropped++
		}
	}
	if cronDrops == 0 || actionDrops == 0 || outageDrops == 0 {
		t.Errorf("valid shrinks dropping a CronJob %d, an action %d, the outage %d; want some of each", cronDrops, actionDrops, outageDrops)
	}
}
