// Package labels is the browser build's k8s.io/apimachinery/pkg/labels,
// as far as jobsim uses it: sets of labels, and the selectors that
// metav1.LabelSelectorAsSelector makes of a LabelSelector, which match,
// print and refuse as upstream's.
package labels

import (
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/util/validation"
)

// Labels is what a selector reads labels through.
type Labels interface {
	// Lookup returns the value of the label key, and whether there is one.
	Lookup(key string) (value string, ok bool)
}

// Set is a set of labels, by key.
type Set map[string]string

// Lookup returns the value of the label key, and whether there is one.
func (s Set) Lookup(key string) (string, bool) {
	v, ok := s[key]
	return v, ok
}

// Has reports whether there is a label key.
func (s Set) Has(key string) bool {
	_, ok := s[key]
	return ok
}

// Get returns the value of the label key, or "".
func (s Set) Get(key string) string { return s[key] }

// String returns the labels as "key=value", in order, joined by commas.
func (s Set) String() string {
	pairs := make([]string, 0, len(s))
	for k, v := range s {
		pairs = append(pairs, k+"="+v)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// Selector chooses sets of labels.
type Selector interface {
	// Matches reports whether the labels meet every requirement.
	Matches(Labels) bool
	// Empty reports whether the selector has no requirement at all.
	Empty() bool
	// String returns the selector as kubectl prints it.
	String() string
}

// Op is how a Requirement relates a label to its values.
type Op int

// The operators of a LabelSelector: matchLabels asks for Equal, and
// matchExpressions for the others.
const (
	Equal Op = iota
	In
	NotIn
	Exists
	DoesNotExist
)

// Requirement is one condition on a label.
type Requirement struct {
	Key    string
	Op     Op
	Values []string
}

// Everything returns the selector that matches every set of labels.
func Everything() Selector { return conjunction(nil) }

// Nothing returns the selector that matches no set of labels.
func Nothing() Selector { return none{} }

// Check returns what upstream's NewRequirement says of r: nil, or an
// aggregate of the field errors of its key, its number of values, then
// each value.
func (r Requirement) Check() error { return requirementErrors(&r).ToAggregate() }

// SelectorFromRequirements returns the selector that matches the sets of
// labels that meet every requirement (checked already).
func SelectorFromRequirements(reqs []Requirement) Selector {
	sorted := slices.Clone(reqs)
	slices.SortStableFunc(sorted, func(a, b Requirement) int { return strings.Compare(a.Key, b.Key) })
	return conjunction(sorted)
}

// requirementErrors are the errors of r that Check returns.
func requirementErrors(r *Requirement) field.ErrorList {
	var errs field.ErrorList
	if msgs := validation.IsQualifiedName(r.Key); len(msgs) > 0 {
		errs = append(errs, field.Invalid(field.NewPath("key"), r.Key, strings.Join(msgs, "; ")))
	}
	values := field.NewPath("values")
	switch {
	case (r.Op == In || r.Op == NotIn) && len(r.Values) == 0:
		errs = append(errs, field.Invalid(values, r.Values, "for 'in', 'notin' operators, values set can't be empty"))
	case r.Op == Equal && len(r.Values) != 1:
		errs = append(errs, field.Invalid(values, r.Values, "exact-match compatibility requires one single value"))
	case (r.Op == Exists || r.Op == DoesNotExist) && len(r.Values) != 0:
		errs = append(errs, field.Invalid(values, r.Values, "values set must be empty for exists and does not exist"))
	}
	for i, v := range r.Values {
		if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
			errs = append(errs, field.Invalid(values.Index(i).Key(r.Key), v, strings.Join(msgs, "; ")))
		}
	}
	return errs
}

// none matches nothing: the selector of no LabelSelector at all.
type none struct{}

func (none) Matches(Labels) bool { return false }
func (none) Empty() bool         { return false }
func (none) String() string      { return "" }

// conjunction matches what meets all its requirements, sorted by key.
type conjunction []Requirement

func (c conjunction) Matches(l Labels) bool {
	for i := range c {
		if !c[i].matches(l) {
			return false
		}
	}
	return true
}

func (c conjunction) Empty() bool { return len(c) == 0 }

func (c conjunction) String() string {
	parts := make([]string, len(c))
	for i := range c {
		parts[i] = c[i].String()
	}
	return strings.Join(parts, ",")
}

func (r *Requirement) matches(l Labels) bool {
	v, ok := l.Lookup(r.Key)
	switch r.Op {
	case Equal, In:
		return ok && slices.Contains(r.Values, v)
	case NotIn:
		return !ok || !slices.Contains(r.Values, v)
	case Exists:
		return ok
	case DoesNotExist:
		return !ok
	}
	return false
}

// String returns r as a selector string writes it: "k=v", "k in (a,b)",
// "k notin (a,b)", "k" or "!k", with the values in order.
func (r *Requirement) String() string {
	values := r.Values
	if !slices.IsSorted(values) {
		values = slices.Sorted(slices.Values(values))
	}
	list := strings.Join(values, ",")
	switch r.Op {
	case Equal:
		return r.Key + "=" + list
	case In:
		return r.Key + " in (" + list + ")"
	case NotIn:
		return r.Key + " notin (" + list + ")"
	case Exists:
		return r.Key
	}
	return "!" + r.Key
}
