package manifest

import (
	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
)

// NewCronJob admits a batch/v1 CronJob object as NewJob admits a Job, and
// as Parse admits each CronJob of a manifest: the API server's defaults
// and validation, its job template read as the Job it creates (at field
// paths under spec.jobTemplate), and the rules of opts.Version and
// opts.FeatureGates for that Job. It does not modify obj. The problems of
// the returned *Error have no File and Line 0.
func NewCronJob(obj *batchv1.CronJob, opts Options) (*CronJob, error) {
	var ps problems
	if obj == nil {
		return nil, errorf("", "no CronJob: the object is nil")
	}
	cp := obj.DeepCopy()
	if cp.Kind != "" && cp.Kind != "CronJob" {
		ps.add("", 0, "kind", "Invalid value: %s: NewCronJob takes a batch/v1 CronJob", quoteClip(cp.Kind))
	}
	if cp.APIVersion != "" && cp.APIVersion != "batch/v1" {
		ps.add("", 0, "apiVersion", "Invalid value: %s: NewCronJob takes a batch/v1 CronJob", quoteClip(cp.APIVersion))
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	cp.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}
	n, err := objectNode(cp)
	if err != nil {
		return nil, err
	}
	cj := decodeCronJob("", n, 0, "", &ps)
	if cj != nil {
		cj.Line, cj.lines = 0, nil
		if t := cj.Template; t != nil {
			t.Line, t.lines = 0, nil
			t.versionFields(opts.Version, opts.FeatureGates, &ps)
		}
	}
	if err := lineless(ps.err()); err != nil {
		return nil, err
	}
	return cj, nil
}
