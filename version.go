package jobsim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Kubernetes versions: which release's controllers a Cluster simulates,
// its feature gates, and the profile of behaviours they decide.

// Version is a Kubernetes minor release whose Job controller, kubelet,
// scheduler and API server validation a Cluster simulates. The zero value
// means the newest one jobsim knows, Latest.
type Version int

// The versions jobsim simulates, each from the sources of one patch
// release (Version.Release).
const (
	V1_34 Version = 34 // Kubernetes v1.34.4
	V1_35 Version = 35 // Kubernetes v1.35.4
	V1_36 Version = 36 // Kubernetes v1.36.3
	V1_37 Version = 37 // Kubernetes v1.37.2

	// Latest is the newest version, the default.
	Latest = V1_37
)

// releases are the patch releases whose sources each version follows.
var releases = map[Version]string{V1_34: "v1.34.4", V1_35: "v1.35.4", V1_36: "v1.36.3", V1_37: "v1.37.2"}

// Versions returns the versions jobsim simulates, oldest first.
func Versions() []Version { return []Version{V1_34, V1_35, V1_36, V1_37} }

// resolve returns v, or Latest for the zero value.
// Resolve returns the version, or Latest for the zero value.
func (v Version) Resolve() Version { return v.resolve() }

func (v Version) resolve() Version {
	if v == 0 {
		return Latest
	}
	return v
}

// String returns the version as "1.37"; the zero value reads as Latest.
func (v Version) String() string {
	v = v.resolve()
	if _, ok := releases[v]; !ok {
		return fmt.Sprintf("Version(%d)", int(v))
	}
	return fmt.Sprintf("1.%d", int(v))
}

// Release returns the patch release whose sources the version follows,
// such as "v1.37.2".
func (v Version) Release() string { return releases[v.resolve()] }

// ParseVersion reads a version as users write it: "1.36", "v1.36", or
// the exact patch release jobsim follows ("1.36.3"). Another patch of a
// known minor is refused, since patches differ (fixes are cherry-picked),
// and so is a minor release jobsim does not simulate.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(s, "v")
	for _, v := range Versions() {
		rel := strings.TrimPrefix(v.Release(), "v")
		switch {
		case t == v.String() || t == rel:
			return v, nil
		case strings.HasPrefix(t, v.String()+"."):
			return 0, fmt.Errorf("version %s is not simulated: for Kubernetes %s jobsim follows %s; write %q", s, v, rel, v.String())
		}
	}
	var known []string
	for _, v := range Versions() {
		known = append(known, v.String())
	}
	return 0, fmt.Errorf("version %s is not simulated: jobsim simulates Kubernetes %s", s, strings.Join(known, ", "))
}

// A gate is a feature gate as one version's kube-controller-manager
// knows it.
type gate struct {
	def    bool
	stage  string // ALPHA, BETA, GA, DEPRECATED
	locked bool
	deps   []string
}

// gateTables parses the generated tables once.
var gateTables = sync.OnceValue(func() map[Version]map[string]gate {
	out := map[Version]map[string]gate{}
	for v, text := range map[Version]string{V1_34: gates1_34, V1_35: gates1_35, V1_36: gates1_36, V1_37: gates1_37} {
		t := map[string]gate{}
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			f := strings.Fields(line)
			g := gate{def: f[1] == "true", stage: f[2], locked: f[3] == "true"}
			if len(f) > 4 {
				g.deps = strings.Split(f[4], ",")
			}
			t[f[0]] = g
		}
		out[v] = t
	}
	return out
})

// The feature gates whose value jobsim simulates. Any other gate the
// version knows may be named only with its default value: jobsim does
// not model what it would change.
const (
	gateJobManagedBy                  = "JobManagedBy"
	gateMutableSchedulingDirectives   = "MutableSchedulingDirectivesForSuspendedJobs"
	gateMutablePodResources           = "MutablePodResourcesForSuspendedJobs"
	gateRestartAllContainers          = "RestartAllContainersOnContainerExits"
	gateContainerRestartRules         = "ContainerRestartRules"
	gateStaleControllerConsistencyJob = "StaleControllerConsistencyJob"
)

var simulatedGates = []string{gateJobManagedBy, gateMutableSchedulingDirectives, gateMutablePodResources,
	gateRestartAllContainers, gateContainerRestartRules, gateStaleControllerConsistencyJob}

// SimulatedFeatureGates returns the names of the feature gates whose
// value changes what jobsim simulates, where the version has them.
func SimulatedFeatureGates() []string { return slices.Clone(simulatedGates) }

// validateGates checks a Config's feature gates against its version, as
// kube-controller-manager's --feature-gates does, and refuses a value
// jobsim does not simulate.
func validateGates(v Version, gates map[string]bool) []FieldError {
	v = v.resolve()
	table, ok := gateTables()[v]
	if !ok {
		return []FieldError{{Type: ErrorTypeNotSupported, Field: "version", BadValue: int(v), Detail: "supported values: 34, 35, 36, 37 (V1_34 ... V1_37)"}}
	}
	var errs []FieldError
	bad := func(name string, val bool, detail string) {
		errs = append(errs, FieldError{Type: ErrorTypeInvalid, Field: "featureGates." + name, BadValue: val, Detail: detail})
	}
	for _, name := range sortedKeys(gates) {
		val := gates[name]
		g, ok := table[name]
		switch {
		case !ok:
			bad(name, val, fmt.Sprintf("unrecognized feature gate: %s (Kubernetes %s)", name, v.Release()))
		case g.locked && val != g.def:
			bad(name, val, fmt.Sprintf("cannot set feature gate %s to %t, feature is locked to %t (Kubernetes %s)", name, val, g.def, v.Release()))
		case val != g.def && !slices.Contains(simulatedGates, name):
			bad(name, val, fmt.Sprintf("jobsim does not simulate %s=%t; it runs with the gate at its default, %t, in Kubernetes %s", name, val, g.def, v.Release()))
		}
	}
	if len(errs) > 0 || len(gates) == 0 {
		// Each version's defaults satisfy their own dependencies
		// (TestDefaultGatesAreConsistent): nothing to check, which
		// matters to the many small clusters of a sweep.
		return errs
	}
	return gateDependencyErrors(table, gates)
}

// gateDependencyErrors refuses gates enabled while a gate they depend on
// is disabled, as the feature gate registry does.
func gateDependencyErrors(table map[string]gate, gates map[string]bool) []FieldError {
	var errs []FieldError
	enabled := func(name string) bool {
		if val, ok := gates[name]; ok {
			return val
		}
		return table[name].def
	}
	for _, name := range slices.Sorted(maps.Keys(table)) {
		if !enabled(name) {
			continue
		}
		var off []string
		for _, d := range table[name].deps {
			if !enabled(d) {
				off = append(off, d)
			}
		}
		if len(off) > 0 {
			errs = append(errs, FieldError{Type: ErrorTypeInvalid, Field: "featureGates." + name, BadValue: true,
				Detail: fmt.Sprintf("%s is enabled, but depends on features that are disabled: [%s]", name, strings.Join(off, " "))})
		}
	}
	return errs
}

// profile is what a version and its feature gates decide, resolved once
// per cluster: each field is one behaviour that differs between the
// versions jobsim simulates (docs/fidelity.md lists them).
type profile struct {
	version Version

	// managedBy: spec.managedBy is kept and honoured, and the API server
	// validates the controller's status writes (JobManagedBy; Beta in
	// 1.34, GA from 1.35). Off, the field is dropped on create.
	managedBy bool
	// clearStartOnSuspend: the sync that adds Suspended=True clears
	// status.startTime, so activeDeadlineSeconds starts over on resume
	// (MutableSchedulingDirectivesForSuspendedJobs; Alpha in 1.35, Beta
	// from 1.36).
	clearStartOnSuspend bool
	// mutableDirectives, mutableResources: a suspended job's template may
	// change its scheduling directives, or its containers' resources,
	// also after it started (the same gate, and
	// MutablePodResourcesForSuspendedJobs).
	mutableDirectives, mutableResources bool
	// zeroActiveInBackoff: while the pod-failure backoff holds creations
	// back, manageJob returns 0 active (fixed by kubernetes#139457, first
	// in v1.36.3).
	zeroActiveInBackoff bool
	// restartAllContainers: a container restart rule may have the action
	// RestartAllContainers (RestartAllContainersOnContainerExits, Beta
	// from 1.36); restartRules: restart rules are kept at all
	// (ContainerRestartRules, Beta from 1.35).
	restartAllContainers, restartRules bool
	// schedulingField: spec.scheduling exists (1.37).
	schedulingField bool
	// balanceChange: NodeResourcesBalancedAllocation scores the change in
	// balance a pod makes, not the balance with it (from 1.36).
	balanceChange bool
	// draPostFilter: the DynamicResources plugin's PostFilter adds "no new
	// claims to deallocate" to a failed preemption's message (up to 1.36);
	// preemptionPlacement: a successful preemption's message names the
	// node and the number of victims (from 1.37).
	draPostFilter, preemptionPlacement bool
	// tiesByHeap: kube-scheduler takes the best-scored node off a heap of
	// the feasible nodes in its listing order, so ties go the heap's way
	// (from 1.35); before, selectHost drew among them at random.
	tiesByHeap bool
}

// newProfile resolves a validated version and gates.
func newProfile(v Version, gates map[string]bool) profile {
	v = v.resolve()
	if len(gates) == 0 {
		if p, ok := defaultProfiles()[v]; ok {
			return p
		}
	}
	return makeProfile(v, gates)
}

// defaultProfiles are the profiles of the versions with their default
// gates, made once: a sweep starts a cluster per seed.
var defaultProfiles = sync.OnceValue(func() map[Version]profile {
	out := map[Version]profile{}
	for _, v := range Versions() {
		out[v] = makeProfile(v, nil)
	}
	return out
})

// makeProfile is newProfile, made from the gate tables.
func makeProfile(v Version, gates map[string]bool) profile {
	on := func(name string) bool { return FeatureGateEnabled(v, gates, name) }
	return profile{
		version:              v,
		managedBy:            on(gateJobManagedBy),
		clearStartOnSuspend:  on(gateMutableSchedulingDirectives),
		mutableDirectives:    on(gateMutableSchedulingDirectives),
		mutableResources:     on(gateMutablePodResources),
		zeroActiveInBackoff:  v <= V1_35,
		restartAllContainers: on(gateRestartAllContainers),
		restartRules:         on(gateContainerRestartRules),
		schedulingField:      v >= V1_37,
		balanceChange:        v >= V1_36,
		draPostFilter:        v <= V1_36,
		preemptionPlacement:  v >= V1_37,
		tiesByHeap:           v >= V1_35,
	}
}

// FeatureGateEnabled reports whether the feature gate name is on in
// version v with gates set (as Config.FeatureGates): the gate's value in
// gates, else the version's default. A gate the version does not have is
// off.
func FeatureGateEnabled(v Version, gates map[string]bool, name string) bool {
	if val, ok := gates[name]; ok {
		return val
	}
	return gateTables()[v.resolve()][name].def
}
