package reference

import (
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/jobsim/jobsim"
)

// DefaultVersion is the release of go.mod, built without a k8s1.N tag.
const DefaultVersion = jobsim.V1_37

// The release a build runs is chosen twice: by the module file
// (go.mod, or k8s/1.N.mod with -modfile), which decides the
// k8s.io/kubernetes it links, and by the build tag (none, or k8s1.N),
// which decides Version and the constructor's signature in release_*.go.
// Most mismatches fail to compile, as the constructor's parameter types
// differ; checkRelease catches the rest (a tag of an older release on a
// newer module) before a call through the wrong signature.

// checkRelease reports an error unless the k8s.io/kubernetes module of
// this binary is Version's release.
var checkRelease = sync.OnceValue(func() error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	for _, m := range info.Deps {
		if m.Path != "k8s.io/kubernetes" {
			continue
		}
		if m.Version != Version.Release() {
			return fmt.Errorf("reference: built with k8s.io/kubernetes %s but for Kubernetes %s: the build tag and the module file disagree (to test %s: %s)", m.Version, Version.Release(), m.Version, command(releaseOf(m.Version)))
		}
	}
	return nil
})

// BuildFlags returns the go command's flags that build the harness
// against the release of v, from the conformance directory: none for
// DefaultVersion, else -modfile=k8s/1.N.mod -tags k8s1.N.
func BuildFlags(v jobsim.Version) []string {
	if v == DefaultVersion || v == 0 {
		return nil
	}
	return []string{"-modfile=k8s/" + v.String() + ".mod", "-tags", "k8s" + v.String()}
}

// command is the go test command line for v.
func command(v jobsim.Version) string {
	return strings.Join(append(append([]string{"go", "test"}, BuildFlags(v)...), "./..."), " ")
}

// releaseOf returns the version whose release is rel, or 0.
func releaseOf(rel string) jobsim.Version {
	for _, v := range jobsim.Versions() {
		if v.Release() == rel {
			return v
		}
	}
	return 0
}
