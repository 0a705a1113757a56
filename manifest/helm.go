package manifest

import (
	"bytes"
	"regexp"
	"strings"
)

// Helm template markup ({{ .Release.Name }}, {{ .Values.image }}, {{- if
// ... }}) is not YAML: a chart must be rendered (helm template) before
// Kubernetes, or jobsim, can read it. findHelm finds it so that the error
// can say so and name the line, instead of a baffling YAML error.
//
// Not every "{{" is Helm's, though: a rendered manifest may carry a Go
// template as data, as in `args: ["-o", "go-template={{.metadata.name}}"]`.
// So an action counts as Helm markup when it stands where YAML would read
// it as syntax (outside quotes and block scalars), or when it uses one of
// Helm's objects or template keywords (.Release, .Values, include, if,
// ...). Markup inside comments is ignored: it does not change the YAML.

// releaseNameRE matches {{ .Release.Name }} with any spacing.
var releaseNameRE = regexp.MustCompile(`\{\{\s*\.Release\.Name\s*\}\}`)

// helmActionRE matches what starts an action that only Helm would write.
var helmActionRE = regexp.MustCompile(`^(-\s*)?(\.(Release|Values|Chart|Files|Capabilities|Template|Subcharts)\b|\$|/\*|(include|template|tpl|toYaml|toJson|fromYaml|if|else|end|range|with|define|block|required|default|quote|squote|printf|nindent|indent|lookup)\b)`)

// helmMarkup is one Helm action found in a file.
type helmMarkup struct {
	line int    // 1-based
	text string // the action, "{{ ... }}", cut to one line
}

// substituteRelease replaces every {{ .Release.Name }} with name.
func substituteRelease(data []byte, name string) []byte {
	return releaseNameRE.ReplaceAllLiteral(data, []byte(name))
}

// findHelm returns the Helm actions in data, at most one per line.
func findHelm(data []byte) []helmMarkup {
	if !bytes.Contains(data, []byte("{{")) {
		return nil
	}
	var found []helmMarkup
	lines := strings.Split(string(data), "\n")
	blockIndent := -1 // indentation of the key that opened a block scalar
	for i, line := range lines {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		blank := strings.TrimSpace(line) == ""
		inBlock := blockIndent >= 0 && (blank || indent > blockIndent)
		if !inBlock {
			blockIndent = -1
		}
		if m, ok := helmInLine(line, inBlock); ok {
			found = append(found, helmMarkup{line: i + 1, text: m})
		}
		if !inBlock && opensBlockScalar(line) {
			blockIndent = indent
		}
	}
	return found
}

// helmInLine reports the first Helm action in one line. In a block
// scalar the whole line is data.
func helmInLine(line string, inBlock bool) (string, bool) {
	quote := byte(0)
	prev := byte(0) // previous non-space character outside quotes
	for k := 0; k < len(line); k++ {
		c := line[k]
		switch {
		case quote == '\'' && c == '\'':
			if k+1 < len(line) && line[k+1] == '\'' {
				k++
				continue
			}
			quote = 0
			prev = c
			continue
		case quote == '"' && c == '\\':
			k++
			continue
		case quote == '"' && c == '"':
			quote = 0
			prev = c
			continue
		case quote == 0 && !inBlock && c == '#' && (k == 0 || line[k-1] == ' ' || line[k-1] == '\t'):
			return "", false // a comment
		case quote == 0 && !inBlock && (c == '\'' || c == '"') && startsScalar(prev):
			quote = c
			continue
		}
		if c == '{' && k+1 < len(line) && line[k+1] == '{' {
			action := line[k:]
			if end := strings.Index(action, "}}"); end >= 0 {
				action = action[:end+2]
			}
			inner := strings.TrimSpace(strings.TrimPrefix(action, "{{"))
			syntax := quote == 0 && !inBlock
			if syntax || helmActionRE.MatchString(inner) {
				return action, true
			}
			if end := strings.Index(line[k:], "}}"); end >= 0 {
				k += end + 1
			}
			continue
		}
		if c != ' ' && c != '\t' {
			prev = c
		}
	}
	return "", false
}

// startsScalar reports whether a quote after prev opens a quoted scalar:
// at the start of a line or value, not inside a plain word (it's).
func startsScalar(prev byte) bool {
	switch prev {
	case 0, ':', '-', '[', '{', ',', '?':
		return true
	}
	return false
}

// opensBlockScalar reports whether a line ends with a block scalar
// indicator (| or >, with optional chomping and indentation indicators),
// comments aside.
func opensBlockScalar(line string) bool {
	s := line
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " \t")
	s = strings.TrimRight(s, "+-0123456789")
	if !strings.HasSuffix(s, "|") && !strings.HasSuffix(s, ">") {
		return false
	}
	s = strings.TrimSpace(strings.TrimRight(s, "|>"))
	return s == "" || strings.HasSuffix(s, ":") || s == "-" || strings.HasSuffix(s, " -")
}
