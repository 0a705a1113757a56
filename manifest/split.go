package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// document is one YAML (or JSON) document of a file.
type document struct {
	// line is the 1-based line of the file where the document starts.
	line int
	data []byte
}

// checkText reports a file that is not text: one with a NUL byte, or
// bytes that are not UTF-8, as binaries and archives have. YAML would
// only say "control characters are not allowed"; and the Helm markup a
// binary seems to hold by chance would each be a problem of their own.
// A file that starts with a UTF-16 byte order mark is text (YAML reads
// it).
func checkText(file string, data []byte, ps *problems) bool {
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		return true
	}
	bad, what := bytes.IndexByte(data, 0), "binary data (a NUL byte), not YAML or JSON"
	if !utf8.Valid(data) {
		for off := 0; off < len(data) && (bad < 0 || off < bad); {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				bad, what = off, "not UTF-8 text, as YAML and JSON must be"
				break
			}
			off += n
		}
	}
	if bad < 0 {
		return true
	}
	line := lineAt(data, bad)
	ps.add(file, line, "", "%s: %s", what, quoteClip(lineText(data, line)))
	return false
}

// splitDocuments cuts a file into its documents, as kubectl's YAML reader
// does: a line starting with "---" separates documents, and may carry only
// a comment after it. A file whose first character is '{' is read as a
// stream of JSON objects instead. Documents that hold nothing but
// comments and blank lines are dropped. Each document keeps the line it
// starts at, so that problems can name lines of the file.
func splitDocuments(file string, data []byte, ps *problems) []document {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		// JSON, or YAML in flow style: YAML reports the problems of both.
		var jps problems
		if docs := splitJSON(file, data, &jps); len(jps.list) == 0 {
			return docs
		}
	}
	var docs []document
	start, startLine := 0, 1
	line := 1
	flush := func(end int) {
		if d := data[start:end]; !isBlankYAML(d) {
			docs = append(docs, document{line: startLine, data: d})
		}
	}
	for off := 0; off < len(data); {
		next := bytes.IndexByte(data[off:], '\n')
		end := len(data)
		if next >= 0 {
			end = off + next + 1
		}
		text := strings.TrimRight(string(data[off:end]), "\r\n")
		if strings.HasPrefix(text, "---") {
			rest := strings.TrimSpace(text[3:])
			if rest != "" && rest[0] != '#' {
				ps.add(file, line, "", "a document separator (---) may only be followed by a comment on its line")
			}
			flush(off)
			start, startLine = end, line+1
		}
		off = end
		line++
	}
	flush(len(data))
	return docs
}

// isBlankYAML reports whether d holds only blank lines, comments and a
// document end marker.
func isBlankYAML(d []byte) bool {
	for _, l := range strings.Split(string(d), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && l != "..." && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

// splitJSON cuts a stream of JSON values into documents. Tabs, which JSON
// allows as whitespace but YAML does not allow everywhere, become spaces:
// a valid JSON text has no raw tab inside a string.
func splitJSON(file string, data []byte, ps *problems) []document {
	data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []document
	prev := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				off := int(dec.InputOffset())
				ps.add(file, lineAt(data, off), "", "invalid JSON: %s", err.Error())
			}
			return docs
		}
		end := int(dec.InputOffset())
		// The value ends at end; it starts after the whitespace that
		// follows the previous one.
		begin := prev
		for begin < end && (data[begin] == ' ' || data[begin] == '\n' || data[begin] == '\r') {
			begin++
		}
		docs = append(docs, document{line: lineAt(data, begin), data: data[begin:end]})
		prev = end
	}
}

// lineAt is the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}
