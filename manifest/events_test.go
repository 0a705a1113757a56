package manifest_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The Events Kubernetes records for a run, by their recorders' rules: the
// Job controller's SuccessfulCreate about the Job, the scheduler's
// Scheduled and the kubelet's Started about the pod; no Event for the
// container's exit (the kubelet records none) nor for the status writes
// (changes a watch reports).
func TestEventObjectsOfARun(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	job := jobsim.Job{Name: "pi", Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy: jobsim.RestartNever, Containers: []jobsim.Container{{Name: "pi", Image: "perl"}}}}}}
	if _, err := c.Submit(job, jobsim.Fixed(10*time.Second, 0)); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for i, e := range c.Events() {
		ev, ok := manifest.EventObject(e, uint64(i))
		switch {
		case e.Type == jobsim.EventChange || e.Exited:
			if ok {
				t.Errorf("%v: an Event %+v, want none", e, ev)
			}
			continue
		case !ok:
			t.Errorf("%v: no Event", e)
			continue
		}
		sources[ev.Reason] = ev.Source.Component
		if ev.Count != 1 || !ev.FirstTimestamp.Time.Equal(e.Time) || ev.Message != e.Message || ev.Namespace != "default" ||
			ev.InvolvedObject.Name != e.Object.Name || ev.InvolvedObject.Kind != e.Object.Kind {
			t.Errorf("%v: Event %+v", e, ev)
		}
		v2, ok := manifest.EventV1Object(e, uint64(i))
		if !ok || v2.Note != e.Message || v2.Regarding != ev.InvolvedObject || !v2.EventTime.Time.Equal(e.Time) || v2.Name != ev.Name {
			t.Errorf("%v: events.k8s.io Event %+v", e, v2)
		}
	}
	want := map[string]string{
		jobsim.ReasonSuccessfulCreate: "job-controller",
		jobsim.ReasonScheduled:        "default-scheduler",
		jobsim.ReasonStarted:          "kubelet",
		jobsim.ReasonCompleted:        "job-controller",
	}
	for reason, src := range want {
		if sources[reason] != src {
			t.Errorf("%s recorded by %q, want %q", reason, sources[reason], src)
		}
	}
}
