package jobsim

// A cluster's configuration, and its validation.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Config configures a Cluster. The zero value is a cluster that behaves
// like Kubernetes with the defaults below.
type Config struct {
	// Version is the Kubernetes release whose controllers, kubelet,
	// scheduler and API validation the cluster follows; the zero value
	// means Latest. Versions lists them; docs/fidelity.md says what
	// differs between them.
	Version Version
	// FeatureGates sets feature gates as kube-controller-manager's
	// --feature-gates does, over the version's defaults. Naming a gate
	// the version does not have, or setting a locked one to other than
	// its default, is an error, as it is for kube-controller-manager.
	// Of the others, only the gates SimulatedFeatureGates names may be
	// set to other than their default: jobsim does not model what the
	// rest change.
	FeatureGates map[string]bool

	// Seed is the root of every random draw (pod name suffixes, random
	// behaviours). The same seed and inputs give the same history. Zero is
	// a valid seed.
	Seed uint64
	// Start is the virtual time the cluster starts at. The zero value means
	// the Unix epoch, 1970-01-01T00:00:00Z.
	Start time.Time
	// SyncDelay is how long the Job controller waits after a pod change or
	// a status write before syncing the job. The real controller batches
	// these by 1 s (syncJobBatchPeriod); the default 0 reacts at once.
	// Spec changes are always synced at once.
	SyncDelay time.Duration
	// MaxEvents bounds how many engine events a cluster may fire; 0 means
	// sim.DefaultMaxEvents. Run and its variants return an error wrapping
	// sim.ErrEventLimit when it is reached.
	MaxEvents uint64
	// MaxFinishedPods is how many finished pods that the controller has
	// already counted the cluster keeps, oldest removed first, like
	// kube-controller-manager's --terminated-pod-gc-threshold. 0 means its
	// default, 12500; -1 keeps none, which bounds memory by parallelism.
	MaxFinishedPods int
	// DiscardEvents turns off the cluster's event log (Events). Observers
	// still see every event.
	DiscardEvents bool

	// Nodes are the cluster's machines. None means one node, "node-0", of
	// unlimited capacity and no labels, on which every pod is bound at
	// once, unless its nodeSelector or required node affinity needs a
	// label (then it stays pending, as on any node without that label).
	Nodes []Node
	// PriorityClasses define the priorityClassName values pods may use.
	PriorityClasses []PriorityClass
	// RuntimeClasses define the runtimeClassName values pods may use:
	// their overhead and scheduling. A template naming a class that is
	// not here is refused, as the API server's admission refuses its
	// pods.
	RuntimeClasses []RuntimeClass
	// PodDisruptionBudgets limit the voluntary disruptions of the pods
	// they select: evictions wait for them, and preemption prefers victims
	// whose budgets allow it.
	PodDisruptionBudgets []PodDisruptionBudget
	// Scoring ranks the nodes a pod fits on; nil means LeastAllocated.
	Scoring ScoringPolicy
	// SchedulingLatency is how long a new pod waits before the scheduler
	// first tries to place it; 0 means at once.
	SchedulingLatency time.Duration
}

// defaultMaxFinishedPods is kube-controller-manager's default
// --terminated-pod-gc-threshold.
const defaultMaxFinishedPods = 12500

// validateConfig checks the cluster's version and feature gates, nodes
// and priority classes.
func validateConfig(cfg Config) []FieldError {
	errs := validateGates(cfg.Version, cfg.FeatureGates)
	seen := map[string]bool{}
	for i, n := range cfg.Nodes {
		path := fmt.Sprintf("nodes[%d]", i)
		if n.Name == "" {
			errs = append(errs, FieldError{Type: ErrorTypeRequired, Field: path + ".name"})
		} else if seen[n.Name] {
			errs = append(errs, FieldError{Type: ErrorTypeDuplicate, Field: path + ".name", BadValue: n.Name})
		}
		seen[n.Name] = true
		for _, r := range slices.Sorted(maps.Keys(n.Capacity)) {
			if n.Capacity[r] < 0 {
				errs = append(errs, FieldError{Type: ErrorTypeInvalid, Field: path + ".capacity[" + r + "]", BadValue: n.Capacity[r], Detail: "must be greater than or equal to 0"})
			}
		}
	}
	classes := map[string]bool{}
	defaults := 0
	for i, pc := range cfg.PriorityClasses {
		path := fmt.Sprintf("priorityClasses[%d]", i)
		switch {
		case pc.Name == "":
			errs = append(errs, FieldError{Type: ErrorTypeRequired, Field: path + ".name"})
		case classes[pc.Name]:
			errs = append(errs, FieldError{Type: ErrorTypeDuplicate, Field: path + ".name", BadValue: pc.Name})
		case strings.HasPrefix(pc.Name, "system-"):
			errs = append(errs, FieldError{Type: ErrorTypeForbidden, Field: path + ".name", Detail: "priority class names with 'system-' prefix are reserved"})
		case pc.Value > 1_000_000_000:
			errs = append(errs, FieldError{Type: ErrorTypeInvalid, Field: path + ".value", BadValue: int(pc.Value), Detail: "must be less than or equal to 1000000000 (higher values are reserved for system classes)"})
		}
		if pc.PreemptionPolicy != "" && pc.PreemptionPolicy != PreemptLowerPriority && pc.PreemptionPolicy != PreemptNever {
			errs = append(errs, FieldError{Type: ErrorTypeNotSupported, Field: path + ".preemptionPolicy", BadValue: pc.PreemptionPolicy,
				Detail: `supported values: "Never", "PreemptLowerPriority"`})
		}
		classes[pc.Name] = true
		if pc.GlobalDefault {
			defaults++
			if defaults > 1 {
				errs = append(errs, FieldError{Type: ErrorTypeInvalid, Field: path + ".globalDefault", BadValue: true, Detail: "only one priority class may be the global default"})
			}
		}
	}
	errs = append(errs, validateScheduling(cfg)...)
	var rcs fieldErrors
	rcs.runtimeClasses(cfg.RuntimeClasses)
	return append(errs, rcs...)
}

// ValidateConfig checks a Config's version and feature gates, nodes,
// priority classes, disruption budgets and runtime classes, and returns nil or a *ValidationError listing every
// problem. NewCluster panics on a Config that fails it.
func ValidateConfig(cfg Config) error {
	if errs := validateConfig(cfg); len(errs) > 0 {
		return &ValidationError{Kind: "Config", Name: "cluster", Errors: errs}
	}
	return nil
}
