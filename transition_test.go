package jobsim

import "testing"

// checkCounts must see every count that drifts from the pods: each case
// corrupts one and expects the recount to report it.
func TestCheckCountsCatchesEachDriftedCount(t *testing.T) {
	corruptions := map[string]func(j *job){
		"active":             func(j *job) { j.nActive++ },
		"ready":              func(j *job) { j.nReady-- },
		"terminating":        func(j *job) { j.nTerminating++ },
		"restarts":           func(j *job) { j.restarts++ },
		"candidate list":     func(j *job) { j.dropCand(j.cands[0]) },
		"extra pods":         func(j *job) { j.idx.extra++ },
		"active per index":   func(j *job) { j.idx.active[0]++ },
		"terminating per ix": func(j *job) { j.idx.terminating[2]-- },
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, indexed(3, 4))
			f.add(ready, 0)
			f.add(succeeded, 1)
			f.add(terminating, 2)
			f.stopTimers()
			if err := f.c.checkCounts(); err != nil {
				t.Fatalf("before the corruption: %v", err)
			}
			corrupt(f.j)
			if err := f.c.checkCounts(); err == nil {
				t.Errorf("a drifted %s count went unnoticed", name)
			}
		})
	}
}
