package manifest

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds how many nodes a strict check visits, so that aliases
// cannot make it explode.
const maxNodes = 1_000_000

// checker walks a node tree against the Go type it will be decoded into,
// as a strict decoder would, and records the line of every field path it
// sees. It reports unknown fields (case-sensitively, as the API server
// does), lists or objects where the other is expected, and scalars that
// cannot become the field's integer or boolean, each with its path and
// line.
type checker struct {
	file   string
	offset int    // added to node lines
	prefix string // prepended to reported paths, "" or "jobs[0].job."
	lines  map[string]int
	ps     *problems
	budget int
	// bad are the paths of the values that were reported: they decode
	// as null, and validation problems under them are only echoes.
	bad []string
}

func newChecker(file string, offset int, prefix string, ps *problems) *checker {
	return &checker{file: file, offset: offset, prefix: prefix, lines: map[string]int{}, ps: ps, budget: maxNodes}
}

func (c *checker) line(n *yaml.Node) int { return n.Line + c.offset }

func (c *checker) report(n *yaml.Node, path, format string, args ...any) {
	c.bad = append(c.bad, path)
	c.ps.add(c.file, c.line(n), c.prefix+path, format, args...)
}

// echoes reports whether a problem at path may only follow from a value
// that was already reported as malformed: it is that value, inside it, or
// the list or map that holds it.
func (c *checker) echoes(path string) bool {
	for _, b := range c.bad {
		if path == b || strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") || path == parentPath(b) {
			return true
		}
	}
	return false
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// conv checks n against type t and converts it to the value
// encoding/json would read from the equivalent JSON (maps, slices,
// strings, booleans, json.Numbers and nils). It follows the Kubernetes
// YAML decoder (sigs.k8s.io/yaml, YAML 1.1): plain yes/no/on/off are
// booleans, and a number or boolean where a string is expected becomes
// that string. Problems are reported; the value returned is then only
// good for finding more problems.
func (c *checker) conv(n *yaml.Node, t reflect.Type, path string) any {
	if c.budget <= 0 {
		return nil
	}
	c.budget--
	n = resolve(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	if t == nil {
		return c.untyped(n)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return c.leaf(n, t, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.report(n, path, "expected an object, got %s", kindName(n))
			return nil
		}
		return c.convStruct(n, t, path)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.report(n, path, "expected an object, got %s", kindName(n))
			return nil
		}
		m := map[string]any{}
		for _, kv := range mappingPairs(n) {
			k := resolve(kv[0])
			if k == nil || k.Kind != yaml.ScalarNode {
				c.report(kv[0], path, "keys must be strings, got %s", kindName(kv[0]))
				continue
			}
			p := path + "[" + k.Value + "]"
			if _, dup := m[k.Value]; dup {
				c.report(k, p, "duplicate key %s (first at line %d)", quoteKey(k.Value), c.lines[p])
				continue
			}
			c.lines[p] = c.line(k)
			m[k.Value] = c.conv(kv[1], t.Elem(), p)
		}
		return m
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return c.scalar(n, path, "a string")
		}
		if n.Kind != yaml.SequenceNode {
			c.report(n, path, "expected a list, got %s", kindName(n))
			return nil
		}
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			c.lines[p] = c.line(e)
			out[i] = c.conv(e, t.Elem(), p)
		}
		return out
	case reflect.Bool:
		v := yamlValue(n)
		if b, ok := v.(bool); ok {
			return b
		}
		c.report(n, path, "expected a boolean (true or false), got %s", kindName(n))
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return c.checkInt(n, t, path)
	case reflect.Float32, reflect.Float64:
		switch v := yamlValue(n).(type) {
		case json.Number:
			return v
		case float64:
			return v
		}
		c.report(n, path, "expected a number, got %s", kindName(n))
		return nil
	case reflect.String:
		return c.scalar(n, path, "a string")
	case reflect.Interface:
		return c.untyped(n)
	}
	return nil
}

// scalar converts a scalar where a string is expected. As for the API
// server, which reads the JSON that kubectl makes of the YAML, a plain
// number or boolean (1, 2.5, true, and yes, no, on, off of YAML 1.1) is
// not a string: it must be quoted.
func (c *checker) scalar(n *yaml.Node, path, want string) any {
	if n.Kind != yaml.ScalarNode {
		c.report(n, path, "expected %s, got %s", want, kindName(n))
		return nil
	}
	switch yamlValue(n).(type) {
	case bool, json.Number, float64:
		c.report(n, path, "expected %s, got %s: put it in quotes (\"%s\")", want, kindName(n), clip(n.Value))
		return nil
	}
	return n.Value
}

// leaf checks a value whose type decodes itself (a quantity, a time, an
// int-or-string) by letting it decode the value.
func (c *checker) leaf(n *yaml.Node, t reflect.Type, path string) any {
	var v any
	if n.Kind == yaml.ScalarNode {
		v = yamlValue(n)
		if f, ok := v.(float64); ok {
			v = json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	} else {
		v = c.untyped(n)
	}
	data, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(data, reflect.New(t).Interface())
	}
	if err != nil {
		c.report(n, path, "%s", jsonErrorText(err))
		return nil
	}
	return v
}

// untyped converts a node for an interface{} target.
func (c *checker) untyped(n *yaml.Node) any {
	if c.budget <= 0 {
		return nil
	}
	c.budget--
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, kv := range mappingPairs(n) {
			if k := resolve(kv[0]); k != nil && k.Kind == yaml.ScalarNode {
				m[k.Value] = c.untyped(kv[1])
			}
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			out[i] = c.untyped(e)
		}
		return out
	case yaml.ScalarNode:
		v := yamlValue(n)
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return n.Value
		}
		return v
	}
	return nil
}

// yamlValue is what a scalar means in YAML 1.1 as the Kubernetes decoder
// reads it: nil, a bool, a json.Number (integers), a float64 or a string.
func yamlValue(n *yaml.Node) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return yaml11Bool(n.Value)
	case "!!int":
		s := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if u, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 0, 64); err == nil {
			return json.Number(strconv.FormatUint(u, 10))
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		return n.Value
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			return f
		}
		switch strings.ToLower(n.Value) {
		case ".inf", "+.inf":
			return math.Inf(1)
		case "-.inf":
			return math.Inf(-1)
		case ".nan":
			return math.NaN()
		}
		return n.Value
	case "!!str", "":
		if n.Style == 0 && isYAML11Bool(n.Value) {
			return yaml11Bool(n.Value)
		}
	}
	return n.Value
}

func yaml11Bool(s string) bool {
	switch strings.ToLower(s) {
	case "y", "yes", "true", "on":
		return true
	}
	return false
}

func (c *checker) convStruct(n *yaml.Node, t reflect.Type, path string) any {
	fields := structFields(t)
	m := map[string]any{}
	for _, kv := range mappingPairs(n) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			c.report(kv[0], path, "field names must be strings, got %s", kindName(kv[0]))
			continue
		}
		p := joinPath(path, k.Value)
		if _, dup := m[k.Value]; dup {
			c.report(k, p, "duplicate field %s (first at line %d)", quoteKey(k.Value), c.lines[p])
			continue
		}
		f, ok := fields.byName[k.Value]
		if !ok && fields.later[k.Value] {
			c.ps.add(c.file, c.line(k), c.prefix+p, "unknown field %q (a field of a later Kubernetes API than jobsim reads, that of 1.35, with the 1.36 and 1.37 fields it names: not simulated)", k.Value)
			continue
		}
		if !ok {
			msg := "unknown field " + quoteClip(k.Value)
			if s := suggest(k.Value, fields.names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			c.ps.add(c.file, c.line(k), c.prefix+joinPath(path, clip(k.Value)), "%s", msg)
			continue
		}
		c.lines[p] = c.line(k)
		m[k.Value] = c.conv(kv[1], f, p)
	}
	return m
}

func (c *checker) checkInt(n *yaml.Node, t reflect.Type, path string) any {
	var lo, hi float64
	switch t.Kind() {
	case reflect.Int8:
		lo, hi = math.MinInt8, math.MaxInt8
	case reflect.Int16:
		lo, hi = math.MinInt16, math.MaxInt16
	case reflect.Int32:
		lo, hi = math.MinInt32, math.MaxInt32
	case reflect.Uint8:
		hi = math.MaxUint8
	case reflect.Uint16:
		hi = math.MaxUint16
	case reflect.Uint32:
		hi = math.MaxUint32
	case reflect.Uint, reflect.Uint64:
		hi = math.MaxUint64
	default:
		lo, hi = math.MinInt64, math.MaxInt64
	}
	var f float64
	var out any
	if n.Kind == yaml.ScalarNode {
		switch v := yamlValue(n).(type) {
		case json.Number:
			f, _ = strconv.ParseFloat(string(v), 64)
			out = v
		case float64:
			f = v
			if v == math.Trunc(v) && !math.IsInf(v, 0) {
				out = json.Number(strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
	}
	if out == nil {
		c.report(n, path, "expected an integer, got %s", kindName(n))
		return nil
	}
	if f < lo || f > hi {
		c.report(n, path, "%s is out of range for %s", clip(n.Value), intTypeName(t))
		return nil
	}
	return out
}

func intTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int32:
		return "int32 (-2147483648 to 2147483647)"
	case reflect.Int64:
		return "int64"
	}
	return t.Kind().String()
}

// isYAML11Bool reports whether s is a boolean in YAML 1.1, which the
// Kubernetes YAML decoder follows (yes, no, on, off ...).
func isYAML11Bool(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF":
		return true
	}
	return false
}

// joinPath appends a field name to a path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldSet is the JSON fields of a struct type, embedded inline structs
// flattened.
type fieldSet struct {
	byName map[string]reflect.Type
	names  []string
	// later holds the fields of the compiled API type that the API jobsim
	// reads lacks: a later k8s.io/api's, which decoding refuses.
	later map[string]bool
}

var fieldCache sync.Map // reflect.Type → *fieldSet

// structFields returns the fields of t that decoding reads: those of its
// JSON encoding, less, for a type of the Kubernetes API, the fields
// k8s.io/api v0.35.4 does not have (see knownFields).
func structFields(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := rawFields(t)
	if known, ok := knownFieldSet(t); ok {
		kept := fs.names[:0]
		for _, name := range fs.names {
			if known[name] {
				kept = append(kept, name)
				continue
			}
			delete(fs.byName, name)
			if fs.later == nil {
				fs.later = map[string]bool{}
			}
			fs.later[name] = true
		}
		fs.names = kept
	}
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fieldSet)
}

// rawFields returns the fields of t's JSON encoding.
func rawFields(t reflect.Type) *fieldSet {
	fs := &fieldSet{byName: map[string]reflect.Type{}}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if (f.Anonymous && name == "") || strings.Contains(","+opts+",", ",inline,") {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := fs.byName[name]; !dup {
				fs.byName[name] = ft
				fs.names = append(fs.names, name)
			}
		}
	}
	add(t)
	slices.Sort(fs.names)
	return fs
}

// suggest returns the known name closest to an unknown one, if it is
// close: the same but for case, or at most two edits away.
func suggest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return k
		}
		if d := editDistance(name, k, bestD); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it
// is at least limit.
func editDistance(a, b string, limit int) int {
	if len(a) > 64 || len(b) > 64 {
		return limit
	}
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// lineOf returns the line of a field path in lines, or of its nearest
// ancestor that has one (a missing field is reported where its parent
// is); 0 if none has.
func lineOf(lines map[string]int, path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := lines[p]; ok {
			return l
		}
	}
	return 0
}

// parentPath drops the last element of a field path: a[0].b[c.d] →
// a[0].b → a[0] → a → "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		depth := 0
		for i := len(p) - 1; i >= 0; i-- {
			switch p[i] {
			case ']':
				depth++
			case '[':
				depth--
				if depth == 0 {
					return p[:i]
				}
			}
		}
		return ""
	}
	depth := 0
	for i := len(p) - 1; i >= 0; i-- {
		switch p[i] {
		case ']':
			depth++
		case '[':
			depth--
		case '.':
			if depth == 0 {
				return p[:i]
			}
		}
	}
	return ""
}
