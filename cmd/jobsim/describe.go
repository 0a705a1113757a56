package main

// jobsim describe: kubectl describe's text for a job or a pod at an
// instant of a simulation.
//
// The sections, their order and their layout follow kubectl's describers
// (k8s.io/kubectl pkg/describe/describe.go: describeJob, describePod,
// DescribePodTemplate, describeContainers, DescribeEvents), written into
// a text/tabwriter with kubectl's settings. What differs, and why:
//   - Times are printed in UTC, where kubectl uses its machine's zone, so
//     that the output is the same everywhere; ages count back from the
//     instant shown rather than from the wall clock.
//   - kubectl describe job prints no Conditions section (describeJob has
//     none); neither does this.
//   - jobsim models no IP addresses, container runtime, image pulls or
//     service accounts: a pod's Node is "NAME/" without a host IP, IP and
//     IPs are empty, Container ID and Image ID are empty, and there is no
//     Service Account line nor kube-api-access volume. Its events have no
//     Pulling, Pulled or Created.
//   - The Events are those jobsim reports that Kubernetes records, counted
//     and merged as its event recorders do (see kubeEvents); jobsim's
//     events of a container's exit (Completed, Error) are left out, as
//     Kubernetes records none.
//   - The jobsim.dev/ metrics annotations that jobsim run -o yaml adds to
//     Jobs are left out: a real Job has none.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/jobsim/jobsim"
)

func cmdDescribe(args []string, e env) int {
	req, code, ok := parseView("describe", describeUsage, args, e, false)
	if !ok {
		return code
	}
	f, res, names, v := req.flags, req.res, req.names, req.view
	var texts []string
	var missing []string
	switch res {
	case kubeJobs:
		jobs := inNamespace(v.jobs, f.namespace)
		for _, j := range describeTargets(jobs, names, &missing) {
			texts = append(texts, describeJob(j, v))
		}
	case kubePods:
		pods := inNamespace(v.pods, f.namespace)
		for _, p := range describeTargets(pods, names, &missing) {
			texts = append(texts, describePod(p, v))
		}
	}
	if len(names) == 1 && len(texts) > 1 {
		// kubectl's matching by prefix prints each description with a
		// newline after it.
		for _, t := range texts {
			fmt.Fprintln(e.stdout, t)
		}
	} else {
		io.WriteString(e.stdout, strings.Join(texts, "\n\n"))
	}
	if len(names) == 0 && len(texts) == 0 {
		fmt.Fprintf(e.stderr, "No resources found in %s namespace.\n", f.namespace)
	}
	for _, n := range missing {
		fmt.Fprintln(e.stderr, res.notFound(n))
	}
	if len(missing) > 0 {
		return exitInvalid
	}
	return exitOK
}

// describeTargets picks the objects kubectl describe would describe:
// all of them without names; else each named one, and for a single name
// that matches none, every object whose name starts with it (so that
// `describe pod NAME` finds a job's pods by the job's name). Names that
// match nothing are added to missing.
func describeTargets[T namedObject](objs []T, names []string, missing *[]string) []T {
	if len(names) == 0 {
		return objs
	}
	found, miss := pickNamed(objs, names)
	if len(names) == 1 && len(miss) == 1 {
		for _, o := range objs {
			if strings.HasPrefix(o.GetName(), names[0]) {
				found = append(found, o)
			}
		}
		if len(found) > 0 {
			miss = nil
		}
	}
	*missing = append(*missing, miss...)
	return found
}

// describer writes kubectl describe's text: each line indented by two
// spaces per level, its tab-separated cells aligned by a tabwriter with
// kubectl's settings (minimum width 0, tab width 8, padding 2).
type describer struct {
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newDescriber() *describer {
	d := &describer{}
	d.tw = tabwriter.NewWriter(&d.buf, 0, 8, 2, ' ', 0)
	return d
}

// w writes format at an indentation level, terminal escapes defused.
func (d *describer) w(level int, format string, a ...any) {
	io.WriteString(d.tw, terminalEscaper.Replace(strings.Repeat("  ", level)+fmt.Sprintf(format, a...)))
}

// flush ends the current run of aligned lines.
func (d *describer) flush() { d.tw.Flush() }

func (d *describer) String() string {
	d.tw.Flush()
	return d.buf.String()
}

// describeTime formats a timestamp as kubectl describe does (RFC 1123
// with a numeric zone), in UTC.
func describeTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// describeJob is kubectl describe job's text for j at v's instant.
func describeJob(j *batchv1.Job, v *kubeView) string {
	d := newDescriber()
	d.w(0, "Name:\t%s\n", j.Name)
	d.w(0, "Namespace:\t%s\n", j.Namespace)
	if sel, err := metav1.LabelSelectorAsSelector(j.Spec.Selector); err == nil {
		d.w(0, "Selector:\t%s\n", sel)
	} else {
		d.w(0, "Selector:\tFailed to get selector: %s\n", err)
	}
	d.labels("", "Labels", j.Labels)
	d.annotations("Annotations", j.Annotations)
	if c := controlledBy(j.OwnerReferences); c != "" {
		d.w(0, "Controlled By:\t%s\n", c)
	}
	s, st := j.Spec, j.Status
	if s.Parallelism != nil {
		d.w(0, "Parallelism:\t%d\n", *s.Parallelism)
	}
	if s.Completions != nil {
		d.w(0, "Completions:\t%d\n", *s.Completions)
	} else {
		d.w(0, "Completions:\t<unset>\n")
	}
	if s.CompletionMode != nil {
		d.w(0, "Completion Mode:\t%s\n", *s.CompletionMode)
	}
	if s.Suspend != nil {
		d.w(0, "Suspend:\t%v\n", *s.Suspend)
	}
	if s.BackoffLimit != nil {
		d.w(0, "Backoff Limit:\t%v\n", *s.BackoffLimit)
	}
	if s.TTLSecondsAfterFinished != nil {
		d.w(0, "TTL Seconds After Finished:\t%v\n", *s.TTLSecondsAfterFinished)
	}
	if st.StartTime != nil {
		d.w(0, "Start Time:\t%s\n", describeTime(st.StartTime.Time))
	}
	if st.CompletionTime != nil {
		d.w(0, "Completed At:\t%s\n", describeTime(st.CompletionTime.Time))
	}
	if st.StartTime != nil && st.CompletionTime != nil {
		d.w(0, "Duration:\t%s\n", duration.HumanDuration(st.CompletionTime.Sub(st.StartTime.Time)))
	}
	if s.ActiveDeadlineSeconds != nil {
		d.w(0, "Active Deadline Seconds:\t%ds\n", *s.ActiveDeadlineSeconds)
	}
	if st.Ready == nil {
		d.w(0, "Pods Statuses:\t%d Active / %d Succeeded / %d Failed\n", st.Active, st.Succeeded, st.Failed)
	} else {
		d.w(0, "Pods Statuses:\t%d Active (%d Ready) / %d Succeeded / %d Failed\n", st.Active, *st.Ready, st.Succeeded, st.Failed)
	}
	if s.CompletionMode != nil && *s.CompletionMode == batchv1.IndexedCompletion {
		d.w(0, "Completed Indexes:\t%s\n", capIndexes(st.CompletedIndexes, 50))
	}
	d.podTemplate(&s.Template)
	d.events(kubeEvents(v, jobsim.KindJob, j.Namespace, j.Name, j.CreationTimestamp.Time, nil, nil), v.now)
	return d.String()
}

func containerNames(cs []corev1.Container) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

// capIndexes is "<none>" for no indexes, else the list cut after the
// first comma at or past softLimit characters, with "..." after it.
func capIndexes(indexes string, softLimit int) string {
	if indexes == "" {
		return "<none>"
	}
	if len(indexes) <= softLimit {
		return indexes
	}
	i := strings.IndexByte(indexes[softLimit:], ',')
	if i < 0 {
		return indexes
	}
	return indexes[:softLimit+i+1] + "..."
}

// controlledBy is "KIND/NAME" of the controller owner, or "".
func controlledBy(refs []metav1.OwnerReference) string {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller {
			return r.Kind + "/" + r.Name
		}
	}
	return ""
}

// labels prints a title and a map's key=value pairs, sorted, one a line
// aligned after the title; <none> for none.
func (d *describer) labels(indent, title string, m map[string]string) {
	d.w(0, "%s%s:\t", indent, title)
	if len(m) == 0 {
		d.w(0, "<none>\n")
		return
	}
	for i, k := range sortedKeys(m) {
		if i > 0 {
			d.w(0, "%s\t", indent)
		}
		d.w(0, "%s=%s\n", k, m[k])
	}
}

// maxAnnotationLen is where kubectl describe puts a long annotation on
// lines of its own, each cut to this length less two.
const maxAnnotationLen = 140

// annotations prints annotations as kubectl does: "key: value", a long
// or multi-line value on lines of its own; kubectl's last-applied
// configuration is left out.
func (d *describer) annotations(title string, m map[string]string) {
	d.w(0, "%s:\t", title)
	var keys []string
	for _, k := range sortedKeys(m) {
		if k != corev1.LastAppliedConfigAnnotation {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		d.w(0, "<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			d.w(0, "\t")
		}
		val := strings.TrimSuffix(m[k], "\n")
		if len(val)+len(k)+2 > maxAnnotationLen || strings.Contains(val, "\n") {
			d.w(0, "%s:\n", k)
			for _, l := range strings.Split(val, "\n") {
				if len(l) > maxAnnotationLen-2 {
					l = l[:maxAnnotationLen-2] + "..."
				}
				d.w(0, "\t  %s\n", l)
			}
			continue
		}
		d.w(0, "%s: %s\n", k, val)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// podTemplate prints a Job's pod template as DescribePodTemplate does.
func (d *describer) podTemplate(t *corev1.PodTemplateSpec) {
	d.w(0, "Pod Template:\n")
	d.labels("", "  Labels", t.Labels)
	if len(t.Annotations) > 0 {
		d.annotations("  Annotations", t.Annotations)
	}
	if t.Spec.ServiceAccountName != "" {
		d.w(1, "Service Account:\t%s\n", t.Spec.ServiceAccountName)
	}
	if len(t.Spec.InitContainers) > 0 {
		d.containers("  ", "Init Containers", t.Spec.InitContainers, nil, nil)
	}
	d.containers("  ", "Containers", t.Spec.Containers, nil, nil)
	d.volumes("  ", t.Spec.Volumes)
	d.topologySpread("  ", t.Spec.TopologySpreadConstraints)
	if t.Spec.PriorityClassName != "" {
		d.w(1, "Priority Class Name:\t%s\n", t.Spec.PriorityClassName)
	}
	d.labels("", "  Node-Selectors", t.Spec.NodeSelector)
	d.tolerations("  Tolerations", t.Spec.Tolerations)
}

// containers prints containers with their statuses, if any, as
// describeContainers does; space indents the section's title, and a pod
// passed resolves the downward-API variables.
func (d *describer) containers(space, title string, cs []corev1.Container, statuses []corev1.ContainerStatus, pod *corev1.Pod) {
	byName := map[string]corev1.ContainerStatus{}
	for _, s := range statuses {
		byName[s.Name] = s
	}
	if len(cs) == 0 {
		d.w(0, "%s%s: <none>\n", space, title)
	} else {
		d.w(0, "%s%s:\n", space, title)
	}
	for _, c := range cs {
		st, ok := byName[c.Name]
		nameIndent := ""
		if space != "" {
			nameIndent = " "
		}
		d.w(1, "%s%s:\n", nameIndent, c.Name)
		if ok {
			d.w(2, "Container ID:\t%s\n", st.ContainerID)
		}
		d.w(2, "Image:\t%s\n", c.Image)
		if ok {
			d.w(2, "Image ID:\t%s\n", st.ImageID)
		}
		ports, hostPorts := containerPorts(c.Ports)
		if strings.Contains(ports, ",") {
			d.w(2, "Ports:\t%s\n", ports)
		} else {
			d.w(2, "Port:\t%s\n", orNone(ports))
		}
		if strings.Contains(hostPorts, ",") {
			d.w(2, "Host Ports:\t%s\n", hostPorts)
		} else {
			d.w(2, "Host Port:\t%s\n", orNone(hostPorts))
		}
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			d.w(2, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
			if sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost && sc.SeccompProfile.LocalhostProfile != nil {
				d.w(3, "LocalhostProfile:\t%s\n", *sc.SeccompProfile.LocalhostProfile)
			}
		}
		d.lines("Command", c.Command)
		d.lines("Args", c.Args)
		if ok {
			d.containerState("State", st.State)
			if st.LastTerminationState.Terminated != nil {
				d.containerState("Last State", st.LastTerminationState)
			}
			d.w(2, "Ready:\t%s\n", capBool(st.Ready))
			d.w(2, "Restart Count:\t%d\n", st.RestartCount)
		}
		d.resources(2, c.Resources)
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
		}{{"Liveness", c.LivenessProbe}, {"Readiness", c.ReadinessProbe}, {"Startup", c.StartupProbe}} {
			if p.probe != nil {
				d.w(2, "%s:\t%s\n", p.name, describeProbe(p.probe))
			}
		}
		if len(c.EnvFrom) > 0 {
			d.envFrom(c.EnvFrom)
		}
		d.env(c, pod)
		d.mounts(c)
	}
}

// containerPorts formats a container's ports and host ports as
// "PORT/PROTOCOL (NAME)", comma separated.
func containerPorts(ps []corev1.ContainerPort) (ports, hostPorts string) {
	var a, b []string
	for _, p := range ps {
		pa, pb := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol), fmt.Sprintf("%d/%s", p.HostPort, p.Protocol)
		if p.Name != "" {
			pa, pb = pa+" ("+p.Name+")", pb+" ("+p.Name+")"
		}
		a, b = append(a, pa), append(b, pb)
	}
	return strings.Join(a, ", "), strings.Join(b, ", ")
}

// lines prints a title and each line of each item, one level deeper.
func (d *describer) lines(title string, items []string) {
	if len(items) == 0 {
		return
	}
	d.w(2, "%s:\n", title)
	for _, it := range items {
		for _, l := range strings.Split(it, "\n") {
			d.w(3, "%s\n", l)
		}
	}
}

func capBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// containerState prints a container state as describeStatus does.
func (d *describer) containerState(title string, s corev1.ContainerState) {
	switch {
	case s.Running != nil:
		d.w(2, "%s:\tRunning\n", title)
		d.w(3, "Started:\t%s\n", describeTime(s.Running.StartedAt.Time))
	case s.Waiting != nil:
		d.w(2, "%s:\tWaiting\n", title)
		if s.Waiting.Reason != "" {
			d.w(3, "Reason:\t%s\n", s.Waiting.Reason)
		}
	case s.Terminated != nil:
		t := s.Terminated
		d.w(2, "%s:\tTerminated\n", title)
		if t.Reason != "" {
			d.w(3, "Reason:\t%s\n", t.Reason)
		}
		if t.Message != "" {
			d.w(3, "Message:\t%s\n", t.Message)
		}
		d.w(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			d.w(3, "Signal:\t%d\n", t.Signal)
		}
		d.w(3, "Started:\t%s\n", describeTime(t.StartedAt.Time))
		d.w(3, "Finished:\t%s\n", describeTime(t.FinishedAt.Time))
	default:
		d.w(2, "%s:\tWaiting\n", title)
	}
}

// resources prints limits then requests, each sorted by name.
func (d *describer) resources(level int, r corev1.ResourceRequirements) {
	for _, part := range []struct {
		title string
		list  corev1.ResourceList
	}{{"Limits", r.Limits}, {"Requests", r.Requests}} {
		if len(part.list) == 0 {
			continue
		}
		d.w(level, "%s:\n", part.title)
		names := make([]string, 0, len(part.list))
		for n := range part.list {
			names = append(names, string(n))
		}
		sort.Strings(names)
		for _, n := range names {
			q := part.list[corev1.ResourceName(n)]
			d.w(level+1, "%s:\t%s\n", n, q.String())
		}
	}
}

// describeProbe is a probe's one-line summary, as kubectl's DescribeProbe
// writes it.
func describeProbe(p *corev1.Probe) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds #success=%d #failure=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec %v %s", p.Exec.Command, attrs)
	case p.HTTPGet != nil:
		h := p.HTTPGet
		u := url.URL{Scheme: strings.ToLower(string(h.Scheme)), Host: h.Host, Path: h.Path}
		if port := h.Port.String(); port != "" {
			u.Host = net.JoinHostPort(h.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), attrs)
	case p.GRPC != nil:
		service := ""
		if p.GRPC.Service != nil {
			service = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, service, attrs)
	}
	return "unknown " + attrs
}

// envFrom prints a container's envFrom sources.
func (d *describer) envFrom(list []corev1.EnvFromSource) {
	d.w(2, "Environment Variables from:\n")
	for _, e := range list {
		from, name, optional := "", "", false
		switch {
		case e.ConfigMapRef != nil:
			from, name = "ConfigMap", e.ConfigMapRef.Name
			optional = e.ConfigMapRef.Optional != nil && *e.ConfigMapRef.Optional
		case e.SecretRef != nil:
			from, name = "Secret", e.SecretRef.Name
			optional = e.SecretRef.Optional != nil && *e.SecretRef.Optional
		}
		if e.Prefix == "" {
			d.w(3, "%s\t%s\tOptional: %t\n", name, from, optional)
		} else {
			d.w(3, "%s\t%s with prefix '%s'\tOptional: %t\n", name, from, e.Prefix, optional)
		}
	}
}

// env prints a container's environment; a pod, if given, resolves the
// downward-API fields.
func (d *describer) env(c corev1.Container, pod *corev1.Pod) {
	if len(c.Env) == 0 {
		d.w(2, "Environment:\t<none>\n")
		return
	}
	d.w(2, "Environment:\n")
	for _, e := range c.Env {
		vf := e.ValueFrom
		switch {
		case vf == nil:
			for i, l := range strings.Split(e.Value, "\n") {
				if i == 0 {
					d.w(3, "%s:\t%s\n", e.Name, l)
				} else {
					d.w(3, "\t%s\n", l)
				}
			}
		case vf.FieldRef != nil:
			d.w(3, "%s:\t%s (%s:%s)\n", e.Name, fieldValue(pod, vf.FieldRef.FieldPath), vf.FieldRef.APIVersion, vf.FieldRef.FieldPath)
		case vf.ResourceFieldRef != nil:
			d.w(3, "%s:\t%s (%s)\n", e.Name, resourceFieldValue(c, vf.ResourceFieldRef), vf.ResourceFieldRef.Resource)
		case vf.SecretKeyRef != nil:
			r := vf.SecretKeyRef
			d.w(3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, r.Key, r.Name, r.Optional != nil && *r.Optional)
		case vf.ConfigMapKeyRef != nil:
			r := vf.ConfigMapKeyRef
			d.w(3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, r.Key, r.Name, r.Optional != nil && *r.Optional)
		}
	}
}

// fieldValue is the value of a downward-API field of a pod, "" without a
// pod (a template) or for a field jobsim does not know.
func fieldValue(pod *corev1.Pod, path string) string {
	if pod == nil {
		return ""
	}
	if k, ok := strings.CutPrefix(path, "metadata.annotations['"); ok {
		return pod.Annotations[strings.TrimSuffix(k, "']")]
	}
	if k, ok := strings.CutPrefix(path, "metadata.labels['"); ok {
		return pod.Labels[strings.TrimSuffix(k, "']")]
	}
	switch path {
	case "metadata.name":
		return pod.Name
	case "metadata.namespace":
		return pod.Namespace
	case "metadata.uid":
		return string(pod.UID)
	case "spec.nodeName":
		return pod.Spec.NodeName
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName
	case "status.hostIP":
		return pod.Status.HostIP
	case "status.podIP":
		return pod.Status.PodIP
	}
	return ""
}

// resourceFieldValue is the value of a resourceFieldRef: the container's
// limit or request, "node allocatable" for an unset CPU or memory limit.
func resourceFieldValue(c corev1.Container, r *corev1.ResourceFieldSelector) string {
	kind, name, _ := strings.Cut(r.Resource, ".")
	list := c.Resources.Requests
	if kind == "limits" {
		list = c.Resources.Limits
	}
	q, ok := list[corev1.ResourceName(name)]
	if !ok {
		if kind == "limits" && (name == "cpu" || name == "memory") {
			return "node allocatable"
		}
		return "0"
	}
	return q.String()
}

// mounts prints a container's volume mounts and devices, sorted by path.
func (d *describer) mounts(c corev1.Container) {
	if len(c.VolumeMounts) == 0 {
		d.w(2, "Mounts:\t<none>\n")
	} else {
		d.w(2, "Mounts:\n")
	}
	ms := append([]corev1.VolumeMount(nil), c.VolumeMounts...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].MountPath < ms[j].MountPath })
	for _, m := range ms {
		flags := []string{"rw"}
		if m.ReadOnly {
			flags[0] = "ro"
		}
		if m.SubPath != "" {
			flags = append(flags, fmt.Sprintf("path=%q", m.SubPath))
		}
		d.w(3, "%s from %s (%s)\n", m.MountPath, m.Name, strings.Join(flags, ","))
	}
	if len(c.VolumeDevices) > 0 {
		d.w(2, "Devices:\n")
		ds := append([]corev1.VolumeDevice(nil), c.VolumeDevices...)
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].DevicePath < ds[j].DevicePath })
		for _, dev := range ds {
			d.w(3, "%s from %s\n", dev.DevicePath, dev.Name)
		}
	}
}

// volumes prints the pod's volumes: the common kinds in kubectl's words,
// the others by their kind alone.
func (d *describer) volumes(space string, vs []corev1.Volume) {
	if len(vs) == 0 {
		d.w(0, "%sVolumes:\t<none>\n", space)
		return
	}
	d.w(0, "%sVolumes:\n", space)
	nameIndent := ""
	if space != "" {
		nameIndent = " "
	}
	for _, v := range vs {
		d.w(1, "%s%s:\n", nameIndent, v.Name)
		src := v.VolumeSource
		switch {
		case src.HostPath != nil:
			t := "<none>"
			if src.HostPath.Type != nil {
				t = string(*src.HostPath.Type)
			}
			d.w(2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n    HostPathType:\t%s\n", src.HostPath.Path, t)
		case src.EmptyDir != nil:
			limit := "<unset>"
			if l := src.EmptyDir.SizeLimit; l != nil && l.Sign() > 0 {
				limit = l.String()
			}
			d.w(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n", src.EmptyDir.Medium, limit)
		case src.Secret != nil:
			d.w(2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n    Optional:\t%v\n",
				src.Secret.SecretName, src.Secret.Optional != nil && *src.Secret.Optional)
		case src.ConfigMap != nil:
			d.w(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n    Optional:\t%v\n",
				src.ConfigMap.Name, src.ConfigMap.Optional != nil && *src.ConfigMap.Optional)
		case src.PersistentVolumeClaim != nil:
			d.w(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%v\n",
				src.PersistentVolumeClaim.ClaimName, src.PersistentVolumeClaim.ReadOnly)
		default:
			d.w(1, "<unknown>\n")
		}
	}
}

// topologySpread prints the topology spread constraints, sorted by key.
func (d *describer) topologySpread(space string, tscs []corev1.TopologySpreadConstraint) {
	if len(tscs) == 0 {
		return
	}
	ts := append([]corev1.TopologySpreadConstraint(nil), tscs...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].TopologyKey < ts[j].TopologyKey })
	d.w(0, "%sTopology Spread Constraints:\t", space)
	for i, t := range ts {
		if i > 0 {
			d.w(0, "%s\t", space)
		}
		d.w(0, "%s:%v when max skew %d is exceeded", t.TopologyKey, t.WhenUnsatisfiable, t.MaxSkew)
		if t.LabelSelector != nil {
			d.w(0, " for selector %s", metav1.FormatLabelSelector(t.LabelSelector))
		}
		d.w(0, "\n")
	}
}

// tolerations prints tolerations sorted by key, as KEY[=VALUE][:EFFECT]
// [op=Exists][ for Ns].
func (d *describer) tolerations(title string, ts []corev1.Toleration) {
	d.w(0, "%s:\t", title)
	if len(ts) == 0 {
		d.w(0, "<none>\n")
		return
	}
	ts = append([]corev1.Toleration(nil), ts...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Key < ts[j].Key })
	for i, t := range ts {
		if i > 0 {
			d.w(0, "\t")
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		if t.Effect != "" {
			s += ":" + string(t.Effect)
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if t.Key != "" || t.Effect != "" {
				s += " "
			}
			s += "op=Exists"
		}
		if t.TolerationSeconds != nil {
			s += fmt.Sprintf(" for %ds", *t.TolerationSeconds)
		}
		d.w(0, "%s\n", s)
	}
}

// describePod is kubectl describe pod's text for p at v's instant.
func describePod(p *corev1.Pod, v *kubeView) string {
	d := newDescriber()
	s, st := p.Spec, p.Status
	d.w(0, "Name:\t%s\n", p.Name)
	d.w(0, "Namespace:\t%s\n", p.Namespace)
	if s.Priority != nil {
		d.w(0, "Priority:\t%d\n", *s.Priority)
	}
	if s.PriorityClassName != "" {
		d.w(0, "Priority Class Name:\t%s\n", s.PriorityClassName)
	}
	if s.RuntimeClassName != nil && *s.RuntimeClassName != "" {
		d.w(0, "Runtime Class Name:\t%s\n", *s.RuntimeClassName)
	}
	if s.ServiceAccountName != "" {
		d.w(0, "Service Account:\t%s\n", s.ServiceAccountName)
	}
	if s.NodeName == "" {
		d.w(0, "Node:\t<none>\n")
	} else {
		d.w(0, "Node:\t%s\n", s.NodeName+"/"+st.HostIP)
	}
	if st.StartTime != nil {
		d.w(0, "Start Time:\t%s\n", describeTime(st.StartTime.Time))
	}
	d.labels("", "Labels", p.Labels)
	d.annotations("Annotations", p.Annotations)
	if p.DeletionTimestamp != nil && st.Phase != corev1.PodFailed && st.Phase != corev1.PodSucceeded {
		d.w(0, "Status:\tTerminating (lasts %s)\n", kubeAge(p.DeletionTimestamp.Time, v.now))
		grace := int64(0)
		if p.DeletionGracePeriodSeconds != nil {
			grace = *p.DeletionGracePeriodSeconds
		}
		d.w(0, "Termination Grace Period:\t%ds\n", grace)
	} else {
		d.w(0, "Status:\t%s\n", st.Phase)
	}
	if st.Reason != "" {
		d.w(0, "Reason:\t%s\n", st.Reason)
	}
	if st.Message != "" {
		d.w(0, "Message:\t%s\n", st.Message)
	}
	if sc := s.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		d.w(0, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
		if sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost && sc.SeccompProfile.LocalhostProfile != nil {
			d.w(0, "LocalhostProfile:\t%s\n", *sc.SeccompProfile.LocalhostProfile)
		}
	}
	d.w(0, "IP:\t%s\n", st.PodIP)
	if len(st.PodIPs) == 0 {
		d.w(0, "IPs:\t<none>\n")
	} else {
		d.w(0, "IPs:\n")
		for _, ip := range st.PodIPs {
			d.w(1, "IP:\t%s\n", ip.IP)
		}
	}
	if c := controlledBy(p.OwnerReferences); c != "" {
		d.w(0, "Controlled By:\t%s\n", c)
	}
	if st.NominatedNodeName != "" {
		d.w(0, "NominatedNodeName:\t%s\n", st.NominatedNodeName)
	}
	if s.Resources != nil {
		d.w(0, "Resources:\n")
		d.resources(1, *s.Resources)
	}
	if len(s.InitContainers) > 0 {
		d.containers("", "Init Containers", s.InitContainers, st.InitContainerStatuses, p)
	}
	d.containers("", "Containers", s.Containers, st.ContainerStatuses, p)
	if len(s.ReadinessGates) > 0 {
		d.w(0, "Readiness Gates:\n  Type\tStatus\n")
		for _, g := range s.ReadinessGates {
			status := "<none>"
			for _, c := range st.Conditions {
				if c.Type == g.ConditionType {
					status = string(c.Status)
					break
				}
			}
			d.w(1, "%v \t%v \n", g.ConditionType, status)
		}
	}
	if len(st.Conditions) > 0 {
		d.w(0, "Conditions:\n  Type\tStatus\n")
		for _, c := range st.Conditions {
			d.w(1, "%v \t%v \n", c.Type, c.Status)
		}
	}
	d.volumes("", s.Volumes)
	d.w(0, "QoS Class:\t%s\n", st.QOSClass)
	d.labels("", "Node-Selectors", s.NodeSelector)
	d.tolerations("Tolerations", s.Tolerations)
	d.topologySpread("", s.TopologySpreadConstraints)
	d.events(kubeEvents(v, jobsim.KindPod, p.Namespace, p.Name, p.CreationTimestamp.Time, containerNames(s.Containers), containerNames(s.InitContainers)), v.now)
	return d.String()
}
