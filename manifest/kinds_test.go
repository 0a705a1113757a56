package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doc is a document of the given apiVersion and kind, named name; the
// kind is on its line 2.
func doc(apiVersion, kind, name string) string {
	return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n"
}

// TestKindsKubectlRefusesAreProblems: kubectl maps each document to a
// resource through the API server's discovery, where kinds are
// case-sensitive and belong to versions; it refuses `kind: job` with `no
// matches for kind "job" in version "batch/v1"`. jobsim refuses the
// same, with a hint, at the line of the field to fix (kind, or
// apiVersion when the kind is right), alone in a file or among Jobs.
func TestKindsKubectlRefusesAreProblems(t *testing.T) {
	job := manifestWith()
	tests := []struct {
		name  string
		input string
		want  Problem
	}{
		{"lower-case job alone", strings.Replace(job, "kind: Job", "kind: job", 1),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "job" in version "batch/v1" (did you mean kind: Job?)`}},
		{"lower-case job among Jobs", doc("v1", "Secret", "s") + "---\n" + strings.Replace(job, "kind: Job", "kind: job", 1) + "\n---\n" + strings.Replace(job, "job1", "job2", 1),
			Problem{Line: 7, Field: "kind", Message: `no matches for kind "job" in version "batch/v1" (did you mean kind: Job?)`}},
		{"upper-case JOB", strings.Replace(job, "kind: Job", "kind: JOB", 1),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "JOB" in version "batch/v1" (did you mean kind: Job?)`}},
		{"lower-case cronjob", doc("batch/v1", "cronjob", "c"),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "cronjob" in version "batch/v1" (did you mean kind: CronJob?)`}},
		{"plural", doc("batch/v1", "Jobs", "j"),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "Jobs" in version "batch/v1" (did you mean kind: Job?)`}},
		{"unknown batch kind", doc("batch/v1", "Task", "t"),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "Task" in version "batch/v1" (batch/v1 serves the kinds Job and CronJob)`}},
		{"batch/v1beta1 Job", strings.Replace(job, "batch/v1", "batch/v1beta1", 1),
			Problem{Line: 1, Field: "apiVersion", Message: `no matches for kind "Job" in version "batch/v1beta1" (did you mean apiVersion: batch/v1?)`}},
		{"v1 Job", strings.Replace(job, "batch/v1", "v1", 1),
			Problem{Line: 1, Field: "apiVersion", Message: `no matches for kind "Job" in version "v1" (did you mean apiVersion: batch/v1?)`}},
		{"Batch/v1 Job", strings.Replace(job, "batch/v1", "Batch/v1", 1),
			Problem{Line: 1, Field: "apiVersion", Message: `no matches for kind "Job" in version "Batch/v1" (did you mean apiVersion: batch/v1?)`}},
		{"apps/v1 job", strings.Replace(strings.Replace(job, "batch/v1", "apps/v1", 1), "kind: Job", "kind: job", 1),
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "job" in version "apps/v1" (did you mean apiVersion: batch/v1 and kind: Job?)`}},
		// CronJob left batch/v1beta1 in Kubernetes 1.25.
		{"batch/v1beta1 CronJob", doc("batch/v1beta1", "CronJob", "c"),
			Problem{Line: 1, Field: "apiVersion", Message: `no matches for kind "CronJob" in version "batch/v1beta1" (did you mean apiVersion: batch/v1?)`}},
		{"Deployment in batch/v1", doc("batch/v1", "Deployment", "d"),
			Problem{Line: 1, Field: "apiVersion", Message: `no matches for kind "Deployment" in version "batch/v1" (did you mean apiVersion: apps/v1?)`}},
		{"lower-case secret among Jobs", doc("v1", "secret", "s") + "---\n" + job,
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "secret" in version "v1" (did you mean kind: Secret?)`}},
		{"lower-case kind of a k8s.io group", doc("networking.k8s.io/v1", "ingress", "i") + "---\n" + job,
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "ingress" in version "networking.k8s.io/v1" (did you mean kind: Ingress?)`}},
		{"list item", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: job\n  metadata: {name: x}\n",
			Problem{Line: 5, Field: "items[0].kind", Message: `no matches for kind "job" in version "batch/v1" (did you mean kind: Job?)`}},
		// Not a Scenario then, but a manifest whose kind is misspelt.
		{"lower-case scenario", "apiVersion: jobsim/v1alpha1\nkind: scenario\njobs: []\n",
			Problem{Line: 2, Field: "kind", Message: `no matches for kind "scenario" in version "jobsim/v1alpha1" (did you mean kind: Scenario?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.File = "f.yaml"
			_, err := Parse("f.yaml", []byte(tt.input), Options{})
			if diff := cmp.Diff([]Problem{tt.want}, Problems(err)); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			_, _, err = DecodeJobs("f.yaml", []byte(tt.input), Options{})
			if diff := cmp.Diff([]Problem{tt.want}, Problems(err)); diff != "" {
				t.Errorf("DecodeJobs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKindsOfOtherGroupsAreSkipped: custom resources have groups of
// their own, where any kind may exist (Volcano has a Job in
// batch.volcano.sh), and a kind of Kubernetes at an apiVersion jobsim
// does not know is not jobsim's to refuse: those are skipped with a
// notice, as any kind other than Job.
func TestKindsOfOtherGroupsAreSkipped(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string
	}{
		{"Volcano Job", doc("batch.volcano.sh/v1alpha1", "Job", "vj"), "f.yaml:1: skipped Job vj (batch.volcano.sh/v1alpha1): jobsim simulates batch/v1 Jobs and CronJobs only"},
		{"custom lower-case kind", doc("example.com/v1", "job", "cj"), "f.yaml:1: skipped job cj (example.com/v1): jobsim simulates batch/v1 Jobs and CronJobs only"},
		{"unknown core kind", doc("v1", "Widget", "w"), "f.yaml:1: skipped Widget w (v1): jobsim simulates batch/v1 Jobs and CronJobs only"},
		{"old Deployment", doc("apps/v1beta1", "Deployment", "d"), "f.yaml:1: skipped Deployment d (apps/v1beta1): jobsim simulates batch/v1 Jobs and CronJobs only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("f.yaml", []byte(tt.doc+"---\n"+manifestWith()), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range s.Notices {
				got = append(got, n.String())
			}
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("notices (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInlineJobKindIsChecked: a scenario's inline job is a document like
// any other, its problems under jobs[i].job.
func TestInlineJobKindIsChecked(t *testing.T) {
	input := "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n- job:\n    apiVersion: batch/v1\n    kind: job\n    metadata: {name: x}\n"
	_, err := Parse("s.yaml", []byte(input), Options{})
	want := []Problem{{File: "s.yaml", Line: 6, Field: "jobs[0].job.kind", Message: `no matches for kind "job" in version "batch/v1" (did you mean kind: Job?)`}}
	if diff := cmp.Diff(want, Problems(err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: a, image: b}]
          restartPolicy: Never
`

// TestFileWithoutJobNamesWhatItHolds: a file whose objects are of other
// kinds is a problem that names them and their lines; a CronJob's points
// at spec.jobTemplate, the Job it would create.
func TestFileWithoutJobNamesWhatItHolds(t *testing.T) {
	deployment := "# Source: web/templates/deployment.yaml\n" + doc("apps/v1", "Deployment", "web")
	tests := []struct {
		name  string
		input string
		want  []Problem
	}{
		{"one Deployment", "---\n" + deployment, []Problem{
			{File: "f.yaml", Line: 3, Message: "found Deployment web (apps/v1), not a Job: jobsim simulates batch/v1 Jobs and CronJobs only"},
		}},
		{"several kinds", doc("v1", "Secret", "s") + "---\n" + deployment + "---\n" + doc("v1", "Service", "web") + "---\n" + doc("v1", "ConfigMap", "c") + "---\n" + doc("v1", "ServiceAccount", "sa"), []Problem{
			{File: "f.yaml", Line: 1, Message: "found Secret s (v1), Deployment web (apps/v1) at line 7, Service web (v1) at line 12 and 2 more, none a Job: jobsim simulates batch/v1 Jobs and CronJobs only"},
		}},
		{"no name", "apiVersion: v1\nkind: Namespace\n", []Problem{
			{File: "f.yaml", Line: 1, Message: "found Namespace (v1), not a Job: jobsim simulates batch/v1 Jobs and CronJobs only"},
		}},
		// A CronJob is simulated: a file of one holds what jobsim runs.
		{"CronJob", cronJob, nil},
		{"CronJob and Secret", doc("v1", "Secret", "s") + "---\n" + cronJob, nil},
		// Without a schedule and a job template, it is invalid as the API
		// server has it (ValidateCronJob), at the object's line.
		{"CronJob without jobTemplate", doc("batch/v1", "CronJob", "c"), []Problem{
			{File: "f.yaml", Line: 1, Field: "spec.jobTemplate.spec.template.spec.containers", Message: "Required value"},
			{File: "f.yaml", Line: 1, Field: "spec.jobTemplate.spec.template.spec.restartPolicy", Message: `Required value: valid values: "OnFailure", "Never"`},
			{File: "f.yaml", Line: 1, Field: "spec.schedule", Message: "Required value"},
		}},
		{"empty", "# nothing here\n", []Problem{{File: "f.yaml", Message: "no batch/v1 Job found"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.input), Options{})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCronJobAmongJobsIsRead: among Jobs, a CronJob is read, not
// skipped: both run, and nothing is said of it.
func TestCronJobAmongJobsIsRead(t *testing.T) {
	s, err := Parse("f.yaml", []byte(cronJob+"---\n"+manifestWith()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notices) != 0 {
		t.Errorf("notices %v, want none", s.Notices)
	}
	if len(s.Jobs) != 1 || len(s.CronJobs) != 1 {
		t.Errorf("%d jobs and %d CronJobs, want 1 and 1", len(s.Jobs), len(s.CronJobs))
	}
}

// TestScenarioFileWithoutJobNamesWhatItHolds: the same problems, for a
// file a scenario names and for an inline job, at the scenario's line.
func TestScenarioFileWithoutJobNamesWhatItHolds(t *testing.T) {
	files := map[string]string{
		"web.yaml":  "# web\n" + doc("apps/v1", "Deployment", "web"),
		"cron.yaml": cronJob,
		"mixed.yaml": doc("v1", "Secret", "s") + "---\n" + cronJob + "---\n" +
			strings.Replace(cronJob, "nightly", "weekly", 1),
	}
	const head = "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"
	tests := []struct {
		name, jobs string
		want       []Problem
	}{
		{"Deployment", "- file: web.yaml\n", []Problem{
			{File: "s.yaml", Line: 4, Field: "jobs[0].file", Message: `Invalid value: "web.yaml": line 2: found Deployment web (apps/v1), not a Job: jobsim simulates batch/v1 Jobs and CronJobs only`},
		}},
		{"CronJob", "- file: cron.yaml\n", []Problem{
			{File: "s.yaml", Line: 4, Field: "jobs[0].file", Message: `Invalid value: "cron.yaml": the file holds 1 batch/v1 CronJob, not a Job: list it under cronJobs (cronJobs[].file)`},
		}},
		{"two CronJobs", "- file: mixed.yaml\n", []Problem{
			{File: "s.yaml", Line: 4, Field: "jobs[0].file", Message: `Invalid value: "mixed.yaml": the file holds 2 batch/v1 CronJobs, not a Job: list it under cronJobs (cronJobs[].file)`},
		}},
		{"inline CronJob", "- job:\n" + indent(cronJob, "    "), []Problem{
			{File: "s.yaml", Line: 5, Field: "jobs[0].job", Message: "Invalid value: a batch/v1 CronJob, not a Job: write it under cronJobs (cronJobs[].cronJob)"},
		}},
		{"inline Secret", "- job: {apiVersion: v1, kind: Secret, metadata: {name: s}}\n", []Problem{
			{File: "s.yaml", Line: 4, Field: "jobs[0].job", Message: "found Secret s (v1), not a Job: jobsim simulates batch/v1 Jobs and CronJobs only"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(head+tt.jobs), Options{ReadFile: mapFiles(files)})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = by + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}
