package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCronJobTable: the table of a CronJob every 10 minutes, Replace,
// Jobs of 15 minutes; suspended from 22m to 41m, Forbid from 45m; until
// 1h. Reasoned from the controller's rules:
//   - 00:10's Job is deleted when 00:20 replaces it, at 20m0.1s;
//   - 00:30 comes while suspended; the resume at 41m syncs at once and
//     starts only the most recent missed time, 00:40, late;
//   - at 00:50 (Forbid) the 00:40 Job runs until 56m: held back, then
//     started when it ends;
//   - 01:00 is due at the until and not started yet: pending.
func TestCronJobTable(t *testing.T) {
	scenario := `apiVersion: jobsim/v1alpha1
kind: Scenario
until: 1h
cronJobs:
  - cronJob:
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: rep}
      spec:
        schedule: "*/10 * * * *"
        concurrencyPolicy: Replace
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers: [{name: c, image: i}]
    pods: {default: {run: 15m}}
    actions:
      - {at: 22m, suspend: true}
      - {at: 41m, suspend: false}
      - {at: 45m, concurrencyPolicy: Forbid}
`
	r := runCmd(t, scenario, "run", "--width", "200", "-")
	if r.code != exitOK {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	table := r.stdout[strings.Index(r.stdout, "cronjob/rep: schedule"):]
	table = table[:strings.Index(table, "\n\n")]
	var got [][]string
	for _, line := range strings.Split(table, "\n")[1:] {
		got = append(got, splitCells(line))
	}
	want := [][]string{
		{"SCHEDULED", "JOB", "CREATED", "DURATION", "OUTCOME"},
		{"1970-01-01 00:10 UTC", "rep-10", "10m0.1s", "10m", "deleted at 20m0.1s"},
		{"1970-01-01 00:20 UTC", "rep-20", "20m0.1s", "15m", "Complete"},
		{"1970-01-01 00:30 UTC", "-", "-", "-", "skipped: suspended; only the most recent, 00:40, started"},
		{"1970-01-01 00:40 UTC", "rep-40", "41m", "15m", "Complete; late: suspended until then"},
		{"1970-01-01 00:50 UTC", "rep-50", "56m", "4m so far", "Running; late: a Job still running (Forbid)"},
		{"1970-01-01 01:00 UTC", "-", "-", "-", "pending: due, not started yet"},
	}
	if len(got) != len(want) {
		t.Fatalf("table:\n%s\nwant %d rows", table, len(want))
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
	if head := strings.SplitN(table, "\n", 2)[0]; !strings.Contains(head, "6 scheduled times: 4 started, 1 without a Job, 1 pending") {
		t.Errorf("head %q", head)
	}
}

// splitCells splits a row of the CronJob table at its two-space gaps
// (cells hold single spaces: "1970-01-01 00:10 UTC").
func splitCells(line string) []string {
	var out []string
	for _, cell := range strings.Split(line, "  ") {
		if cell = strings.TrimSpace(cell); cell != "" {
			out = append(out, cell)
		}
	}
	return out
}

// TestCronJobChart: with CronJobs the chart has a row per Job, grouped by
// CronJob in the scenario's order, each group in creation order. b runs
// every 10 minutes, a every 5 with Replace; every Job's pod runs 7m;
// until 21m. Reasoned from the controller's rules: b-10 (created at
// 10m0.1s) completes at 17m0.1s; b-20 and a-20 (20m0.1s) still run at
// the until; Replace deletes a-5, a-10 and a-15, each while it runs,
// when the next time's Job is created 5 minutes later.
func TestCronJobChart(t *testing.T) {
	scenario := `apiVersion: jobsim/v1alpha1
kind: Scenario
until: 21m
cronJobs:
  - cronJob:
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: b}
      spec:
        schedule: "*/10 * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers: [{name: c, image: i}]
    pods: {default: {run: 7m}}
  - cronJob:
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: a}
      spec:
        schedule: "*/5 * * * *"
        concurrencyPolicy: Replace
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers: [{name: c, image: i}]
    pods: {default: {run: 7m}}
`
	r := runCmd(t, scenario, "run", "--width", "120", "-")
	if r.code != exitOK {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	i := strings.Index(r.stdout, "Jobs (one row per Job, its pods in turn")
	if i < 0 {
		t.Fatalf("no chart of Jobs:\n%s", r.stdout)
	}
	lines := strings.Split(r.stdout[i:], "\n")
	var got [][2]string // the Job and its outcome
	for _, l := range lines[4:] {
		if l == "" {
			break
		}
		f := strings.Fields(l)
		name, out := f[0], strings.Join(f[1:], " ")
		out = strings.TrimLeft(out, "=x- ")
		got = append(got, [2]string{name, out})
	}
	want := [][2]string{
		{"b-10", "Complete"},
		{"b-20", "Running"},
		{"a-5", "Deleted while running"},
		{"a-10", "Deleted while running"},
		{"a-15", "Deleted while running"},
		{"a-20", "Running"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart rows (-want +got):\n%s\n%s", diff, strings.Join(lines, "\n"))
	}
}
