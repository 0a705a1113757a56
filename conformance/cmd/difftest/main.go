// Command difftest is the differential explorer: it generates random Job
// (and, with -cronjobs, CronJob) scenarios with a seeded generator, runs
// each on jobsim and on the real controllers of Kubernetes, and writes
// every disagreement, shrunk to
// a minimal scenario, as a scenario file that can be added to the
// conformance suite (conformance/testdata).
//
// Usage, from the conformance directory:
//
//	go run ./cmd/difftest -n 200 -seed 1
//
// Flags:
//
//	-n N        how many scenarios (default 100)
//	-seed S     the generator's seed; scenario i uses (S, i) (default 1)
//	-p P        scenarios run at once (default 4)
//	-speed X    virtual seconds per wall-clock second (default 20)
//	-budget B   reference runs to spend shrinking one finding (default 40)
//	-out DIR    where findings are written (default difftest-out)
//	-v          print every scenario's verdict
//	-only I     run only scenario I of the seed (to reproduce a finding)
//	-cluster    draw a cluster too: pools with labels, zones and taints,
//	            priority classes and budgets, and each job's requests and
//	            scheduling directives (selectors, node and pod affinity,
//	            tolerations, spread constraints, gates and their removal,
//	            priorities); the same seed then draws other scenarios
//	-cronjobs   draw zero to two CronJobs too (schedules, time zones,
//	            concurrencyPolicy, deadlines, history limits, runs that
//	            outlast the period or fail, suspensions, schedule and
//	            policy edits, controller outages), in scenarios of a few
//	            virtual hours; a seed's jobs stay those drawn without it
//	-version V  the Kubernetes version to explore (default: the build's,
//	            1.37); one binary links one release, so another version
//	            is built with -modfile=k8s/1.N.mod -tags k8s1.N:
//
//	go run -modfile=k8s/1.35.mod -tags k8s1.35 ./cmd/difftest -version 1.35 -n 200
//
// A disagreement whose real-controller outcome varies between runs (the
// real controller's timing, or a choice it leaves to chance, decides it)
// is "unstable": it is written under DIR/unstable and not shrunk.
//
// It exits 0 when no scenario disagreed steadily, 1 when some did, 2 on
// errors.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance"
	"github.com/jobsim/jobsim/conformance/reference"
)

func main() {
	n := flag.Int("n", 100, "how many scenarios")
	seed := flag.Uint64("seed", 1, "the generator's seed")
	par := flag.Int("p", 4, "scenarios run at once")
	speed := flag.Float64("speed", 20, "virtual seconds per wall-clock second")
	budget := flag.Int("budget", 40, "reference runs to spend shrinking one finding")
	out := flag.String("out", "difftest-out", "where findings are written")
	verbose := flag.Bool("v", false, "print every scenario's verdict")
	cluster := flag.Bool("cluster", false, "draw random clusters and scheduling directives too (the same seed then draws other scenarios)")
	cronJobs := flag.Bool("cronjobs", false, "draw CronJobs too, in scenarios of a few virtual hours")
	only := flag.Int("only", -1, "run only scenario i of the seed (to reproduce a finding)")
	version := flag.String("version", reference.Version.String(), "the Kubernetes version to explore")
	flag.Parse()
	if v, err := jobsim.ParseVersion(*version); err != nil {
		fmt.Fprintf(os.Stderr, "difftest: -version: %v\n", err)
		os.Exit(2)
	} else if v != reference.Version {
		fmt.Fprintf(os.Stderr, "difftest: this binary runs Kubernetes %s; for %s run: go run %s ./cmd/difftest -version %s ...\n",
			reference.Version, v, strings.Join(reference.BuildFlags(v), " "), v)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := conformance.Options{Speed: *speed}

	type result struct {
		i    int
		f    *conformance.Finding
		err  error
		wall time.Duration
	}
	work := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for range max(*par, 1) {
		wg.Go(func() {
			for i := range work {
				r := rand.New(rand.NewPCG(*seed, uint64(i)))
				name := fmt.Sprintf("difftest-%d-%d", *seed, i)
				d, _ := conformance.GenerateValidWith(r, name, conformance.GenerateOptions{Cluster: *cluster, CronJobs: *cronJobs})
				t0 := time.Now()
				f, err := conformance.Check(ctx, name, d, opts, *budget)
				results <- result{i: i, f: f, err: err, wall: time.Since(t0)}
			}
		})
	}
	go func() {
		defer close(work)
		for i := range *n {
			if *only >= 0 && i != *only {
				continue
			}
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	start := time.Now()
	var ran, agreed, found, unstable, failed int
	for r := range results {
		ran++
		name := fmt.Sprintf("difftest-%d-%d", *seed, r.i)
		switch {
		case r.err != nil:
			failed++
			fmt.Fprintf(os.Stderr, "%s: error: %v\n", name, r.err)
		case r.f == nil:
			agreed++
			if *verbose {
				fmt.Printf("%s: agree (%.1fs)\n", name, r.wall.Seconds())
			}
		default:
			if r.f.Unstable {
				unstable++
			} else {
				found++
			}
			dir := *out
			if r.f.Unstable {
				dir = filepath.Join(dir, "unstable")
			}
			path := filepath.Join(dir, name+".yaml")
			origin := fmt.Sprintf("difftest -seed %d: scenario %d", *seed, r.i)
			err := os.MkdirAll(dir, 0o755)
			if err == nil {
				err = os.WriteFile(path, r.f.Draft.YAML(r.f.Header(origin)...), 0o644)
			}
			if err != nil {
				failed++
				fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			}
			verdict := "DISAGREE"
			if r.f.Unstable {
				verdict = "UNSTABLE"
			}
			fmt.Printf("%s: %s (%d reference runs, %.1fs) -> %s\n%s\n", name, verdict, r.f.Runs, r.wall.Seconds(), path, r.f.Report.Diff)
		}
	}
	fmt.Printf("difftest -seed %d: %d scenarios in %s: %d agree, %d disagree, %d unstable, %d errors\n",
		*seed, ran, time.Since(start).Round(time.Second), agreed, found, unstable, failed)
	switch {
	case failed > 0:
		os.Exit(2)
	case found > 0:
		os.Exit(1)
	}
}
