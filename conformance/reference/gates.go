package reference

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
)

// The real controller and the registry strategy read the feature gates
// of the process, utilfeature.DefaultFeatureGate, at any moment of a run.
// A run with Options.FeatureGates therefore has the process to itself:
// gateMu is held shared by every run without gates and exclusively by a
// run with some, which sets them when it starts and puts the previous
// values back when it ends. Runs with gates wait for the others and for
// each other; the others wait while one runs.
var gateMu sync.RWMutex

// holdGates takes gateMu for a run and sets its gates; release undoes
// both. It refuses a gate the release does not know.
func holdGates(gates map[string]bool) (release func(), err error) {
	if len(gates) == 0 {
		gateMu.RLock()
		return gateMu.RUnlock, nil
	}
	g := utilfeature.DefaultMutableFeatureGate
	known := g.GetAll()
	for _, name := range slices.Sorted(maps.Keys(gates)) {
		if _, ok := known[featuregate.Feature(name)]; !ok {
			return nil, fmt.Errorf("reference: unrecognized feature gate %s (Kubernetes %s)", name, Version.Release())
		}
	}
	gateMu.Lock()
	prev := map[string]bool{}
	for name := range gates {
		prev[name] = g.Enabled(featuregate.Feature(name))
	}
	if err := g.SetFromMap(gates); err != nil {
		gateMu.Unlock()
		return nil, fmt.Errorf("reference: feature gates: %w", err)
	}
	return func() {
		defer gateMu.Unlock()
		if err := g.SetFromMap(prev); err != nil {
			panic(fmt.Sprintf("reference: restoring the feature gates %v: %v", prev, err))
		}
	}, nil
}
