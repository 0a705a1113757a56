package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// Exit statuses.
const (
	exitOK      = 0 // the command did its work (whatever the jobs' outcomes)
	exitInvalid = 1 // invalid input, or a simulation that could not finish
	exitUsage   = 2 // a usage error: unknown command or flag, no FILE
)

// env is the command's view of the outside world, so that tests can
// replace every part of it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// clock paces --speed playback; tests pass a *clock.Mock.
	clock    clock.Clock
	readFile func(name string) ([]byte, error)
	create   func(name string) (io.WriteCloser, error)
	// terminal reports whether w is a terminal, and its width; nil: none
	// is.
	terminal func(w io.Writer) (int, bool)
	getenv   func(string) string
}

const usage = `jobsim simulates Kubernetes batch/v1 Jobs and their Pods on virtual time.

Usage:

  jobsim run [flags] FILE...       simulate each FILE and print what happens
  jobsim validate [flags] FILE...  check each FILE without running it
  jobsim explain [flags] FILE...   say why each job ended as it did, and what would change it
  jobsim get RESOURCE FILE         list pods or jobs at an instant, as kubectl get does
  jobsim describe RESOURCE NAME FILE
                                   describe a job or pod then, as kubectl describe does
  jobsim sweep -n N FILE           run FILE once per seed, and report the odds of each outcome
  jobsim serve [flags]             serve a page that runs jobsim in the browser
  jobsim version                   print jobsim's version and the Kubernetes versions it simulates
  jobsim help [COMMAND]            print this help, or a command's

A FILE is a Job manifest (YAML or JSON, one or more documents; other kinds
are skipped) or a scenario (kind: Scenario, see docs/scenario.md); "-" reads
standard input. Each FILE is simulated on a cluster of its own.

Exit status: 0 when the command ran (whatever the jobs' outcomes), 1 on
invalid input (every problem is listed as FILE:LINE: field.path: message),
2 on usage errors.
`

const runUsage = `Usage: jobsim run [flags] FILE...

Simulates each FILE and prints, by default, a timeline of events in virtual
time, a summary per job and a chart of the pods.

Flags:
  -o, --output FORMAT   text (default), json or yaml (the jobs and pods at the
                        end, as kubectl get jobs,pods -o json|yaml shows
                        them), events (one JSON object per event), svg (the
                        chart as an SVG document), html (a page with the
                        chart, the events, the summary and the explanation)
                        or trace (for Perfetto and chrome://tracing)
  --seed N              the seed of every random draw (default: the
                        scenario's, else 1)
  --until DURATION      stop the clock this long after the start (default:
                        the scenario's, else when nothing is left to
                        happen, at most 720h; a CronJob needs one)
  --sync-delay DURATION how long the Job controller waits before reacting
                        to pod changes (default 0s; 1s is Kubernetes')
  --width N             the text output's width: messages wrap and the chart
                        fits within it (default: the terminal's, else 100)
  --chart MODE          the chart's rows: pod, index (one per completion
                        index, its retries in turn), job (one per Job, its
                        pods in turn), node, or auto (the default: Jobs
                        with CronJobs, else pods if they fit, else grouped)
  --color WHEN          colour the text output: auto (on a terminal, unless
                        NO_COLOR is set; the default), always or never
  --speed N             play the timeline back as it happens, N times
                        faster than real time (text and events output)
  --max-events N        the most engine events a run may take (default
                        100000000); a run seen to need more stops early
  --events FILE         also write every event as JSON lines to FILE
  --explain[=full]      after the summary, explain how each job ended (see
                        jobsim help explain; full: every line); with -o json
                        or yaml, the List gains a field "explanations"
  --set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
` + versionFlagsUsage + `  --compare-versions 1.35,1.37
                        run each FILE on each version, with the same seed,
                        and print what differs side by side: the outcome,
                        the status over time, conditions, each pod's
                        creation and why (text output only)
`

const validateUsage = `Usage: jobsim validate [flags] FILE...

Checks each FILE (manifests and scenarios) as the API server would, without
running it, and lists every problem as FILE:LINE: field.path: message.

Flags:
  --seed N              the seed (it decides the jobs' UIDs)
  --set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
` + versionFlagsUsage

// Main runs the command with args (without the program name) and returns
// its exit status.
func Main(args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return cmdRun(rest, e)
	case "validate":
		return cmdValidate(rest, e)
	case "explain":
		return cmdExplain(rest, e)
	case "get":
		return cmdGet(rest, e)
	case "describe":
		return cmdDescribe(rest, e)
	case "sweep":
		return cmdSweep(rest, e)
	case "serve":
		return cmdServe(rest, e)
	case "version", "--version", "-version":
		fmt.Fprintf(e.stdout, "jobsim %s\n", version())
		for _, v := range jobsim.Versions() {
			def := ""
			if v == jobsim.Latest {
				def = " (the default)"
			}
			fmt.Fprintf(e.stdout, "simulates Kubernetes %s, from the sources of %s%s\n", v, v.Release(), def)
		}
		return exitOK
	case "help", "-h", "-help", "--help":
		return cmdHelp(rest, e)
	default:
		fmt.Fprintf(e.stderr, "jobsim: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

func cmdHelp(args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	switch args[0] {
	case "run":
		fmt.Fprint(e.stdout, runUsage)
	case "validate":
		fmt.Fprint(e.stdout, validateUsage)
	case "explain":
		fmt.Fprint(e.stdout, explainUsage)
	case "get":
		fmt.Fprint(e.stdout, getUsage)
	case "describe":
		fmt.Fprint(e.stdout, describeUsage)
	case "sweep":
		fmt.Fprint(e.stdout, sweepUsage)
	case "serve":
		fmt.Fprint(e.stdout, serveUsage)
	case "version", "help":
		fmt.Fprint(e.stdout, usage)
	default:
		fmt.Fprintf(e.stderr, "jobsim help: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return exitOK
}

// version is the module's version, "(devel)" when built from a checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// runFlags are the flags of jobsim run (validate uses a subset).
type runFlags struct {
	output     string
	seed       optUint
	until      time.Duration
	syncDelay  time.Duration
	speed      float64
	maxEvents  uint64
	width      int
	chart      string
	color      string
	out        outOpts // from width, chart and color
	events     string
	setRelease string
	version    jobsim.Version   // --kubernetes-version
	gates      map[string]bool  // --feature-gates
	compare    []jobsim.Version // --compare-versions
	explain    string           // --explain: explainOff, explainOn or explainFull
}

// optUint is a uint64 flag that knows whether it was set.
type optUint struct {
	v   uint64
	set bool
}

// String returns the value, or "" if it was not set.
func (o *optUint) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatUint(o.v, 10)
}

// Set parses a seed.
func (o *optUint) Set(s string) error {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("must be an integer from 0 to 18446744073709551615")
	}
	o.v, o.set = v, true
	return nil
}

func (o *optUint) ptr() *uint64 {
	if !o.set {
		return nil
	}
	return &o.v
}

// durationFlag is a non-negative duration flag.
type durationFlag struct{ d *time.Duration }

// String returns the duration.
func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

// Set parses a non-negative duration.
func (f durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errors.New(`must be a duration such as "90s" or "2h"`)
	}
	*f.d = d
	return nil
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseInterspersed parses flags that may come before, between or after
// the file arguments; everything after "--" is a file.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		files = append(files, args[0])
		args = args[1:]
	}
	return append(files, tail...), nil
}

func usageError(e env, cmd, msg, help string) int {
	fmt.Fprintf(e.stderr, "jobsim %s: %s\n\n%s", cmd, msg, help)
	return exitUsage
}

func cmdValidate(args []string, e env) int {
	var f runFlags
	fs := newFlagSet("validate")
	fs.Var(&f.seed, "seed", "")
	fs.StringVar(&f.setRelease, "set-release", "", "")
	f.versionFlags(fs)
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, validateUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "validate", err.Error(), validateUsage)
	}
	if len(files) == 0 {
		return usageError(e, "validate", "no FILE given", validateUsage)
	}
	scenarios, ok := load(files, f, e)
	if !ok {
		return exitInvalid
	}
	for _, s := range scenarios {
		kind := "manifest"
		if s.IsScenario {
			kind = "scenario"
		}
		what := plural(len(s.Jobs), "job")
		if n := len(s.CronJobs); n > 0 {
			what = plural(n, "CronJob")
			if len(s.Jobs) > 0 {
				what = plural(len(s.Jobs), "job") + ", " + what
			}
		}
		fmt.Fprintf(e.stdout, "%s: valid %s (%s)\n", s.File, kind, what)
	}
	return exitOK
}

// load reads every file and prints every problem and notice; it reports
// whether all files are valid.
func load(files []string, f runFlags, e env) ([]*manifest.Scenario, bool) {
	opts := manifest.Options{ReleaseName: f.setRelease, Seed: f.seed.ptr(), ReadFile: e.readFile,
		Version: f.version, FeatureGates: f.gates}
	var scenarios []*manifest.Scenario
	ok := true
	for _, file := range files {
		var s *manifest.Scenario
		var err error
		if file == "-" {
			data, rerr := io.ReadAll(e.stdin)
			if rerr != nil {
				fmt.Fprintf(e.stderr, "<stdin>: cannot read: %v\n", rerr)
				ok = false
				continue
			}
			s, err = manifest.Parse("<stdin>", data, opts)
		} else {
			s, err = manifest.Load(file, opts)
		}
		if err != nil {
			ok = false
			if ps := manifest.Problems(err); ps != nil {
				for _, p := range ps {
					fmt.Fprintln(e.stderr, p)
				}
			} else {
				fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			}
			continue
		}
		for _, n := range s.Notices {
			fmt.Fprintln(e.stderr, n)
		}
		scenarios = append(scenarios, s)
	}
	return scenarios, ok
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func cmdRun(args []string, e env) int {
	var f runFlags
	fs := newFlagSet("run")
	fs.StringVar(&f.output, "o", "text", "")
	fs.StringVar(&f.output, "output", "text", "")
	fs.Var(&f.seed, "seed", "")
	fs.Var(durationFlag{&f.until}, "until", "")
	fs.Var(durationFlag{&f.syncDelay}, "sync-delay", "")
	fs.Float64Var(&f.speed, "speed", 0, "")
	fs.Uint64Var(&f.maxEvents, "max-events", 0, "")
	fs.IntVar(&f.width, "width", 0, "")
	fs.StringVar(&f.chart, "chart", chartAuto, "")
	fs.StringVar(&f.color, "color", "auto", "")
	fs.StringVar(&f.events, "events", "", "")
	fs.StringVar(&f.setRelease, "set-release", "", "")
	f.versionFlags(fs)
	fs.Var(versionsFlag{&f.compare}, "compare-versions", "")
	fs.Var(explainFlag{&f.explain}, "explain", "")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, runUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "run", err.Error(), runUsage)
	}
	switch f.output {
	case "text", "json", "yaml", "events", formatSVG, formatHTML, formatTrace:
	default:
		return usageError(e, "run", fmt.Sprintf("invalid value %q for flag -o: must be text, json, yaml, events, svg, html or trace", f.output), runUsage)
	}
	if f.speed < 0 || f.speed != f.speed {
		return usageError(e, "run", "invalid value for flag --speed: must be a positive number", runUsage)
	}
	if f.until == 0 && flagSet(fs, "until") {
		return usageError(e, "run", "invalid value for flag --until: must be greater than 0", runUsage)
	}
	switch {
	case f.explain != explainOff && (f.output == "events" || f.output == formatSVG || f.output == formatTrace):
		return usageError(e, "run", "--explain prints text, json, yaml or html: drop -o "+f.output, runUsage)
	case pictureFormat(f.output) && len(files) > 1:
		return usageError(e, "run", "-o "+f.output+" draws one FILE: run it once per FILE", runUsage)
	}
	out, msg := outputOptions(f, fs, e)
	if msg != "" {
		return usageError(e, "run", msg, runUsage)
	}
	f.out = out
	if len(files) == 0 {
		return usageError(e, "run", "no FILE given", runUsage)
	}
	if len(f.compare) > 0 {
		if msg := compareConflicts(f, fs); msg != "" {
			return usageError(e, "run", msg, runUsage)
		}
		return runCompare(files, f, e)
	}
	scenarios, ok := load(files, f, e)
	if !ok {
		return exitInvalid
	}
	return runAll(scenarios, f, e)
}

// outputOptions reads --width, --chart and --color, or says what is wrong
// with them.
func outputOptions(f runFlags, fs *flag.FlagSet, e env) (outOpts, string) {
	o := outOpts{width: 100, chart: f.chart}
	width, tty := 0, false
	if e.terminal != nil {
		width, tty = e.terminal(e.stdout)
	}
	switch {
	case flagSet(fs, "width"):
		if f.width < 40 || f.width > 1000 {
			return o, "invalid value for flag --width: must be from 40 to 1000"
		}
		o.width = f.width
	case tty:
		o.width = min(max(width, 40), 1000)
	}
	switch f.chart {
	case chartAuto, chartPod, chartIndex, chartJobs, chartNode:
	default:
		return o, fmt.Sprintf("invalid value %q for flag --chart: must be auto, pod, index, job or node", f.chart)
	}
	switch f.color {
	case "always":
		o.colour = true
	case "never":
	case "auto":
		o.colour = tty && (e.getenv == nil || e.getenv("NO_COLOR") == "")
	default:
		return o, fmt.Sprintf("invalid value %q for flag --color: must be auto, always or never", f.color)
	}
	return o, ""
}

// flagSet reports whether the flag name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			set = true
		}
	})
	return set
}
