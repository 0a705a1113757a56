package sweep

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeSample is a pure function of the seed, as a simulation is.
func fakeSample(_ struct{}, seed uint64) (Sample, error) {
	r := rand.New(rand.NewPCG(seed, 7))
	outcome := "Complete"
	if r.IntN(10) == 0 {
		outcome = "BackoffLimitExceeded"
	}
	return Sample{Outcome: outcome, Makespan: time.Duration(r.Int64N(1e12)), PodsCreated: 1 + r.IntN(20), PodsFailed: r.IntN(5),
		PodTime: time.Duration(r.Int64N(1e12))}, nil
}

func noState() struct{} { return struct{}{} }

// TestRunIsTheSameForAnyWorkers: the stream of samples and the summary of
// 1000 seeds do not depend on the number of workers.
func TestRunIsTheSameForAnyWorkers(t *testing.T) {
	var first []Sample
	var firstSum *Summary
	for _, workers := range []int{1, 2, 3, 8} {
		var got []Sample
		sum, err := Run(Options{First: 5, N: 1000, Workers: workers, Keep: true, Each: func(s Sample) error {
			got = append(got, s)
			return nil
		}}, noState, fakeSample)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1000 || got[0].Seed != 5 || got[999].Seed != 1004 {
			t.Fatalf("%d workers: %d samples, seeds %d to %d; want 1000, 5 to 1004", workers, len(got), got[0].Seed, got[len(got)-1].Seed)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Seed != got[i-1].Seed+1 {
				t.Fatalf("%d workers: seed %d after %d: not in seed order", workers, got[i].Seed, got[i-1].Seed)
			}
		}
		if first == nil {
			first, firstSum = got, sum
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("%d workers: another stream (-1 worker +%d):\n%s", workers, workers, diff)
		}
		if diff := cmp.Diff(firstSum.Percentiles(Makespan), sum.Percentiles(Makespan)); diff != "" {
			t.Errorf("%d workers: other percentiles:\n%s", workers, diff)
		}
	}
}

// TestRunReportsTheLowestFailingSeed: seeds 37 and 600 to 800 fail; for
// any number of workers the sweep reports seed 37, after delivering the
// samples of seeds 1 to 36, and no others.
func TestRunReportsTheLowestFailingSeed(t *testing.T) {
	boom := errors.New("boom")
	f := func(w struct{}, seed uint64) (Sample, error) {
		if seed == 37 || seed >= 600 && seed <= 800 {
			return Sample{}, boom
		}
		return fakeSample(w, seed)
	}
	for _, workers := range []int{1, 2, 5} {
		var seeds []uint64
		_, err := Run(Options{First: 1, N: 5000, Workers: workers, Each: func(s Sample) error {
			seeds = append(seeds, s.Seed)
			return nil
		}}, noState, f)
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "seed 37: ") {
			t.Errorf("%d workers: error %v, want seed 37's", workers, err)
		}
		if len(seeds) != 36 || seeds[35] != 36 {
			t.Errorf("%d workers: delivered %d samples, want seeds 1 to 36", workers, len(seeds))
		}
	}
}

// TestRunRefusesNoSeeds: N = 0 is an error, not an empty summary.
func TestRunRefusesNoSeeds(t *testing.T) {
	if _, err := Run(Options{N: 0}, noState, fakeSample); err == nil {
		t.Error("N = 0: no error")
	}
}
