package main

import (
	"strings"
	"testing"
)

// kubectlViews are the get and describe views kept as golden files: each
// names an example and an instant that shows a state students meet.
var kubectlViews = []struct {
	golden string
	args   []string
}{
	// Pods waiting for a node (Pending) beside running ones, wide.
	{"get-pods.render-capacity.15s", []string{"get", "pods", "examples/manifests/render.capacity.scenario.yaml", "--at", "15s", "-o", "wide"}},
	{"get-jobs.render-capacity.15s", []string{"get", "jobs", "examples/manifests/render.capacity.scenario.yaml", "--at", "15s", "-o", "wide"}},
	{"describe-pod.render-capacity.15s", []string{"describe", "pod", "render-zn2c4", "examples/manifests/render.capacity.scenario.yaml", "--at", "15s"}},
	{"describe-job.render-capacity", []string{"describe", "job", "render", "examples/manifests/render.capacity.scenario.yaml"}},
	// restartPolicy OnFailure: the pod restarts in place, CrashLoopBackOff.
	{"get-pods.crashloop.0s", []string{"get", "po", "examples/manifests/crashloop.scenario.yaml", "--at", "0s"}},
	{"get-pods.crashloop.30s", []string{"get", "pod", "examples/manifests/crashloop.scenario.yaml", "--at", "30s"}},
	{"describe-pod.crashloop.60s", []string{"describe", "pod", "crashloop", "examples/manifests/crashloop.scenario.yaml", "--at", "60s"}},
	// The failed Job, once its pod is gone.
	{"get-jobs.crashloop", []string{"get", "job", "examples/manifests/crashloop.scenario.yaml"}},
	{"describe-job.crashloop", []string{"describe", "job", "crashloop", "examples/manifests/crashloop.scenario.yaml"}},
	// Completed and Error pods, and a Job failed by its pod failure policy.
	{"get-pods.train-failfast", []string{"get", "pods", "examples/manifests/train.failfast.scenario.yaml"}},
	{"get-jobs.train-failfast", []string{"get", "jobs", "examples/manifests/train.failfast.scenario.yaml"}},
	{"describe-job.train-failfast", []string{"describe", "job", "train", "examples/manifests/train.failfast.scenario.yaml"}},
	// Suspended: its pods Terminating for their grace period, then gone.
	{"get-pods.parallel-suspend.41s", []string{"get", "pods", "examples/manifests/parallel.suspend.scenario.yaml", "--at", "41s"}},
	{"get-jobs.parallel-suspend.41s", []string{"get", "jobs", "examples/manifests/parallel.suspend.scenario.yaml", "--at", "41s"}},
	{"describe-pod.parallel-suspend.41s", []string{"describe", "pod", "parallel-swd8b", "examples/manifests/parallel.suspend.scenario.yaml", "--at", "41s"}},
	{"describe-job.parallel-suspend.1m", []string{"describe", "job", "parallel", "examples/manifests/parallel.suspend.scenario.yaml", "--at", "1m"}},
	// A plain manifest that completes.
	{"get-pods.pi-job", []string{"get", "pods", "examples/manifests/pi-job.yaml", "-o", "wide"}},
	{"get-jobs.pi-job", []string{"get", "jobs", "examples/manifests/pi-job.yaml"}},
	{"describe-job.pi-job", []string{"describe", "job", "pi-job", "examples/manifests/pi-job.yaml"}},
	// An Indexed job: Completed Indexes, and the index in each pod.
	{"describe-job.indexed.20s", []string{"describe", "jobs", "examples/manifests/indexed.scenario.yaml", "--at", "20s"}},
	// A failed node: its pods not ready, then deleted by the taint manager.
	{"get-pods.frames-node-failure.2m", []string{"get", "pods", "examples/manifests/frames.node-failure.scenario.yaml", "--at", "2m", "-o", "wide"}},
	{"get-pods.frames-node-failure.7m", []string{"get", "pods", "examples/manifests/frames.node-failure.scenario.yaml", "--at", "7m", "-o", "wide"}},
	// Both pods of index 2, by prefix: the evicted one and its replacement.
	{"describe-pod.frames-node-failure.7m", []string{"describe", "pod", "frames-5-jfhr4", "examples/manifests/frames.node-failure.scenario.yaml", "--at", "7m"}},
	// Preemption: the preempted pods' events. On 1.35 the failed pod is
	// still there at 1m: the status write that would count its failure is
	// refused during the pod-failure backoff, so its finalizer stays a
	// moment longer. From 1.36 the failure is counted at once and the pod
	// is gone by the end of that instant.
	{"describe-pod.preemption.1m", []string{"describe", "pod", "nightly-jglf2", "examples/manifests/preemption.scenario.yaml", "--at", "1m", "--kubernetes-version", "1.35"}},
	{"get-pods.preemption.1m30s", []string{"get", "pods", "-A", "examples/manifests/preemption.scenario.yaml", "--at", "1m30s", "-o", "wide"}},
}

// TestKubectlGolden prints each view and compares it with
// testdata/kubectl.*.golden.
func TestKubectlGolden(t *testing.T) {
	t.Chdir("../..")
	for _, v := range kubectlViews {
		t.Run(v.golden, func(t *testing.T) {
			r := runCmd(t, "", v.args...)
			if r.code != exitOK {
				t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
			golden(t, "kubectl."+v.golden+".golden", r.stdout)
		})
	}
}

// TestKubectlDeterminism prints every view twice in one process and
// requires the same bytes.
func TestKubectlDeterminism(t *testing.T) {
	t.Chdir("../..")
	for _, v := range kubectlViews {
		a, b := runCmd(t, "", v.args...), runCmd(t, "", v.args...)
		if a.stdout != b.stdout {
			t.Errorf("%s: the second run printed something else", v.golden)
		}
	}
}

func TestKubectlExitStatus(t *testing.T) {
	t.Chdir("../..")
	crash := "examples/manifests/crashloop.scenario.yaml"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a part of it
		stderr string // a part of it
	}{
		{"get no resource", []string{"get"}, exitUsage, "", "no RESOURCE given"},
		{"get no file", []string{"get", "pods"}, exitUsage, "", "no FILE given"},
		{"get unknown resource", []string{"get", "deployments", crash}, exitUsage, "", `the server doesn't have a resource type "deployments"`},
		{"get bad at", []string{"get", "pods", crash, "--at", "soon"}, exitUsage, "", `invalid value "soon" for flag -at`},
		{"get negative at", []string{"get", "pods", crash, "--at", "-5s"}, exitUsage, "", "invalid value"},
		{"get bad output", []string{"get", "pods", crash, "-o", "yaml"}, exitUsage, "", `invalid value "yaml" for flag -o`},
		{"get missing file", []string{"get", "pods", "nope.yaml"}, exitInvalid, "", "nope.yaml: cannot read the file"},
		{"get pod not found", []string{"get", "pods", "nope", crash, "--at", "10s"}, exitInvalid, "", `Error from server (NotFound): pods "nope" not found`},
		{"get job not found", []string{"get", "jobs", "nope", crash}, exitInvalid, "", `Error from server (NotFound): jobs.batch "nope" not found`},
		{"get found and not found", []string{"get", "jobs", "crashloop", "nope", crash}, exitInvalid, "crashloop   Failed", `jobs.batch "nope" not found`},
		{"get none", []string{"get", "pods", crash}, exitOK, "", "No resources found in default namespace.\n"},
		{"get none all namespaces", []string{"get", "pods", "-A", crash}, exitOK, "", "No resources found\n"},
		{"get other namespace", []string{"get", "jobs", "-n", "kube-system", crash}, exitOK, "", "No resources found in kube-system namespace.\n"},
		{"get help", []string{"get", "-h"}, exitOK, "--at DURATION", ""},
		{"help get", []string{"help", "get"}, exitOK, "Usage: jobsim get", ""},
		{"describe no name or file", []string{"describe", "job"}, exitUsage, "", "no FILE given"},
		{"describe unknown resource", []string{"describe", "deployment", "x", crash}, exitUsage, "", `the server doesn't have a resource type "deployment"`},
		// get lists CronJobs; describe has no CronJob view, and says where to look.
		{"describe cronjob", []string{"describe", "cronjob", "x", crash}, exitUsage, "", "jobsim describes pods and jobs; for a CronJob, jobsim get cronjobs"},
		{"get cronjobs none", []string{"get", "cronjobs", crash}, exitOK, "", "No resources found in default namespace."},
		{"get cronjob not found", []string{"get", "cj", "nope", crash}, exitInvalid, "", `Error from server (NotFound): cronjobs.batch "nope" not found`},
		{"describe wide", []string{"describe", "job", "crashloop", crash, "-o", "wide"}, exitUsage, "", "flag provided but not defined: -o"},
		{"describe job not found", []string{"describe", "job", "nope", crash}, exitInvalid, "", `Error from server (NotFound): jobs.batch "nope" not found`},
		{"describe pod not found", []string{"describe", "pod", "crashloop", crash}, exitInvalid, "", `Error from server (NotFound): pods "crashloop" not found`},
		{"describe by prefix", []string{"describe", "pod", "crash", crash, "--at", "5s"}, exitOK, "Name:           crashloop-clt59\n", ""},
		{"help describe", []string{"help", "describe"}, exitOK, "Usage: jobsim describe", ""},
		{"help lists get", []string{"help"}, exitOK, "jobsim get RESOURCE FILE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, "", tt.args...)
			if r.code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

// TestGetAtIncludesEventsAtThatInstant checks that --at T shows the
// state after the events at T: the crashloop pod's first run ends at
// 5s and it restarts at once.
func TestGetAtIncludesEventsAtThatInstant(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/crashloop.scenario.yaml"
	before := runCmd(t, "", "get", "pods", file, "--at", "4s")
	at := runCmd(t, "", "get", "pods", file, "--at", "5s")
	if !strings.Contains(before.stdout, "Running   0          4s") {
		t.Errorf("at 4s:\n%s", before.stdout)
	}
	if !strings.Contains(at.stdout, "Running   1 (0s ago)   5s") {
		t.Errorf("at 5s:\n%s", at.stdout)
	}
}

// TestGetDefaultIsTheEndOfTheRun checks that without --at the view is
// where jobsim run ends: the same as --at the end's time.
func TestGetDefaultIsTheEndOfTheRun(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/train.failfast.scenario.yaml"
	end := runCmd(t, "", "get", "pods", file)
	at := runCmd(t, "", "get", "pods", file, "--at", "1m15s")
	if end.stdout == "" || end.stdout != at.stdout {
		t.Errorf("default:\n%s\n--at 1m15s:\n%s", end.stdout, at.stdout)
	}
}

// TestGetAtAfterTheEnd checks that ages go on growing past the run's end
// while nothing else changes.
func TestGetAtAfterTheEnd(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "get", "jobs", "examples/manifests/pi-job.yaml", "--at", "2h")
	want := "NAME     STATUS     COMPLETIONS   DURATION   AGE\npi-job   Complete   1/1           10s        120m\n"
	if r.stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", r.stdout, want)
	}
}
