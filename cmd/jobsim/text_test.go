package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
)

// TestFmtDur checks the durations people read: no floating-point
// residue, whole hours and minutes short, milliseconds at most.
func TestFmtDur(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{62829 * time.Millisecond, "1m2.829s"},
		{2500 * time.Millisecond, "2.5s"},
		{time.Hour, "1h"},
		{time.Hour + 5*time.Minute, "1h5m"},
		{time.Hour + 10*time.Minute + 30*time.Second, "1h10m30s"},
		{1500 * time.Microsecond, "0.002s"}, // rounded to the millisecond
		{-3 * time.Second, "-3s"},
	} {
		if got := fmtDur(tt.d); got != tt.want {
			t.Errorf("fmtDur(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestCutMiddleKeepsTheSuffix checks that a long pod name keeps its end,
// the index and random suffix that tell its pods apart.
func TestCutMiddleKeepsTheSuffix(t *testing.T) {
	a := cutMiddle("a-very-long-job-name-for-the-nightly-report-3-x7k2p", 30)
	b := cutMiddle("a-very-long-job-name-for-the-nightly-report-3-q9z8w", 30)
	if len(a) != 30 || a == b || !strings.HasSuffix(a, "-3-x7k2p") {
		t.Errorf("cut to %q and %q: want 30 bytes each, different, ending in the suffix", a, b)
	}
}

// runWith runs the command with a terminal of the given width (0: no
// terminal) and environment.
func runWith(t *testing.T, width int, vars map[string]string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		clock: clock.NewMock(), readFile: os.ReadFile,
		create:   func(string) (io.WriteCloser, error) { return nil, fmt.Errorf("no files") },
		terminal: func(io.Writer) (int, bool) { return width, width > 0 },
		getenv:   func(k string) string { return vars[k] },
	})
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// TestWidthAndColour checks that the text fits the terminal's width, or
// 100 columns when not on a terminal, and is coloured on a terminal
// only, unless NO_COLOR is set.
func TestWidthAndColour(t *testing.T) {
	t.Chdir("../..")
	file := "examples/manifests/shards.perindex.scenario.yaml"
	for _, tt := range []struct {
		name   string
		width  int
		vars   map[string]string
		args   []string
		max    int
		colour bool
	}{
		{"not a terminal", 0, nil, nil, 100, false},
		{"terminal", 72, nil, nil, 72, true},
		{"NO_COLOR", 72, map[string]string{"NO_COLOR": "1"}, nil, 72, false},
		{"flags", 0, nil, []string{"--width", "60", "--color", "always"}, 60, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := runWith(t, tt.width, tt.vars, append(append([]string{"run"}, tt.args...), file)...)
			if got := strings.Contains(out, "\x1b["); got != tt.colour {
				t.Errorf("coloured: %v, want %v", got, tt.colour)
			}
			for _, line := range strings.Split(out, "\n") {
				plain := stripANSI(line)
				// The first line names the file, and a word longer than
				// the room left stands alone on its line.
				words := strings.Fields(plain)
				if len(plain) > tt.max && !strings.HasPrefix(plain, file) && len(words) > 1 {
					t.Errorf("line of %d columns, more than %d: %q", len(plain), tt.max, plain)
				}
			}
		})
	}
}

// stripANSI removes colour sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\x1b' {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestReasonsInTheTimeline checks the clauses that say why, each from a
// Kubernetes rule:
//   - the pod-failure backoff: the first failure of index 2 at 10s is
//     replaced 10s later (the controller's initial backoff, 10s);
//   - backoffLimitPerIndex 1: an index fails at its 2nd failure;
//   - with restartPolicy OnFailure, the job fails when its pods' restarts
//     reach backoffLimit (4 restarts >= 4).
func TestReasonsInTheTimeline(t *testing.T) {
	t.Chdir("../..")
	shards := runWith(t, 0, nil, "run", "--width", "200", "examples/manifests/shards.perindex.scenario.yaml")
	crash := runWith(t, 0, nil, "run", "--width", "200", "examples/manifests/crashloop.scenario.yaml")
	for _, tt := range []struct{ out, want string }{
		{shards, "Created pod: shards-2-g2pqc [replaces shards-2-h9mkv after a 10s backoff (1st failure)]\n"},
		{shards, "(FailedIndexes)       2 [index 2 failed: 2 failures > backoffLimitPerIndex 1]\n"},
		{shards, "  indexes:    completed 0,1,3,4; failed 2\n"},
		{crash, "(FailureTarget)       True (BackoffLimitExceeded) [4 restarts >= backoffLimit 4]\n"},
	} {
		if !strings.Contains(tt.out, tt.want) {
			t.Errorf("output lacks %q:\n%s", tt.want, tt.out)
		}
	}
	if strings.Contains(crash, "(Failed)              True (BackoffLimitExceeded) [") {
		t.Errorf("the deciding count is shown twice:\n%s", crash)
	}
}

// TestUncountedFailures checks that the summary says why pods that ended
// Failed are not in status.failed: the Job controller removes the
// finalizers of the pods it deletes for a suspension before deleting
// them, so they are never counted; preempted pods matching a
// podFailurePolicy Ignore rule (DisruptionTarget) are not counted either.
// The pods the controller deletes once the job's failure is decided
// (FailureTarget) are counted: train's pod deleted when another exits 42
// (a FailJob rule) is one of its 2 failed, its evicted pod is not.
func TestUncountedFailures(t *testing.T) {
	t.Chdir("../..")
	suspend := runWith(t, 0, nil, "run", "examples/manifests/parallel.suspend.scenario.yaml")
	preempt := runWith(t, 0, nil, "run", "--width", "200", "examples/manifests/preemption.scenario.yaml")
	train := runWith(t, 0, nil, "run", "--width", "200", "examples/manifests/train.failfast.scenario.yaml")
	for _, tt := range []struct{ out, want string }{
		{train, "1 succeeded, 2 failed (1 more ended Failed: 1 ignored by the podFailurePolicy)\n"},
		{suspend, "0 failed (2 more ended Failed: 2 deleted by the Job controller, which does not count them)\n"},
		{preempt, "0 failed (2 more ended Failed: 2 ignored by the podFailurePolicy)\n"},
		{preempt, "Preempted by pod"},
		{preempt, "[by pod/hotfix-"},
	} {
		if !strings.Contains(tt.out, tt.want) {
			t.Errorf("output lacks %q:\n%s", tt.want, tt.out)
		}
	}
}

// TestChartModes checks the chart's groupings: per index, an index's
// pods on one row; per node, how many pods run there: render.yaml's
// pods request 1 CPU each and the nodes have 2, so 2 run on each.
func TestChartModes(t *testing.T) {
	t.Chdir("../..")
	index := runWith(t, 0, nil, "run", "--chart", "index", "examples/manifests/shards.perindex.scenario.yaml")
	node := runWith(t, 0, nil, "run", "--chart", "node", "examples/manifests/render.capacity.scenario.yaml")
	for _, tt := range []struct{ out, want string }{
		{index, "Indexes (one row per completion index"},
		{index, "Failed (exit 1) (2 pods)\n"},
		{node, "Nodes (one row per node"},
		{node, "worker-0  2222222222"},
		{node, "5 pods bound\n"},
	} {
		if !strings.Contains(tt.out, tt.want) {
			t.Errorf("output lacks %q:\n%s", tt.want, tt.out)
		}
	}
}

// TestOutputFlagErrors checks that bad values of the output flags are
// usage errors that name the flag and what it takes.
func TestOutputFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--width", "10"}, "invalid value for flag --width: must be from 40 to 1000"},
		{[]string{"--chart", "jobs"}, `invalid value "jobs" for flag --chart: must be auto, pod, index, job or node`},
		{[]string{"--color", "yes"}, `invalid value "yes" for flag --color: must be auto, always or never`},
	} {
		r := runCmd(t, "", append(append([]string{"run"}, tt.args...), "x.yaml")...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, exitUsage, tt.want)
		}
	}
}
