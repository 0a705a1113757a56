package main

// The expected values are reasoned from client-go's event recorders
// (tools/record events_cache.go, tools/events) and kubectl's
// DescribeEvents, one rule a test.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

func jobEvent(at time.Duration, reason, msg string) jobsim.Event {
	return jobsim.Event{Time: t0.Add(at), Object: jobsim.ObjectRef{Kind: jobsim.KindJob, Namespace: "default", Name: "j"},
		Type: jobsim.EventNormal, Reason: reason, Message: msg}
}

func podEvent(at time.Duration, typ jobsim.EventType, reason, msg string) jobsim.Event {
	return jobsim.Event{Time: t0.Add(at), Object: jobsim.ObjectRef{Kind: jobsim.KindPod, Namespace: "default", Name: "p"},
		Type: typ, Reason: reason, Message: msg}
}

// eventRows returns the Events section's rows, without its header.
func eventRows(now time.Duration, kind string, evs ...jobsim.Event) []string {
	v := &kubeView{now: t0.Add(now), events: evs}
	name, containers := "j", []string(nil)
	if kind == jobsim.KindPod {
		name, containers = "p", []string{"app"}
	}
	d := newDescriber()
	d.events(kubeEvents(v, kind, "default", name, t0, containers, nil), v.now)
	lines := strings.Split(strings.TrimSuffix(d.String(), "\n"), "\n")
	if len(lines) < 3 {
		return lines
	}
	var rows []string
	for _, l := range lines[3:] {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	return rows
}

func TestEventsNoneIsNone(t *testing.T) {
	got := eventRows(time.Minute, jobsim.KindJob)
	if diff := cmp.Diff([]string{"Events:  <none>"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsRepeatCountsUpWithAgeOfLastOverAgeOfFirst(t *testing.T) {
	got := eventRows(time.Minute, jobsim.KindJob,
		jobEvent(0, "Suspended", "Job suspended"),
		jobEvent(20*time.Second, "Suspended", "Job suspended"),
		jobEvent(50*time.Second, "Suspended", "Job suspended"))
	want := []string{"Normal Suspended 10s (x3 over 60s) job-controller Job suspended"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsTenthDistinctMessageIsCombined(t *testing.T) {
	var evs []jobsim.Event
	for i := range 12 {
		evs = append(evs, jobEvent(time.Duration(i)*time.Second, "SuccessfulCreate", fmt.Sprintf("Created pod: j-%d", i)))
	}
	got := eventRows(time.Minute, jobsim.KindJob, evs...)
	var want []string
	for i := range 9 {
		want = append(want, fmt.Sprintf("Normal SuccessfulCreate %ds job-controller Created pod: j-%d", 60-i, i))
	}
	want = append(want, "Normal SuccessfulCreate 49s (x3 over 51s) job-controller (combined from similar events): Created pod: j-11")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsSimilarOnesMoreThanTenMinutesApartAreNotCombined(t *testing.T) {
	var evs []jobsim.Event
	for i := range 10 {
		evs = append(evs, jobEvent(time.Duration(i)*11*time.Minute, "SuccessfulCreate", fmt.Sprintf("Created pod: j-%d", i)))
	}
	got := eventRows(99*time.Minute+30*time.Second, jobsim.KindJob, evs...)
	for _, r := range got {
		if strings.Contains(r, "combined") {
			t.Errorf("combined: %s", r)
		}
	}
}

func TestEventsSourceMaySendTwentyFiveThenOneEveryFiveMinutes(t *testing.T) {
	var evs []jobsim.Event
	for i := range 30 {
		evs = append(evs, jobEvent(0, "SuccessfulDelete", fmt.Sprintf("Deleted pod: j-%d", i)))
	}
	// One token back after 5 minutes: the next event passes, the one
	// after it is dropped again.
	evs = append(evs, jobEvent(5*time.Minute, "Completed", "Job completed"), jobEvent(5*time.Minute, "Completed", "Job completed again"))
	got := eventRows(6*time.Minute, jobsim.KindJob, evs...)
	if len(got) != 11 {
		t.Fatalf("%d rows, want 9 events, 1 combined and 1 after the refill:\n%s", len(got), strings.Join(got, "\n"))
	}
	// The combined event was sent 16 times (the 10th to 25th), and its
	// count counts the 5 dropped after it, when it is next written; here
	// it is not written again.
	if want := "Normal SuccessfulDelete 6m (x16 over 6m) job-controller (combined from similar events): Deleted pod: j-24"; got[9] != want {
		t.Errorf("combined row:\n got %s\nwant %s", got[9], want)
	}
	if want := "Normal Completed 60s job-controller Job completed"; got[10] != want {
		t.Errorf("last row:\n got %s\nwant %s", got[10], want)
	}
}

func TestEventsExpireAnHourAfterTheirLastWrite(t *testing.T) {
	evs := []jobsim.Event{jobEvent(0, "SuccessfulCreate", "Created pod: j-a"), jobEvent(30*time.Minute, "Completed", "Job completed")}
	got := eventRows(61*time.Minute, jobsim.KindJob, evs...)
	if diff := cmp.Diff([]string{"Normal Completed 31m job-controller Job completed"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsOfTheSchedulerFormASeriesKeepingTheFirstMessageAndComeFirst(t *testing.T) {
	got := eventRows(time.Minute, jobsim.KindPod,
		podEvent(0, jobsim.EventWarning, jobsim.ReasonFailedScheduling, "0/2 nodes are available: 2 Insufficient cpu."),
		podEvent(30*time.Second, jobsim.EventWarning, jobsim.ReasonFailedScheduling, "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable."),
		podEvent(40*time.Second, jobsim.EventNormal, jobsim.ReasonScheduled, "Successfully assigned default/p to n-0"),
		podEvent(40*time.Second, jobsim.EventNormal, jobsim.ReasonStarted, "Started container app"),
	)
	// The kubelet's event is sorted by its lastTimestamp; the scheduler's
	// have none and come first, in the order they were made.
	want := []string{
		"Warning FailedScheduling 30s (x2 over 60s) default-scheduler 0/2 nodes are available: 2 Insufficient cpu.",
		"Normal Scheduled 20s default-scheduler Successfully assigned default/p to n-0",
		"Normal Started 20s kubelet spec.containers{app}: Started container app",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsSeriesEndsSixMinutesAfterItsLastEvent(t *testing.T) {
	got := eventRows(10*time.Minute, jobsim.KindPod,
		podEvent(0, jobsim.EventWarning, jobsim.ReasonFailedScheduling, "first"),
		podEvent(7*time.Minute, jobsim.EventWarning, jobsim.ReasonFailedScheduling, "second"))
	want := []string{
		"Warning FailedScheduling 10m default-scheduler first",
		"Warning FailedScheduling 3m default-scheduler second",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsOfContainerExitsAreNotRecorded(t *testing.T) {
	exit := podEvent(5*time.Second, jobsim.EventNormal, jobsim.ReasonExitCompleted, "Container app exited with code 0; pod Succeeded")
	exit.Exited = true
	got := eventRows(time.Minute, jobsim.KindPod, podEvent(0, jobsim.EventNormal, jobsim.ReasonStarted, "Started container app"), exit)
	if diff := cmp.Diff([]string{"Normal Started 60s kubelet spec.containers{app}: Started container app"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEventsTaintManagerDeletionIsMarkingForDeletion(t *testing.T) {
	got := eventRows(time.Minute, jobsim.KindPod, podEvent(0, jobsim.EventWarning, jobsim.DisruptionTaintManager, "Taint manager: deleting due to NoExecute taint"))
	want := []string{"Normal TaintManagerEviction 60s taint-eviction-controller Marking for deletion Pod default/p"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCapIndexesCutsAfterTheFirstCommaPastTheLimit(t *testing.T) {
	for in, want := range map[string]string{
		"":          "<none>",
		"0-3,5":     "0-3,5",
		"0,2,4,6,8": "0,2,4,...",
		"0,2,4":     "0,2,4",
		"0-99":      "0-99",
	} {
		if got := capIndexes(in, 4); got != want {
			t.Errorf("capIndexes(%q, 4) = %q, want %q", in, got, want)
		}
	}
}
