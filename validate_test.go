package jobsim

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// The expected fields, types and messages below are taken from
// pkg/apis/batch/validation/validation.go, pkg/apis/core/validation and
// apimachinery (field.Error, util/validation) of Kubernetes v1.35.4.

// minimalValidJob is a minimal valid NonIndexed job, defaulted.
func minimalValidJob() Job {
	j := Job{
		Name: "pi",
		Spec: JobSpec{Template: PodTemplate{Spec: PodSpec{
			RestartPolicy: RestartNever,
			Containers:    []Container{{Name: "main", Image: "busybox"}},
		}}},
	}
	SetDefaults(&j)
	return j
}

// indexedValidJob is a valid Indexed job with the given completions,
// parallelism 1, defaulted.
func indexedValidJob(completions int) Job {
	j := minimalValidJob()
	j.Spec.CompletionMode = Indexed
	j.Spec.Completions = Ptr(completions)
	return j
}

// pfpValidJob is a valid job with a pod failure policy whose single rule is r.
func pfpValidJob(r PodFailurePolicyRule) Job {
	j := minimalValidJob()
	j.Spec.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{r}}
	j.Spec.PodReplacementPolicy = ReplaceFailed
	return j
}

func exitCodesReq(op PodFailurePolicyOperator, values ...int) *PodFailurePolicyOnExitCodes {
	return &PodFailurePolicyOnExitCodes{Operator: op, Values: values}
}

func failJobOnExit(values ...int) PodFailurePolicyRule {
	return PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: exitCodesReq(OpIn, values...)}
}

func successPolicyJob(completions int, rules ...SuccessPolicyRule) Job {
	j := indexedValidJob(completions)
	j.Spec.SuccessPolicy = &SuccessPolicy{Rules: rules}
	return j
}

// fieldErrorsOf returns the FieldErrors of a Validate result.
func fieldErrorsOf(t *testing.T, err error) []FieldError {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if ve.Kind != "Job.batch" {
		t.Errorf("Kind = %q, want Job.batch", ve.Kind)
	}
	return ve.Errors
}

// wantErr is an expected FieldError; detail is compared when not empty.
type wantErr struct {
	typ    ErrorType
	field  string
	detail string
}

// checkFieldErrors asserts that got holds exactly the wanted errors, in any
// order.
func checkFieldErrors(t *testing.T, got []FieldError, wants []wantErr) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range wants {
		found := false
		for i, g := range got {
			if used[i] || g.Type != w.typ || g.Field != w.field || (w.detail != "" && g.Detail != w.detail) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("missing error %s %q %q", w.field, w.typ, w.detail)
		}
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("unexpected error: %v", g)
		}
	}
}

func TestValidateMinimalJobIsValid(t *testing.T) {
	for name, j := range map[string]Job{
		"NonIndexed":          minimalValidJob(),
		"Indexed":             indexedValidJob(5),
		"OnFailure":           func() Job { j := minimalValidJob(); j.Spec.Template.Spec.RestartPolicy = RestartOnFailure; return j }(),
		"work queue":          func() Job { j := minimalValidJob(); j.Spec.Completions = nil; j.Spec.Parallelism = Ptr(3); return j }(),
		"zero everything":     zeroCountsJob(),
		"full indexed":        fullIndexedJob(),
		"int32 limits":        int32LimitsJob(),
		"valid managedBy":     func() Job { j := minimalValidJob(); j.Spec.ManagedBy = "acme.io/my-controller"; return j }(),
		"builtin managedBy":   func() Job { j := minimalValidJob(); j.Spec.ManagedBy = JobControllerName; return j }(),
		"behavior annotation": behaviorAnnotatedJob("1m30s", "3"),
	} {
		t.Run(name, func(t *testing.T) {
			if err := Validate(j); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func zeroCountsJob() Job {
	j := minimalValidJob()
	j.Spec.Parallelism, j.Spec.Completions, j.Spec.BackoffLimit = Ptr(0), Ptr(0), Ptr(0)
	j.Spec.ActiveDeadline, j.Spec.TTLAfterFinished = Ptr(time.Duration(0)), Ptr(time.Duration(0))
	j.Spec.Template.Spec.TerminationGracePeriod = Ptr(time.Duration(0))
	return j
}

func fullIndexedJob() Job {
	j := indexedValidJob(10)
	j.Labels = map[string]string{"app": "pi", "example.com/tier": ""}
	j.Annotations = map[string]string{"Example.com/Note": "anything goes"}
	j.Spec.Parallelism = Ptr(10)
	j.Spec.BackoffLimitPerIndex = Ptr(1)
	j.Spec.MaxFailedIndexes = Ptr(10)
	j.Spec.ActiveDeadline = Ptr(time.Minute)
	j.Spec.TTLAfterFinished = Ptr(time.Hour)
	j.Spec.PodReplacementPolicy = ReplaceFailed
	j.Spec.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{
		{Action: ActionFailIndex, OnExitCodes: &PodFailurePolicyOnExitCodes{ContainerName: "init", Operator: OpIn, Values: []int{1, 2, 42}}},
		{Action: ActionCount, OnExitCodes: exitCodesReq(OpNotIn, 0, 137)},
		{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget", Status: ConditionTrue}}},
		{Action: ActionFailJob, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "example.com/Custom", Status: ConditionUnknown}}},
	}}
	j.Spec.SuccessPolicy = &SuccessPolicy{Rules: []SuccessPolicyRule{
		{SucceededIndexes: Ptr("0,2-5,9"), SucceededCount: Ptr(6)},
		{SucceededCount: Ptr(10)},
		{SucceededIndexes: Ptr("")},
	}}
	j.Spec.Template.Labels = map[string]string{"app": "pi"}
	j.Spec.Template.Spec.InitContainers = []Container{{Name: "init", Image: "busybox", Env: []EnvVar{{Name: "my.env-NAME_1", Value: "x"}}}}
	j.Spec.Template.Spec.Containers[0].Env = []EnvVar{{Name: CompletionIndexEnv, FieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']"}}
	return j
}

func int32LimitsJob() Job {
	j := minimalValidJob()
	j.Spec.Parallelism, j.Spec.Completions, j.Spec.BackoffLimit = Ptr(math.MaxInt32), Ptr(math.MaxInt32), Ptr(math.MaxInt32)
	j.Spec.TTLAfterFinished = Ptr(math.MaxInt32 * time.Second)
	j.Spec.ActiveDeadline = Ptr(time.Duration(math.MaxInt64 / int64(time.Second) * int64(time.Second)))
	j.Spec.PodReplacementPolicy = ReplaceFailed
	j.Spec.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{
		{Action: ActionCount, OnExitCodes: exitCodesReq(OpNotIn, math.MinInt32, 0, math.MaxInt32)},
	}}
	return j
}

func behaviorAnnotatedJob(run, exitCode string) Job {
	j := minimalValidJob()
	j.Spec.Template.Annotations = map[string]string{RunAnnotation: run, ExitCodeAnnotation: exitCode}
	return j
}

type validationCase struct {
	name string
	job  Job
	want []wantErr
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkFieldErrors(t, fieldErrorsOf(t, Validate(tc.job)), tc.want)
		})
	}
}

func editJob(j Job, f func(j *Job)) Job {
	f(&j)
	return j
}

const (
	wantNegative     = "must be greater than or equal to 0"
	wantInt32Max     = "must be less than or equal to 2147483647"
	wantWholeSeconds = "must be a whole number of seconds"
)

func TestValidateNumbers(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"parallelism must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.Parallelism = Ptr(-1) }),
			[]wantErr{{ErrorTypeInvalid, "spec.parallelism", wantNegative}}},
		{"completions must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.Completions = Ptr(-2) }),
			[]wantErr{{ErrorTypeInvalid, "spec.completions", wantNegative}}},
		{"activeDeadlineSeconds must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.ActiveDeadline = Ptr(-time.Second) }),
			[]wantErr{{ErrorTypeInvalid, "spec.activeDeadlineSeconds", wantNegative}}},
		{"backoffLimit must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.BackoffLimit = Ptr(-1) }),
			[]wantErr{{ErrorTypeInvalid, "spec.backoffLimit", wantNegative}}},
		{"ttlSecondsAfterFinished must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.TTLAfterFinished = Ptr(-time.Minute) }),
			[]wantErr{{ErrorTypeInvalid, "spec.ttlSecondsAfterFinished", wantNegative}}},
		{"backoffLimitPerIndex must be non-negative", editJob(indexedValidJob(3), func(j *Job) { j.Spec.BackoffLimitPerIndex = Ptr(-1) }),
			[]wantErr{{ErrorTypeInvalid, "spec.backoffLimitPerIndex", wantNegative}}},
		{"maxFailedIndexes must be non-negative", editJob(indexedValidJob(3), func(j *Job) {
			j.Spec.BackoffLimitPerIndex = Ptr(1)
			j.Spec.MaxFailedIndexes = Ptr(-1)
		}), []wantErr{{ErrorTypeInvalid, "spec.maxFailedIndexes", wantNegative}}},
		{"terminationGracePeriodSeconds must be non-negative", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.TerminationGracePeriod = Ptr(-time.Second) }),
			[]wantErr{{ErrorTypeInvalid, "spec.template.spec.terminationGracePeriodSeconds", wantNegative}}},
		{"terminationGracePeriodSeconds is required", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.TerminationGracePeriod = nil }),
			[]wantErr{{ErrorTypeRequired, "spec.template.spec.terminationGracePeriodSeconds", ""}}},
		{"ints must fit int32", editJob(minimalValidJob(), func(j *Job) {
			j.Spec.Parallelism = Ptr(math.MaxInt32 + 1)
			j.Spec.Completions = Ptr(math.MaxInt)
			j.Spec.BackoffLimit = Ptr(1 << 40)
		}), []wantErr{
			{ErrorTypeInvalid, "spec.parallelism", wantInt32Max},
			{ErrorTypeInvalid, "spec.completions", wantInt32Max},
			{ErrorTypeInvalid, "spec.backoffLimit", wantInt32Max},
		}},
		{"ttlSecondsAfterFinished must fit int32", editJob(minimalValidJob(), func(j *Job) { j.Spec.TTLAfterFinished = Ptr((math.MaxInt32 + 1) * time.Second) }),
			[]wantErr{{ErrorTypeInvalid, "spec.ttlSecondsAfterFinished", wantInt32Max}}},
		{"durations must be whole seconds", editJob(minimalValidJob(), func(j *Job) {
			j.Spec.ActiveDeadline = Ptr(1500 * time.Millisecond)
			j.Spec.TTLAfterFinished = Ptr(time.Nanosecond)
			j.Spec.Template.Spec.TerminationGracePeriod = Ptr(2500 * time.Millisecond)
		}), []wantErr{
			{ErrorTypeInvalid, "spec.activeDeadlineSeconds", wantWholeSeconds},
			{ErrorTypeInvalid, "spec.ttlSecondsAfterFinished", wantWholeSeconds},
			{ErrorTypeInvalid, "spec.template.spec.terminationGracePeriodSeconds", wantWholeSeconds},
		}},
		{"negative fractional duration gets both errors", editJob(minimalValidJob(), func(j *Job) { j.Spec.ActiveDeadline = Ptr(-1500 * time.Millisecond) }),
			[]wantErr{
				{ErrorTypeInvalid, "spec.activeDeadlineSeconds", wantNegative},
				{ErrorTypeInvalid, "spec.activeDeadlineSeconds", wantWholeSeconds},
			}},
	})
}

func TestValidateCompletionMode(t *testing.T) {
	const highBLPI = "when completions are above 100000 and used with backoff limit per index"
	runValidationCases(t, []validationCase{
		{"completionMode must be supported", editJob(minimalValidJob(), func(j *Job) { j.Spec.CompletionMode = "Sometimes" }),
			[]wantErr{{ErrorTypeNotSupported, "spec.completionMode", `supported values: "NonIndexed", "Indexed"`}}},
		{"Indexed requires completions", editJob(indexedValidJob(1), func(j *Job) { j.Spec.Completions = nil }),
			[]wantErr{{ErrorTypeRequired, "spec.completions", "when completion mode is Indexed"}}},
		{"Indexed parallelism is capped", editJob(indexedValidJob(5), func(j *Job) { j.Spec.Parallelism = Ptr(100_001) }),
			[]wantErr{{ErrorTypeInvalid, "spec.parallelism", "must be less than or equal to 100000 when completion mode is Indexed"}}},
		{"Indexed parallelism at the cap is valid", editJob(indexedValidJob(5), func(j *Job) { j.Spec.Parallelism = Ptr(100_000) }), nil},
		{"maxFailedIndexes at most completions", editJob(indexedValidJob(3), func(j *Job) {
			j.Spec.BackoffLimitPerIndex = Ptr(1)
			j.Spec.MaxFailedIndexes = Ptr(4)
		}), []wantErr{{ErrorTypeInvalid, "spec.maxFailedIndexes", "must be less than or equal to completions"}}},
		{"maxFailedIndexes is capped", editJob(indexedValidJob(150_000), func(j *Job) {
			j.Spec.BackoffLimitPerIndex = Ptr(1)
			j.Spec.MaxFailedIndexes = Ptr(100_001)
		}), []wantErr{
			{ErrorTypeInvalid, "spec.maxFailedIndexes", "must be less than or equal to 100000"},
			{ErrorTypeInvalid, "spec.maxFailedIndexes", "must be less than or equal to 10000 " + highBLPI},
		}},
		{"high completions with backoffLimitPerIndex", editJob(indexedValidJob(100_001), func(j *Job) {
			j.Spec.BackoffLimitPerIndex = Ptr(1)
			j.Spec.Parallelism = Ptr(10_001)
		}), []wantErr{
			{ErrorTypeRequired, "spec.maxFailedIndexes", "must be specified when completions is above 100000"},
			{ErrorTypeInvalid, "spec.parallelism", "must be less than or equal to 10000 " + highBLPI},
		}},
		{"high completions without backoffLimitPerIndex are valid", indexedValidJob(100_001), nil},
		{"backoffLimitPerIndex requires Indexed", editJob(minimalValidJob(), func(j *Job) {
			j.Spec.BackoffLimitPerIndex = Ptr(1)
			j.Spec.MaxFailedIndexes = Ptr(1)
		}), []wantErr{
			{ErrorTypeInvalid, "spec.backoffLimitPerIndex", "requires indexed completion mode"},
			{ErrorTypeInvalid, "spec.maxFailedIndexes", "requires indexed completion mode"},
		}},
		{"maxFailedIndexes requires backoffLimitPerIndex", editJob(indexedValidJob(3), func(j *Job) { j.Spec.MaxFailedIndexes = Ptr(1) }),
			[]wantErr{{ErrorTypeRequired, "spec.backoffLimitPerIndex", "when maxFailedIndexes is specified"}}},
		{"Indexed pod hostnames must be DNS labels", editJob(indexedValidJob(100), func(j *Job) { j.Name = strings.Repeat("a", 61) }),
			[]wantErr{{ErrorTypeInvalid, "metadata.name", "will not able to create pod with invalid DNS label: " + strings.Repeat("a", 61) + "-99"}}},
		{"Indexed pod hostname of 63 characters is valid", editJob(indexedValidJob(10), func(j *Job) { j.Name = strings.Repeat("a", 61) }), nil},
		{"Indexed pod hostnames must not contain dots", editJob(indexedValidJob(2), func(j *Job) { j.Name = "a.b" }),
			[]wantErr{{ErrorTypeInvalid, "metadata.name", "will not able to create pod with invalid DNS label: a.b-1"}}},
	})
}

func TestValidateManagedBy(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"managedBy must be a domain-prefixed path", editJob(minimalValidJob(), func(j *Job) { j.Spec.ManagedBy = "my-controller" }),
			[]wantErr{{ErrorTypeInvalid, "spec.managedBy", `must be a domain-prefixed path (such as "acme.io/foo")`}}},
		{"managedBy domain must be a subdomain", editJob(minimalValidJob(), func(j *Job) { j.Spec.ManagedBy = "Acme.io/x" }),
			[]wantErr{{ErrorTypeInvalid, "spec.managedBy", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}}},
		{"managedBy path must be an HTTP path", editJob(minimalValidJob(), func(j *Job) { j.Spec.ManagedBy = "acme.io/a b" }),
			[]wantErr{{ErrorTypeInvalid, "spec.managedBy", `Invalid path (regex used for validation is '[A-Za-z0-9/\-._~%!$&'()*+,;=:]+')`}}},
		{"managedBy is at most 63 bytes", editJob(minimalValidJob(), func(j *Job) { j.Spec.ManagedBy = "acme.io/" + strings.Repeat("x", 56) }),
			[]wantErr{{ErrorTypeTooLong, "spec.managedBy", "may not be more than 63 bytes"}}},
	})
}

func TestValidateRestartPolicy(t *testing.T) {
	const path = "spec.template.spec.restartPolicy"
	runValidationCases(t, []validationCase{
		{"restartPolicy empty is required", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.RestartPolicy = "" }),
			[]wantErr{{ErrorTypeRequired, path, `valid values: "OnFailure", "Never"`}}},
		{"restartPolicy Always is refused", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.RestartPolicy = RestartAlways }),
			[]wantErr{{ErrorTypeRequired, path, `valid values: "OnFailure", "Never"`}}},
		{"restartPolicy unknown is unsupported by pod and job", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.RestartPolicy = "Sometimes" }),
			[]wantErr{
				{ErrorTypeNotSupported, path, `supported values: "Always", "OnFailure", "Never"`},
				{ErrorTypeNotSupported, path, `supported values: "OnFailure", "Never"`},
			}},
		{"restartPolicy OnFailure refused with podFailurePolicy", editJob(pfpValidJob(failJobOnExit(1)), func(j *Job) { j.Spec.Template.Spec.RestartPolicy = RestartOnFailure }),
			[]wantErr{{ErrorTypeInvalid, path, `only "Never" is supported when podFailurePolicy is specified`}}},
	})
}

func TestValidatePodFailurePolicy(t *testing.T) {
	const rules = "spec.podFailurePolicy.rules"
	many := pfpValidJob(failJobOnExit(1))
	for range 20 {
		many.Spec.PodFailurePolicy.Rules = append(many.Spec.PodFailurePolicy.Rules, failJobOnExit(2))
	}
	values := make([]int, 256)
	for i := range values {
		values[i] = i + 1
	}
	conds := make([]PodFailurePolicyOnPodCondition, 21)
	for i := range conds {
		conds[i] = PodFailurePolicyOnPodCondition{Type: "DisruptionTarget", Status: ConditionTrue}
	}
	withInit := pfpValidJob(PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{ContainerName: "setup", Operator: OpIn, Values: []int{1}}})
	withInit.Spec.Template.Spec.InitContainers = []Container{{Name: "setup", Image: "busybox"}}
	runValidationCases(t, []validationCase{
		{"at most 20 rules", many, []wantErr{{ErrorTypeTooMany, rules, "must have at most 20 items"}}},
		{"action is required", pfpValidJob(PodFailurePolicyRule{OnExitCodes: exitCodesReq(OpIn, 1)}),
			[]wantErr{{ErrorTypeRequired, rules + "[0].action", `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`}}},
		{"action must be supported", pfpValidJob(PodFailurePolicyRule{Action: "Explode", OnExitCodes: exitCodesReq(OpIn, 1)}),
			[]wantErr{{ErrorTypeNotSupported, rules + "[0].action", `supported values: "Count", "FailIndex", "FailJob", "Ignore"`}}},
		{"FailIndex requires backoffLimitPerIndex", pfpValidJob(PodFailurePolicyRule{Action: ActionFailIndex, OnExitCodes: exitCodesReq(OpIn, 1)}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].action", "requires the backoffLimitPerIndex to be set"}}},
		{"not both onExitCodes and onPodConditions", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore, OnExitCodes: exitCodesReq(OpIn, 1),
			OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget", Status: ConditionTrue}}}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0]", "specifying both OnExitCodes and OnPodConditions is not supported"}}},
		{"one of onExitCodes and onPodConditions", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0]", "specifying one of OnExitCodes and OnPodConditions is required"}}},
		{"operator is required", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: exitCodesReq("", 1)}),
			[]wantErr{{ErrorTypeRequired, rules + "[0].onExitCodes.operator", `valid values: ["In" "NotIn"]`}}},
		{"operator must be supported", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: exitCodesReq("Between", 1)}),
			[]wantErr{{ErrorTypeNotSupported, rules + "[0].onExitCodes.operator", `supported values: "In", "NotIn"`}}},
		{"containerName must name a container", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: &PodFailurePolicyOnExitCodes{ContainerName: "other", Operator: OpIn, Values: []int{1}}}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onExitCodes.containerName", "must be one of the container or initContainer names in the pod template"}}},
		{"containerName may name an init container", withInit, nil},
		{"values need at least one", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: exitCodesReq(OpIn)}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onExitCodes.values", "at least one value is required"}}},
		{"at most 255 values", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: exitCodesReq(OpIn, values...)}),
			[]wantErr{{ErrorTypeTooMany, rules + "[0].onExitCodes.values", "must have at most 255 items"}}},
		{"values must be unique", pfpValidJob(failJobOnExit(1, 1, 2)),
			[]wantErr{{ErrorTypeDuplicate, rules + "[0].onExitCodes.values[1]", ""}}},
		{"values must be ordered", pfpValidJob(failJobOnExit(3, 1)),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onExitCodes.values", "must be ordered"}}},
		{"value 0 refused with In", pfpValidJob(failJobOnExit(0, 1)),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onExitCodes.values[0]", "must not be 0 for the In operator"}}},
		{"value 0 allowed with NotIn", pfpValidJob(PodFailurePolicyRule{Action: ActionCount, OnExitCodes: exitCodesReq(OpNotIn, 0, 1)}), nil},
		{"values must fit int32", pfpValidJob(failJobOnExit(1, math.MaxInt32+1)),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onExitCodes.values[1]", "must be between -2147483648 and 2147483647, inclusive"}}},
		{"at most 20 condition patterns", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore, OnPodConditions: conds}),
			[]wantErr{{ErrorTypeTooMany, rules + "[0].onPodConditions", "must have at most 20 items"}}},
		{"condition type must be a qualified name", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore,
			OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "bad type", Status: ConditionTrue}}}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].onPodConditions[0].type", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"}}},
		{"condition status is required", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore,
			OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget"}}}),
			[]wantErr{{ErrorTypeRequired, rules + "[0].onPodConditions[0].status", `valid values: ["False" "True" "Unknown"]`}}},
		{"condition status must be supported", pfpValidJob(PodFailurePolicyRule{Action: ActionIgnore,
			OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget", Status: "Maybe"}}}),
			[]wantErr{{ErrorTypeNotSupported, rules + "[0].onPodConditions[0].status", `supported values: "False", "True", "Unknown"`}}},
	})
}

func TestValidatePodReplacementPolicy(t *testing.T) {
	const path = "spec.podReplacementPolicy"
	runValidationCases(t, []validationCase{
		{"podReplacementPolicy must be supported", editJob(minimalValidJob(), func(j *Job) { j.Spec.PodReplacementPolicy = "Never" }),
			[]wantErr{{ErrorTypeNotSupported, path, `supported values: "Failed", "TerminatingOrFailed"`}}},
		{"podReplacementPolicy Failed is valid", editJob(minimalValidJob(), func(j *Job) { j.Spec.PodReplacementPolicy = ReplaceFailed }), nil},
		{"podReplacementPolicy only Failed with podFailurePolicy", editJob(pfpValidJob(failJobOnExit(1)), func(j *Job) { j.Spec.PodReplacementPolicy = ReplaceTerminatingOrFailed }),
			[]wantErr{{ErrorTypeNotSupported, path, `supported values: "Failed"`}}},
	})
}

func TestValidateSuccessPolicy(t *testing.T) {
	const rules = "spec.successPolicy.rules"
	many := successPolicyJob(5)
	for range 21 {
		many.Spec.SuccessPolicy.Rules = append(many.Spec.SuccessPolicy.Rules, SuccessPolicyRule{SucceededCount: Ptr(1)})
	}
	parse := func(s string) string { return "error parsing succeededIndexes: " + s }
	runValidationCases(t, []validationCase{
		{"successPolicy requires Indexed", editJob(minimalValidJob(), func(j *Job) {
			j.Spec.SuccessPolicy = &SuccessPolicy{Rules: []SuccessPolicyRule{{SucceededCount: Ptr(1)}}}
		}), []wantErr{{ErrorTypeInvalid, "spec.successPolicy", "requires indexed completion mode"}}},
		{"at least one rule", successPolicyJob(5),
			[]wantErr{{ErrorTypeRequired, rules, "at least one rules must be specified when the successPolicy is specified"}}},
		{"at most 20 rules", many, []wantErr{{ErrorTypeTooMany, rules, "must have at most 20 items"}}},
		{"rule needs count or indexes", successPolicyJob(5, SuccessPolicyRule{}),
			[]wantErr{{ErrorTypeRequired, rules + "[0]", "at least one of succeededCount or succeededIndexes must be specified"}}},
		{"indexes must be increasing in an interval", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("3-1")}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse("non-increasing order, previous: 3, current: 1")}}},
		{"indexes must be increasing across intervals", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("1-2,2")}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse("non-increasing order, previous: 2, current: 2")}}},
		{"indexes must be below completions", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("0,5")}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse(`too large index: "5"`)}}},
		{"indexes must be numbers", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("1,x")}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse(`cannot convert string to integer for index: "x"`)}}},
		{"interval has at most two parts", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("1-2-3")}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse(`the fragment "1-2-3" violates the requirement that an index interval can have at most two parts separated by '-'`)}}},
		{"indexes at most 64Ki characters", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr(strings.Repeat("1", 64*1024+1))}),
			[]wantErr{
				{ErrorTypeTooLong, rules + "[0].succeededIndexes", "may not be more than 65536 bytes"},
				{ErrorTypeInvalid, rules + "[0].succeededIndexes", ""},
			}},
		{"count must be non-negative", successPolicyJob(5, SuccessPolicyRule{SucceededCount: Ptr(-1)}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededCount", wantNegative}}},
		{"count at most completions", successPolicyJob(5, SuccessPolicyRule{SucceededCount: Ptr(6)}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededCount", "must be less than or equal to 5 (the number of specified completions)"}}},
		{"count at most the listed indexes", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("1,3"), SucceededCount: Ptr(3)}),
			[]wantErr{{ErrorTypeInvalid, rules + "[0].succeededCount", "must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)"}}},
		{"count against unparsable indexes", successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("9"), SucceededCount: Ptr(1)}),
			[]wantErr{
				{ErrorTypeInvalid, rules + "[0].succeededIndexes", parse(`too large index: "9"`)},
				{ErrorTypeInvalid, rules + "[0].succeededCount", "must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)"},
			}},
		{"no completions does not panic", editJob(successPolicyJob(5, SuccessPolicyRule{SucceededIndexes: Ptr("0"), SucceededCount: Ptr(1)}), func(j *Job) { j.Spec.Completions = nil }),
			[]wantErr{{ErrorTypeRequired, "spec.completions", "when completion mode is Indexed"}}},
	})
}

func TestCountSucceededIndexes(t *testing.T) {
	for _, tc := range []struct {
		in    string
		total int
		want  string
	}{
		{"", 0, ""},
		{"0", 1, ""},
		{"0,2-5,9", 6, ""},
		{"+1", 1, ""},
		{"9-10", 0, `too large index: "10"`},
		{"1,,2", 0, `cannot convert string to integer for index: ""`},
		{"-1", 0, `cannot convert string to integer for index: ""`},
		{"3,1", 0, "non-increasing order, previous: 3, current: 1"},
		{"2-2", 0, "non-increasing order, previous: 2, current: 2"},
		{"99999999999999999999", 0, `cannot convert string to integer for index: "99999999999999999999"`},
	} {
		n, err := countSucceededIndexes(tc.in, 10)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if n != tc.total || gotErr != tc.want {
			t.Errorf("countSucceededIndexes(%q, 10) = %d, %q; want %d, %q", tc.in, n, gotErr, tc.total, tc.want)
		}
	}
}

func TestValidateMetadata(t *testing.T) {
	const subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	const labelValue = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	bigAnnotations := map[string]string{"a": strings.Repeat("x", 256*1024)}
	runValidationCases(t, []validationCase{
		{"name is required", editJob(minimalValidJob(), func(j *Job) { j.Name = "" }),
			[]wantErr{{ErrorTypeRequired, "metadata.name", "name or generateName is required"}}},
		{"name must be a DNS subdomain", editJob(minimalValidJob(), func(j *Job) { j.Name = "Pi_1" }),
			[]wantErr{{ErrorTypeInvalid, "metadata.name", subdomain}}},
		{"name may contain dots", editJob(minimalValidJob(), func(j *Job) { j.Name = "pi.v1" }), nil},
		{"name at most 253 characters", editJob(minimalValidJob(), func(j *Job) { j.Name = strings.Repeat("a", 254) }),
			[]wantErr{{ErrorTypeInvalid, "metadata.name", "must be no more than 253 characters"}}},
		{"namespace is required", editJob(minimalValidJob(), func(j *Job) { j.Namespace = "" }),
			[]wantErr{{ErrorTypeRequired, "metadata.namespace", ""}}},
		{"namespace must be a DNS label", editJob(minimalValidJob(), func(j *Job) { j.Namespace = "team.a" }),
			[]wantErr{{ErrorTypeInvalid, "metadata.namespace", "must not contain dots"}}},
		{"label keys must be qualified names", editJob(minimalValidJob(), func(j *Job) { j.Labels = map[string]string{"/app": "x"} }),
			[]wantErr{{ErrorTypeInvalid, "metadata.labels", "prefix part must be non-empty"}}},
		{"label values must be valid", editJob(minimalValidJob(), func(j *Job) { j.Labels = map[string]string{"app": "-x"} }),
			[]wantErr{{ErrorTypeInvalid, "metadata.labels", labelValue}}},
		{"label values at most 63 bytes", editJob(minimalValidJob(), func(j *Job) { j.Labels = map[string]string{"app": strings.Repeat("x", 64)} }),
			[]wantErr{{ErrorTypeInvalid, "metadata.labels", "must be no more than 63 bytes"}}},
		{"annotation keys must be qualified names", editJob(minimalValidJob(), func(j *Job) { j.Annotations = map[string]string{"a/b/c": ""} }),
			[]wantErr{{ErrorTypeInvalid, "metadata.annotations", ""}}},
		{"annotations at most 256 KiB", editJob(minimalValidJob(), func(j *Job) { j.Annotations = bigAnnotations }),
			[]wantErr{{ErrorTypeTooLong, "metadata.annotations", "may not be more than 262144 bytes"}}},
		{"template labels are checked", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Labels = map[string]string{"bad key": "v"} }),
			[]wantErr{{ErrorTypeInvalid, "spec.template.labels", ""}}},
		{"template annotations are checked", editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Annotations = map[string]string{"-bad": "v"} }),
			[]wantErr{{ErrorTypeInvalid, "spec.template.annotations", ""}}},
	})
}

func TestValidatePodTemplate(t *testing.T) {
	const c0 = "spec.template.spec.containers[0]"
	const label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	spec := func(f func(s *PodSpec)) Job {
		return editJob(minimalValidJob(), func(j *Job) { f(&j.Spec.Template.Spec) })
	}
	runValidationCases(t, []validationCase{
		{"containers are required", spec(func(s *PodSpec) { s.Containers = nil }),
			[]wantErr{{ErrorTypeRequired, "spec.template.spec.containers", ""}}},
		{"container name is required", spec(func(s *PodSpec) { s.Containers[0].Name = "" }),
			[]wantErr{{ErrorTypeRequired, c0 + ".name", ""}}},
		{"container name must be a DNS label", spec(func(s *PodSpec) { s.Containers[0].Name = "Main" }),
			[]wantErr{{ErrorTypeInvalid, c0 + ".name", label}}},
		{"container image is required", spec(func(s *PodSpec) { s.Containers[0].Image = "" }),
			[]wantErr{{ErrorTypeRequired, c0 + ".image", ""}}},
		{"container names are unique", spec(func(s *PodSpec) { s.Containers = append(s.Containers, Container{Name: "main", Image: "x"}) }),
			[]wantErr{{ErrorTypeDuplicate, "spec.template.spec.containers[1].name", ""}}},
		{"init container names are unique across containers", spec(func(s *PodSpec) {
			s.InitContainers = []Container{{Name: "setup", Image: "x"}, {Name: "main", Image: "x"}, {Name: "setup", Image: "x"}}
		}), []wantErr{
			{ErrorTypeDuplicate, "spec.template.spec.initContainers[1].name", ""},
			{ErrorTypeDuplicate, "spec.template.spec.initContainers[2].name", ""},
		}},
		{"init containers need name and image", spec(func(s *PodSpec) { s.InitContainers = []Container{{}} }),
			[]wantErr{
				{ErrorTypeRequired, "spec.template.spec.initContainers[0].name", ""},
				{ErrorTypeRequired, "spec.template.spec.initContainers[0].image", ""},
			}},
		{"env names are required", spec(func(s *PodSpec) { s.Containers[0].Env = []EnvVar{{Value: "x"}} }),
			[]wantErr{{ErrorTypeRequired, c0 + ".env[0].name", ""}}},
		{"env names are printable ASCII without '='", spec(func(s *PodSpec) { s.Containers[0].Env = []EnvVar{{Name: "A=B"}} }),
			[]wantErr{{ErrorTypeInvalid, c0 + ".env[0].name", "a valid environment variable name must consist only of printable ASCII characters other than '='"}}},
		{"env value and fieldPath exclude each other", spec(func(s *PodSpec) { s.Containers[0].Env = []EnvVar{{Name: "A", Value: "x", FieldPath: "metadata.name"}} }),
			[]wantErr{{ErrorTypeInvalid, c0 + ".env[0].valueFrom", "may not be specified when `value` is not empty"}}},
		{"hostname must be a DNS label", spec(func(s *PodSpec) { s.Hostname = "a.b" }),
			[]wantErr{{ErrorTypeInvalid, "spec.template.spec.hostname", "must not contain dots"}}},
		{"nodeName must be a DNS subdomain", spec(func(s *PodSpec) { s.NodeName = "Node_1" }),
			[]wantErr{{ErrorTypeInvalid, "spec.template.spec.nodeName", ""}}},
		{"nodeSelector is checked as labels, at the map's path", spec(func(s *PodSpec) { s.NodeSelector = map[string]string{"disk": "-ssd", "a b": "x"} }),
			[]wantErr{
				{ErrorTypeInvalid, "spec.template.spec.nodeSelector", "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
				{ErrorTypeInvalid, "spec.template.spec.nodeSelector", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
			}},
	})
}

func TestValidateBehaviorAnnotations(t *testing.T) {
	const run = "spec.template.metadata.annotations[jobsim.dev/run]"
	const code = "spec.template.metadata.annotations[jobsim.dev/exit-code]"
	const codeMsg = "must be an integer between 0 and 255, inclusive"
	runValidationCases(t, []validationCase{
		{"run must be a duration", behaviorAnnotatedJob("soon", "0"),
			[]wantErr{{ErrorTypeInvalid, run, `must be a duration such as "90s" or "1m30s"`}}},
		{"run must not be negative", behaviorAnnotatedJob("-1s", "0"), []wantErr{{ErrorTypeInvalid, run, wantNegative}}},
		{"run zero is valid", behaviorAnnotatedJob("0s", "255"), nil},
		{"exit code must be an integer", behaviorAnnotatedJob("1s", "one"), []wantErr{{ErrorTypeInvalid, code, codeMsg}}},
		{"exit code at most 255", behaviorAnnotatedJob("1s", "256"), []wantErr{{ErrorTypeInvalid, code, codeMsg}}},
		{"exit code not negative", behaviorAnnotatedJob("1s", "-1"), []wantErr{{ErrorTypeInvalid, code, codeMsg}}},
	})
}

func TestValidateReportsEveryProblem(t *testing.T) {
	j := minimalValidJob()
	j.Name = ""
	j.Spec.Parallelism = Ptr(-1)
	j.Spec.Completions = Ptr(-2)
	j.Spec.CompletionMode = "Sometimes"
	j.Spec.Template.Spec.RestartPolicy = RestartAlways
	j.Spec.Template.Spec.Containers[0].Image = ""
	j.Spec.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: "Explode", OnExitCodes: exitCodesReq(OpIn, 0)}}}
	checkFieldErrors(t, fieldErrorsOf(t, Validate(j)), []wantErr{
		{ErrorTypeRequired, "metadata.name", ""},
		{ErrorTypeInvalid, "spec.parallelism", wantNegative},
		{ErrorTypeInvalid, "spec.completions", wantNegative},
		{ErrorTypeNotSupported, "spec.completionMode", ""},
		{ErrorTypeNotSupported, "spec.podFailurePolicy.rules[0].action", ""},
		{ErrorTypeInvalid, "spec.podFailurePolicy.rules[0].onExitCodes.values[0]", "must not be 0 for the In operator"},
		{ErrorTypeNotSupported, "spec.podReplacementPolicy", `supported values: "Failed"`},
		{ErrorTypeRequired, "spec.template.spec.containers[0].image", ""},
		{ErrorTypeRequired, "spec.template.spec.restartPolicy", ""},
	})
}

func TestFieldErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		err  FieldError
		want string
	}{
		{FieldError{ErrorTypeInvalid, "spec.parallelism", -1, "must be greater than or equal to 0"},
			"spec.parallelism: Invalid value: -1: must be greater than or equal to 0"},
		{FieldError{ErrorTypeInvalid, "spec.activeDeadlineSeconds", int64(-5), "must be greater than or equal to 0"},
			"spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0"},
		{FieldError{ErrorTypeInvalid, "metadata.name", "Pi", "bad"}, `metadata.name: Invalid value: "Pi": bad`},
		{FieldError{ErrorTypeRequired, "spec.template.spec.containers", "", ""}, "spec.template.spec.containers: Required value"},
		{FieldError{ErrorTypeRequired, "spec.completions", "", "when completion mode is Indexed"},
			"spec.completions: Required value: when completion mode is Indexed"},
		{FieldError{ErrorTypeNotSupported, "spec.completionMode", CompletionMode("Foo"), `supported values: "NonIndexed", "Indexed"`},
			`spec.completionMode: Unsupported value: "Foo": supported values: "NonIndexed", "Indexed"`},
		{FieldError{ErrorTypeDuplicate, "spec.podFailurePolicy.rules[0].onExitCodes.values[1]", 3, ""},
			"spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Duplicate value: 3"},
		{FieldError{ErrorTypeTooMany, "spec.podFailurePolicy.rules", 21, "must have at most 20 items"},
			"spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items"},
		{FieldError{ErrorTypeTooLong, "spec.managedBy", "<value omitted>", "may not be more than 63 bytes"},
			"spec.managedBy: Too long: may not be more than 63 bytes"},
		{FieldError{ErrorTypeForbidden, "spec.x", "", "not allowed"}, "spec.x: Forbidden: not allowed"},
		{FieldError{ErrorTypeInvalid, "spec.podFailurePolicy.rules[0]", omittedValue{}, "specifying one of OnExitCodes and OnPodConditions is required"},
			"spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required"},
		{FieldError{ErrorTypeInvalid, "spec.podFailurePolicy.rules[0].onExitCodes.values", []int{3, 1}, "must be ordered"},
			"spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,1]: must be ordered"},
		{FieldError{ErrorTypeInvalid, "spec.completions", (*int)(nil), "field is immutable"},
			"spec.completions: Invalid value: null: field is immutable"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\nwant      %q", got, tc.want)
		}
	}
}

func TestValidationErrorFormat(t *testing.T) {
	one := editJob(minimalValidJob(), func(j *Job) { j.Spec.Parallelism = Ptr(-1) })
	if got, wantErr := Validate(one).Error(),
		`Job.batch "pi" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0`; got != wantErr {
		t.Errorf("one error:\n got %s\nwant %s", got, wantErr)
	}
	two := editJob(one, func(j *Job) { j.Spec.Template.Spec.Containers[0].Image = "" })
	if got, wantErr := Validate(two).Error(),
		`Job.batch "pi" is invalid: [spec.parallelism: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]`; got != wantErr {
		t.Errorf("two errors:\n got %s\nwant %s", got, wantErr)
	}
	dup := &ValidationError{Kind: "Job.batch", Name: "x", Errors: []FieldError{
		{ErrorTypeRequired, "a", "", ""}, {ErrorTypeRequired, "a", "", ""},
	}}
	if got, wantErr := dup.Error(), `Job.batch "x" is invalid: a: Required value`; got != wantErr {
		t.Errorf("duplicate errors:\n got %s\nwant %s", got, wantErr)
	}
	immutable := ValidateUpdate(minimalValidJob(), editJob(minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.Containers[0].Image = "alpine" }))
	if msg := immutable.Error(); !strings.HasPrefix(msg, `Job.batch "pi" is invalid: spec.template: Invalid value: {`) || !strings.HasSuffix(msg, ": field is immutable") {
		t.Errorf("template immutable error = %s", msg)
	}
}

func TestSetDefaults(t *testing.T) {
	grace := Ptr(30 * time.Second)
	for _, tc := range []struct {
		name string
		in   Job
		want Job
	}{
		{"empty job", Job{}, Job{Namespace: "default", Spec: JobSpec{
			Parallelism: Ptr(1), Completions: Ptr(1), CompletionMode: NonIndexed, BackoffLimit: Ptr(6),
			PodReplacementPolicy: ReplaceTerminatingOrFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: grace}},
		}}},
		{"parallelism only keeps work-queue mode", Job{Spec: JobSpec{Parallelism: Ptr(3)}}, Job{Namespace: "default", Spec: JobSpec{
			Parallelism: Ptr(3), CompletionMode: NonIndexed, BackoffLimit: Ptr(6),
			PodReplacementPolicy: ReplaceTerminatingOrFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: grace}},
		}}},
		{"completions only defaults parallelism to 1", Job{Spec: JobSpec{Completions: Ptr(5)}}, Job{Namespace: "default", Spec: JobSpec{
			Parallelism: Ptr(1), Completions: Ptr(5), CompletionMode: NonIndexed, BackoffLimit: Ptr(6),
			PodReplacementPolicy: ReplaceTerminatingOrFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: grace}},
		}}},
		{"backoffLimitPerIndex makes backoffLimit MaxInt32", Job{Spec: JobSpec{CompletionMode: Indexed, BackoffLimitPerIndex: Ptr(1)}},
			Job{Namespace: "default", Spec: JobSpec{
				Parallelism: Ptr(1), Completions: Ptr(1), CompletionMode: Indexed, BackoffLimit: Ptr(math.MaxInt32), BackoffLimitPerIndex: Ptr(1),
				PodReplacementPolicy: ReplaceTerminatingOrFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: grace}},
			}}},
		{"set fields are kept", Job{Namespace: "ns", Spec: JobSpec{
			Parallelism: Ptr(0), Completions: Ptr(0), CompletionMode: Indexed, BackoffLimit: Ptr(2), BackoffLimitPerIndex: Ptr(1),
			PodReplacementPolicy: ReplaceFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: Ptr(time.Duration(0))}},
		}}, Job{Namespace: "ns", Spec: JobSpec{
			Parallelism: Ptr(0), Completions: Ptr(0), CompletionMode: Indexed, BackoffLimit: Ptr(2), BackoffLimitPerIndex: Ptr(1),
			PodReplacementPolicy: ReplaceFailed, Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: Ptr(time.Duration(0))}},
		}}},
		{"podFailurePolicy makes replacement Failed and defaults condition status", Job{Spec: JobSpec{PodFailurePolicy: &PodFailurePolicy{Rules: []PodFailurePolicyRule{
			{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget"}, {Type: "Custom", Status: ConditionFalse}}},
		}}}}, Job{Namespace: "default", Spec: JobSpec{
			Parallelism: Ptr(1), Completions: Ptr(1), CompletionMode: NonIndexed, BackoffLimit: Ptr(6), PodReplacementPolicy: ReplaceFailed,
			PodFailurePolicy: &PodFailurePolicy{Rules: []PodFailurePolicyRule{
				{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget", Status: ConditionTrue}, {Type: "Custom", Status: ConditionFalse}}},
			}},
			Template: PodTemplate{Spec: PodSpec{TerminationGracePeriod: grace}},
		}}},
		{"job labels default to template labels", Job{Spec: JobSpec{Template: PodTemplate{Labels: map[string]string{"app": "pi"}}}},
			Job{Namespace: "default", Labels: map[string]string{"app": "pi"}, Spec: JobSpec{
				Parallelism: Ptr(1), Completions: Ptr(1), CompletionMode: NonIndexed, BackoffLimit: Ptr(6), PodReplacementPolicy: ReplaceTerminatingOrFailed,
				Template: PodTemplate{Labels: map[string]string{"app": "pi"}, Spec: PodSpec{TerminationGracePeriod: grace}},
			}}},
		{"own job labels are kept", Job{Labels: map[string]string{"team": "a"}, Spec: JobSpec{Template: PodTemplate{Labels: map[string]string{"app": "pi"}}}},
			Job{Namespace: "default", Labels: map[string]string{"team": "a"}, Spec: JobSpec{
				Parallelism: Ptr(1), Completions: Ptr(1), CompletionMode: NonIndexed, BackoffLimit: Ptr(6), PodReplacementPolicy: ReplaceTerminatingOrFailed,
				Template: PodTemplate{Labels: map[string]string{"app": "pi"}, Spec: PodSpec{TerminationGracePeriod: grace}},
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			SetDefaults(&got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SetDefaults (-want +got):\n%s", diff)
			}
		})
	}
	SetDefaults(nil) // must not panic
}

func TestSetDefaultsDoesNotShareInput(t *testing.T) {
	policy := &PodFailurePolicy{Rules: []PodFailurePolicyRule{{Action: ActionIgnore, OnPodConditions: []PodFailurePolicyOnPodCondition{{Type: "DisruptionTarget"}}}}}
	tmplLabels := map[string]string{"app": "pi"}
	j := Job{Spec: JobSpec{PodFailurePolicy: policy, Template: PodTemplate{Labels: tmplLabels}}}
	SetDefaults(&j)
	if s := policy.Rules[0].OnPodConditions[0].Status; s != "" {
		t.Errorf("caller's policy was defaulted in place: status %q", s)
	}
	if s := j.Spec.PodFailurePolicy.Rules[0].OnPodConditions[0].Status; s != ConditionTrue {
		t.Errorf("defaulted status = %q, want True", s)
	}
	j.Labels["extra"] = "x"
	if _, ok := tmplLabels["extra"]; ok {
		t.Error("job labels share the template's map")
	}
}

func TestValidateUpdate(t *testing.T) {
	indexed := func() Job {
		j := indexedValidJob(5)
		j.Spec.Parallelism = Ptr(5)
		j.Spec.BackoffLimitPerIndex = Ptr(1)
		j.Spec.MaxFailedIndexes = Ptr(2)
		j.Spec.SuccessPolicy = &SuccessPolicy{Rules: []SuccessPolicyRule{{SucceededCount: Ptr(3)}}}
		return j
	}
	immutable := func(field string) []wantErr { return []wantErr{{ErrorTypeInvalid, field, "field is immutable"}} }
	for _, tc := range []struct {
		name string
		old  Job
		edit func(j *Job)
		want []wantErr
	}{
		{"no change", minimalValidJob(), func(*Job) {}, nil},
		{"parallelism is mutable", minimalValidJob(), func(j *Job) { j.Spec.Parallelism = Ptr(0) }, nil},
		{"suspend is mutable", minimalValidJob(), func(j *Job) { j.Spec.Suspend = true }, nil},
		{"activeDeadlineSeconds is mutable", minimalValidJob(), func(j *Job) { j.Spec.ActiveDeadline = Ptr(time.Minute) }, nil},
		{"backoffLimit is mutable", minimalValidJob(), func(j *Job) { j.Spec.BackoffLimit = Ptr(1) }, nil},
		{"maxFailedIndexes is mutable", indexed(), func(j *Job) { j.Spec.MaxFailedIndexes = Ptr(4) }, nil},
		{"ttlSecondsAfterFinished is mutable", minimalValidJob(), func(j *Job) { j.Spec.TTLAfterFinished = Ptr(time.Hour) }, nil},
		{"podReplacementPolicy is mutable", minimalValidJob(), func(j *Job) { j.Spec.PodReplacementPolicy = ReplaceFailed }, nil},
		{"completionMode is immutable", minimalValidJob(), func(j *Job) { j.Spec.CompletionMode = Indexed }, immutable("spec.completionMode")},
		{"template is immutable", minimalValidJob(), func(j *Job) { j.Spec.Template.Spec.Containers[0].Image = "alpine" }, immutable("spec.template")},
		{"template labels are immutable", minimalValidJob(), func(j *Job) { j.Spec.Template.Labels = map[string]string{"a": "b"} }, immutable("spec.template")},
		{"empty template maps equal nil ones", minimalValidJob(), func(j *Job) {
			j.Spec.Template.Labels = map[string]string{}
			j.Spec.Template.Spec.InitContainers = []Container{}
		}, nil},
		{"podFailurePolicy is immutable", minimalValidJob(), func(j *Job) {
			j.Spec.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{failJobOnExit(1)}}
			j.Spec.PodReplacementPolicy = ReplaceFailed
		}, immutable("spec.podFailurePolicy")},
		{"successPolicy is immutable", indexed(), func(j *Job) { j.Spec.SuccessPolicy.Rules[0].SucceededCount = Ptr(4) }, immutable("spec.successPolicy")},
		{"backoffLimitPerIndex is immutable", indexed(), func(j *Job) { j.Spec.BackoffLimitPerIndex = Ptr(2) }, immutable("spec.backoffLimitPerIndex")},
		{"managedBy is immutable", minimalValidJob(), func(j *Job) { j.Spec.ManagedBy = "acme.io/ctl" }, immutable("spec.managedBy")},
		{"name is immutable", minimalValidJob(), func(j *Job) { j.Name = "other" }, immutable("metadata.name")},
		{"completions immutable for NonIndexed", minimalValidJob(), func(j *Job) { j.Spec.Completions = Ptr(2) }, immutable("spec.completions")},
		{"Indexed completions change alone is refused", indexed(), func(j *Job) { j.Spec.Completions = Ptr(6) },
			[]wantErr{{ErrorTypeInvalid, "spec.completions", "can only be modified in tandem with spec.parallelism"}}},
		{"Indexed completions change with equal parallelism is allowed", indexed(), func(j *Job) {
			j.Spec.Completions = Ptr(6)
			j.Spec.Parallelism = Ptr(6)
		}, nil},
		{"new job must be valid", minimalValidJob(), func(j *Job) { j.Spec.Parallelism = Ptr(-1) },
			[]wantErr{{ErrorTypeInvalid, "spec.parallelism", wantNegative}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := tc.old
			// Edit a copy whose pointers, slices and maps are not shared with old.
			newJob := tc.old
			newJob.Spec.Template.Spec.Containers = append([]Container(nil), old.Spec.Template.Spec.Containers...)
			if old.Spec.SuccessPolicy != nil {
				newJob.Spec.SuccessPolicy = &SuccessPolicy{Rules: append([]SuccessPolicyRule(nil), old.Spec.SuccessPolicy.Rules...)}
			}
			tc.edit(&newJob)
			checkFieldErrors(t, fieldErrorsOf(t, ValidateUpdate(old, newJob)), tc.want)
		})
	}
}

// genValidationInt draws small, typical and extreme ints.
func genValidationInt() *rapid.Generator[int] {
	return rapid.OneOf(
		rapid.IntRange(-3, 12),
		rapid.Int(),
		rapid.SampledFrom([]int{math.MinInt, math.MinInt32 - 1, math.MinInt32, math.MaxInt32, math.MaxInt32 + 1,
			math.MaxInt, 10_000, 10_001, 100_000, 100_001}),
	)
}

func genValidationDuration() *rapid.Generator[time.Duration] {
	return rapid.OneOf(
		rapid.Map(rapid.Int64Range(-3, 100), func(n int64) time.Duration { return time.Duration(n) * time.Second }),
		rapid.Map(rapid.Int64(), func(n int64) time.Duration { return time.Duration(n) }),
	)
}

func genValidationString() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"", "a", "main", "Indexed", "NonIndexed", "In", "NotIn", "Never", "OnFailure", "Always",
			"Failed", "TerminatingOrFailed", "True", "False", "acme.io/x", "a/b/c", "/", "0", "0-3,5", "1-", "-", ",", "9999999999999999999999"}),
		rapid.String(),
		rapid.StringMatching(`[a-z0-9./-]{0,70}`),
	)
}

func genValidationMap() *rapid.Generator[map[string]string] {
	return rapid.MapOfN(genValidationString(), genValidationString(), 0, 3)
}

func genValidationContainers(t *rapid.T, label string) []Container {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Container {
		return Container{
			Name:  genValidationString().Draw(t, "name"),
			Image: genValidationString().Draw(t, "image"),
			Env: rapid.SliceOfN(rapid.Custom(func(t *rapid.T) EnvVar {
				return EnvVar{Name: genValidationString().Draw(t, "env"), Value: genValidationString().Draw(t, "value"), FieldPath: genValidationString().Draw(t, "fieldPath")}
			}), 0, 2).Draw(t, "envs"),
		}
	}), 0, 3).Draw(t, label)
}

func genValidationPFP(t *rapid.T) *PodFailurePolicy {
	if !rapid.Bool().Draw(t, "hasPFP") {
		return nil
	}
	rule := rapid.Custom(func(t *rapid.T) PodFailurePolicyRule {
		r := PodFailurePolicyRule{Action: PodFailurePolicyAction(genValidationString().Draw(t, "action"))}
		if rapid.Bool().Draw(t, "hasExitCodes") {
			r.OnExitCodes = &PodFailurePolicyOnExitCodes{
				ContainerName: genValidationString().Draw(t, "container"),
				Operator:      PodFailurePolicyOperator(genValidationString().Draw(t, "op")),
				Values:        rapid.SliceOfN(genValidationInt(), 0, 6).Draw(t, "values"),
			}
		}
		r.OnPodConditions = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) PodFailurePolicyOnPodCondition {
			return PodFailurePolicyOnPodCondition{Type: genValidationString().Draw(t, "type"), Status: ConditionStatus(genValidationString().Draw(t, "status"))}
		}), 0, 2).Draw(t, "conds")
		return r
	})
	return &PodFailurePolicy{Rules: rapid.SliceOfN(rule, 0, 22).Draw(t, "rules")}
}

func genValidationSP(t *rapid.T) *SuccessPolicy {
	if !rapid.Bool().Draw(t, "hasSP") {
		return nil
	}
	rule := rapid.Custom(func(t *rapid.T) SuccessPolicyRule {
		return SuccessPolicyRule{
			SucceededIndexes: rapid.Ptr(genValidationString(), true).Draw(t, "indexes"),
			SucceededCount:   rapid.Ptr(genValidationInt(), true).Draw(t, "count"),
		}
	})
	return &SuccessPolicy{Rules: rapid.SliceOfN(rule, 0, 22).Draw(t, "rules")}
}

func genValidationJob(t *rapid.T) Job {
	intPtr := rapid.Ptr(genValidationInt(), true)
	durPtr := rapid.Ptr(genValidationDuration(), true)
	j := Job{
		Name:        genValidationString().Draw(t, "name"),
		Namespace:   genValidationString().Draw(t, "namespace"),
		Labels:      genValidationMap().Draw(t, "labels"),
		Annotations: genValidationMap().Draw(t, "annotations"),
		Spec: JobSpec{
			Parallelism:          intPtr.Draw(t, "parallelism"),
			Completions:          intPtr.Draw(t, "completions"),
			CompletionMode:       CompletionMode(rapid.SampledFrom([]string{"", "NonIndexed", "Indexed", "Other"}).Draw(t, "mode")),
			BackoffLimit:         intPtr.Draw(t, "backoffLimit"),
			BackoffLimitPerIndex: intPtr.Draw(t, "blpi"),
			MaxFailedIndexes:     intPtr.Draw(t, "mfi"),
			ActiveDeadline:       durPtr.Draw(t, "deadline"),
			TTLAfterFinished:     durPtr.Draw(t, "ttl"),
			Suspend:              rapid.Bool().Draw(t, "suspend"),
			PodFailurePolicy:     genValidationPFP(t),
			SuccessPolicy:        genValidationSP(t),
			PodReplacementPolicy: PodReplacementPolicy(genValidationString().Draw(t, "prp")),
			ManagedBy:            genValidationString().Draw(t, "managedBy"),
			Template: PodTemplate{
				Labels:      genValidationMap().Draw(t, "tLabels"),
				Annotations: genValidationMap().Draw(t, "tAnnotations"),
				Spec: PodSpec{
					RestartPolicy:          RestartPolicy(genValidationString().Draw(t, "restart")),
					InitContainers:         genValidationContainers(t, "init"),
					Containers:             genValidationContainers(t, "containers"),
					TerminationGracePeriod: durPtr.Draw(t, "grace"),
					NodeName:               genValidationString().Draw(t, "node"),
					Hostname:               genValidationString().Draw(t, "hostname"),
				},
			},
		},
	}
	if rapid.Bool().Draw(t, "defaulted") {
		SetDefaults(&j)
	}
	return j
}

func TestValidateNeverPanicsProperty(t *testing.T) {
	rapid.Check(t, validateNeverPanicsProperty)
}

// validateNeverPanicsProperty: validation of any job, defaulted or not,
// and of any update returns well-formed field errors, the same each time.
func validateNeverPanicsProperty(t *rapid.T) {
	j := genValidationJob(t)
	err := Validate(j)
	for _, fe := range fieldErrorsFromRapid(t, err) {
		if fe.Field == "" || fe.Type == "" {
			t.Fatalf("error without field or type: %#v", fe)
		}
		if fe.Error() == "" {
			t.Fatalf("empty message for %#v", fe)
		}
	}
	if err != nil && Validate(j).Error() != err.Error() {
		t.Fatalf("Validate is not deterministic")
	}
	other := genValidationJob(t)
	for _, fe := range fieldErrorsFromRapid(t, ValidateUpdate(other, j)) {
		if fe.Field == "" || fe.Type == "" {
			t.Fatalf("update error without field or type: %#v", fe)
		}
	}
}

func fieldErrorsFromRapid(t *rapid.T, err error) []FieldError {
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) == 0 || ve.Error() == "" {
		t.Fatalf("unexpected error value %#v", err)
	}
	return ve.Errors
}
