package manifest

import (
	"reflect"
	"strings"
	"sync"
)

// The fields of the Kubernetes API that decoding reads are those of
// k8s.io/api v0.35.4, the release jobsim's rules are written for, listed
// per type in knownFields (knownfields_gen.go, made from those types by
// TestKnownFieldsAreThoseOfTheAPI). A program that lifts k8s.io/api to a
// later release compiles jobsim against types with fields jobsim does not
// simulate; decoding refuses them, as it refuses a misspelt field, rather
// than accept and ignore them. The fields of later releases that jobsim
// does read (spec.scheduling of 1.37) are cut from the YAML before
// decoding, and judged by the version's rules (versionFields).

var (
	knownOnce sync.Once
	known     map[string]map[string]bool
)

// mirrorPrefix begins the package paths of the mirror of the API types
// that the browser build uses (internal/k8s/mirror): each mirrors the
// package whose path follows.
const mirrorPrefix = "github.com/jobsim/jobsim/internal/k8s/mirror/"

// typeKey names a type in knownFields: its package path and name. A type
// of the mirror has the key of the type it mirrors, so that both builds
// read the same fields.
func typeKey(t reflect.Type) string {
	return strings.TrimPrefix(t.PkgPath(), mirrorPrefix) + "." + t.Name()
}

// knownFieldSet returns the fields v0.35.4 gives t, and false if t is not
// one of the API's types reachable from a Job or a CronJob there.
func knownFieldSet(t reflect.Type) (map[string]bool, bool) {
	knownOnce.Do(func() {
		known = make(map[string]map[string]bool, len(knownFields))
		for k, names := range knownFields {
			set := map[string]bool{}
			for _, n := range strings.Fields(names) {
				set[n] = true
			}
			known[k] = set
		}
	})
	set, ok := known[typeKey(t)]
	return set, ok
}
