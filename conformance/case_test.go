package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
)

const scenarioBody = `apiVersion: jobsim/v1alpha1
kind: Scenario
jobs:
  - job:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: j}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers: [{name: main, image: busybox}]
    pods:
      default: {run: 5s}
`

// TestCaseVersions checks which builds a case is for: a versions note
// ("1.36+" is that version and the later ones jobsim knows, a list is
// those), or the scenario's own kubernetesVersion, and that a case is
// parsed only on the builds it applies to.
func TestCaseVersions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		notes string // comment lines at the top
		kver  string // the scenario's kubernetesVersion, if any
		want  []jobsim.Version
		err   string
	}{
		{name: "none", want: nil},
		{name: "from", notes: "# versions: 1.36+\n", want: []jobsim.Version{jobsim.V1_36, jobsim.V1_37}},
		{name: "list", notes: "# versions: 1.34, 1.35\n", want: []jobsim.Version{jobsim.V1_34, jobsim.V1_35}},
		{name: "file", kver: "1.35", want: []jobsim.Version{jobsim.V1_35}},
		{name: "both", notes: "# versions: 1.35+\n", kver: "1.36", want: []jobsim.Version{jobsim.V1_36}},
		{name: "conflict", notes: "# versions: 1.36+\n", kver: "1.35", err: "not among the versions"},
		{name: "unknown", notes: "# versions: 1.33\n", err: "not simulated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.notes
			if tc.kver != "" {
				data += "kubernetesVersion: \"" + tc.kver + "\"\n"
			}
			data += scenarioBody
			c, err := ParseCase("x.yaml", []byte(data))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Versions, tc.want) {
				t.Errorf("versions %v, want %v", c.Versions, tc.want)
			}
			applies := len(tc.want) == 0 || slices.Contains(tc.want, reference.Version)
			if c.Applies() != applies {
				t.Errorf("Applies() = %t on a %s build, want %t", c.Applies(), reference.Version, applies)
			}
			if (c.Scenario != nil) != applies {
				t.Errorf("scenario parsed: %t, want %t (only where the case applies)", c.Scenario != nil, applies)
			}
		})
	}
}
