package jobsim

import (
	"testing"

	"pgregory.net/rapid"
)

// finished is isTrue(Complete) || isTrue(Failed), the first condition of
// each type deciding, in one pass.
func TestPropertyFinishedIsCompleteOrFailedTrue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var st jobStatus
		for range rapid.IntRange(0, 5).Draw(t, "conditions") {
			st.conditions = append(st.conditions, JobCondition{
				Type:   rapid.SampledFrom([]JobConditionType{JobComplete, JobFailed, JobSuspended, JobFailureTarget}).Draw(t, "type"),
				Status: rapid.SampledFrom([]ConditionStatus{ConditionTrue, ConditionFalse}).Draw(t, "status"),
			})
		}
		if got, want := st.finished(), st.isTrue(JobComplete) || st.isTrue(JobFailed); got != want {
			t.Fatalf("finished() = %v for %v, want %v", got, st.conditions, want)
		}
	})
}
