package main

import (
	"os"
	"strings"
	"testing"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// compareRuns runs the file on each version as --compare-versions does
// and returns the rows of its j-th job, by label.
func compareRuns(t *testing.T, file string, j int, vs ...jobsim.Version) map[string][]string {
	t.Helper()
	t.Chdir("../..")
	runs := make([]*versionRun, len(vs))
	for i, v := range vs {
		s, err := manifest.Load(file, manifest.Options{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		f := runFlags{out: outOpts{width: 100}}
		run, err := runVersion(s, v, f, env{clock: clock.NewMock()})
		if err != nil {
			t.Fatal(err)
		}
		if run.err != nil {
			t.Fatalf("%s: %v", v, run.err)
		}
		runs[i] = run
	}
	rows := map[string][]string{}
	for _, r := range jobRows(runs, j) {
		rows[r.label] = r.values
	}
	return rows
}

// TestCompareDeadlineAfterSuspension checks the comparison of a Job
// suspended past its deadline (VERSIONS.md, startTime cleared on
// suspension): activeDeadlineSeconds 60, one pod of 50 s, suspended at
// 20 s and resumed at 200 s. On 1.35 startTime (0 s) survives the
// suspension and the first sync after the resume finds the deadline
// passed: DeadlineExceeded at 200 s, one pod. On 1.37 the suspension
// clears startTime, the resume sets it to 200 s and a new pod runs 50 s:
// Complete at 250 s, two pods.
func TestCompareDeadlineAfterSuspension(t *testing.T) {
	rows := compareRuns(t, "examples/manifests/upgrade.scenario.yaml", 0, jobsim.V1_35, jobsim.V1_37)
	want := map[string][]string{
		"status.startTime":      {"0s", "3m20s"},
		"status.completionTime": {"unset", "4m10s"},
		"status.succeeded":      {"0", "1"},
		"condition Failed":      {"True at 3m20s (DeadlineExceeded)", "none"},
		"condition Complete":    {"none", "True at 4m10s (CompletionsReached)"},
		"pods created":          {"1", "2"},
		// While suspended: kept on 1.35, cleared from 1.36.
		"status from 20s to 3m20s": {
			"active 0, ready 0, terminating 0, succeeded 0, failed 0; startTime 0s; Suspended",
			"active 0, ready 0, terminating 0, succeeded 0, failed 0; startTime unset; Suspended",
		},
	}
	for label, w := range want {
		if diff := cmp.Diff(w, rows[label]); diff != "" {
			t.Errorf("row %q (-want +got):\n%s", label, diff)
		}
	}
	if out := rows["outcome"]; len(out) != 2 || !strings.HasPrefix(out[0], "Failed at 3m20s, DeadlineExceeded") || !strings.HasPrefix(out[1], "Complete at 4m10s") {
		t.Errorf("outcome = %q, want Failed at 3m20s (DeadlineExceeded) on 1.35, Complete at 4m10s on 1.37", out)
	}
}

// TestCompareFailureCountedDuringBackoff checks the comparison of a
// pod failure while another pod is Ready (VERSIONS.md, status.active
// during the pod-failure backoff): pod 0 fails at 5 s, pod 1 runs 30 s.
// On 1.35 each status write during the 10 s backoff says active 0 with
// a Ready pod, which the API server refuses, so the status stays as it
// was (active 2, ready 2, failed 0) until the backoff ends at 15 s. On
// 1.37 the write keeps active 1 and counts the failure at 5 s. The
// replacement comes at 15 s on both.
func TestCompareFailureCountedDuringBackoff(t *testing.T) {
	rows := compareRuns(t, "examples/manifests/upgrade.scenario.yaml", 1, jobsim.V1_35, jobsim.V1_37)
	want := []string{
		"active 2, ready 2, terminating 0, succeeded 0, failed 0; startTime 0s",
		"active 1, ready 1, terminating 0, succeeded 0, failed 1; startTime 0s",
	}
	if diff := cmp.Diff(want, rows["status from 5s to 15s"]); diff != "" {
		t.Errorf("status from 5s to 15s (-want +got):\n%s", diff)
	}
	for _, label := range []string{"outcome", "status.failed", "pods created", "pod 3"} {
		if v := rows[label]; len(v) != 2 || v[0] != v[1] {
			t.Errorf("row %q = %q: want the same on both versions", label, v)
		}
	}
	if p := rows["pod 3"]; len(p) == 0 || !strings.Contains(p[0], "created at 15s, replaces") {
		t.Errorf("pod 3 = %q: want the replacement created at 15s, after the 10s backoff", p)
	}
}

// TestCompareVersionsOutput keeps the text of --compare-versions on the
// example as a golden file, and checks that the same versions give the
// same bytes twice.
func TestCompareVersionsOutput(t *testing.T) {
	t.Chdir("../..")
	args := []string{"run", "--compare-versions", "1.35,1.37", "examples/manifests/upgrade.scenario.yaml"}
	r := runCmd(t, "", args...)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	golden(t, "compare.upgrade.golden", r.stdout)
	if again := runCmd(t, "", args...); again.stdout != r.stdout {
		t.Errorf("a second run printed something else:\n%s", firstDiff(r.stdout, again.stdout))
	}
}

// TestCompareVersionsSame checks that a Job the versions treat alike is
// said to be the same on every version.
func TestCompareVersionsSame(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "--compare-versions", "1.34,1.35,1.36,1.37", "examples/manifests/pi-job.yaml")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "job/pi-job: the same on every version") {
		t.Errorf("output:\n%s\nwant job/pi-job the same on every version", r.stdout)
	}
}

// TestCompareVersionsUsage checks the flags --compare-versions refuses.
func TestCompareVersionsUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--compare-versions", "1.37"}, "name at least two versions"},
		{[]string{"--compare-versions", "1.35,1.35"}, "1.35 is listed twice"},
		{[]string{"--compare-versions", "1.35,1.33"}, "1.33"},
		{[]string{"--compare-versions", "1.35,1.37", "--kubernetes-version", "1.36"}, "cannot be given together"},
		{[]string{"--compare-versions", "1.35,1.37", "-o", "json"}, "prints text only"},
	} {
		r := runCmd(t, "", append(append([]string{"run"}, tt.args...), "x.yaml")...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, exitUsage, tt.want)
		}
	}
}

// TestCompareVersionsInvalidOnOne checks that a file invalid on one of
// the versions compared is refused, naming that version.
func TestCompareVersionsInvalidOnOne(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/gates.yaml"
	// JobManagedBy is locked on from 1.35: it can be turned off only on 1.34.
	data := "apiVersion: jobsim/v1alpha1\nkind: Scenario\nfeatureGates:\n  JobManagedBy: false\njobs:\n  - file: job.yaml\n"
	job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i}]\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/job.yaml", []byte(job), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "run", "--compare-versions", "1.34,1.37", file)
	if r.code != exitInvalid || !strings.Contains(r.stderr, "JobManagedBy") || !strings.Contains(r.stderr, "invalid on Kubernetes 1.37") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d naming JobManagedBy and 1.37", r.code, r.stderr, exitInvalid)
	}
}

// TestReadmeCompareOutput checks that README.md shows what
// --compare-versions prints for its example.
func TestReadmeCompareOutput(t *testing.T) {
	t.Chdir("../..")
	const cmdLine = "go run ./cmd/jobsim run --compare-versions 1.35,1.37 examples/manifests/upgrade.scenario.yaml"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), cmdLine+"\n")
	if !ok {
		t.Fatalf("README.md does not show %q", cmdLine)
	}
	_, block, ok := strings.Cut(after, "```text\n")
	if !ok {
		t.Fatalf("README.md: no ```text block after %q", cmdLine)
	}
	want, _, _ := strings.Cut(block, "```\n")
	r := runCmd(t, "", strings.Fields(cmdLine)[3:]...)
	if r.stdout != want {
		t.Errorf("README.md's output differs from the command's:\n%s", firstDiff(want, r.stdout))
	}
}

// TestCompareSaysCronJobsAreNotCompared: the comparison covers the
// scenario's own Jobs; a CronJob is named, and said not to be compared.
func TestCompareSaysCronJobsAreNotCompared(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "--compare-versions", "1.35,1.37", "examples/manifests/nightly-report.scenario.yaml")
	if r.code != exitOK {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := "cronjob/nightly-report: not compared"; !strings.Contains(r.stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, r.stdout)
	}
}
