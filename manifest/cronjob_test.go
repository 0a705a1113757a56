package manifest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// cronManifest is a batch/v1 CronJob; extra goes at the end of its spec
// (indented by 2), podExtra at the end of the pod template's spec.
func cronManifest(extra, podExtra string) string {
	return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {jobsim.dev/run: 30m}
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
` + podExtra + extra
}

// TestDecodeCronJob checks what a CronJob manifest becomes: the API
// server's defaults (SetDefaults_CronJob: Allow, suspend false, history
// limits 3 and 1), the spec's fields in jobsim's units, and the job
// template with its pod template's annotations, which decide how its
// pods run.
func TestDecodeCronJob(t *testing.T) {
	text := cronManifest("  startingDeadlineSeconds: 120\n  concurrencyPolicy: Forbid\n  timeZone: America/New_York\n", "")
	s, err := Parse("report.cronjob.yaml", []byte(text), Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(s.Jobs) != 0 || len(s.CronJobs) != 1 {
		t.Fatalf("%d jobs, %d CronJobs; want 0 and 1", len(s.Jobs), len(s.CronJobs))
	}
	cj := s.CronJobs[0].Manifest.CronJob
	if cj.Name != "report" || cj.Namespace != "default" {
		t.Errorf("name %s/%s, want default/report", cj.Namespace, cj.Name)
	}
	sp := cj.Spec
	if sp.Schedule != "0 2 * * *" || sp.ConcurrencyPolicy != jobsim.ForbidConcurrent || sp.Suspend {
		t.Errorf("schedule %q, policy %q, suspend %v", sp.Schedule, sp.ConcurrencyPolicy, sp.Suspend)
	}
	if sp.StartingDeadline == nil || *sp.StartingDeadline != 2*time.Minute {
		t.Errorf("startingDeadline %v, want 2m", sp.StartingDeadline)
	}
	if sp.TimeZone == nil || *sp.TimeZone != "America/New_York" {
		t.Errorf("timeZone %v", sp.TimeZone)
	}
	if *sp.SuccessfulJobsHistoryLimit != 3 || *sp.FailedJobsHistoryLimit != 1 {
		t.Errorf("history limits %d, %d; want the defaults 3, 1", *sp.SuccessfulJobsHistoryLimit, *sp.FailedJobsHistoryLimit)
	}
	if got := sp.JobTemplate.Spec.Template.Annotations[jobsim.RunAnnotation]; got != "30m" {
		t.Errorf("template annotation %s = %q, want 30m", jobsim.RunAnnotation, got)
	}
	obj := s.CronJobs[0].Manifest.Object
	if obj.Spec.Suspend == nil || *obj.Spec.Suspend || *obj.Spec.SuccessfulJobsHistoryLimit != 3 {
		t.Errorf("stored object lacks the defaults: %+v", obj.Spec)
	}
}

// TestCronJobProblems checks that a CronJob is read with the care a Job
// is: unknown fields, the API server's CronJob rules (ValidateCronJob),
// the Job rules at paths under spec.jobTemplate, and what jobsim refuses
// in a pod template, each at its line.
func TestCronJobProblems(t *testing.T) {
	tests := []struct {
		name  string
		input string
		wants []want
	}{
		{"unknown field", cronManifest("  scheduel: x\n", ""), []want{{15, "spec.scheduel", `unknown field "scheduel"`}}},
		{"bad schedule", strings.Replace(cronManifest("", ""), `"0 2 * * *"`, `"61 * * * *"`, 1),
			[]want{{6, "spec.schedule", "Invalid value"}}},
		{"TZ in schedule", strings.Replace(cronManifest("", ""), `"0 2 * * *"`, `"TZ=UTC 0 2 * * *"`, 1),
			[]want{{6, "spec.schedule", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"}}},
		{"unknown time zone", cronManifest("  timeZone: Mars/Olympus\n", ""), []want{{15, "spec.timeZone", "Invalid value"}}},
		{"policy", cronManifest("  concurrencyPolicy: Sometimes\n", ""), []want{{15, "spec.concurrencyPolicy", `Unsupported value: "Sometimes"`}}},
		{"negative limit", cronManifest("  successfulJobsHistoryLimit: -1\n", ""), []want{{15, "spec.successfulJobsHistoryLimit", "must be greater than or equal to 0"}}},
		{"job rule", strings.Replace(cronManifest("", ""), "restartPolicy: Never", "restartPolicy: Always", 1),
			[]want{{13, "spec.jobTemplate.spec.template.spec.restartPolicy", `valid values: "OnFailure", "Never"`}}},
		{"refused", cronManifest("", "          nodeName: n1\n"), []want{{15, "spec.jobTemplate.spec.template.spec.nodeName", "not supported by jobsim"}}},
		// ValidateJobTemplateSpec: each Job gets its selector generated.
		{"template selector", strings.Replace(cronManifest("", ""), "    spec:\n      template:", "    spec:\n      selector: {matchLabels: {a: b}}\n      template:", 1),
			[]want{{9, "spec.jobTemplate.spec.selector", "`selector` will be auto-generated"}}},
		// The template's labels are not validated on create (upstream
		// does not): a bad one fails each Job's creation instead.
		{"template label", strings.Replace(cronManifest("", ""), "  jobTemplate:\n", "  jobTemplate:\n    metadata: {labels: {\"bad key!\": x}}\n", 1), nil},
		{"long name", strings.Replace(cronManifest("", ""), "name: report", "name: "+strings.Repeat("a", 53), 1),
			[]want{{4, "metadata.name", "must be no more than 52 characters"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.input), Options{})
			checkProblems(t, err, tt.wants)
		})
	}
}

const cronScenarioHead = "apiVersion: jobsim/v1alpha1\nkind: Scenario\n"

// TestScenarioCronJobs checks the cronJobs format of docs/scenario.md:
// the file, when it is created, the pods of its Jobs and their per-Job
// overrides, its actions and the CronJob controller's faults.
func TestScenarioCronJobs(t *testing.T) {
	files := map[string]string{"dir/report.cronjob.yaml": cronManifest("", "")}
	text := cronScenarioHead + `until: 48h
cronJobs:
  - file: report.cronjob.yaml
    at: 1h
    pods:
      default: {run: 20s}
    jobs:
      "2": {default: {run: 10s, exit: 1}}
    actions:
      - {at: 2h, suspend: true}
      - {at: 3h, suspend: false}
      - {at: 4h, schedule: "*/10 * * * *"}
      - {at: 5h, timeZone: Europe/Berlin}
      - {at: 6h, concurrencyPolicy: Replace}
      - {at: 7h, startingDeadlineSeconds: 300}
      - {at: 8h, successfulJobsHistoryLimit: 1}
      - {at: 8h, failedJobsHistoryLimit: 0}
      - {at: 9h, delete: true}
faults:
  - {at: 8h, controller: cronjob, action: down}
  - {at: 10h, controller: cronjob, action: up}
`
	s, err := Parse("dir/run.scenario.yaml", []byte(text), Options{ReadFile: mapFiles(files)})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(s.CronJobs) != 1 {
		t.Fatalf("%d CronJobs, want 1", len(s.CronJobs))
	}
	sc := s.CronJobs[0]
	if sc.At != time.Hour || sc.Pods.Default == nil || sc.Pods.Default.Duration != 20*time.Second {
		t.Errorf("at %v, pods %+v", sc.At, sc.Pods)
	}
	if p, ok := sc.JobPods[2]; !ok || p.Default == nil || p.Default.ExitCode != 1 || p.Default.Duration != 10*time.Second {
		t.Errorf("jobs[2] = %+v, want {run: 10s, exit: 1}", sc.JobPods)
	}
	if len(sc.Actions) != 9 {
		t.Fatalf("%d actions, want 9", len(sc.Actions))
	}
	var spec jobsim.CronJobSpec
	for _, a := range sc.Actions[:8] {
		a.Apply(&spec)
	}
	if spec.Suspend || spec.Schedule != "*/10 * * * *" || *spec.TimeZone != "Europe/Berlin" || spec.ConcurrencyPolicy != jobsim.ReplaceConcurrent ||
		*spec.StartingDeadline != 5*time.Minute || *spec.SuccessfulJobsHistoryLimit != 1 || *spec.FailedJobsHistoryLimit != 0 {
		t.Errorf("the actions applied give %+v", spec)
	}
	if !sc.Actions[8].Delete {
		t.Errorf("the last action does not delete")
	}
	if len(s.Faults) != 2 || s.Faults[0].Controller != ControllerCronJob || s.Faults[0].Action != FaultDown || s.Faults[1].Action != FaultUp {
		t.Errorf("faults %+v", s.Faults)
	}
}

// TestScenarioCronJobProblems checks the rules of the format: the until a
// CronJob needs, the actions the API server would refuse
// (ValidateCronJobUpdate), the faults of a controller, and the Job a
// jobs[] entry must be.
func TestScenarioCronJobProblems(t *testing.T) {
	files := map[string]string{"dir/report.cronjob.yaml": cronManifest("", ""), "dir/job.yaml": manifestWith()}
	tests := []struct {
		name  string
		input string
		wants []want
	}{
		{"no until", cronScenarioHead + "cronJobs:\n  - file: report.cronjob.yaml\n",
			[]want{{4, "until", "Required value: a scenario with cronJobs runs until a given time"}}},
		{"deleted needs no until", cronScenarioHead + "cronJobs:\n  - file: report.cronjob.yaml\n    actions: [{at: 1h, delete: true}]\n", nil},
		{"bad schedule", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    actions:\n      - {at: 1m, schedule: \"* * *\"}\n",
			[]want{{7, "cronJobs[0].actions[0].schedule", "Invalid value"}}},
		{"bad policy", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    actions:\n      - {at: 1m, concurrencyPolicy: Never}\n",
			[]want{{7, "cronJobs[0].actions[0].concurrencyPolicy", "Unsupported value"}}},
		{"negative limit", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    actions:\n      - {at: 1m, failedJobsHistoryLimit: -2}\n",
			[]want{{7, "cronJobs[0].actions[0].failedJobsHistoryLimit", "must be greater than or equal to 0"}}},
		{"action before", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    at: 10m\n    actions:\n      - {at: 1m, suspend: true}\n",
			[]want{{8, "cronJobs[0].actions[0].at", "the CronJob is only created at 10m"}}},
		{"after delete", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    actions:\n      - {at: 1m, delete: true}\n      - {at: 2m, suspend: true}\n",
			[]want{{8, "cronJobs[0].actions[1]", "deleted before"}}},
		{"unknown action", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    actions:\n      - {at: 1m, parallelism: 2}\n",
			[]want{{7, "cronJobs[0].actions[0].parallelism", `unknown field "parallelism"`}, {7, "cronJobs[0].actions[0]", "Required value: an action changes a field"}}},
		{"controller action", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\nfaults:\n  - {at: 1m, controller: cronjob, action: fail}\n",
			[]want{{7, "faults[0].action", `Unsupported value: "fail": supported values: "down", "up"`}}},
		{"controller name", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\nfaults:\n  - {at: 1m, controller: job, action: down}\n",
			[]want{{7, "faults[0].controller", `Unsupported value: "job"`}}},
		{"node and controller", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\nfaults:\n  - {at: 1m, node: node-0, controller: cronjob, action: down}\n",
			[]want{{7, "faults[0].controller", "not both"}}},
		{"job file of a CronJob", cronScenarioHead + "jobs:\n  - file: report.cronjob.yaml\n",
			[]want{{4, "jobs[0].file", "list it under cronJobs"}}},
		{"CronJob file of a Job", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: job.yaml\n",
			[]want{{5, "cronJobs[0].file", "needs exactly one CronJob"}}},
		{"bad ordinal", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n    jobs:\n      first: {default: {run: 1s}}\n",
			[]want{{7, "cronJobs[0].jobs[first]", "must be a Job's ordinal"}}},
		{"same name", cronScenarioHead + "until: 1h\ncronJobs:\n  - file: report.cronjob.yaml\n  - file: report.cronjob.yaml\n",
			[]want{{6, "cronJobs[1]", `cronjobs.batch "report" already exists`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("dir/run.scenario.yaml", []byte(tt.input), Options{ReadFile: mapFiles(files)})
			checkProblems(t, err, tt.wants)
		})
	}
}

// TestPlainCronJobNeedsUntil checks that a plain CronJob manifest is
// valid, but cannot be simulated without an until: a CronJob never
// finishes.
func TestPlainCronJobNeedsUntil(t *testing.T) {
	s, err := Parse("c.yaml", []byte(cronManifest("", "")), Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if _, err := s.Simulate(SimOptions{}); err == nil || !strings.Contains(err.Error(), "until") {
		t.Fatalf("Simulate without an until: %v, want the until required", err)
	}
	sim := run(t, s, SimOptions{Until: 49 * time.Hour})
	// "0 2 * * *" from 1970-01-01T00:00:00Z: 02:00 on the 1st and the 2nd
	// are within 49h; each Job's pod runs 30m (the template's annotation).
	h := sim.CronJobs()[0]
	if h.JobsCreated() != 2 {
		t.Fatalf("%d Jobs created, want 2", h.JobsCreated())
	}
	for _, j := range h.Jobs() {
		st := j.Status()
		if d := st.CompletionTime.Sub(st.StartTime); !j.Finished() || d < 30*time.Minute || d > 31*time.Minute {
			t.Errorf("%s: finished %v after %v, want about 30m", j.Name(), j.Finished(), d)
		}
	}
}

// TestScenarioCronJobSimulates runs the cronJobs format end to end: an
// inline CronJob every 10 minutes (from the Unix epoch), Jobs of one
// 1-minute pod with backoffLimit 0, the second Job's pod failing; the
// controller down from 25m to 45m; suspended at 50m.
//   - 10m and 20m start on time (at +100 ms); the Job of 20m fails.
//   - 30m and 40m pass while the controller is down; at 45m the restarted
//     controller starts the most recent, 40m, and 30m is superseded.
//   - 50m comes while it is suspended, and so does 1h, the until.
func TestScenarioCronJobSimulates(t *testing.T) {
	s := parseScenario(t, cronScenarioHead+`until: 1h
cronJobs:
  - cronJob:
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: tick}
      spec:
        schedule: "*/10 * * * *"
        jobTemplate:
          spec:
            backoffLimit: 0
            template:
              spec:
                restartPolicy: Never
                containers: [{name: c, image: i}]
    pods: {default: {run: 1m}}
    jobs:
      "1": {default: {run: 30s, exit: 1}}
    actions:
      - {at: 50m, suspend: true}
faults:
  - {at: 25m, controller: cronjob, action: down}
  - {at: 45m, controller: cronjob, action: up}
`)
	sim := run(t, s, SimOptions{})
	h := sim.CronJobs()[0]
	start := s.Start
	type row struct {
		at      time.Duration
		job     string
		created time.Duration
		reason  jobsim.CronRunReason
		pending bool
	}
	var got []row
	for _, r := range h.Runs() {
		x := row{at: r.Scheduled.Sub(start), job: r.Job, reason: r.Reason, pending: r.Pending}
		if r.Job != "" {
			x.created = r.Created.Sub(start)
		}
		got = append(got, x)
	}
	ms := 100 * time.Millisecond
	want := []row{
		{at: 10 * time.Minute, job: "tick-10", created: 10*time.Minute + ms},
		{at: 20 * time.Minute, job: "tick-20", created: 20*time.Minute + ms},
		{at: 30 * time.Minute, reason: jobsim.CronRunControllerDown},
		{at: 40 * time.Minute, job: "tick-40", created: 45 * time.Minute, reason: jobsim.CronRunControllerDown},
		{at: 50 * time.Minute, reason: jobsim.CronRunSuspended},
		{at: time.Hour, reason: jobsim.CronRunSuspended, pending: true},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("Runs (-want +got):\n%s", diff)
	}
	outcome := map[string]string{}
	for _, j := range h.Jobs() {
		st := j.Status()
		switch {
		case st.IsTrue(jobsim.JobComplete):
			outcome[j.Name()] = "Complete"
		case st.IsTrue(jobsim.JobFailed):
			outcome[j.Name()] = "Failed"
		}
	}
	// The default history limits (3 complete, 1 failed) keep all three.
	if diff := cmp.Diff(map[string]string{"tick-10": "Complete", "tick-20": "Failed", "tick-40": "Complete"}, outcome); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !h.Spec().Suspend {
		t.Error("the action did not suspend the CronJob")
	}
}
