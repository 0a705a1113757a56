package main

// What `jobsim get` and `jobsim describe` share: their flags, the
// resource names kubectl accepts, and the simulation of a FILE up to the
// instant the view shows.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

const getUsage = `Usage: jobsim get RESOURCE [NAME...] FILE [flags]

Simulates FILE up to an instant and prints its pods or jobs as
kubectl get shows them then: every event at or before the instant has
happened, and ages count back from it.

RESOURCE is pods (pod, po), jobs (job) or cronjobs (cronjob, cj); the
NAMEs, if any, pick objects.

Flags:
  --at DURATION         the instant, as a virtual time since the start (default:
                        the end of the run, where jobsim run ends it)
  -o, --output wide     add kubectl's wide columns
  -n, --namespace NS    the namespace shown (default "default")
  -A, --all-namespaces  every namespace, in a NAMESPACE column
  --seed N              the seed of every random draw (default: the
                        scenario's, else 1)
  --sync-delay DURATION how long the Job controller waits before reacting
                        to pod changes (default 0s; 1s is Kubernetes')
  --set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
` + versionFlagsUsage

const describeUsage = `Usage: jobsim describe RESOURCE NAME FILE [flags]

Simulates FILE up to an instant and prints the named job or pod as
kubectl describe shows it then, with its events up to that instant.

RESOURCE is job (jobs) or pod (pods, po).

Flags:
  --at DURATION         the instant, as a virtual time since the start (default:
                        the end of the run, where jobsim run ends it)
  -n, --namespace NS    the object's namespace (default "default")
  --seed N              the seed of every random draw (default: the
                        scenario's, else 1)
  --sync-delay DURATION how long the Job controller waits before reacting
                        to pod changes (default 0s; 1s is Kubernetes')
  --set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
` + versionFlagsUsage

// kubeResource is a kind of object the views show.
type kubeResource int

const (
	kubePods kubeResource = iota + 1
	kubeJobs
	kubeCronJobs // get only
)

// parseKubeResource maps kubectl's names of a resource (plural, singular,
// short name, and the group-qualified forms) to it.
func parseKubeResource(s string) (kubeResource, bool) {
	switch strings.ToLower(s) {
	case "pods", "pod", "po":
		return kubePods, true
	case "jobs", "job", "jobs.batch", "job.batch":
		return kubeJobs, true
	case "cronjobs", "cronjob", "cj", "cronjobs.batch", "cronjob.batch":
		return kubeCronJobs, true
	}
	return 0, false
}

// notFound is kubectl's message for a missing object: the API server's
// NotFound status, named by the resource's plural and group.
func (r kubeResource) notFound(name string) string {
	what := "pods"
	switch r {
	case kubeJobs:
		what = "jobs.batch"
	case kubeCronJobs:
		what = "cronjobs.batch"
	}
	return fmt.Sprintf("Error from server (NotFound): %s %q not found", what, name)
}

// viewFlags are the flags of get and describe.
type viewFlags struct {
	run           runFlags // seed, set-release, sync-delay: as jobsim run has them
	at            time.Duration
	output        string
	namespace     string
	allNamespaces bool
}

// parseViewFlags parses the flags of get (wide true) or describe, and
// returns the positional arguments. A problem is reported as a usage
// error, with its exit status.
func parseViewFlags(cmd, help string, args []string, e env, wide bool) (viewFlags, []string, int, bool) {
	var f viewFlags
	fs := newFlagSet(cmd)
	fs.Var(durationFlag{&f.at}, "at", "")
	fs.Var(&f.run.seed, "seed", "")
	fs.Var(durationFlag{&f.run.syncDelay}, "sync-delay", "")
	fs.StringVar(&f.run.setRelease, "set-release", "", "")
	f.run.versionFlags(fs)
	fs.StringVar(&f.namespace, "n", "default", "")
	fs.StringVar(&f.namespace, "namespace", "default", "")
	if wide {
		fs.StringVar(&f.output, "o", "", "")
		fs.StringVar(&f.output, "output", "", "")
		fs.BoolVar(&f.allNamespaces, "A", false, "")
		fs.BoolVar(&f.allNamespaces, "all-namespaces", false, "")
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, help)
		return f, nil, exitOK, false
	}
	if err != nil {
		return f, nil, usageError(e, cmd, err.Error(), help), false
	}
	if f.output != "" && f.output != "wide" {
		return f, nil, usageError(e, cmd, fmt.Sprintf("invalid value %q for flag -o: jobsim %s prints the default table or -o wide", f.output, cmd), help), false
	}
	if f.namespace == "" {
		return f, nil, usageError(e, cmd, "invalid value for flag --namespace: must not be empty", help), false
	}
	if !flagSet(fs, "at") {
		f.at = -1
	}
	return f, pos, exitOK, true
}

// viewRequest is what get and describe were asked for: the flags, the
// resource, the names (none for all) and the simulated view.
type viewRequest struct {
	flags viewFlags
	res   kubeResource
	names []string
	view  *kubeView
}

// parseView parses the arguments of get or describe (RESOURCE [NAME...]
// FILE and the flags) and simulates FILE. A problem is printed, and its
// exit status returned with ok false.
func parseView(cmd, help string, args []string, e env, wide bool) (r viewRequest, code int, ok bool) {
	f, pos, code, ok := parseViewFlags(cmd, help, args, e, wide)
	if !ok {
		return r, code, false
	}
	switch len(pos) {
	case 0:
		return r, usageError(e, cmd, "no RESOURCE given", help), false
	case 1:
		return r, usageError(e, cmd, "no FILE given", help), false
	}
	res, ok := parseKubeResource(pos[0])
	if !ok {
		return r, usageError(e, cmd, fmt.Sprintf("the server doesn't have a resource type %q (jobsim knows pods, jobs and cronjobs)", pos[0]), help), false
	}
	if res == kubeCronJobs && !wide { // describe
		return r, usageError(e, cmd, "jobsim describes pods and jobs; for a CronJob, jobsim get cronjobs, or jobsim run for what became of each scheduled time", help), false
	}
	v, code := simulateView(pos[len(pos)-1], f, e)
	if v == nil {
		return r, code, false
	}
	return viewRequest{flags: f, res: res, names: pos[1 : len(pos)-1], view: v}, exitOK, true
}

// kubeView is a cluster's state at one instant, as the API server would
// serve it then.
type kubeView struct {
	file  string
	start time.Time // the scenario's start
	now   time.Time // the instant shown: ages count back from it
	jobs  []*batchv1.Job
	pods  []*corev1.Pod
	// cronJobs are the CronJobs that exist then.
	cronJobs []*batchv1.CronJob
	// events are the Kubernetes Events up to now, in order.
	events []jobsim.Event
}

// eventRecorder keeps the Kubernetes Events a simulation reports.
type eventRecorder struct{ events []jobsim.Event }

// Observe keeps e unless it is a watch-style change.
func (r *eventRecorder) Observe(e jobsim.Event) {
	if e.Type != jobsim.EventChange {
		r.events = append(r.events, e)
	}
}

// simulateView loads FILE as jobsim run does and simulates it up to at
// since its start (or, with at < 0, to where jobsim run would end it).
// It prints every problem itself and returns the exit status when it
// fails.
func simulateView(file string, f viewFlags, e env) (*kubeView, int) {
	scenarios, ok := load([]string{file}, f.run, e)
	if !ok {
		return nil, exitInvalid
	}
	s := scenarios[0]
	rec := &eventRecorder{}
	until := f.at
	if until == 0 {
		// Until 0 means the scenario's own; any positive limit ends the
		// simulation before its first instant after the start.
		until = time.Nanosecond
	}
	sim, err := s.Simulate(manifest.SimOptions{Until: max(until, 0), SyncDelay: f.run.syncDelay, Observer: rec})
	if err != nil {
		for _, p := range manifest.Problems(err) {
			fmt.Fprintln(e.stderr, p)
		}
		return nil, exitInvalid
	}
	for {
		if f.at == 0 {
			if t, ok := sim.Cluster().Next(); !ok || t.After(s.Start) {
				break
			}
		}
		ok, err := sim.Step()
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: the simulation stopped: %v\n", s.File, err)
			return nil, exitInvalid
		}
		if !ok {
			break
		}
	}
	v := &kubeView{file: s.File, start: s.Start, now: sim.End()}
	if f.at >= 0 {
		v.now = s.Start.Add(f.at)
	}
	jobs, pods := sim.Objects()
	for _, j := range jobs {
		stripJobsimAnnotations(j)
		v.jobs = append(v.jobs, asServed(j))
	}
	for _, p := range pods {
		v.pods = append(v.pods, asServed(p))
	}
	for _, cj := range sim.CronJobObjects() {
		v.cronJobs = append(v.cronJobs, asServed(cj))
	}
	for _, ev := range rec.events {
		if !ev.Time.After(v.now) {
			v.events = append(v.events, ev)
		}
	}
	return v, exitOK
}

// asServed returns obj as a client decodes it from the API server's
// JSON: timestamps (metav1.Time) to the second.
func asServed[T any](obj *T) *T {
	data, err := json.Marshal(obj)
	if err != nil {
		panic(err) // Jobs and Pods always marshal
	}
	out := new(T)
	if err := json.Unmarshal(data, out); err != nil {
		panic(err)
	}
	return out
}

// stripJobsimAnnotations removes from a Job the metrics that only jobsim
// adds (manifest.PodsBoundAnnotation ...): a real cluster's Job has none.
func stripJobsimAnnotations(j *batchv1.Job) {
	for k := range j.Annotations {
		if strings.HasPrefix(k, "jobsim.dev/") && isMetricAnnotation(k) {
			delete(j.Annotations, k)
		}
	}
	if len(j.Annotations) == 0 {
		j.Annotations = nil
	}
}

func isMetricAnnotation(k string) bool {
	switch k {
	case manifest.PodsBoundAnnotation, manifest.QueueWaitMeanAnnotation, manifest.QueueWaitMaxAnnotation,
		manifest.RunTimeAnnotation, manifest.MakespanAnnotation:
		return true
	}
	return false
}

// namedObject is a Job or a Pod.
type namedObject interface {
	GetNamespace() string
	GetName() string
}

// inNamespace keeps the objects of namespace ns (all with ns ""), sorted
// as the API server lists them: by namespace, then name.
func inNamespace[T namedObject](objs []T, ns string) []T {
	var out []T
	for _, o := range objs {
		if ns == "" || o.GetNamespace() == ns {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].GetNamespace(), out[j].GetNamespace(); a != b {
			return a < b
		}
		return out[i].GetName() < out[j].GetName()
	})
	return out
}
