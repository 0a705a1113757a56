package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const passwd = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
`

// elf is the start of a Linux executable.
const elf = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00@\x10@\x00\x00\x00\x00\x00\n\x00\x00"

// TestScenarioFileThatIsNotAManifestIsReportedAtItsEntry: when a
// scenario's jobs[i].file names something that is not a manifest, the
// problem is at the scenario's file: line, and quotes at most 40
// characters of the file's first offending line, escaped.
func TestScenarioFileThatIsNotAManifestIsReportedAtItsEntry(t *testing.T) {
	files := map[string]string{
		"dir/passwd":    passwd,
		"dir/app":       elf,
		"dir/latin1":    "name: caf\xe9\n",
		"dir/long.txt":  strings.Repeat("word ", 10000) + "\n",
		"dir/dashes.md": "# Notes\n---\njust text\n---\n- a list\n",
		"dir/broken":    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: [x\n",
		"dir/job.yaml":  manifestWith(),
	}
	const head = "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n- file: job.yaml\n- at: 1m\n  file: "
	problem := func(msg string) []Problem {
		return []Problem{{File: "dir/s.yaml", Line: 6, Field: "jobs[1].file", Message: msg}}
	}
	tests := []struct {
		name string
		file string
		want []Problem
	}{
		{"text", "passwd", problem(`Invalid value: "passwd": line 1: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "root:x:0:0:root:/root:/bin/bash"`)},
		{"binary", "app", problem(`Invalid value: "app": line 1: binary data (a NUL byte), not YAML or JSON: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00@\x10@\x00\x00\x00\x00\x00"`)},
		{"not UTF-8", "latin1", problem(`Invalid value: "latin1": line 1: not UTF-8 text, as YAML and JSON must be: "name: caf\xe9"`)},
		{"one long line", "long.txt", problem(`Invalid value: "long.txt": line 1: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "` + strings.Repeat("word ", 8) + `"...`)},
		{"several documents", "dashes.md", problem(`Invalid value: "dashes.md": line 3: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "just text" (and 1 more problem)`)},
		{"YAML syntax", "broken", problem(`Invalid value: "broken": line 4: invalid YAML: did not find expected ',' or ']'`)},
		{"absolute path", "/etc/passwd", []Problem{{File: "dir/s.yaml", Line: 6, Field: "jobs[1].file", Message: `Invalid value: "/etc/passwd": line 1: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "root:x:0:0:root:/root:/bin/bash"`}}},
	}
	files["/etc/passwd"] = passwd
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("dir/s.yaml", []byte(head+tt.file+"\n"), Options{ReadFile: mapFiles(files)})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestManifestThatIsNotAManifest: given directly, such a file is a
// problem at its own line, quoted the same way.
func TestManifestThatIsNotAManifest(t *testing.T) {
	tests := []struct {
		name, input string
		want        []Problem
	}{
		{"text", passwd, []Problem{{File: "f", Line: 1, Message: `expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "root:x:0:0:root:/root:/bin/bash"`}}},
		{"list", "# a list\n- a\n- b\n", []Problem{{File: "f", Line: 2, Message: `expected a Kubernetes object (apiVersion, kind, metadata, spec), got a list: "- a"`}}},
		{"binary after text", "apiVersion: batch/v1\nkind: Job\n" + elf, []Problem{{File: "f", Line: 3, Message: `binary data (a NUL byte), not YAML or JSON: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00@\x10@\x00\x00\x00\x00\x00"`}}},
		// Helm markup that a binary holds by chance is not reported.
		{"binary with braces", "\x00{{ x }}\n{{ y }}\n", []Problem{{File: "f", Line: 1, Message: `binary data (a NUL byte), not YAML or JSON: "\x00{{ x }}"`}}},
		// YAML reads UTF-16 with a byte order mark: it is text.
		{"UTF-16", "\xff\xfe-\x00 \x00a\x00\n\x00", []Problem{{File: "f", Line: 1, Message: `expected a Kubernetes object (apiVersion, kind, metadata, spec), got a list: "\xff\xfe-\x00 \x00a\x00"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tt.input), Options{})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			_, _, err = DecodeJobs("f", []byte(tt.input), Options{})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("DecodeJobs (-want +got):\n%s", diff)
			}
		})
	}
}
