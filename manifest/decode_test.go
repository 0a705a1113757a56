package manifest

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// job is a valid Job manifest whose spec lines can be replaced: the
// marker lines SPEC (under spec:, indented 2), TMETA (under template
// metadata, indented 6), PSPEC (under the pod spec, indented 6) and CTR
// (under the container, indented 10) are substituted.
const jobTmpl = `apiVersion: batch/v1
kind: Job
metadata:
  name: NAME
spec:
SPEC
  template:
    metadata:
TMETA
    spec:
PSPEC
      containers:
        - name: main
          image: busybox:1.36
CTR
      restartPolicy: RESTART
`

// manifestWith returns jobTmpl with the markers replaced; unreplaced
// markers are dropped.
func manifestWith(kv ...string) string {
	vals := map[string]string{"NAME": "job1", "RESTART": "Never"}
	for i := 0; i+1 < len(kv); i += 2 {
		vals[kv[i]] = kv[i+1]
	}
	var out []string
	for _, line := range strings.Split(jobTmpl, "\n") {
		key := strings.TrimSpace(line)
		switch key {
		case "SPEC", "TMETA", "PSPEC", "CTR":
			if v, ok := vals[key]; ok {
				out = append(out, v)
			}
			continue
		}
		for _, k := range []string{"NAME", "RESTART"} {
			line = strings.ReplaceAll(line, k, vals[k])
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// want is an expected problem: its line, its field path, and a part of
// its message.
type want struct {
	line  int
	field string
	msg   string
}

func (w want) String() string { return fmt.Sprintf("%d: %s: ...%s...", w.line, w.field, w.msg) }

func checkProblems(t *testing.T, err error, wants []want) {
	t.Helper()
	got := Problems(err)
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("unexpected error:\n%v", err)
		}
		return
	}
	if got == nil {
		t.Fatalf("no problems, want %v (err %v)", wants, err)
	}
	if len(got) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%v", len(got), len(wants), err)
	}
	for i, w := range wants {
		if i >= len(got) {
			break
		}
		g := got[i]
		if g.Line != w.line || g.Field != w.field || !strings.Contains(g.Message, w.msg) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

// TestDecodeProblems covers one case per family of rules a manifest can
// break: YAML and strict decoding, Helm markup, each family of the API
// server's Job validation (ValidateJob in
// pkg/apis/batch/validation/validation.go), the selector rules (the Job
// strategy's generated selector, pkg/registry/batch/job/strategy.go) and the
// fields jobsim refuses.
func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{"valid", manifestWith(), nil},
		{"yaml syntax", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: [x\n", []want{{4, "", "invalid YAML"}}},
		{"unknown field", manifestWith("SPEC", "  completion: 3"), []want{{6, "spec.completion", `unknown field "completion" (did you mean "completions"?)`}}},
		{"unknown field case", manifestWith("SPEC", "  Parallelism: 3"), []want{{6, "spec.Parallelism", `did you mean "parallelism"?`}}},
		{"unknown container field", manifestWith("CTR", "          imagePullPolicyy: Always"), []want{{12, "spec.template.spec.containers[0].imagePullPolicyy", "unknown field"}}},
		{"string for integer", manifestWith("SPEC", `  parallelism: "2"`), []want{{6, "spec.parallelism", `expected an integer, got a string ("2")`}}},
		{"integer for string", manifestWith("TMETA", "      annotations:\n        jobsim.dev/exit-code: 1"), []want{{9, "spec.template.metadata.annotations[jobsim.dev/exit-code]", "put it in quotes"}}},
		{"yaml 1.1 boolean for string", manifestWith("TMETA", "      labels:\n        enabled: yes"), []want{{9, "spec.template.metadata.labels[enabled]", "got a boolean (yes)"}}},
		{"list for object", manifestWith("SPEC", "  podFailurePolicy: [1]"), []want{{6, "spec.podFailurePolicy", "expected an object, got a list"}}},
		{"int32 range", manifestWith("SPEC", "  completions: 3000000000"), []want{{6, "spec.completions", "out of range for int32"}}},
		{"bad quantity", manifestWith("CTR", "          resources:\n            limits: {cpu: lots}"), []want{{13, "spec.template.spec.containers[0].resources.limits[cpu]", "quantities must match"}}},
		{"helm markup", strings.Replace(manifestWith(), "name: job1", "name: {{ .Release.Name }}-job", 1), []want{{4, "", "--set-release"}}},
		{"helm values", manifestWith("CTR", "          args: [{{ .Values.arg }}]"), []want{{12, "", "Helm template markup {{ .Values.arg }}"}}},
		{"go template is data", manifestWith("CTR", `          args: ["-o", "go-template={{.metadata.name}}"]`), nil},
		{"separator junk", manifestWith() + "\n--- x: y\n", []want{{14, "", "document separator"}}},
		{"old apiVersion", strings.Replace(manifestWith(), "batch/v1", "batch/v1beta1", 1), []want{{1, "apiVersion", `no matches for kind "Job" in version "batch/v1beta1"`}}},
		{"no kind", strings.Replace(manifestWith(), "kind: Job\n", "", 1), []want{{1, "kind", "Required value"}}},
		{"not an object", "- a\n- b\n", []want{{1, "", "expected a Kubernetes object"}}},
		{"negative counts", manifestWith("SPEC", "  parallelism: -1\n  backoffLimit: -2\n  activeDeadlineSeconds: -3\n  ttlSecondsAfterFinished: -4"), []want{
			{6, "spec.parallelism", "Invalid value: -1: must be greater than or equal to 0"},
			{7, "spec.backoffLimit", "must be greater than or equal to 0"},
			{8, "spec.activeDeadlineSeconds", "must be greater than or equal to 0"},
			{9, "spec.ttlSecondsAfterFinished", "must be greater than or equal to 0"},
		}},
		{"completion mode", manifestWith("SPEC", "  completionMode: Sorted"), []want{{6, "spec.completionMode", `Unsupported value: "Sorted"`}}},
		{"indexed needs completions", manifestWith("SPEC", "  completionMode: Indexed\n  parallelism: 2"), []want{{5, "spec.completions", "Required value: when completion mode is Indexed"}}},
		{"indexed parallelism", manifestWith("SPEC", "  completionMode: Indexed\n  completions: 3\n  parallelism: 100001"), []want{{8, "spec.parallelism", "less than or equal to 100000"}}},
		{"per-index backoff needs indexed", manifestWith("SPEC", "  backoffLimitPerIndex: 1\n  maxFailedIndexes: 1"), []want{
			{6, "spec.backoffLimitPerIndex", "requires indexed completion mode"},
			{7, "spec.maxFailedIndexes", "requires indexed completion mode"},
		}},
		{"max failed indexes needs per-index", manifestWith("SPEC", "  completionMode: Indexed\n  completions: 3\n  maxFailedIndexes: 1"), []want{{5, "spec.backoffLimitPerIndex", "Required value: when maxFailedIndexes is specified"}}},
		{"name", strings.Replace(manifestWith(), "name: job1", "name: Job_1", 1), []want{{4, "metadata.name", `Invalid value: "Job_1"`}}},
		{"indexed hostname", strings.Replace(manifestWith("SPEC", "  completionMode: Indexed\n  completions: 10"), "name: job1", "name: "+strings.Repeat("a", 62), 1), []want{{4, "metadata.name", "will not able to create pod with invalid DNS label"}}},
		{"managedBy", manifestWith("SPEC", "  managedBy: nobody"), []want{{6, "spec.managedBy", "domain-prefixed path"}}},
		{"restartPolicy Always", strings.Replace(manifestWith(), "restartPolicy: Never", "restartPolicy: Always", 1), []want{{12, "spec.template.spec.restartPolicy", `Required value: valid values: "OnFailure", "Never"`}}},
		{"restartPolicy unknown", strings.Replace(manifestWith(), "restartPolicy: Never", "restartPolicy: Sometimes", 1), []want{
			{12, "spec.template.spec.restartPolicy", `Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`},
			{12, "spec.template.spec.restartPolicy", `Unsupported value: "Sometimes": supported values: "OnFailure", "Never"`},
		}},
		{"podFailurePolicy", manifestWith("SPEC", "  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes: {operator: In, values: [3, 0, 1]}"), []want{
			{9, "spec.podFailurePolicy.rules[0].onExitCodes.values[1]", "must not be 0 for the In operator"},
			{9, "spec.podFailurePolicy.rules[0].onExitCodes.values", "Invalid value: [3,0,1]: must be ordered"},
		}},
		{"podFailurePolicy with OnFailure", strings.Replace(manifestWith("SPEC", "  podFailurePolicy:\n    rules:\n    - action: Ignore\n      onPodConditions: [{type: DisruptionTarget}]"), "restartPolicy: Never", "restartPolicy: OnFailure", 1), []want{{16, "spec.template.spec.restartPolicy", `only "Never" is supported when podFailurePolicy is specified`}}},
		{"podReplacementPolicy", manifestWith("SPEC", "  podReplacementPolicy: Sometimes"), []want{{6, "spec.podReplacementPolicy", `Unsupported value: "Sometimes"`}}},
		{"successPolicy needs indexed", manifestWith("SPEC", "  successPolicy:\n    rules: [{succeededCount: 1}]"), []want{{6, "spec.successPolicy", "requires indexed completion mode"}}},
		{"successPolicy indexes", manifestWith("SPEC", "  completionMode: Indexed\n  completions: 3\n  successPolicy:\n    rules: [{succeededIndexes: \"1-5\"}]"), []want{{9, "spec.successPolicy.rules[0].succeededIndexes", "too large index"}}},
		{"manual selector required", manifestWith("SPEC", "  manualSelector: true"), []want{
			{5, "spec.selector", "Required value"},
			{8, "spec.template.metadata.labels", "`selector` does not match template `labels`"},
		}},
		{"selector not generated", manifestWith("SPEC", "  selector:\n    matchLabels: {app: x}", "TMETA", "      labels: {app: x}"), []want{{6, "spec.selector", "`selector` not auto-generated"}}},
		{"selector syntax", manifestWith("SPEC", "  manualSelector: true\n  selector:\n    matchExpressions: [{key: app, operator: Near, values: [a]}]", "TMETA", "      labels: {app: a}"), []want{
			{8, "spec.selector.matchExpressions[0].operator", "not a valid selector operator"},
		}},
		{"controller-uid label", manifestWith("TMETA", "      labels: {controller-uid: abc}"), []want{{8, "spec.template.metadata.labels[controller-uid]", "must be 'd13f8347-12d2-4a61-9c54-d111cfd435f9'"}}},
		{"job-name label", manifestWith("TMETA", "      labels: {batch.kubernetes.io/job-name: other}"), []want{{8, "spec.template.metadata.labels[batch.kubernetes.io/job-name]", "must be 'job1'"}}},
		{"containers", strings.Replace(manifestWith(), "      containers:\n        - name: main\n          image: busybox:1.36\n", "      containers: []\n", 1), []want{{9, "spec.template.spec.containers", "Required value"}}},
		{"container", manifestWith("CTR", "        - name: Main\n        - name: main\n          image: b"), []want{
			{12, "spec.template.spec.containers[1].name", `Invalid value: "Main"`},
			{12, "spec.template.spec.containers[1].image", "Required value"},
			{13, "spec.template.spec.containers[2].name", `Duplicate value: "main"`},
		}},
		{"labels", manifestWith("TMETA", "      labels: {\"a b\": c}"), []want{{3, "metadata.labels", `Invalid value: "a b"`}, {8, "spec.template.labels", `Invalid value: "a b"`}}},
		{"behaviour annotations", manifestWith("TMETA", "      annotations: {jobsim.dev/run: soon, jobsim.dev/exit-code: \"300\"}"), []want{
			{8, "spec.template.metadata.annotations[jobsim.dev/run]", "must be a duration"},
			{8, "spec.template.metadata.annotations[jobsim.dev/exit-code]", "between 0 and 255"},
		}},
		{"pod deadline", manifestWith("PSPEC", "      activeDeadlineSeconds: 30"), []want{{9, "spec.template.spec.activeDeadlineSeconds", "not supported by jobsim"}}},
		{"sidecar", manifestWith("PSPEC", "      initContainers:\n        - {name: proxy, image: envoy, restartPolicy: Always}"), nil},
		{"overhead without runtimeClassName", manifestWith("PSPEC", "      overhead: {cpu: 250m}"), []want{{9, "spec.template.spec.overhead", "Forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"}}},
		{"overhead not whole", manifestWith("PSPEC", "      runtimeClassName: kata\n      overhead: {cpu: 0.5m}"), []want{{10, "spec.template.spec.overhead.limits[cpu]", `Invalid value: "500u": jobsim counts cpu in whole millicores`}}},
		{"runtimeClassName not a subdomain", manifestWith("PSPEC", "      runtimeClassName: Kata_1"), []want{{9, "spec.template.spec.runtimeClassName", `Invalid value: "Kata_1"`}}},
		{"scheduling gates", manifestWith("PSPEC", "      schedulingGates: [{name: wait}]"), nil},
		{"generateName", strings.Replace(manifestWith(), "name: job1", "generateName: job-", 1), []want{{4, "metadata.generateName", "give the Job a metadata.name"}}},
		{"env valueFrom and value", manifestWith("CTR", "          env:\n          - name: A\n            value: x\n            valueFrom: {secretKeyRef: {name: s, key: k}}"), []want{{15, "spec.template.spec.containers[0].env[0].valueFrom", "may not be specified when `value` is not empty"}}},
		{"resourceVersion", strings.Replace(manifestWith(), "  name: job1", "  name: job1\n  resourceVersion: \"42\"", 1), []want{{5, "metadata.resourceVersion", "should not be set"}}},
		{"deadline too long", manifestWith("SPEC", "  activeDeadlineSeconds: 9223372036854775807"), []want{{6, "spec.activeDeadlineSeconds", "must be at most"}}},
		{"requests", manifestWith("CTR", "          resources:\n            requests: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}\n            limits: {nvidia.com/gpu: 1}"), nil},
		{"request not whole", manifestWith("CTR", "          resources:\n            requests: {cpu: 0.5m, memory: 100m}"), []want{
			{13, "spec.template.spec.containers[0].resources.requests[cpu]", `Invalid value: "500u": jobsim counts cpu in whole millicores`},
			{13, "spec.template.spec.containers[0].resources.requests[memory]", `Invalid value: "100m": jobsim counts memory in whole bytes ("m" is a thousandth: did you mean 100Mi?)`},
		}},
		{"limit not whole", manifestWith("CTR", "          resources:\n            limits: {ephemeral-storage: 0.5}"), []want{{13, "spec.template.spec.containers[0].resources.limits[ephemeral-storage]", "in whole bytes"}}},
		{"request too large", manifestWith("CTR", "          resources:\n            requests: {memory: 9Ei}"), []want{{13, "spec.template.spec.containers[0].resources.requests[memory]", "must be at most 9007199254740992 for jobsim"}}},
		{"negative request", manifestWith("CTR", "          resources:\n            requests:\n              memory: -1Gi"), []want{{14, "spec.template.spec.containers[0].resources.requests[memory]", `Invalid value: "-1Gi": must be greater than or equal to 0`}}},
		{"request above limit", manifestWith("CTR", "          resources:\n            requests: {cpu: \"2\"}\n            limits: {cpu: 1500m}"), []want{{13, "spec.template.spec.containers[0].resources.requests[cpu]", `Invalid value: "2": must be less than or equal to cpu limit of 1500m`}}},
		{"extended request without limit", manifestWith("CTR", "          resources:\n            requests: {nvidia.com/gpu: 1}"), []want{{12, "spec.template.spec.containers[0].resources.limits", "Required value: Limit must be set for non overcommitable resources"}}},
		{"extended request below limit", manifestWith("CTR", "          resources:\n            requests: {nvidia.com/gpu: 1}\n            limits: {nvidia.com/gpu: 2}"), []want{{13, "spec.template.spec.containers[0].resources.requests[nvidia.com/gpu]", "must be equal to nvidia.com/gpu limit of 2"}}},
		{"extended not integer", manifestWith("CTR", "          resources:\n            limits: {nvidia.com/gpu: 0.5}"), []want{{13, "spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]", `Invalid value: "500m": must be an integer`}}},
		{"resource name", manifestWith("CTR", "          resources:\n            requests: {gpu: 1, pods: 1}"), []want{
			{13, "spec.template.spec.containers[0].resources.requests[gpu]", "must be a standard resource type or fully qualified"},
			{13, "spec.template.spec.containers[0].resources.requests[pods]", "must be a standard resource for containers"},
		}},
		{"init container request", manifestWith("PSPEC", "      initContainers:\n        - name: init\n          image: busybox:1.36\n          resources: {requests: {cpu: 1.0001}}"), []want{{12, "spec.template.spec.initContainers[0].resources.requests[cpu]", "whole millicores"}}},
		{"nodeSelector", manifestWith("PSPEC", "      nodeSelector:\n        disk: ssd\n        \"a b\": x\n        zone: \"-east\""), []want{
			{11, "spec.template.spec.nodeSelector", `Invalid value: "a b"`},
			{12, "spec.template.spec.nodeSelector", `Invalid value: "-east"`},
		}},
		{"priorityClassName", manifestWith("PSPEC", "      priorityClassName: High"), []want{{9, "spec.template.spec.priorityClassName", `Invalid value: "High": a lowercase RFC 1123 subdomain`}}},
		{"nodeName", manifestWith("PSPEC", "      nodeName: worker-1"), []want{{9, "spec.template.spec.nodeName", "not supported by jobsim: a pod template bound to a node by name bypasses the scheduler"}}},
		{"pod resources", manifestWith("PSPEC", "      resources: {requests: {cpu: \"1\"}}"), []want{{9, "spec.template.spec.resources", "not supported by jobsim: pod-level resources"}}},
		{"two documents", manifestWith() + "\n---\n" + strings.Replace(manifestWith("SPEC", "  parallelism: -1"), "job1", "job2", 1), []want{{20, "spec.parallelism", "must be greater than or equal to 0"}}},
		{"list", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n- apiVersion: batch/v1\n  kind: Job\n  metadata: {name: x}\n  spec: {parallelism: -1, template: {spec: {containers: [{name: a, image: b}], restartPolicy: Never}}}\n",
			[]want{{9, "items[1].spec.parallelism", "must be greater than or equal to 0"}}},
		{"json", `{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x"},
	"spec": {"completion": 1, "template": {"spec": {"containers": [{"name": "a", "image": "b"}], "restartPolicy": "Never"}}}}`,
			[]want{{2, "spec.completion", "unknown field"}}},
		{"duplicate field", manifestWith("SPEC", "  parallelism: 2\n  parallelism: 3"), []want{{7, "spec.parallelism", `duplicate field "parallelism" (first at line 6)`}}},
		{"yaml flow style", "{apiVersion: batch/v1, kind: Job, metadata: {name: x},\n spec: {parallelism: -1, template: {spec: {containers: [{name: a, image: b}], restartPolicy: Never}}}}\n",
			[]want{{2, "spec.parallelism", "must be greater than or equal to 0"}}},
		{"json syntax", "{\"apiVersion\": \"batch/v1\",\n\"kind\": \"Job\"\n", []want{{3, "", "did not find expected"}}},
		{"no job", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", []want{{1, "", "found Secret s (v1), not a Job"}}},
		{"nothing", "# only a comment\n---\n", []want{{0, "", "no batch/v1 Job found"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("job.yaml", []byte(tt.input), Options{})
			checkProblems(t, err, tt.want)
		})
	}
}

// mapFiles reads files from a map, for scenarios that name manifests.
func mapFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
}

// TestScenarioProblems covers one case per family of scenario rules.
func TestScenarioProblems(t *testing.T) {
	files := map[string]string{
		"dir/job.yaml":     manifestWith(),
		"dir/indexed.yaml": strings.Replace(manifestWith("SPEC", "  completionMode: Indexed\n  completions: 3\n  parallelism: 3"), "job1", "indexed", 1),
		"dir/two.yaml":     manifestWith() + "\n---\n" + strings.Replace(manifestWith(), "job1", "job2", 1),
		"dir/bad.yaml":     manifestWith("SPEC", "  parallelism: -1"),
	}
	const head = "apiVersion: jobsim/v1alpha1\nkind: Scenario\n"
	tests := []struct {
		name  string
		input string
		want  []want
	}{
		{"valid", head + "jobs:\n- file: job.yaml\n  pods: {default: {run: 5s}}\n", nil},
		{"apiVersion", "apiVersion: jobsim/v1\nkind: Scenario\njobs: [{file: job.yaml}]\n", []want{{1, "apiVersion", `Unsupported value: "jobsim/v1"`}}},
		{"unknown field", head + "sed: 3\njobs: [{file: job.yaml}]\n", []want{{3, "sed", `did you mean "seed"?`}}},
		{"seed", head + "seed: -1\njobs: [{file: job.yaml}]\n", []want{{3, "seed", "expected an integer"}}},
		{"start", head + "start: yesterday\njobs: [{file: job.yaml}]\n", []want{{3, "start", "RFC 3339"}}},
		{"until", head + "until: 2 hours\njobs: [{file: job.yaml}]\n", []want{{3, "until", "must be a duration"}}},
		{"no jobs", head + "seed: 2\n", []want{{1, "jobs", "at least one job"}}},
		{"file and job", head + "jobs:\n- file: job.yaml\n  job: {apiVersion: batch/v1, kind: Job, metadata: {name: x}, spec: {template: {spec: {containers: [{name: a, image: b}], restartPolicy: Never}}}}\n", []want{{5, "jobs[0]", "not both"}}},
		{"missing file", head + "jobs:\n- file: nope.yaml\n", []want{{4, "jobs[0].file", "cannot read the file"}}},
		{"two jobs in file", head + "jobs:\n- file: two.yaml\n", []want{{4, "jobs[0].file", "holds 2 batch/v1 Jobs"}}},
		{"problem in file", head + "jobs:\n- file: bad.yaml\n", []want{{6, "spec.parallelism", "must be greater than or equal to 0"}}},
		{"inline job", head + "jobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec:\n      parallelism: -1\n      template: {spec: {containers: [{name: a, image: b}], restartPolicy: Never}}\n",
			[]want{{9, "jobs[0].job.spec.parallelism", "must be greater than or equal to 0"}}},
		{"inline not a job", head + "jobs:\n- job: {apiVersion: v1, kind: Secret, metadata: {name: s}}\n", []want{{4, "jobs[0].job", "jobsim simulates batch/v1 Jobs and CronJobs only"}}},
		{"run fields", head + "jobs:\n- file: job.yaml\n  pods:\n    default: {run: 5 s, exit: 256, disrupt: \"no reason\", term: -1s}\n", []want{
			{6, "jobs[0].pods.default.run", "must be a duration"},
			{6, "jobs[0].pods.default.exit", "between 0 and 255"},
			{6, "jobs[0].pods.default.disrupt", "CamelCase"},
			{6, "jobs[0].pods.default.term", "must not be negative"},
		}},
		{"runs key", head + "jobs:\n- file: job.yaml\n  pods:\n    runs:\n      first: [{run: 1s}]\n", []want{{7, "jobs[0].pods.runs[first]", "completion index or pod ordinal"}}},
		{"runs index", head + "jobs:\n- file: indexed.yaml\n  pods:\n    runs:\n      3: [{run: 1s}]\n", []want{{7, "jobs[0].pods.runs[3]", "no such completion index"}}},
		{"random", head + "jobs:\n- file: job.yaml\n  pods:\n    random: {run: {min: 10s, max: 5s}, fail: 1.5, exit: 0}\n", []want{
			{6, "jobs[0].pods.random.run.max", "must be at least min"},
			{6, "jobs[0].pods.random.fail", "between 0 and 1"},
			{6, "jobs[0].pods.random.exit", "between 1 and 255"},
		}},
		{"random run", head + "jobs:\n- file: job.yaml\n  pods:\n    random: {run: {mean: 10s, min: 1s}}\n", []want{{6, "jobs[0].pods.random.run.mean", "not both"}}},
		{"action immutable", head + "jobs:\n- file: job.yaml\n  actions:\n  - {at: 1m, completions: 3}\n", []want{{6, "jobs[0].actions[0].completions", "field is immutable"}}},
		{"action invalid value", head + "jobs:\n- file: job.yaml\n  actions:\n  - at: 1m\n    parallelism: -2\n", []want{{7, "jobs[0].actions[0].parallelism", "must be greater than or equal to 0"}}},
		{"action elastic", head + "jobs:\n- file: indexed.yaml\n  actions:\n  - {at: 1m, completions: 5}\n  - {at: 2m, completions: 5, parallelism: 5}\n", []want{{6, "jobs[0].actions[0].completions", "in tandem with spec.parallelism"}}},
		{"action before submission", head + "jobs:\n- file: job.yaml\n  at: 5m\n  actions:\n  - {at: 1m, suspend: true}\n", []want{{7, "jobs[0].actions[0].at", "only submitted at 5m0s"}}},
		{"action after delete", head + "jobs:\n- file: job.yaml\n  actions:\n  - {at: 1m, delete: true}\n  - {at: 2m, suspend: true}\n", []want{{7, "jobs[0].actions[1]", "deleted before"}}},
		{"action delete and change", head + "jobs:\n- file: job.yaml\n  actions:\n  - {at: 1m, delete: true, suspend: true}\n", []want{{6, "jobs[0].actions[0].delete", "comes alone"}}},
		{"action empty", head + "jobs:\n- file: job.yaml\n  actions:\n  - {at: 1m}\n", []want{{6, "jobs[0].actions[0]", "Required value"}}},
		{"action no at", head + "jobs:\n- file: job.yaml\n  actions:\n  - {suspend: true}\n", []want{{6, "jobs[0].actions[0].at", "Required value"}}},
		{"name clash", head + "jobs:\n- file: job.yaml\n- file: job.yaml\n  at: 1m\n", []want{{5, "jobs[1]", "already exists"}}},
		{"name reused after delete", head + "jobs:\n- file: job.yaml\n  actions: [{at: 30s, delete: true}]\n- file: job.yaml\n  at: 1m\n", nil},
		{"nodes", head + "nodes:\n- {name: Pool, count: 0, capacity: {cpu: many}}\n- {name: b}\n- {name: b}\njobs: [{file: job.yaml}]\n", []want{
			{4, "nodes[0].count", "between 1 and 10000"},
			{4, "nodes[0].capacity.cpu", "must be a quantity"},
			{4, "nodes[0].name", `Invalid value: "Pool"`},
			{6, "nodes[2].name", `Duplicate value: "b"`},
		}},
		{"faults", head + "nodes: [{name: pool, count: 2}]\nfaults:\n- {at: 5m, node: pool-2, action: explode}\njobs: [{file: job.yaml}]\n", []want{
			{5, "faults[0].action", `Unsupported value: "explode"`},
			{5, "faults[0].node", "no such node (nodes are pool-0 to pool-1)"},
		}},
		{"priority classes", head + "priorityClasses:\n- {name: low, value: 0, globalDefault: true}\n- {name: system-high, value: 10, globalDefault: true}\njobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec: {template: {spec: {priorityClassName: mid, containers: [{name: a, image: b}], restartPolicy: Never}}}\n", []want{
			{5, "priorityClasses[1].globalDefault", "only one priority class"},
			{5, "priorityClasses[1].name", "reserved"},
			{11, "jobs[0].job.spec.template.spec.priorityClassName", `no such priority class`},
		}},
		{"two documents", head + "jobs: [{file: job.yaml}]\n---\nseed: 1\n", []want{{5, "", "one document"}}},
		{"nodes valid", head + "nodes:\n- name: gpu\n  count: 2\n  labels: {accelerator: a100}\n  capacity: {cpu: \"16\", memory: 64Gi, pods: 110, nvidia.com/gpu: 4, ephemeral-storage: 100Gi}\njobs: [{file: job.yaml}]\n", nil},
		{"capacity", head + "nodes:\n- name: a\n  capacity:\n    cpu: \"-1\"\n    gpus: 2\n    memory: 1.5\n    nvidia.com/gpu: 0.5\n    pods: 2.5\n    example.com/fpga: lots\njobs: [{file: job.yaml}]\n", []want{
			{6, "nodes[0].capacity.cpu", `Invalid value: "-1": must be greater than or equal to 0`},
			{7, "nodes[0].capacity.gpus", `Invalid value: "gpus": must be cpu, memory, pods, ephemeral-storage, hugepages-SIZE, or an extended resource with a domain prefix, such as nvidia.com/gpu`},
			{8, "nodes[0].capacity.memory", `Invalid value: "1.5": jobsim counts memory in whole bytes`},
			{9, "nodes[0].capacity.nvidia.com/gpu", `Invalid value: "0.5": must be an integer`},
			{10, "nodes[0].capacity.pods", `Invalid value: "2.5": must be an integer`},
			{11, "nodes[0].capacity.example.com/fpga", "must be a quantity"},
		}},
		{"capacity not an object", head + "nodes: [{name: a, capacity: 4}]\njobs: [{file: job.yaml}]\n", []want{{3, "nodes[0].capacity", "expected an object such as"}}},
		{"node labels", head + "nodes:\n- name: a\n  labels:\n    ok: \"1\"\n    \"a b\": x\n    n: 1\njobs: [{file: job.yaml}]\n", []want{
			{7, "nodes[0].labels", `Invalid value: "a b"`},
			{8, "nodes[0].labels[n]", "put it in quotes"},
		}},
		{"node name too long", head + "nodes:\n- {name: " + strings.Repeat("a", 61) + ", count: 11}\njobs: [{file: job.yaml}]\n", []want{{4, "nodes[0].name", "must be no more than 63 characters"}}},
		{"faults before nodes", head + "faults: [{at: 1m, node: a-1, action: fail}, {at: 2m, node: a-1, action: recover}]\nnodes: [{name: a, count: 2}]\njobs: [{file: job.yaml}]\n", nil},
		{"fault without nodes", head + "faults: [{at: 1m, node: node-0, action: drain}, {at: 1m, node: node-1, action: drain}]\njobs: [{file: job.yaml}]\n", []want{{3, "faults[1].node", "no such node (nodes are node-0)"}}},
		{"fault fields", head + "nodes: [{name: a}]\nfaults:\n- {node: a-0}\n- {at: -1m, node: 7, action: fail}\njobs: [{file: job.yaml}]\n", []want{
			{5, "faults[0].at", "Required value"},
			{5, "faults[0].action", "Required value"},
			{6, "faults[1].at", "must not be negative"},
			{6, "faults[1].node", `no such node (nodes are a-0)`},
		}},
		{"scheduler", head + "scheduler: {scoring: Packed, latency: -1s, delay: 1s}\njobs: [{file: job.yaml}]\n", []want{
			{3, "scheduler.scoring", `Unsupported value: "Packed": supported values: "LeastAllocated", "MostAllocated"`},
			{3, "scheduler.latency", "must not be negative"},
			{3, "scheduler.delay", "unknown field"},
		}},
		{"scheduler valid", head + "scheduler: {scoring: MostAllocated, latency: 2s}\njobs: [{file: job.yaml}]\n", nil},
		{"system priority class", head + "priorityClasses: [{name: low, value: 0}]\njobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec: {template: {spec: {priorityClassName: system-node-critical, containers: [{name: a, image: b}], restartPolicy: Never}}}\n", nil},
		{"undeclared priority class", head + "jobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec: {template: {spec: {priorityClassName: anything, containers: [{name: a, image: b}], restartPolicy: Never}}}\n", nil},
		{"scheduling fields with nodes", head + "nodes: [{name: a}]\njobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec:\n      template:\n        spec:\n          affinity:\n            nodeAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution:\n                nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]\n            podAntiAffinity:\n              requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: x}}}]\n          tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 10}]\n          topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]\n          containers: [{name: a, image: b}]\n          restartPolicy: Never\n", nil},
		{"scheduling fields without nodes", head + "jobs:\n- job:\n    apiVersion: batch/v1\n    kind: Job\n    metadata: {name: x}\n    spec:\n      template:\n        spec:\n          tolerations: [{operator: Exists}]\n          containers: [{name: a, image: b}]\n          restartPolicy: Never\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("dir/run.scenario.yaml", []byte(tt.input), Options{ReadFile: mapFiles(files)})
			checkProblems(t, err, tt.want)
		})
	}
}
