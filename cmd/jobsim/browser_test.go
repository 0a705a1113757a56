//go:build !(js && wasm)

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findBrowser returns the Chromium or Chrome to drive: $JOBSIM_CHROME,
// $CHROME_PATH, else the first on PATH.
func findBrowser() string {
	for _, v := range []string{"JOBSIM_CHROME", "CHROME_PATH"} {
		if p := os.Getenv(v); p != "" {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is a headless browser for the test, and what its pages wrote
// to the console as errors.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := findBrowser()
	if path == "" {
		msg := "no browser: install chromium, or set JOBSIM_CHROME to a Chromium or Chrome"
		if os.Getenv("JOBSIM_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " (JOBSIM_REQUIRE_BROWSER=1)")
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 1000),
		// The sandbox needs user namespaces, which containers and root
		// often lack; the pages are ours.
		chromedp.NoSandbox)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				b.mu.Lock()
				b.errors = append(b.errors, m.String())
				b.mu.Unlock()
			}
		}
	}()
	t.Logf("browser: %s", path)
	return b
}

// do runs the actions, each step at most a minute.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression into a T.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%v\nin %s", err, expr)
	}
	return v
}

// checkErrors fails the test on anything the pages wrote as an error.
func (b *browser) checkErrors(t *testing.T) {
	t.Helper()
	time.Sleep(100 * time.Millisecond) // the last messages on their way
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("the page wrote an error to the console: %s", e)
	}
	b.errors = nil
}

func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: a PNG
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitRun waits for the page's run number n, after a click or a pick.
func waitRun(n int) chromedp.Action[chromedp.Void] {
	return chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`body[data-runs="%d"]`, n)))
}

func TestPageInBrowser(t *testing.T) {
	b := newBrowser(t)
	files, err := webFiles()
	if err != nil {
		t.Fatal(err)
	}
	files["/jobsim.wasm"], files["/wasm_exec.js"] = testWasm(t)
	srv := httptest.NewServer(newSite(files))
	defer srv.Close()
	dir := artifactDir(t)

	// The page runs the default example once loaded: run 1.
	ready := chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))
	b.do(t, chromedp.Navigate(srv.URL), ready, waitRun(1))
	runs := 1

	t.Run("pi-job", func(t *testing.T) {
		runs++
		b.do(t, chromedp.Click(chromedp.CSS("#run")), waitRun(runs))
		ms := eval[string](t, b, `document.body.dataset.runMs`)
		// The goal is 100 ms or less; machines differ, so it is only logged.
		t.Logf("Run to the result of pi-job shown: %s ms", ms)
		summary := eval[string](t, b, `document.getElementById("summary").textContent`)
		if !regexp.MustCompile(`(?m)^job/pi-job: Complete `).MatchString(summary) {
			t.Errorf("the summary has no line job/pi-job: Complete ...:\n%s", summary)
		}
		b.screenshot(t, dir, "pi-job.png")
	})

	t.Run("pi-job chart", func(t *testing.T) {
		outcomes := eval[[]string](t, b, `[...document.querySelectorAll("#gantt svg g.row")].map(g => g.dataset.outcome)`)
		if len(outcomes) != 1 || outcomes[0] != "Succeeded" {
			t.Errorf("the chart's rows have the outcomes %q, want one row, Succeeded", outcomes)
		}
	})

	t.Run("every example", func(t *testing.T) {
		n := eval[int](t, b, `document.getElementById("example").options.length - 1`) // the last is "(your own)"
		for i := range n {
			runs++
			eval[chromedp.Void](t, b, fmt.Sprintf(`{
				const pick = document.getElementById("example");
				pick.value = "%d";
				pick.dispatchEvent(new Event("change"));
			}`, i))
			b.do(t, waitRun(runs))
			type outcome struct{ Title, Problems, Summary, Ms string }
			got := eval[outcome](t, b, `({Title: document.getElementById("example").selectedOptions[0].text,
				Problems: document.getElementById("problems").textContent,
				Summary: document.getElementById("summary").textContent, Ms: document.body.dataset.runMs})`)
			if got.Problems != "" || !strings.Contains(got.Summary, "job/") {
				t.Errorf("%s: problems %q, summary %q; want none, and a summary", got.Title, got.Problems, got.Summary)
			}
			t.Logf("%s: %s ms", got.Title, got.Ms)
		}
	})

	t.Run("crashloop replay", func(t *testing.T) {
		runs++
		eval[chromedp.Void](t, b, `{
			const pick = document.getElementById("example");
			pick.value = [...pick.options].find(o => o.text.startsWith("crashloop")).value;
			pick.dispatchEvent(new Event("change"));
		}`)
		b.do(t, waitRun(runs))
		type replay struct{ Pod, State, Active, Failed string }
		at := func(sec float64) replay {
			t.Helper()
			return eval[replay](t, b, fmt.Sprintf(`{
				const s = document.getElementById("slider");
				s.value = %g;
				s.dispatchEvent(new Event("input"));
				const pod = document.querySelector("#replay tr[data-pod]"), job = document.querySelector("#replay tr[data-job]");
				({Pod: pod.dataset.pod, State: pod.querySelector(".state").textContent,
				  Active: job.querySelector(".active").textContent, Failed: job.querySelector(".failed").textContent});
			}`, sec))
		}
		// crashloop.yaml's container runs 5 s and exits 1, restartPolicy
		// OnFailure: the kubelet restarts it in the same pod, at once the
		// first time, then after a back-off that doubles from 10 s. Runs:
		// 0-5 s, 5-10 s, back-off 10 s, 20-25 s, back-off 20 s, and at 45 s
		// the fourth start: at 45 s the pod is Running (until 50 s, then
		// a back-off of 40 s to 1m30s, where backoffLimit 4 fails the
		// Job). The Job counts it active, and no failure yet: a restart
		// is not a failed pod.
		if got := at(45); got.State != "Running" || got.Active != "1" || got.Failed != "0" {
			t.Errorf("at 45s: pod %s %s, job active %s failed %s; want Running, active 1, failed 0", got.Pod, got.State, got.Active, got.Failed)
		}
		// The line on the chart is at 45s of its time axis, between the
		// ticks on either side.
		type line struct{ Cursor, Expected float64 }
		l := eval[line](t, b, `{
			const ticks = [...document.querySelectorAll("#gantt g.tick[data-t]")].map(g => {
				const r = (g.querySelector("line") || g).getBoundingClientRect();
				return {t: Number(g.dataset.t), x: r.left + r.width / 2};
			}).sort((a, b) => a.t - b.t);
			const lo = ticks.filter(k => k.t <= 45).pop(), hi = ticks.find(k => k.t > 45);
			const c = document.getElementById("cursor").getBoundingClientRect();
			({Cursor: c.left + c.width / 2, Expected: lo.x + (45 - lo.t) / (hi.t - lo.t) * (hi.x - lo.x)});
		}`)
		if d := l.Cursor - l.Expected; d < -2 || d > 2 {
			t.Errorf("at 45s the chart's line is at x %.1f, want %.1f (between the ticks)", l.Cursor, l.Expected)
		}
		b.screenshot(t, dir, "crashloop-45s.png")
		if got := at(30); got.State != "BackOff" {
			t.Errorf("at 30s: pod %s, want BackOff (waiting from 25s to 45s)", got.State)
		}
		// The steps go from event to event: back from 30s, the back-off's
		// start at 25s.
		b.do(t, chromedp.Click(chromedp.CSS("#prev")))
		if got := eval[string](t, b, `document.body.dataset.at`); got != "25" {
			t.Errorf("previous event from 30s: at %ss, want 25s", got)
		}
	})

	t.Run("misspelt field", func(t *testing.T) {
		manifest, err := os.ReadFile("../../examples/manifests/pi-job.yaml")
		if err != nil {
			t.Fatal(err)
		}
		typo := strings.Replace(string(manifest), "restartPolicy:", "restartPolicie:", 1)
		// The line is the one the command reports.
		path := filepath.Join(t.TempDir(), "pi-job.yaml")
		if err := os.WriteFile(path, []byte(typo), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCmd(t, "", "validate", path)
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `:(\d+): spec\.template\.spec\.restartPolicie: unknown field`).FindStringSubmatch(r.stderr)
		if m == nil {
			t.Fatalf("jobsim validate does not report the misspelt field:\n%s", r.stderr)
		}
		line := m[1]
		runs++
		eval[chromedp.Void](t, b, fmt.Sprintf(`{
			document.getElementById("manifest").value = %s;
			document.getElementById("manifest-name").value = "pi-job.yaml";
			document.getElementById("scenario").value = "";
		}`, jsString(typo)))
		b.do(t, chromedp.Click(chromedp.CSS("#run")), waitRun(runs))
		marked := eval[[]string](t, b, `[...document.querySelectorAll("#manifest-editor .gutter .bad")].map(e => e.textContent)`)
		if !contains(marked, line) {
			t.Errorf("the manifest's marked lines are %q, want %s among them", marked, line)
		}
		listed := eval[[]string](t, b, `[...document.querySelectorAll("#problems a[data-editor=manifest]")].map(a => a.dataset.line + " " + a.textContent)`)
		want := line + " pi-job.yaml:" + line + ": spec.template.spec.restartPolicie: unknown field"
		if !slicesHasPrefix(listed, want) {
			t.Errorf("the problems listed are %q, want one that starts %q", listed, want)
		}
		b.screenshot(t, dir, "misspelt-field.png")
	})

	t.Run("permalink", func(t *testing.T) {
		url := eval[string](t, b, `location.href`)
		// A new page from the link holds the same inputs.
		b.do(t, chromedp.Navigate("about:blank"), chromedp.Navigate(url), ready, waitRun(1))
		runs = 1 // the new page's
		if manifest := eval[string](t, b, `document.getElementById("manifest").value`); !strings.Contains(manifest, "restartPolicie:") {
			t.Errorf("the page from the link %s does not hold the manifest with the misspelt field:\n%s", url, manifest)
		}
	})

	t.Run("bad flag", func(t *testing.T) {
		runs++
		eval[chromedp.Void](t, b, `document.getElementById("flags").value = "--seed x"`)
		b.do(t, chromedp.Click(chromedp.CSS("#run")), waitRun(runs))
		// The command's message, without the help that follows it.
		listed := eval[[]string](t, b, `[...document.querySelectorAll("#problems li")].map(li => li.textContent)`)
		if len(listed) != 1 || !strings.HasPrefix(listed[0], `jobsim run: invalid value "x" for flag -seed`) {
			t.Errorf("with --seed x, the problems listed are %q, want the one message of jobsim run", listed)
		}
		eval[chromedp.Void](t, b, `document.getElementById("flags").value = ""`)
	})

	t.Run("html report", func(t *testing.T) {
		r := runCmd(t, "", "run", "-o", "html", "../../examples/manifests/crashloop.scenario.yaml")
		if r.code != exitOK {
			t.Fatalf("jobsim run -o html: exit %d\n%s", r.code, r.stderr)
		}
		path := filepath.Join(dir, "crashloop.html")
		if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do(t, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("body")))
		// The report as the browser reads it: crashloop's one pod, failed
		// when the Job passed backoffLimit 4 (the 4th restart), the event
		// that says so, and the explanation.
		type report struct {
			Rows     []string
			Reasons  []string
			Sections []string
		}
		got := eval[report](t, b, `({
			Rows: [...document.querySelectorAll("svg g.row")].map(g => g.dataset.name + ": " + g.dataset.outcome),
			Reasons: [...document.querySelectorAll("table.events td:nth-child(3)")].map(td => td.textContent),
			Sections: [...document.querySelectorAll("h2")].map(h => h.textContent)})`)
		if len(got.Rows) != 1 || !strings.HasPrefix(got.Rows[0], "crashloop-") || !strings.HasSuffix(got.Rows[0], ": Failed (exit 143, deleted), 4 restarts") {
			t.Errorf("the report's chart rows are %q, want crashloop's one pod, Failed (exit 143, deleted), 4 restarts", got.Rows)
		}
		if !contains(got.Reasons, "BackoffLimitExceeded") {
			t.Errorf("the report's events lack BackoffLimitExceeded: %q", got.Reasons)
		}
		if want := []string{"Summary", "Chart", "Events", "Explanation"}; !slices.Equal(got.Sections, want) {
			t.Errorf("the report's sections are %q, want %q", got.Sections, want)
		}
		b.screenshot(t, dir, "crashloop-report.png")
	})

	b.checkErrors(t)
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func slicesHasPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}
