package manifest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	"github.com/jobsim/jobsim/internal/k8s/validation"

	"github.com/jobsim/jobsim"
)

// Resources: the containers' requests, which the scheduler reserves on
// a node, and the nodes' capacity. jobsim counts them in the API's base
// units (jobsim.ResourceList): cpu in millicores, memory and the other
// resources in bytes or units. A quantity that is not a whole number of
// those units is refused, naming its field, rather than rounded.

// maxUnits is the largest quantity jobsim takes, in base units (about 8
// PiB of memory, or 9 billion cores): sums of requests and the
// utilisation figures stay exact.
const maxUnits = 1 << 53

// toUnits converts a quantity of the named resource to jobsim's units,
// or returns why it cannot: it is negative, not a whole number of units,
// or too large.
func toUnits(name string, q resource.Quantity) (int64, string) {
	if q.Sign() < 0 {
		return 0, "must be greater than or equal to 0"
	}
	max := resource.NewQuantity(maxUnits, resource.DecimalSI)
	if name == jobsim.ResourceCPU {
		max = resource.NewMilliQuantity(maxUnits, resource.DecimalSI)
	}
	if q.Cmp(*max) > 0 {
		return 0, fmt.Sprintf("must be at most %s for jobsim", max.String())
	}
	if name == jobsim.ResourceCPU {
		v := q.MilliValue()
		if resource.NewMilliQuantity(v, resource.DecimalSI).Cmp(q) != 0 {
			return 0, "jobsim counts cpu in whole millicores (1m is the smallest)"
		}
		return v, ""
	}
	v := q.Value()
	if resource.NewQuantity(v, resource.DecimalSI).Cmp(q) != 0 {
		unit := "units"
		if name == jobsim.ResourceMemory || strings.HasSuffix(name, "storage") || strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) {
			unit = "bytes"
		}
		msg := fmt.Sprintf("jobsim counts %s in whole %s", name, unit)
		if s := q.String(); unit == "bytes" && strings.HasSuffix(s, "m") && q.Cmp(*resource.NewQuantity(1, resource.DecimalSI)) < 0 {
			msg += fmt.Sprintf(` ("m" is a thousandth: did you mean %sMi?)`, strings.TrimSuffix(s, "m"))
		}
		return 0, msg
	}
	return v, ""
}

// isNativeResource reports whether a resource name is in the
// kubernetes.io namespace (unprefixed names are).
func isNativeResource(name string) bool {
	return !strings.Contains(name, "/") || strings.Contains(name, "kubernetes.io/")
}

// isExtendedResource reports whether a resource name is an extended
// resource, such as nvidia.com/gpu.
func isExtendedResource(name string) bool {
	if isNativeResource(name) || strings.HasPrefix(name, "requests.") {
		return false
	}
	return len(validation.IsQualifiedName("requests."+name)) == 0
}

// overcommitAllowed reports whether a container's request of the
// resource may be below its limit: not for extended resources and huge
// pages.
func overcommitAllowed(name string) bool {
	return isNativeResource(name) && !strings.HasPrefix(name, corev1.ResourceHugePagesPrefix)
}

// standardResources are the unprefixed resource names the API server
// knows (helper.IsStandardResourceName).
var standardResources = map[string]bool{
	"cpu": true, "memory": true, "ephemeral-storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
	"pods": true, "resourcequotas": true, "services": true, "replicationcontrollers": true,
	"secrets": true, "configmaps": true, "persistentvolumeclaims": true, "storage": true,
	"requests.storage": true, "services.nodeports": true, "services.loadbalancers": true,
}

// containerResourceNameErrors checks the name of a container's resource
// as the API server does (validateContainerResourceName).
func containerResourceNameErrors(name string) []string {
	if errs := validation.IsQualifiedName(name); len(errs) > 0 {
		return errs
	}
	if !strings.Contains(name, "/") {
		switch {
		case !standardResources[name] && !strings.HasPrefix(name, "hugepages-") && !strings.HasPrefix(name, "requests.hugepages-"):
			return []string{"must be a standard resource type or fully qualified"}
		case name != "cpu" && name != "memory" && name != "ephemeral-storage" && !strings.HasPrefix(name, corev1.ResourceHugePagesPrefix):
			return []string{"must be a standard resource for containers"}
		}
		return nil
	}
	if !isNativeResource(name) && !isExtendedResource(name) {
		return []string{"doesn't follow extended resource name standard"}
	}
	return nil
}

// nodeResourceNameErrors checks a resource name of a node's capacity:
// cpu, memory, pods, ephemeral-storage, hugepages-SIZE or an extended
// resource such as nvidia.com/gpu.
func nodeResourceNameErrors(name string) []string {
	if errs := validation.IsQualifiedName(name); len(errs) > 0 {
		return errs
	}
	switch {
	case name == jobsim.ResourcePods:
		return nil
	case !strings.Contains(name, "/"):
		if errs := containerResourceNameErrors(name); len(errs) > 0 {
			return []string{"must be cpu, memory, pods, ephemeral-storage, hugepages-SIZE, or an extended resource with a domain prefix, such as nvidia.com/gpu"}
		}
		return nil
	case !isExtendedResource(name):
		return []string{"must be cpu, memory, pods, ephemeral-storage, hugepages-SIZE or an extended resource such as nvidia.com/gpu"}
	}
	return nil
}

// requests returns the resources the scheduler reserves for container i
// (of the list at path): its requests, and for the resources it only
// limits, its limits, as the API server defaults a pod's requests. It
// checks the resources as the API server does (names, non-negative,
// extended resources whole and not overcommitted, requests at most the
// limits), and that jobsim can count them.
func (j *Job) requests(ps *problems, path string, i int, r corev1.ResourceRequirements) jobsim.ResourceList {
	base := fmt.Sprintf("%s[%d].resources", path, i)
	var out jobsim.ResourceList
	add := func(field, name string, q resource.Quantity) {
		p := fmt.Sprintf("%s.%s[%s]", base, field, name)
		v, why := toUnits(name, q)
		if why != "" {
			j.problem(ps, p, "Invalid value: %q: %s", q.String(), why)
			return
		}
		if out == nil {
			out = jobsim.ResourceList{}
		}
		out[name] = v
	}
	for _, field := range []string{"limits", "requests"} {
		list := r.Limits
		if field == "requests" {
			list = r.Requests
		}
		for _, name := range slices.Sorted(maps.Keys(list)) {
			p := fmt.Sprintf("%s.%s[%s]", base, field, name)
			q := list[name]
			if errs := containerResourceNameErrors(string(name)); len(errs) > 0 {
				for _, msg := range errs {
					j.problem(ps, p, "Invalid value: %q: %s", string(name), msg)
				}
				continue
			}
			if q.Sign() < 0 {
				j.problem(ps, p, "Invalid value: %q: must be greater than or equal to 0", q.String())
				continue
			}
			if isExtendedResource(string(name)) && q.MilliValue()%1000 != 0 {
				j.problem(ps, p, "Invalid value: %q: must be an integer", q.String())
				continue
			}
			if field == "limits" {
				if _, ok := r.Requests[name]; !ok {
					add(field, string(name), q) // the request defaults to the limit
				}
				continue
			}
			lim, ok := r.Limits[name]
			switch {
			case ok && q.Cmp(lim) != 0 && !overcommitAllowed(string(name)):
				j.problem(ps, p, "Invalid value: %q: must be equal to %s limit of %s", q.String(), name, lim.String())
			case ok && q.Cmp(lim) > 0:
				j.problem(ps, p, "Invalid value: %q: must be less than or equal to %s limit of %s", q.String(), name, lim.String())
			case !ok && !overcommitAllowed(string(name)):
				j.problem(ps, base+".limits", "Required value: Limit must be set for non overcommitable resources")
			default:
				add(field, string(name), q)
			}
		}
	}
	return out
}

// labelProblems checks a map of labels (a nodeSelector, a node's labels)
// as the API server checks labels: each reported at the line of its key,
// with the path of the map.
func labelProblems(m map[string]string, report func(key, msg string)) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		for _, msg := range validation.IsQualifiedName(k) {
			report(k, fmt.Sprintf("Invalid value: %q: %s", k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(m[k]) {
			report(k, fmt.Sprintf("Invalid value: %q: %s", m[k], msg))
		}
	}
}
