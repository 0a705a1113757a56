package jobsim

import (
	"regexp"
	"strings"
	"time"
)

// CronJob validation: ValidateCronJobCreate and ValidateCronJobUpdate of
// pkg/apis/batch/validation (the same in v1.34.4 to v1.37.2 for what
// jobsim has), with the API server's messages. The job template's spec is
// checked by the Job rules (validateJobSpec), at paths under
// spec.jobTemplate.spec.

const cronJobKind = "CronJob.batch"

// maxCronJobNameLength is the longest CronJob name: a Job's name is the
// CronJob's and an 11-character suffix, and must fit a 63-character label.
const maxCronJobNameLength = 52

// validTimeZoneCharacters is what each part of a time zone name may
// contain (validTimeZoneCharacters).
var validTimeZoneCharacters = regexp.MustCompile(`^[A-Za-z\.\-_0-9+]{1,14}$`)

// ValidateCronJob checks a CronJob about to be created, after
// SetCronJobDefaults, as the API server's create validation does: its
// metadata and a name of at most 52 characters, a schedule that parses
// (without TZ= or CRON_TZ=), a known time zone, non-negative
// startingDeadlineSeconds and history limits, a supported
// concurrencyPolicy, and the job template's spec by the Job rules. It
// returns nil or a *ValidationError listing every problem.
func ValidateCronJob(cj CronJob) error {
	errs := validateCronJob(&cj, nil)
	if len(cj.Name) > maxCronJobNameLength {
		errs.invalid("metadata.name", cj.Name, "must be no more than 52 characters")
	}
	return cronJobError(cj.Name, errs)
}

// ValidateCronJobUpdate checks replacing old with new, both defaulted: the
// name and namespace may not change; the spec is checked as on create,
// except that the name's length is not (older CronJobs may have longer
// names) and the time zone only when it changes. Every field of the spec
// is mutable, the job template included. It returns nil or a
// *ValidationError.
func ValidateCronJobUpdate(old, new CronJob) error {
	errs := validateCronJob(&new, &old.Spec)
	errs.immutable("metadata.name", new.Name, old.Name, new.Name)
	errs.immutable("metadata.namespace", new.Namespace, old.Namespace, new.Namespace)
	return cronJobError(new.Name, errs)
}

func cronJobError(name string, errs fieldErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Kind: cronJobKind, Name: name, Errors: errs}
}

// validateCronJob runs the rules of create (old nil) or update, in the
// API server's order.
func validateCronJob(cj *CronJob, old *CronJobSpec) fieldErrors {
	var l fieldErrors
	l.meta(cj.Name, cj.Namespace, cj.Labels, cj.Annotations)
	s := &cj.Spec
	if s.Schedule == "" {
		l.required("spec.schedule", "")
	} else {
		l.scheduleFormat(s.Schedule, old != nil && strings.Contains(old.Schedule, "TZ"), s.TimeZone)
	}
	if d := s.StartingDeadline; d != nil {
		l.seconds("spec.startingDeadlineSeconds", d, false)
	}
	if old == nil || !equalPtr(old.TimeZone, s.TimeZone) {
		l.timeZone(s.TimeZone)
	}
	switch p := s.ConcurrencyPolicy; p {
	case AllowConcurrent, ForbidConcurrent, ReplaceConcurrent:
	case "":
		l.required("spec.concurrencyPolicy", "")
	default:
		l.notSupported("spec.concurrencyPolicy", p, string(AllowConcurrent), string(ForbidConcurrent), string(ReplaceConcurrent))
	}
	l.jobTemplate(&s.JobTemplate)
	l.count("spec.successfulJobsHistoryLimit", s.SuccessfulJobsHistoryLimit)
	l.count("spec.failedJobsHistoryLimit", s.FailedJobsHistoryLimit)
	return l
}

// scheduleFormat checks that the schedule parses and carries no time zone
// of its own (validateScheduleFormat). allowTZ is set on an update of a
// CronJob whose schedule already had one.
func (l *fieldErrors) scheduleFormat(schedule string, allowTZ bool, timeZone *string) {
	const path = "spec.schedule"
	if _, err := parseSchedule(schedule); err != nil {
		l.invalid(path, schedule, err.Error())
	}
	hasTZ := strings.Contains(schedule, "TZ")
	switch {
	case allowTZ && hasTZ && timeZone != nil:
		l.invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
	case !allowTZ && hasTZ:
		l.invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
	}
}

// timeZone checks an IANA time zone name (validateTimeZone).
func (l *fieldErrors) timeZone(tz *string) {
	const path = "spec.timeZone"
	if tz == nil {
		return
	}
	if *tz == "" {
		l.invalid(path, *tz, "timeZone must be nil or non-empty string")
		return
	}
	for _, part := range strings.Split(*tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !validTimeZoneCharacters.MatchString(part) {
			l.invalid(path, *tz, "unknown time zone "+*tz)
			return
		}
	}
	if strings.EqualFold(*tz, "Local") {
		l.invalid(path, *tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		l.invalid(path, *tz, err.Error())
	}
}

// jobTemplate checks the job template's spec by the Job rules, and that it
// does not ask for a manual selector (ValidateJobTemplateSpec). The
// template's own labels and annotations are not checked, as upstream does
// not check them: a bad one makes each Job's creation fail (FailedCreate).
func (l *fieldErrors) jobTemplate(t *JobTemplate) {
	const prefix = "spec.jobTemplate."
	for _, fe := range validateJobSpec(&t.Spec) {
		fe.Field = prefix + fe.Field
		*l = append(*l, fe)
	}
	if t.Spec.ManualSelector {
		l.notSupported(prefix+"spec.manualSelector", true, "nil", "false")
	}
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
