package manifest_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"k8s.io/apimachinery/pkg/api/resource"
	"pgregory.net/rapid"
	"sigs.k8s.io/yaml"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
	"github.com/jobsim/jobsim/manifest"
)

// validObject is a valid Job as a Go program builds it: no TypeMeta.
func validObject() *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "batch", Labels: map[string]string{"app": "pi"}},
		Spec: batchv1.JobSpec{
			Parallelism: jobsim.Ptr(int32(2)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"jobsim.dev/run": "5s"}},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers: []corev1.Container{{
						Name: "main", Image: "perl:5.34",
						Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")}},
					}},
				},
			},
		},
	}
}

func TestNewJobValid(t *testing.T) {
	obj := validObject()
	before := obj.DeepCopy()
	j, err := manifest.NewJob(obj, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, obj); diff != "" {
		t.Errorf("NewJob modified its argument (-before +after):\n%s", diff)
	}
	data, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	jobs, _, err := manifest.DecodeJobs("pi.yaml", append([]byte("apiVersion: batch/v1\nkind: Job\n"), data...), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jobs[0].Object, j.Object); diff != "" {
		t.Errorf("NewJob's object differs from DecodeJobs' (-decoded +new):\n%s", diff)
	}
	if diff := cmp.Diff(jobs[0].Job, j.Job); diff != "" {
		t.Errorf("NewJob's Job differs from DecodeJobs' (-decoded +new):\n%s", diff)
	}
	if j.File != "" || j.Line != 0 {
		t.Errorf("File, Line = %q, %d; want \"\", 0", j.File, j.Line)
	}
}

// TestNewJobProblems checks that NewJob reports an invalid Job as
// DecodeJobs reports the YAML of the same object: the same field paths
// and messages, with no file and no line.
func TestNewJobProblems(t *testing.T) {
	tests := []struct {
		name string
		edit func(*batchv1.Job)
		opts manifest.Options
	}{
		{"negative parallelism", func(j *batchv1.Job) { j.Spec.Parallelism = jobsim.Ptr(int32(-1)) }, manifest.Options{}},
		{"restartPolicy Always", func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways }, manifest.Options{}},
		{"no name", func(j *batchv1.Job) { j.Name = "" }, manifest.Options{}},
		{"several", func(j *batchv1.Job) {
			j.Spec.BackoffLimit = jobsim.Ptr(int32(-2))
			j.Spec.Completions = jobsim.Ptr(int32(-3))
			j.Spec.Template.Spec.Containers[0].Image = ""
			j.Spec.Template.Spec.NodeSelector = map[string]string{"bad key!": "x"}
		}, manifest.Options{}},
		{"resourceVersion", func(j *batchv1.Job) { j.ResourceVersion = "42" }, manifest.Options{}},
		{"nodeName", func(j *batchv1.Job) { j.Spec.Template.Spec.NodeName = "node-1" }, manifest.Options{}},
		{"fractional memory", func(j *batchv1.Job) {
			j.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("100m")
		}, manifest.Options{}},
		{"selector not matching", func(j *batchv1.Job) {
			j.Spec.ManualSelector = jobsim.Ptr(true)
			j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "other"}}
		}, manifest.Options{}},
		{"toleration Gt on 1.34", func(j *batchv1.Job) {
			j.Spec.Template.Spec.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Gt", Value: "1"}}
		}, manifest.Options{Version: jobsim.V1_34}},
		{"toleration Lt", func(j *batchv1.Job) {
			j.Spec.Template.Spec.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Lt", Value: "1"}}
		}, manifest.Options{}},
	}
	sortProblems := cmpopts.SortSlices(func(a, b manifest.Problem) bool {
		return a.Field+"\x00"+a.Message < b.Field+"\x00"+b.Message
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := validObject()
			tt.edit(obj)
			_, err := manifest.NewJob(obj, tt.opts)
			got := manifest.Problems(err)
			if len(got) == 0 {
				t.Fatalf("NewJob: error %v, want problems", err)
			}
			for _, p := range got {
				if p.File != "" || p.Line != 0 {
					t.Errorf("problem %q has file %q, line %d; want none", p, p.File, p.Line)
				}
			}
			data, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = manifest.DecodeJobs("job.yaml", append([]byte("apiVersion: batch/v1\nkind: Job\n"), data...), tt.opts)
			want := manifest.Problems(err)
			if len(want) == 0 {
				t.Fatalf("DecodeJobs: error %v, want problems", err)
			}
			strip := func(ps []manifest.Problem) []manifest.Problem {
				out := make([]manifest.Problem, len(ps))
				for i, p := range ps {
					out[i] = manifest.Problem{Field: p.Field, Message: p.Message}
				}
				return out
			}
			if diff := cmp.Diff(strip(want), strip(got), sortProblems); diff != "" {
				t.Errorf("problems (-DecodeJobs +NewJob):\n%s", diff)
			}
		})
	}
}

func TestNewJobTypeMeta(t *testing.T) {
	for _, tm := range []metav1.TypeMeta{{}, {Kind: "Job"}, {APIVersion: "batch/v1"}, {APIVersion: "batch/v1", Kind: "Job"}} {
		obj := validObject()
		obj.TypeMeta = tm
		j, err := manifest.NewJob(obj, manifest.Options{})
		if err != nil {
			t.Errorf("%+v: %v", tm, err)
			continue
		}
		if j.Object.APIVersion != "batch/v1" || j.Object.Kind != "Job" {
			t.Errorf("%+v: object's TypeMeta %+v", tm, j.Object.TypeMeta)
		}
	}
	for _, tc := range []struct {
		tm   metav1.TypeMeta
		want []manifest.Problem
	}{
		{metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}, []manifest.Problem{{Field: "kind", Message: `Invalid value: "CronJob": NewJob takes a batch/v1 Job`}}},
		{metav1.TypeMeta{APIVersion: "batch/v2", Kind: "Job"}, []manifest.Problem{{Field: "apiVersion", Message: `Invalid value: "batch/v2": NewJob takes a batch/v1 Job`}}},
	} {
		obj := validObject()
		obj.TypeMeta = tc.tm
		_, err := manifest.NewJob(obj, manifest.Options{})
		if diff := cmp.Diff(tc.want, manifest.Problems(err)); diff != "" {
			t.Errorf("%+v: problems (-want +got):\n%s", tc.tm, diff)
		}
	}
	_, err := manifest.NewJob(nil, manifest.Options{})
	if len(manifest.Problems(err)) != 1 {
		t.Errorf("NewJob(nil): %v, want one problem", err)
	}
}

func TestProblemStringNoFile(t *testing.T) {
	for _, tc := range []struct {
		p    manifest.Problem
		want string
	}{
		{manifest.Problem{Field: "spec.parallelism", Message: "bad"}, "spec.parallelism: bad"},
		{manifest.Problem{Message: "bad"}, "bad"},
		{manifest.Problem{Line: 3, Field: "f", Message: "bad"}, "line 3: f: bad"},
		{manifest.Problem{File: "a.yaml", Field: "f", Message: "bad"}, "a.yaml: f: bad"},
		{manifest.Problem{File: "a.yaml", Line: 3, Field: "f", Message: "bad"}, "a.yaml:3: f: bad"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// jobs generates valid jobsim Jobs with more of the pod template than
// jobsimtest.Jobs draws: metadata, requests, placement, env, a sidecar,
// node affinity and a node selector.
func jobs() *rapid.Generator[jobsim.Job] {
	return rapid.Custom(func(t *rapid.T) jobsim.Job {
		j := jobsimtest.Jobs("gen").Draw(t, "job")
		j.Namespace = rapid.SampledFrom([]string{"", "default", "team-a"}).Draw(t, "namespace")
		if rapid.Bool().Draw(t, "labels") {
			j.Labels = map[string]string{"owner": rapid.SampledFrom([]string{"a", "b"}).Draw(t, "owner")}
		}
		if rapid.Bool().Draw(t, "annotations") {
			j.Annotations = map[string]string{"note": rapid.StringMatching(`[a-z ]{0,8}`).Draw(t, "note")}
		}
		tmpl := &j.Spec.Template
		if rapid.Bool().Draw(t, "run") {
			tmpl.Annotations = map[string]string{"jobsim.dev/run": "5s"}
		}
		jobsimtest.PodPlacements().Draw(t, "placement")(tmpl)
		c := &tmpl.Spec.Containers[0]
		c.Requests = jobsimtest.Requests().Draw(t, "requests")
		if c.Requests["nvidia.com/gpu"] > 0 {
			delete(c.Requests, "nvidia.com/gpu") // needs a limit too
		}
		if rapid.Bool().Draw(t, "command") {
			c.Command = []string{"sh", "-c"}
			c.Args = []string{"sleep 1"}
		}
		if rapid.Bool().Draw(t, "env") {
			c.Env = []jobsim.EnvVar{{Name: "A", Value: "1"}, {Name: "POD", FieldPath: "metadata.name"}}
		}
		if rapid.Bool().Draw(t, "sidecar") {
			tmpl.Spec.InitContainers = []jobsim.Container{
				{Name: "init", Image: "busybox:1.36"},
				{Name: "proxy", Image: "envoy:v1", RestartPolicy: jobsim.RestartAlways},
			}
		}
		if rapid.Bool().Draw(t, "nodeSelector") {
			tmpl.Spec.NodeSelector = map[string]string{"disk": "ssd"}
		}
		if rapid.Bool().Draw(t, "nodeAffinity") {
			if tmpl.Spec.Affinity == nil {
				tmpl.Spec.Affinity = &jobsim.Affinity{}
			}
			tmpl.Spec.Affinity.NodeAffinity = &jobsim.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &jobsim.NodeSelector{NodeSelectorTerms: []jobsim.NodeSelectorTerm{{
					MatchExpressions: []jobsim.NodeSelectorRequirement{{Key: jobsim.LabelZone, Operator: jobsim.NodeSelectorOpIn, Values: []string{"a", "b"}}},
				}}},
				PreferredDuringSchedulingIgnoredDuringExecution: []jobsim.PreferredSchedulingTerm{{Weight: 10, Preference: jobsim.NodeSelectorTerm{
					MatchExpressions: []jobsim.NodeSelectorRequirement{{Key: "spot", Operator: jobsim.NodeSelectorOpDoesNotExist}},
				}}},
			}
		}
		if rapid.Bool().Draw(t, "priorityClass") {
			tmpl.Spec.PriorityClassName = "high"
		}
		if rapid.Bool().Draw(t, "runtimeClass") {
			tmpl.Spec.RuntimeClassName = "gvisor"
		}
		return j
	})
}

// TestFromJobRoundTrip checks that FromJob's object converts back to the
// same Job: NewJob(FromJob(j).Object) has FromJob(j)'s Job, which is j
// defaulted.
func TestFromJobRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j := jobs().Draw(t, "job")
		before, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		fj, err := manifest.FromJob(j)
		if err != nil {
			t.Fatalf("FromJob: %v", err)
		}
		if after, _ := json.Marshal(j); !bytes.Equal(after, before) {
			t.Fatalf("FromJob modified its argument:\n%s\n%s", before, after)
		}
		want := j
		jobsim.SetDefaults(&want)
		if diff := cmp.Diff(want, fj.Job, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("FromJob(j).Job is not j defaulted (-want +got):\n%s", diff)
		}
		nj, err := manifest.NewJob(fj.Object, manifest.Options{})
		if err != nil {
			t.Fatalf("NewJob(FromJob(j).Object): %v", err)
		}
		if diff := cmp.Diff(fj.Job, nj.Job, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("NewJob(FromJob(j).Object).Job (-FromJob +NewJob):\n%s", diff)
		}
		if diff := cmp.Diff(fj.Object, nj.Object); diff != "" {
			t.Fatalf("NewJob(FromJob(j).Object).Object (-FromJob +NewJob):\n%s", diff)
		}
	})
}

func TestFromJobInvalid(t *testing.T) {
	j := jobsim.Job{Name: "bad", Spec: jobsim.JobSpec{Parallelism: jobsim.Ptr(-1)}}
	j.Spec.Template.Spec.RestartPolicy = jobsim.RestartAlways
	j.Spec.Template.Spec.Containers = []jobsim.Container{{Name: "main", Image: "busybox"}}
	_, err := manifest.FromJob(j)
	ps := manifest.Problems(err)
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	for _, f := range []string{"spec.parallelism", "spec.template.spec.restartPolicy"} {
		if !fields[f] {
			t.Errorf("FromJob: no problem at %s in %v", f, err)
		}
	}
	// A template nodeName is valid for jobsim but not simulated from a
	// manifest.
	ok := jobsim.Job{Name: "bound"}
	ok.Spec.Template.Spec.RestartPolicy = jobsim.RestartNever
	ok.Spec.Template.Spec.Containers = []jobsim.Container{{Name: "main", Image: "busybox"}}
	ok.Spec.Template.Spec.NodeName = "node-1"
	if _, err := manifest.FromJob(ok); len(manifest.Problems(err)) == 0 {
		t.Errorf("FromJob with a template nodeName: %v, want problems", err)
	}
}

// TestJobObjectWithoutObject checks that JobObject and PodObject work for
// a Job made of jobsim's types only.
func TestJobObjectWithoutObject(t *testing.T) {
	j := jobsim.Job{Name: "plain"}
	j.Spec.Template.Spec.RestartPolicy = jobsim.RestartNever
	j.Spec.Template.Spec.Containers = []jobsim.Container{{Name: "main", Image: "busybox"}}
	c := jobsim.NewCluster(jobsim.Config{Nodes: []jobsim.Node{{Name: "n1"}}})
	h, err := c.Submit(j, jobsim.Fixed(time.Second, 0))
	if err != nil {
		t.Fatal(err)
	}
	fj, err := manifest.FromJob(j)
	if err != nil {
		t.Fatal(err)
	}
	got := manifest.JobObject(&manifest.Job{Job: h.Job()}, h)
	want := manifest.JobObject(fj, h)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JobObject without Object (-FromJob +nil Object):\n%s", diff)
	}
	if got.Spec.Selector == nil || got.Spec.Template.Labels[jobsim.JobNameLabel] != "plain" {
		t.Errorf("JobObject without Object: no generated selector and labels: %+v", got.Spec)
	}
}

// TestFromJobManualSelector checks that a Job with manualSelector gets a
// selector that matches its template's labels.
func TestFromJobManualSelector(t *testing.T) {
	j := jobsim.Job{Name: "manual", Spec: jobsim.JobSpec{ManualSelector: true}}
	j.Spec.Template.Labels = map[string]string{"app": "manual"}
	j.Spec.Template.Spec.RestartPolicy = jobsim.RestartNever
	j.Spec.Template.Spec.Containers = []jobsim.Container{{Name: "main", Image: "busybox"}}
	fj, err := manifest.FromJob(j)
	if err != nil {
		t.Fatal(err)
	}
	want := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "manual"}}
	if diff := cmp.Diff(want, fj.Object.Spec.Selector); diff != "" {
		t.Errorf("selector (-want +got):\n%s", diff)
	}
	if !fj.Job.Spec.ManualSelector || fj.Object.Spec.ManualSelector == nil || !*fj.Object.Spec.ManualSelector {
		t.Errorf("manualSelector lost: %v, %v", fj.Job.Spec.ManualSelector, fj.Object.Spec.ManualSelector)
	}
}

// NewCronJob admits a CronJob as the API server does: its defaults
// (concurrencyPolicy Allow, suspend false, history limits 3 and 1), and
// the validation of its schedule and of its job template, at the
// template's paths.
func TestNewCronJob(t *testing.T) {
	obj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
		Spec: batchv1.CronJobSpec{Schedule: "0 2 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyOnFailure,
				Containers: []corev1.Container{{Name: "report", Image: "busybox"}}}}}}},
	}
	cj, err := manifest.NewCronJob(obj, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := cj.CronJob.Spec
	if s.ConcurrencyPolicy != "Allow" || s.Suspend || *s.SuccessfulJobsHistoryLimit != 3 || *s.FailedJobsHistoryLimit != 1 || cj.CronJob.Namespace != "default" {
		t.Errorf("defaults: %+v in %q", s, cj.CronJob.Namespace)
	}
	if cj.Template == nil || cj.Template.Job.Name != "nightly" {
		t.Errorf("template %+v, want the Job named after the CronJob", cj.Template)
	}
	bad := obj.DeepCopy()
	bad.Spec.Schedule = "not a schedule"
	bad.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
	_, err = manifest.NewCronJob(bad, manifest.Options{})
	var fields []string
	for _, p := range manifest.Problems(err) {
		fields = append(fields, p.Field)
	}
	want := []string{"spec.schedule", "spec.jobTemplate.spec.template.spec.restartPolicy"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("problems' fields (-want +got):\n%s\n%v", diff, err)
	}
}
