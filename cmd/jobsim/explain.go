package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

const explainUsage = `Usage: jobsim explain [flags] FILE...

Simulates each FILE as jobsim run does and explains how each job ended:
the outcome and the Kubernetes rule that decided it (the spec field, its
value, the pod and the moment that reached it), each pod's part, where
the time went, and the smallest single change that would have changed
the outcome, found by simulating the scenario again with that change
(the same seed, nodes, faults, actions and other jobs). A CronJob's Jobs
are explained per scheduled time.

Flags:
  -o, --output FORMAT   text (default: at most 15 lines per job) or json
                        (every explanation, with the events it rests on)
  --full                print every line of each explanation, one per pod
  --seed N              the seed of every random draw (default: the
                        scenario's, else 1)
  --until DURATION      stop the clock this long after the start (default:
                        the scenario's, else when nothing is left to
                        happen, at most 720h; a CronJob needs one); the
                        re-runs stop there too
  --sync-delay DURATION how long the Job controller waits before reacting
                        to pod changes (default 0s; 1s is Kubernetes')
  --max-events N        the most engine events a run may take (default
                        100000000)
  --set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
` + versionFlagsUsage

// explainFlag is run's --explain: a flag with an optional value, full.
type explainFlag struct{ mode *string }

// The modes of --explain.
const (
	explainOff  = ""
	explainOn   = "on"
	explainFull = "full"
)

// String returns the mode.
func (f explainFlag) String() string {
	if f.mode == nil {
		return ""
	}
	return *f.mode
}

// Set takes --explain (true), --explain=full or --explain=false.
func (f explainFlag) Set(s string) error {
	switch s {
	case "true":
		*f.mode = explainOn
	case "full":
		*f.mode = explainFull
	case "false":
		*f.mode = explainOff
	default:
		return errors.New(`must be given alone (--explain) or as --explain=full`)
	}
	return nil
}

// IsBoolFlag lets --explain go without a value.
func (f explainFlag) IsBoolFlag() bool { return true }

func cmdExplain(args []string, e env) int {
	var f runFlags
	full := false
	fs := newFlagSet("explain")
	fs.StringVar(&f.output, "o", "text", "")
	fs.StringVar(&f.output, "output", "text", "")
	fs.BoolVar(&full, "full", false, "")
	fs.Var(&f.seed, "seed", "")
	fs.Var(durationFlag{&f.until}, "until", "")
	fs.Var(durationFlag{&f.syncDelay}, "sync-delay", "")
	fs.Uint64Var(&f.maxEvents, "max-events", 0, "")
	fs.StringVar(&f.setRelease, "set-release", "", "")
	f.versionFlags(fs)
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, explainUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "explain", err.Error(), explainUsage)
	}
	switch f.output {
	case "text", "json":
	default:
		return usageError(e, "explain", fmt.Sprintf("invalid value %q for flag -o: must be text or json", f.output), explainUsage)
	}
	if f.until == 0 && flagSet(fs, "until") {
		return usageError(e, "explain", "invalid value for flag --until: must be greater than 0", explainUsage)
	}
	if len(files) == 0 {
		return usageError(e, "explain", "no FILE given", explainUsage)
	}
	scenarios, ok := load(files, f, e)
	if !ok {
		return exitInvalid
	}
	sims := make([]*manifest.Simulation, 0, len(scenarios))
	for _, s := range scenarios {
		sim, err := s.Simulate(manifest.SimOptions{Until: f.until, SyncDelay: f.syncDelay, MaxEvents: f.maxEvents, History: true})
		if err != nil {
			ok = false
			for _, p := range manifest.Problems(err) {
				fmt.Fprintln(e.stderr, p)
			}
			continue
		}
		sims = append(sims, sim)
	}
	if !ok {
		return exitInvalid
	}
	status := exitOK
	for i, sim := range sims {
		if err := sim.Run(); err != nil {
			fmt.Fprintf(e.stderr, "%s: the simulation stopped: %s\n", sim.Scenario().File, stopReason(err, sim))
			status = exitInvalid
			continue
		}
		if f.output == "json" {
			data, err := explainJSON(sim, full)
			if err != nil {
				fmt.Fprintf(e.stderr, "%s: %v\n", sim.Scenario().File, err)
				status = exitInvalid
				continue
			}
			e.stdout.Write(data)
			continue
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if len(sims) > 1 {
			fmt.Fprintf(e.stdout, "==> %s <==\n", sim.Scenario().File)
		}
		writeExplanations(e.stdout, sim, full, "--full")
	}
	return status
}

// writeExplanations prints the explanation of each job of sim, then of
// each of its CronJobs' scheduled times, a blank line between them; an
// explanation cut short names flag, the flag that prints it all.
func writeExplanations(w io.Writer, sim *manifest.Simulation, full bool, flag string) {
	fmt.Fprint(w, flagHint(explanations(sim, full), flag))
}

// flagHint names flag where the library's text names its option.
func flagHint(text, flag string) string {
	return strings.ReplaceAll(text, " more with the Full option)\n", " more with "+flag+")\n")
}

// explanations returns what writeExplanations prints.
func explanations(sim *manifest.Simulation, full bool) string {
	var w strings.Builder
	s := sim.Scenario()
	sep := ""
	for i, sj := range s.Jobs {
		fmt.Fprint(&w, sep)
		sep = "\n"
		ex := sim.Explain(i, full)
		if ex == nil {
			fmt.Fprintf(&w, "job/%s: not submitted before the end, at %s.\n", sj.Manifest.Job.Name, fmtDur(sim.End().Sub(s.Start)))
			continue
		}
		fmt.Fprint(&w, ex)
	}
	for k, sc := range s.CronJobs {
		name := sc.Manifest.CronJob.Name
		runs := sim.CronJobRuns(k, full)
		fmt.Fprint(&w, sep)
		sep = "\n"
		if sim.CronJobs()[k] == nil {
			fmt.Fprintf(&w, "cronjob/%s: not created before the end, at %s.\n", name, fmtDur(sim.End().Sub(s.Start)))
			continue
		}
		fmt.Fprintf(&w, "cronjob/%s: %s.\n", name, plural(len(runs), "Job")+" created")
		for _, r := range runs {
			fmt.Fprintln(&w)
			fmt.Fprintf(&w, "cronjob/%s, scheduled %s: job/%s, created at %s: %s.\n", name, formatTime(r.Scheduled), r.Job, fmtDur(r.Created), runOutcome(r))
			if r.Explanation != nil {
				fmt.Fprint(&w, r.Explanation)
			}
		}
	}
	return w.String()
}

// runOutcome says how a CronJob's Job ended, or what is known of it.
func runOutcome(r jobsim.ScheduledRun) string {
	switch {
	case r.Explanation != nil:
		return string(r.Outcome)
	case r.Outcome != "":
		return string(r.Outcome) + "; deleted since, so only the CronJob's events tell of it"
	}
	return "deleted since, before the CronJob controller saw it finish"
}

// explainedCronJob is a CronJob's runs in explain's JSON output.
type explainedCronJob struct {
	Name      string                `json:"name"`
	Namespace string                `json:"namespace"`
	Runs      []jobsim.ScheduledRun `json:"runs"`
}

// explainedFile is explain's JSON output for one FILE.
type explainedFile struct {
	File     string                `json:"file"`
	Jobs     []*jobsim.Explanation `json:"jobs"`
	CronJobs []explainedCronJob    `json:"cronJobs,omitempty"`
}

// explainJSON returns the explanations of sim as one indented JSON
// object.
func explainJSON(sim *manifest.Simulation, full bool) ([]byte, error) {
	s := sim.Scenario()
	out := explainedFile{File: s.File, Jobs: []*jobsim.Explanation{}}
	for i := range s.Jobs {
		if ex := sim.Explain(i, full); ex != nil {
			out.Jobs = append(out.Jobs, ex)
		}
	}
	for k, sc := range s.CronJobs {
		cj := sc.Manifest.CronJob
		out.CronJobs = append(out.CronJobs, explainedCronJob{Name: cj.Name, Namespace: cj.Namespace, Runs: sim.CronJobRuns(k, full)})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// explainText returns the explanations run --explain prints after the
// summary.
func explainText(sim *manifest.Simulation, full bool) string {
	var b strings.Builder
	b.WriteString("\nExplanation:\n\n")
	writeExplanations(&b, sim, full, "--explain=full")
	return b.String()
}
