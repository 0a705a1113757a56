package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim/manifest"
	"github.com/jobsim/jobsim/sweep"
)

// jobsim sweep: one scenario run once per seed over many seeds, summed up
// (sweep.Summary); a slice of the seeds at a time (--shard), written as
// JSON lines and merged later (sweep merge); or, past one machine, an
// Indexed Job that runs the slices on a cluster (--emit-job).

const sweepUsage = `Usage: jobsim sweep -n N [flags] FILE
       jobsim sweep merge [-o FORMAT] PART...
       jobsim sweep --emit-job --shards N --image IMAGE -n N [flags] FILE

Runs the scenario FILE once per seed (1 to N, or from --seed-from) and
reports the probability of each outcome (Complete, or each failure reason)
with a 95% Wilson interval, and the exact percentiles (p50, p90, p95, p99,
max) of the makespan, the pods created, the pods failed and the
pod-seconds (the time containers ran: the cost), with a histogram of the
makespan. The report depends on the seeds alone: the same for any
--parallel, and for any split into shards once merged.

Flags:
  -n N                  how many seeds to run (required)
  --seed-from S         the first seed (default 1)
  --shard K/M           run only the K-th of M equal slices of the seeds
                        (1 ≤ K ≤ M), for sweep merge
  --shard-index I       the same with I from 0 to M-1 and --shards M: an
                        Indexed Job's $(JOB_COMPLETION_INDEX)
  --shards M            how many slices (with --shard-index or --emit-job)
  --parallel P          simulations at once (default: one per core)
  -o, --output FORMAT   text (default), json, svg (the histogram of the
                        makespan) or jsonl (a header line, then one line
                        per seed: what sweep merge reads)
  --out FILE            write to FILE instead of standard output
  --until DURATION      stop each run this long after the start
  --progress WHEN       a progress bar on stderr: auto (when stderr is a
                        terminal; the default), always or never
  --set-release NAME, --kubernetes-version V, --feature-gates G
                        as for jobsim run

  --emit-job            print an Indexed Job (and the ConfigMap of FILE)
                        that runs the sweep on a cluster, one completion
                        per shard, instead of running it
  --image IMAGE         the image with jobsim in it, for --emit-job
  --parallelism P       the emitted Job's parallelism (default: --shards)
  --results DIR         where the emitted Job's pods write their JSON
                        lines: a directory of a volume (the PVC named by
                        --pvc), one part-K.jsonl per shard; default: each
                        pod's standard output (kubectl logs)
  --pvc NAME            the PersistentVolumeClaim mounted at --results
`

// sweepFlags are jobsim sweep's flags.
type sweepFlags struct {
	runFlags
	n, seedFrom         uint64
	shard               string
	shardIndex          int
	shards              int
	parallel            int
	progress            string
	emitJob             bool
	image, results, pvc string
	parallelism         int
	outFile             string // --out: where to write, instead of standard output
	shardK, shardM      int    // resolved, 1-based; 0 for none
}

func cmdSweep(args []string, e env) int {
	if len(args) > 0 && args[0] == "merge" {
		return cmdSweepMerge(args[1:], e)
	}
	var f sweepFlags
	fs := newFlagSet("sweep")
	fs.Uint64Var(&f.n, "n", 0, "")
	fs.Uint64Var(&f.seedFrom, "seed-from", 1, "")
	fs.StringVar(&f.shard, "shard", "", "")
	fs.IntVar(&f.shardIndex, "shard-index", -1, "")
	fs.IntVar(&f.shards, "shards", 0, "")
	fs.IntVar(&f.parallel, "parallel", 0, "")
	fs.StringVar(&f.output, "o", "text", "")
	fs.StringVar(&f.output, "output", "text", "")
	fs.Var(durationFlag{&f.until}, "until", "")
	fs.StringVar(&f.progress, "progress", "auto", "")
	fs.StringVar(&f.setRelease, "set-release", "", "")
	f.versionFlags(fs)
	fs.BoolVar(&f.emitJob, "emit-job", false, "")
	fs.StringVar(&f.image, "image", "", "")
	fs.IntVar(&f.parallelism, "parallelism", 0, "")
	fs.StringVar(&f.results, "results", "", "")
	fs.StringVar(&f.pvc, "pvc", "", "")
	fs.StringVar(&f.outFile, "out", "", "")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, sweepUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "sweep", err.Error(), sweepUsage)
	}
	if msg := f.check(fs, files); msg != "" {
		return usageError(e, "sweep", msg, sweepUsage)
	}
	scenarios, ok := load(files, f.runFlags, e)
	if !ok {
		return exitInvalid
	}
	s := scenarios[0]
	if f.emitJob {
		return emitSweepJob(e, f, files[0])
	}
	return runSweep(e, f, s)
}

// check reads the flags' values, or says what is wrong with them.
func (f *sweepFlags) check(fs *flag.FlagSet, files []string) string {
	switch {
	case len(files) == 0:
		return "no FILE given"
	case len(files) > 1:
		return "one FILE at a time: a sweep sums up one scenario"
	case f.n == 0:
		return "-n N is required, and must be at least 1"
	case f.seedFrom == 0:
		return "invalid value for flag --seed-from: must be at least 1"
	case f.seedFrom+f.n-1 < f.seedFrom:
		return "the seeds overflow: -n and --seed-from are too large"
	case f.parallel < 0:
		return "invalid value for flag --parallel: must be at least 1"
	}
	switch f.output {
	case "text", "json", "jsonl", "svg":
	default:
		return fmt.Sprintf("invalid value %q for flag -o: must be text, json, jsonl or svg", f.output)
	}
	switch f.progress {
	case "auto", "always", "never":
	default:
		return fmt.Sprintf("invalid value %q for flag --progress: must be auto, always or never", f.progress)
	}
	if f.emitJob {
		switch {
		case f.shards < 1:
			return "--emit-job needs --shards M, at least 1"
		case uint64(f.shards) > f.n:
			return fmt.Sprintf("--shards %d is more than the %d seeds: a shard would be empty", f.shards, f.n)
		case f.image == "":
			return "--emit-job needs --image IMAGE, an image with jobsim in it"
		case f.shard != "" || f.shardIndex >= 0:
			return "--emit-job runs every shard: drop --shard and --shard-index"
		case f.parallelism < 0:
			return "invalid value for flag --parallelism: must be at least 1"
		case f.pvc != "" && f.results == "":
			return "--pvc needs --results DIR, where to mount it"
		case f.results != "" && !strings.HasPrefix(f.results, "/"):
			return "invalid value for flag --results: must be an absolute directory"
		}
		return ""
	}
	for _, name := range []string{"image", "parallelism", "results", "pvc"} {
		if flagSet(fs, name) {
			return "--" + name + " is for --emit-job"
		}
	}
	switch {
	case f.shard != "" && f.shardIndex >= 0:
		return "give --shard K/M or --shard-index I --shards M, not both"
	case f.shard != "":
		k, m, ok := parseShard(f.shard)
		if !ok {
			return fmt.Sprintf("invalid value %q for flag --shard: must be K/M, with 1 ≤ K ≤ M", f.shard)
		}
		f.shardK, f.shardM = k, m
	case flagSet(fs, "shard-index"):
		if f.shards < 1 || f.shardIndex < 0 || f.shardIndex >= f.shards {
			return fmt.Sprintf("invalid value %d for flag --shard-index: must be from 0 to --shards minus 1 (--shards %d)", f.shardIndex, f.shards)
		}
		f.shardK, f.shardM = f.shardIndex+1, f.shards
	case flagSet(fs, "shards"):
		return "--shards is for --shard-index or --emit-job"
	}
	if f.shardM > 0 && uint64(f.shardM) > f.n {
		return fmt.Sprintf("%d shards of %d seeds: a shard would be empty", f.shardM, f.n)
	}
	return ""
}

// parseShard parses K/M with 1 ≤ K ≤ M.
func parseShard(s string) (int, int, bool) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, false
	}
	k, err1 := strconv.Atoi(a)
	m, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || k < 1 || k > m {
		return 0, 0, false
	}
	return k, m, true
}

// shardSeeds returns the seeds of shard k of m (1-based) of n seeds from
// first: contiguous slices whose sizes differ by one at most.
func shardSeeds(first, n uint64, k, m int) (uint64, uint64) {
	if m == 0 {
		return first, n
	}
	from := n * uint64(k-1) / uint64(m)
	to := n * uint64(k) / uint64(m)
	return first + from, to - from
}

// sweepHeader is the first line of a sweep's JSON lines: what the
// samples that follow are of, so that merge can refuse what does not
// belong together.
type sweepHeader struct {
	Sweep      string `json:"sweep"`      // the scenario's file
	Digest     string `json:"digest"`     // of the scenario as loaded
	Kubernetes string `json:"kubernetes"` // the version simulated
	Until      string `json:"until,omitempty"`
	SeedFrom   uint64 `json:"seedFrom"`
	N          uint64 `json:"n"` // the seeds of the whole sweep
	Shard      int    `json:"shard"`
	Shards     int    `json:"shards"`
	From       uint64 `json:"from"`  // this part's first seed
	Count      uint64 `json:"count"` // and how many
}

// sampleLine is one line per seed of a sweep's JSON lines.
type sampleLine struct {
	Seed        uint64 `json:"seed"`
	Outcome     string `json:"outcome"`
	Makespan    int64  `json:"makespanNs"`
	PodsCreated int    `json:"podsCreated"`
	PodsFailed  int    `json:"podsFailed"`
	PodTime     int64  `json:"podTimeNs"`
}

// scenarioDigest identifies a scenario as loaded, whatever file it came
// from: the same content, the same digest.
func scenarioDigest(s *manifest.Scenario) string {
	c := *s
	c.File, c.Notices = "", nil
	data, err := json.Marshal(&c)
	if err != nil {
		data = []byte(fmt.Sprintf("%s %v", s.File, err))
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

func runSweep(e env, f sweepFlags, s *manifest.Scenario) int {
	if f.outFile != "" {
		w, err := e.create(f.outFile)
		if err != nil {
			fmt.Fprintf(e.stderr, "jobsim sweep: cannot write: %v\n", err)
			return exitInvalid
		}
		defer w.Close()
		e.stdout = w
	}
	first, count := shardSeeds(f.seedFrom, f.n, f.shardK, f.shardM)
	run, err := sweep.Scenario(s, manifest.SimOptions{Until: f.until})
	if err != nil {
		fmt.Fprintf(e.stderr, "jobsim sweep: %v\n", err)
		return exitInvalid
	}
	opts := sweep.Options{First: first, N: count, Workers: f.parallel, Keep: f.output != "jsonl"}
	var out *bufio.Writer
	if f.output == "jsonl" {
		out = bufio.NewWriter(e.stdout)
		h := sweepHeader{Sweep: s.File, Digest: scenarioDigest(s), Kubernetes: kubernetesOf(s), SeedFrom: f.seedFrom, N: f.n,
			Shard: max(f.shardK, 1), Shards: max(f.shardM, 1), From: first, Count: count}
		if f.until > 0 {
			h.Until = f.until.String()
		}
		writeJSONLine(out, h)
		opts.Each = func(x sweep.Sample) error {
			writeJSONLine(out, sampleLine{Seed: x.Seed, Outcome: x.Outcome, Makespan: int64(x.Makespan),
				PodsCreated: x.PodsCreated, PodsFailed: x.PodsFailed, PodTime: int64(x.PodTime)})
			return nil
		}
	}
	bar := newProgressBar(e, f.progress, count)
	opts.Progress = bar.update
	sum, err := sweep.Run(opts, sweep.NewWorker, run)
	bar.done()
	if out != nil {
		out.Flush()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "jobsim sweep: %s: %v\n", s.File, err)
		return exitInvalid
	}
	if f.output == "jsonl" {
		return exitOK
	}
	what := sweepWhat{file: s.File, kubernetes: kubernetesOf(s), first: first, count: count}
	return printSweep(e, f.output, what, sum)
}

// sweepWhat says what a report is of.
type sweepWhat struct {
	file, kubernetes string
	first, count     uint64 // the seeds
}

func writeJSONLine(w io.Writer, v any) {
	data, _ := json.Marshal(v) // plain structs: cannot fail
	w.Write(append(data, '\n'))
}

// printSweep prints the report in format.
func printSweep(e env, format string, what sweepWhat, sum *sweep.Summary) int {
	switch format {
	case "json":
		data, err := json.MarshalIndent(sweepJSON(what, sum), "", "  ")
		if err != nil {
			fmt.Fprintf(e.stderr, "jobsim sweep: %v\n", err)
			return exitInvalid
		}
		e.stdout.Write(append(data, '\n'))
	case "svg":
		io.WriteString(e.stdout, histogramSVG(what, sum))
	default:
		io.WriteString(e.stdout, sweepText(what, sum))
	}
	return exitOK
}

// metrics are the report's rows, in order, with how each is printed.
var metrics = []struct {
	m      sweep.Metric
	name   string
	format func(int64) string
}{
	{sweep.Makespan, "makespan", func(v int64) string { return fmtDur(time.Duration(v)) }},
	{sweep.PodsCreated, "pods created", func(v int64) string { return strconv.FormatInt(v, 10) }},
	{sweep.PodsFailed, "pods failed", func(v int64) string { return strconv.FormatInt(v, 10) }},
	{sweep.PodTime, "pod-seconds", func(v int64) string { return strconv.FormatFloat(time.Duration(v).Seconds(), 'f', 1, 64) }},
}

// sweepText is the report as text: the outcomes, the percentiles and the
// histogram of the makespan.
func sweepText(what sweepWhat, sum *sweep.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, seeds %d to %d, %s", what.file, plural(sum.N(), "run"), what.first, what.first+what.count-1, what.kubernetes)
	b.WriteString("\n\n")
	rows := [][]string{{"OUTCOME", "RUNS", "SHARE", "95% INTERVAL"}}
	for _, o := range sum.Outcomes() {
		rows = append(rows, []string{o.Outcome, strconv.Itoa(o.Count), pct(o.P), pct(o.Low) + " to " + pct(o.High)})
	}
	b.WriteString(columns(rows, map[int]bool{1: true, 2: true}))
	b.WriteString("\n")
	rows = [][]string{{"", "P50", "P90", "P95", "P99", "MAX"}}
	for _, m := range metrics {
		p := sum.Percentiles(m.m)
		rows = append(rows, []string{m.name, m.format(p.P50), m.format(p.P90), m.format(p.P95), m.format(p.P99), m.format(p.Max)})
	}
	b.WriteString(columns(rows, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}))
	b.WriteString("\nMakespan of the runs:\n")
	for _, bin := range histogram(sum.Values(sweep.Makespan), 12) {
		bar := strings.Repeat("#", bin.width(40))
		line := fmt.Sprintf("  %10s to %-10s %7d  %s", fmtDur(time.Duration(bin.from)), fmtDur(time.Duration(bin.to)), bin.n, bar)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// pct formats a proportion as a percentage with two decimals.
func pct(p float64) string { return strconv.FormatFloat(100*p, 'f', 2, 64) + "%" }

// columns lays rows out in columns two spaces apart; right aligns the
// columns it names.
func columns(rows [][]string, right map[int]bool) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			if right[i] {
				fmt.Fprintf(&line, "%*s", widths[i], c)
			} else {
				fmt.Fprintf(&line, "%-*s", widths[i], c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}

// bin is one bar of a histogram: the values from from to to (the last
// bin includes to).
type bin struct {
	from, to int64
	n, most  int
}

func (b bin) width(w int) int {
	if b.most == 0 || b.n == 0 {
		return 0
	}
	return max(1, b.n*w/b.most)
}

// histogram splits sorted values into at most k bins of equal width.
func histogram(sorted []int64, k int) []bin {
	if len(sorted) == 0 {
		return nil
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if lo == hi {
		return []bin{{from: lo, to: hi, n: len(sorted), most: len(sorted)}}
	}
	step := (hi - lo + int64(k) - 1) / int64(k)
	bins := make([]bin, 0, k)
	for from := lo; from <= hi && len(bins) < k; from += step {
		bins = append(bins, bin{from: from, to: min(from+step, hi)})
	}
	for _, v := range sorted {
		i := min(int((v-lo)/step), len(bins)-1)
		bins[i].n++
	}
	most := 0
	for _, b := range bins {
		most = max(most, b.n)
	}
	for i := range bins {
		bins[i].most = most
	}
	return bins
}

// sweepReport is the JSON report.
type sweepReport struct {
	Scenario    string                  `json:"scenario"`
	Kubernetes  string                  `json:"kubernetes"`
	Runs        int                     `json:"runs"`
	SeedFrom    uint64                  `json:"seedFrom"`
	SeedTo      uint64                  `json:"seedTo"`
	Outcomes    []outcomeJSON           `json:"outcomes"`
	Percentiles map[string]sweepPercent `json:"percentiles"`
}

type outcomeJSON struct {
	Outcome string  `json:"outcome"`
	Runs    int     `json:"runs"`
	P       float64 `json:"p"`
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
}

// sweepPercent holds a metric's percentiles: durations in seconds.
type sweepPercent struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func sweepJSON(what sweepWhat, sum *sweep.Summary) sweepReport {
	r := sweepReport{Scenario: what.file, Kubernetes: what.kubernetes, Runs: sum.N(), SeedFrom: what.first, SeedTo: what.first + what.count - 1,
		Percentiles: map[string]sweepPercent{}}
	for _, o := range sum.Outcomes() {
		r.Outcomes = append(r.Outcomes, outcomeJSON{Outcome: o.Outcome, Runs: o.Count, P: o.P, Low: o.Low, High: o.High})
	}
	for _, m := range metrics {
		p := sum.Percentiles(m.m)
		scale := 1.0
		if m.m == sweep.Makespan || m.m == sweep.PodTime {
			scale = 1e-9
		}
		r.Percentiles[m.name] = sweepPercent{P50: float64(p.P50) * scale, P90: float64(p.P90) * scale, P95: float64(p.P95) * scale,
			P99: float64(p.P99) * scale, Max: float64(p.Max) * scale}
	}
	return r
}

// histogramSVG draws the histogram of the makespan as an SVG document.
func histogramSVG(what sweepWhat, sum *sweep.Summary) string {
	bins := histogram(sum.Values(sweep.Makespan), 20)
	const w, h, left, top, barH = 720, 360, 60, 50, 260
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">Makespan of %s of %s</text>`+"\n", left, plural(sum.N(), "run"), xmlEscape(what.file))
	bw := float64(w-left-20) / float64(max(len(bins), 1))
	for i, bn := range bins {
		bh := 0.0
		if bn.most > 0 {
			bh = float64(bn.n) / float64(bn.most) * barH
		}
		x := float64(left) + float64(i)*bw
		fmt.Fprintf(&b, `<g class="bin" data-from="%s" data-to="%s" data-runs="%d"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1c7ed6"><title>%s to %s: %d runs</title></rect></g>`+"\n",
			seconds(time.Duration(bn.from)), seconds(time.Duration(bn.to)), bn.n, x+1, float64(top+barH)-bh, bw-2, bh,
			fmtDur(time.Duration(bn.from)), fmtDur(time.Duration(bn.to)), bn.n)
		if i%max(len(bins)/5, 1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#495057">%s</text>`+"\n", x, top+barH+16, fmtDur(time.Duration(bn.from)))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#212529"/>`+"\n", left, top+barH, w-20, top+barH)
	b.WriteString("</svg>\n")
	return b.String()
}

// cmdSweepMerge reads the JSON lines of a sweep's shards and prints the
// report of the whole sweep: the same as one run of every seed. The parts
// must be of one scenario and one sweep, and cover its shards once each.
func cmdSweepMerge(args []string, e env) int {
	fs := newFlagSet("sweep merge")
	var output string
	fs.StringVar(&output, "o", "text", "")
	fs.StringVar(&output, "output", "text", "")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, sweepUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "sweep merge", err.Error(), sweepUsage)
	}
	switch output {
	case "text", "json", "svg":
	default:
		return usageError(e, "sweep merge", fmt.Sprintf("invalid value %q for flag -o: must be text, json or svg", output), sweepUsage)
	}
	if len(files) == 0 {
		return usageError(e, "sweep merge", "no PART given", sweepUsage)
	}
	what, sum, err := mergeParts(files, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "jobsim sweep merge: %v\n", err)
		return exitInvalid
	}
	return printSweep(e, output, what, sum)
}

// mergeParts reads and checks the parts.
func mergeParts(files []string, e env) (sweepWhat, *sweep.Summary, error) {
	var first *sweepHeader
	var firstFile string
	seen := map[int]string{}
	total := &sweep.Summary{}
	for _, file := range files {
		data, err := e.readFile(file)
		if err != nil {
			return sweepWhat{}, nil, err
		}
		h, part, err := readPart(file, data)
		if err != nil {
			return sweepWhat{}, nil, err
		}
		if first == nil {
			first, firstFile = &h, file
		}
		switch {
		case h.Digest != first.Digest || h.Kubernetes != first.Kubernetes || h.Until != first.Until:
			return sweepWhat{}, nil, fmt.Errorf("%s and %s are parts of different sweeps (scenario %s digest %s, Kubernetes %s; scenario %s digest %s, Kubernetes %s)",
				firstFile, file, first.Sweep, first.Digest, first.Kubernetes, h.Sweep, h.Digest, h.Kubernetes)
		case h.SeedFrom != first.SeedFrom || h.N != first.N || h.Shards != first.Shards:
			return sweepWhat{}, nil, fmt.Errorf("%s and %s split different seeds: seeds %d to %d in %d shards, and %d to %d in %d",
				firstFile, file, first.SeedFrom, first.SeedFrom+first.N-1, first.Shards, h.SeedFrom, h.SeedFrom+h.N-1, h.Shards)
		}
		if other, dup := seen[h.Shard]; dup {
			return sweepWhat{}, nil, fmt.Errorf("%s and %s are both shard %d of %d", other, file, h.Shard, h.Shards)
		}
		seen[h.Shard] = file
		if err := total.Merge(part); err != nil {
			return sweepWhat{}, nil, fmt.Errorf("%s: %v", file, err)
		}
	}
	var missing []string
	for k := 1; k <= first.Shards; k++ {
		if _, ok := seen[k]; !ok {
			missing = append(missing, strconv.Itoa(k))
		}
	}
	if len(missing) > 0 {
		return sweepWhat{}, nil, fmt.Errorf("shards %s of %d are missing: the report would leave their seeds out", strings.Join(missing, ", "), first.Shards)
	}
	return sweepWhat{file: first.Sweep, kubernetes: first.Kubernetes, first: first.SeedFrom, count: first.N}, total, nil
}

// readPart reads one part: its header and its samples, checking that it
// holds exactly the seeds its header says, once each.
func readPart(file string, data []byte) (sweepHeader, *sweep.Summary, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var h sweepHeader
	if !sc.Scan() {
		return h, nil, fmt.Errorf("%s: empty: not the JSON lines of jobsim sweep -o jsonl", file)
	}
	dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || h.Sweep == "" || h.Shards < 1 || h.Shard < 1 || h.Shard > h.Shards {
		return h, nil, fmt.Errorf("%s:1: not the header of jobsim sweep -o jsonl", file)
	}
	if from, count := shardSeeds(h.SeedFrom, h.N, h.Shard, h.Shards); from != h.From || count != h.Count {
		return h, nil, fmt.Errorf("%s:1: shard %d of %d of seeds %d to %d is seeds %d to %d, not %d to %d",
			file, h.Shard, h.Shards, h.SeedFrom, h.SeedFrom+h.N-1, from, from+count-1, h.From, h.From+h.Count-1)
	}
	sum := &sweep.Summary{}
	line := 1
	want := h.From
	for sc.Scan() {
		line++
		var s sampleLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil || s.Outcome == "" {
			return h, nil, fmt.Errorf("%s:%d: not a sample of jobsim sweep -o jsonl", file, line)
		}
		if s.Seed != want {
			return h, nil, fmt.Errorf("%s:%d: seed %d where seed %d was due: the part is damaged", file, line, s.Seed, want)
		}
		want++
		sum.Add(sweep.Sample{Seed: s.Seed, Outcome: s.Outcome, Makespan: time.Duration(s.Makespan), PodsCreated: s.PodsCreated,
			PodsFailed: s.PodsFailed, PodTime: time.Duration(s.PodTime)})
	}
	if err := sc.Err(); err != nil {
		return h, nil, fmt.Errorf("%s: %v", file, err)
	}
	if got := uint64(sum.N()); got != h.Count {
		return h, nil, fmt.Errorf("%s: %d samples of the %d its header announces (seeds %d to %d): the part is cut short",
			file, got, h.Count, h.From, h.From+h.Count-1)
	}
	return h, sum, nil
}

// progressBar draws the sweep's progress on stderr, when it is a
// terminal (or always): done, the rate and the time left.
type progressBar struct {
	e      env
	on     bool
	total  uint64
	start  time.Time
	last   time.Time
	drawn  bool
	count  uint64
	stderr io.Writer
}

func newProgressBar(e env, when string, total uint64) *progressBar {
	on := when == "always"
	if when == "auto" && e.terminal != nil {
		_, on = e.terminal(e.stderr)
	}
	now := e.clock.Now()
	return &progressBar{e: e, on: on, total: total, start: now, stderr: e.stderr}
}

func (p *progressBar) update(done uint64) {
	p.count = done
	if !p.on {
		return
	}
	now := p.e.clock.Now()
	if now.Sub(p.last) < 100*time.Millisecond && done < p.total {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *progressBar) draw(now time.Time) {
	const width = 30
	frac := float64(p.count) / float64(p.total)
	elapsed := now.Sub(p.start).Seconds()
	rate, eta := 0.0, ""
	if elapsed > 0 {
		rate = float64(p.count) / elapsed
	}
	if rate > 0 && p.count < p.total {
		eta = ", " + fmtDur(time.Duration(float64(p.total-p.count)/rate*float64(time.Second)).Round(time.Second)) + " left"
	}
	filled := int(frac * width)
	fmt.Fprintf(p.stderr, "\r[%s%s] %d/%d runs, %.0f/s%s\x1b[K", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.count, p.total, rate, eta)
	p.drawn = true
}

func (p *progressBar) done() {
	if p.drawn {
		p.draw(p.e.clock.Now())
		fmt.Fprintln(p.stderr)
	}
}
