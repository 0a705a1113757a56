// Package names holds the rules for names, label keys and label values
// of apimachinery's util/validation and api/validate/content, with the
// same messages: jobsim's checks and the browser build's mirror of
// util/validation both use them.
package names

import (
	"fmt"
	"strings"
)

// The formats, as regular expressions, and what their messages say.
const (
	DNS1123LabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	DNS1123SubdomainFmt = DNS1123LabelFmt + "(\\." + DNS1123LabelFmt + ")*"
	QualifiedNameFmt    = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	LabelValueFmt       = "(" + QualifiedNameFmt + ")?"

	DNS1123LabelMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	DNS1123SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	QualifiedNameMsg    = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	LabelValueMsg       = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

	DNSLabelMaxLen     = 63
	DNSSubdomainMaxLen = 253
)

// The formats above, matched by hand: every Job a sweep submits has its
// names and labels checked, and a regular expression costs ten times
// more. names_test.go holds them to the expressions.

// isLower: a lower case letter or a digit.
func isLower(b byte) bool { return 'a' <= b && b <= 'z' || '0' <= b && b <= '9' }

// isAlnum: a letter or a digit.
func isAlnum(b byte) bool { return isLower(b) || 'A' <= b && b <= 'Z' }

// IsDNS1123Label matches DNS1123LabelFmt.
func IsDNS1123Label(v string) bool {
	if v == "" || !isLower(v[0]) || !isLower(v[len(v)-1]) {
		return false
	}
	for i := 1; i < len(v)-1; i++ {
		if !isLower(v[i]) && v[i] != '-' {
			return false
		}
	}
	return true
}

// IsDNS1123Subdomain matches DNS1123SubdomainFmt: labels joined by dots.
func IsDNS1123Subdomain(v string) bool {
	for {
		label, rest, dot := strings.Cut(v, ".")
		if !IsDNS1123Label(label) {
			return false
		}
		if !dot {
			return true
		}
		v = rest
	}
}

// IsQualifiedName matches QualifiedNameFmt.
func IsQualifiedName(v string) bool {
	if v == "" || !isAlnum(v[0]) || !isAlnum(v[len(v)-1]) {
		return false
	}
	for i := 1; i < len(v)-1; i++ {
		if b := v[i]; !isAlnum(b) && b != '-' && b != '_' && b != '.' {
			return false
		}
	}
	return true
}

// IsLabelValue matches LabelValueFmt: empty, or a qualified name.
func IsLabelValue(v string) bool { return v == "" || IsQualifiedName(v) }

// RegexMsg explains a failed format match, listing examples and the
// regular expression.
func RegexMsg(msg, re string, examples ...string) string {
	if len(examples) == 0 {
		return msg + " (regex used for validation is '" + re + "')"
	}
	var b strings.Builder
	b.WriteString(msg + " (e.g. ")
	for i, e := range examples {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString("'" + e + "', ")
	}
	b.WriteString("regex used for validation is '" + re + "')")
	return b.String()
}

// MaxLenMsg is the message for a value longer than n; unit is "characters"
// (util/validation) or "bytes" (api/validate/content).
func MaxLenMsg(n int, unit string) string {
	return fmt.Sprintf("must be no more than %d %s", n, unit)
}

// DNS1123LabelMsgs returns why v is not a DNS-1123 label (as used for
// namespaces, container names and hostnames), or nothing.
func DNS1123LabelMsgs(v string) []string {
	var msgs []string
	if len(v) > DNSLabelMaxLen {
		msgs = append(msgs, MaxLenMsg(DNSLabelMaxLen, "characters"))
	}
	if !IsDNS1123Label(v) {
		if IsDNS1123Subdomain(v) {
			msgs = append(msgs, "must not contain dots")
		} else {
			msgs = append(msgs, RegexMsg(DNS1123LabelMsg, DNS1123LabelFmt, "my-name", "123-abc"))
		}
	}
	return msgs
}

// DNS1123SubdomainMsgs returns why v is not a DNS-1123 subdomain, or
// nothing. unit words the length limit: object names say "characters",
// label-key prefixes "bytes".
func DNS1123SubdomainMsgs(v, unit string) []string {
	var msgs []string
	if len(v) > DNSSubdomainMaxLen {
		msgs = append(msgs, MaxLenMsg(DNSSubdomainMaxLen, unit))
	}
	if !IsDNS1123Subdomain(v) {
		msgs = append(msgs, RegexMsg(DNS1123SubdomainMsg, DNS1123SubdomainFmt, "example.com"))
	}
	return msgs
}

// QualifiedNameMsgs returns why v is not a qualified name (a label or
// annotation key: an optional DNS subdomain prefix and '/', then a name of
// at most 63 characters), or nothing.
func QualifiedNameMsgs(v string) []string {
	var msgs []string
	prefix, name, slash := strings.Cut(v, "/")
	switch {
	case !slash:
		name = v
	case !strings.Contains(name, "/"):
		if prefix == "" {
			msgs = append(msgs, "prefix part must be non-empty")
		} else {
			for _, m := range DNS1123SubdomainMsgs(prefix, "bytes") {
				msgs = append(msgs, "prefix part "+m)
			}
		}
	default:
		return append(msgs, "a valid label key "+
			RegexMsg(QualifiedNameMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")+
			" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")
	}
	if name == "" {
		msgs = append(msgs, "name part must be non-empty")
	} else if len(name) > DNSLabelMaxLen {
		msgs = append(msgs, "name part "+MaxLenMsg(DNSLabelMaxLen, "bytes"))
	}
	if !IsQualifiedName(name) {
		msgs = append(msgs, "name part "+RegexMsg(QualifiedNameMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"))
	}
	return msgs
}

// LabelValueMsgs returns why v is not a valid label value, or nothing.
func LabelValueMsgs(v string) []string {
	var msgs []string
	if len(v) > DNSLabelMaxLen {
		msgs = append(msgs, MaxLenMsg(DNSLabelMaxLen, "bytes"))
	}
	if !IsLabelValue(v) {
		msgs = append(msgs, RegexMsg(LabelValueMsg, LabelValueFmt, "MyValue", "my_value", "12345"))
	}
	return msgs
}

// PercentFmt is the format of a percentage, as an IntOrString holds one.
const PercentFmt = "[0-9]+%"

// PercentMsgs returns why v is not a percentage (digits, then '%'), or
// nothing.
func PercentMsgs(v string) []string {
	digits, ok := strings.CutSuffix(v, "%")
	if ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
		return nil
	}
	return []string{RegexMsg("a valid percent string must be a numeric string followed by an ending '%'", PercentFmt, "1%", "93%")}
}
