package jobsim

import "time"

// What Explain needs that the event log does not say: how the Job
// controller counted each finished pod (succeeded, failed, or ignored by
// a podFailurePolicy rule) when it removed the pod's tracking finalizer.
// The controller records it in writeStatus, only while the cluster keeps
// its event log (Config.DiscardEvents unset), so that a run without
// history pays nothing for it.

// podVerdict is how one sync counted one pod.
type podVerdict struct {
	at      time.Duration // the sync's time since the epoch
	name    string
	ordinal int // creation ordinal within the job
	index   int // completion index, -1 if none
	phase   PodPhase
	action  PodFailurePolicyAction // of the matching rule, "" if none matched
	rule    int                    // that rule's index, when action is set
	// counted: the pod joined status.succeeded or status.failed.
	counted bool
	failed  bool // counted (or ignored) as a failure
	// failures is the pod's index failure count (backoffLimitPerIndex).
	failures int
}

// noteVerdict records how the sync planning pl counts p, whose finalizer
// it is about to remove. It mirrors decideFinalizers' switch.
func (c *Cluster) noteVerdict(pl *plan, p *pod) {
	if c.cfg.DiscardEvents {
		return
	}
	j := pl.j
	v := podVerdict{at: pl.now, name: p.name(), ordinal: p.ordinal, index: p.index, phase: p.phase, failures: p.failureCount}
	valid := !j.indexed() || j.idx.valid(p.index)
	failureFinish := pl.finish != nil && pl.finish.Type != JobSuccessCriteriaMet
	switch {
	case p.phase == PodSucceeded:
		v.counted = !j.indexed() || pl.marks.markers[p.index] == p
	case j.isPodFailed(p) || failureFinish:
		m := c.policyOf(p)
		v.failed = true
		v.action, v.rule = m.Action, m.Rule
		v.counted = valid && m.Counts
	default:
		return // an active pod a scale-down deletes: never counted
	}
	j.verdicts = append(j.verdicts, v)
}
