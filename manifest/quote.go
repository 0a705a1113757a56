package manifest

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Problems quote what they complain about, and input can be anything: a
// password file, a binary, a megabyte on one line. So whatever comes from
// the input is bounded before it goes into a message: at most maxQuoted
// characters, "..." when cut, and non-printable characters (and bytes
// that are not UTF-8) escaped, so that nothing reaches the terminal that
// the user did not see in an editor.

// maxQuoted is how many characters of an input's text a message quotes.
const maxQuoted = 40

// maxSegment bounds one segment of a field path: the longest legitimate
// one is a label or annotation key (a 253-character prefix, a slash and a
// 63-character name).
const maxSegment = 320

// clipRunes cuts s to at most n characters (a byte that is not UTF-8
// counts as one), and reports whether it cut.
func clipRunes(s string, n int) (string, bool) {
	i := 0
	for off := range s {
		if i == n {
			return s[:off], true
		}
		i++
	}
	return s, false
}

// quoteClip quotes the first maxQuoted characters of s as Go quotes a
// string (non-printable characters escaped), followed by "..." when s is
// longer.
func quoteClip(s string) string {
	c, cut := clipRunes(s, maxQuoted)
	q := strconv.Quote(c)
	if cut {
		q += "..."
	}
	return q
}

// clip is quoteClip without the quotes, for names and numbers that
// messages print bare.
func clip(s string) string {
	c, cut := clipRunes(s, maxQuoted)
	c = escape(c)
	if cut {
		c += "..."
	}
	return c
}

// escape replaces the non-printable characters of s, and the bytes that
// are not UTF-8, with Go escapes (\x1b, \u2028); printable text is left
// alone.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !unicode.IsPrint(r) {
			q := strconv.Quote(s[i : i+n])
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clipPath bounds each name in a field path to maxSegment characters and
// escapes what is not printable: keys of maps come from the input.
func clipPath(p string) string {
	var b strings.Builder
	for _, part := range splitKeep(p) {
		c, cut := clipRunes(part, maxSegment)
		b.WriteString(escape(c))
		if cut {
			b.WriteString("...")
		}
	}
	return b.String()
}

// splitKeep cuts a path into its names and its separators (. [ ]).
func splitKeep(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '.', '[', ']':
			if i > start {
				out = append(out, p[start:i])
			}
			out = append(out, p[i:i+1])
			start = i + 1
		}
	}
	if start < len(p) {
		out = append(out, p[start:])
	}
	return out
}

// quoteKey quotes a key or name of the input, bounded to maxSegment
// characters: keys can be long (a label key may have 317), but not
// unbounded.
func quoteKey(s string) string {
	c, cut := clipRunes(s, maxSegment)
	q := strconv.Quote(c)
	if cut {
		q += "..."
	}
	return q
}

// lineText returns line n (1-based) of data, without its line break, or
// "" when data has no such line.
func lineText(data []byte, n int) string {
	for i := 1; i < n; i++ {
		k := bytes.IndexByte(data, '\n')
		if k < 0 {
			return ""
		}
		data = data[k+1:]
	}
	if k := bytes.IndexByte(data, '\n'); k >= 0 {
		data = data[:k]
	}
	return string(bytes.TrimSuffix(data, []byte("\r")))
}
