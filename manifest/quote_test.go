package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuoteClipCutsAtFortyCharactersAndEscapes(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"short", `"short"`},
		{strings.Repeat("a", 40), `"` + strings.Repeat("a", 40) + `"`},
		{strings.Repeat("a", 41), `"` + strings.Repeat("a", 40) + `"...`},
		// Characters, not bytes: 45 two-byte letters are cut at 40.
		{strings.Repeat("é", 45), `"` + strings.Repeat("é", 40) + `"...`},
		{"tab\there\x00\x1b[2J", `"tab\there\x00\x1b[2J"`},
		{"\xff\xfe not UTF-8", `"\xff\xfe not UTF-8"`},
	}
	for _, tt := range tests {
		if got := quoteClip(tt.in); got != tt.want {
			t.Errorf("quoteClip(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEscapeKeepsPrintableTextAndEscapesTheRest(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`plain "quoted" text, ünïcödé`, `plain "quoted" text, ünïcödé`},
		{"a\nb\rc\x7f", `a\nb\rc\x7f`},
		{"\u2028", `\u2028`},
		{"\xc3", `\xc3`},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestProblemsQuoteABoundedPartOfTheInput feeds values, names and
// markup far longer than a message should hold: each problem quotes at
// most 40 characters of them, with "...", and escapes what is not
// printable.
func TestProblemsQuoteABoundedPartOfTheInput(t *testing.T) {
	long := strings.Repeat("x", 500)
	x40 := strings.Repeat("x", 40)
	tests := []struct {
		name  string
		input string
		want  []Problem
	}{
		{"string for an integer", manifestWith("SPEC", "  parallelism: "+long), []Problem{
			{File: "job.yaml", Line: 6, Field: "spec.parallelism", Message: `expected an integer, got a string ("` + x40 + `"...)`},
		}},
		{"huge integer", manifestWith("SPEC", "  parallelism: 1"+strings.Repeat("0", 100)), []Problem{
			{File: "job.yaml", Line: 6, Field: "spec.parallelism", Message: "1" + strings.Repeat("0", 39) + "... is out of range for int32 (-2147483648 to 2147483647)"},
		}},
		{"unknown field", manifestWith("SPEC", "  "+long+": 1"), []Problem{
			{File: "job.yaml", Line: 6, Field: "spec." + x40 + "...", Message: `unknown field "` + x40 + `"...`},
		}},
		{"control characters in a field name", manifestWith("SPEC", `  "\e[2Jparallelism": 1`), []Problem{
			{File: "job.yaml", Line: 6, Field: `spec.\x1b[2Jparallelism`, Message: `unknown field "\x1b[2Jparallelism"`},
		}},
		{"time", strings.Replace(manifestWith(), "  name: job1", "  name: job1\n  creationTimestamp: "+long, 1), []Problem{
			{File: "job.yaml", Line: 5, Field: "metadata.creationTimestamp", Message: `Invalid value: "` + x40 + `"...: must be an RFC 3339 time such as 2026-01-01T00:00:00Z`},
		}},
		{"list for a port", manifestWith("CTR", "          livenessProbe: {httpGet: {port: [1]}}"), []Problem{
			{File: "job.yaml", Line: 12, Field: "spec.template.spec.containers[0].livenessProbe.httpGet.port", Message: "expected an integer, got a list"},
		}},
		{"unknown anchor", "a: *" + long + "\n", []Problem{
			{File: "job.yaml", Line: 1, Message: "invalid YAML: unknown anchor '" + x40 + "'... referenced"},
		}},
		{"helm markup", manifestWith("CTR", "          args: [{{ .Values.\x01"+long+" }}]"), []Problem{
			{File: "job.yaml", Line: 12, Message: `Helm template markup {{ .Values.\x01` + strings.Repeat("x", 45) + "... is not YAML: render the chart with `helm template` first"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("job.yaml", []byte(tt.input), Options{})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScenarioProblemsQuoteABoundedPartOfTheInput does the same for the
// scenario's own fields.
func TestScenarioProblemsQuoteABoundedPartOfTheInput(t *testing.T) {
	long := strings.Repeat("y", 300)
	y40 := strings.Repeat("y", 40)
	files := map[string]string{"job.yaml": manifestWith()}
	const head = "apiVersion: jobsim/v1alpha1\nkind: Scenario\n"
	tests := []struct {
		name  string
		input string
		want  []Problem
	}{
		{"duration", head + "until: " + long + "\njobs: [{file: job.yaml}]\n", []Problem{
			{File: "s.yaml", Line: 3, Field: "until", Message: `Invalid value: "` + y40 + `"...: must be a duration such as "45s", "2m" or "1h30m"`},
		}},
		{"unknown field", head + long + ": 1\njobs: [{file: job.yaml}]\n", []Problem{
			{File: "s.yaml", Line: 3, Field: y40 + "...", Message: `unknown field "` + y40 + `"...`},
		}},
		{"fault action", head + "faults: [{at: 1m, node: node-0, action: " + long + "}]\njobs: [{file: job.yaml}]\n", []Problem{
			{File: "s.yaml", Line: 3, Field: "faults[0].action", Message: `Unsupported value: "` + y40 + `"...: supported values: "fail", "drain", "recover"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.input), Options{ReadFile: mapFiles(files)})
			if diff := cmp.Diff(tt.want, Problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidationValuesAreBounded: the API server's messages quote the
// whole value; jobsim keeps that for any value a Job can validly hold,
// and cuts longer ones at 320 characters.
func TestValidationValuesAreBounded(t *testing.T) {
	name := strings.Repeat("n", 1000)
	_, err := Parse("job.yaml", []byte(strings.Replace(manifestWith(), "name: job1", "name: "+name, 1)), Options{})
	ps := Problems(err)
	if len(ps) == 0 {
		t.Fatal("no problem for a 1000-character name")
	}
	for _, p := range ps {
		if strings.Contains(p.Message, strings.Repeat("n", 321)) {
			t.Errorf("%s: quotes more than 320 characters of the name", p.Field)
		}
		if p.Field == "metadata.name" && !strings.HasPrefix(p.Message, `Invalid value: "`+strings.Repeat("n", 320)+`...": `) {
			t.Errorf("metadata.name: %.400s", p.Message)
		}
	}
}
