package jobsim_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Golden histories: whole runs, every event, kept in testdata/*.golden.
// They pin the history users read; regenerate with -update after a
// deliberate change and review the diff.

func indexedRetry(t *testing.T, c *jobsim.Cluster) {
	job := newJob("shards", 2, 3)
	job.Spec.CompletionMode = jobsim.Indexed
	submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{1: {{Duration: 4 * time.Second, ExitCode: 2}}}, jobsim.Fixed(6*time.Second, 0)))
}

func TestGoldenHistories(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   jobsim.Config
		setup func(t *testing.T, c *jobsim.Cluster)
	}{
		{"pi-job", jobsim.Config{Seed: 1}, func(t *testing.T, c *jobsim.Cluster) {
			submit(t, c, newJob("pi-job", 1, 1), jobsim.Fixed(12*time.Second, 0))
		}},
		{"backoff-batched", jobsim.Config{Seed: 2, SyncDelay: time.Second}, func(t *testing.T, c *jobsim.Cluster) {
			job := newJob("backoff", 1, 1)
			job.Spec.BackoffLimit = jobsim.Ptr(2)
			submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
		}},
		// Up to 1.35, the failure at 4 s is counted only at 14 s: the
		// write during the backoff is refused (docs/fidelity.md).
		{"indexed-retry", jobsim.Config{Seed: 3, Version: jobsim.V1_35}, indexedRetry},
		// From 1.36 it is counted at once.
		{"indexed-retry-1.37", jobsim.Config{Seed: 3, Version: jobsim.V1_37}, indexedRetry},
		{"crashloop", jobsim.Config{Seed: 4}, func(t *testing.T, c *jobsim.Cluster) {
			job := newJob("crashloop", 1, 1)
			job.Spec.BackoffLimit = jobsim.Ptr(3)
			job.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
			submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
		}},
		{"suspend-resume", jobsim.Config{Seed: 5}, func(t *testing.T, c *jobsim.Cluster) {
			job := newJob("deadline", 2, 4)
			job.Spec.ActiveDeadline = jobsim.Ptr(90 * time.Second)
			submit(t, c, job, jobsim.Always(jobsim.Run{Duration: 30 * time.Second, Term: 5 * time.Second}))
			suspend(t, c, 10*time.Second, true)
			suspend(t, c, 40*time.Second, false)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := jobsim.NewCluster(tc.cfg)
			tc.setup(t, c)
			run(t, c)
			got := formatHistory(c.Events())
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("history differs from %s; run with -update after checking this diff:\n%s", path, lineDiff(string(want), got))
			}
		})
	}
}

func formatHistory(events []jobsim.Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "%7s  %-24s %-7s %-20s %s\n", e.Time.Sub(epoch), e.Object, e.Type, e.Reason, e.Message)
	}
	return b.String()
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}
