package jobsim

import "time"

// What Explain needs that the event log does not say: how the Job
// controller counted each finished pod (succeeded, failed, or ignored by
// a podFailurePolicy rule) when it removed the pod's tracking finalizer.
// decideFinalizers records it as it decides, only while the cluster keeps
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

// verdict is how the sync planning pl counts p, whose finalizer it is
// about to remove: decideFinalizers' decision, with m the policy rule p
// matched (for a failure) and counted whether it joined a count.
func (c *Cluster) verdict(pl *plan, p *pod, m policyMatch, counted bool) podVerdict {
	v := podVerdict{at: pl.now, name: p.name(), ordinal: p.ordinal, index: p.index, phase: p.phase, failures: p.failureCount, counted: counted}
	if p.phase != PodSucceeded {
		v.failed = true
		v.action, v.rule = m.Action, m.Rule
	}
	return v
}
