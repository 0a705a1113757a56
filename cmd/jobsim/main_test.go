package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// memFile is a file written through env.create.
type memFile struct {
	bytes.Buffer
	closed bool
}

func (f *memFile) Close() error { f.closed = true; return nil }

// result is what one command run did.
type result struct {
	code           int
	stdout, stderr string
	files          map[string]*memFile
}

// runCmd runs the command with args in the repository root, reading
// real files and writing files to memory.
func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runWithFiles(t, stdin, nil, args...)
}

// runWithFiles is runCmd with files in memory beside the real ones: the
// command reads files[name] where it is given, the real file otherwise.
func runWithFiles(t *testing.T, stdin string, files map[string][]byte, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	created := map[string]*memFile{}
	code := Main(args, env{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		clock:  clock.NewMock(),
		readFile: func(name string) ([]byte, error) {
			if data, ok := files[name]; ok {
				return data, nil
			}
			return os.ReadFile(name)
		},
		create: func(name string) (io.WriteCloser, error) {
			f := &memFile{}
			created[name] = f
			return f, nil
		},
	})
	return result{code, stdout.String(), stderr.String(), created}
}

// examples lists the inputs whose outputs are kept as golden files:
// every example scenario, and the plain manifest the README runs.
func examples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("examples/manifests/*.scenario.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example scenarios (%v)", err)
	}
	return append([]string{"examples/manifests/pi-job.yaml"}, files...)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("cmd", "jobsim", "testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/jobsim -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/jobsim -update to accept it)\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %q\n got: %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

// TestGolden runs every example in every output format and compares the
// output with testdata/*.golden.
func TestGolden(t *testing.T) {
	t.Chdir("../..")
	for _, file := range examples(t) {
		base := strings.TrimSuffix(filepath.Base(file), ".yaml")
		for _, format := range []string{"text", "json", "yaml", "events", "svg", "trace", "html"} {
			t.Run(base+"/"+format, func(t *testing.T) {
				r := runCmd(t, "", "run", "-o", format, file)
				if r.code != exitOK {
					t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
				}
				if r.stderr != "" {
					t.Errorf("stderr: %s", r.stderr)
				}
				golden(t, base+"."+format+".golden", r.stdout)
			})
		}
	}
}

// TestCronJobManifestGolden runs a plain CronJob manifest, which needs
// --until, as the README shows it.
func TestCronJobManifestGolden(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "--until", "168h", "examples/manifests/nightly-report.cronjob.yaml")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit status %d, stderr:\n%s", r.code, r.stderr)
	}
	golden(t, "nightly-report.cronjob.until-168h.text.golden", r.stdout)
}

// TestDeterminism runs each example twice, in one process, with every
// output at once, and requires the same bytes.
func TestDeterminism(t *testing.T) {
	t.Chdir("../..")
	for _, file := range examples(t) {
		var first result
		for i := range 2 {
			r := runCmd(t, "", "run", "--events", "events.jsonl", file)
			if r.code != exitOK {
				t.Fatalf("%s: exit status %d: %s", file, r.code, r.stderr)
			}
			if i == 0 {
				first = r
				continue
			}
			if r.stdout != first.stdout || r.files["events.jsonl"].String() != first.files["events.jsonl"].String() {
				t.Errorf("%s: the second run printed something else", file)
			}
		}
	}
}

// TestEventsFile checks that --events FILE gets what -o events prints.
func TestEventsFile(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/crashloop.scenario.yaml"
	events := runCmd(t, "", "run", "-o", "events", file)
	r := runCmd(t, "", "run", "--events", "out.jsonl", "-o", "json", file)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	f := r.files["out.jsonl"]
	if f == nil || !f.closed {
		t.Fatalf("events file not written and closed: %v", r.files)
	}
	if f.String() != events.stdout {
		t.Errorf("--events FILE differs from -o events:\n%s", firstDiff(events.stdout, f.String()))
	}
	if !strings.HasPrefix(events.stdout, `{"time":"1970-01-01T00:00:00Z","object":"job/crashloop","reason":"SuccessfulCreate","message":"Created pod: crashloop-`) {
		t.Errorf("unexpected first event line: %.200s", events.stdout)
	}
}

func TestExitStatus(t *testing.T) {
	t.Chdir("../..")
	pi := "examples/manifests/pi-job.yaml"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string // a part of it
		stderr string // a part of it
	}{
		{"no command", nil, "", exitUsage, "", "Usage:"},
		{"unknown command", []string{"simulate", pi}, "", exitUsage, "", `unknown command "simulate"`},
		{"unknown flag", []string{"run", "--colour", pi}, "", exitUsage, "", "flag provided but not defined: -colour"},
		{"no file", []string{"run", "-o", "json"}, "", exitUsage, "", "no FILE given"},
		{"bad output", []string{"run", "-o", "xml", pi}, "", exitUsage, "", `invalid value "xml" for flag -o`},
		{"bad until", []string{"run", "--until", "soon", pi}, "", exitUsage, "", "invalid value"},
		{"bad seed", []string{"run", "--seed", "-1", pi}, "", exitUsage, "", "invalid value"},
		{"bad speed", []string{"run", "--speed", "-2", pi}, "", exitUsage, "", "--speed"},
		{"validate no file", []string{"validate"}, "", exitUsage, "", "no FILE given"},
		{"help", []string{"help"}, "", exitOK, "jobsim run [flags] FILE...", ""},
		{"help run", []string{"help", "run"}, "", exitOK, "--sync-delay", ""},
		{"run -h", []string{"run", "-h"}, "", exitOK, "--set-release", ""},
		{"help unknown", []string{"help", "fly"}, "", exitUsage, "", "unknown command"},
		{"version", []string{"version"}, "", exitOK, "simulates Kubernetes 1.37, from the sources of v1.37.2 (the default)", ""},
		{"missing file", []string{"run", "nope.yaml"}, "", exitInvalid, "", "nope.yaml: cannot read the file"},
		{"invalid", []string{"run", "-"}, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  parallelism: -1\n", exitInvalid, "",
			"<stdin>:5: spec.parallelism: Invalid value: -1: must be greater than or equal to 0"},
		{"invalid stops all", []string{"run", pi, "-"}, "kind: Job\n", exitInvalid, "", "<stdin>:1: apiVersion: Required value"},
		{"validate", []string{"validate", pi, "examples/manifests/crashloop.scenario.yaml"}, "", exitOK,
			"examples/manifests/pi-job.yaml: valid manifest (1 job)\nexamples/manifests/crashloop.scenario.yaml: valid scenario (1 job)\n", ""},
		{"validate helm", []string{"validate", "examples/manifests/helm/todo-db-test-job.yaml"}, "", exitInvalid, "", "--set-release NAME"},
		{"validate helm release", []string{"validate", "--set-release", "todo", "examples/manifests/helm/todo-db-test-job.yaml"}, "", exitOK, "valid manifest", ""},
		{"notice", []string{"run", "-o", "json", "-"}, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\n" + piJob, exitOK, `"kind": "List"`,
			"<stdin>:1: skipped Secret s (v1): jobsim simulates batch/v1 Jobs and CronJobs only"},
		{"lower-case kind", []string{"run", "-"}, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\n" + strings.Replace(piJob, "kind: Job", "kind: job", 1), exitInvalid, "",
			"<stdin>:6: kind: no matches for kind \"job\" in version \"batch/v1\" (did you mean kind: Job?)\n"},
		{"old Job apiVersion", []string{"validate", "-"}, strings.Replace(piJob, "batch/v1", "batch/v1beta1", 1), exitInvalid, "",
			"<stdin>:1: apiVersion: no matches for kind \"Job\" in version \"batch/v1beta1\" (did you mean apiVersion: batch/v1?)\n"},
		{"no Job", []string{"run", "-"}, "---\n# Source: web/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n", exitInvalid, "",
			"<stdin>:3: found Deployment web (apps/v1), not a Job: jobsim simulates batch/v1 Jobs and CronJobs only\n"},
		// A CronJob never finishes: it runs only until a given time.
		{"CronJob", []string{"run", "-"}, cronJob, exitInvalid, "",
			"<stdin>: until: Required value: a CronJob never finishes: give the time to run until (jobsim run --until 24h, or get and describe --at)\n"},
		{"CronJob validate", []string{"validate", "-"}, cronJob, exitOK, "valid manifest", ""},
		{"CronJob among Jobs", []string{"run", "-o", "json", "--until", "1h", "-"}, cronJob + "---\n" + piJob, exitOK, `"kind": "List"`, ""},
		{"nodes", []string{"run", "--width", "200", "-"}, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes: [{name: pool}]\njobs:\n- job:\n" + indent(piJob, "    "), exitOK,
			"Successfully assigned default/pi-job-m87v2 to pool-0", ""},
		{"nodes validate", []string{"validate", "-"}, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes: [{name: pool}]\njobs:\n- job:\n" + indent(piJob, "    "), exitOK, "valid scenario", ""},
		{"request not whole", []string{"validate", "-"}, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: a\n        image: b\n        resources: {requests: {memory: 512m}}\n", exitInvalid, "",
			"<stdin>:11: spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"512m\": jobsim counts memory in whole bytes (\"m\" is a thousandth: did you mean 512Mi?)"},
		{"fault on unknown node", []string{"run", "-"}, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes: [{name: pool, count: 2}]\nfaults: [{at: 1m, node: pool-2, action: fail}]\njobs:\n- job:\n" + indent(piJob, "    "), exitInvalid, "",
			"<stdin>:4: faults[0].node: Invalid value: \"pool-2\": no such node (nodes are pool-0 to pool-1)"},
		{"flags after files", []string{"run", pi, "-o", "events", "--seed", "3"}, "", exitOK, `"reason":"Completed"`, ""},
		{"two files", []string{"run", "-o", "yaml", pi, pi}, "", exitOK, "\n---\napiVersion: v1\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, r.stderr)
			}
			if tt.code == exitInvalid && r.stdout != "" {
				t.Errorf("invalid input printed output:\n%s", r.stdout)
			}
		})
	}
}

// TestNotAManifest names a binary and a password file in a scenario:
// each is one line of stderr, at the scenario's file: entry, quoting at
// most 40 characters of the file.
func TestNotAManifest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("app", "\x7fELF\x02\x01\x01\x00"+strings.Repeat("\x00\xff", 2000))
	write("passwd", "root:x:0:0:root:/root:/bin/bash\n"+strings.Repeat("daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", 100))
	s := write("s.yaml", "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n- file: app\n- file: passwd\n")
	r := runCmd(t, "", "validate", s)
	if r.code != exitInvalid {
		t.Errorf("exit status %d, want %d", r.code, exitInvalid)
	}
	want := s + `:4: jobs[0].file: Invalid value: "app": line 1: binary data (a NUL byte), not YAML or JSON: "\x7fELF\x02\x01\x01\x00` + strings.Repeat(`\x00\xff`, 16) + `"...` + "\n" +
		s + `:5: jobs[1].file: Invalid value: "passwd": line 1: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "root:x:0:0:root:/root:/bin/bash"` + "\n"
	if diff := cmp.Diff(want, r.stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: pi, image: kiamol/ch05-pi}]
          restartPolicy: Never
`

const piJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi-job
spec:
  template:
    spec:
      containers:
        - name: pi
          image: kiamol/ch05-pi
      restartPolicy: Never
`

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = by + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestUntil checks that --until stops the clock and the summary says so.
func TestUntil(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "--until", "30s", "examples/manifests/parallel.scenario.yaml")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Stopped at 30s (until)", "still running when the simulation stopped", "Running"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "    35s") || strings.HasPrefix(l, "    45s") {
			t.Errorf("an event after --until 30s was printed: %s", l)
		}
	}
}

// TestNodesUntil stops a scenario with nodes while pods are pending: the
// text shows them pending on the chart and the nodes as they are then;
// -o yaml shows the pending pods' Unschedulable condition and the nodes.
func TestNodesUntil(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/render.capacity.scenario.yaml"
	r := runCmd(t, "", "run", "--until", "45s", file)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Stopped at 45s (until)",
		// 4 pods bound at 0s, 4 at 30s when the first wave ends, 2 still
		// waiting at 45s: (4×0s + 4×30s + 2×45s) / 10 = 21s.
		"  scheduling: 8 pods bound, 2 still pending; pending 21s on average, 45s at most\n",
		"node/worker-0: Ready\n  capacity:   cpu 2, memory 8Gi, pods 110\n  requested:  cpu 2, memory 2Gi, pods 2 at the end, by",
		"  use:        cpu 100%, memory 25%, pods 1.8%\n",
		"cluster: cpu 100%, memory 25%, pods 1.8%\n",
		// The two pods that never got room: the scheduler's reason (two
		// nodes of 2 CPUs, each full) on their rows.
		"---------------   Pending: 2 Insufficient cpu\n",
		"- pending: waiting for a node",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCmd(t, "", "run", "-o", "yaml", "--until", "45s", file)
	for _, want := range []string{
		"message: '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes\n        are available: 2 No preemption victims found for incoming pod.'\n      reason: Unschedulable\n      status: \"False\"\n      type: PodScheduled\n    phase: Pending\n",
		"jobsim.dev/pods-bound: \"8\"\n",
		"  kind: Node\n  metadata:\n    creationTimestamp: \"1970-01-01T00:00:00Z\"\n    labels:\n      kubernetes.io/arch: amd64\n      kubernetes.io/hostname: worker-1\n      kubernetes.io/os: linux\n    name: worker-1\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("-o yaml lacks %q", want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// recordingClock is a clock.Mock that records how long each Sleep asks
// for.
type recordingClock struct {
	*clock.Mock
	mu     sync.Mutex
	sleeps []time.Duration
}

func (c *recordingClock) Sleep(d time.Duration) {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	c.Mock.Sleep(d)
}

// TestSpeed plays the crashloop example back at --speed 10 on a mock
// clock: each pause is the virtual time since the previous line divided
// by 10, the lines of an instant come out together, and the output is
// the same as without --speed.
func TestSpeed(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/crashloop.scenario.yaml"
	plain := runCmd(t, "", "run", file)

	mock := clock.NewMock()
	clk := &recordingClock{Mock: mock}
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- Main([]string{"run", "--speed", "10", file}, env{
			stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, clock: clk,
			readFile: os.ReadFile,
		})
	}()
	// Nothing is printed past 0s until the mock clock moves.
	var code int
	for running := true; running; {
		select {
		case code = <-done:
			running = false
		default:
			mock.Add(100 * time.Millisecond)
		}
	}
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	if out.String() != plain.stdout {
		t.Errorf("paced output differs from the plain one:\n%s", firstDiff(plain.stdout, out.String()))
	}
	// The crashloop's events are at 0s, 5s, 10s, 20s, 25s, 45s, 50s and
	// 1m30s: the pauses are the gaps divided by 10.
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, time.Second, 500 * time.Millisecond,
		2 * time.Second, 500 * time.Millisecond, 4 * time.Second}
	clk.mu.Lock()
	defer clk.mu.Unlock()
	if fmt.Sprint(clk.sleeps) != fmt.Sprint(want) {
		t.Errorf("sleeps %v, want %v", clk.sleeps, want)
	}
}

// TestUntilWithPodsThatNeverExit is the scenario contract's until ("stop
// the clock here even if jobs still run") with nothing due: the clock,
// the chart and the running times go on to 2h.
func TestUntilWithPodsThatNeverExit(t *testing.T) {
	t.Chdir("../..")
	manifest, err := filepath.Abs("examples/manifests/parallel.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scenario := filepath.Join(t.TempDir(), "forever.scenario.yaml")
	text := "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n  - file: " + manifest + "\n    pods: {default: {forever: true}}\n"
	if err := os.WriteFile(scenario, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "run", "--width", "80", "--until", "2h", scenario)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Stopped at 2h (until), with jobs still running.\n",
		"job/parallel: still running when the simulation stopped\n",
		// parallel.yaml runs 2 pods at once; both run from 0s to 2h.
		"2 pods created; 0 succeeded, 0 failed, 2 active\n",
		"                0s        30m       1h        1h30m     2h\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestEventLimitStopsEarly checks the command on a run far beyond the
// event limit: a Job of 10⁹ completions needs at least one event each,
// so the command stops at its first check (1024 events), says why and
// how to bound the run, and still prints the summary as it was then.
func TestEventLimitStopsEarly(t *testing.T) {
	job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: big}\nspec:\n  completions: 1000000000\n  parallelism: 100\n" +
		"  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n"
	r := runCmd(t, job, "run", "-")
	if r.code != exitInvalid {
		t.Fatalf("exit %d, want %d", r.code, exitInvalid)
	}
	for _, want := range []string{
		"<stdin>: the simulation stopped: the run would take at least ",
		"more than the limit of 100000000: job/big still lacks ",
		"after 1024 events in ",
		"; bound the run with --until DURATION, or raise --max-events N\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, want := range []string{"by the event limit", "job/big: still running when the simulation stopped\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
}
