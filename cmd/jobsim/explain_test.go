package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExplainGolden explains every example and compares the output with
// testdata/*.explain.golden.
func TestExplainGolden(t *testing.T) {
	t.Chdir("../..")
	for _, file := range examples(t) {
		base := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(base, func(t *testing.T) {
			r := runCmd(t, "", "explain", file)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
			}
			golden(t, base+".explain.golden", r.stdout)
		})
	}
}

// TestRunExplain checks that run --explain prints run's output, then
// explain's, and that without --explain nothing changes.
func TestRunExplain(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/crashloop.scenario.yaml"
	for _, mode := range []string{"", "=full"} {
		plain := runCmd(t, "", "run", file)
		explain := []string{"explain", file}
		if mode != "" {
			explain = append(explain, "--full")
		}
		ex := runCmd(t, "", explain...)
		r := runCmd(t, "", "run", "--explain"+mode, file)
		if r.code != exitOK || r.stderr != "" {
			t.Fatalf("--explain%s: exit status %d, stderr:\n%s", mode, r.code, r.stderr)
		}
		if want := plain.stdout + "\nExplanation:\n\n" + ex.stdout; r.stdout != want {
			t.Errorf("run --explain%s:\n%s", mode, firstDiff(want, r.stdout))
		}
	}
}

// TestRunExplainJSON checks that run -o json --explain prints the same
// List with one top-level field more, explanations, and that --full
// keeps the detail lines printed.
func TestRunExplainJSON(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/parallel.scenario.yaml"
	var plain, explained map[string]any
	decode := func(s string, v *map[string]any) {
		t.Helper()
		if err := json.Unmarshal([]byte(s), v); err != nil {
			t.Fatalf("%v:\n%.300s", err, s)
		}
	}
	decode(runCmd(t, "", "run", "-o", "json", file).stdout, &plain)
	decode(runCmd(t, "", "run", "-o", "json", "--explain", file).stdout, &explained)
	exs, ok := explained["explanations"].([]any)
	if !ok || len(exs) != 1 {
		t.Fatalf("explanations: %v, want one", explained["explanations"])
	}
	ex := exs[0].(map[string]any)
	if ex["job"] != "parallel" || ex["outcome"] != "Complete" {
		t.Errorf("explanation of %v: %v, want parallel Complete", ex["job"], ex["outcome"])
	}
	delete(explained, "explanations")
	if diff := cmp.Diff(plain, explained); diff != "" {
		t.Errorf("the List differs beyond explanations (-plain +explained):\n%s", diff)
	}
	y := runCmd(t, "", "run", "-o", "yaml", "--explain", file)
	if y.code != exitOK || !strings.Contains(y.stdout, "\nexplanations:\n- ") {
		t.Errorf("-o yaml --explain: exit %d, no explanations field:\n%.300s", y.code, y.stdout)
	}
}

// TestExplainJSON checks explain -o json: one object per file, its jobs
// and its CronJobs' runs.
func TestExplainJSON(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "explain", "-o", "json", "examples/manifests/nightly-report.scenario.yaml")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	var got explainedFile
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.CronJobs) != 1 || len(got.CronJobs[0].Runs) == 0 {
		t.Fatalf("cronJobs: %+v, want one with runs", got.CronJobs)
	}
	for _, run := range got.CronJobs[0].Runs {
		if run.Outcome == "" && run.Explanation == nil {
			t.Errorf("run %s: nothing known", run.Job)
		}
	}
}

// TestExplainUsage checks explain's and --explain's usage errors and
// invalid input.
func TestExplainUsage(t *testing.T) {
	t.Chdir("../..")
	pi := "examples/manifests/pi-job.yaml"
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"explain"}, exitUsage, "no FILE given"},
		{[]string{"explain", "-o", "yaml", pi}, exitUsage, `invalid value "yaml" for flag -o: must be text or json`},
		{[]string{"explain", "--until", "0s", pi}, exitUsage, "must be greater than 0"},
		{[]string{"explain", "--explain", pi}, exitUsage, "flag provided but not defined: -explain"},
		{[]string{"run", "--explain=some", pi}, exitUsage, "must be given alone (--explain) or as --explain=full"},
		{[]string{"run", "--explain", "-o", "events", pi}, exitUsage, "drop -o events"},
		{[]string{"run", "--explain", "--compare-versions", "1.35,1.37", pi}, exitUsage, "--compare-versions and --explain"},
		{[]string{"explain", "examples/manifests/no-such-file.yaml"}, exitInvalid, "cannot read the file"},
		{[]string{"explain", "examples/manifests/nightly-report.cronjob.yaml"}, exitInvalid, "until: Required value"},
	}
	for _, tt := range tests {
		r := runCmd(t, "", tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, tt.code, tt.stderr)
		}
	}
	if r := runCmd(t, "", "help", "explain"); r.code != exitOK || !strings.HasPrefix(r.stdout, "Usage: jobsim explain") {
		t.Errorf("help explain: exit %d:\n%s", r.code, r.stdout)
	}
}
