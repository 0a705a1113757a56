package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSweepOfAFixedJob: parallel.yaml's pods all run 30s and succeed, so
// every seed gives the same run: 6 pods, 2 at a time, three rounds of
// 30s. Every run is Complete, with a makespan of 1m30s, 6 pods created,
// none failed and 180 pod-seconds; the Wilson interval of 50 out of 50
// is 92.87% to 100% (1 - z²/(n + z²) with z = 1.96, n = 50).
func TestSweepOfAFixedJob(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "sweep", "-n", "50", "examples/manifests/parallel.yaml")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"50 runs, seeds 1 to 50, Kubernetes 1.37",
		"Complete    50  100.00%  92.87% to 100.00%",
		"makespan      1m30s  1m30s  1m30s  1m30s  1m30s",
		"pods created      6      6      6      6      6",
		"pods failed       0      0      0      0      0",
		"pod-seconds   180.0  180.0  180.0  180.0  180.0",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.stdout)
		}
	}
}

const randomScenario = "examples/manifests/parallel.random.scenario.yaml"

// TestSweepIsTheSameForAnyParallel: the report is a function of the
// seeds: byte for byte the same with 1, 2 or 5 simulations at once.
func TestSweepIsTheSameForAnyParallel(t *testing.T) {
	t.Chdir("../..")
	var first string
	for _, p := range []string{"1", "2", "5"} {
		r := runCmd(t, "", "sweep", "-n", "300", "--parallel", p, randomScenario)
		if r.code != exitOK {
			t.Fatalf("--parallel %s: exit %d: %s", p, r.code, r.stderr)
		}
		if first == "" {
			first = r.stdout
			continue
		}
		if diff := cmp.Diff(first, r.stdout); diff != "" {
			t.Errorf("--parallel %s: another report (-1 +%s):\n%s", p, p, diff)
		}
	}
}

// shardParts runs shards 1..m of n seeds as JSON lines.
func shardParts(t *testing.T, n, m int, scenario string) map[string][]byte {
	t.Helper()
	parts := map[string][]byte{}
	for k := 1; k <= m; k++ {
		name := filepath.Join("parts", "part-"+strconv.Itoa(k)+".jsonl")
		r := runCmd(t, "", "sweep", "-n", strconv.Itoa(n), "--shard", strconv.Itoa(k)+"/"+strconv.Itoa(m), "-o", "jsonl", scenario)
		if r.code != exitOK {
			t.Fatalf("shard %d/%d: exit %d: %s", k, m, r.code, r.stderr)
		}
		parts[name] = []byte(r.stdout)
	}
	return parts
}

// TestSweepShardsMergeToTheWhole: 250 seeds in 3 shards, merged in any
// order, give the report of one sweep of the 250, byte for byte; and
// each part holds its slice of the seeds (83, 83, 84).
func TestSweepShardsMergeToTheWhole(t *testing.T) {
	t.Chdir("../..")
	whole := runCmd(t, "", "sweep", "-n", "250", randomScenario)
	parts := shardParts(t, 250, 3, randomScenario)
	for i, want := range []int{83, 83, 84} {
		part := string(parts[filepath.Join("parts", "part-"+strconv.Itoa(i+1)+".jsonl")])
		if got := strings.Count(part, "\n") - 1; got != want {
			t.Errorf("part %d: %d samples, want %d", i+1, got, want)
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range parts {
			if !yield(k) {
				return
			}
		}
	})
	for _, order := range [][]string{names, {names[2], names[0], names[1]}} {
		r := runWithFiles(t, "", parts, append([]string{"sweep", "merge"}, order...)...)
		if r.code != exitOK {
			t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
		}
		if diff := cmp.Diff(whole.stdout, r.stdout); diff != "" {
			t.Errorf("merged %v (-one sweep +merged):\n%s", order, diff)
		}
	}
}

// TestSweepMergeRefuses: parts that do not make one sweep are refused,
// each with its reason: a shard missing, a shard twice, another
// scenario, another split of the seeds, a part cut short or damaged.
func TestSweepMergeRefuses(t *testing.T) {
	t.Chdir("../..")
	parts := shardParts(t, 60, 3, randomScenario)
	other := shardParts(t, 60, 3, "examples/manifests/parallel.yaml")
	split := shardParts(t, 90, 3, randomScenario)
	p := func(set map[string][]byte, k int) []byte {
		return set[filepath.Join("parts", "part-"+strconv.Itoa(k)+".jsonl")]
	}
	cut := p(parts, 2)
	cut = cut[:bytes.LastIndexByte(cut[:len(cut)-1], '\n')+1]
	damaged := bytes.Replace(p(parts, 3), []byte(`"seed":45,`), []byte(`"seed":46,`), 1)
	for _, tt := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"missing", map[string][]byte{"a": p(parts, 1), "b": p(parts, 3)}, "shards 2 of 3 are missing"},
		{"twice", map[string][]byte{"a": p(parts, 1), "b": p(parts, 2), "c": p(parts, 2), "d": p(parts, 3)}, "b and c are both shard 2 of 3"},
		{"another scenario", map[string][]byte{"a": p(parts, 1), "b": p(other, 2), "c": p(parts, 3)}, "are parts of different sweeps"},
		{"another split", map[string][]byte{"a": p(parts, 1), "b": p(split, 2), "c": p(parts, 3)}, "split different seeds"},
		{"cut short", map[string][]byte{"a": p(parts, 1), "b": cut, "c": p(parts, 3)}, "b: 19 samples of the 20 its header announces"},
		{"damaged", map[string][]byte{"a": p(parts, 1), "b": p(parts, 2), "c": damaged}, "c:6: seed 46 where seed 45 was due"},
		{"not a part", map[string][]byte{"a": []byte("apiVersion: v1\n")}, "a:1: not the header of jobsim sweep -o jsonl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runWithFiles(t, "", tt.files, append([]string{"sweep", "merge"}, slices.Sorted(func(yield func(string) bool) {
				for k := range tt.files {
					if !yield(k) {
						return
					}
				}
			})...)...)
			if r.code != exitInvalid || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitInvalid, tt.want)
			}
		})
	}
}

// TestSweepFlagErrors: bad values are usage errors that say what is
// wrong.
func TestSweepFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "0", "x.yaml"}, "-n N is required, and must be at least 1"},
		{[]string{"x.yaml"}, "-n N is required"},
		{[]string{"-n", "10", "--shard", "0/3", "x.yaml"}, `invalid value "0/3" for flag --shard: must be K/M, with 1 ≤ K ≤ M`},
		{[]string{"-n", "10", "--shard", "4/3", "x.yaml"}, `invalid value "4/3" for flag --shard`},
		{[]string{"-n", "10", "--shard", "a/b", "x.yaml"}, `invalid value "a/b" for flag --shard`},
		{[]string{"-n", "2", "--shard", "1/3", "x.yaml"}, "3 shards of 2 seeds: a shard would be empty"},
		{[]string{"-n", "10", "--shard-index", "3", "--shards", "3", "x.yaml"}, "invalid value 3 for flag --shard-index: must be from 0 to --shards minus 1"},
		{[]string{"-n", "10", "--emit-job", "--shards", "5", "x.yaml"}, "--emit-job needs --image IMAGE"},
		{[]string{"-n", "10", "--image", "i", "x.yaml"}, "--image is for --emit-job"},
		{[]string{"-n", "10", "-o", "yaml", "x.yaml"}, `invalid value "yaml" for flag -o: must be text, json, jsonl or svg`},
		{[]string{"-n", "10", "a.yaml", "b.yaml"}, "one FILE at a time"},
	} {
		r := runCmd(t, "", append([]string{"sweep"}, tt.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, exitUsage, tt.want)
		}
	}
}

// TestSweepEmitJob: the emitted Indexed Job, golden; jobsim itself
// validates and simulates it: one completion per shard, all Complete.
func TestSweepEmitJob(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "sweep", "--emit-job", "--shards", "50", "--parallelism", "10", "--image", "registry.example.com/jobsim:1",
		"-n", "1000000", "--results", "/results", "--pvc", "sweep-results", randomScenario)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "sweep.emit-job.golden", r.stdout)
	file := filepath.Join(t.TempDir(), "sweep-job.yaml")
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	run := runCmd(t, "", "run", file)
	if run.code != exitOK {
		t.Fatalf("jobsim run of the emitted Job: exit %d: %s", run.code, run.stderr)
	}
	for _, want := range []string{"job/jobsim-sweep-parallel-random-scenario: Complete", "50 pods created; 50 succeeded, 0 failed"} {
		if !strings.Contains(run.stdout, want) {
			t.Errorf("the simulation of the emitted Job lacks %q:\n%s", want, run.stdout)
		}
	}
	for _, want := range []string{"completionMode: Indexed", "completions: 50", "parallelism: 10", "$(JOB_COMPLETION_INDEX)", "claimName: sweep-results"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the emitted Job lacks %q", want)
		}
	}
}

// TestSweepJSONL: the JSON lines start with the header, then one sample
// per seed in seed order.
func TestSweepJSONL(t *testing.T) {
	t.Chdir("../..")
	r := runCmd(t, "", "sweep", "-n", "10", "--seed-from", "100", "-o", "jsonl", randomScenario)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], `{"sweep":"examples/manifests/parallel.random.scenario.yaml","digest":"`) {
		t.Fatalf("%d lines, first %q", len(lines), lines[0])
	}
	for i, l := range lines[1:] {
		if !strings.HasPrefix(l, `{"seed":`+strconv.Itoa(100+i)+`,"outcome":"`) {
			t.Errorf("line %d: %s", i+2, l)
		}
	}
}
