// Package mirror_test proves the mirror of the Kubernetes API types
// (internal/k8s/mirror, the browser build's) faithful to the real ones:
// the same JSON fields, tags and kinds, type by type; the same decoding,
// errors and encoding of every manifest, scenario and fuzz seed of the
// repository; and the same results from the mirror's own helpers (the
// name and label rules, label selectors) on many inputs. Quantity is not
// mirrored: both use k8s.io/apimachinery/pkg/api/resource.
package mirror_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsyaml "sigs.k8s.io/yaml"

	mbatchv1 "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/api/batch/v1"
	mcorev1 "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/api/core/v1"
	meventsv1 "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/api/events/v1"
	mmetav1 "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/apis/meta/v1"
	mmetavalidation "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	mlabels "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/labels"
	mintstr "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/util/intstr"
	mvalidation "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/util/validation"
)

const mirrorPrefix = "github.com/jobsim/jobsim/internal/k8s/mirror/"

// pair is a real type and its mirror, made with new(T) of each.
type pair struct {
	name         string
	real, mirror func() any
}

func mk[T any]() func() any { return func() any { return new(T) } }

// roots are the objects jobsim reads and writes, and a few of their parts
// that the corpus test decodes on their own.
var roots = []pair{
	{"Job", mk[batchv1.Job](), mk[mbatchv1.Job]()},
	{"CronJob", mk[batchv1.CronJob](), mk[mbatchv1.CronJob]()},
	{"Pod", mk[corev1.Pod](), mk[mcorev1.Pod]()},
	{"Node", mk[corev1.Node](), mk[mcorev1.Node]()},
	{"Event", mk[corev1.Event](), mk[mcorev1.Event]()},
	{"events/v1 Event", mk[eventsv1.Event](), mk[meventsv1.Event]()},
	{"Condition", mk[metav1.Condition](), mk[mmetav1.Condition]()},
	{"PodSpec", mk[corev1.PodSpec](), mk[mcorev1.PodSpec]()},
	{"Container", mk[corev1.Container](), mk[mcorev1.Container]()},
	{"JobSpec", mk[batchv1.JobSpec](), mk[mbatchv1.JobSpec]()},
}

// typeKey is the upstream name of a type: a mirror type has that of the
// type it mirrors (as manifest's knownFields keys them).
func typeKey(t reflect.Type) string {
	return strings.TrimPrefix(t.PkgPath(), mirrorPrefix) + "." + t.Name()
}

// The interfaces through which encoding/json, and omitzero, treat a value
// otherwise than by its kind.
var behaviors = []struct {
	name string
	t    reflect.Type
}{
	{"json.Marshaler", reflect.TypeFor[json.Marshaler]()},
	{"json.Unmarshaler", reflect.TypeFor[json.Unmarshaler]()},
	{"encoding.TextMarshaler", reflect.TypeFor[encoding.TextMarshaler]()},
	{"encoding.TextUnmarshaler", reflect.TypeFor[encoding.TextUnmarshaler]()},
	{"IsZero() bool", reflect.TypeFor[interface{ IsZero() bool }]()},
}

// compareTypes reports how mirror differs from real: kind, name, JSON
// behavior, and, recursively, fields (names, embedding, tags), elements
// and keys.
func compareTypes(errorf func(string, ...any), real, mirror reflect.Type, path string, seen map[[2]reflect.Type]bool) {
	if real == mirror || seen[[2]reflect.Type{real, mirror}] {
		return
	}
	seen[[2]reflect.Type{real, mirror}] = true
	if real.Kind() != mirror.Kind() {
		errorf("%s: kind %s, mirror %s", path, real.Kind(), mirror.Kind())
		return
	}
	if real.Name() != "" || mirror.Name() != "" {
		if typeKey(real) != typeKey(mirror) {
			errorf("%s: type %s, mirror %s (%s)", path, typeKey(real), typeKey(mirror), mirror.PkgPath())
		}
		if real.String() != mirror.String() {
			errorf("%s: type spelt %s, mirror %s (as fmt and json errors print them)", path, real, mirror)
		}
		for _, b := range behaviors {
			for _, ptr := range []bool{false, true} {
				r, m := real, mirror
				if ptr {
					r, m = reflect.PointerTo(r), reflect.PointerTo(m)
				}
				if r.Implements(b.t) != m.Implements(b.t) {
					errorf("%s: %s implements %s: %v, mirror %v", path, r, b.name, r.Implements(b.t), m.Implements(b.t))
				}
			}
		}
	}
	switch real.Kind() {
	case reflect.Struct:
		if real.NumField() != mirror.NumField() {
			errorf("%s (%s): %d fields, mirror %d", path, real, real.NumField(), mirror.NumField())
			return
		}
		for i := range real.NumField() {
			rf, mf := real.Field(i), mirror.Field(i)
			p := path + "." + rf.Name
			if rf.Name != mf.Name || rf.Anonymous != mf.Anonymous {
				errorf("%s: field %s (embedded %v), mirror %s (embedded %v)", path, rf.Name, rf.Anonymous, mf.Name, mf.Anonymous)
				continue
			}
			rt, rok := rf.Tag.Lookup("json")
			mt, mok := mf.Tag.Lookup("json")
			if rt != mt || rok != mok {
				errorf("%s: json tag %q, mirror %q", p, rt, mt)
			}
			compareTypes(errorf, rf.Type, mf.Type, p, seen)
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		compareTypes(errorf, real.Elem(), mirror.Elem(), path+"[]", seen)
	case reflect.Map:
		compareTypes(errorf, real.Key(), mirror.Key(), path+"{key}", seen)
		compareTypes(errorf, real.Elem(), mirror.Elem(), path+"{}", seen)
	}
}

func TestTypesMirrorUpstream(t *testing.T) {
	seen := map[[2]reflect.Type]bool{}
	for _, r := range roots {
		compareTypes(t.Errorf, reflect.TypeOf(r.real()).Elem(), reflect.TypeOf(r.mirror()).Elem(), r.name, seen)
	}
	if len(seen) < 200 {
		t.Errorf("compared %d types; the objects reach many more", len(seen))
	}
}

// A mirror that lost a field, a tag or a method must fail the comparison.
func TestCompareTypesFails(t *testing.T) {
	type real struct {
		A string `json:"a,omitempty"`
		B resource.Quantity
	}
	for name, mirror := range map[string]reflect.Type{
		"missing field": reflect.TypeFor[struct {
			A string `json:"a,omitempty"`
		}](),
		"tag": reflect.TypeFor[struct {
			A string `json:"a"`
			B resource.Quantity
		}](),
		"no MarshalJSON": reflect.TypeFor[struct {
			A string `json:"a,omitempty"`
			B struct{ resource.Format }
		}](),
	} {
		var found []string
		errorf := func(format string, args ...any) { found = append(found, fmt.Sprintf(format, args...)) }
		compareTypes(errorf, reflect.TypeFor[real](), mirror, name, map[[2]reflect.Type]bool{})
		if len(found) == 0 {
			t.Errorf("%s: the comparison found nothing", name)
		}
	}
}

// corpus returns the inputs of the repository that are manifests or
// scenarios: the YAML and JSON files outside the other modules, and the
// seeds of the fuzz tests.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	root := filepath.Join("..", "..", "..")
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".json"):
			out[path] = data
		case bytes.HasPrefix(data, []byte("go test fuzz v1\n")):
			for i, line := range strings.Split(string(data), "\n")[1:] {
				line = strings.TrimSpace(line)
				for _, wrap := range []string{"[]byte(", "string("} {
					if s, ok := strings.CutPrefix(line, wrap); ok {
						if v, err := strconv.Unquote(strings.TrimSuffix(s, ")")); err == nil {
							out[fmt.Sprintf("%s#%d", path, i)] = []byte(v)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found %d inputs under %s; the repository has many more", len(out), root)
	}
	return out
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// objects returns every JSON object that the documents of data hold, at
// any depth: the objects themselves and their parts.
func objects(data []byte) [][]byte {
	var out [][]byte
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range 100 {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) || err != nil {
			break
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if b, err := json.Marshal(v); err == nil {
					out = append(out, b)
				}
				for _, e := range v {
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(doc)
	}
	return out
}

// decode decodes data into v strictly, as manifest does, or not.
func decode(data []byte, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(v)
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// deepCopy calls the DeepCopy method of a pointer to a struct.
func deepCopy(v any) any {
	return reflect.ValueOf(v).MethodByName("DeepCopy").Call(nil)[0].Interface()
}

// Every object of every input decodes into the real types and the mirror
// alike: the same error, or the same JSON once encoded again, deep copy
// included.
func TestCorpusDecodesAlike(t *testing.T) {
	decoded := 0
	for name, data := range corpus(t) {
		for i, obj := range objects(data) {
			for _, r := range roots {
				for _, strict := range []bool{true, false} {
					real, mirror := r.real(), r.mirror()
					rerr, merr := decode(obj, real, strict), decode(obj, mirror, strict)
					where := fmt.Sprintf("%s: object %d as %s (strict %v)", name, i, r.name, strict)
					if errText(rerr) != errText(merr) {
						t.Errorf("%s: error %q, mirror %q", where, errText(rerr), errText(merr))
						continue
					}
					if rerr != nil {
						continue
					}
					decoded++
					rj, err1 := json.Marshal(real)
					mj, err2 := json.Marshal(mirror)
					if errText(err1) != errText(err2) || !bytes.Equal(rj, mj) {
						t.Errorf("%s: encoded again:\n%s", where, cmp.Diff(string(rj), string(mj)))
						continue
					}
					ry, err1 := sigsyaml.Marshal(real)
					my, err2 := sigsyaml.Marshal(mirror)
					if errText(err1) != errText(err2) || !bytes.Equal(ry, my) {
						t.Errorf("%s: as YAML (-sigs.k8s.io/yaml +mirror):\n%s", where, cmp.Diff(string(ry), string(my)))
					}
					rc, _ := json.Marshal(deepCopy(real))
					mc, _ := json.Marshal(deepCopy(mirror))
					if !bytes.Equal(rc, rj) || !bytes.Equal(mc, mj) {
						t.Errorf("%s: a deep copy encodes otherwise:\n%s", where, cmp.Diff(string(rc), string(mc)))
					}
				}
			}
		}
	}
	if decoded < 500 {
		t.Errorf("decoded %d objects; the corpus holds many more", decoded)
	}
}

// A deep copy of a mirror object shares nothing with it: changing every
// string, map and slice of the copy leaves the original as it was.
func TestMirrorDeepCopySharesNothing(t *testing.T) {
	for name, data := range corpus(t) {
		for _, obj := range objects(data) {
			var j mbatchv1.Job
			if decode(obj, &j, true) != nil {
				continue
			}
			before, _ := json.Marshal(&j)
			cp := j.DeepCopy()
			scribble(reflect.ValueOf(cp).Elem())
			after, _ := json.Marshal(&j)
			if !bytes.Equal(before, after) {
				t.Fatalf("%s: changing a deep copy changed the original:\n%s", name, cmp.Diff(string(before), string(after)))
			}
		}
	}
}

// scribble changes every string reachable from v, and adds to its maps.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
		v.SetMapIndex(reflect.ValueOf("scribbled").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
	case reflect.String:
		if v.CanSet() {
			v.SetString(v.String() + "!")
		}
	}
}

// nameInputs are strings to check as names, labels and percents.
func nameInputs() []string {
	set := map[string]bool{"": true, "a": true, "A": true, "-": true, ".": true, "a.b": true, "a..b": true, "a-b": true,
		"-a": true, "a-": true, "a_b": true, "example.com/x": true, "example.com/": true, "/x": true, "a/b/c": true,
		"Example.com/x": true, "50%": true, "%": true, "5.5%": true, "100": true, "x%": true, "über": true}
	for _, n := range []int{62, 63, 64, 252, 253, 254} {
		set[strings.Repeat("a", n)] = true
		set[strings.Repeat("a", n-2)+".b"] = true
		set["example.com/"+strings.Repeat("b", n)] = true
		set[strings.Repeat("c", n)+"/name"] = true
	}
	for n := range 100 {
		set[strconv.Itoa(n*7)+"%"] = true
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "abzAZ09-._/%"
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		set[string(b)] = true
	}
	return slices.Sorted(func(yield func(string) bool) {
		for s := range set {
			if !yield(s) {
				return
			}
		}
	})
}

// The mirror's name and label rules say what upstream's say.
func TestValidationAsUpstream(t *testing.T) {
	rules := []struct {
		name         string
		real, mirror func(string) []string
	}{
		{"IsDNS1123Label", validation.IsDNS1123Label, mvalidation.IsDNS1123Label},
		{"IsDNS1123Subdomain", validation.IsDNS1123Subdomain, mvalidation.IsDNS1123Subdomain},
		{"IsQualifiedName", validation.IsQualifiedName, mvalidation.IsQualifiedName},
		{"IsValidLabelValue", validation.IsValidLabelValue, mvalidation.IsValidLabelValue},
		{"IsValidPercent", validation.IsValidPercent, mvalidation.IsValidPercent},
	}
	for _, r := range rules {
		valid, invalid := 0, 0
		for _, s := range nameInputs() {
			want, got := r.real(s), r.mirror(s)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s(%q) (-upstream +mirror):\n%s", r.name, s, diff)
			}
			if len(want) == 0 {
				valid++
			} else {
				invalid++
			}
		}
		if valid < 10 || invalid < 10 {
			t.Errorf("%s: %d valid and %d invalid inputs; the inputs should hold many of both", r.name, valid, invalid)
		}
	}
}

// The mirror's label selector helpers match, print and validate as
// upstream's.
func TestLabelSelectorsAsUpstream(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	keys := []string{"app", "tier", "example.com/role", "Bad Key", "a/b/c", ""}
	values := []string{"web", "db", "", "x_y", "bad value!", strings.Repeat("v", 64)}
	ops := []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "in"}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	for i := range 5000 {
		var sel metav1.LabelSelector
		if rng.IntN(4) > 0 {
			sel.MatchLabels = map[string]string{}
			for range rng.IntN(2) + 1 {
				sel.MatchLabels[pick(keys)] = pick(values)
			}
		}
		for range rng.IntN(3) {
			r := metav1.LabelSelectorRequirement{Key: pick(keys), Operator: metav1.LabelSelectorOperator(pick(ops))}
			for range rng.IntN(3) {
				r.Values = append(r.Values, pick(values))
			}
			if r.Values == nil && i%3 == 0 {
				r.Values = []string{} // "values": [], which an error shows as null
			}
			sel.MatchExpressions = append(sel.MatchExpressions, r)
		}
		data, _ := json.Marshal(&sel)
		var msel mmetav1.LabelSelector
		if err := json.Unmarshal(data, &msel); err != nil {
			t.Fatal(err)
		}
		for k, r := range sel.MatchExpressions {
			if r.Values != nil && len(r.Values) == 0 { // lost in JSON, by omitempty
				msel.MatchExpressions[k].Values = []string{}
			}
		}
		var ps *metav1.LabelSelector
		var mps *mmetav1.LabelSelector
		if i%50 > 0 { // and sometimes none
			ps, mps = &sel, &msel
		}
		if a, b := metav1.FormatLabelSelector(ps), mmetav1.FormatLabelSelector(mps); a != b {
			t.Errorf("FormatLabelSelector(%s): %q, mirror %q", data, a, b)
		}
		s, err := metav1.LabelSelectorAsSelector(ps)
		ms, merr := mmetav1.LabelSelectorAsSelector(mps)
		if (err == nil) != (merr == nil) || (len(sel.MatchLabels) <= 1 && errText(err) != errText(merr)) {
			t.Errorf("LabelSelectorAsSelector(%s): error %q, mirror %q", data, errText(err), errText(merr))
			continue
		}
		if err == nil {
			for range 5 {
				set := map[string]string{}
				for range rng.IntN(4) {
					set[pick(keys)] = pick(values)
				}
				if a, b := s.Matches(labels.Set(set)), ms.Matches(mlabels.Set(set)); a != b {
					t.Errorf("%s matches %v: %v, mirror %v", data, set, a, b)
				}
			}
		}
		path := field.NewPath("spec", "selector")
		want := errorLines(metavalidation.ValidateLabelSelector(ps, metavalidation.LabelSelectorValidationOptions{}, path))
		got := errorLines(mmetavalidation.ValidateLabelSelector(mps, mmetavalidation.LabelSelectorValidationOptions{}, path))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ValidateLabelSelector(%s) (-upstream +mirror):\n%s", data, diff)
		}
	}
}

// errorLines are the errors of a list, sorted: ValidateLabels reports
// those of a map in the map's order.
func errorLines(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	slices.Sort(out)
	return out
}

// IntOrString and the times encode and decode as upstream's.
func TestScalarsAsUpstream(t *testing.T) {
	for _, data := range []string{`1`, `"1"`, `"50%"`, `-3`, `1.5`, `true`, `null`, `"x"`, `{}`, `2147483648`} {
		var a intstr.IntOrString
		var b mintstr.IntOrString
		e1, e2 := json.Unmarshal([]byte(data), &a), json.Unmarshal([]byte(data), &b)
		j1, _ := json.Marshal(a)
		j2, _ := json.Marshal(b)
		if errText(e1) != errText(e2) || !bytes.Equal(j1, j2) || a.String() != b.String() {
			t.Errorf("IntOrString %s: %s %v, mirror %s %v", data, j1, e1, j2, e2)
		}
	}
	for _, data := range []string{`"2026-01-01T00:00:00Z"`, `"2026-01-01T01:02:03+02:00"`, `"2026-01-01T00:00:00.123456Z"`,
		`"2026-01-01"`, `null`, `""`, `1`, `"2026-13-01T00:00:00Z"`} {
		var a metav1.Time
		var b mmetav1.Time
		e1, e2 := json.Unmarshal([]byte(data), &a), json.Unmarshal([]byte(data), &b)
		j1, _ := json.Marshal(a)
		j2, _ := json.Marshal(b)
		if errText(e1) != errText(e2) || !bytes.Equal(j1, j2) {
			t.Errorf("Time %s: %s %v, mirror %s %v", data, j1, e1, j2, e2)
		}
		var c metav1.MicroTime
		var d mmetav1.MicroTime
		e1, e2 = json.Unmarshal([]byte(data), &c), json.Unmarshal([]byte(data), &d)
		j1, _ = json.Marshal(c)
		j2, _ = json.Marshal(d)
		if errText(e1) != errText(e2) || !bytes.Equal(j1, j2) {
			t.Errorf("MicroTime %s: %s %v, mirror %s %v", data, j1, e1, j2, e2)
		}
	}
}
