package jobsim

import (
	"maps"
	"time"
)

// CronJob is a batch/v1 CronJob as jobsim sees it: the metadata and spec a
// user submits. Like Job it uses Go types for units (time.Duration for
// startingDeadlineSeconds, int for the history limits) and nil pointers
// where the API leaves a field unset. SubmitCronJob fills in the API
// server's defaults (SetCronJobDefaults) and validates it before anything
// is simulated.
type CronJob struct {
	// Name is the CronJob's metadata.name: a DNS-1123 subdomain of at most
	// 52 characters, since the Jobs it creates append an 11-character
	// suffix to it.
	Name string
	// Namespace is the CronJob's namespace; "" means "default". Its Jobs
	// are created in the same namespace.
	Namespace string
	// Labels and Annotations are the CronJob's own metadata; its Jobs do
	// not inherit them (they get the JobTemplate's).
	Labels      map[string]string
	Annotations map[string]string
	// Spec is what the CronJob should do.
	Spec CronJobSpec
}

// CronJobSpec mirrors batch/v1 CronJobSpec. Each field's zero value means
// what the API means when the field is omitted; SetCronJobDefaults makes
// the defaults explicit. Every field may change through
// Cluster.UpdateCronJob; a change to the JobTemplate applies to the Jobs
// created afterwards only.
type CronJobSpec struct {
	// Schedule is the cron schedule, in the syntax of robfig/cron v3's
	// standard parser as Kubernetes uses it: five fields (minute, hour,
	// day of month, month, day of week) with ranges, steps, lists and
	// month and day names, or a descriptor (@yearly, @annually, @monthly,
	// @weekly, @daily, @midnight, @hourly, @every DURATION). TZ= and
	// CRON_TZ= prefixes are refused, as the API server refuses them: use
	// TimeZone.
	Schedule string
	// TimeZone is the IANA name of the time zone the schedule is read in
	// ("America/New_York"); nil means UTC (kube-controller-manager's local
	// time zone in its standard image). jobsim embeds the time zone
	// database, so the machine it runs on does not matter, unless it has a
	// database of its own, which Go's time.LoadLocation prefers.
	TimeZone *string
	// StartingDeadline is startingDeadlineSeconds: a scheduled time older
	// than this is not started any more. Whole seconds; nil means no
	// deadline.
	StartingDeadline *time.Duration
	// ConcurrencyPolicy says what happens when a scheduled time comes while
	// a Job the CronJob created is still running. "" means Allow.
	ConcurrencyPolicy ConcurrencyPolicy
	// Suspend stops the CronJob from creating Jobs; the Jobs it created
	// keep running. Scheduled times that pass while it is suspended count
	// as missed when it is resumed.
	Suspend bool
	// SuccessfulJobsHistoryLimit is how many completed Jobs to keep; the
	// oldest beyond it are deleted with their pods. nil means 3.
	SuccessfulJobsHistoryLimit *int
	// FailedJobsHistoryLimit is the same for failed Jobs. nil means 1.
	FailedJobsHistoryLimit *int
	// JobTemplate is the Job each scheduled time creates.
	JobTemplate JobTemplate
}

// JobTemplate is batch/v1 JobTemplateSpec: the labels, annotations and
// spec of the Jobs a CronJob creates.
type JobTemplate struct {
	// Labels and Annotations are copied to every Job. When Labels is
	// empty, the Job gets its pod template's labels, as any Job does.
	Labels      map[string]string
	Annotations map[string]string
	// Spec is the Jobs' spec. The API server defaults it when it creates
	// each Job (SetDefaults), not in the CronJob.
	Spec JobSpec
}

// ConcurrencyPolicy is batch/v1 concurrencyPolicy.
type ConcurrencyPolicy string

// The concurrency policies.
const (
	// AllowConcurrent starts a Job at every scheduled time, whatever runs.
	AllowConcurrent ConcurrencyPolicy = "Allow"
	// ForbidConcurrent skips a scheduled time while a Job the CronJob
	// created is active, with the event JobAlreadyActive; the time is
	// retried until a later one comes or the starting deadline passes.
	ForbidConcurrent ConcurrencyPolicy = "Forbid"
	// ReplaceConcurrent deletes the active Jobs (with background
	// propagation: their pods terminate gracefully) and creates the new
	// one.
	ReplaceConcurrent ConcurrencyPolicy = "Replace"
)

// CronJobStatus mirrors batch/v1 CronJobStatus. Times are virtual, to the
// second as the API server stores them; a zero time.Time means the field
// is unset.
type CronJobStatus struct {
	// Active lists the CronJob's Jobs it counts as running, in the order
	// it created them.
	Active []ObjectRef
	// LastScheduleTime is the scheduled time of the last Job created (the
	// scheduled time, not the moment of creation).
	LastScheduleTime time.Time
	// LastSuccessfulTime is the latest completionTime among the CronJob's
	// Jobs that completed.
	LastSuccessfulTime time.Time
}

// CronJobScheduledTimestampAnnotation is the annotation the CronJob
// controller puts on every Job it creates: the scheduled time, in RFC 3339
// in the CronJob's time zone.
const CronJobScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

// Reasons of the Kubernetes Events the CronJob controller records on a
// CronJob (pkg/controller/cronjob/cronjob_controllerv2.go and utils.go).
// SuccessfulCreate and SuccessfulDelete are the Job controller's reasons
// too (ReasonSuccessfulCreate, ReasonSuccessfulDelete).
const (
	ReasonSawCompletedJob    = "SawCompletedJob"
	ReasonJobAlreadyActive   = "JobAlreadyActive"
	ReasonMissSchedule       = "MissSchedule"
	ReasonTooManyMissedTimes = "TooManyMissedTimes"
	ReasonUnexpectedJob      = "UnexpectedJob"
	ReasonMissingJob         = "MissingJob"
	ReasonInvalidSchedule    = "InvalidSchedule"
	ReasonFailedCreate       = "FailedCreate"
)

// The default history limits (SetDefaults_CronJob).
const (
	DefaultSuccessfulJobsHistoryLimit = 3
	DefaultFailedJobsHistoryLimit     = 1
)

// SetCronJobDefaults applies the API server's defaulting for a new CronJob
// (batch/v1 SetDefaults_CronJob and the defaults of the pod template it
// holds): namespace "default", concurrencyPolicy Allow, the history limits
// 3 and 1, the pod-failure-policy pattern status and the template's
// terminationGracePeriodSeconds. The Job spec itself is defaulted when
// each Job is created. Maps and slices it changes are copied first.
func SetCronJobDefaults(cj *CronJob) {
	if cj == nil {
		return
	}
	if cj.Namespace == "" {
		cj.Namespace = "default"
	}
	s := &cj.Spec
	if s.ConcurrencyPolicy == "" {
		s.ConcurrencyPolicy = AllowConcurrent
	}
	if s.SuccessfulJobsHistoryLimit == nil {
		s.SuccessfulJobsHistoryLimit = Ptr(DefaultSuccessfulJobsHistoryLimit)
	}
	if s.FailedJobsHistoryLimit == nil {
		s.FailedJobsHistoryLimit = Ptr(DefaultFailedJobsHistoryLimit)
	}
	js := &s.JobTemplate.Spec
	js.PodFailurePolicy = defaultedPodFailurePolicy(js.PodFailurePolicy)
	if js.Template.Spec.TerminationGracePeriod == nil {
		js.Template.Spec.TerminationGracePeriod = Ptr(30 * time.Second)
	}
}

// cloneCronJob deep-copies a CronJob so that the copy shares nothing
// mutable.
func cloneCronJob(cj CronJob) CronJob {
	out := cj
	out.Labels = maps.Clone(cj.Labels)
	out.Annotations = maps.Clone(cj.Annotations)
	out.Spec = cloneCronJobSpec(cj.Spec)
	return out
}

func cloneCronJobSpec(s CronJobSpec) CronJobSpec {
	out := s
	out.TimeZone = clonePtr(s.TimeZone)
	out.StartingDeadline = clonePtr(s.StartingDeadline)
	out.SuccessfulJobsHistoryLimit = clonePtr(s.SuccessfulJobsHistoryLimit)
	out.FailedJobsHistoryLimit = clonePtr(s.FailedJobsHistoryLimit)
	out.JobTemplate.Labels = maps.Clone(s.JobTemplate.Labels)
	out.JobTemplate.Annotations = maps.Clone(s.JobTemplate.Annotations)
	out.JobTemplate.Spec = cloneSpec(s.JobTemplate.Spec)
	return out
}
