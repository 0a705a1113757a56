package jobsimtest_test

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// Check a job whose first two pods fail: every invariant holds after every
// event. The failures at 5 s and 7 s hold back replacements until 27 s (20 s
// after the second failure); two 20 s pods succeed at 47 s, the third at
// 67 s.
func ExampleCheck() {
	c := jobsim.NewCluster(jobsim.Config{Seed: 1})
	job := jobsim.Job{Name: "flaky", Spec: jobsim.JobSpec{
		Completions: jobsim.Ptr(3),
		Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
		}},
	}}
	flaky := jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 5 * time.Second, ExitCode: 1}},
		1: {{Duration: 7 * time.Second, ExitCode: 1}},
	}, jobsim.Fixed(20*time.Second, 0))
	h, err := c.Submit(job, flaky)
	if err != nil {
		panic(err)
	}
	fmt.Println("violations:", jobsimtest.Check(c))
	st := h.Status()
	fmt.Println("succeeded:", st.Succeeded, "failed:", st.Failed, "done at:", st.CompletionTime.Sub(time.Unix(0, 0)))
	// Output:
	// violations: <nil>
	// succeeded: 3 failed: 2 done at: 1m7s
}

// A property test of a user's own job: whatever the pods do, the job ends
// and never breaks an invariant.
func TestMyJobProperty(t *testing.T) {
	rapid.Check(t, myJobProperty)
}

// myJobProperty is TestMyJobProperty's property, which TestFailFiles
// replays failure files with.
func myJobProperty(t *rapid.T) {
	c := jobsim.NewCluster(jobsim.Config{Seed: rapid.Uint64().Draw(t, "seed")})
	job := jobsim.Job{Name: "mine", Spec: jobsim.JobSpec{
		Completions:  jobsim.Ptr(4),
		Parallelism:  jobsim.Ptr(2),
		BackoffLimit: jobsim.Ptr(3),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
		}},
	}}
	h, err := c.Submit(job, jobsimtest.Behaviors().Draw(t, "behavior"))
	if err != nil {
		t.Fatal(err)
	}
	if err := jobsimtest.Check(c); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); !st.Finished() && st.Active == 0 {
		t.Fatalf("job neither finished nor running: %+v", st)
	}
}
