// Command gates prints, as Go source, the feature gates of the
// kube-controller-manager of the Kubernetes release the harness is built
// with: one line per gate, its name, default, stage (GA where the gate
// names none), whether it is locked to its default, and the gates it
// depends on. k8s/gates runs it for every release and writes the root
// module's featuregates_gen.go, which jobsim's version profiles read.
//
//	go run ./cmd/gates                                  # the default release
//	go run -modfile=k8s/1.34.mod -tags k8s1.34 ./cmd/gates
package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jobsim/jobsim/conformance/reference"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	_ "k8s.io/kubernetes/pkg/features" // registers the gates
)

func main() {
	g := utilfeature.DefaultMutableFeatureGate
	all := g.GetAll()
	var deps map[featuregate.Feature][]featuregate.Feature
	if d, ok := any(g).(interface {
		Dependencies() map[featuregate.Feature][]featuregate.Feature
	}); ok {
		deps = d.Dependencies()
	}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, string(k))
	}
	slices.Sort(names)
	fmt.Printf("const gates%s = `\n", strings.ReplaceAll(reference.Version.String(), ".", "_"))
	for _, n := range names {
		spec := all[featuregate.Feature(n)]
		stage := string(spec.PreRelease)
		if stage == "" {
			stage = "GA"
		}
		var ds []string
		for _, d := range deps[featuregate.Feature(n)] {
			ds = append(ds, string(d))
		}
		slices.Sort(ds)
		line := fmt.Sprintf("%s %t %s %t %s", n, spec.Default, stage, spec.LockToDefault, strings.Join(ds, ","))
		fmt.Println(strings.TrimRight(line, " "))
	}
	fmt.Println("`")
}
