package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
)

// svgDoc is what the tests read back from an SVG chart.
type svgDoc struct {
	rows  []svgRow
	ticks []float64 // data-t of the axis's ticks, in document order
	// xs are the x of each tick, in document order.
	xs []float64
}

type svgRow struct {
	name, outcome string
	rects         int
}

// parseSVG parses an SVG document with encoding/xml, failing the test if
// it is not well-formed.
func parseSVG(t *testing.T, doc string) svgDoc {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var out svgDoc
	var row *svgRow
	depth, rowDepth := 0, -1
	sawSVG := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			attr := func(name string) string {
				for _, a := range el.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch {
			case el.Name.Local == "svg" && depth == 1:
				sawSVG = el.Name.Space == "http://www.w3.org/2000/svg"
			case el.Name.Local == "g" && attr("class") == "row":
				out.rows = append(out.rows, svgRow{name: attr("data-name"), outcome: attr("data-outcome")})
				row, rowDepth = &out.rows[len(out.rows)-1], depth
			case el.Name.Local == "g" && attr("class") == "tick":
				v, err := strconv.ParseFloat(attr("data-t"), 64)
				if err != nil {
					t.Fatalf("tick data-t %q: %v", attr("data-t"), err)
				}
				out.ticks = append(out.ticks, v)
			case el.Name.Local == "line" && len(out.ticks) > len(out.xs):
				x, err := strconv.ParseFloat(attr("x1"), 64)
				if err != nil {
					t.Fatalf("tick x1 %q: %v", attr("x1"), err)
				}
				out.xs = append(out.xs, x)
			case el.Name.Local == "rect" && row != nil:
				row.rects++
			}
		case xml.EndElement:
			if depth == rowDepth {
				row, rowDepth = nil, -1
			}
			depth--
		}
	}
	if !sawSVG {
		t.Fatalf("no <svg> root in the SVG namespace")
	}
	return out
}

// createdObjects counts the pods and the Jobs created in a run, from its
// events: the Job controller's and the CronJob controller's
// SuccessfulCreate.
func createdObjects(t *testing.T, file string) (pods, jobs int) {
	t.Helper()
	r := runCmd(t, "", "run", "-o", "events", file)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var ev eventJSON
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		switch {
		case ev.Reason == "SuccessfulCreate" && strings.HasPrefix(ev.Message, "Created pod: "):
			pods++
		case ev.Reason == "SuccessfulCreate" && strings.HasPrefix(ev.Message, "Created job "):
			jobs++
		}
	}
	return pods, jobs
}

// TestSVGOfEveryExample parses the SVG of every example and checks its
// rows and axis: one row per pod created (per Job created when the
// scenario has CronJobs), each with an outcome; the axis's ticks start at
// 0 and increase, in time and on the page.
func TestSVGOfEveryExample(t *testing.T) {
	t.Chdir("../..")
	for _, file := range examples(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := runCmd(t, "", "run", "-o", "svg", file)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			doc := parseSVG(t, r.stdout)
			pods, jobs := createdObjects(t, file)
			want := pods
			if jobs > 0 {
				want = jobs
			}
			if len(doc.rows) != want {
				t.Errorf("%d rows, want %d (pods %d, Jobs of CronJobs %d)", len(doc.rows), want, pods, jobs)
			}
			for _, row := range doc.rows {
				if row.name == "" || row.outcome == "" {
					t.Errorf("row %+v lacks its name or outcome", row)
				}
			}
			if len(doc.ticks) < 2 || doc.ticks[0] != 0 {
				t.Fatalf("ticks %v: want at least two, from 0", doc.ticks)
			}
			for i := 1; i < len(doc.ticks); i++ {
				if doc.ticks[i] <= doc.ticks[i-1] || doc.xs[i] <= doc.xs[i-1] {
					t.Errorf("tick %d: t %v x %v after t %v x %v: not increasing", i, doc.ticks[i], doc.xs[i], doc.ticks[i-1], doc.xs[i-1])
				}
			}
		})
	}
}

// TestSVGOfPiJob: pi-job's one pod runs from 0s until it succeeds
// (pi-job.yaml's run annotation): one row, Succeeded, drawn as one
// running span.
func TestSVGOfPiJob(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "-o", "svg", "examples/manifests/pi-job.yaml")
	doc := parseSVG(t, r.stdout)
	if len(doc.rows) != 1 || doc.rows[0].outcome != "Succeeded" || doc.rows[0].rects != 1 {
		t.Errorf("rows %+v: want one Succeeded row of one span", doc.rows)
	}
}

// TestSVGGroupsManyPods: past the SVG's 200 rows the pods are grouped.
// An Indexed Job of 150 completions whose pods all fail, with
// backoffLimitPerIndex 1, has 2 pods per index (the first and its one
// retry): 300 pods in 150 rows, one per index. 600 pods of a NonIndexed
// Job on 3 nodes: one row per node.
func TestSVGGroupsManyPods(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		nodes      bool
		rows       int
		title      string
		outcome    string // the end of every row's outcome
	}{
		{"indexed", "  completions: 150\n  parallelism: 150\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n", false, 150,
			"One row per completion index", "Failed (exit 1) (2 pods)"},
		{"nodes", "  completions: 600\n  parallelism: 300\n", true, 3, "One row per node", "pods bound"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: many}\nspec:\n" + tt.spec +
				"  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i}]\n"
			input := "apiVersion: jobsim/v1alpha1\nkind: Scenario\n"
			if tt.nodes {
				input += "nodes:\n  - {name: n, count: 3, capacity: {cpu: 1000, pods: 200}}\n"
			}
			input += "jobs:\n  - pods: {default: {run: 10s, exit: 1}}\n    job:\n" + indent(job, "      ")
			if tt.nodes {
				input = strings.Replace(input, "exit: 1", "exit: 0", 1)
			}
			r := runCmd(t, input, "run", "-o", "svg", "-")
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			doc := parseSVG(t, r.stdout)
			if len(doc.rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(doc.rows), tt.rows)
			}
			if !strings.Contains(r.stdout, tt.title) {
				t.Errorf("the SVG does not say %q", tt.title)
			}
			for _, row := range doc.rows {
				if !strings.HasSuffix(row.outcome, tt.outcome) {
					t.Errorf("row %s: outcome %q, want it to end with %q", row.name, row.outcome, tt.outcome)
				}
			}
		})
	}
}

// traceDoc is a trace file as the Trace Event Format defines it.
type traceDoc struct {
	TraceEvents []map[string]any `json:"traceEvents"`
	Unit        string           `json:"displayTimeUnit"`
}

// checkTraceEvents checks the Trace Event Format's required fields of
// every event: name, ph, ts, pid and tid; dur for complete events ("X"),
// numeric args for counters ("C"), a scope for instants ("i"), args.name
// for the names of processes and threads ("M"). It returns the pods'
// threads: their names and slices.
func checkTraceEvents(t *testing.T, data []byte) map[string][]traceSlice {
	t.Helper()
	var doc traceDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Unit != "ms" && doc.Unit != "ns" {
		t.Errorf("displayTimeUnit %q: must be ms or ns", doc.Unit)
	}
	threadName := map[[2]float64]string{}
	slicesOf := map[[2]float64][]traceSlice{}
	for i, ev := range doc.TraceEvents {
		where := fmt.Sprintf("event %d %v", i, ev)
		name, ok := ev["name"].(string)
		if !ok || name == "" {
			t.Errorf("%s: no name", where)
		}
		ph, _ := ev["ph"].(string)
		for _, f := range []string{"ts", "pid", "tid"} {
			if _, ok := ev[f].(float64); !ok {
				t.Errorf("%s: %s is not a number", where, f)
			}
		}
		ts, _ := ev["ts"].(float64)
		key := [2]float64{ev["pid"].(float64), ev["tid"].(float64)}
		args, _ := ev["args"].(map[string]any)
		switch ph {
		case "X":
			dur, ok := ev["dur"].(float64)
			if !ok || dur < 0 {
				t.Errorf("%s: a complete event needs a dur ≥ 0", where)
			}
			if ev["cat"] == "pod" {
				slicesOf[key] = append(slicesOf[key], traceSlice{name, ts, ts + dur})
			}
		case "C":
			if len(args) == 0 {
				t.Errorf("%s: a counter needs args", where)
			}
			for k, v := range args {
				if _, ok := v.(float64); !ok {
					t.Errorf("%s: counter %s is not a number", where, k)
				}
			}
		case "i":
			if s := ev["s"]; s != "g" && s != "p" && s != "t" {
				t.Errorf("%s: instant scope %v: must be g, p or t", where, s)
			}
		case "M":
			if _, ok := args["name"].(string); !ok && strings.HasSuffix(name, "_name") {
				t.Errorf("%s: metadata without args.name", where)
			}
			if name == "thread_name" {
				threadName[key] = args["name"].(string)
			}
		default:
			t.Errorf("%s: unexpected phase %q", where, ph)
		}
	}
	pods := map[string][]traceSlice{}
	for key, name := range threadName {
		pods[name] = slicesOf[key]
	}
	return pods
}

// traceSlice is one state of a pod in a trace, in microseconds.
type traceSlice struct {
	state    string
	from, to float64
}

// TestTraceOfEveryExample validates the trace of every example against
// the format, with a thread per pod created whose states never overlap:
// a pod is in one state at a time.
func TestTraceOfEveryExample(t *testing.T) {
	t.Chdir("../..")
	for _, file := range examples(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := runCmd(t, "", "run", "-o", "trace", file)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			pods := checkTraceEvents(t, []byte(r.stdout))
			created, _ := createdObjects(t, file)
			if len(pods) != created {
				t.Errorf("%d pod threads, want %d", len(pods), created)
			}
			for pod, ss := range pods {
				slices.SortFunc(ss, func(a, b traceSlice) int { return int(a.from - b.from) })
				for i := 1; i < len(ss); i++ {
					if ss[i].from < ss[i-1].to {
						t.Errorf("%s: %v overlaps %v", pod, ss[i], ss[i-1])
					}
				}
			}
		})
	}
}

// TestTraceOfCrashloop: crashloop.yaml's container runs 5s and exits 1,
// restartPolicy OnFailure; the kubelet restarts it at once the first
// time, then after 10s, 20s and 40s of CrashLoopBackOff. So its one pod
// runs 0-5s and 5-10s, backs off 10-20s, runs 20-25s, backs off 25-45s,
// runs 45-50s and backs off 50-90s, when backoffLimit 4 is passed.
func TestTraceOfCrashloop(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "-o", "trace", "examples/manifests/crashloop.scenario.yaml")
	pods := checkTraceEvents(t, []byte(r.stdout))
	if len(pods) != 1 {
		t.Fatalf("%d pods, want 1", len(pods))
	}
	const s = 1e6
	want := []traceSlice{
		{"Running", 0, 5 * s}, {"Running", 5 * s, 10 * s}, {"BackOff", 10 * s, 20 * s},
		{"Running", 20 * s, 25 * s}, {"BackOff", 25 * s, 45 * s},
		{"Running", 45 * s, 50 * s}, {"BackOff", 50 * s, 90 * s},
	}
	for _, got := range pods {
		if !slices.Equal(got, want) {
			t.Errorf("states\n got %v\nwant %v", got, want)
		}
	}
}

// TestHTMLReport: the page of a run is one file with the chart, the
// events, the summary and the explanation, and nothing it would fetch.
func TestHTMLReport(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "run", "-o", "html", "examples/manifests/crashloop.scenario.yaml")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	page := r.stdout
	for _, want := range []string{"<!DOCTYPE html>", `<svg xmlns="http://www.w3.org/2000/svg"`, `<table class="events">`,
		">BackoffLimitExceeded<", "Explanation</h2>", "job/crashloop: Failed"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, fetch := range []string{"src=", "href=", "url(", "@import"} {
		if strings.Contains(page, fetch) {
			t.Errorf("the page has %q: it must need nothing else", fetch)
		}
	}
	start, end := strings.Index(page, "<svg"), strings.Index(page, "</svg>")
	parseSVG(t, page[start:end+len("</svg>")])
}

// TestPictureFlagErrors: the picture formats draw one file, and the
// explanation belongs to the formats that print text.
func TestPictureFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "png", "x.yaml"}, "must be text, json, yaml, events, svg, html or trace"},
		{[]string{"-o", "svg", "a.yaml", "b.yaml"}, "-o svg draws one FILE"},
		{[]string{"-o", "trace", "--explain", "x.yaml"}, "--explain prints text, json, yaml or html: drop -o trace"},
	} {
		r := runCmd(t, "", append([]string{"run"}, tt.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, exitUsage, tt.want)
		}
	}
}

// BenchmarkSVG10000Pods draws the SVG of a run of 10,000 pods (a Job of
// 10,000 completions, 1,000 at a time, on 20 nodes), the whole command
// from the manifest to the picture, and reports pods/s.
func BenchmarkSVG10000Pods(b *testing.B) {
	file := filepath.Join(b.TempDir(), "tenk.yaml")
	scenario := "apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes:\n  - {name: node, count: 20, capacity: {cpu: 100000, pods: 110}}\njobs:\n  - job:\n" +
		"      apiVersion: batch/v1\n      kind: Job\n      metadata: {name: tenk}\n      spec:\n        completions: 10000\n        parallelism: 1000\n" +
		"        template:\n          spec:\n            restartPolicy: Never\n            containers: [{name: c, image: i}]\n" +
		"    pods: {default: {run: 30s}}\n"
	if err := os.WriteFile(file, []byte(scenario), 0o644); err != nil {
		b.Fatal(err)
	}
	var printed int
	for b.Loop() {
		var out, stderr strings.Builder
		code := Main([]string{"run", "-o", "svg", file}, env{
			stdin: strings.NewReader(""), stdout: &out, stderr: &stderr,
			clock: clock.NewMock(), readFile: os.ReadFile,
			create: func(string) (io.WriteCloser, error) { return nil, os.ErrPermission },
		})
		if code != exitOK {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
		printed = out.Len()
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(time.Millisecond), "ms/svg")
	b.ReportMetric(float64(printed)/1024, "KiB-of-svg")
}
