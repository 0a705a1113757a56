package main

// The expected values are reasoned from the rules of printPod and printJob
// (Kubernetes pkg/printers/internalversion/printers.go) and of
// duration.HumanDuration, one rule a test.

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func mt(d time.Duration) metav1.Time { return metav1.NewTime(t0.Add(d)) }

// pod returns a pod of the named containers, created at t0.
func pod(containers ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", CreationTimestamp: mt(0)}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	p.Status.Phase = corev1.PodRunning
	return p
}

func running(name string, ready bool) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, Ready: ready, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: mt(0)}}}
}

func waiting(name, reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}
}

func terminated(name, reason string, code int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code}}}
}

type summary struct{ Ready, Status, Restarts string }

func summarise(p *corev1.Pod, now time.Time) summary {
	r, s, n := podSummary(p, now)
	return summary{r, s, n}
}

func TestPodSummary(t *testing.T) {
	now := t0.Add(time.Minute)
	ready := corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionTrue}
	tests := []struct {
		rule string
		pod  func() *corev1.Pod
		want summary
	}{
		{"without container statuses the status is the phase", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodPending
			return p
		}, summary{"0/1", "Pending", "0"}},
		{"status.reason replaces the phase", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase, p.Status.Reason = corev1.PodFailed, "Evicted"
			return p
		}, summary{"0/1", "Evicted", "0"}},
		{"a SchedulingGated PodScheduled condition names the status", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "SchedulingGated"}}
			return p
		}, summary{"0/1", "SchedulingGated", "0"}},
		{"a waiting container's reason is the status", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodPending
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "ContainerCreating")}
			return p
		}, summary{"0/1", "ContainerCreating", "0"}},
		{"a ready running container counts as ready and keeps the phase", func() *corev1.Pod {
			p := pod("a")
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true)}
			return p
		}, summary{"1/1", "Running", "0"}},
		{"a running container not ready is not counted", func() *corev1.Pod {
			p := pod("a")
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", false)}
			return p
		}, summary{"0/1", "Running", "0"}},
		{"restarts show the age of the last termination", func() *corev1.Pod {
			p := pod("a")
			cs := waiting("a", "CrashLoopBackOff")
			cs.RestartCount = 3
			cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: mt(50 * time.Second)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
			return p
		}, summary{"0/1", "CrashLoopBackOff", "3 (10s ago)"}},
		{"restarts without a last termination have no age", func() *corev1.Pod {
			p := pod("a")
			cs := running("a", true)
			cs.RestartCount = 2
			p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
			return p
		}, summary{"1/1", "Running", "2"}},
		{"restarts add up over containers, the newest termination giving the age", func() *corev1.Pod {
			p := pod("a", "b")
			a, b := running("a", true), running("b", true)
			a.RestartCount, b.RestartCount = 1, 2
			a.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{FinishedAt: mt(30 * time.Second)}
			b.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{FinishedAt: mt(20 * time.Second)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{a, b}
			return p
		}, summary{"2/2", "Running", "3 (30s ago)"}},
		{"a terminated container's reason is the status", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodSucceeded
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0)}
			return p
		}, summary{"0/1", "Completed", "0"}},
		{"a terminated container without reason shows its exit code", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "", 2)}
			return p
		}, summary{"0/1", "ExitCode:2", "0"}},
		{"a terminated container without reason shows its signal before its exit code", func() *corev1.Pod {
			p := pod("a")
			cs := terminated("a", "", 137)
			cs.State.Terminated.Signal = 9
			p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
			return p
		}, summary{"0/1", "Signal:9", "0"}},
		{"the first container's state wins over the later ones'", func() *corev1.Pod {
			p := pod("a", "b")
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "ImagePullBackOff"), terminated("b", "Error", 1)}
			return p
		}, summary{"0/2", "ImagePullBackOff", "0"}},
		{"Completed with a ready running container in a Ready pod is Running", func() *corev1.Pod {
			p := pod("a", "b")
			p.Status.Conditions = []corev1.PodCondition{ready}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0), running("b", true)}
			return p
		}, summary{"1/2", "Running", "0"}},
		{"Completed with a ready running container in a pod not Ready is NotReady", func() *corev1.Pod {
			p := pod("a", "b")
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0), running("b", true)}
			return p
		}, summary{"1/2", "NotReady", "0"}},
		{"Completed beside a failed container shows the failure", func() *corev1.Pod {
			p := pod("a", "b")
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0), terminated("b", "Error", 1)}
			return p
		}, summary{"0/2", "Error", "0"}},
		{"a pod being deleted before it finished is Terminating", func() *corev1.Pod {
			p := pod("a")
			p.DeletionTimestamp = &metav1.Time{Time: now.Add(30 * time.Second)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true)}
			return p
		}, summary{"1/1", "Terminating", "0"}},
		{"a finished pod being deleted keeps its status", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodSucceeded
			p.DeletionTimestamp = &metav1.Time{Time: now}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("a", "Completed", 0)}
			return p
		}, summary{"0/1", "Completed", "0"}},
		{"a pod of a lost node being deleted is Unknown", func() *corev1.Pod {
			p := pod("a")
			p.Status.Reason = "NodeLost"
			p.DeletionTimestamp = &metav1.Time{Time: now}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true)}
			return p
		}, summary{"1/1", "Unknown", "0"}},
		{"an init container not done shows Init:I/N", func() *corev1.Pod {
			p := pod("a")
			p.Status.Phase = corev1.PodPending
			p.Spec.InitContainers = []corev1.Container{{Name: "i0"}, {Name: "i1"}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "Completed", 0), running("i1", false)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{waiting("a", "PodInitializing")}
			return p
		}, summary{"0/1", "Init:1/2", "0"}},
		{"a waiting init container shows Init:REASON", func() *corev1.Pod {
			p := pod("a")
			p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
			cs := waiting("i0", "CrashLoopBackOff")
			cs.RestartCount = 2
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{cs}
			return p
		}, summary{"0/1", "Init:CrashLoopBackOff", "2"}},
		{"a failed init container shows Init:REASON or Init:ExitCode:N", func() *corev1.Pod {
			p := pod("a")
			p.Spec.InitContainers = []corev1.Container{{Name: "i0"}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i0", "", 3)}
			return p
		}, summary{"0/1", "Init:ExitCode:3", "0"}},
		{"a started sidecar counts among the containers and the ready ones", func() *corev1.Pod {
			p := pod("a")
			always := corev1.ContainerRestartPolicyAlways
			p.Spec.InitContainers = []corev1.Container{{Name: "proxy", RestartPolicy: &always}}
			side := running("proxy", true)
			side.Started = &[]bool{true}[0]
			side.RestartCount = 1
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{side}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("a", true)}
			return p
		}, summary{"2/2", "Running", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summarise(tt.pod(), now)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodRowWideShowsNoneForEmptyCells(t *testing.T) {
	p := pod("a")
	p.Spec.NodeName = "node-0"
	p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "x/a"}, {ConditionType: "x/b"}}
	p.Status.Conditions = []corev1.PodCondition{{Type: "x/a", Status: corev1.ConditionTrue}, {Type: "x/b", Status: corev1.ConditionFalse}}
	got := kubePodRow(p, t0.Add(90*time.Second), true)
	want := []string{"p", "0/1", "Running", "0", "90s", "<none>", "node-0", "<none>", "1/2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestAgeIsHumanDuration checks ages against HumanDuration's steps:
// seconds up to 2 minutes, then minutes and seconds up to 10 minutes,
// minutes up to 3 hours, hours and minutes up to 8 hours, hours up to 2
// days, days and hours up to 8 days, then days.
func TestAgeIsHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                    "0s",
		-3 * time.Second:                "<invalid>",
		0:                               "0s",
		1500 * time.Millisecond:         "1s",
		119 * time.Second:               "119s",
		2 * time.Minute:                 "2m",
		2*time.Minute + 30*time.Second:  "2m30s",
		10*time.Minute + 59*time.Second: "10m",
		179 * time.Minute:               "179m",
		3 * time.Hour:                   "3h",
		3*time.Hour + 5*time.Minute:     "3h5m",
		8*time.Hour + 30*time.Minute:    "8h",
		50 * time.Hour:                  "2d2h",
		48 * time.Hour:                  "2d",
		9 * 24 * time.Hour:              "9d",
	} {
		if got := kubeAge(t0, t0.Add(d)); got != want {
			t.Errorf("age after %v = %q, want %q", d, got, want)
		}
	}
}

func TestAgeOfNoTimestampIsUnknown(t *testing.T) {
	if got := kubeAge(time.Time{}, t0); got != "<unknown>" {
		t.Errorf("got %q", got)
	}
}

func job() *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "j", CreationTimestamp: mt(0)}}
}

func cond(t batchv1.JobConditionType, s corev1.ConditionStatus) batchv1.JobCondition {
	return batchv1.JobCondition{Type: t, Status: s}
}

func TestJobStatusPrecedence(t *testing.T) {
	tests := []struct {
		rule     string
		conds    []batchv1.JobCondition
		deleting bool
		want     string
	}{
		{"no condition is Running", nil, false, "Running"},
		{"a False condition does not count", []batchv1.JobCondition{cond(batchv1.JobSuspended, corev1.ConditionFalse)}, false, "Running"},
		{"Complete comes first", []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue), cond(batchv1.JobComplete, corev1.ConditionTrue)}, true, "Complete"},
		{"Failed comes before Terminating", []batchv1.JobCondition{cond(batchv1.JobFailureTarget, corev1.ConditionTrue), cond(batchv1.JobFailed, corev1.ConditionTrue)}, true, "Failed"},
		{"a job being deleted is Terminating before Suspended", []batchv1.JobCondition{cond(batchv1.JobSuspended, corev1.ConditionTrue)}, true, "Terminating"},
		{"Suspended", []batchv1.JobCondition{cond(batchv1.JobSuspended, corev1.ConditionTrue)}, false, "Suspended"},
		{"FailureTarget before the Failed condition", []batchv1.JobCondition{cond(batchv1.JobFailureTarget, corev1.ConditionTrue)}, false, "FailureTarget"},
		{"SuccessCriteriaMet before the Complete condition", []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue)}, false, "SuccessCriteriaMet"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			j := job()
			j.Status.Conditions = tt.conds
			if tt.deleting {
				j.DeletionTimestamp = &metav1.Time{Time: t0}
			}
			if got := kubeJobStatus(j); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJobCompletions(t *testing.T) {
	i32 := func(n int32) *int32 { return &n }
	tests := []struct {
		rule                     string
		completions, parallelism *int32
		want                     string
	}{
		{"succeeded over completions", i32(6), i32(2), "2/6"},
		{"without completions, succeeded over 1", nil, i32(1), "2/1"},
		{"without completions and with parallelism over 1, of P", nil, i32(3), "2/1 of 3"},
		{"without completions nor parallelism, over 1", nil, nil, "2/1"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			j := job()
			j.Spec.Completions, j.Spec.Parallelism = tt.completions, tt.parallelism
			j.Status.Succeeded = 2
			if got := kubeJobCompletions(j); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJobDuration(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	start, end := mt(time.Minute), mt(3*time.Minute+30*time.Second)
	tests := []struct {
		rule       string
		start, end *metav1.Time
		want       string
	}{
		{"empty before the job starts", nil, nil, ""},
		{"from the start to now while it has no completion time", &start, nil, "9m"},
		{"from the start to the completion time", &start, &end, "2m30s"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			j := job()
			j.Status.StartTime, j.Status.CompletionTime = tt.start, tt.end
			if got := kubeJobDuration(j, now); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTableLayout checks the tabwriter settings of kubectl's human
// printer: a column is as wide as its widest cell plus 3 spaces, at
// least 6; the last column is not padded; a cell is cut at its first
// line break, with "...".
func TestTableLayout(t *testing.T) {
	var b bytes.Buffer
	printKubeTable(&b, []string{"A", "LONGER", "LAST"}, [][]string{{"x", "y", "z"}, {"xy", "two\nlines", "\x1b[1m"}})
	want := "A     LONGER   LAST\n" +
		"x     y        z\n" +
		"xy    two...   ^[[1m\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestGetCronJobs: kubectl's CronJob table (printCronJob) for
// nightly-report.cronjob.yaml, daily at 02:00 with Jobs of 26 h, Forbid
// and a deadline of an hour. At 27h the 02:00 Job runs (ACTIVE 1) and
// 26h (02:00 the next day) is held back: the last schedule is still 2h,
// 25 h ago. At 30h it has ended (28h0.1s) and 26h was never started
// (the deadline passed at 27h): ACTIVE 0, LAST SCHEDULE 28h. No
// timeZone is <none>; suspend, defaulted to false, is False. -o wide adds
// the template's container, image and selector (none: <none>).
func TestGetCronJobs(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/nightly-report.cronjob.yaml"
	for _, tt := range []struct {
		args []string
		want [][]string
	}{
		{[]string{"--at", "27h"}, [][]string{
			{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"},
			{"nightly-report", "0 2 * * *", "<none>", "False", "1", "25h", "27h"},
		}},
		{[]string{"--at", "30h"}, [][]string{
			{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"},
			{"nightly-report", "0 2 * * *", "<none>", "False", "0", "28h", "30h"},
		}},
		{[]string{"--at", "1h", "-o", "wide"}, [][]string{
			{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"},
			{"nightly-report", "0 2 * * *", "<none>", "False", "0", "<none>", "60m", "report", "registry.example.com/nightly-report:5.1", "<none>"},
		}},
	} {
		r := runCmd(t, "", append([]string{"get", "cronjobs", file}, tt.args...)...)
		if r.code != exitOK {
			t.Fatalf("%v: exit status %d, stderr:\n%s", tt.args, r.code, r.stderr)
		}
		var got [][]string
		for _, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
			got = append(got, splitColumns(line))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.args, diff)
		}
	}
}

// splitColumns splits a row of kubectl's table at runs of 3 or more
// spaces, its column gap (cells hold single spaces: "0 2 * * *").
func splitColumns(line string) []string {
	var out []string
	for _, cell := range strings.Split(line, "   ") {
		if cell = strings.TrimSpace(cell); cell != "" {
			out = append(out, cell)
		}
	}
	return out
}
