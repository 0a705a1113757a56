package jobsim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
)

// explainJob is a one-container job for the explanation tests.
func explainJob(name string, rp jobsim.RestartPolicy) jobsim.Job {
	return jobsim.Job{Name: name, Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy: rp,
		Containers:    []jobsim.Container{{Name: "app", Image: "busybox", Requests: map[string]int64{"cpu": 1000}}},
	}}}}
}

// runExplained runs job alone on a cluster of cfg and explains it, with
// the counterfactuals when whatIf is set.
func runExplained(t *testing.T, cfg jobsim.Config, job jobsim.Job, b jobsim.Behavior, whatIf bool) (*jobsim.JobHandle, *jobsim.Explanation) {
	t.Helper()
	c := jobsim.NewCluster(cfg)
	h, err := c.Submit(job, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	opts := jobsim.ExplainOptions{}
	if whatIf {
		opts.Rerun = jobsim.RerunJob(b)
	}
	return h, jobsim.ExplainWith(h, opts)
}

// podFates lists name-free facts of each pod: fate, end, exit code.
type podFact struct {
	Fate        jobsim.Fate
	Ended       time.Duration
	ExitCode    int
	Restarts    int
	Backoff     time.Duration
	Consecutive int
	DeletedBy   string
}

func podFacts(ex *jobsim.Explanation) []podFact {
	var out []podFact
	for _, p := range ex.Pods {
		out = append(out, podFact{p.Fate, p.Ended, p.ExitCode, p.Restarts, p.Backoff, p.Consecutive, p.DeletedBy})
	}
	return out
}

// With restartPolicy OnFailure the kubelet restarts the container in
// place: at once after the first exit (5 s), then after its
// CrashLoopBackOff of 10 s, 20 s and 40 s. The runs end at 5, 10, 25 and
// 50 s; the restarts come at 5, 20, 45 and 90 s. The 4th restart reaches
// backoffLimit 4 (restarts >= limit), so the Job fails at 1m30s, and its
// one pod, deleted then, exits 143 and is counted failed. Of the 1m30s,
// 4 runs of 5 s ran (20 s), the rest (10+20+40 s) waited in back-off.
func TestExplainCrashLoopOnFailure(t *testing.T) {
	job := explainJob("crashloop", jobsim.RestartOnFailure)
	job.Spec.BackoffLimit = jobsim.Ptr(4)
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(5*time.Second, 1), false)
	if len(ex.Pods) != 1 {
		t.Fatalf("%d pods, want 1 (OnFailure restarts in place)", len(ex.Pods))
	}
	pod := ex.Pods[0].Name
	want := "job/crashloop: Failed (BackoffLimitExceeded) at 1m30s, after 1m30s.\n" +
		"Why: backoffLimit: 4 with restartPolicy: OnFailure counts container restarts across the Job's unfinished pods; the 4th restart, of pod " + pod + " at 1m30s, reached it.\n" +
		"Time: running 20s, backoff 1m10s.\n" +
		"Pod " + pod + ": failed at 1m30s (exit 143), a counted failure, after 4 restarts, deleted by the Job controller as the Job ended.\n"
	if diff := cmp.Diff(want, ex.String()); diff != "" {
		t.Errorf("explanation (-want +got):\n%s", diff)
	}
	if ex.Rule.Field != "backoffLimit" || ex.Rule.Value != "4" || ex.Rule.Count != 4 || ex.Rule.Pod != pod {
		t.Errorf("rule = %+v", ex.Rule)
	}
	if len(ex.Rule.Events) == 0 {
		t.Error("the rule names no event")
	}
}

// restartPolicy Never: each failure ends a pod, and the controller
// replaces it after the pod-failure backoff, 10 s after the 1st failure
// (5 s -> 15 s), 20 s after the 2nd (20 s -> 40 s). The 3rd failure, at
// 45 s, makes 3 counted failures > backoffLimit 2.
func TestExplainNeverBackoffLimit(t *testing.T) {
	job := explainJob("never", jobsim.RestartNever)
	job.Spec.BackoffLimit = jobsim.Ptr(2)
	h, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(5*time.Second, 1), false)
	want := []podFact{
		{jobsim.FateFailed, 5 * time.Second, 1, 0, 10 * time.Second, 1, ""},
		{jobsim.FateFailed, 20 * time.Second, 1, 0, 20 * time.Second, 2, ""},
		{jobsim.FateFailed, 45 * time.Second, 1, 0, 0, 3, ""},
	}
	if diff := cmp.Diff(want, podFacts(ex)); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	if ex.Reason != h.Status().Conditions[len(h.Status().Conditions)-1].Reason || ex.Reason != jobsim.JobReasonBackoffLimitExceeded {
		t.Errorf("reason %q, status %+v", ex.Reason, h.Status().Conditions)
	}
	// 3 runs of 5 s; the two backoffs of 10 s and 20 s.
	if got, want := ex.Time, (jobsim.TimeBreakdown{Running: 15 * time.Second, Backoff: 30 * time.Second}); got != want {
		t.Errorf("time = %+v, want %+v", got, want)
	}
	if !strings.Contains(ex.Rule.Text, "backoffLimit: 2 lets 2 pods fail; the 3rd counted failure, pod "+ex.Pods[2].Name+" (exit 1 at 45s), exceeded it") {
		t.Errorf("rule: %s", ex.Rule.Text)
	}
	if !strings.Contains(ex.String(), "replaced by "+ex.Pods[2].Name+" after 20s (the backoff after the 2nd consecutive failure is 20s)") {
		t.Errorf("text:\n%s", ex)
	}
}

// The deadline comes first: pods fail at 5 s and 20 s (replaced at 15 s
// after 10 s of backoff), and the second replacement would come at 40 s,
// after 20 s; activeDeadlineSeconds 30 ends the Job at 30 s, with 2
// failures counted, far from backoffLimit 6. Doubling the deadline to
// 60 s does not save it (the pod created at 40 s fails at 45 s, and the
// next would come at 1m25s), and removing it lets the backoff limit
// fail it: nothing flips, and every run exits 1.
func TestExplainDeadlineBeforeBackoffLimit(t *testing.T) {
	job := explainJob("deadline", jobsim.RestartNever)
	job.Spec.ActiveDeadline = jobsim.Ptr(30 * time.Second)
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(5*time.Second, 1), true)
	if ex.Reason != jobsim.JobReasonDeadlineExceeded || ex.DecidedAt != 30*time.Second || ex.RecordedAt != 30*time.Second {
		t.Fatalf("outcome %s %s decided %v recorded %v", ex.Outcome, ex.Reason, ex.DecidedAt, ex.RecordedAt)
	}
	if ex.Rule.Field != "activeDeadlineSeconds" || ex.Rule.Value != "30" {
		t.Errorf("rule = %+v", ex.Rule)
	}
	if got, want := ex.Time, (jobsim.TimeBreakdown{Running: 10 * time.Second, Backoff: 20 * time.Second}); got != want {
		t.Errorf("time = %+v, want %+v", got, want)
	}
	if ex.WhatIf.Smallest != -1 {
		t.Errorf("a change flips: %+v", ex.WhatIf.Tried[ex.WhatIf.Smallest])
	}
	var tried []string
	for _, cf := range ex.WhatIf.Tried {
		tried = append(tried, cf.Change()+" "+string(cf.Outcome)+" "+cf.Reason)
	}
	wantTried := []string{
		"activeDeadlineSeconds 30 -> 60 Failed DeadlineExceeded",
		"activeDeadlineSeconds 30 -> unset Failed BackoffLimitExceeded",
		"restartPolicy Never -> OnFailure Failed DeadlineExceeded",
		"podReplacementPolicy TerminatingOrFailed -> Failed Failed DeadlineExceeded",
	}
	if diff := cmp.Diff(wantTried, tried); diff != "" {
		t.Errorf("tried (-want +got):\n%s", diff)
	}
	if !strings.Contains(ex.String(), "No single change tried would have changed the outcome: every run exits 1.") {
		t.Errorf("text:\n%s", ex)
	}
}

// A FailJob rule on exit code 42 fails the Job at the first such exit,
// at 10 s, whatever backoffLimit says: backoffLimit +10 would not help.
func TestExplainFailJobRule(t *testing.T) {
	job := explainJob("failjob", jobsim.RestartNever)
	job.Spec.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{
		{Action: jobsim.ActionIgnore, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{7}}},
		{Action: jobsim.ActionFailJob, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{42}}},
	}}
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(10*time.Second, 42), true)
	if ex.Reason != jobsim.JobReasonPodFailurePolicy || ex.Rule.Field != "podFailurePolicy.rules[1]" || ex.Rule.Value != "FailJob on exit codes In [42]" {
		t.Fatalf("outcome %s, rule %+v", ex.Reason, ex.Rule)
	}
	if p := ex.Pods[0]; p.Fate != jobsim.FateFailJob || p.Rule != 1 || p.Ended != 10*time.Second {
		t.Errorf("pod = %+v", p)
	}
	text := ex.String()
	if !strings.Contains(text, "backoffLimit 6 -> 16 would not help: still Failed (PodFailurePolicy) after 10s: podFailurePolicy rule 1") {
		t.Errorf("text:\n%s", text)
	}
}

// An Ignore rule on DisruptionTarget: the first pod is evicted at 5 s
// (it exits 143 at once, its process taking no time to stop), the
// failure is ignored, so backoffLimit 0 is not exceeded. Ignored
// failures still feed the pod-failure backoff: the replacement comes
// 10 s later, at 15 s, and succeeds 20 s after, at 35 s.
func TestExplainIgnoreRule(t *testing.T) {
	job := explainJob("ignore", jobsim.RestartNever)
	job.Spec.BackoffLimit = jobsim.Ptr(0)
	job.Spec.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{
		{Action: jobsim.ActionIgnore, OnPodConditions: []jobsim.PodFailurePolicyOnPodCondition{{Type: string(jobsim.DisruptionTarget)}}},
	}}
	b := jobsim.Script(map[int][]jobsim.Run{0: {{Duration: 5 * time.Second, Disrupt: jobsim.DisruptionEvictionAPI}}}, jobsim.Fixed(20*time.Second, 0))
	_, ex := runExplained(t, jobsim.Config{}, job, b, false)
	if ex.Outcome != jobsim.OutcomeComplete || ex.RecordedAt != 35*time.Second {
		t.Fatalf("outcome %s at %v", ex.Outcome, ex.RecordedAt)
	}
	p := ex.Pods[0]
	if p.Fate != jobsim.FateIgnored || p.Rule != 0 || p.Disruption != jobsim.DisruptionEvictionAPI || p.Ended != 5*time.Second || p.Backoff != 10*time.Second {
		t.Errorf("pod = %+v", p)
	}
	if !strings.Contains(ex.String(), "ignored by podFailurePolicy rule 0, disrupted (EvictionByEvictionAPI)") {
		t.Errorf("text:\n%s", ex)
	}
}

// Six pods of 1 CPU on two nodes of 2 CPUs: four run from 0 s to 30 s,
// two wait 30 s for room ("Insufficient cpu") and run to 1m. One more
// node of the same shape runs all six at once: done at 30 s.
func TestExplainPendingForCapacity(t *testing.T) {
	job := explainJob("render", jobsim.RestartNever)
	job.Spec.Parallelism, job.Spec.Completions = jobsim.Ptr(6), jobsim.Ptr(6)
	nodes := []jobsim.Node{{Name: "w0", Capacity: map[string]int64{"cpu": 2000}}, {Name: "w1", Capacity: map[string]int64{"cpu": 2000}}}
	_, ex := runExplained(t, jobsim.Config{Nodes: nodes}, job, jobsim.Fixed(30*time.Second, 0), true)
	var pend []time.Duration
	for _, p := range ex.Pods {
		pend = append(pend, p.Pending)
	}
	if diff := cmp.Diff([]time.Duration{0, 0, 0, 0, 30 * time.Second, 30 * time.Second}, pend); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
	if r := ex.Pods[5].PendingReason; !strings.HasPrefix(r, "0/2 nodes are available: 2 Insufficient cpu.") {
		t.Errorf("reason %q", r)
	}
	var nodesCF *jobsim.Counterfactual
	for i, cf := range ex.WhatIf.Tried {
		if cf.Field == "nodes" {
			nodesCF = &ex.WhatIf.Tried[i]
		}
	}
	if nodesCF == nil || nodesCF.Makespan != 30*time.Second || nodesCF.Flips {
		t.Errorf("nodes: %+v", nodesCF)
	}
	if !strings.Contains(ex.String(), "nodes 2 -> 2+1 like w0: still Complete, after 30s instead of 1m.") {
		t.Errorf("text:\n%s", ex)
	}
}

// Indexed, backoffLimitPerIndex 1: index 2 fails at 10 s, is retried at
// 20 s (the per-index backoff of 10 s) and fails again at 30 s: its 2nd
// failure is more than 1, the index fails, and with indexes 0 and 1
// succeeded at 30 s every index is decided: FailedIndexes. With
// backoffLimitPerIndex 2, index 2's third pod comes 20 s after its 2nd
// failure (50 s) and runs 30 s: Complete at 1m20s.
func TestExplainIndexedPerIndex(t *testing.T) {
	job := explainJob("shards", jobsim.RestartNever)
	job.Spec.Parallelism, job.Spec.Completions = jobsim.Ptr(3), jobsim.Ptr(3)
	job.Spec.CompletionMode = jobsim.Indexed
	job.Spec.BackoffLimitPerIndex = jobsim.Ptr(1)
	fail := jobsim.Run{Duration: 10 * time.Second, ExitCode: 1}
	b := jobsim.Script(map[int][]jobsim.Run{2: {fail, fail}}, jobsim.Fixed(30*time.Second, 0))
	_, ex := runExplained(t, jobsim.Config{}, job, b, true)
	if ex.Reason != jobsim.JobReasonFailedIndexes || ex.Rule.Count != 1 {
		t.Fatalf("outcome %s, rule %+v", ex.Reason, ex.Rule)
	}
	var outcomes []string
	for _, ip := range ex.Indexes {
		outcomes = append(outcomes, ip.Outcome)
	}
	if diff := cmp.Diff([]string{"Succeeded", "Succeeded", "Failed"}, outcomes); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	if ex.Indexes[2].Failures != 2 {
		t.Errorf("index 2: %+v", ex.Indexes[2])
	}
	w := ex.WhatIf
	if w.Smallest < 0 {
		t.Fatalf("nothing flips: %+v", w)
	}
	if cf := w.Tried[w.Smallest]; cf.Change() != "backoffLimitPerIndex 1 -> 2" || cf.Outcome != jobsim.OutcomeComplete || cf.Makespan != 80*time.Second {
		t.Errorf("smallest = %+v", cf)
	}
}

// A success policy on index 0: index 0 succeeds at 10 s, and the Job's
// success is certain then (SuccessCriteriaMet). The other pods, deleted
// then, take 15 s to stop, so Complete is written at 25 s.
func TestExplainSuccessPolicy(t *testing.T) {
	job := explainJob("leader", jobsim.RestartNever)
	job.Spec.Parallelism, job.Spec.Completions = jobsim.Ptr(3), jobsim.Ptr(3)
	job.Spec.CompletionMode = jobsim.Indexed
	job.Spec.SuccessPolicy = &jobsim.SuccessPolicy{Rules: []jobsim.SuccessPolicyRule{{SucceededIndexes: jobsim.Ptr("0")}}}
	b := jobsim.Script(map[int][]jobsim.Run{0: {{Duration: 10 * time.Second}}}, jobsim.Always(jobsim.Run{Forever: true, Term: 15 * time.Second}))
	_, ex := runExplained(t, jobsim.Config{}, job, b, false)
	if ex.Reason != jobsim.JobReasonSuccessPolicy || ex.DecidedAt != 10*time.Second || ex.RecordedAt != 25*time.Second {
		t.Fatalf("outcome %s decided %v recorded %v", ex.Reason, ex.DecidedAt, ex.RecordedAt)
	}
	if ex.Rule.Field != "successPolicy.rules[0]" || ex.Rule.Pod != ex.Pods[0].Name {
		t.Errorf("rule = %+v", ex.Rule)
	}
	// 0-10 s all run; 10-25 s the two others terminate.
	if got, want := ex.Time, (jobsim.TimeBreakdown{Running: 10 * time.Second, Terminating: 15 * time.Second}); got != want {
		t.Errorf("time = %+v, want %+v", got, want)
	}
	if !strings.Contains(ex.String(), "The outcome was certain at 10s (SuccessCriteriaMet); it was recorded at 25s, once the 2 pods deleted then had terminated.") {
		t.Errorf("text:\n%s", ex)
	}
}

// Every 2 minutes a backup that fails half the time: a Job per
// scheduled time, each explained. The failed history limit (1) keeps
// the last failed Job only; an older failed one is known by what the
// CronJob controller saw of it.
func TestExplainCronJob(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	tmpl := explainJob("x", jobsim.RestartNever).Spec
	tmpl.BackoffLimit = jobsim.Ptr(0)
	b := jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		// backup-2 and backup-6 fail, backup-4 and backup-8 succeed.
		if strings.HasSuffix(rc.Job, "-2") || strings.HasSuffix(rc.Job, "-6") {
			return jobsim.Run{Duration: 30 * time.Second, ExitCode: 1}
		}
		return jobsim.Run{Duration: 30 * time.Second}
	})
	h, err := c.SubmitCronJob(jobsim.CronJob{Name: "backup", Spec: jobsim.CronJobSpec{
		Schedule: "*/2 * * * *", JobTemplate: jobsim.JobTemplate{Spec: tmpl},
	}}, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunUntil(start.Add(9 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	runs := jobsim.ExplainCronJob(h)
	var got []string
	for _, r := range runs {
		s := r.Job + " " + r.Scheduled.Sub(start).String() + " " + string(r.Outcome)
		if r.Explanation != nil {
			s += " " + r.Explanation.Reason
		}
		got = append(got, s)
	}
	// The Jobs of 2, 4, 6 and 8 minutes; backup-2, failed, was deleted
	// when backup-6 failed (failedJobsHistoryLimit 1).
	want := []string{
		"backup-2 2m0s Failed",
		"backup-4 4m0s Complete CompletionsReached",
		"backup-6 6m0s Failed BackoffLimitExceeded",
		"backup-8 8m0s Complete CompletionsReached",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

// The short text of a large job holds at most 15 lines, the pods
// grouped; Full prints one line per pod as well. The JSON form carries
// the same facts.
func TestExplainLengthAndJSON(t *testing.T) {
	job := explainJob("wide", jobsim.RestartNever)
	job.Spec.Completions, job.Spec.Parallelism, job.Spec.BackoffLimit = jobsim.Ptr(40), jobsim.Ptr(10), jobsim.Ptr(50)
	b := jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		if rc.Key%4 == 0 {
			return jobsim.Run{Duration: 10 * time.Second, ExitCode: 1}
		}
		return jobsim.Run{Duration: 20 * time.Second}
	})
	c := jobsim.NewCluster(jobsim.Config{})
	h, err := c.Submit(job, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	short := jobsim.Explain(h).String()
	if n := strings.Count(short, "\n"); n > 15 {
		t.Errorf("short text has %d lines:\n%s", n, short)
	}
	full := jobsim.ExplainWith(h, jobsim.ExplainOptions{Full: true})
	if n, pods := strings.Count(full.String(), "\nPod "), h.PodsCreated(); n != pods {
		t.Errorf("full text names %d pods of %d", n, pods)
	}
	data, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Outcome string
		Reason  string
		Pods    []struct{ Name, Fate string }
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Outcome != "Complete" || back.Reason != "CompletionsReached" || len(back.Pods) != h.PodsCreated() {
		t.Errorf("JSON: %s", data)
	}
}

// Pods the Job controller deletes while the job runs are not counted and
// not replaced: at 10 s a suspension deletes both running pods (they
// exit 143 at once); resumed at 1m, the job gets two new pods, which
// succeed 30 s later. The 50 s suspended count as idle.
func TestExplainSuspensionDeletes(t *testing.T) {
	job := explainJob("paused", jobsim.RestartNever)
	job.Spec.Completions, job.Spec.Parallelism = jobsim.Ptr(2), jobsim.Ptr(2)
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h, err := c.Submit(job, jobsim.Fixed(30*time.Second, 0))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(suspend bool) func() {
		return func() {
			if err := c.Update("default", "paused", func(s *jobsim.JobSpec) { s.Suspend = suspend }); err != nil {
				t.Error(err)
			}
		}
	}
	c.At(start.Add(10*time.Second), edit(true))
	c.At(start.Add(time.Minute), edit(false))
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	// The job was edited: counterfactuals need the Job as submitted.
	ex := jobsim.ExplainWith(h, jobsim.ExplainOptions{Rerun: jobsim.RerunJob(jobsim.Fixed(30*time.Second, 0))})
	want := []podFact{
		{jobsim.FateDeleted, 10 * time.Second, 143, 0, 0, 0, "suspension"},
		{jobsim.FateDeleted, 10 * time.Second, 143, 0, 0, 0, "suspension"},
		{jobsim.FateSucceeded, 90 * time.Second, 0, 0, 0, 0, ""},
		{jobsim.FateSucceeded, 90 * time.Second, 0, 0, 0, 0, ""},
	}
	if diff := cmp.Diff(want, podFacts(ex)); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
	if got, want := ex.Time, (jobsim.TimeBreakdown{Running: 40 * time.Second, Idle: 50 * time.Second}); got != want {
		t.Errorf("time = %+v, want %+v", got, want)
	}
	if !strings.Contains(ex.WhatIf.Note, "edited during the run") {
		t.Errorf("what if: %+v", ex.WhatIf)
	}
}

// The deadline of TestExplainDeadlineBeforeBackoffLimit strikes while
// the second failure's backoff holds the next pod back: no pod is
// active then, and the text says so.
func TestExplainDeadlineDuringBackoffText(t *testing.T) {
	job := explainJob("deadline", jobsim.RestartNever)
	job.Spec.ActiveDeadline = jobsim.Ptr(30 * time.Second)
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(5*time.Second, 1), false)
	want := "activeDeadlineSeconds: 30 counts from startTime (0s); at 30s the Job had been active that long, and no pod was active then"
	if ex.Rule.Text != want {
		t.Errorf("rule:\n got %s\nwant %s", ex.Rule.Text, want)
	}
}

// Pods that never exit fail only by the deadline: without it, the Job
// would never finish, which is no change of outcome. The re-run ends
// when nothing is left to happen, the Job still running.
func TestExplainDeadlineUnsetNeverFinishes(t *testing.T) {
	job := explainJob("forever", jobsim.RestartNever)
	job.Spec.ActiveDeadline = jobsim.Ptr(60 * time.Second)
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Forever(), true)
	if ex.Reason != jobsim.JobReasonDeadlineExceeded {
		t.Fatalf("outcome %s %s", ex.Outcome, ex.Reason)
	}
	if ex.WhatIf.Smallest != -1 {
		t.Errorf("a change flips: %+v", ex.WhatIf.Tried[ex.WhatIf.Smallest])
	}
	var unset *jobsim.Counterfactual
	for i, cf := range ex.WhatIf.Tried {
		if cf.Field == "activeDeadlineSeconds" && cf.To == "unset" {
			unset = &ex.WhatIf.Tried[i]
		}
	}
	if unset == nil || unset.Outcome != jobsim.OutcomeRunning || unset.Flips {
		t.Fatalf("activeDeadlineSeconds unset: %+v, want Running, no flip", unset)
	}
	want := "activeDeadlineSeconds 60 -> unset would not help: the Job then does not finish (Running when the re-run ended)."
	if !strings.Contains(ex.String(), want) {
		t.Errorf("text lacks %q:\n%s", want, ex)
	}
}

// A change that leaves a complete Job's makespan as it was says so.
func TestExplainNoQuicker(t *testing.T) {
	job := explainJob("wq", jobsim.RestartNever)
	job.Spec.Parallelism = jobsim.Ptr(2)
	job.Spec.Completions = jobsim.Ptr(4)
	_, ex := runExplained(t, jobsim.Config{}, job, jobsim.Fixed(10*time.Second, 0), true)
	want := "parallelism 2 -> 3: still Complete, after 20s instead of 20s."
	if strings.Contains(ex.String(), want) {
		t.Errorf("text has %q:\n%s", want, ex)
	}
	if want := "parallelism 2 -> 3: still Complete, no quicker (20s)."; !strings.Contains(ex.String(), want) {
		t.Errorf("text lacks %q:\n%s", want, ex)
	}
}
