package jobsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Job controller's rules as functions of their inputs, which need no
// cluster: the backoff, the limits, how many pods a job wants, the order
// of pods for deletion, the pod failure policy, per-index backoff and the
// success policy. The success rules carry their progress, which the job's
// records advance as indexes succeed. Times are virtual times as durations
// since the cluster's epoch.

// The controller's constants (job_controller.go).
const (
	// podFailureBackoff is the first delay before a failed pod is replaced
	// (DefaultJobPodFailureBackOff); it doubles per failure.
	podFailureBackoff = 10 * time.Second
	// maxPodFailureBackoff caps that delay (MaxJobPodFailureBackOff).
	maxPodFailureBackoff = 10 * time.Minute
	// maxPodCreateDeletePerSync caps creations and deletions per sync.
	maxPodCreateDeletePerSync = 500
	// maxUncountedPods caps how many finished pods one sync counts.
	maxUncountedPods = 500
)

// backoffRecord is the controller's in-memory record of recent pod
// failures of one job (backoff_utils.go).
type backoffRecord struct {
	failuresAfterLastSuccess int
	lastFailure              time.Duration // valid when failuresAfterLastSuccess > 0
}

// nextBackoffRecord folds the pods newly finished in a sync into the
// record. succeeded and failed are the finish times of the new succeeded
// and failed pods (ignored failures included), each sorted ascending.
func nextBackoffRecord(old backoffRecord, succeeded, failed []time.Duration) backoffRecord {
	if len(succeeded) == 0 {
		if len(failed) == 0 {
			return old
		}
		return backoffRecord{
			failuresAfterLastSuccess: old.failuresAfterLastSuccess + len(failed),
			lastFailure:              failed[len(failed)-1],
		}
	}
	// A success resets the count; only failures strictly after the latest
	// success count again.
	lastSuccess := succeeded[len(succeeded)-1]
	var rec backoffRecord
	for i := len(failed) - 1; i >= 0 && failed[i] > lastSuccess; i-- {
		if rec.failuresAfterLastSuccess == 0 {
			rec.lastFailure = failed[i]
		}
		rec.failuresAfterLastSuccess++
	}
	return rec
}

// failureBackoff returns the delay owed after n consecutive failures:
// 0 for none, else 10s·2^(n−1), capped at 10m.
func failureBackoff(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	return doubled(podFailureBackoff, maxPodFailureBackoff, n)
}

// doubled returns initial doubled n−1 times, capped at limit (n ≥ 1).
func doubled(initial, limit time.Duration, n int) time.Duration {
	d := initial
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// remainingBackoff returns how long pod creation must still wait at now
// after n failures, the last at lastFailure: 0 once the delay has passed.
func remainingBackoff(n int, lastFailure, now time.Duration) time.Duration {
	d := failureBackoff(n)
	if d == 0 {
		return 0
	}
	elapsed := now - lastFailure
	if d <= elapsed {
		return 0
	}
	return d - elapsed
}

// exceedsBackoffLimit reports whether failed counted pod failures exceed
// backoffLimit (restartPolicy Never: the job fails on failure limit+1).
func exceedsBackoffLimit(failed, backoffLimit int) bool {
	return failed > backoffLimit
}

// pastBackoffLimitOnFailure reports whether the restart counts summed over
// a job's Pending and Running pods reach backoffLimit (restartPolicy
// OnFailure). Note ≥ here where failed pods use >; a limit of 0 fails on
// the first restart.
func pastBackoffLimitOnFailure(restarts, backoffLimit int) bool {
	if backoffLimit == 0 {
		return restarts > 0
	}
	return restarts >= backoffLimit
}

// pastActiveDeadline reports whether a job started at start has been
// active for at least deadline at now. Suspended jobs, jobs without a
// deadline and jobs never started are never past it.
func pastActiveDeadline(deadline *time.Duration, started bool, start, now time.Duration, suspended bool) bool {
	if deadline == nil || !started || suspended {
		return false
	}
	return now-start >= *deadline
}

// wantActive returns how many pods a job wants active (manageJob):
// work-queue jobs keep what runs after the first success, other jobs want
// the smaller of parallelism and the completions still missing.
func wantActive(completions *int, parallelism, succeeded, active int) int {
	if completions == nil {
		if succeeded > 0 {
			return active
		}
		return parallelism
	}
	return max(0, min(*completions-succeeded, parallelism))
}

// completionsReached is the success rule of syncJob: work-queue jobs need
// one success and nothing active, other jobs all completions and nothing
// active.
func completionsReached(completions *int, succeeded, active int) bool {
	if completions == nil {
		return succeeded > 0 && active == 0
	}
	return succeeded >= *completions && active == 0
}

// podRank is what controller.ActivePods orders pods by when choosing which
// active pods to delete first.
type podRank struct {
	assigned   bool
	phase      PodPhase
	ready      bool
	readySince time.Duration // as stored: whole seconds (Cluster.stamp)
	restarts   int
	created    time.Duration // as stored: whole seconds (Cluster.stamp)
	seq        uint64        // creation order, to break ties deterministically
}

var phaseOrdinal = map[PodPhase]int{PodPending: 0, PodUnknown: 1, PodRunning: 2}

// activePodsLess reports whether a should be deleted before b by the rules
// of controller.ActivePods.Less: unassigned before assigned; Pending
// before Unknown before Running; not ready before ready; ready for less
// time before longer; more restarts before fewer; newer before older.
// The times are the API's, to the second (Cluster.rank stamps them). Pods
// equal in all of that are neither less than the other.
func activePodsLess(a, b podRank) bool {
	if a.assigned != b.assigned {
		return !a.assigned
	}
	if pa, pb := phaseOrdinal[a.phase], phaseOrdinal[b.phase]; pa != pb {
		return pa < pb
	}
	if a.ready != b.ready {
		return !a.ready
	}
	if a.ready && a.readySince != b.readySince {
		return a.readySince > b.readySince
	}
	if a.restarts != b.restarts {
		return a.restarts > b.restarts
	}
	if a.created != b.created {
		return a.created > b.created
	}
	return false
}

// deleteBefore is activePodsLess with pods equal in every rule ordered
// oldest first. Upstream leaves their order to the informer's index, a Go
// map, whose iteration puts the oldest of a few pods first most of the time
// (docs/fidelity.md).
func deleteBefore(a, b podRank) bool {
	if activePodsLess(a, b) {
		return true
	}
	if activePodsLess(b, a) {
		return false
	}
	return a.seq < b.seq
}

// podFailure is what pod failure policy rules look at in a failed pod.
type podFailure struct {
	Namespace, Name string
	// Containers and InitContainers in the order of the pod's status.
	Containers, InitContainers []containerExit
	Conditions                 []PodCondition
}

// containerExit is a container's state as far as exit-code rules care.
type containerExit struct {
	Name       string
	Terminated bool
	ExitCode   int
}

// policyMatch is the decision of a pod failure policy for one pod
// (matchPodFailurePolicy).
type policyMatch struct {
	// Action is the action of the first matching rule, "" if none matched.
	Action PodFailurePolicyAction
	// Rule is the index of that rule.
	Rule int
	// Counts reports whether the failure counts toward failed,
	// backoffLimit and backoffLimitPerIndex: false only for Ignore.
	Counts bool
	// FailJobMessage explains a FailJob match, as the Job's condition will.
	FailJobMessage string
}

// matchPodFailurePolicy applies the rules in order; the first that matches
// decides. With no policy or no match the failure simply counts.
func matchPodFailurePolicy(policy *PodFailurePolicy, p podFailure) policyMatch {
	if policy == nil {
		return policyMatch{Counts: true}
	}
	for i, rule := range policy.Rules {
		var what func() string // describes the match, for a FailJob message
		switch {
		case rule.OnExitCodes != nil:
			c, ok := matchOnExitCodes(p, rule.OnExitCodes)
			if !ok {
				continue
			}
			what = func() string {
				return fmt.Sprintf("Container %s for pod %s/%s failed with exit code %d", c.Name, p.Namespace, p.Name, c.ExitCode)
			}
		case len(rule.OnPodConditions) > 0:
			cond, ok := matchOnPodConditions(p.Conditions, rule.OnPodConditions)
			if !ok {
				continue
			}
			what = func() string { return fmt.Sprintf("Pod %s/%s has condition %s", p.Namespace, p.Name, cond.Type) }
		default:
			continue
		}
		m := policyMatch{Action: rule.Action, Rule: i, Counts: rule.Action != ActionIgnore}
		if rule.Action == ActionFailJob {
			m.FailJobMessage = fmt.Sprintf("%s matching %s rule at index %d", what(), rule.Action, i)
		}
		return m
	}
	return policyMatch{Counts: true}
}

// matchOnExitCodes finds the first terminated container with a non-zero
// exit code that satisfies the requirement: regular containers first, then
// init containers. Exit code 0 never matches, not even NotIn.
func matchOnExitCodes(p podFailure, r *PodFailurePolicyOnExitCodes) (containerExit, bool) {
	for _, list := range [][]containerExit{p.Containers, p.InitContainers} {
		for _, c := range list {
			if !c.Terminated || c.ExitCode == 0 || (r.ContainerName != "" && r.ContainerName != c.Name) {
				continue
			}
			in := slices.Contains(r.Values, c.ExitCode)
			if (r.Operator == OpIn && in) || (r.Operator == OpNotIn && !in) {
				return c, true
			}
		}
	}
	return containerExit{}, false
}

// matchOnPodConditions finds the first pod condition (in the pod's order)
// whose type and status equal a pattern's. A pattern's empty status means
// True.
func matchOnPodConditions(conds []PodCondition, patterns []PodFailurePolicyOnPodCondition) (PodCondition, bool) {
	for _, c := range conds {
		for _, pat := range patterns {
			status := pat.Status
			if status == "" {
				status = ConditionTrue
			}
			if string(c.Type) == pat.Type && c.Status == status {
				return c, true
			}
		}
	}
	return PodCondition{}, false
}

// indexFailed reports whether a failed pod fails its index
// (isIndexFailed): a FailIndex rule matched, or the failure counts and the
// pod's failure-count annotation has reached backoffLimitPerIndex.
func indexFailed(m policyMatch, failureCount, backoffLimitPerIndex int) bool {
	if m.Action == ActionFailIndex {
		return true
	}
	return m.Counts && failureCount >= backoffLimitPerIndex
}

// replacementCounts returns the failure-count and ignored-failure-count
// annotations of the pod replacing a failed pod of an index
// (getNewIndexFailureCounts): the failure adds to one or the other.
func replacementCounts(m policyMatch, failureCount, ignoredCount int) (int, int) {
	if m.Counts {
		return failureCount + 1, ignoredCount
	}
	return failureCount, ignoredCount + 1
}

// interval is a closed range of completion indexes.
type interval struct{ first, last int }

// parseRuleIndexes reads a success policy's succeededIndexes against
// completions (parseIndexesFromString): indexes at or above completions
// are dropped, and a malformed interval is skipped.
func parseRuleIndexes(s string, completions int) []interval {
	var out []interval
	if s == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		if first >= completions {
			break
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil {
				continue
			}
			last = min(last, completions-1)
		}
		if n := len(out); n > 0 && out[n-1].last == first-1 {
			out[n-1].last = last
		} else {
			out = append(out, interval{first, last})
		}
	}
	return out
}

// successRule is a success policy rule with its progress, kept up to date
// as indexes succeed, so that evaluating the policy costs nothing per sync.
type successRule struct {
	indexes   []interval // nil for a rule with only succeededCount
	size      int        // number of indexes listed
	count     *int       // succeededCount
	contained int        // listed indexes that succeeded
}

func newSuccessRules(p *SuccessPolicy, completions int) []successRule {
	if p == nil {
		return nil
	}
	rules := make([]successRule, len(p.Rules))
	for i, r := range p.Rules {
		rules[i].count = r.SucceededCount
		if r.SucceededIndexes != nil {
			rules[i].indexes = parseRuleIndexes(*r.SucceededIndexes, completions)
			for _, iv := range rules[i].indexes {
				rules[i].size += iv.last - iv.first + 1
			}
			if rules[i].indexes == nil {
				rules[i].size = -1 // nothing parsed: the rule is skipped
			}
		}
	}
	return rules
}

// succeeded records that index ix succeeded.
func (r *successRule) succeeded(ix int) {
	if r.lists(ix) {
		r.contained++
	}
}

// lists reports whether the rule's succeededIndexes contain ix.
func (r *successRule) lists(ix int) bool {
	k, _ := slices.BinarySearchFunc(r.indexes, ix, func(iv interval, ix int) int {
		switch {
		case iv.last < ix:
			return -1
		case iv.first > ix:
			return 1
		}
		return 0
	})
	return k < len(r.indexes) && r.indexes[k].first <= ix && ix <= r.indexes[k].last
}

// matchSuccessPolicy returns the index of the first satisfied rule, or -1
// (matchSuccessPolicy): a rule listing indexes is satisfied when all of
// them succeeded, or succeededCount of them; a rule with only
// succeededCount when that many indexes succeeded. Nothing matches before
// some index has succeeded. extra, if not nil, holds per rule the listed
// indexes that succeeded beyond the rule's recorded progress.
func matchSuccessPolicy(rules []successRule, extra []int, succeeded int) int {
	if succeeded == 0 {
		return -1
	}
	for i, r := range rules {
		contained := r.contained
		if extra != nil {
			contained += extra[i]
		}
		switch {
		case r.size < 0:
		case r.indexes != nil:
			if contained == r.size || (r.count != nil && contained >= *r.count) {
				return i
			}
		case r.count != nil && succeeded >= *r.count:
			return i
		}
	}
	return -1
}
