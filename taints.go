package jobsim

import (
	"slices"
	"time"
)

// Taints and tolerations, as the v1 API has them and as kube-scheduler's
// TaintToleration plugin and the node lifecycle controller's taint
// eviction read them (k8s.io/component-helpers/scheduling/corev1 and
// pkg/apis/core/v1/helper).

// Taint marks a node so that only pods that tolerate it are scheduled
// there (NoSchedule), preferably not (PreferNoSchedule), or stay there
// (NoExecute).
type Taint struct {
	Key    string
	Value  string
	Effect TaintEffect
}

// TaintEffect is what a taint does to the pods that do not tolerate it.
type TaintEffect string

// The taint effects.
const (
	// TaintNoSchedule keeps new pods that do not tolerate the taint off
	// the node; the pods already there stay.
	TaintNoSchedule TaintEffect = "NoSchedule"
	// TaintPreferNoSchedule makes the scheduler avoid the node for pods
	// that do not tolerate it, as a score.
	TaintPreferNoSchedule TaintEffect = "PreferNoSchedule"
	// TaintNoExecute keeps new pods off the node and evicts the pods there
	// that do not tolerate it, at once or after their tolerationSeconds.
	TaintNoExecute TaintEffect = "NoExecute"
)

// Toleration lets a pod be scheduled on, or stay on, a node with a
// matching taint.
type Toleration struct {
	// Key is the taint key it matches; empty with Operator Exists matches
	// every taint.
	Key string
	// Operator is Equal (the default, "") or Exists.
	Operator TolerationOperator
	// Value must equal the taint's value with Operator Equal.
	Value string
	// Effect is the taint effect it matches; empty matches them all.
	Effect TaintEffect
	// TolerationPeriod (tolerationSeconds), for a NoExecute toleration, is how long the pod
	// stays on the node once tainted; nil means for ever.
	TolerationPeriod *time.Duration
}

// TolerationOperator is the operator of a Toleration.
type TolerationOperator string

// The toleration operators.
const (
	TolerationOpEqual  TolerationOperator = "Equal"
	TolerationOpExists TolerationOperator = "Exists"
)

// The taints Kubernetes itself puts on nodes.
const (
	// TaintNodeNotReady is put (NoExecute, and NoSchedule) by the node
	// lifecycle controller on a node whose Ready condition is False.
	TaintNodeNotReady = "node.kubernetes.io/not-ready"
	// TaintNodeUnreachable is put (NoExecute, and NoSchedule) on a node
	// whose Ready condition is Unknown: its kubelet stopped reporting.
	TaintNodeUnreachable = "node.kubernetes.io/unreachable"
	// TaintNodeUnschedulable is put (NoSchedule) on a cordoned node.
	TaintNodeUnschedulable = "node.kubernetes.io/unschedulable"
)

// ToleratesTaint reports whether t tolerates taint, as
// v1.Toleration.ToleratesTaint decides: the effects match (or t has
// none), the keys match (or t has none and is Exists), and with Equal the
// values match.
func (t *Toleration) ToleratesTaint(taint *Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case TolerationOpExists:
		return true
	case "", TolerationOpEqual:
		return t.Value == taint.Value
	}
	return false
}

// tolerates reports whether some toleration of ts tolerates taint.
func tolerates(ts []Toleration, taint *Taint) bool {
	for i := range ts {
		if ts[i].ToleratesTaint(taint) {
			return true
		}
	}
	return false
}

func cloneTolerations(ts []Toleration) []Toleration {
	if ts == nil {
		return nil
	}
	out := make([]Toleration, len(ts))
	for i, t := range ts {
		t.TolerationPeriod = clonePtr(t.TolerationPeriod)
		out[i] = t
	}
	return out
}

// withDefaultTolerations returns ts with the tolerations the
// DefaultTolerationSeconds admission plugin adds to a pod that has none
// for the not-ready and unreachable NoExecute taints: 300 s each. A
// toleration counts if its key is that taint's or empty and its effect
// NoExecute or empty, whatever its operator.
func withDefaultTolerations(ts []Toleration) []Toleration {
	if len(ts) == 0 {
		// Full, so that an append copies: the slice is shared.
		return defaultTolerations[:len(defaultTolerations):len(defaultTolerations)]
	}
	return addDefaultTolerations(ts)
}

// defaultTolerations is what withDefaultTolerations returns for a pod
// with no tolerations, shared by all such pods: nothing changes a job's
// tolerations once computed.
var defaultTolerations = addDefaultTolerations(nil)

// addDefaultTolerations is withDefaultTolerations, in a new slice.
func addDefaultTolerations(ts []Toleration) []Toleration {
	out := slices.Clone(ts)
	for _, key := range []string{TaintNodeNotReady, TaintNodeUnreachable} {
		covered := false
		for _, t := range ts {
			if (t.Key == key || t.Key == "") && (t.Effect == TaintNoExecute || t.Effect == "") {
				covered = true
			}
		}
		if !covered {
			out = append(out, Toleration{Key: key, Operator: TolerationOpExists, Effect: TaintNoExecute, TolerationPeriod: Ptr(notReadyToleration)})
		}
	}
	return out
}

// hasEffect reports whether some taint has effect e.
func hasEffect(taints []Taint, e TaintEffect) bool {
	for i := range taints {
		if taints[i].Effect == e {
			return true
		}
	}
	return false
}
