package jobsim

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The scheduling fields of a pod template are validated as
// pkg/apis/core/validation of v1.37.2 (and v1.34.4, where these functions
// are the same but for ValidateTolerations) validates them on create:
// the messages and field paths below are theirs, in their order.

const (
	specPath = "spec.template.spec"
	// apimachinery's IsQualifiedName and IsDNS1123Label messages.
	emptyNameMsg = "name part must be non-empty"
	dnsLabelMsg  = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)

// validateSpec returns the errors of a minimal job whose pod spec edit
// changes.
func validateSpec(t *testing.T, edit func(s *PodSpec)) []string {
	t.Helper()
	j := minimalValidJob()
	edit(&j.Spec.Template.Spec)
	var got []string
	for _, fe := range fieldErrorsOf(t, Validate(j)) {
		got = append(got, fe.Error())
	}
	return got
}

func sel(labels map[string]string, exprs ...LabelSelectorRequirement) *LabelSelector {
	return &LabelSelector{MatchLabels: labels, MatchExpressions: exprs}
}

func req(key string, op LabelSelectorOperator, values ...string) LabelSelectorRequirement {
	return LabelSelectorRequirement{Key: key, Operator: op, Values: values}
}

func TestValidatePodAffinity(t *testing.T) {
	const aff = specPath + ".affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"
	const anti = specPath + ".affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"
	good := PodAffinityTerm{LabelSelector: sel(map[string]string{"app": "x"}), TopologyKey: LabelZone}
	for _, tc := range []struct {
		name string
		a    *Affinity
		want []string
	}{
		{"valid terms of both kinds", &Affinity{
			PodAffinity: &PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{
				good,
				{LabelSelector: sel(nil, req("app", LabelSelectorOpIn, "x", "y"), req("tier", LabelSelectorOpDoesNotExist)),
					Namespaces: []string{"default", "batch"}, NamespaceSelector: &LabelSelector{}, TopologyKey: LabelHostname,
					MatchLabelKeys: []string{JobNameLabel}, MismatchLabelKeys: []string{"team"}},
			}},
			PodAntiAffinity: &PodAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []WeightedPodAffinityTerm{{Weight: 100, PodAffinityTerm: good}}},
		}, nil},
		{"validatePodAffinityTerm: topologyKey is required and a label name", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{LabelSelector: &LabelSelector{}}, {TopologyKey: "a/b/c"}},
		}}, []string{
			aff + "[0].topologyKey: Required value: can not be empty",
			aff + `[0].topologyKey: Invalid value: "": ` + emptyNameMsg,
			aff + `[0].topologyKey: Invalid value: "": ` + keyMsg,
			aff + `[1].topologyKey: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		}},
		{"validatePodAffinityTerm: namespaces are DNS labels, reported at .namespace", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone", Namespaces: []string{"ok", "Bad"}}},
		}}, []string{
			aff + `[0].namespace: Invalid value: "Bad": ` + dnsLabelMsg,
		}},
		{"ValidateLabelSelector: operators, keys and values of labelSelector and namespaceSelector", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone",
				LabelSelector: sel(map[string]string{"bad key": "v", "k": "-v"},
					req("a", LabelSelectorOpIn), req("b", LabelSelectorOpExists, "x"), req("c", "Gt", "1"), req("d", LabelSelectorOpNotIn, "ok", "not ok")),
				NamespaceSelector: sel(nil, req("", LabelSelectorOpDoesNotExist, "y")),
			}},
		}}, []string{
			aff + `[0].labelSelector.matchLabels: Invalid value: "bad key": ` + keyMsg,
			aff + `[0].labelSelector.matchLabels: Invalid value: "-v": ` + labelValueErr,
			aff + "[0].labelSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			aff + "[0].labelSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
			aff + `[0].labelSelector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator`,
			aff + `[0].labelSelector.matchExpressions[3].values[1]: Invalid value: "not ok": ` + labelValueErr,
			aff + "[0].namespaceSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
			aff + `[0].namespaceSelector.matchExpressions[0].key: Invalid value: "": ` + emptyNameMsg,
			aff + `[0].namespaceSelector.matchExpressions[0].key: Invalid value: "": ` + keyMsg,
		}},
		{"ValidateMatchLabelKeysAndMismatchLabelKeys: keys need a labelSelector", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone", MatchLabelKeys: []string{"a"}, MismatchLabelKeys: []string{"b"}}},
		}}, []string{
			aff + "[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
			aff + "[0].mismatchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
		}},
		{"ValidateMatchLabelKeysAndMismatchLabelKeys: label names, not in both lists", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone", LabelSelector: &LabelSelector{},
				MatchLabelKeys: []string{"ok", "-bad", "both"}, MismatchLabelKeys: []string{"both", ""}}},
		}}, []string{
			aff + `[0].matchLabelKeys[1]: Invalid value: "-bad": name part ` + qualifiedNameMsg + ` (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
			aff + `[0].mismatchLabelKeys[1]: Invalid value: "": ` + emptyNameMsg,
			aff + `[0].mismatchLabelKeys[1]: Invalid value: "": ` + keyMsg,
			aff + `[0].matchLabelKeys[2]: Invalid value: "both": exists in both matchLabelKeys and mismatchLabelKeys`,
		}},
		{"ValidateMatchLabelKeysAndMismatchLabelKeys: a key in matchLabels and an expression is reported at the term's [i]", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone",
				LabelSelector:  sel(map[string]string{"app": "x", "team": "t"}, req("app", LabelSelectorOpExists), req("tier", LabelSelectorOpExists), req("tier", LabelSelectorOpExists)),
				MatchLabelKeys: []string{"tier", "app", "team"}}},
		}}, []string{
			aff + `[0][1]: Invalid value: "app": exists in both matchLabelKeys and labelSelector`,
			aff + `[0][0]: Invalid value: "tier": exists in both matchLabelKeys and labelSelector`,
		}},
		{"a key of matchLabelKeys in matchLabels alone passes: the API server merges the keys into the pods, not the template", &Affinity{PodAffinity: &PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []PodAffinityTerm{{TopologyKey: "zone", LabelSelector: sel(map[string]string{"app": "x"}), MatchLabelKeys: []string{"app"}}},
		}}, nil},
		{"validateWeightedPodAffinityTerms: weight 1 to 100, then the term", &Affinity{PodAntiAffinity: &PodAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []WeightedPodAffinityTerm{{Weight: 0, PodAffinityTerm: good}, {Weight: 101, PodAffinityTerm: PodAffinityTerm{TopologyKey: "x y"}}},
		}}, []string{
			anti + "[0].weight: Invalid value: 0: must be in the range 1-100",
			anti + "[1].weight: Invalid value: 101: must be in the range 1-100",
			anti + `[1].podAffinityTerm.topologyKey: Invalid value: "x y": ` + keyMsg,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validateSpec(t, func(s *PodSpec) { s.Affinity = tc.a })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateSchedulingGates(t *testing.T) {
	got := validateSpec(t, func(s *PodSpec) { s.SchedulingGates = []string{"example.com/wait", "wait", "wait", "no/way/x", ""} })
	want := []string{
		specPath + `.schedulingGates[2]: Duplicate value: "wait"`,
		specPath + `.schedulingGates[3]: Invalid value: "no/way/x": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		specPath + `.schedulingGates[4]: Invalid value: "": ` + emptyNameMsg,
		specPath + `.schedulingGates[4]: Invalid value: "": ` + keyMsg,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("validateSchedulingGates (-want +got):\n%s", diff)
	}
}

func TestValidateTopologySpreadConstraints(t *testing.T) {
	const p = specPath + ".topologySpreadConstraints"
	one := func(v int32) *int32 { return &v }
	for _, tc := range []struct {
		name string
		cs   []TopologySpreadConstraint
		want []string
	}{
		{"valid constraints", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: LabelZone, WhenUnsatisfiable: DoNotSchedule, LabelSelector: sel(map[string]string{"app": "x"}),
				MinDomains: one(3), NodeAffinityPolicy: NodeInclusionPolicyIgnore, NodeTaintsPolicy: NodeInclusionPolicyHonor, MatchLabelKeys: []string{JobNameLabel}},
			{MaxSkew: 2, TopologyKey: LabelZone, WhenUnsatisfiable: ScheduleAnyway},
		}, nil},
		{"maxSkew positive, topologyKey required (any string), whenUnsatisfiable one of two", []TopologySpreadConstraint{
			{MaxSkew: 0, WhenUnsatisfiable: "Never"},
			{MaxSkew: -1, TopologyKey: "not a label key", WhenUnsatisfiable: ScheduleAnyway},
		}, []string{
			p + "[0].maxSkew: Invalid value: 0: must be greater than zero",
			p + "[0].topologyKey: Required value: can not be empty",
			p + `[0].whenUnsatisfiable: Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"`,
			p + "[1].maxSkew: Invalid value: -1: must be greater than zero",
		}},
		{"ValidateSpreadConstraintNotRepeat: one constraint per {topologyKey, whenUnsatisfiable}", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule},
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: ScheduleAnyway},
			{MaxSkew: 2, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule},
		}, []string{
			p + `[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"`,
		}},
		{"validateMinDomains: positive, and only with DoNotSchedule", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule, MinDomains: one(0)},
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: ScheduleAnyway, MinDomains: one(2)},
		}, []string{
			p + "[0].minDomains: Invalid value: 0: must be greater than zero",
			p + "[1].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
		}},
		{"validateNodeInclusionPolicy: Honor or Ignore", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: DoNotSchedule, NodeAffinityPolicy: "honor", NodeTaintsPolicy: "Always"},
		}, []string{
			p + `[0].nodeAffinityPolicy: Unsupported value: "honor": supported values: "Honor", "Ignore"`,
			p + `[0].nodeTaintsPolicy: Unsupported value: "Always": supported values: "Honor", "Ignore"`,
		}},
		{"matchLabelKeys (SelectorMerge on): need a labelSelector, label names, at the constraint's [i] when doubled in it", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "a", WhenUnsatisfiable: DoNotSchedule, MatchLabelKeys: []string{"app"}},
			{MaxSkew: 1, TopologyKey: "b", WhenUnsatisfiable: DoNotSchedule, MatchLabelKeys: []string{"-x", "app"},
				LabelSelector: sel(map[string]string{"app": "x"}, req("app", LabelSelectorOpIn, "x"))},
			{MaxSkew: 1, TopologyKey: "c", WhenUnsatisfiable: DoNotSchedule, MatchLabelKeys: []string{"app"}, LabelSelector: sel(map[string]string{"app": "x"})},
		}, []string{
			p + "[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
			p + `[1].matchLabelKeys[0]: Invalid value: "-x": name part ` + qualifiedNameMsg + ` (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
			p + `[1][1]: Invalid value: "app": exists in both matchLabelKeys and labelSelector`,
		}},
		{"labelSelector: ValidateLabelSelector, after matchLabelKeys", []TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "a", WhenUnsatisfiable: DoNotSchedule, LabelSelector: sel(nil, req("app", "Like", "x"))},
		}, []string{
			p + `[0].labelSelector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validateSpec(t, func(s *PodSpec) { s.TopologySpreadConstraints = tc.cs })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateTolerations(t *testing.T) {
	const p = specPath + ".tolerations"
	secs := func(d time.Duration) *time.Duration { return &d }
	for _, tc := range []struct {
		name string
		ts   []Toleration
		want []string
	}{
		{"valid tolerations", []Toleration{
			{Operator: TolerationOpExists},
			{Key: "dedicated", Value: "gpu", Effect: TaintNoSchedule},
			{Key: "dedicated", Operator: TolerationOpEqual, Value: "", Effect: TaintPreferNoSchedule},
			{Key: TaintNodeUnreachable, Operator: TolerationOpExists, Effect: TaintNoExecute, TolerationPeriod: secs(10 * time.Second)},
			{Key: TaintNodeNotReady, Operator: TolerationOpExists, Effect: TaintNoExecute, TolerationPeriod: secs(-time.Second)},
		}, nil},
		{"an empty key needs Exists", []Toleration{{Value: "x"}, {Operator: TolerationOpEqual}}, []string{
			p + `[0].operator: Invalid value: "": operator must be Exists when ` + "`key`" + ` is empty, which means "match all values and all keys"`,
			p + `[1].operator: Invalid value: "Equal": operator must be Exists when ` + "`key`" + ` is empty, which means "match all values and all keys"`,
		}},
		{"key a label name; Equal's value a label value, reported at .operator", []Toleration{{Key: "a b", Value: "-v-"}}, []string{
			p + `[0].key: Invalid value: "a b": ` + keyMsg,
			p + `[0].operator: Invalid value: "-v-": ` + labelValueErr,
		}},
		{"Exists takes no value", []Toleration{{Key: "k", Operator: TolerationOpExists, Value: "v"}}, []string{
			p + "[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
		}},
		{"tolerationSeconds only with NoExecute, in whole seconds", []Toleration{
			{Key: "k", Operator: TolerationOpExists, TolerationPeriod: secs(time.Second)},
			{Key: "k", Operator: TolerationOpExists, Effect: TaintNoExecute, TolerationPeriod: secs(1500 * time.Millisecond)},
		}, []string{
			p + "[0].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set",
			p + `[1].tolerationSeconds: Invalid value: "1.5s": must be a whole number of seconds`,
		}},
		{"operators: Gt and Lt are behind an alpha gate (1.35+), others unknown", []Toleration{
			{Key: "k", Operator: "Gt", Value: "5"}, {Key: "k", Operator: "Lt", Value: "5"}, {Key: "k", Operator: "exists"},
		}, []string{
			p + `[0].operator: Unsupported value: "Gt": supported values: "Equal", "Exists", "Lt", "Gt"`,
			p + `[1].operator: Unsupported value: "Lt": supported values: "Equal", "Exists", "Lt", "Gt"`,
			p + `[2].operator: Unsupported value: "exists": supported values: "Equal", "Exists"`,
		}},
		{"validateTaintEffect: an effect, if any, is one of three", []Toleration{{Key: "k", Operator: TolerationOpExists, Effect: "NoScheduleNoAdmit"}}, []string{
			p + `[0].effect: Unsupported value: "NoScheduleNoAdmit": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validateSpec(t, func(s *PodSpec) { s.Tolerations = tc.ts })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateConfigScheduling(t *testing.T) {
	pct := func(v int32) *IntOrPercent { return &IntOrPercent{Value: v, Percent: true} }
	n := func(v int32) *IntOrPercent { return &IntOrPercent{Value: v} }
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"valid taints and budgets", Config{
			Nodes: []Node{{Name: "a", Taints: []Taint{{Key: "dedicated", Value: "gpu", Effect: TaintNoSchedule}, {Key: "dedicated", Value: "gpu", Effect: TaintNoExecute}, {Key: "spot", Effect: TaintPreferNoSchedule}}}},
			PodDisruptionBudgets: []PodDisruptionBudget{
				{Name: "a", Selector: sel(map[string]string{"app": "x"}), MinAvailable: pct(100)},
				{Name: "a", Namespace: "batch", MaxUnavailable: n(0)},
				{Name: "Not_A.DNS:name", MaxUnavailable: pct(0)},
			},
		}, nil},
		{"validateNodeTaints: key, value, effect required and known, unique by key and effect", Config{Nodes: []Node{{Name: "a"}, {Name: "b", Taints: []Taint{
			{Key: "", Value: "bad value", Effect: ""},
			{Key: "k", Effect: "Never"},
			{Key: "k", Value: "v", Effect: TaintNoSchedule},
			{Key: "k", Value: "w", Effect: TaintNoSchedule},
		}}}}, []string{
			`nodes[1].taints[0].key: Invalid value: "": ` + emptyNameMsg,
			`nodes[1].taints[0].key: Invalid value: "": ` + keyMsg,
			`nodes[1].taints[0].value: Invalid value: "bad value": ` + labelValueErr,
			"nodes[1].taints[0].effect: Required value",
			`nodes[1].taints[1].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
			`nodes[1].taints[3]: Duplicate value: {"Key":"k","Value":"w","Effect":"NoSchedule","TimeAdded":null}: taints must be unique by key and effect pair`,
		}},
		{"ValidatePodDisruptionBudgetSpec: one of minAvailable and maxUnavailable, counts not negative, percentages at most 100%", Config{PodDisruptionBudgets: []PodDisruptionBudget{
			{Name: "a", MinAvailable: n(1), MaxUnavailable: pct(50), Selector: sel(map[string]string{"app": "x"})},
			{Name: "b", MinAvailable: n(-1)},
			{Name: "c", MaxUnavailable: pct(101)},
			{Name: "d", MinAvailable: pct(-5)},
		}}, []string{
			`podDisruptionBudgets[0]: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"x"}},"MaxUnavailable":"50%","UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set`,
			"podDisruptionBudgets[1].minAvailable: Invalid value: -1: must be greater than or equal to 0",
			`podDisruptionBudgets[2].maxUnavailable: Invalid value: "101%": must not be greater than 100%`,
			`podDisruptionBudgets[3].minAvailable: Invalid value: "-5%": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
		}},
		{"ValidatePodDisruptionBudgetSpec: the selector", Config{PodDisruptionBudgets: []PodDisruptionBudget{
			{Name: "a", MinAvailable: n(1), Selector: sel(nil, req("app", LabelSelectorOpIn))},
		}}, []string{
			"podDisruptionBudgets[0].selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
		}},
		{"metadata, checked once the spec is valid: a path segment name, a DNS label namespace, unique", Config{PodDisruptionBudgets: []PodDisruptionBudget{
			{MinAvailable: n(1)},
			{Name: "..", MinAvailable: n(1)},
			{Name: "a/b%", Namespace: "Batch", MinAvailable: n(1)},
			{Name: "x", MinAvailable: n(1)},
			{Name: "x", Namespace: "default", MinAvailable: n(1)},
			{Name: "bad/", MinAvailable: n(-1)},
		}}, []string{
			"podDisruptionBudgets[0].name: Required value: name or generateName is required",
			`podDisruptionBudgets[1].name: Invalid value: "..": may not be '..'`,
			`podDisruptionBudgets[2].name: Invalid value: "a/b%": may not contain '/'`,
			`podDisruptionBudgets[2].name: Invalid value: "a/b%": may not contain '%'`,
			`podDisruptionBudgets[2].namespace: Invalid value: "Batch": ` + dnsLabelMsg,
			`podDisruptionBudgets[4].name: Duplicate value: "x"`,
			"podDisruptionBudgets[5].minAvailable: Invalid value: -1: must be greater than or equal to 0",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var ve *ValidationError
			if err := ValidateConfig(tc.cfg); errors.As(err, &ve) {
				for _, fe := range ve.Errors {
					got = append(got, fe.Error())
				}
			} else if err != nil {
				t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
