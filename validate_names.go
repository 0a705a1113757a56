package jobsim

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jobsim/jobsim/internal/names"
)

// The name formats and their messages are internal/names'; the names
// below are those this package has always used for them.

const (
	dns1123LabelFmt     = names.DNS1123LabelFmt
	dns1123SubdomainFmt = names.DNS1123SubdomainFmt
	qualifiedNameFmt    = names.QualifiedNameFmt
	labelValueFmt       = names.LabelValueFmt
	httpPathFmt         = `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`

	dns1123LabelMsg     = names.DNS1123LabelMsg
	dns1123SubdomainMsg = names.DNS1123SubdomainMsg
	qualifiedNameMsg    = names.QualifiedNameMsg
	labelValueMsg       = names.LabelValueMsg
)

var httpPathRE = regexp.MustCompile("^" + httpPathFmt + "$")

func regexMsg(msg, re string, examples ...string) string { return names.RegexMsg(msg, re, examples...) }

func dns1123LabelMsgs(v string) []string           { return names.DNS1123LabelMsgs(v) }
func dns1123SubdomainMsgs(v, unit string) []string { return names.DNS1123SubdomainMsgs(v, unit) }
func qualifiedNameMsgs(v string) []string          { return names.QualifiedNameMsgs(v) }
func labelValueMsgs(v string) []string             { return names.LabelValueMsgs(v) }

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
