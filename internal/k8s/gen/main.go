// Command gen writes the mirror of the Kubernetes API types jobsim reads
// and writes (internal/k8s/mirror), and the packages that choose between
// them and the real ones per build (internal/k8s/batchv1, corev1 ...).
//
// The browser build of jobsim (GOOS=js) uses the mirror: plain structs
// with the same names, fields and JSON tags as those of k8s.io/api, but
// none of their generated methods (protobuf, deep copies, OpenAPI), which
// with the packages they pull in make most of the size of a wasm binary.
// Every other build uses the real types, through aliases.
//
// It reads the sources of the k8s.io/api and k8s.io/apimachinery
// versions of go.mod from the module cache, and writes, for each package,
// the struct and named types reachable from the roots below, and the
// constants of those types (or untyped ones) whose values are literals.
// The few types that encode themselves (IntOrString, Time, MicroTime,
// FieldsV1), and the helpers jobsim calls (label selectors, the name and
// label rules), are written by hand in the mirror; the extras below alias
// them. Quantity is not mirrored: the mirror's types (ResourceList and
// the others) use k8s.io/apimachinery/pkg/api/resource itself, as every
// build does; and YAML output uses sigs.k8s.io/yaml itself in every
// build.
//
// Run it after moving go.mod to another release of k8s.io/api:
//
//	go generate ./internal/k8s/gen
//
// and after code starts using a type or constant of the API not used
// before (the choosing packages alias only those jobsim uses), then read
// the diff: a new field of a type jobsim reads is refused by
// manifest's strict decoding until knownfields_gen.go lists it, and the
// tests of internal/k8s/mirror compare the mirror with the real types.
package main

//go:generate go run .

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// module is the path of this module; mirror and shim packages are under
// internal/k8s.
const module = "github.com/jobsim/jobsim"

// pkg is one package of the Kubernetes API that is mirrored.
type pkg struct {
	path  string // its import path
	shim  string // the name of the package that chooses, under internal/k8s
	alias string // the name other mirror packages import it by
}

var pkgs = []pkg{
	{"k8s.io/api/batch/v1", "batchv1", "batchv1"},
	{"k8s.io/api/core/v1", "corev1", "corev1"},
	{"k8s.io/api/events/v1", "eventsv1", "eventsv1"},
	{"k8s.io/apimachinery/pkg/apis/meta/v1", "metav1", "metav1"},
	{"k8s.io/apimachinery/pkg/types", "types", "types"},
	{"k8s.io/apimachinery/pkg/util/intstr", "intstr", "intstr"},
	{"k8s.io/apimachinery/pkg/labels", "labels", "labels"},
	{"k8s.io/apimachinery/pkg/util/validation", "validation", "validation"},
	{"k8s.io/apimachinery/pkg/apis/meta/v1/validation", "metavalidation", "metavalidation"},
}

// extra is what the choosing package of an API package has besides the
// aliases of the generated types and constants: the aliases of the types
// written by hand in the mirror, and the functions jobsim calls. The same
// text is written for both builds; "api" is the real package in one and
// the mirror in the other, and so is any k8s.io package in imports.
type extra struct {
	imports []string
	code    string
}

var extras = map[string]extra{
	"k8s.io/apimachinery/pkg/apis/meta/v1": {[]string{"time", "k8s.io/apimachinery/pkg/labels"}, `
// Time is k8s.io/apimachinery/pkg/apis/meta/v1.Time.
type Time = api.Time

// MicroTime is k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime.
type MicroTime = api.MicroTime

// FieldsV1 is k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1.
type FieldsV1 = api.FieldsV1

// NewTime is k8s.io/apimachinery/pkg/apis/meta/v1.NewTime.
func NewTime(t time.Time) Time { return api.NewTime(t) }

// NewMicroTime is k8s.io/apimachinery/pkg/apis/meta/v1.NewMicroTime.
func NewMicroTime(t time.Time) MicroTime { return api.NewMicroTime(t) }

// LabelSelectorAsSelector is k8s.io/apimachinery/pkg/apis/meta/v1.LabelSelectorAsSelector.
func LabelSelectorAsSelector(s *LabelSelector) (labels.Selector, error) { return api.LabelSelectorAsSelector(s) }

// FormatLabelSelector is k8s.io/apimachinery/pkg/apis/meta/v1.FormatLabelSelector.
func FormatLabelSelector(s *LabelSelector) string { return api.FormatLabelSelector(s) }
`},
	"k8s.io/apimachinery/pkg/util/intstr": {nil, `
// IntOrString is k8s.io/apimachinery/pkg/util/intstr.IntOrString.
type IntOrString = api.IntOrString

// Type is k8s.io/apimachinery/pkg/util/intstr.Type.
type Type = api.Type

// The types of an IntOrString.
const (
	Int    = api.Int
	String = api.String
)

// FromInt32 is k8s.io/apimachinery/pkg/util/intstr.FromInt32.
func FromInt32(v int32) IntOrString { return api.FromInt32(v) }

// FromString is k8s.io/apimachinery/pkg/util/intstr.FromString.
func FromString(v string) IntOrString { return api.FromString(v) }
`},
	"k8s.io/apimachinery/pkg/labels": {nil, `
// Set is k8s.io/apimachinery/pkg/labels.Set.
type Set = api.Set

// Selector is k8s.io/apimachinery/pkg/labels.Selector.
type Selector = api.Selector
`},
	"k8s.io/apimachinery/pkg/util/validation": {nil, `
// IsDNS1123Label is k8s.io/apimachinery/pkg/util/validation.IsDNS1123Label.
func IsDNS1123Label(value string) []string { return api.IsDNS1123Label(value) }

// IsDNS1123Subdomain is k8s.io/apimachinery/pkg/util/validation.IsDNS1123Subdomain.
func IsDNS1123Subdomain(value string) []string { return api.IsDNS1123Subdomain(value) }

// IsQualifiedName is k8s.io/apimachinery/pkg/util/validation.IsQualifiedName.
func IsQualifiedName(value string) []string { return api.IsQualifiedName(value) }

// IsValidLabelValue is k8s.io/apimachinery/pkg/util/validation.IsValidLabelValue.
func IsValidLabelValue(value string) []string { return api.IsValidLabelValue(value) }

// IsValidPercent is k8s.io/apimachinery/pkg/util/validation.IsValidPercent.
func IsValidPercent(value string) []string { return api.IsValidPercent(value) }
`},
	"k8s.io/apimachinery/pkg/apis/meta/v1/validation": {[]string{"k8s.io/apimachinery/pkg/util/validation/field", "github.com/jobsim/jobsim/internal/k8s/metav1"}, `
// LabelSelectorValidationOptions is k8s.io/apimachinery/pkg/apis/meta/v1/validation.LabelSelectorValidationOptions.
type LabelSelectorValidationOptions = api.LabelSelectorValidationOptions

// ValidateLabelSelector is k8s.io/apimachinery/pkg/apis/meta/v1/validation.ValidateLabelSelector.
func ValidateLabelSelector(ps *metav1.LabelSelector, opts LabelSelectorValidationOptions, fldPath *field.Path) field.ErrorList {
	return api.ValidateLabelSelector(ps, opts, fldPath)
}
`},
}

// kept are the packages of k8s.io/apimachinery both builds use as they
// are, with no choosing package: code outside internal/k8s imports them
// itself, and the mirror's types refer to their types (resource.Quantity,
// of ResourceList and the others).
var kept = map[string]bool{
	"k8s.io/apimachinery/pkg/api/resource":          true,
	"k8s.io/apimachinery/pkg/util/validation/field": true,
}

// handOnly are the packages whose mirror is all written by hand.
var handOnly = map[string]bool{
	"k8s.io/apimachinery/pkg/util/intstr":             true,
	"k8s.io/apimachinery/pkg/labels":                  true,
	"k8s.io/apimachinery/pkg/util/validation":         true,
	"k8s.io/apimachinery/pkg/apis/meta/v1/validation": true,
}

// roots are the types jobsim reads or writes; the mirror has them and all
// the types their fields reach.
var roots = []string{
	"k8s.io/api/batch/v1.Job",
	"k8s.io/api/batch/v1.CronJob",
	"k8s.io/api/core/v1.Pod",
	"k8s.io/api/core/v1.Node",
	"k8s.io/api/core/v1.Event",
	"k8s.io/api/events/v1.Event",
	"k8s.io/apimachinery/pkg/apis/meta/v1.Condition",
}

// handWritten are the types of the mirror written by hand: they decode
// and encode themselves.
var handWritten = map[string]bool{
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString": true,
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time":       true,
	"k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime":  true,
	"k8s.io/apimachinery/pkg/apis/meta/v1.Duration":   true,
	"k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1":   true,
	"k8s.io/apimachinery/pkg/util/intstr.Type":        true,
}

// MirrorDir is where the mirror of an API package is, relative to the
// module root: its import path under internal/k8s/mirror.
func mirrorDir(path string) string {
	return filepath.Join("internal", "k8s", "mirror", filepath.FromSlash(path))
}

// deepcopyPath is the package of the mirror's DeepCopy methods.
const deepcopyPath = module + "/internal/k8s/mirror/internal/deepcopy"

func mirrorPath(path string) string { return module + "/internal/k8s/mirror/" + path }

// source is one parsed package.
type source struct {
	pkg
	name   string // its package name
	types  map[string]*ast.TypeSpec
	docs   map[string]*ast.CommentGroup
	consts []constSpec
	// imports maps, per file, import names to paths.
	files map[*ast.TypeSpec]map[string]string
}

type constSpec struct {
	name  string
	typ   ast.Expr
	value ast.Expr
	doc   *ast.CommentGroup
	file  map[string]string
}

var check = flag.Bool("check", false, "write nothing: fail if a file differs from what would be written")

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	flag.Parse()
	if stale := generate(*check); len(stale) > 0 {
		log.Fatalf("out of date, run go generate ./internal/k8s/gen: %s", strings.Join(stale, " "))
	}
}

// generate writes the mirror and the choosing packages, from the root of
// the module; with check, it writes nothing and returns the files that
// differ from what it would write.
func generate(check bool) []string {
	chdirModuleRoot()
	checking, stale = check, nil
	srcs := map[string]*source{}
	for _, p := range pkgs {
		if handOnly[p.path] {
			srcs[p.path] = &source{pkg: p}
			continue
		}
		srcs[p.path] = parse(p)
	}
	// Reach every type from the roots.
	want := map[string]map[string]bool{}
	var visit func(path, name string)
	visit = func(path, name string) {
		key := path + "." + name
		if kept[path] {
			return // the real type, in both builds
		}
		s, ok := srcs[path]
		if !ok {
			log.Fatalf("%s: package not mirrored", key)
		}
		if want[path] == nil {
			want[path] = map[string]bool{}
		}
		if want[path][name] || handWritten[key] {
			return
		}
		ts, ok := s.types[name]
		if !ok {
			log.Fatalf("%s: no such type", key)
		}
		want[path][name] = true
		refs(ts.Type, s.files[ts], path, visit)
	}
	for _, r := range roots {
		i := strings.LastIndex(r, ".")
		visit(r[:i], r[i+1:])
	}
	used := usedNames()
	for _, p := range pkgs {
		s := srcs[p.path]
		names := slices.Sorted(mapKeys(want[p.path]))
		consts := pickConsts(s, want)
		writeMirror(s, names, consts, srcs)
		// The choosing packages name only what jobsim uses: the real
		// package of another release (that of a program using jobsim, or
		// of the conformance suite) may lack the rest.
		var usedTypes []string
		for _, n := range names {
			if used[s.shim][n] {
				usedTypes = append(usedTypes, n)
			}
		}
		var usedConsts []constSpec
		for _, c := range consts {
			if used[s.shim][c.name] {
				usedConsts = append(usedConsts, c)
			}
		}
		writeShims(s, usedTypes, usedConsts)
	}
	return stale
}

// usedNames returns, per choosing package, the names the module's Go
// files outside internal/k8s use of it.
func usedNames() map[string]map[string]bool {
	used := map[string]map[string]bool{}
	prefix := module + "/internal/k8s/"
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || path == filepath.Join("internal", "k8s")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		local := map[string]string{}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			shim, ok := strings.CutPrefix(p, prefix)
			if !ok || strings.Contains(shim, "/") {
				continue
			}
			name := shim
			if im.Name != nil {
				name = im.Name.Name
			}
			local[name] = shim
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && local[x.Name] != "" {
					shim := local[x.Name]
					if used[shim] == nil {
						used[shim] = map[string]bool{}
					}
					used[shim][sel.Sel.Name] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return used
}

// chdirModuleRoot makes the root of this module the working directory,
// where the paths written are.
func chdirModuleRoot() {
	for {
		data, err := os.ReadFile("go.mod")
		if err == nil && strings.HasPrefix(string(data), "module "+module+"\n") {
			return
		}
		wd, _ := os.Getwd()
		if filepath.Dir(wd) == wd {
			log.Fatalf("not inside the module %s", module)
		}
		if err := os.Chdir(".."); err != nil {
			log.Fatal(err)
		}
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// parse reads the non-test Go files of an API package.
func parse(p pkg) *source {
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", p.path).Output()
	if err != nil {
		log.Fatalf("go list %s: %v", p.path, err)
	}
	dir := strings.TrimSpace(string(out))
	fset := token.NewFileSet()
	s := &source{pkg: p, types: map[string]*ast.TypeSpec{}, docs: map[string]*ast.CommentGroup{}, files: map[*ast.TypeSpec]map[string]string{}}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	slices.Sort(matches)
	for _, name := range matches {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			log.Fatal(err)
		}
		s.name = f.Name.Name
		imports := map[string]string{}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			n := filepath.Base(path)
			if im.Name != nil {
				n = im.Name.Name
			}
			imports[n] = path
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			switch gd.Tok {
			case token.TYPE:
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					s.types[ts.Name.Name] = ts
					s.files[ts] = imports
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					s.docs[ts.Name.Name] = doc
				}
			case token.CONST:
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					if len(vs.Names) != 1 || len(vs.Values) != 1 {
						continue
					}
					doc := vs.Doc
					if doc == nil {
						doc = vs.Comment
					}
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					s.consts = append(s.consts, constSpec{name: vs.Names[0].Name, typ: vs.Type, value: vs.Values[0], doc: doc, file: imports})
				}
			}
		}
	}
	return s
}

// predeclared are the basic types the API's fields have.
var predeclared = map[string]bool{
	"string": true, "bool": true, "byte": true, "int": true, "int32": true, "int64": true,
	"uint32": true, "uint64": true, "float32": true, "float64": true, "any": true,
}

// refs calls visit with each named API type e refers to.
func refs(e ast.Expr, imports map[string]string, path string, visit func(path, name string)) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			x := n.X.(*ast.Ident)
			p, ok := imports[x.Name]
			if !ok {
				log.Fatalf("unknown import %s", x.Name)
			}
			visit(p, n.Sel.Name)
			return false
		case *ast.Ident:
			if !predeclared[n.Name] {
				visit(path, n.Name)
			}
		case *ast.Field:
			// Field names are not types.
			if n.Type != nil {
				refs(n.Type, imports, path, visit)
			}
			return false
		}
		return true
	})
}

// isLiteral reports whether e is a literal: a number, string, true or
// false.
func isLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name == "true" || e.Name == "false"
	}
	return false
}

// evalString evaluates a string constant made of literals and other
// constants of s joined by +.
func evalString(s *source, e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(e.Value)
		return v, err == nil
	case *ast.Ident:
		for _, c := range s.consts {
			if c.name == e.Name && c.typ == nil {
				return evalString(s, c.value)
			}
		}
	case *ast.ParenExpr:
		return evalString(s, e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := evalString(s, e.X)
		y, ok2 := evalString(s, e.Y)
		return x + y, ok1 && ok2
	}
	return "", false
}

// pickConsts returns the constants of s whose type is mirrored, or that
// are untyped or of a basic type, and whose value is a literal.
func pickConsts(s *source, want map[string]map[string]bool) []constSpec {
	var out []constSpec
	if len(want[s.path]) == 0 {
		return nil // a package written by hand
	}
	for _, c := range s.consts {
		if !ast.IsExported(c.name) {
			continue
		}
		if !isLiteral(c.value) {
			v, ok := evalString(s, c.value)
			if !ok {
				continue
			}
			c.value = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(v)}
		}
		switch t := c.typ.(type) {
		case nil:
		case *ast.Ident:
			if !predeclared[t.Name] && !want[s.path][t.Name] {
				continue
			}
		default:
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b constSpec) int { return strings.Compare(a.name, b.name) })
	return out
}

const header = "// Code generated by go run ./internal/k8s/gen; DO NOT EDIT.\n\n"

// writeMirror writes the mirror's types and constants of one package.
func writeMirror(s *source, names []string, consts []constSpec, srcs map[string]*source) {
	var body bytes.Buffer
	imports := map[string]bool{}
	for _, n := range names {
		ts := s.types[n]
		writeDoc(&body, s.docs[n], n+" mirrors "+s.path+"."+n+".")
		fmt.Fprintf(&body, "type %s %s\n\n", n, expr(ts.Type, s.files[ts], s.path, imports, srcs))
		switch ts.Type.(type) {
		case *ast.StructType:
			fmt.Fprintf(&body, "// DeepCopy returns a copy of in that shares nothing with it, or nil.\nfunc (in *%s) DeepCopy() *%s { return deepcopy.Pointer(in) }\n\n", n, n)
			imports[deepcopyPath] = true
		case *ast.MapType, *ast.ArrayType:
			fmt.Fprintf(&body, "// DeepCopy returns a copy of in that shares nothing with it.\nfunc (in %s) DeepCopy() %s { return deepcopy.Value(in) }\n\n", n, n)
			imports[deepcopyPath] = true
		}
	}
	if len(consts) > 0 {
		body.WriteString("const (\n")
		for _, c := range consts {
			writeDoc(&body, c.doc, c.name+" is "+s.path+"."+c.name+".")
			typ := ""
			if c.typ != nil {
				typ = " " + expr(c.typ, c.file, s.path, imports, srcs)
			}
			fmt.Fprintf(&body, "%s%s = %s\n", c.name, typ, literal(c.value))
		}
		body.WriteString(")\n")
	}
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "// Package %s mirrors the types of %s that jobsim reads and writes,\n", s.name, s.path)
	b.WriteString("// for the browser build: the same names, fields and JSON encoding, without\n")
	b.WriteString("// the generated methods (see internal/k8s/gen).\n")
	fmt.Fprintf(&b, "package %s\n\n", s.name)
	if len(imports) > 0 {
		b.WriteString("import (\n")
		for _, p := range slices.Sorted(mapKeys(imports)) {
			if p == deepcopyPath || kept[p] {
				fmt.Fprintf(&b, "\t%q\n", p)
				continue
			}
			fmt.Fprintf(&b, "\t%s %q\n", srcs[p].alias, mirrorPath(p))
		}
		b.WriteString(")\n\n")
	}
	b.Write(body.Bytes())
	if len(names) == 0 && len(consts) == 0 {
		return
	}
	write(filepath.Join(mirrorDir(s.path), "zz_generated.types.go"), b.Bytes())
}

func literal(e ast.Expr) string {
	if l, ok := e.(*ast.BasicLit); ok {
		return l.Value
	}
	return e.(*ast.Ident).Name
}

// writeShims writes the two files of the package that chooses between
// the real types (every build but js) and the mirror (js).
func writeShims(s *source, names []string, consts []constSpec) {
	for _, js := range []bool{false, true} {
		var b bytes.Buffer
		b.WriteString(header)
		target, file, tag := s.path, "zz_generated.real.go", "!js && !k8smirror"
		if js {
			target, file, tag = mirrorPath(s.path), "zz_generated.mirror.go", "js || k8smirror"
		}
		fmt.Fprintf(&b, "//go:build %s\n\n", tag)
		fmt.Fprintf(&b, "// Package %s is %s in every build but the browser's (js), and\n", s.shim, s.path)
		b.WriteString("// its mirror in internal/k8s/mirror there and with -tags k8smirror, which\n")
		b.WriteString("// runs the tests of the packages that use it on the mirror (see\n")
		b.WriteString("// internal/k8s/gen).\n")
		fmt.Fprintf(&b, "package %s\n\n", s.shim)
		ex := extras[s.path]
		b.WriteString("import (\n")
		for _, im := range ex.imports {
			if js && strings.HasPrefix(im, "k8s.io/") && !kept[im] {
				im = mirrorPath(im)
			}
			fmt.Fprintf(&b, "\t%q\n", im)
		}
		fmt.Fprintf(&b, "\t%s %q\n)\n\n", "api", target)
		for _, n := range names {
			fmt.Fprintf(&b, "// %s is %s.%s.\ntype %s = api.%s\n\n", n, s.path, n, n, n)
		}
		if len(consts) > 0 {
			b.WriteString("const (\n")
			for _, c := range consts {
				fmt.Fprintf(&b, "// %s is %s.%s.\n%s = api.%s\n", c.name, s.path, c.name, c.name, c.name)
			}
			b.WriteString(")\n")
		}
		b.WriteString(ex.code)
		write(filepath.Join("internal", "k8s", s.shim, file), b.Bytes())
	}
}

// checking and stale are generate's: whether it only checks, and the
// files it found out of date.
var (
	checking bool
	stale    []string
)

func write(name string, src []byte) {
	out, err := format.Source(src)
	if err != nil {
		log.Fatalf("%s: %v\n%s", name, err, src)
	}
	if checking {
		if old, err := os.ReadFile(name); err != nil || !bytes.Equal(old, out) {
			stale = append(stale, name)
		}
		return
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(name, out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeDoc writes a doc comment without the code generators' markers
// (+k8s:..., +optional), or def if nothing is left.
func writeDoc(b *bytes.Buffer, doc *ast.CommentGroup, def string) {
	var lines []string
	if doc != nil {
		for _, l := range strings.Split(strings.TrimRight(doc.Text(), "\n"), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "+") {
				continue
			}
			lines = append(lines, l)
		}
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		lines = []string{def}
	}
	for _, l := range lines {
		if l == "" {
			b.WriteString("//\n")
		} else {
			b.WriteString("// " + l + "\n")
		}
	}
}

// expr writes a type expression of package path for the mirror, noting
// the mirror packages it imports.
func expr(e ast.Expr, imports map[string]string, path string, used map[string]bool, srcs map[string]*source) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		p := imports[e.X.(*ast.Ident).Name]
		if p == path {
			return e.Sel.Name
		}
		used[p] = true
		if kept[p] {
			return filepath.Base(p) + "." + e.Sel.Name
		}
		return srcs[p].alias + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + expr(e.X, imports, path, used, srcs)
	case *ast.ArrayType:
		if e.Len != nil {
			log.Fatalf("array types are not mirrored")
		}
		return "[]" + expr(e.Elt, imports, path, used, srcs)
	case *ast.MapType:
		return "map[" + expr(e.Key, imports, path, used, srcs) + "]" + expr(e.Value, imports, path, used, srcs)
	case *ast.InterfaceType:
		if len(e.Methods.List) > 0 {
			log.Fatalf("interfaces with methods are not mirrored")
		}
		return "interface{}"
	case *ast.StructType:
		var b strings.Builder
		b.WriteString("struct {\n")
		for _, f := range e.Fields.List {
			t := expr(f.Type, imports, path, used, srcs)
			tag := ""
			if f.Tag != nil {
				raw, _ := strconv.Unquote(f.Tag.Value)
				if j, ok := reflect.StructTag(raw).Lookup("json"); ok {
					tag = " `json:" + strconv.Quote(j) + "`"
				}
			}
			if len(f.Names) == 0 {
				fmt.Fprintf(&b, "\t%s%s\n", t, tag)
				continue
			}
			for _, n := range f.Names {
				fmt.Fprintf(&b, "\t%s %s%s\n", n.Name, t, tag)
			}
		}
		b.WriteString("}")
		return b.String()
	}
	log.Fatalf("unhandled type expression %T", e)
	return ""
}
