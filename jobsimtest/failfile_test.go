package jobsimtest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim/jobsimtest"
)

// TestFailFiles replays every failure file committed under testdata/rapid
// of this package, as the root package's test of the same name does.
func TestFailFiles(t *testing.T) {
	jobsimtest.ReplayFailFiles(t, map[string]func(*rapid.T){
		"TestPlacementInvariants":        placementProperty,
		"TestMyJobProperty":              myJobProperty,
		"TestReplayAgreesWithTheLiveRun": replayAgreesProperty,
		"TestCronJobInvariants":          cronJobProperty,
		"TestInvariantsUnderEdits":       editsProperty,
	})
}
