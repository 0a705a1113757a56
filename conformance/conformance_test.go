package conformance

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobsim/jobsim/conformance/reference"
)

var (
	flagCase     = flag.String("conformance.case", "", "run only the cases whose file name matches this regular expression")
	flagParallel = flag.Int("conformance.parallel", 8, "cases run at once (each mostly waits on its virtual clock)")
	flagSpeed    = flag.Float64("conformance.speed", 0, "virtual seconds per wall-clock second (0: the reference's default)")
	flagTwice    = flag.Bool("conformance.twice", false, "run the reference twice per case and fail if the two runs disagree (a stability check)")
	flagLog      = flag.Bool("conformance.log", false, "print the real controller's log")
	flagTrace    = flag.Bool("conformance.trace", false, "print both sides' scheduling histories")
	flagNext     = flag.Bool("conformance.next", false, "also run the scheduler's next cases, testdata/scheduling-next/*.yaml")
)

func TestMain(m *testing.M) {
	flag.Parse()
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		if err := checkGoroutines(before); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// lingeringQueueLoops counts the goroutines parked in client-go's
// unfinished-work loop of a shut-down work queue, on a release whose
// client-go leaves them (reference.QueueLoopsLinger).
func lingeringQueueLoops() int {
	if !reference.QueueLoopsLinger {
		return 0
	}
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "workqueue.(*Typed[...]).updateUnfinishedWorkLoop") && strings.Count(g, "\n") <= 5 {
			n++
		}
	}
	return n
}

// checkGoroutines waits for the goroutines the runs started to end.
func checkGoroutines(before int) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine() - lingeringQueueLoops()
		if n <= before+1 {
			return nil
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			return fmt.Errorf("goroutine leak: %d goroutines before the tests, %d after:\n%s", before, n, buf)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type caseResult struct {
	c      *Case
	report *Report
	again  *Outcome
	err    error
	// skipped: the case is for other versions than this build's.
	skipped bool
}

// TestConformance runs every scenario of testdata/ on jobsim and on the
// real Job controller and compares the outcomes. A case marked known
// reports its difference without failing.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("the conformance suite takes minutes; not in -short mode")
	}
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if *flagNext || os.Getenv("JOBSIM_CONFORMANCE_NEXT") != "" {
		next, err := filepath.Glob("testdata/scheduling-next/*.yaml")
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, next...)
	}
	if *flagCase != "" {
		re := regexp.MustCompile(*flagCase)
		files = filterStrings(files, func(f string) bool { return re.MatchString(filepath.Base(f)) })
	}
	if len(files) == 0 {
		t.Fatal("no scenario in testdata/")
	}
	opts := Options{Speed: *flagSpeed}
	if *flagLog {
		opts.Log = os.Stderr
	}
	results := make([]caseResult, len(files))
	sem := make(chan struct{}, max(*flagParallel, 1))
	var wg sync.WaitGroup
	start := time.Now()
	for i, f := range files {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runCase(f, opts)
		})
	}
	wg.Wait()
	t.Logf("%d cases in %s", len(files), time.Since(start).Round(time.Second))
	for i, f := range files {
		r := results[i]
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if filepath.Base(filepath.Dir(f)) == "scheduling-next" {
			name = "next/" + name
		}
		t.Run(name, func(t *testing.T) {
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.skipped {
				t.Skipf("for Kubernetes %v; this build runs %s", r.c.Versions, reference.Version)
			}
			rep := r.report
			t.Logf("jobsim ended at %s, the reference at %s (%.1fs wall)", rep.Jobsim.End, rep.Reference.End.Round(time.Millisecond), rep.Wall.Seconds())
			for _, j := range rep.Reference.Jobs {
				t.Logf("Kubernetes: %s", j)
			}
			for _, cj := range rep.Reference.CronJobs {
				t.Logf("Kubernetes CronJob %s: jobs %v, events %v", cj.Name, cj.Jobs, cj.Events)
			}
			if rep.Reference.Scheduling != nil {
				t.Logf("kube-scheduler: %s", rep.Reference.Scheduling)
				t.Logf("jobsim's scheduler: %s", rep.Jobsim.Scheduling)
				if *flagTrace {
					t.Logf("kube-scheduler's history:\n\t%s", strings.Join(rep.Reference.Scheduling.Trace, "\n\t"))
					t.Logf("jobsim's history:\n\t%s", strings.Join(rep.Jobsim.Scheduling.Trace, "\n\t"))
				}
			}
			for _, w := range rep.Rejected {
				t.Logf("the API server refused a write: %s", w)
			}
			if r.again != nil {
				if diff, _ := Diff(rep.Reference, *r.again, r.c.Tolerance); diff != "" {
					report := t.Errorf
					if r.c.Known != "" {
						report = t.Logf // a known difference may be a choice Kubernetes leaves to chance
					}
					report("the real controller is unstable on this case: two runs differ (-first +second):\n%s", diff)
				}
			}
			switch {
			case rep.Diff != "" && r.c.Known != "":
				t.Logf("known difference: %s\n(-reference +jobsim):\n%s", r.c.Known, rep.Diff)
			case rep.Diff != "":
				t.Errorf("jobsim and the real Job controller disagree (-reference +jobsim):\n%s", rep.Diff)
			case r.c.Known != "":
				t.Logf("marked known (%s), and the two sides agree in this run: if they always do now, remove the note", r.c.Known)
			}
		})
	}
}

func runCase(file string, opts Options) caseResult {
	c, err := LoadCase(file)
	if err != nil {
		return caseResult{err: err}
	}
	if !c.Applies() {
		return caseResult{c: c, skipped: true}
	}
	ctx := context.Background()
	rep, err := Compare(ctx, c, opts)
	if err != nil {
		return caseResult{c: c, err: err}
	}
	res := caseResult{c: c, report: rep}
	if *flagTwice {
		again, _, err := RunReference(ctx, c, rep.Jobsim.End+slack(opts), opts)
		if err != nil {
			return caseResult{c: c, err: err}
		}
		res.again = &again
	}
	return res
}

func filterStrings(in []string, keep func(string) bool) []string {
	var out []string
	for _, s := range in {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}
