package main

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// jobsim sweep --emit-job: a sweep too big for one machine, as a
// Kubernetes Indexed Job that runs its shards on a cluster. One
// completion per shard; each pod runs jobsim sweep with its shard from
// $(JOB_COMPLETION_INDEX), which the kubelet expands in the container's
// arguments, on the scenario mounted from a ConfigMap, and writes its
// JSON lines to its standard output (kubectl logs) or to a volume. The
// parts are then merged with jobsim sweep merge, wherever they are.

// configMapKey is what a ConfigMap key may be.
var configMapKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

// dnsLabel turns a file's base name into a name for the objects.
func dnsLabel(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if out == "" {
		out = "scenario"
	}
	return out
}

// referencedFiles lists the files a scenario names (jobs[*].file and
// cronJobs[*].file), as written.
func referencedFiles(data []byte) []string {
	var doc struct {
		Kind     string                  `yaml:"kind"`
		Jobs     []struct{ File string } `yaml:"jobs"`
		CronJobs []struct{ File string } `yaml:"cronJobs"`
	}
	if yaml.Unmarshal(data, &doc) != nil || doc.Kind != "Scenario" {
		return nil
	}
	var out []string
	for _, j := range doc.Jobs {
		if j.File != "" {
			out = append(out, j.File)
		}
	}
	for _, j := range doc.CronJobs {
		if j.File != "" {
			out = append(out, j.File)
		}
	}
	return out
}

// emitSweepJob prints the ConfigMap of the scenario's files and the
// Indexed Job that runs the sweep of file.
func emitSweepJob(e env, f sweepFlags, file string) int {
	if file == "-" {
		fmt.Fprintln(e.stderr, "jobsim sweep --emit-job: the scenario must be a file, not standard input: the Job mounts it")
		return exitInvalid
	}
	main, err := e.readFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "jobsim sweep --emit-job: %v\n", err)
		return exitInvalid
	}
	base := filepath.Base(file)
	files := map[string][]byte{base: main}
	keys := []string{base}
	for _, ref := range referencedFiles(main) {
		if !configMapKey.MatchString(ref) {
			fmt.Fprintf(e.stderr, "%s: jobsim sweep --emit-job: the scenario names %q: a ConfigMap holds files of one directory only; keep the manifests beside the scenario\n", file, ref)
			return exitInvalid
		}
		if _, ok := files[ref]; ok {
			continue
		}
		data, err := e.readFile(filepath.Join(filepath.Dir(file), ref))
		if err != nil {
			fmt.Fprintf(e.stderr, "jobsim sweep --emit-job: %v\n", err)
			return exitInvalid
		}
		files[ref] = data
		keys = append(keys, ref)
	}
	name := "jobsim-sweep-" + dnsLabel(strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml"))
	if len(name) > 52 {
		name = strings.TrimRight(name[:52], "-")
	}
	parallelism := f.parallelism
	if parallelism == 0 {
		parallelism = f.shards
	}
	args := []string{"sweep", "-n", strconv.FormatUint(f.n, 10), "--seed-from", strconv.FormatUint(f.seedFrom, 10),
		"--shard-index", "$(JOB_COMPLETION_INDEX)", "--shards", strconv.Itoa(f.shards), "-o", "jsonl", "--progress", "never", "--parallel", "1"}
	if f.until > 0 {
		args = append(args, "--until", f.until.String())
	}
	if f.setRelease != "" {
		args = append(args, "--set-release", f.setRelease)
	}
	if f.version != 0 {
		args = append(args, "--kubernetes-version", f.version.String())
	}
	if f.results != "" {
		args = append(args, "--out", path.Join(f.results, "part-$(JOB_COMPLETION_INDEX).jsonl"))
	}
	args = append(args, "/sweep/"+base)

	var b strings.Builder
	fmt.Fprintf(&b, "# jobsim sweep of %s as an Indexed Job: %d shards of the seeds %d to %d,\n", base, f.shards, f.seedFrom, f.seedFrom+f.n-1)
	fmt.Fprintf(&b, "# one completion per shard, %d at a time. Each pod writes its shard's JSON lines\n", parallelism)
	if f.results != "" {
		fmt.Fprintf(&b, "# to %s/part-INDEX.jsonl; merge them with:\n#   jobsim sweep merge part-*.jsonl\n", f.results)
	} else {
		fmt.Fprintf(&b, "# to its standard output; collect the succeeded pod's of each index and merge:\n")
		fmt.Fprintf(&b, "#   for i in $(seq 0 %d); do\n", f.shards-1)
		fmt.Fprintf(&b, "#     pod=$(kubectl get pods -l job-name=%s,batch.kubernetes.io/job-completion-index=$i \\\n", name)
		b.WriteString("#       --field-selector=status.phase=Succeeded -o name)\n")
		b.WriteString("#     kubectl logs \"$pod\" > part-$i.jsonl\n#   done\n#   jobsim sweep merge part-*.jsonl\n")
	}
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: |\n", k)
		for _, l := range strings.Split(strings.TrimRight(string(files[k]), "\n"), "\n") {
			if l == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("    " + l + "\n")
		}
	}
	b.WriteString("---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n")
	b.WriteString("  completionMode: Indexed\n")
	fmt.Fprintf(&b, "  completions: %d\n  parallelism: %d\n", f.shards, parallelism)
	b.WriteString("  # A shard that fails (its node lost, say) is retried on its own.\n  backoffLimitPerIndex: 2\n")
	b.WriteString("  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: sweep\n")
	fmt.Fprintf(&b, "          image: %s\n", yamlScalar(f.image))
	b.WriteString("          command: [jobsim]\n")
	b.WriteString("          resources:\n            requests: {cpu: \"1\"}   # one simulation at a time (--parallel 1)\n")
	b.WriteString("          args:\n")
	for _, a := range args {
		fmt.Fprintf(&b, "            - %s\n", yamlScalar(a))
	}
	b.WriteString("          volumeMounts:\n            - {name: scenario, mountPath: /sweep, readOnly: true}\n")
	if f.results != "" {
		fmt.Fprintf(&b, "            - {name: results, mountPath: %s}\n", yamlScalar(f.results))
	}
	b.WriteString("      volumes:\n        - name: scenario\n          configMap:\n            name: " + name + "\n")
	if f.results != "" {
		if f.pvc != "" {
			fmt.Fprintf(&b, "        - name: results\n          persistentVolumeClaim:\n            claimName: %s\n", yamlScalar(f.pvc))
		} else {
			b.WriteString("        - name: results\n          emptyDir: {}   # replace with a volume that outlives the pods\n")
		}
	}
	fmt.Fprint(e.stdout, b.String())
	return exitOK
}

// yamlScalar quotes s for YAML when it needs it.
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
