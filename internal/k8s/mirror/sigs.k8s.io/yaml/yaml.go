// Package yaml mirrors Marshal of sigs.k8s.io/yaml for the browser build:
// the JSON encoding of a value, written as YAML by go.yaml.in/yaml/v2's
// emitter, as upstream does, but without v2's parser and reflection,
// which upstream needs to read the JSON back. The emitter (apic.go,
// emitterc.go, writerc.go, yamlh.go, yamlprivateh.go) and the rules v2's
// encoder chooses scalar styles and key order by (resolve.go, sorter.go,
// encode.go) are copied from go.yaml.in/yaml/v2 v2.4.3, Copyright
// 2011-2016 Canonical Ltd., under the Apache License, Version 2.0 (and
// the MIT license of libyaml, from which the emitter is ported).
//
// Upstream reads the JSON back with v2's parser, whose errors the mirror
// has for what jobsim's objects may hold: characters YAML does not allow
// (DEL, C1 controls, U+FFFE), and a line break (NEL) in a key. Other
// keys than an object of the API can have (its field names, and names,
// label and annotation keys, which the API validates) may read otherwise:
// a key of more than 1024 characters, say, which v2 refuses.
package yaml

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Marshal marshals obj into JSON, then converts the JSON to YAML, as
// sigs.k8s.io/yaml.Marshal does.
func Marshal(obj interface{}) ([]byte, error) {
	jsonBytes, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %w", err)
	}
	return jsonToYAML(jsonBytes)
}

// jsonToYAML converts JSON to YAML as sigs.k8s.io/yaml.JSONToYAML does
// for JSON that encoding/json writes (valid UTF-8, control characters
// escaped but for DEL and C1): v2 reads it as YAML, refusing the
// characters YAML does not allow, folding the line breaks (NEL) of its
// strings, and taking its numbers for ints, uints or floats.
func jsonToYAML(j []byte) ([]byte, error) {
	for _, r := range string(j) {
		if !yamlChar(r) {
			return nil, errors.New("yaml: control characters are not allowed")
		}
	}
	if line := keyBreak(j); line > 0 {
		return nil, fmt.Errorf("yaml: line %d: did not find expected ',' or '}'", line)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v = foldAll(v)
	var out []byte
	e := &encoder{}
	yaml_emitter_initialize(&e.emitter)
	yaml_emitter_set_output_string(&e.emitter, &out)
	yaml_emitter_set_unicode(&e.emitter, true)
	yaml_stream_start_event_initialize(&e.event, yaml_UTF8_ENCODING)
	e.emit()
	yaml_document_start_event_initialize(&e.event, nil, nil, true)
	e.emit()
	e.marshal(v)
	yaml_document_end_event_initialize(&e.event, true)
	e.emit()
	e.emitter.open_ended = false
	yaml_stream_end_event_initialize(&e.event)
	e.emit()
	if e.err != nil {
		return nil, e.err
	}
	return out, nil
}

// yamlChar reports whether v2's reader allows r in its input.
func yamlChar(r rune) bool {
	switch {
	case r == 0x09, r == 0x0A, r == 0x0D:
	case r >= 0x20 && r <= 0x7E:
	case r == 0x85:
	case r >= 0xA0 && r <= 0xD7FF:
	case r >= 0xE000 && r <= 0xFFFD:
	case r >= 0x10000 && r <= 0x10FFFF:
	default:
		return false
	}
	return true
}

// keyBreak returns the line (the count of NELs up to there) where the
// first key of j that holds a NEL ends, or 0: v2 reads the key of a flow
// mapping as a simple key, which may not span lines, and fails there.
func keyBreak(j []byte) int {
	nels, inString, keyNEL := 0, false, false
	for i := 0; i < len(j); i++ {
		c := j[i]
		switch {
		case inString && c == '\\':
			i++
		case inString && c == '"':
			inString = false
			if keyNEL && i+1 < len(j) && j[i+1] == ':' {
				return nels
			}
		case inString && c == 0xC2 && i+1 < len(j) && j[i+1] == 0x85:
			nels++
			keyNEL = true
			i++
		case c == '"':
			inString, keyNEL = true, false
		}
	}
	return 0
}

// foldAll folds the strings of a JSON value, keys included.
func foldAll(v interface{}) interface{} {
	switch v := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(v))
		for k, e := range v {
			out[fold(k)] = foldAll(e)
		}
		return out
	case []interface{}:
		for i, e := range v {
			v[i] = foldAll(e)
		}
	case string:
		return fold(v)
	}
	return v
}

// fold is what v2's scanner reads of a double-quoted scalar holding s,
// unescaped: a line break (NEL, the only one encoding/json leaves
// unescaped) and the spaces around it become a space, or the further
// breaks that follow it, as yaml_parser_scan_flow_scalar joins lines.
func fold(s string) string {
	if !strings.ContainsRune(s, '\u0085') {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	i := 0
	for {
		for i < len(rs) && rs[i] != ' ' && rs[i] != '\u0085' {
			b.WriteRune(rs[i])
			i++
		}
		if i == len(rs) {
			return b.String()
		}
		leadingBlanks := false
		var whitespaces, trailingBreaks string
		for i < len(rs) && (rs[i] == ' ' || rs[i] == '\u0085') {
			switch {
			case rs[i] == ' ':
				if !leadingBlanks {
					whitespaces += " "
				}
			case !leadingBlanks:
				whitespaces = ""
				leadingBlanks = true
			default:
				trailingBreaks += "\n"
			}
			i++
		}
		switch {
		case !leadingBlanks:
			b.WriteString(whitespaces)
		case trailingBreaks == "":
			b.WriteByte(' ')
		default:
			b.WriteString(trailingBreaks)
		}
	}
}

// encoder feeds the emitter the events of v2's encoder.
type encoder struct {
	emitter yaml_emitter_t
	event   yaml_event_t
	err     error
}

func (e *encoder) emit() {
	if e.err != nil {
		return
	}
	// This will internally delete the e.event value.
	if !yaml_emitter_emit(&e.emitter, &e.event) && e.err == nil {
		e.err = fmt.Errorf("yaml: %s", e.emitter.problem)
	}
}

// marshal emits a JSON value as v2 emits what it reads of it.
func (e *encoder) marshal(v interface{}) {
	switch v := v.(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
		yaml_mapping_start_event_initialize(&e.event, nil, nil, true, yaml_BLOCK_MAPPING_STYLE)
		e.emit()
		for _, k := range keys {
			e.stringv(k)
			e.marshal(v[k])
		}
		yaml_mapping_end_event_initialize(&e.event)
		e.emit()
	case []interface{}:
		yaml_sequence_start_event_initialize(&e.event, nil, nil, true, yaml_BLOCK_SEQUENCE_STYLE)
		e.emit()
		for _, x := range v {
			e.marshal(x)
		}
		yaml_sequence_end_event_initialize(&e.event)
		e.emit()
	case string:
		e.stringv(v)
	case json.Number:
		e.emitScalar(number(string(v)), yaml_PLAIN_SCALAR_STYLE)
	case bool:
		if v {
			e.emitScalar("true", yaml_PLAIN_SCALAR_STYLE)
		} else {
			e.emitScalar("false", yaml_PLAIN_SCALAR_STYLE)
		}
	default:
		e.emitScalar("null", yaml_PLAIN_SCALAR_STYLE)
	}
}

// stringv writes a string as v2's encoder does: in a literal block when
// it has a newline, quoted when plain it would read as another type, else
// plain (the emitter quotes it still when it cannot be plain). The JSON
// of encoding/json is valid UTF-8.
func (e *encoder) stringv(s string) {
	rtag, _ := resolve(s)
	canUsePlain := rtag == strTag && !isBase60Float(s)
	switch {
	case strings.Contains(s, "\n"):
		e.emitScalar(s, yaml_LITERAL_SCALAR_STYLE)
	case canUsePlain:
		e.emitScalar(s, yaml_PLAIN_SCALAR_STYLE)
	default:
		e.emitScalar(s, yaml_DOUBLE_QUOTED_SCALAR_STYLE)
	}
}

func (e *encoder) emitScalar(value string, style yaml_scalar_style_t) {
	yaml_scalar_event_initialize(&e.event, nil, nil, []byte(value), true, true, style)
	e.emit()
}

// number is a JSON number as v2 reads it (an int, uint or float) and
// writes it again.
func number(s string) string {
	_, v := resolve(s)
	switch v := v.(type) {
	case int:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		f := strconv.FormatFloat(v, 'g', -1, 64)
		switch f {
		case "+Inf":
			f = ".inf"
		case "-Inf":
			f = "-.inf"
		case "NaN":
			f = ".nan"
		}
		return f
	}
	return s
}

// keyLess orders the keys of a mapping as v2's keyList does strings:
// letters by code point, runs of digits by their value.
func keyLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al := unicode.IsLetter(ar[i])
		bl := unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an = 1
					bn = 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

func isBase60Float(s string) (result bool) {
	// Fast path.
	if s == "" {
		return false
	}
	c := s[0]
	if !(c == '+' || c == '-' || c >= '0' && c <= '9') || strings.IndexByte(s, ':') < 0 {
		return false
	}
	// Do the full match.
	return base60float.MatchString(s)
}

var base60float = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// The tags resolve returns.
const (
	nullTag      = "!!null"
	boolTag      = "!!bool"
	strTag       = "!!str"
	intTag       = "!!int"
	floatTag     = "!!float"
	timestampTag = "!!timestamp"
	mergeTag     = "!!merge"
)

type resolveMapItem struct {
	value interface{}
	tag   string
}

var resolveTable = make([]byte, 256)
var resolveMap = make(map[string]resolveMapItem)

func init() {
	t := resolveTable
	t[int('+')] = 'S' // Sign
	t[int('-')] = 'S'
	for _, c := range "0123456789" {
		t[int(c)] = 'D' // Digit
	}
	for _, c := range "yYnNtTfFoO~" {
		t[int(c)] = 'M' // In map
	}
	t[int('.')] = '.' // Float (potentially in map)

	var resolveMapList = []struct {
		v   interface{}
		tag string
		l   []string
	}{
		{true, boolTag, []string{"y", "Y", "yes", "Yes", "YES"}},
		{true, boolTag, []string{"true", "True", "TRUE"}},
		{true, boolTag, []string{"on", "On", "ON"}},
		{false, boolTag, []string{"n", "N", "no", "No", "NO"}},
		{false, boolTag, []string{"false", "False", "FALSE"}},
		{false, boolTag, []string{"off", "Off", "OFF"}},
		{nil, nullTag, []string{"", "~", "null", "Null", "NULL"}},
		{math.NaN(), floatTag, []string{".nan", ".NaN", ".NAN"}},
		{math.Inf(+1), floatTag, []string{".inf", ".Inf", ".INF"}},
		{math.Inf(+1), floatTag, []string{"+.inf", "+.Inf", "+.INF"}},
		{math.Inf(-1), floatTag, []string{"-.inf", "-.Inf", "-.INF"}},
		{"<<", mergeTag, []string{"<<"}},
	}

	m := resolveMap
	for _, item := range resolveMapList {
		for _, s := range item.l {
			m[s] = resolveMapItem{item.v, item.tag}
		}
	}
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolve is v2's resolve of a plain scalar with no tag: the tag it
// reads as, and its value.
func resolve(in string) (rtag string, out interface{}) {
	// Any data is accepted as a !!str or !!binary.
	// Otherwise, the prefix is enough of a hint about what it might be.
	hint := byte('N')
	if in != "" {
		hint = resolveTable[in[0]]
	}
	if hint != 0 {
		// Handle things we can lookup in a map.
		if item, ok := resolveMap[in]; ok {
			return item.tag, item.value
		}

		// Base 60 floats are a bad idea, were dropped in YAML 1.2, and
		// are purposefully unsupported here. They're still quoted on
		// the way out for compatibility with other parser, though.

		switch hint {
		case 'M':
			// We've already checked the map above.

		case '.':
			// Not in the map, so maybe a normal float.
			floatv, err := strconv.ParseFloat(in, 64)
			if err == nil {
				return floatTag, floatv
			}

		case 'D', 'S':
			// Int, float, or timestamp.
			t, ok := parseTimestamp(in)
			if ok {
				return timestampTag, t
			}

			plain := strings.Replace(in, "_", "", -1)
			intv, err := strconv.ParseInt(plain, 0, 64)
			if err == nil {
				if intv == int64(int(intv)) {
					return intTag, int(intv)
				} else {
					return intTag, intv
				}
			}
			uintv, err := strconv.ParseUint(plain, 0, 64)
			if err == nil {
				return intTag, uintv
			}
			if yamlStyleFloat.MatchString(plain) {
				floatv, err := strconv.ParseFloat(plain, 64)
				if err == nil {
					return floatTag, floatv
				}
			}
			if strings.HasPrefix(plain, "0b") {
				intv, err := strconv.ParseInt(plain[2:], 2, 64)
				if err == nil {
					if intv == int64(int(intv)) {
						return intTag, int(intv)
					} else {
						return intTag, intv
					}
				}
				uintv, err := strconv.ParseUint(plain[2:], 2, 64)
				if err == nil {
					return intTag, uintv
				}
			} else if strings.HasPrefix(plain, "-0b") {
				intv, err := strconv.ParseInt("-"+plain[3:], 2, 64)
				if err == nil {
					return intTag, int(intv)
				}
			}
		}
	}
	return strTag, in
}

// This is a subset of the formats allowed by the regular expression
// defined at http://yaml.org/type/timestamp.html.
var allowedTimestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00", // RCF3339Nano with short date fields.
	"2006-1-2t15:4:5.999999999Z07:00", // RFC3339Nano with short date fields and lower-case "t".
	"2006-1-2 15:4:5.999999999",       // space separated with no time zone
	"2006-1-2",                        // date only
	// Notable exception: time.Parse cannot handle: "2001-12-14 21:59:43.10 -5"
	// from the set of examples.
}

// parseTimestamp parses s as a timestamp string and
// returns the timestamp and reports whether it succeeded.
// Timestamp formats are defined at http://yaml.org/type/timestamp.html
func parseTimestamp(s string) (time.Time, bool) {
	// Quick check: all date formats start with YYYY-.
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return time.Time{}, false
	}
	for _, format := range allowedTimestampFormats {
		if t, err := time.Parse(format, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
