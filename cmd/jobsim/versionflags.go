package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/jobsim/jobsim"
)

// The flags that choose the Kubernetes version simulated and its feature
// gates, as kube-controller-manager's --feature-gates takes them.

// versionFlagsUsage is the help of the flags versionFlags registers.
const versionFlagsUsage = `  --kubernetes-version VERSION
                        the Kubernetes release simulated: 1.34, 1.35, 1.36
                        or 1.37 (default: the scenario's, else 1.37)
  --feature-gates A=true,B=false
                        set feature gates, as kube-controller-manager's flag
                        does; only the gates a version does not lock
`

// versionFlags registers --kubernetes-version and --feature-gates.
func (f *runFlags) versionFlags(fs *flag.FlagSet) {
	fs.Var(versionFlag{&f.version}, "kubernetes-version", "")
	fs.Var(gatesFlag{&f.gates}, "feature-gates", "")
}

// versionFlag is a flag holding one jobsim.Version.
type versionFlag struct{ v *jobsim.Version }

// String returns the version, or "" when unset.
func (f versionFlag) String() string {
	if f.v == nil || *f.v == 0 {
		return ""
	}
	return f.v.String()
}

// Set parses a version such as "1.36".
func (f versionFlag) Set(s string) error {
	v, err := jobsim.ParseVersion(s)
	if err != nil {
		return err
	}
	*f.v = v
	return nil
}

// versionsFlag is a comma-separated list of at least two versions.
type versionsFlag struct{ vs *[]jobsim.Version }

// String returns the versions, comma-separated.
func (f versionsFlag) String() string {
	if f.vs == nil {
		return ""
	}
	var out []string
	for _, v := range *f.vs {
		out = append(out, v.String())
	}
	return strings.Join(out, ",")
}

// Set parses "1.35,1.37".
func (f versionsFlag) Set(s string) error {
	var vs []jobsim.Version
	for _, part := range strings.Split(s, ",") {
		v, err := jobsim.ParseVersion(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		if slices.Contains(vs, v) {
			return fmt.Errorf("%s is listed twice", v)
		}
		vs = append(vs, v)
	}
	if len(vs) < 2 {
		return fmt.Errorf("name at least two versions to compare, such as 1.35,%s", jobsim.Latest)
	}
	*f.vs = vs
	return nil
}

// gatesFlag is kube-controller-manager's --feature-gates: comma-separated
// Name=bool pairs; repeating the flag adds to the set.
type gatesFlag struct{ m *map[string]bool }

// String returns the gates as Name=bool pairs, sorted.
func (f gatesFlag) String() string {
	if f.m == nil {
		return ""
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(*f.m)) {
		out = append(out, fmt.Sprintf("%s=%t", k, (*f.m)[k]))
	}
	return strings.Join(out, ",")
}

// Set parses "A=true,B=false".
func (f gatesFlag) Set(s string) error {
	if *f.m == nil {
		*f.m = map[string]bool{}
	}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return fmt.Errorf("missing bool value for %s", pair)
		}
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("invalid value of %s=%s, err: %v", k, v, err)
		}
		(*f.m)[k] = b
	}
	return nil
}
