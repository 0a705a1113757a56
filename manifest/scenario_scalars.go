package manifest

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The scenario parser's scalar readers: each checks one YAML scalar
// against what its field wants and reports a problem with the field path
// and line when it does not fit.

// scalarNode returns v resolved when it is a non-null scalar, else reports
// that want was expected.
func (p *scenarioParser) scalarNode(v *yaml.Node, path, want string) (*yaml.Node, bool) {
	v = resolve(v)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.problem(orNode(v), path, "expected %s, got %s", want, kindName(v))
		return nil, false
	}
	return v, true
}

func (p *scenarioParser) str(v *yaml.Node, path string) (string, bool) {
	n, ok := p.scalarNode(v, path, "a string")
	if !ok {
		return "", false
	}
	return n.Value, true
}

func (p *scenarioParser) bool(v *yaml.Node, path string) (bool, bool) {
	n, ok := p.scalarNode(v, path, "a boolean (true or false)")
	if !ok {
		return false, false
	}
	if b, ok := yamlValue(n).(bool); ok {
		return b, true
	}
	p.problem(n, path, "expected a boolean (true or false), got %s", kindName(n))
	return false, false
}

func (p *scenarioParser) int(v *yaml.Node, path string, lo, hi int) (int, bool) {
	n, ok := p.scalarNode(v, path, "an integer")
	if !ok {
		return 0, false
	}
	x, ok := intValue(n)
	if !ok {
		p.problem(n, path, "expected an integer, got %s", kindName(n))
		return 0, false
	}
	if x < int64(lo) || x > int64(hi) {
		p.problem(n, path, "Invalid value: %d: must be between %d and %d, inclusive", x, lo, hi)
		return 0, false
	}
	return int(x), true
}

// intValue reads an integer scalar.
func intValue(n *yaml.Node) (int64, bool) {
	switch v := yamlValue(n).(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		return i, err == nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<62 {
			return int64(v), true
		}
	}
	return 0, false
}

func (p *scenarioParser) uint64(v *yaml.Node, path string) (uint64, bool) {
	n, ok := p.scalarNode(v, path, "an integer")
	if !ok {
		return 0, false
	}
	if num, isNum := yamlValue(n).(json.Number); isNum {
		if x, err := strconv.ParseUint(string(num), 10, 64); err == nil {
			return x, true
		}
	}
	p.problem(n, path, "expected an integer from 0 to 18446744073709551615, got %s", kindName(n))
	return 0, false
}

func (p *scenarioParser) float(v *yaml.Node, path string) (float64, bool) {
	n, ok := p.scalarNode(v, path, "a number")
	if !ok {
		return 0, false
	}
	var f float64
	switch x := yamlValue(n).(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			p.problem(n, path, "expected a number, got %s", kindName(n))
			return 0, false
		}
	default:
		p.problem(n, path, "expected a number, got %s", kindName(n))
		return 0, false
	}
	if math.IsNaN(f) {
		p.problem(n, path, "expected a number, got %s", kindName(n))
		return 0, false
	}
	return f, true
}

// duration reads a Go duration ("45s", "2m", "1h30m"); 0 may be written
// without a unit.
func (p *scenarioParser) duration(v *yaml.Node, path string) (time.Duration, bool) {
	n, ok := p.scalarNode(v, path, `a duration such as "45s" or "1h30m"`)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %s: must be a duration such as \"45s\", \"2m\" or \"1h30m\"", quoteClip(n.Value))
		return 0, false
	}
	if d < 0 {
		p.problem(n, path, "Invalid value: %s: must not be negative", quoteClip(n.Value))
		return 0, false
	}
	return d, true
}

// time reads an RFC 3339 time.
func (p *scenarioParser) time(v *yaml.Node, path string) (time.Time, bool) {
	n, ok := p.scalarNode(v, path, "an RFC 3339 time such as 2026-01-01T00:00:00Z")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %s: must be an RFC 3339 time such as 2026-01-01T00:00:00Z", quoteClip(n.Value))
		return time.Time{}, false
	}
	if t.Year() < 1 || t.Year() > 9000 {
		p.problem(n, path, "Invalid value: %s: must be between the years 1 and 9000", quoteClip(n.Value))
		return time.Time{}, false
	}
	return t, true
}

// quantity reads a resource quantity ("4", "500m", "16Gi").
func (p *scenarioParser) quantity(v *yaml.Node, path string) (resource.Quantity, bool) {
	n, ok := p.scalarNode(v, path, `a quantity such as "4", "500m" or "16Gi"`)
	if !ok {
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %s: must be a quantity such as \"4\", \"500m\" or \"16Gi\"", quoteClip(n.Value))
		return resource.Quantity{}, false
	}
	if q.Sign() < 0 {
		p.problem(n, path, "Invalid value: %s: must be greater than or equal to 0", quoteClip(n.Value))
		return resource.Quantity{}, false
	}
	return q, true
}
