// Package validation is the browser build's k8s.io/apimachinery/pkg/util/validation:
// the name, label and percentage rules jobsim asks about, with upstream's
// messages. The rules themselves are internal/names', which jobsim's own
// checks use too.
package validation

import "github.com/jobsim/jobsim/internal/names"

// IsDNS1123Label returns why value is not a DNS-1123 label, or nothing.
func IsDNS1123Label(value string) []string { return names.DNS1123LabelMsgs(value) }

// IsDNS1123Subdomain returns why value is not a DNS-1123 subdomain, or
// nothing.
func IsDNS1123Subdomain(value string) []string {
	return names.DNS1123SubdomainMsgs(value, "characters")
}

// IsQualifiedName returns why value is not a qualified name (a label or
// annotation key), or nothing.
func IsQualifiedName(value string) []string { return names.QualifiedNameMsgs(value) }

// IsValidLabelValue returns why value is not a label value, or nothing.
func IsValidLabelValue(value string) []string { return names.LabelValueMsgs(value) }

// IsValidPercent returns why value is not a percentage, or nothing.
func IsValidPercent(value string) []string { return names.PercentMsgs(value) }
