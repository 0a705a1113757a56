package manifest

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// What kubectl says of a kind no API server serves. kubectl finds the
// resource of each document through the API server's discovery, where
// kinds are case-sensitive and belong to given versions: `kind: job`, or
// `apiVersion: batch/v1beta1` with `kind: Job`, is refused with `no
// matches for kind "job" in version "batch/v1"`. jobsim cannot know every
// kind (a chart may hold custom resources, which are skipped), but it
// knows Kubernetes' own, so it refuses what kubectl would refuse of
// those: a kind of Kubernetes spelt in another case, a Job or CronJob
// anywhere but in batch/v1, and any kind batch/v1 does not serve.

// kubeKinds are the kinds Kubernetes v1.35 serves, and jobsim's own, with
// the apiVersions that serve them, preferred first.
var kubeKinds = map[string][]string{
	// core
	"Binding":               {"v1"},
	"ComponentStatus":       {"v1"},
	"ConfigMap":             {"v1"},
	"Endpoints":             {"v1"},
	"Event":                 {"v1", "events.k8s.io/v1"},
	"LimitRange":            {"v1"},
	"List":                  {"v1"},
	"Namespace":             {"v1"},
	"Node":                  {"v1"},
	"PersistentVolume":      {"v1"},
	"PersistentVolumeClaim": {"v1"},
	"Pod":                   {"v1"},
	"PodTemplate":           {"v1"},
	"ReplicationController": {"v1"},
	"ResourceQuota":         {"v1"},
	"Secret":                {"v1"},
	"Service":               {"v1"},
	"ServiceAccount":        {"v1"},
	// apps, batch, autoscaling, policy
	"ControllerRevision":      {"apps/v1"},
	"DaemonSet":               {"apps/v1"},
	"Deployment":              {"apps/v1"},
	"ReplicaSet":              {"apps/v1"},
	"StatefulSet":             {"apps/v1"},
	"CronJob":                 {"batch/v1"},
	"Job":                     {"batch/v1"},
	"HorizontalPodAutoscaler": {"autoscaling/v2", "autoscaling/v1"},
	"PodDisruptionBudget":     {"policy/v1"},
	// *.k8s.io
	"Ingress":                          {"networking.k8s.io/v1"},
	"IngressClass":                     {"networking.k8s.io/v1"},
	"NetworkPolicy":                    {"networking.k8s.io/v1"},
	"IPAddress":                        {"networking.k8s.io/v1"},
	"ServiceCIDR":                      {"networking.k8s.io/v1"},
	"ClusterRole":                      {"rbac.authorization.k8s.io/v1"},
	"ClusterRoleBinding":               {"rbac.authorization.k8s.io/v1"},
	"Role":                             {"rbac.authorization.k8s.io/v1"},
	"RoleBinding":                      {"rbac.authorization.k8s.io/v1"},
	"PriorityClass":                    {"scheduling.k8s.io/v1"},
	"CSIDriver":                        {"storage.k8s.io/v1"},
	"CSINode":                          {"storage.k8s.io/v1"},
	"CSIStorageCapacity":               {"storage.k8s.io/v1"},
	"StorageClass":                     {"storage.k8s.io/v1"},
	"VolumeAttachment":                 {"storage.k8s.io/v1"},
	"CustomResourceDefinition":         {"apiextensions.k8s.io/v1"},
	"MutatingWebhookConfiguration":     {"admissionregistration.k8s.io/v1"},
	"ValidatingWebhookConfiguration":   {"admissionregistration.k8s.io/v1"},
	"ValidatingAdmissionPolicy":        {"admissionregistration.k8s.io/v1"},
	"ValidatingAdmissionPolicyBinding": {"admissionregistration.k8s.io/v1"},
	"Lease":                            {"coordination.k8s.io/v1"},
	"EndpointSlice":                    {"discovery.k8s.io/v1"},
	"RuntimeClass":                     {"node.k8s.io/v1"},
	"CertificateSigningRequest":        {"certificates.k8s.io/v1"},
	"FlowSchema":                       {"flowcontrol.apiserver.k8s.io/v1"},
	"PriorityLevelConfiguration":       {"flowcontrol.apiserver.k8s.io/v1"},
	"APIService":                       {"apiregistration.k8s.io/v1"},
	// jobsim's
	ScenarioKind: {ScenarioAPIVersion},
}

// batchKinds are the kinds of batch/v1, the only version of the batch
// group that Kubernetes v1.35 serves.
var batchKinds = []string{"Job", "CronJob"}

// groupOf returns the API group of an apiVersion: "batch" of "batch/v1",
// "" (the core group) of "v1".
func groupOf(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// kubeGroup reports whether a group is one of Kubernetes' own (or
// jobsim's): the core group, a group without a dot (apps, batch,
// policy ...) or one under k8s.io. Custom resources have dotted groups
// of their own (batch.volcano.sh), where any kind may exist.
func kubeGroup(group string) bool {
	return !strings.Contains(group, ".") || strings.HasSuffix(group, ".k8s.io")
}

// kindFold returns the kind of kubeKinds that kind spells, in any case,
// or "".
func kindFold(kind string) string {
	if _, ok := kubeKinds[kind]; ok {
		return kind
	}
	for k := range kubeKinds {
		if strings.EqualFold(k, kind) {
			return k
		}
	}
	return ""
}

// kindMistake tells whether apiVersion and kind, which are not those of
// a batch/v1 Job, name a kind no API server serves while saying what
// was meant, as described above. It returns the field to blame ("kind"
// or "apiVersion") and kubectl's message with a hint, or "" when the
// document is simply of another kind.
func kindMistake(apiVersion, kind string) (field, msg string) {
	group := groupOf(apiVersion)
	if !kubeGroup(group) {
		return "", ""
	}
	meant := kindFold(kind)
	if group == "batch" && meant == "" {
		meant = suggest(kind, batchKinds)
	}
	switch {
	case group == "batch" && apiVersion == "batch/v1" && slices.Contains(batchKinds, kind):
		return "", "" // a CronJob
	case group != "batch" && meant != "Job" && meant != "CronJob" && (meant == "" || meant == kind):
		return "", "" // another kind, or one jobsim does not know
	}
	msg = fmt.Sprintf("no matches for kind %s in version %s", quoteClip(kind), quoteClip(apiVersion))
	if meant == "" {
		return "kind", msg + " (batch/v1 serves the kinds Job and CronJob)"
	}
	versions := kubeKinds[meant]
	switch {
	case meant == kind:
		return "apiVersion", msg + fmt.Sprintf(" (did you mean apiVersion: %s?)", versions[0])
	case slices.Contains(versions, apiVersion):
		return "kind", msg + fmt.Sprintf(" (did you mean kind: %s?)", meant)
	default:
		return "kind", msg + fmt.Sprintf(" (did you mean apiVersion: %s and kind: %s?)", versions[0], meant)
	}
}

// skipped is a document of another kind than Job: skipped with a notice
// among Jobs, and the reason for a problem when a file holds no Job.
type skipped struct {
	file             string
	line             int // where the object starts
	apiVersion, kind string
	name             string // metadata.name, or ""
}

// newSkipped describes the object n of file, whose lines are offset.
func newSkipped(file string, n *yaml.Node, offset int, apiVersion, kind string) skipped {
	return skipped{file: file, line: n.Line + offset, apiVersion: apiVersion, kind: kind, name: objectName(n)}
}

// what names the object: "Secret s (v1)", "CronJob nightly (batch/v1)".
func (s skipped) what() string {
	w := clip(s.kind)
	if s.name != "" {
		w += " " + clip(s.name)
	}
	return w + " (" + clip(s.apiVersion) + ")"
}

// notice is what is said of the object when the file has Jobs.
func (s skipped) notice() Notice {
	msg := "skipped " + s.what() + ": jobsim simulates batch/v1 Jobs and CronJobs only"
	return Notice{File: s.file, Line: s.line, Message: escape(msg)}
}

// notices returns the notices of skipped objects.
func notices(sk []skipped) []Notice {
	var out []Notice
	for _, s := range sk {
		out = append(out, s.notice())
	}
	return out
}

// noJob reports why a file (or an inline job) that holds objects gives
// no Job nor CronJob: the kinds found, the first three named.
func noJob(sk []skipped, ps *problems, field string) {
	if len(sk) == 0 {
		return
	}
	if len(sk) == 1 {
		ps.add(sk[0].file, sk[0].line, field, "found %s, not a Job: jobsim simulates batch/v1 Jobs and CronJobs only", sk[0].what())
		return
	}
	names := []string{sk[0].what()}
	for _, s := range sk[1:min(len(sk), 3)] {
		names = append(names, fmt.Sprintf("%s at line %d", s.what(), s.line))
	}
	list := strings.Join(names, ", ")
	if len(sk) > 3 {
		list += fmt.Sprintf(" and %d more", len(sk)-3)
	}
	ps.add(sk[0].file, sk[0].line, field, "found %s, none a Job: jobsim simulates batch/v1 Jobs and CronJobs only", list)
}
