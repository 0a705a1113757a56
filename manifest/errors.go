package manifest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobsim/jobsim"
)

// Problem is one thing wrong with an input: where it is (the file, the
// line when known, and the field path) and what is wrong with it.
type Problem struct {
	// File is the path of the file, as it was given.
	File string
	// Line is the 1-based line in File, or 0 when it is not known.
	Line int
	// Field is the field path, such as "spec.parallelism" in a manifest
	// or "jobs[0].actions[2].completions" in a scenario; "" for a problem
	// of the whole file or document.
	Field string
	// Message says what is wrong, in the API server's words where it has
	// some ("Invalid value: -1: must be greater than or equal to 0").
	Message string
}

// String formats the problem as FILE:LINE: FIELD: MESSAGE, leaving out
// the parts that are unknown: FIELD: MESSAGE with no file (as the
// problems of NewJob and FromJob have), "line LINE: " before them for a
// line with no file.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Line > 0 && p.File == "":
		b.WriteString("line " + strconv.Itoa(p.Line))
	case p.Line > 0:
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error is the error of Load, Parse, DecodeJobs and Scenario.Simulate
// when their input is invalid: it lists every problem found, in the order
// of the input.
type Error struct {
	// Problems lists every problem found; it is never empty.
	Problems []Problem
}

// Error returns the problems, one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Problems returns the problems listed by err if it is (or wraps) an
// *Error, and nil otherwise.
func Problems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// Notice is something worth telling about an input that is not a problem:
// a document of another kind that was skipped, say.
type Notice struct {
	File    string // the file, as given
	Line    int    // the 1-based line, or 0
	Message string // what happened
}

// String formats the notice as FILE:LINE: MESSAGE.
func (n Notice) String() string {
	return Problem{File: n.File, Line: n.Line, Message: n.Message}.String()
}

// problems collects Problems of one file; the zero value is ready to use.
type problems struct {
	list []Problem
}

// add records a problem. The messages quote what they can bound (see
// quoteClip); whatever is left that is not printable is escaped here, so
// that a problem is always one line of plain text.
func (ps *problems) add(file string, line int, field, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	ps.list = append(ps.list, Problem{File: file, Line: line, Field: clipPath(field), Message: escape(msg)})
}

// err returns the problems as an *Error, or nil. They are grouped by
// file, in the order the files were first named, and sorted by line
// within a file.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	rank := map[string]int{}
	for _, p := range ps.list {
		if _, ok := rank[p.File]; !ok {
			rank[p.File] = len(rank)
		}
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		if c := cmp.Compare(rank[a.File], rank[b.File]); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return &Error{Problems: list}
}

// fieldErrorMessage is a jobsim.FieldError without its field path:
// "Invalid value: -1: must be greater than or equal to 0". A string value
// is bounded to maxSegment characters: longer than any valid name, key or
// label, and short enough not to flood the screen.
func fieldErrorMessage(fe jobsim.FieldError) string {
	fe = boundValue(fe)
	return strings.TrimPrefix(fe.Error(), fe.Field+": ")
}

// boundValue cuts the string value of a FieldError to maxSegment
// characters, with "..." when cut.
func boundValue(fe jobsim.FieldError) jobsim.FieldError {
	if v, ok := fe.BadValue.(string); ok {
		if c, cut := clipRunes(v, maxSegment); cut {
			fe.BadValue = c + "..."
		}
	}
	return fe
}

// apiErrorBody is an apimachinery field error without its field path,
// its string value bounded as by boundValue.
func apiErrorBody(fe *field.Error) string {
	e := *fe
	if v, ok := e.BadValue.(string); ok {
		if c, cut := clipRunes(v, maxSegment); cut {
			e.BadValue = c + "..."
		}
	}
	return e.ErrorBody()
}
