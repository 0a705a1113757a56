package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	"go.yaml.in/yaml/v3"

	"github.com/jobsim/jobsim"
)

// Job is one batch/v1 Job read from a manifest, defaulted and validated.
type Job struct {
	// Object is the Job as the API server stores it when it is created,
	// except for what needs its UID: defaulted (the Job's defaults and the
	// pod template's), with status and server-set metadata cleared. The
	// UID, the generated selector and the template labels that carry them
	// are added when it is submitted (see JobObject).
	Object *batchv1.Job
	// Job is the same Job in jobsim's types, defaulted by
	// jobsim.SetDefaults, ready for jobsim.Cluster.Submit.
	Job jobsim.Job
	// File is the file the Job was read from.
	File string
	// Line is the line of File where its object starts.
	Line int

	// lines maps field paths of the object (spec.parallelism) to lines
	// of File; prefix is what problems put before those paths
	// ("jobs[0].job." for a scenario's inline job).
	lines  map[string]int
	prefix string
	// schedulingLine is the line of spec.scheduling, cut before decoding
	// (cutScheduling), or 0.
	schedulingLine int
}

// key is the Job's namespace/name.
func (j *Job) key() string { return j.Job.Namespace + "/" + j.Job.Name }

// problem reports a problem at a field path of the Job.
func (j *Job) problem(ps *problems, path, format string, args ...any) {
	line := lineOf(j.lines, path)
	if line == 0 {
		line = j.Line
	}
	ps.add(j.File, line, j.prefix+path, format, args...)
}

// lineOf returns the line of a field path of the Job, or of its nearest
// ancestor that has one.
func (j *Job) lineOf(path string) int {
	if l := lineOf(j.lines, path); l > 0 {
		return l
	}
	return j.Line
}

// DecodeJobs reads the batch/v1 Jobs of a manifest file: one or more YAML
// documents (or a stream of JSON objects), each a batch/v1 Job or a v1
// List of objects. Documents of other kinds are skipped with a Notice,
// but for a kind kubectl would refuse (kind: job, or a Job outside
// batch/v1), which is a problem. A file of other kinds only is not a
// problem here: it has no Jobs (Parse and Load make it one).
// Each Job is decoded strictly (an unknown field is a problem naming it),
// defaulted and validated as the API server would on create. file names
// the input in problems and notices.
//
// Helm template markup is a problem naming its line, unless
// opts.ReleaseName is set and the only markup is {{ .Release.Name }},
// which is then replaced by it.
//
// It returns the Jobs in the order of the file, and an *Error listing
// every problem if there is any (the Jobs are then nil). The rules that
// compare template labels with the Job's UID are left to Parse and Load,
// which know the UIDs the Jobs will get.
func DecodeJobs(file string, data []byte, opts Options) ([]*Job, []Notice, error) {
	var ps problems
	jobs, notices := decodeJobs(file, data, opts, &ps)
	for _, j := range jobs {
		if dropped := j.versionFields(opts.Version, opts.FeatureGates, &ps); len(dropped) > 0 {
			notices = append(notices, Notice{File: j.File, Line: j.Line, Message: dropNotice(opts.Version, dropped)})
		}
	}
	if err := ps.err(); err != nil {
		return nil, notices, err
	}
	return jobs, notices, nil
}

func decodeJobs(file string, data []byte, opts Options, ps *problems) ([]*Job, []Notice) {
	if !checkText(file, data, ps) {
		return nil, nil
	}
	data, ok := renderHelm(file, data, opts.ReleaseName, ps)
	if !ok {
		return nil, nil
	}
	d := decodeDocuments(file, data, ps, ps)
	ns := notices(d.others)
	for _, cj := range d.cronJobs {
		ns = append(ns, Notice{File: cj.File, Line: cj.Line, Message: escape("skipped CronJob " + clip(cj.CronJob.Name) + " (batch/v1): DecodeJobs reads Jobs; Parse and Load read CronJobs too")})
	}
	return d.jobs, ns
}

// renderHelm replaces {{ .Release.Name }} when a release name is given,
// and reports any Helm markup left.
func renderHelm(file string, data []byte, release string, ps *problems) ([]byte, bool) {
	if release != "" {
		data = substituteRelease(data, release)
	}
	found := findHelm(data)
	for _, m := range found {
		text := m.text
		if c, cut := clipRunes(text, 57); cut {
			text = c + "..."
		}
		switch {
		case release != "":
			ps.add(file, m.line, "", "Helm template markup %s is not YAML, and --set-release replaces only {{ .Release.Name }}: render the chart with `helm template` first", text)
		case releaseNameRE.MatchString(m.text):
			ps.add(file, m.line, "", "Helm template markup %s is not YAML: render the chart with `helm template` first, or pass --set-release NAME to substitute .Release.Name", text)
		default:
			ps.add(file, m.line, "", "Helm template markup %s is not YAML: render the chart with `helm template` first", text)
		}
	}
	return data, len(found) == 0
}

// typeMeta reads apiVersion and kind of an object node, and the lines
// of their keys.
func typeMeta(n *yaml.Node) (apiVersion, kind string, lines map[string]int) {
	lines = map[string]int{}
	for _, kv := range mappingPairs(n) {
		k, v := resolve(kv[0]), resolve(kv[1])
		if k == nil || v == nil || v.Kind != yaml.ScalarNode {
			continue
		}
		switch k.Value {
		case "apiVersion":
			apiVersion = v.Value
		case "kind":
			kind = v.Value
		default:
			continue
		}
		lines[k.Value] = k.Line
	}
	return apiVersion, kind, lines
}

// objectName reads metadata.name of an object node, for notices.
func objectName(n *yaml.Node) string {
	for _, kv := range mappingPairs(n) {
		if k := resolve(kv[0]); k != nil && k.Value == "metadata" {
			for _, kv2 := range mappingPairs(kv[1]) {
				if k2, v2 := resolve(kv2[0]), resolve(kv2[1]); k2 != nil && v2 != nil && k2.Value == "name" && v2.Kind == yaml.ScalarNode {
					return v2.Value
				}
			}
		}
	}
	return ""
}

// decodeObject decodes one object node: a Job, a List of objects, or
// anything else (skipped, and returned as such). offset turns the node's lines
// into lines of file, and prefix goes before its field paths.
func decodeObject(file string, n *yaml.Node, offset int, prefix string, ps *problems) decoded {
	line := n.Line + offset
	if n.Kind != yaml.MappingNode {
		ps.add(file, line, strings.TrimSuffix(prefix, "."), "expected a Kubernetes object (apiVersion, kind, metadata, spec), got %s", kindName(n))
		return decoded{}
	}
	apiVersion, kind, lines := typeMeta(n)
	switch {
	case kind == "":
		ps.add(file, line, prefix+"kind", "Required value: the object has no kind (a Job says apiVersion: batch/v1 and kind: Job)")
	case apiVersion == "":
		ps.add(file, line, prefix+"apiVersion", "Required value: the object has no apiVersion (a Job says apiVersion: batch/v1)")
	case kind == "List" && (apiVersion == "v1" || strings.HasSuffix(apiVersion, "/v1")):
		return decodeList(file, n, offset, prefix, ps)
	case kind == "Job" && apiVersion == "batch/v1":
		if j := decodeJob(file, n, offset, prefix, ps); j != nil {
			return decoded{jobs: []*Job{j}}
		}
	case kind == "CronJob" && apiVersion == "batch/v1":
		if cj := decodeCronJob(file, n, offset, prefix, ps); cj != nil {
			return decoded{cronJobs: []*CronJob{cj}}
		}
	case kind == ScenarioKind:
		ps.add(file, line, "", "a Scenario must be the first and only document of its file")
	default:
		if field, msg := kindMistake(apiVersion, kind); msg != "" {
			ps.add(file, lines[field]+offset, prefix+field, "%s", msg)
			return decoded{}
		}
		return decoded{others: []skipped{newSkipped(file, n, offset, apiVersion, kind)}}
	}
	return decoded{}
}

// decoded is what a manifest, or one of its objects, holds: its Jobs,
// its CronJobs and the objects of other kinds, skipped.
type decoded struct {
	jobs     []*Job
	cronJobs []*CronJob
	others   []skipped
}

func (d *decoded) add(o decoded) {
	d.jobs = append(d.jobs, o.jobs...)
	d.cronJobs = append(d.cronJobs, o.cronJobs...)
	d.others = append(d.others, o.others...)
}

func decodeList(file string, n *yaml.Node, offset int, prefix string, ps *problems) decoded {
	var out decoded
	for _, kv := range mappingPairs(n) {
		k, v := resolve(kv[0]), resolve(kv[1])
		if k == nil || k.Value != "items" || v == nil {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			ps.add(file, v.Line+offset, prefix+"items", "expected a list, got %s", kindName(v))
			continue
		}
		for i, item := range v.Content {
			item = resolve(item)
			if item == nil {
				continue
			}
			out.add(decodeObject(file, item, offset, fmt.Sprintf("%sitems[%d].", prefix, i), ps))
		}
	}
	return out
}

// decodeJob decodes, defaults and validates one batch/v1 Job node. A
// malformed value or an unknown field does not stop it: the rest is still
// validated, so that every problem is found at once, but for problems
// that only echo a malformed value.
func decodeJob(file string, n *yaml.Node, offset int, prefix string, ps *problems) *Job {
	before := len(ps.list)
	c := newChecker(file, offset, prefix, ps)
	schedulingLine := cutScheduling(n)
	if schedulingLine > 0 {
		schedulingLine += offset
	}
	val := c.conv(n, reflect.TypeFor[batchv1.Job](), "")
	if c.budget <= 0 {
		ps.add(file, n.Line+offset, strings.TrimSuffix(prefix, "."), "the object is too large (more than %d YAML nodes, aliases expanded)", maxNodes)
		return nil
	}
	obj := &batchv1.Job{}
	if err := decodeJSON(val, obj); err != nil {
		if len(ps.list) == before {
			ps.add(file, n.Line+offset, strings.TrimSuffix(prefix, "."), "%s", jsonErrorText(err))
		}
		return nil
	}
	j := &Job{Object: obj, File: file, Line: n.Line + offset, lines: c.lines, prefix: prefix, schedulingLine: schedulingLine}
	var admitted problems
	j.admit(&admitted)
	for _, p := range admitted.list {
		if !c.echoes(strings.TrimPrefix(p.Field, prefix)) {
			ps.list = append(ps.list, p)
		}
	}
	if len(ps.list) > before {
		return nil
	}
	return j
}

// decodeJSON decodes a value made by conv into out, strictly.
func decodeJSON(val any, out any) error {
	data, err := json.Marshal(val)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

// jsonErrorText words a decoding error without Go's type names where it
// can. It quotes no more of the input than quoteClip does.
func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, got %s", goTypeWords(te.Type), jsonValueWords(te.Value))
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("Invalid value: %s: must be an RFC 3339 time such as 2026-01-01T00:00:00Z", quoteClip(pe.Value))
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return msg
}

// jsonValueWords names the kind of JSON value of a json.UnmarshalTypeError.
func jsonValueWords(v string) string {
	switch v {
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "bool":
		return "a boolean"
	}
	if strings.HasPrefix(v, "number") {
		return "a number"
	}
	return "a " + v
}

func goTypeWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}
