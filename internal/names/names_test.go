package names

import (
	"regexp"
	"testing"

	"pgregory.net/rapid"
)

// The hand-written matchers of names.go accept exactly what the
// regular expressions of apimachinery's formats accept.
func TestNameMatchersAgreeWithTheFormats(t *testing.T) {
	formats := []struct {
		name  string
		re    *regexp.Regexp
		match func(string) bool
	}{
		{"dns1123Label", regexp.MustCompile("^" + DNS1123LabelFmt + "$"), IsDNS1123Label},
		{"dns1123Subdomain", regexp.MustCompile("^" + DNS1123SubdomainFmt + "$"), IsDNS1123Subdomain},
		{"qualifiedName", regexp.MustCompile("^" + QualifiedNameFmt + "$"), IsQualifiedName},
		{"labelValue", regexp.MustCompile("^" + LabelValueFmt + "$"), IsLabelValue},
	}
	// Strings over the characters that matter, and a few that never do.
	alphabet := []rune("ab0Z-._/ \n")
	fixed := []string{"", "a", "-", ".", "a.b", "a..b", "a-", "-a", "A", "a_b", "_a", "a.", ".a", "a\n", "my-name", "example.com", "123-abc"}
	for _, f := range formats {
		for _, v := range fixed {
			if got, want := f.match(v), f.re.MatchString(v); got != want {
				t.Errorf("%s(%q) = %v, the expression says %v", f.name, v, got, want)
			}
		}
		t.Run(f.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				v := string(rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 8).Draw(t, "v"))
				if got, want := f.match(v), f.re.MatchString(v); got != want {
					t.Fatalf("%s(%q) = %v, the expression says %v", f.name, v, got, want)
				}
			})
		})
	}
}
