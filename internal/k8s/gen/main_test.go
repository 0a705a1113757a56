package main

import "testing"

// The mirror and the choosing packages are those the generator makes of
// the k8s.io/api of go.mod and of the names the module uses: run go
// generate ./internal/k8s/gen after changing either.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	t.Chdir(".") // generate works from the module root; come back after
	if stale := generate(true); len(stale) > 0 {
		t.Errorf("out of date, run go generate ./internal/k8s/gen: %v", stale)
	}
}
