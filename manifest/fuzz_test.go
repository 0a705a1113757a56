package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzFiles are the manifests a fuzzed scenario can name.
var fuzzFiles = map[string]string{
	"job.yaml":     manifestWith(),
	"indexed.yaml": strings.Replace(manifestWith("SPEC", "  completionMode: Indexed\n  completions: 3\n  parallelism: 2"), "job1", "indexed", 1),
	"bad.yaml":     manifestWith("SPEC", "  parallelism: -1"),
	"passwd":       "root:x:0:0:root:/root:/bin/bash\n\x00\xff",
	"cron.yaml":    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {}}}\n",
	"every.yaml":   "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: every}\nspec:\n  schedule: \"*/5 * * * *\"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        metadata: {annotations: {jobsim.dev/run: 7m}}\n        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}\n",
}

func init() {
	// The example manifests, which the example scenarios name.
	files, _ := filepath.Glob("../examples/manifests/*.yaml")
	for _, file := range files {
		if strings.HasSuffix(file, ".scenario.yaml") {
			continue
		}
		if data, err := os.ReadFile(file); err == nil {
			fuzzFiles[filepath.Base(file)] = string(data)
		}
	}
}

// addExamples adds the files of examples/manifests to the seed corpus.
func addExamples(f *testing.F, scenarios bool) {
	files, _ := filepath.Glob("../examples/manifests/*.yaml")
	for _, file := range files {
		if strings.HasSuffix(file, ".scenario.yaml") != scenarios {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// exercise checks what a fuzzed input gave: problems well formed, and a
// valid scenario simulated briefly and printed, none of which may panic.
func exercise(t *testing.T, s *Scenario, err error) {
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) == 0 {
			t.Fatalf("an error that is not a list of problems: %v", err)
		}
		for _, p := range e.Problems {
			if p.File == "" || p.Message == "" || p.Line < 0 {
				t.Fatalf("malformed problem %#v", p)
			}
			// A problem is one line of printable text, and quotes a
			// bounded part of the input.
			if escape(p.Message) != p.Message || escape(p.Field) != p.Field {
				t.Fatalf("a problem with characters that are not printable: %q", p.String())
			}
			if len(p.Message) > 4000 || len(p.Field) > 4000 {
				t.Fatalf("a problem of %d bytes: %.200q...", len(p.String()), p.String())
			}
		}
		return
	}
	if len(s.Jobs) == 0 && len(s.CronJobs) == 0 {
		t.Fatal("a valid scenario without jobs or CronJobs")
	}
	// Big jobs are too slow to simulate while fuzzing.
	big := func(n *int) bool { return n != nil && *n > 50 }
	if len(s.Jobs) > 20 {
		return
	}
	for _, sj := range s.Jobs {
		spec := sj.Manifest.Job.Spec
		if big(spec.Parallelism) || big(spec.Completions) {
			return
		}
		for _, a := range sj.Actions {
			if big(a.Parallelism) || big(a.Completions) {
				return
			}
		}
	}
	if len(s.Config().Nodes) > 100 {
		return
	}
	sim, err := s.Simulate(SimOptions{Until: time.Hour, MaxEvents: 5000, NodeUse: true})
	if err != nil {
		t.Fatalf("a valid scenario that does not simulate: %v", err)
	}
	_ = sim.Run() // the event limit is fine
	if _, err := sim.ListJSON(); err != nil {
		t.Fatalf("ListJSON: %v", err)
	}
	if _, err := sim.ListYAML(); err != nil {
		t.Fatalf("ListYAML: %v", err)
	}
	for _, n := range sim.Cluster().Nodes() {
		u, ok := sim.NodeUse(n.Name)
		if !ok {
			t.Fatalf("no use for node %s", n.Name)
		}
		for r, f := range u.Utilisation {
			if f < 0 || f > 1+1e-9 {
				t.Fatalf("node %s: %s use %v", n.Name, r, f)
			}
		}
	}
}

// FuzzManifest feeds arbitrary bytes to the manifest reader: decoding,
// Helm detection, defaulting and validation must never panic, and a valid
// manifest must simulate and print.
func FuzzManifest(f *testing.F) {
	addExamples(f, false)
	f.Add([]byte(manifestWith()))
	f.Add([]byte("{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\"}\n{}"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{kind: Job, apiVersion: batch/v1, <<: {metadata: {name: x}}}]\n"))
	f.Add([]byte("apiVersion: batch/v1\nkind: job\n---\napiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: {}}\n---\napiVersion: Batch/v1beta1\nkind: JOB\n"))
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\n\x7fELF\x00\xff{{ x }}\n"))
	// CronJobs: a valid one among a Job, and one with what the API
	// server refuses (a TZ in the schedule, a bad policy, a manual
	// selector, a negative deadline).
	f.Add([]byte(fuzzFiles["every.yaml"] + "---\n" + manifestWith()))
	f.Add([]byte("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, resourceVersion: \"1\"}\nspec:\n  schedule: \"TZ=UTC @every 1h\"\n  timeZone: \"../x\"\n  concurrencyPolicy: Sometimes\n  startingDeadlineSeconds: -1\n  jobTemplate:\n    metadata: {name: x, labels: {\"a b\": c}}\n    spec:\n      manualSelector: true\n      template: {spec: {restartPolicy: Always, containers: [{name: c, image: i}]}}\n"))
	f.Add([]byte("apiVersion: batch/v1\nkind: Job\nmetadata: {name: t}\nspec:\n  template:\n    metadata: {labels: {app: t}}\n    spec:\n      restartPolicy: Never\n      schedulingGates: [{name: a}, {name: a}]\n      tolerations: [{operator: Exists}, {key: k, operator: Gt, value: \"1\"}, {key: n, effect: NoExecute, tolerationSeconds: 9223372036854775807}]\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: t}}, topologyKey: kubernetes.io/hostname, matchLabelKeys: [app], mismatchLabelKeys: [app]}]\n          preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, podAffinityTerm: {topologyKey: \"\", namespaces: [X]}}]\n      topologySpreadConstraints: [{maxSkew: 1, topologyKey: z, whenUnsatisfiable: DoNotSchedule, minDomains: 2, labelSelector: {matchLabels: {app: t}}, matchLabelKeys: [app]}]\n      resourceClaims: [{name: c}]\n      containers: [{name: c, image: i}]\n"))
	// Fields that depend on the version: spec.scheduling (cut before
	// decoding), container restart rules.
	f.Add([]byte("apiVersion: batch/v1\nkind: Job\nmetadata: {name: s}\nspec:\n  scheduling: {schedulingPolicy: {gang: {minCount: 2}}}\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: i, restartPolicy: Never, restartPolicyRules: [{action: RestartAllContainers, exitCodes: {operator: In, values: [1]}}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data, Options{ReleaseName: "rel"})
		exercise(t, s, err)
		_, _, _ = DecodeJobs("fuzz.yaml", data, Options{})
	})
}

// FuzzScenario feeds arbitrary bytes to the scenario reader, with a few
// manifests it may name.
func FuzzScenario(f *testing.F) {
	addExamples(f, true)
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 1h\njobs:\n- file: indexed.yaml\n  pods:\n    runs: {\"1\": [{run: 5s, exit: 1}]}\n    random: {run: {mean: 10s}, fail: 0.3}\n  actions:\n  - {at: 10s, parallelism: 3}\n  - {at: 20s, completions: 4, parallelism: 4}\n  - {at: 30s, delete: true}\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes: [{name: a, count: 2, capacity: {cpu: \"2\", memory: 1Gi, pods: 10}}]\nfaults: [{at: 1m, node: a-1, action: drain}]\njobs: [{file: job.yaml, at: 1m}, {file: job.yaml, at: 2m}]\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\nnodes:\n- {name: a, count: 3, zones: [z1, z2], region: r, taints: [{key: k, value: v, effect: NoSchedule}, {key: k, effect: NoSchedule}]}\n- {name: b, zones: [x, y], labels: {topology.kubernetes.io/zone: q}, taints: [{key: \"\", effect: Bad}]}\npdbs:\n- {name: p, selector: {matchLabels: {app: x}, matchExpressions: [{key: a, operator: In}]}, minAvailable: 50%}\n- {name: q, namespace: Q, minAvailable: 1, maxUnavailable: 200%}\n- {name: \"..\"}\njobs:\n- job: {apiVersion: batch/v1, kind: Job, metadata: {name: g}, spec: {template: {spec: {schedulingGates: [{name: w}], restartPolicy: Never, containers: [{name: c, image: i}]}}}}\n  actions: [{at: 1s, removeSchedulingGates: [w, x, w]}, {at: 2s, removeSchedulingGates: [w], suspend: true}]\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs: [{file: passwd}, {file: cron.yaml}, {job: {apiVersion: v1, kind: job}}]\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 3h\ncronJobs:\n- file: every.yaml\n  at: 1m\n  pods: {default: {run: 2m}}\n  jobs: {\"1\": {default: {run: 20m, exit: 1}}}\n  actions:\n  - {at: 30m, suspend: true}\n  - {at: 40m, suspend: false, concurrencyPolicy: Replace}\n  - {at: 50m, schedule: \"@hourly\", timeZone: Europe/Berlin, startingDeadlineSeconds: 60}\n  - {at: 1h, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0}\n- cronJob: {apiVersion: batch/v1, kind: CronJob, metadata: {name: inline}, spec: {schedule: \"* * * * *\", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}}}\n  actions: [{at: 2h, delete: true}]\nfaults:\n- {at: 1h10m, controller: cronjob, action: down}\n- {at: 2h30m, controller: cronjob, action: up}\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\ncronJobs:\n- {file: every.yaml, cronJob: {}, jobs: {x: 1}}\n- file: job.yaml\n  actions: [{at: 1s}, {at: 2s, schedule: \"* *\"}, {at: 3s, delete: false}]\nfaults: [{at: 1s, controller: kube, action: fail}, {at: 2s, node: node-0, controller: cronjob, action: up}]\n"))
	f.Add([]byte("apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs: [{file: pi-job.yaml}]\nkubernetesVersion: \"1.34\"\nfeatureGates: {JobManagedBy: false, ContainerRestartRules: true, Bogus: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.scenario.yaml", data, Options{ReadFile: mapFiles(fuzzFiles)})
		exercise(t, s, err)
	})
}
