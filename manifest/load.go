package manifest

import (
	"errors"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Load reads a scenario file, or a plain manifest, from path: see Parse.
func Load(path string, opts Options) (*Scenario, error) {
	data, err := opts.readFile(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Message: readError(err)}}}
	}
	return Parse(path, data, opts)
}

// readError words a file error without repeating the path.
func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return "cannot read the file: " + pe.Err.Error()
	}
	return "cannot read the file: " + err.Error()
}

// Parse reads a scenario (a YAML document with kind: Scenario) or a plain
// manifest (batch/v1 Jobs, other kinds skipped) from data; path names it
// in problems and is where the manifests a scenario names are looked for.
// It checks everything before anything runs: the Jobs as the API server
// would on create, the scenario's fields, and every action as the API
// server would check the edit. It returns every problem as an *Error.
func Parse(path string, data []byte, opts Options) (*Scenario, error) {
	var ps problems
	s := &Scenario{File: path, Seed: DefaultSeed, Start: time.Unix(0, 0).UTC()}
	ok := checkText(path, data, &ps)
	if ok {
		data, ok = renderHelm(path, data, opts.ReleaseName, &ps)
	}
	if ok {
		if node, line, isScenario := firstDocument(path, data); isScenario {
			s.IsScenario = true
			p := &scenarioParser{file: path, opts: opts, ps: &ps, s: s}
			p.parse(node, line, data)
		} else {
			d := decodeDocuments(path, data, &ps, &ps)
			s.Notices = notices(d.others)
			for _, j := range d.jobs {
				s.Jobs = append(s.Jobs, &ScenarioJob{Manifest: j, line: j.Line})
			}
			for i, cj := range d.cronJobs {
				s.CronJobs = append(s.CronJobs, &ScenarioCronJob{Manifest: cj, line: cj.Line, path: fmt.Sprintf("cronJobs[%d]", i)})
			}
			switch {
			case len(d.jobs) > 0 || len(d.cronJobs) > 0 || len(ps.list) > 0:
			case len(d.others) > 0:
				noJob(d.others, &ps, "")
			default:
				ps.add(path, 0, "", "no batch/v1 Job found")
			}
		}
	}
	if opts.Seed != nil {
		s.Seed = *opts.Seed
	}
	if opts.Version != 0 {
		s.KubernetesVersion = opts.Version
	}
	if opts.Until != 0 {
		s.Until = opts.Until
	}
	for name, on := range opts.FeatureGates {
		if s.FeatureGates == nil {
			s.FeatureGates = map[string]bool{}
		}
		s.FeatureGates[name] = on
	}
	s.check(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeDocuments decodes the Jobs of an already rendered manifest. The
// problems that keep the file from being read as Kubernetes objects at
// all (YAML syntax, a document that is not an object) go to unread, the
// others to ps: a scenario reports the former at its file: entry. It
// returns the Jobs, and the objects of other kinds, skipped.
func decodeDocuments(file string, data []byte, ps, unread *problems) decoded {
	var out decoded
	for _, doc := range splitDocuments(file, data, unread) {
		node, ok := parseYAML(file, doc, unread)
		if !ok || node == nil {
			continue
		}
		if node.Kind != yaml.MappingNode {
			// Quote the line as written: a plain scalar folds the lines
			// of a text into one value.
			unread.add(file, node.Line+doc.line-1, "", "expected a Kubernetes object (apiVersion, kind, metadata, spec), got %s: %s",
				kindWord(node), quoteClip(lineText(doc.data, node.Line)))
			continue
		}
		out.add(decodeObject(file, node, doc.line-1, "", ps))
	}
	return out
}

// firstDocument tells whether data's first document is a Scenario, and
// returns it parsed.
func firstDocument(file string, data []byte) (*yaml.Node, int, bool) {
	var scratch problems
	docs := splitDocuments(file, data, &scratch)
	if len(docs) == 0 {
		return nil, 0, false
	}
	node, ok := parseYAML(file, docs[0], &scratch)
	if !ok || node == nil || node.Kind != yaml.MappingNode {
		return nil, 0, false
	}
	_, kind, _ := typeMeta(node)
	return node, docs[0].line - 1, kind == ScenarioKind
}

// scenarioParser reads a Scenario document node by node, so that every
// problem has its field path and line.
