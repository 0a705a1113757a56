package jobsimtest

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// ReplayFailFiles replays every failure file committed under testdata/rapid
// of the package being tested, each as a subtest, so that a failure once
// found stays a regression test. When a property fails, rapid writes the
// input it shrank to as testdata/rapid/TestName/TestName-*.fail; props maps
// each TestName to its property.
//
// Each file is replayed with rapid's -rapid.failfile option and no random
// checks after it (-rapid.checks=0). The subtest fails if the property
// fails on the file's input, if rapid cannot replay the file (written by
// another version of rapid, or holding an input the property's generators
// no longer accept: rapid itself passes over such files with only a log
// line), and if no property in props has the file's TestName. With no file
// at all, it skips t.
//
// ReplayFailFiles sets rapid's flags while a replay runs: do not call it
// from a parallel test.
func ReplayFailFiles(t *testing.T, props map[string]func(*rapid.T)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.fail"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no failure files under testdata/rapid: nothing to replay")
	}
	for _, file := range files {
		test := filepath.Base(filepath.Dir(file))
		t.Run(test+"/"+strings.TrimSuffix(filepath.Base(file), ".fail"), func(t *testing.T) {
			prop, ok := props[test]
			if !ok {
				t.Fatalf("%s: no property %s to replay it with", file, test)
			}
			setFlag(t, "rapid.failfile", file)
			setFlag(t, "rapid.checks", "0")
			tb := &replayTB{T: t}
			rapid.Check(tb, prop)
			if tb.skipped != "" {
				t.Errorf("rapid did not replay %s: %s", file, tb.skipped)
			}
		})
	}
}

// setFlag sets a command-line flag for the rest of t.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	f := flag.Lookup(name)
	if f == nil {
		t.Fatalf("no flag -%s", name)
	}
	old := f.Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set(name, old) })
}

// replayTB notes the lines with which rapid (v1.3.0) says it passes over a
// failure file instead of replaying it.
type replayTB struct {
	*testing.T
	skipped string
}

// Logf logs, noting a failure file rapid did not replay.
func (tb *replayTB) Logf(format string, args ...any) {
	tb.T.Helper()
	msg := fmt.Sprintf(format, args...)
	if strings.HasPrefix(msg, "[rapid] ignoring fail file") || strings.HasSuffix(msg, "is no longer valid") {
		tb.skipped = msg
	}
	tb.T.Log(msg)
}
