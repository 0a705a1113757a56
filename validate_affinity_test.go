package jobsim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Node affinity is validated as pkg/apis/core/validation's
// validateNodeAffinity does on create (ValidateNodeSelector,
// ValidateNodeSelectorRequirement, ValidateNodeFieldSelectorRequirement,
// ValidatePreferredSchedulingTerms of v1.35.4): the messages and field
// paths below are theirs, in the order they report them.

const (
	affinityPath = "spec.template.spec.affinity.nodeAffinity"
	requiredPath = affinityPath + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
	// The messages of apimachinery's IsQualifiedName, IsValidLabelValue
	// and IsDNS1123Subdomain.
	keyMsg        = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	labelValueErr = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	subdomainErr  = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)

func required(terms ...NodeSelectorTerm) *Affinity {
	return &Affinity{NodeAffinity: &NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &NodeSelector{NodeSelectorTerms: terms}}}
}

func expr(key string, op NodeSelectorOperator, values ...string) NodeSelectorRequirement {
	return NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

func TestValidateNodeAffinity(t *testing.T) {
	for _, tc := range []struct {
		name     string
		affinity *Affinity
		want     []string // FieldError.Error(), in order
	}{
		{"every operator with the values it takes", required(
			NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{
				expr("zone", NodeSelectorOpIn, "a", "b"), expr("zone", NodeSelectorOpNotIn, "c"),
				expr("gpu", NodeSelectorOpExists), expr("spot", NodeSelectorOpDoesNotExist),
				expr("cores", NodeSelectorOpGt, "8"), expr("cores", NodeSelectorOpLt, "64"),
			}},
			NodeSelectorTerm{MatchFields: []NodeSelectorRequirement{expr(NodeNameField, NodeSelectorOpIn, "n-0"), expr(NodeNameField, NodeSelectorOpNotIn, "n-1")}},
			NodeSelectorTerm{}, // an empty term is valid (and matches nothing)
		), nil},
		{"a Gt value need only be a label value; that it is no integer shows at scheduling", required(
			NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("cores", NodeSelectorOpGt, "eight")}},
		), nil},
		{"at least one term", required(), []string{
			requiredPath + ": Required value: must have at least one node selector term",
		}},
		{"unknown operator", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", "Equals", "a")}}), []string{
			requiredPath + `[0].matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator`,
		}},
		{"In and NotIn need values", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", NodeSelectorOpIn), expr("zone", NodeSelectorOpNotIn)}}), []string{
			requiredPath + "[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			requiredPath + "[0].matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
		}},
		{"Exists and DoesNotExist take none", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("gpu", NodeSelectorOpExists, "x"), expr("gpu", NodeSelectorOpDoesNotExist, "y")}}), []string{
			requiredPath + "[0].matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
			requiredPath + "[0].matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		}},
		{"Gt and Lt take one value", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("cores", NodeSelectorOpGt), expr("cores", NodeSelectorOpLt, "1", "2")}}), []string{
			requiredPath + "[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
			requiredPath + "[0].matchExpressions[1].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
		}},
		{"key must be a label key, values label values", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("bad key", NodeSelectorOpIn, "ok", "-bad")}}), []string{
			requiredPath + `[0].matchExpressions[0].key: Invalid value: "bad key": ` + keyMsg,
			requiredPath + `[0].matchExpressions[0].values[1]: Invalid value: "-bad": ` + labelValueErr,
		}},
		{"operator problems come before key problems", required(NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("", NodeSelectorOpExists, "x")}}), []string{
			requiredPath + "[0].matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
			requiredPath + `[0].matchExpressions[0].key: Invalid value: "": name part must be non-empty`,
			requiredPath + `[0].matchExpressions[0].key: Invalid value: "": ` + keyMsg,
		}},
		{"matchFields: only metadata.name", required(NodeSelectorTerm{MatchFields: []NodeSelectorRequirement{expr("metadata.labels", NodeSelectorOpIn, "x")}}), []string{
			requiredPath + `[0].matchFields[0].key: Invalid value: "metadata.labels": not a valid field selector key`,
		}},
		{"matchFields: In or NotIn one node name", required(NodeSelectorTerm{MatchFields: []NodeSelectorRequirement{
			expr(NodeNameField, NodeSelectorOpExists), expr(NodeNameField, NodeSelectorOpIn, "a", "b"), expr(NodeNameField, NodeSelectorOpNotIn, "Node_1"),
		}}), []string{
			requiredPath + `[0].matchFields[0].operator: Invalid value: "Exists": not a valid selector operator`,
			requiredPath + "[0].matchFields[1].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
			requiredPath + `[0].matchFields[2].values[0]: Invalid value: "Node_1": ` + subdomainErr,
		}},
		{"terms and requirements are indexed", required(
			NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", NodeSelectorOpIn, "a")}},
			NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", NodeSelectorOpIn, "a"), expr("zone", "in", "b")}},
		), []string{
			requiredPath + `[1].matchExpressions[1].operator: Invalid value: "in": not a valid selector operator`,
		}},
		{"preferred: weight 1 to 100, any values", &Affinity{NodeAffinity: &NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []PreferredSchedulingTerm{
			{Weight: 0, Preference: NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", NodeSelectorOpIn, "-any-")}}},
			{Weight: 101, Preference: NodeSelectorTerm{MatchExpressions: []NodeSelectorRequirement{expr("zone", "Near", "a")}}},
			{Weight: 100},
		}}}, []string{
			affinityPath + ".preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100",
			affinityPath + ".preferredDuringSchedulingIgnoredDuringExecution[1].weight: Invalid value: 101: must be in the range 1-100",
			affinityPath + `.preferredDuringSchedulingIgnoredDuringExecution[1].preference.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
		}},
		{"no node affinity", &Affinity{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := minimalValidJob()
			j.Spec.Template.Spec.Affinity = tc.affinity
			var got []string
			for _, fe := range fieldErrorsOf(t, Validate(j)) {
				got = append(got, fe.Error())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
