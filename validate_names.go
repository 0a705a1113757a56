package jobsim

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Name formats of apimachinery's util/validation and api/validate/content,
// with the same messages.

const (
	dns1123LabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
	qualifiedNameFmt    = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	labelValueFmt       = "(" + qualifiedNameFmt + ")?"
	httpPathFmt         = `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`

	dns1123LabelMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	dns1123SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	qualifiedNameMsg    = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	labelValueMsg       = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

	dnsLabelMaxLen     = 63
	dnsSubdomainMaxLen = 253
)

var httpPathRE = regexp.MustCompile("^" + httpPathFmt + "$")

// The formats above, matched by hand: every Job a sweep submits has its
// names and labels checked, and a regular expression costs ten times
// more. validate_names_internal_test.go holds them to the expressions.

func isLower(b byte) bool { return 'a' <= b && b <= 'z' || '0' <= b && b <= '9' }

func isAlnum(b byte) bool { return isLower(b) || 'A' <= b && b <= 'Z' }

// isDNS1123Label matches dns1123LabelFmt.
func isDNS1123Label(v string) bool {
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

// isDNS1123Subdomain matches dns1123SubdomainFmt: labels joined by dots.
func isDNS1123Subdomain(v string) bool {
	for {
		label, rest, dot := strings.Cut(v, ".")
		if !isDNS1123Label(label) {
			return false
		}
		if !dot {
			return true
		}
		v = rest
	}
}

// isQualifiedName matches qualifiedNameFmt.
func isQualifiedName(v string) bool {
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

// isLabelValue matches labelValueFmt: empty, or a qualified name.
func isLabelValue(v string) bool { return v == "" || isQualifiedName(v) }

// regexMsg explains a failed format match, listing examples and the
// regular expression.
func regexMsg(msg, re string, examples ...string) string {
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

// maxLenMsg is the message for a value longer than n; unit is "characters"
// (util/validation) or "bytes" (api/validate/content).
func maxLenMsg(n int, unit string) string {
	return fmt.Sprintf("must be no more than %d %s", n, unit)
}

// dns1123LabelMsgs returns why v is not a DNS-1123 label (as used for
// namespaces, container names and hostnames), or nothing.
func dns1123LabelMsgs(v string) []string {
	var msgs []string
	if len(v) > dnsLabelMaxLen {
		msgs = append(msgs, maxLenMsg(dnsLabelMaxLen, "characters"))
	}
	if !isDNS1123Label(v) {
		if isDNS1123Subdomain(v) {
			msgs = append(msgs, "must not contain dots")
		} else {
			msgs = append(msgs, regexMsg(dns1123LabelMsg, dns1123LabelFmt, "my-name", "123-abc"))
		}
	}
	return msgs
}

// dns1123SubdomainMsgs returns why v is not a DNS-1123 subdomain, or
// nothing. unit words the length limit: object names say "characters",
// label-key prefixes "bytes".
func dns1123SubdomainMsgs(v, unit string) []string {
	var msgs []string
	if len(v) > dnsSubdomainMaxLen {
		msgs = append(msgs, maxLenMsg(dnsSubdomainMaxLen, unit))
	}
	if !isDNS1123Subdomain(v) {
		msgs = append(msgs, regexMsg(dns1123SubdomainMsg, dns1123SubdomainFmt, "example.com"))
	}
	return msgs
}

// qualifiedNameMsgs returns why v is not a qualified name (a label or
// annotation key: an optional DNS subdomain prefix and '/', then a name of
// at most 63 characters), or nothing.
func qualifiedNameMsgs(v string) []string {
	var msgs []string
	prefix, name, slash := strings.Cut(v, "/")
	switch {
	case !slash:
		name = v
	case !strings.Contains(name, "/"):
		if prefix == "" {
			msgs = append(msgs, "prefix part must be non-empty")
		} else {
			for _, m := range dns1123SubdomainMsgs(prefix, "bytes") {
				msgs = append(msgs, "prefix part "+m)
			}
		}
	default:
		return append(msgs, "a valid label key "+
			regexMsg(qualifiedNameMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")+
			" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")
	}
	if name == "" {
		msgs = append(msgs, "name part must be non-empty")
	} else if len(name) > dnsLabelMaxLen {
		msgs = append(msgs, "name part "+maxLenMsg(dnsLabelMaxLen, "bytes"))
	}
	if !isQualifiedName(name) {
		msgs = append(msgs, "name part "+regexMsg(qualifiedNameMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc"))
	}
	return msgs
}

// labelValueMsgs returns why v is not a valid label value, or nothing.
func labelValueMsgs(v string) []string {
	var msgs []string
	if len(v) > dnsLabelMaxLen {
		msgs = append(msgs, maxLenMsg(dnsLabelMaxLen, "bytes"))
	}
	if !isLabelValue(v) {
		msgs = append(msgs, regexMsg(labelValueMsg, labelValueFmt, "MyValue", "my_value", "12345"))
	}
	return msgs
}

// domainPrefixedPathErrors checks that v looks like "acme.io/foo": a DNS
// subdomain, '/', and an HTTP path.
func domainPrefixedPathErrors(path, v string) fieldErrors {
	var l fieldErrors
	if v == "" {
		l.required(path, "")
		return l
	}
	host, rest, found := strings.Cut(v, "/")
	if !found || host == "" || rest == "" {
		l.invalid(path, v, `must be a domain-prefixed path (such as "acme.io/foo")`)
		return l
	}
	for _, msg := range dns1123SubdomainMsgs(host, "characters") {
		l.invalid(path, host, msg)
	}
	if !httpPathRE.MatchString(rest) {
		l.invalid(path, rest, regexMsg("Invalid path", httpPathFmt))
	}
	return l
}

// sortedKeys returns m's keys in order, nil without allocating when m is
// empty (an iterator's closures are allocated even then).
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// labels checks label keys (qualified names) and values, in key order.
// Valid labels, the common case, are checked in the map's order, without
// sorting the keys.
func (l *fieldErrors) labels(path string, labels map[string]string) {
	valid := true
	for k, v := range labels {
		if qualifiedNameMsgs(k) != nil || labelValueMsgs(v) != nil {
			valid = false
			break
		}
	}
	if valid {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		for _, msg := range qualifiedNameMsgs(k) {
			l.invalid(path, k, msg)
		}
		for _, msg := range labelValueMsgs(labels[k]) {
			l.invalid(path, labels[k], msg)
		}
	}
}

// annotations checks annotation keys (qualified names, case-insensitive)
// and the total size.
func (l *fieldErrors) annotations(path string, annotations map[string]string) {
	size, valid := 0, true
	for k, v := range annotations {
		size += len(k) + len(v)
		valid = valid && qualifiedNameMsgs(strings.ToLower(k)) == nil
	}
	if valid {
		if size > maxAnnotationsSize {
			l.tooLong(path, maxAnnotationsSize)
		}
		return
	}
	size = 0
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range qualifiedNameMsgs(strings.ToLower(k)) {
			l.invalid(path, k, msg)
		}
		size += len(k) + len(annotations[k])
	}
	if size > maxAnnotationsSize {
		l.tooLong(path, maxAnnotationsSize)
	}
}

// countSucceededIndexes parses an index list such as "1,3-5" strictly (as the
// API server checks succeededIndexes: intervals increasing and apart, each
// index below completions) and returns how many indexes it names. The
// empty list names none.
func countSucceededIndexes(s string, completions int) (int, error) {
	if s == "" {
		return 0, nil
	}
	total, last := 0, 0
	for i, part := range strings.Split(s, ",") {
		x, y, err := parseSucceededInterval(part, completions)
		if err != nil {
			return 0, err
		}
		if i > 0 && last >= x {
			return 0, fmt.Errorf("non-increasing order, previous: %d, current: %d", last, x)
		}
		total += y - x + 1
		last = y
	}
	return total, nil
}

// parseSucceededInterval parses "x" or "x-y" with x < y < completions.
func parseSucceededInterval(s string, completions int) (int, int, error) {
	limits := strings.Split(s, "-")
	if len(limits) > 2 {
		return 0, 0, fmt.Errorf("the fragment %q violates the requirement that an index interval can have at most two parts separated by '-'", s)
	}
	x, err := parseSucceededIndex(limits[0], completions)
	if err != nil || len(limits) == 1 {
		return x, x, err
	}
	y, err := parseSucceededIndex(limits[1], completions)
	if err != nil {
		return 0, 0, err
	}
	if x >= y {
		return 0, 0, fmt.Errorf("non-increasing order, previous: %d, current: %d", x, y)
	}
	return x, y, nil
}

func parseSucceededIndex(s string, completions int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("cannot convert string to integer for index: %q", s)
	}
	if n >= completions {
		return 0, fmt.Errorf("too large index: %q", s)
	}
	return n, nil
}
