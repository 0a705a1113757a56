package manifest

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML parses one document into a yaml.v3 node tree (the document's
// content node, nil for an empty document). Lines in the tree count from
// the document's first line; offset turns them into lines of the file.
func parseYAML(file string, doc document, ps *problems) (*yaml.Node, bool) {
	var n yaml.Node
	if err := yaml.Unmarshal(doc.data, &n); err != nil {
		line, msg := yamlErrorLine(err.Error())
		if line > 0 {
			line += doc.line - 1
		} else {
			line = doc.line
		}
		ps.add(file, line, "", "invalid YAML: %s", clipQuoted(msg))
		return nil, false
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0], true
	}
	return nil, true
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErrorLine takes the line out of a yaml.v3 error message. For
// parser errors (as opposed to scanner errors), yaml.v3 prints the
// 0-based line of where the construct being parsed started; it is made
// 1-based here.
func yamlErrorLine(msg string) (int, string) {
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		text := m[2]
		for _, p := range []string{"did not find expected", "found undefined tag handle", "found duplicate %", "found incompatible YAML document"} {
			if strings.HasPrefix(text, p) {
				n++
				break
			}
		}
		return n, text
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// yamlQuotedRE matches what yaml.v3 quotes from the input in its errors:
// the name of an anchor ('name').
var yamlQuotedRE = regexp.MustCompile(`'[^']*'`)

// clipQuoted bounds the parts of a YAML error message quoted from the
// input.
func clipQuoted(msg string) string {
	return yamlQuotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		inner := q[1 : len(q)-1]
		if c, cut := clipRunes(inner, maxQuoted); cut {
			return "'" + c + "'..."
		}
		return q
	})
}

// resolve follows an alias node to its anchor. It returns nil only for
// nil.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a YAML null (null, ~ or nothing).
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// mappingPairs returns the key and value nodes of a mapping, merge keys
// (<<) expanded, in order.
func mappingPairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	var add func(m *yaml.Node, depth int)
	add = func(m *yaml.Node, depth int) {
		m = resolve(m)
		if m == nil || m.Kind != yaml.MappingNode || depth > 10 {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				v = resolve(v)
				if v != nil && v.Kind == yaml.SequenceNode {
					for _, e := range v.Content {
						add(e, depth+1)
					}
				} else {
					add(v, depth+1)
				}
				continue
			}
			out = append(out, [2]*yaml.Node{k, v})
		}
	}
	add(n, 0)
	return out
}

// kindWord names what kind of node n is, without its value: "a string",
// "a list".
func kindWord(n *yaml.Node) string {
	name := kindName(n)
	if i := strings.Index(name, " ("); i >= 0 {
		return name[:i]
	}
	return name
}

// kindName names what a node is, for messages.
func kindName(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int":
			return "an integer (" + clip(n.Value) + ")"
		case "!!float":
			return "a number (" + clip(n.Value) + ")"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!str", "":
			if n.Style == 0 && isYAML11Bool(n.Value) {
				return "a boolean (" + n.Value + ")"
			}
		case "!!null":
			return "null"
		}
		return "a string (" + quoteClip(n.Value) + ")"
	}
	return "an unknown node"
}
