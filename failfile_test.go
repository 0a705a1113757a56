package jobsim_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// properties maps each property test of the package to its property, for
// the replay of the failure files rapid writes under testdata/rapid.
var properties = map[string]func(*rapid.T){
	"TestPropertyInvariantsHoldAfterEveryEvent": invariantsProperty,
	"TestStateMachineInvariants":                stateMachineProperty,
	"TestSchedulingStateMachineInvariants":      schedulingMachineProperty,
	"TestValidateNeverPanicsProperty":           jobsim.ValidateNeverPanicsProperty,
	"TestPropertyResetRunEqualsNewClusterRun":   resetProperty,
}

// TestFailFiles replays every failure file committed under testdata/rapid
// (see testdata/rapid/README.md): each is a case a property once failed
// on, and must now pass.
func TestFailFiles(t *testing.T) {
	jobsimtest.ReplayFailFiles(t, properties)
}
