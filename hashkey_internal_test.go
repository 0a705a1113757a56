package jobsim

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim/sim"
)

// A job's random streams are keyed by the hash of "namespace/name"
// (newJob): hashKey must be that hash, or every run would change.
func TestPropertyHashKeyIsTheHashOfTheJobsKey(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ns, name := rapid.String().Draw(t, "ns"), rapid.String().Draw(t, "name")
		if got, want := hashKey(ns, name), sim.Hash(ns+"/"+name); got != want {
			t.Fatalf("hashKey(%q, %q) = %#x, want sim.Hash's %#x", ns, name, got, want)
		}
	})
}
