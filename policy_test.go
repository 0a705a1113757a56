package jobsim

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Table tests of the pure decisions in policy.go. Expected values follow
// the controller's rules; cases named "case n" are those cases of the
// upstream unit tests (pkg/controller/job/job_controller_test.go:
// TestSyncJobWithJobPodFailurePolicy, TestSyncJobWithJobSuccessPolicy)
// that concern matching alone, numbered as in sync_policy_test.go.

// rulesR is the policy of TestSyncJobWithJobPodFailurePolicy's cases: [0: Ignore onExitCodes In {1,2,3};
// 1: FailJob onExitCodes In {5,6,7}].
var rulesR = &PodFailurePolicy{Rules: []PodFailurePolicyRule{
	{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{1, 2, 3}}},
	{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{5, 6, 7}}},
}}

func exited(name string, code int) containerExit {
	return containerExit{Name: name, Terminated: true, ExitCode: code}
}

func onConditions(action PodFailurePolicyAction, types ...string) PodFailurePolicyRule {
	r := PodFailurePolicyRule{Action: action}
	for _, t := range types {
		r.OnPodConditions = append(r.OnPodConditions, PodFailurePolicyOnPodCondition{Type: t})
	}
	return r
}

func TestMatchPodFailurePolicy(t *testing.T) {
	disrupted := []PodCondition{{Type: DisruptionTarget, Status: ConditionTrue}}
	for _, tc := range []struct {
		name   string
		policy *PodFailurePolicy
		pod    podFailure
		want   policyMatch
	}{
		{"no policy counts", nil, podFailure{Containers: []containerExit{exited("c", 1)}}, policyMatch{Counts: true}},
		{"case 38 fail job based on OnExitCodes", rulesR,
			podFailure{Namespace: "default", Name: "mypod-0", Containers: []containerExit{exited("main-container", 5)}},
			policyMatch{Action: ActionFailJob, Rule: 1, Counts: true,
				FailJobMessage: "Container main-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"}},
		{"case 40 a running container is not considered", rulesR,
			podFailure{Containers: []containerExit{{Name: "c", ExitCode: 5}}}, policyMatch{Counts: true}},
		{"case 41 fail job based on OnExitCodes with NotIn operator",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpNotIn, Values: []int{5, 6, 7}}}}},
			podFailure{Namespace: "default", Name: "mypod-0", Containers: []containerExit{exited("main-container", 42)}},
			policyMatch{Action: ActionFailJob, Counts: true,
				FailJobMessage: "Container main-container for pod default/mypod-0 failed with exit code 42 matching FailJob rule at index 0"}},
		{"case 42 default handling with NotIn operator",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpNotIn, Values: []int{5, 6, 7}}}}},
			podFailure{Containers: []containerExit{exited("main-container", 5)}}, policyMatch{Counts: true}},
		{"case 43 fail job based on OnExitCodes for InitContainer", rulesR,
			podFailure{Namespace: "default", Name: "mypod-0",
				Containers:     []containerExit{exited("main-container", 143)},
				InitContainers: []containerExit{exited("init-container", 5)}},
			policyMatch{Action: ActionFailJob, Rule: 1, Counts: true,
				FailJobMessage: "Container init-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"}},
		{"case 44 both rules match, the first is executed", rulesR,
			podFailure{Containers: []containerExit{exited("container1", 2), exited("container2", 6)}},
			policyMatch{Action: ActionIgnore, Rule: 0, Counts: false}},
		{"case 45 count pod failure based on OnExitCodes; both rules match",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{
				{Action: ActionCount, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{1, 2}}},
				{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{2, 3}}},
			}},
			podFailure{Containers: []containerExit{exited("c", 2)}}, policyMatch{Action: ActionCount, Counts: true}},
		{"case 46 count pod failure based on OnPodConditions; both rules match",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{onConditions(ActionCount, "ResourceLimitExceeded"), onConditions(ActionIgnore, "DisruptionTarget")}},
			podFailure{Conditions: []PodCondition{{Type: "ResourceLimitExceeded", Status: ConditionTrue}, {Type: DisruptionTarget, Status: ConditionTrue}}},
			policyMatch{Action: ActionCount, Counts: true}},
		{"case 47 ignore pod failure based on OnPodConditions",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{onConditions(ActionIgnore, "DisruptionTarget")}},
			podFailure{Conditions: disrupted}, policyMatch{Action: ActionIgnore}},
		{"case 49 fail job based on OnPodConditions",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{onConditions(ActionFailJob, "DisruptionTarget")}},
			podFailure{Namespace: "default", Name: "mypod-0", Conditions: disrupted},
			policyMatch{Action: ActionFailJob, Counts: true,
				FailJobMessage: "Pod default/mypod-0 has condition DisruptionTarget matching FailJob rule at index 0"}},
		{"exit code 0 never matches, not even NotIn",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpNotIn, Values: []int{42}}}}},
			podFailure{Containers: []containerExit{exited("c", 0)}, InitContainers: []containerExit{exited("i", 0)}}, policyMatch{Counts: true}},
		{"containerName restricts the rule",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{ContainerName: "sidecar", Operator: OpIn, Values: []int{1}}}}},
			podFailure{Containers: []containerExit{exited("main", 1), exited("sidecar", 2)}}, policyMatch{Counts: true}},
		{"a condition pattern's status must match",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "Ready", Status: ConditionFalse}}}}},
			podFailure{Conditions: []PodCondition{{Type: PodReady, Status: ConditionFalse}}}, policyMatch{Action: ActionIgnore}},
		{"FailIndex counts",
			&PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionFailIndex, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{3}}}}},
			podFailure{Containers: []containerExit{exited("c", 3)}}, policyMatch{Action: ActionFailIndex, Counts: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := matchPodFailurePolicy(tc.policy, tc.pod)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestIndexFailedAndReplacementCounts(t *testing.T) {
	counts, ignored, failIndex := policyMatch{Counts: true}, policyMatch{Action: ActionIgnore}, policyMatch{Action: ActionFailIndex, Counts: true}
	for _, tc := range []struct {
		name                    string
		m                       policyMatch
		failureCount, limit     int
		wantFailed              bool
		ignoredCount            int
		wantFailure, wantIgnore int
	}{
		// backoffLimitPerIndex 1: the first pod (count 0) may be retried,
		// its replacement (count 1) fails the index.
		{"first failure of an index is retried", counts, 0, 1, false, 0, 1, 0},
		{"second failure fails the index", counts, 1, 1, true, 0, 2, 0},
		{"FailIndex fails the index at once", failIndex, 0, 5, true, 0, 1, 0},
		{"ignored failure never fails the index", ignored, 9, 1, false, 2, 9, 3},
	} {
		if got := indexFailed(tc.m, tc.failureCount, tc.limit); got != tc.wantFailed {
			t.Errorf("%s: indexFailed = %v, want %v", tc.name, got, tc.wantFailed)
		}
		f, i := replacementCounts(tc.m, tc.failureCount, tc.ignoredCount)
		if f != tc.wantFailure || i != tc.wantIgnore {
			t.Errorf("%s: replacement counts = %d, %d, want %d, %d", tc.name, f, i, tc.wantFailure, tc.wantIgnore)
		}
	}
}

func TestFailureBackoffDoublesFromTenSecondsToTenMinutes(t *testing.T) {
	var got []time.Duration
	for n := 0; n <= 9; n++ {
		got = append(got, failureBackoff(n))
	}
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second,
		160 * time.Second, 320 * time.Second, 600 * time.Second, 600 * time.Second, 600 * time.Second}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if r := remainingBackoff(2, 100*time.Second, 105*time.Second); r != 15*time.Second {
		t.Errorf("2 failures, last 5 s ago: remaining %v, want 15s", r)
	}
	if r := remainingBackoff(1, 0, 10*time.Second); r != 0 {
		t.Errorf("exactly at the end of the delay: remaining %v, want 0", r)
	}
}

func TestNextBackoffRecord(t *testing.T) {
	s := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Second
		}
		return out
	}
	for _, tc := range []struct {
		name              string
		old               backoffRecord
		succeeded, failed []time.Duration
		want              backoffRecord
	}{
		{"nothing new keeps the record", backoffRecord{2, 7 * time.Second}, nil, nil, backoffRecord{2, 7 * time.Second}},
		{"failures add up; the last is the latest", backoffRecord{1, time.Second}, nil, s(3, 9), backoffRecord{3, 9 * time.Second}},
		{"a success resets", backoffRecord{4, time.Second}, s(5), nil, backoffRecord{}},
		{"only failures after the latest success count", backoffRecord{4, time.Second}, s(2, 5), s(1, 5, 6, 8), backoffRecord{2, 8 * time.Second}},
	} {
		if got := nextBackoffRecord(tc.old, tc.succeeded, tc.failed); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestCrashLoopBackOff(t *testing.T) {
	// Exits at 5, 10, 25 s: immediate restart, then 10 s, then 20 s.
	var b crashLoop
	restarts := []time.Duration{}
	for _, exit := range []time.Duration{5 * time.Second, 10 * time.Second, 25 * time.Second} {
		at := exit + b.restartDelay(exit)
		b = b.restarted(exit, at)
		restarts = append(restarts, at)
	}
	if d := cmp.Diff([]time.Duration{5 * time.Second, 20 * time.Second, 45 * time.Second}, restarts); d != "" {
		t.Errorf("restart times (-want +got):\n%s", d)
	}
	// The delay caps at 300 s.
	b = crashLoop{delay: 160 * time.Second, lastUpdate: 0}
	if b = b.restarted(10*time.Second, 170*time.Second); b.delay != 300*time.Second {
		t.Errorf("after 160 s the next delay is %v, want 300s", b.delay)
	}
	// A container that ran more than 600 s since the last restart starts
	// over: immediate restart, then 10 s.
	b = crashLoop{delay: 300 * time.Second, lastUpdate: 0}
	if d := b.restartDelay(601 * time.Second); d != 0 {
		t.Errorf("after 601 s of running, delay %v, want 0", d)
	}
	if b = b.restarted(601*time.Second, 601*time.Second); b.delay != 10*time.Second {
		t.Errorf("reset entry delay %v, want 10s", b.delay)
	}
}

func TestMatchSuccessPolicy(t *testing.T) {
	rules := func(spec ...SuccessPolicyRule) []successRule {
		return newSuccessRules(&SuccessPolicy{Rules: spec}, 10)
	}
	for _, tc := range []struct {
		name      string
		rules     []successRule
		succeeded []int
		want      int
	}{
		{"nothing succeeded matches nothing", rules(SuccessPolicyRule{SucceededCount: Ptr(0)}), nil, -1},
		{"all listed indexes", rules(SuccessPolicyRule{SucceededIndexes: Ptr("0,2-4")}), []int{0, 2, 3, 4}, 0},
		{"not all listed indexes", rules(SuccessPolicyRule{SucceededIndexes: Ptr("0,2-4")}), []int{0, 2, 3, 5}, -1},
		{"case 61 count of the listed", rules(SuccessPolicyRule{SucceededIndexes: Ptr("0,1"), SucceededCount: Ptr(1)}), []int{1}, 0},
		{"count alone", rules(SuccessPolicyRule{SucceededIndexes: Ptr("9")}, SuccessPolicyRule{SucceededCount: Ptr(3)}), []int{0, 1, 5}, 1},
		{"indexes beyond completions are dropped", rules(SuccessPolicyRule{SucceededIndexes: Ptr("8-20")}), []int{8, 9}, 0},
	} {
		for _, ix := range tc.succeeded {
			for k := range tc.rules {
				tc.rules[k].succeeded(ix)
			}
		}
		if got := matchSuccessPolicy(tc.rules, nil, len(tc.succeeded)); got != tc.want {
			t.Errorf("%s: matched rule %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestDeleteBeforeFollowsActivePodsOrder(t *testing.T) {
	base := podRank{assigned: true, phase: PodRunning, ready: true, readySince: 10 * time.Second, restarts: 0, created: 5 * time.Second, seq: 1}
	for _, tc := range []struct {
		name string
		a    func(*podRank)
	}{
		{"unassigned first", func(r *podRank) { r.assigned = false }},
		{"Pending before Running", func(r *podRank) { r.phase = PodPending }},
		{"not ready before ready", func(r *podRank) { r.ready = false }},
		{"ready for less time first", func(r *podRank) { r.readySince = 20 * time.Second }},
		{"more restarts first", func(r *podRank) { r.restarts = 3 }},
		{"newer first", func(r *podRank) { r.created = 9 * time.Second }},
	} {
		a := base
		tc.a(&a)
		if !deleteBefore(a, base) || deleteBefore(base, a) {
			t.Errorf("%s: order wrong", tc.name)
		}
	}
}

func TestDeleteBeforeBreaksTiesOldestFirst(t *testing.T) {
	a := podRank{assigned: true, phase: PodRunning, seq: 1}
	b := a
	b.seq = 2
	if !deleteBefore(a, b) || deleteBefore(b, a) {
		t.Error("equal pods: the older (created first) should go first")
	}
}

func TestActivePodsRankComparesTimesToTheSecond(t *testing.T) {
	// The API stores times to the second: pods ready or created within the
	// same second are equal for controller.ActivePods, on the wall clock's
	// seconds even when the cluster starts within one.
	c := NewCluster(Config{Start: time.Unix(100, 600*int64(time.Millisecond))})
	a := &pod{bound: true, phase: PodRunning, ready: true, readyAt: 10*time.Second + 100*time.Millisecond, created: 2 * time.Second, seq: 1}
	b := &pod{bound: true, phase: PodRunning, ready: true, readyAt: 10*time.Second + 300*time.Millisecond, created: 2*time.Second + 300*time.Millisecond, seq: 2}
	if activePodsLess(c.rank(a), c.rank(b)) || activePodsLess(c.rank(b), c.rank(a)) {
		t.Error("pods ready and created within the same wall-clock second compare as different")
	}
	// 10.3 s and 10.5 s after a start at 100.6 s are 110.9 s and 111.1 s:
	// different seconds, so the pod ready for less time goes first.
	b.readyAt = 10*time.Second + 500*time.Millisecond
	if !activePodsLess(c.rank(b), c.rank(a)) {
		t.Error("a pod ready a wall-clock second later should be deleted first")
	}
}

func TestIndexedRemovalKeepsIndexOrderAmongEqualPods(t *testing.T) {
	// Upstream sorts an Indexed job's pods by index, then with sort.Sort;
	// for equal pods that leaves the lowest index first (the harness found
	// this against v1.35.4: conformance/testdata/indexed-scale-down-tie).
	f := newFixture(t, indexed(3, 3))
	for ix := range 3 {
		f.add(ready, ix)
	}
	f.j.spec.Parallelism = Ptr(1)
	check(t, outcome{Deleted: 2, Finalizers: 2, Active: 1, Ready: 1, Terminating: 2}, f.sync())
	var left []int
	for _, p := range f.handle().Pods() {
		if p.DeletionTime.IsZero() {
			left = append(left, p.Index())
		}
	}
	if d := cmp.Diff([]int{2}, left); d != "" {
		t.Errorf("pods left (-want +got):\n%s", d)
	}
}
