//go:build !go1.26 && !(js && wasm)

package main

import "testing"

// artifactDir is where the test leaves its screenshots: before Go 1.26
// and its T.ArtifactDir, a temporary directory, removed after the test.
func artifactDir(t *testing.T) string {
	dir := t.TempDir()
	t.Logf("screenshots in %s", dir)
	return dir
}
