package jobsim_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// templateEdit edits a job's pod template at d and records the error.
func templateEdit(c *jobsim.Cluster, d time.Duration, errs *[]error, edit func(*jobsim.PodTemplate)) {
	c.At(at(d), func() {
		*errs = append(*errs, c.Update("", "tmpl", func(s *jobsim.JobSpec) { edit(&s.Template) }))
	})
}

func toZoneB(t *jobsim.PodTemplate) { t.Spec.NodeSelector = map[string]string{"zone": "b"} }

func moreCPU(t *jobsim.PodTemplate) {
	t.Spec.Containers[0].Requests = jobsim.ResourceList{"cpu": 2000}
}

// immutableAt reports whether err is the API server's refusal of a
// template change at path.
func immutableAt(err error, path string) bool {
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	for _, fe := range verr.Errors {
		if fe.Field == path && fe.Type == jobsim.ErrorTypeInvalid && fe.Detail == "field is immutable" {
			return true
		}
	}
	return false
}

// TestTemplateUpdateOfStartedSuspendedJob follows VERSIONS.md (mutable
// pod template for suspended Jobs): a job that ran, suspended at 10 s,
// gets a nodeSelector at 30 s and more CPU at 31 s. Up to 1.35 a job that
// has started may change neither (AllowMutableSchedulingDirectives asks
// for a suspended job never started; MutablePodResourcesForSuspendedJobs
// is alpha): both are refused, spec.template: field is immutable. From
// 1.36 (both gates beta) a suspended job with no active pods and
// Suspended=True may change both.
func TestTemplateUpdateOfStartedSuspendedJob(t *testing.T) {
	for _, tc := range []struct {
		v      jobsim.Version
		gates  map[string]bool
		accept bool
	}{
		{jobsim.V1_34, nil, false},
		{jobsim.V1_35, nil, false},
		{jobsim.V1_36, nil, true},
		{jobsim.V1_37, nil, true},
		{jobsim.V1_37, map[string]bool{"MutableSchedulingDirectivesForSuspendedJobs": false, "MutablePodResourcesForSuspendedJobs": false}, false},
	} {
		t.Run(fmt.Sprint(tc.v, tc.gates), func(t *testing.T) {
			c := jobsim.NewCluster(jobsim.Config{Version: tc.v, FeatureGates: tc.gates})
			h := submit(t, c, newJob("tmpl", 1, 1), jobsim.Fixed(time.Minute, 0))
			c.At(at(10*time.Second), func() {
				if err := c.Update("", "tmpl", func(s *jobsim.JobSpec) { s.Suspend = true }); err != nil {
					t.Error(err)
				}
			})
			var errs []error
			templateEdit(c, 30*time.Second, &errs, toZoneB)
			templateEdit(c, 31*time.Second, &errs, moreCPU)
			run(t, c)
			for i, err := range errs {
				switch {
				case tc.accept && err != nil:
					t.Errorf("edit %d: %v, want it accepted", i, err)
				case !tc.accept && !immutableAt(err, "spec.template"):
					t.Errorf("edit %d: %v, want spec.template: field is immutable", i, err)
				}
			}
			wantGen := 2 // the suspension
			if tc.accept {
				wantGen = 4
			}
			if g := h.Generation(); g != wantGen {
				t.Errorf("generation %d, want %d", g, wantGen)
			}
		})
	}
}

// TestTemplateUpdateOfJobCreatedSuspended follows VERSIONS.md: a job
// created suspended has never started, so every version lets it change
// its nodeSelector; its resources may change only from 1.36, where the
// refusal of 1.35 is gone.
func TestTemplateUpdateOfJobCreatedSuspended(t *testing.T) {
	for _, tc := range []struct {
		v         jobsim.Version
		resources bool
	}{{jobsim.V1_34, false}, {jobsim.V1_35, false}, {jobsim.V1_36, true}, {jobsim.V1_37, true}} {
		c := jobsim.NewCluster(jobsim.Config{Version: tc.v})
		job := newJob("tmpl", 1, 1)
		job.Spec.Suspend = true
		submit(t, c, job, jobsim.Fixed(time.Minute, 0))
		var errs []error
		templateEdit(c, 5*time.Second, &errs, toZoneB)
		templateEdit(c, 6*time.Second, &errs, moreCPU)
		run(t, c)
		if errs[0] != nil {
			t.Errorf("%s: nodeSelector of a job never started: %v, want it accepted", tc.v, errs[0])
		}
		switch {
		case tc.resources && errs[1] != nil:
			t.Errorf("%s: resources: %v, want them accepted", tc.v, errs[1])
		case !tc.resources && !immutableAt(errs[1], "spec.template"):
			t.Errorf("%s: resources: %v, want spec.template: field is immutable", tc.v, errs[1])
		}
	}
}

// TestTemplateUpdateOnlyResourcesWhenStarted checks the resources-only
// rule of 1.36+ (validatePodResourceUpdatesOnly, at spec.template.spec):
// with the directives allowed too, a started, suspended job may change
// its requests and nodeSelector, but not its image.
func TestTemplateUpdateOnlyResourcesWhenStarted(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{Version: jobsim.V1_37})
	submit(t, c, newJob("tmpl", 1, 1), jobsim.Fixed(time.Minute, 0))
	c.At(at(10*time.Second), func() {
		if err := c.Update("", "tmpl", func(s *jobsim.JobSpec) { s.Suspend = true }); err != nil {
			t.Error(err)
		}
	})
	var errs []error
	templateEdit(c, 30*time.Second, &errs, func(t *jobsim.PodTemplate) { t.Spec.Containers[0].Image = "busybox:2" })
	run(t, c)
	if !immutableAt(errs[0], "spec.template.spec") {
		t.Errorf("image change: %v, want spec.template.spec: field is immutable", errs[0])
	}
}

// TestTemplateUpdateRunningJob checks that a job that is not suspended
// may change nothing of its template, on every version.
func TestTemplateUpdateRunningJob(t *testing.T) {
	for _, v := range jobsim.Versions() {
		c := jobsim.NewCluster(jobsim.Config{Version: v})
		submit(t, c, newJob("tmpl", 1, 1), jobsim.Fixed(time.Minute, 0))
		var errs []error
		templateEdit(c, 5*time.Second, &errs, toZoneB)
		run(t, c)
		if !immutableAt(errs[0], "spec.template") {
			t.Errorf("%s: %v, want spec.template: field is immutable", v, errs[0])
		}
	}
}

// TestTemplateUpdateNewRequests checks what a change of requests does to
// scheduling: one node of 2 CPUs, a job of 2 pods of 1 CPU each, whose
// pods take 30 s to stop. Suspended at 10 s, the job is given requests of
// 2 CPUs at 11 s and resumed at 12 s: while the old pods terminate (until
// 40 s) they hold their 1 CPU each, so the new pods of 2 CPUs pend, and
// from 40 s one of them runs at a time. The node's room comes back whole
// at the end.
func TestTemplateUpdateNewRequests(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{Version: jobsim.V1_37, Nodes: []jobsim.Node{{Name: "n", Capacity: jobsim.ResourceList{"cpu": 2000}}}})
	job := newJob("tmpl", 2, 2)
	job.Spec.Template.Spec.Containers[0].Requests = jobsim.ResourceList{"cpu": 1000}
	job.Spec.Template.Spec.TerminationGracePeriod = jobsim.Ptr(30 * time.Second)
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: time.Hour, Term: 30 * time.Second}},
		1: {{Duration: time.Hour, Term: 30 * time.Second}},
	}, jobsim.Fixed(10*time.Second, 0)))
	c.At(at(10*time.Second), func() {
		if err := c.Update("", "tmpl", func(s *jobsim.JobSpec) { s.Suspend = true }); err != nil {
			t.Error(err)
		}
	})
	var errs []error
	templateEdit(c, 11*time.Second, &errs, moreCPU)
	c.At(at(12*time.Second), func() {
		if err := c.Update("", "tmpl", func(s *jobsim.JobSpec) { s.Suspend = false }); err != nil {
			t.Error(err)
		}
	})
	var mid int64
	c.At(at(45*time.Second), func() { mid = c.Nodes()[0].Requested["cpu"] })
	run(t, c)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if mid != 2000 {
		t.Errorf("cpu requested on the node at 45s: %dm, want 2000m (one new pod; the old ones gave back what they took)", mid)
	}
	var bound []string
	for _, e := range c.Events() {
		if e.Reason == jobsim.ReasonScheduled {
			bound = append(bound, fmt.Sprintf("%s@%s", e.Object.Name[:4], e.Time.Sub(epoch)))
		}
	}
	// Two old pods at 0 s; the new ones at 40 s and 50 s.
	want := "tmpl@0s tmpl@0s tmpl@40s tmpl@50s"
	if got := strings.Join(bound, " "); got != want {
		t.Errorf("bindings %s, want %s", got, want)
	}
	if st := h.Status(); !st.IsTrue(jobsim.JobComplete) {
		t.Errorf("status %+v, want Complete", st)
	}
	if r := c.Nodes()[0].Requested["cpu"]; r != 0 {
		t.Errorf("cpu requested at the end: %dm, want 0", r)
	}
}

// TestTemplateUpdateDirectivesAreNodeAffinitySelectorTolerationsAndGates
// follows validatePodTemplateUpdate's AllowMutableSchedulingDirectives: a
// suspended job never started may change its node affinity,
// nodeSelector, tolerations and scheduling gates (what Kueue changes
// before it admits a job), but not its pod affinity or spread
// constraints, which stay immutable (spec.template).
func TestTemplateUpdateDirectivesAreNodeAffinitySelectorTolerationsAndGates(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("tmpl", 1, 1)
	job.Spec.Suspend = true
	job.Spec.Template.Spec.SchedulingGates = []string{"example.com/admit"}
	submit(t, c, job, jobsim.Fixed(time.Minute, 0))
	var errs []error
	templateEdit(c, time.Second, &errs, func(t *jobsim.PodTemplate) {
		t.Spec.Tolerations = []jobsim.Toleration{{Key: "pool", Operator: jobsim.TolerationOpExists}}
		t.Spec.SchedulingGates = nil
		t.Spec.Affinity = requiredTerms(term(req("zone", jobsim.NodeSelectorOpIn, "a")))
		toZoneB(t)
	})
	templateEdit(c, 2*time.Second, &errs, func(t *jobsim.PodTemplate) {
		t.Spec.Affinity.PodAntiAffinity = &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
			LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, TopologyKey: jobsim.LabelHostname}}}
	})
	templateEdit(c, 3*time.Second, &errs, func(t *jobsim.PodTemplate) {
		t.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: jobsim.LabelZone,
			WhenUnsatisfiable: jobsim.ScheduleAnyway, LabelSelector: &jobsim.LabelSelector{}}}
	})
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil {
		t.Errorf("directives: %v, want them accepted", errs[0])
	}
	for i, what := range []string{"pod anti-affinity", "spread constraints"} {
		if !immutableAt(errs[i+1], "spec.template.spec") {
			t.Errorf("%s: %v, want spec.template.spec: field is immutable", what, errs[i+1])
		}
	}
}
