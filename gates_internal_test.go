package jobsim

import "testing"

// TestDefaultGatesAreConsistent: with every gate at its default, no gate
// is enabled while one it depends on is disabled, in every version. So
// a Config without feature gates needs no dependency check.
func TestDefaultGatesAreConsistent(t *testing.T) {
	for _, v := range Versions() {
		table := gateTables()[v]
		if len(table) == 0 {
			t.Fatalf("%v: no gates", v)
		}
		if errs := gateDependencyErrors(table, nil); len(errs) > 0 {
			t.Errorf("%v: %v", v, errs)
		}
	}
}
