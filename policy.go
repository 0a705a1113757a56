package jobsim

import "time"

// This file holds the Job controller's decisions as pure functions: inputs
// in, a named result out, no engine and no state. Times are virtual times
// as durations since the cluster's epoch.

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

// The kubelet's container restart backoff (pkg/kubelet, client-go
// flowcontrol.Backoff without jitter).
const (
	crashLoopInitial = 10 * time.Second
	crashLoopMax     = 300 * time.Second
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
	d := podFailureBackoff
	for i := 1; i < n; i++ {
		d *= 2
		if d >= maxPodFailureBackoff {
			return maxPodFailureBackoff
		}
	}
	return d
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

// crashLoop is the kubelet's restart backoff for one container
// (client-go flowcontrol.Backoff as the kubelet uses it).
type crashLoop struct {
	delay      time.Duration // current backoff; 0 means no entry yet
	lastUpdate time.Duration // when the entry was last advanced
}

// restartDelay returns how long after an exit at finished the container
// must wait before its restart. The kubelet restarts at once when it has
// no backoff entry or the entry is stale (the container ran for more than
// twice the maximum since the last restart); otherwise it waits the
// current delay.
func (b crashLoop) restartDelay(finished time.Duration) time.Duration {
	if b.delay == 0 || finished-b.lastUpdate > 2*crashLoopMax {
		return 0
	}
	return b.delay
}

// restarted returns the entry after a restart at now that followed an
// exit at finished: a fresh 10 s entry after an immediate restart, else
// the delay doubled up to the 300 s cap.
func (b crashLoop) restarted(finished, now time.Duration) crashLoop {
	if b.delay == 0 || finished-b.lastUpdate > 2*crashLoopMax {
		return crashLoop{delay: crashLoopInitial, lastUpdate: now}
	}
	return crashLoop{delay: min(2*b.delay, crashLoopMax), lastUpdate: now}
}

// podRank is what controller.ActivePods orders pods by when choosing which
// active pods to delete first.
type podRank struct {
	assigned   bool
	phase      PodPhase
	ready      bool
	readySince time.Duration
	restarts   int
	created    time.Duration
	seq        uint64 // creation order, to break ties deterministically
}

var phaseOrdinal = map[PodPhase]int{PodPending: 0, PodUnknown: 1, PodRunning: 2}

// deleteBefore reports whether a should be deleted before b
// (controller.ActivePods.Less): unassigned before assigned; Pending before
// Unknown before Running; not ready before ready; ready for less time
// before longer; more restarts before fewer; newer before older. Pods equal
// in all of that (Kubernetes' creation timestamps have one-second
// precision, so this is common upstream, where the order is then
// arbitrary) go newest first.
func deleteBefore(a, b podRank) bool {
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
	return a.seq > b.seq
}
