//go:build go1.26 && !(js && wasm)

package main

import "testing"

// artifactDir is where the test leaves its screenshots: with go test
// -artifacts, kept under -outputdir; without, removed after the test.
func artifactDir(t *testing.T) string {
	dir := t.ArtifactDir()
	t.Logf("screenshots in %s", dir)
	return dir
}
