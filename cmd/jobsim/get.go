package main

// jobsim get: kubectl get's tables of pods and jobs at an instant of a
// simulation.
//
// The columns and their cells follow the API server's table printers,
// printPod and printJob in Kubernetes' pkg/printers/internalversion
// (printers.go); the layout is kubectl's human-readable printer
// (k8s.io/cli-runtime pkg/printers, tableprinter.go and tabwriter.go). What
// differs, and why:
//   - kubectl asks the API server for the time since a timestamp
//     (time.Since); here every age counts back from the instant shown.
//   - jobsim gives pods no IP address, so the wide IP column is <none>
//     where a running pod would show one.
//   - jobsim sets no pod status.reason (Evicted, NodeLost ...), so the
//     STATUS words that come only from it do not appear.

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"k8s.io/apimachinery/pkg/util/duration"
)

func cmdGet(args []string, e env) int {
	req, code, ok := parseView("get", getUsage, args, e, true)
	if !ok {
		return code
	}
	f, res, names, v := req.flags, req.res, req.names, req.view
	ns := f.namespace
	if f.allNamespaces {
		ns = ""
	}
	var rows [][]string
	var header, missing []string
	wide := f.output == "wide"
	switch res {
	case kubePods:
		var pods []*corev1.Pod
		pods, missing = pickNamed(inNamespace(v.pods, ns), names)
		header = kubePodColumns(wide)
		for _, p := range pods {
			rows = append(rows, withNamespace(f.allNamespaces, p.Namespace, kubePodRow(p, v.now, wide)))
		}
	case kubeJobs:
		var jobs []*batchv1.Job
		jobs, missing = pickNamed(inNamespace(v.jobs, ns), names)
		header = kubeJobColumns(wide)
		for _, j := range jobs {
			rows = append(rows, withNamespace(f.allNamespaces, j.Namespace, kubeJobRow(j, v.now, wide)))
		}
	case kubeCronJobs:
		var crons []*batchv1.CronJob
		crons, missing = pickNamed(inNamespace(v.cronJobs, ns), names)
		header = kubeCronJobColumns(wide)
		for _, cj := range crons {
			rows = append(rows, withNamespace(f.allNamespaces, cj.Namespace, kubeCronJobRow(cj, v.now, wide)))
		}
	}
	if f.allNamespaces {
		header = append([]string{"NAMESPACE"}, header...)
	}
	if len(rows) > 0 {
		printKubeTable(e.stdout, header, rows)
	} else if len(names) == 0 {
		// kubectl's words when a list is empty, on standard error.
		if f.allNamespaces {
			fmt.Fprintln(e.stderr, "No resources found")
		} else {
			fmt.Fprintf(e.stderr, "No resources found in %s namespace.\n", ns)
		}
	}
	// kubectl prints the objects found, then an error for each name not
	// found, and fails.
	for _, n := range missing {
		fmt.Fprintln(e.stderr, res.notFound(n))
	}
	if len(missing) > 0 {
		return exitInvalid
	}
	return exitOK
}

// pickNamed returns the objects named, in the order named, and the names not
// found; all objects if no name is given.
func pickNamed[T namedObject](objs []T, names []string) ([]T, []string) {
	if len(names) == 0 {
		return objs, nil
	}
	var out []T
	var missing []string
	for _, n := range names {
		found := false
		for _, o := range objs {
			if o.GetName() == n {
				out = append(out, o)
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, n)
		}
	}
	return out, missing
}

func withNamespace(all bool, ns string, cells []string) []string {
	if !all {
		return cells
	}
	return append([]string{ns}, cells...)
}

// The tabwriter settings of kubectl's human-readable printer
// (cli-runtime's GetNewTabWriter).
const (
	tableMinWidth = 6
	tableTabWidth = 4
	tablePadding  = 3
)

// printKubeTable prints a header and rows as kubectl get does: columns
// separated by at least three spaces, no space after the last one.
func printKubeTable(out io.Writer, header []string, rows [][]string) {
	w := tabwriter.NewWriter(out, tableMinWidth, tableTabWidth, tablePadding, ' ', 0)
	io.WriteString(w, strings.Join(header, "\t")+"\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = tableCell(c)
		}
		io.WriteString(w, strings.Join(cells, "\t")+"\n")
	}
	w.Flush()
}

// terminalEscaper is the human printer's: it defuses terminal escapes.
var terminalEscaper = strings.NewReplacer("\x1b", "^[", "\r", `\r`)

// tableCell is a cell as the human printer writes it: cut at its first
// line break (with "..." after it), terminal escapes defused.
func tableCell(s string) string {
	if i := strings.IndexAny(s, "\f\n\r"); i >= 0 {
		return terminalEscaper.Replace(s[:i]) + "..."
	}
	return terminalEscaper.Replace(s)
}

// age is a timestamp's age at now as kubectl prints it: "<unknown>" for
// no timestamp, else duration.HumanDuration of the time since.
func kubeAge(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t))
}

func kubePodColumns(wide bool) []string {
	cols := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}
	if wide {
		cols = append(cols, "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
	}
	return cols
}

// kubePodRow is the row printPod gives a pod at now.
func kubePodRow(p *corev1.Pod, now time.Time, wide bool) []string {
	ready, status, restarts := podSummary(p, now)
	row := []string{p.Name, ready, status, restarts, kubeAge(p.CreationTimestamp.Time, now)}
	if !wide {
		return row
	}
	ip := "<none>"
	if len(p.Status.PodIPs) > 0 && p.Status.PodIPs[0].IP != "" {
		ip = p.Status.PodIPs[0].IP
	}
	return append(row, ip, orNone(p.Spec.NodeName), orNone(p.Status.NominatedNodeName), readinessGates(p))
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// readinessGates is "<none>", or how many of the pod's readiness gates
// have a True condition, over how many it has.
func readinessGates(p *corev1.Pod) string {
	if len(p.Spec.ReadinessGates) == 0 {
		return "<none>"
	}
	n := 0
	for _, g := range p.Spec.ReadinessGates {
		for _, c := range p.Status.Conditions {
			if c.Type == g.ConditionType {
				if c.Status == corev1.ConditionTrue {
					n++
				}
				break
			}
		}
	}
	return fmt.Sprintf("%d/%d", n, len(p.Spec.ReadinessGates))
}

// nodeLostReason is the pod status reason the node lifecycle controller
// sets on the pods of an unreachable node (Kubernetes' pkg/util/node).
const nodeLostReason = "NodeLost"

// podSummary computes the READY, STATUS and RESTARTS cells of a pod at
// now by printPod's rules:
//
//   - READY counts the ready containers over the containers, sidecars
//     (init containers with restartPolicy Always) included.
//   - STATUS starts as the phase (or status.reason); the first init
//     container not done makes it Init:REASON, Init:ExitCode:N or
//     Init:I/N; then, once initialised, the containers from the last to
//     the first make it their waiting reason (ContainerCreating,
//     CrashLoopBackOff ...) or terminated reason (Completed, Error ...),
//     the first container's winning. "Completed" turns into Running while
//     a container still runs and the pod is Ready, into the reason of a
//     container that failed, or into NotReady. A pod being deleted that
//     has not finished is Terminating.
//   - RESTARTS sums the containers' restart counts, with the age of the
//     last restart (the newest lastState.terminated.finishedAt) as
//     "N (AGE ago)".
func podSummary(p *corev1.Pod, now time.Time) (ready, status, restarts string) {
	total := len(p.Spec.Containers)
	readyCount := 0
	restartCount, sidecarRestarts := 0, 0
	var lastRestart, lastSidecarRestart time.Time
	later := func(t *time.Time, st *corev1.ContainerStateTerminated) {
		if st != nil && st.FinishedAt.Time.After(*t) {
			*t = st.FinishedAt.Time
		}
	}

	reason := string(p.Status.Phase)
	if p.Status.Reason != "" {
		reason = p.Status.Reason
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			reason = corev1.PodReasonSchedulingGated
		}
	}

	sidecars := map[string]bool{}
	for _, c := range p.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars[c.Name] = true
			total++
		}
	}

	initializing := false
	for i, cs := range p.Status.InitContainerStatuses {
		restartCount += int(cs.RestartCount)
		later(&lastRestart, cs.LastTerminationState.Terminated)
		if sidecars[cs.Name] {
			sidecarRestarts += int(cs.RestartCount)
			later(&lastSidecarRestart, cs.LastTerminationState.Terminated)
		}
		if t := cs.State.Terminated; t != nil && t.ExitCode == 0 {
			continue // done
		}
		if sidecars[cs.Name] && cs.Started != nil && *cs.Started {
			if cs.Ready {
				readyCount++
			}
			continue // a started sidecar lets the next one start
		}
		initializing = true
		switch w := cs.State.Waiting; {
		case cs.State.Terminated != nil:
			reason = "Init:" + terminatedReason(cs.State.Terminated)
		case w != nil && w.Reason != "" && w.Reason != "PodInitializing":
			reason = "Init:" + w.Reason
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(p.Spec.InitContainers))
		}
		break
	}

	if !initializing || podCondition(p, corev1.PodInitialized) {
		restartCount, lastRestart = sidecarRestarts, lastSidecarRestart
		hasRunning := false
		errorReason := ""
		for i := len(p.Status.ContainerStatuses) - 1; i >= 0; i-- {
			cs := p.Status.ContainerStatuses[i]
			restartCount += int(cs.RestartCount)
			later(&lastRestart, cs.LastTerminationState.Terminated)
			switch {
			case cs.State.Waiting != nil && cs.State.Waiting.Reason != "":
				reason = cs.State.Waiting.Reason
			case cs.State.Terminated != nil:
				reason = terminatedReason(cs.State.Terminated)
				if cs.State.Terminated.ExitCode != 0 {
					errorReason = reason
				}
			case cs.Ready && cs.State.Running != nil:
				hasRunning = true
				readyCount++
			}
		}
		if reason == "Completed" {
			switch {
			case hasRunning && podCondition(p, corev1.PodReady):
				reason = "Running"
			case errorReason != "":
				reason = errorReason
			case hasRunning:
				reason = "NotReady"
			}
		}
	}

	if p.DeletionTimestamp != nil {
		if p.Status.Reason == nodeLostReason {
			reason = "Unknown"
		} else if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			reason = "Terminating"
		}
	}

	restarts = strconv.Itoa(restartCount)
	if restartCount != 0 && !lastRestart.IsZero() {
		restarts = fmt.Sprintf("%d (%s ago)", restartCount, kubeAge(lastRestart, now))
	}
	return fmt.Sprintf("%d/%d", readyCount, total), reason, restarts
}

// terminatedReason names a terminated container's end: its reason, else
// Signal:N, else ExitCode:N.
func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	}
	return fmt.Sprintf("ExitCode:%d", t.ExitCode)
}

// podCondition reports whether the pod's first condition of type t is
// True.
func podCondition(p *corev1.Pod, t corev1.PodConditionType) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func kubeJobColumns(wide bool) []string {
	cols := []string{"NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"}
	if wide {
		cols = append(cols, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	return cols
}

// kubeJobRow is the row printJob gives a job at now.
func kubeJobRow(j *batchv1.Job, now time.Time, wide bool) []string {
	row := []string{j.Name, kubeJobStatus(j), kubeJobCompletions(j), kubeJobDuration(j, now), kubeAge(j.CreationTimestamp.Time, now)}
	if !wide {
		return row
	}
	var names, images []string
	for _, c := range j.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
		images = append(images, c.Image)
	}
	return append(row, strings.Join(names, ","), strings.Join(images, ","), metav1.FormatLabelSelector(j.Spec.Selector))
}

// jobCompletions is the COMPLETIONS cell: succeeded/completions, or for
// a job without completions succeeded/1, with " of P" when more than one
// pod may run at once.
func kubeJobCompletions(j *batchv1.Job) string {
	if c := j.Spec.Completions; c != nil {
		return fmt.Sprintf("%d/%d", j.Status.Succeeded, *c)
	}
	if p := j.Spec.Parallelism; p != nil && *p > 1 {
		return fmt.Sprintf("%d/1 of %d", j.Status.Succeeded, *p)
	}
	return fmt.Sprintf("%d/1", j.Status.Succeeded)
}

// jobDuration is the DURATION cell: empty before the job started, from
// its start to its completion once it completed, else to now (a failed
// job has no completionTime, so its duration keeps growing).
func kubeJobDuration(j *batchv1.Job, now time.Time) string {
	switch {
	case j.Status.StartTime == nil:
		return ""
	case j.Status.CompletionTime == nil:
		return duration.HumanDuration(now.Sub(j.Status.StartTime.Time))
	}
	return duration.HumanDuration(j.Status.CompletionTime.Sub(j.Status.StartTime.Time))
}

// jobStatus is the STATUS cell: the first of Complete, Failed,
// Terminating (being deleted), Suspended, FailureTarget and
// SuccessCriteriaMet that holds, else Running.
func kubeJobStatus(j *batchv1.Job) string {
	switch {
	case jobCondition(j, batchv1.JobComplete):
		return "Complete"
	case jobCondition(j, batchv1.JobFailed):
		return "Failed"
	case j.DeletionTimestamp != nil:
		return "Terminating"
	case jobCondition(j, batchv1.JobSuspended):
		return "Suspended"
	case jobCondition(j, batchv1.JobFailureTarget):
		return "FailureTarget"
	case jobCondition(j, batchv1.JobSuccessCriteriaMet):
		return "SuccessCriteriaMet"
	}
	return "Running"
}

// jobCondition reports whether the job's first condition of type t is
// True.
func jobCondition(j *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// kubeCronJobColumns are the columns of kubectl's CronJob table
// (cronJobColumnDefinitions in pkg/printers/internalversion).
func kubeCronJobColumns(wide bool) []string {
	cols := []string{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"}
	if wide {
		cols = append(cols, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	return cols
}

// kubeCronJobRow is the row printCronJob gives a CronJob at now.
func kubeCronJobRow(cj *batchv1.CronJob, now time.Time, wide bool) []string {
	last := "<none>"
	if t := cj.Status.LastScheduleTime; t != nil {
		last = kubeAge(t.Time, now)
	}
	tz := "<none>"
	if cj.Spec.TimeZone != nil {
		tz = *cj.Spec.TimeZone
	}
	suspend := "<unset>"
	if s := cj.Spec.Suspend; s != nil {
		suspend = "False"
		if *s {
			suspend = "True"
		}
	}
	row := []string{cj.Name, cj.Spec.Schedule, tz, suspend, strconv.Itoa(len(cj.Status.Active)), last, kubeAge(cj.CreationTimestamp.Time, now)}
	if !wide {
		return row
	}
	var names, images []string
	for _, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
		names = append(names, c.Name)
		images = append(images, c.Image)
	}
	return append(row, strings.Join(names, ","), strings.Join(images, ","), metav1.FormatLabelSelector(cj.Spec.JobTemplate.Spec.Selector))
}
