// Package jobsim simulates Kubernetes batch/v1 Jobs and their Pods in
// memory, on virtual time, deterministically. It runs the Job controller,
// the kubelet's handling of container runs, restarts and graceful
// termination, the scheduler, the garbage collector and the
// TTL-after-finished controller as Kubernetes 1.34 to 1.37 do, so that a Go
// program can learn what a Job spec will really do (how retries, backoff,
// deadlines, suspension and completion indexes play out) without a
// cluster. A Job that would run for a day is simulated in microseconds, and
// the same seed and inputs always give the same history.
//
// The entry points:
//
//   - [NewCluster] makes an empty [Cluster] from a [Config] (seed, start
//     time, controller sync delay, limits). The zero Config behaves like
//     Kubernetes' defaults.
//   - [Cluster.Submit] creates a [Job], as `kubectl create` would, with a
//     [Behavior] that decides each container run ([Run]): [Fixed],
//     [Always], [Forever], [Script] (runs scripted per completion index or
//     pod ordinal), [Random] (seeded random durations and failures), a
//     [BehaviorFunc], or nil for [TemplateBehavior] (the pod template's
//     jobsim.dev/run and jobsim.dev/exit-code annotations, else
//     [DefaultRun]). It returns a [JobHandle].
//   - [Cluster.Run] simulates until nothing is left to happen;
//     [Cluster.RunUntil] and [Cluster.Advance] simulate up to a virtual
//     time; [Cluster.Step] fires one event. [Cluster.Now] is the clock.
//   - [JobHandle] views a job: [JobHandle.Status] (a [JobStatus]: the
//     conditions and counters), [JobHandle.Spec], [JobHandle.Job],
//     [JobHandle.Pods]. [Cluster.Job] and [Cluster.Jobs] find handles.
//   - [Cluster.Pods] snapshots every existing [Pod]: phase, conditions,
//     container states, exit codes and restart counts.
//   - [Cluster.Events] returns the history, a list of [Event] (Kubernetes
//     Events and watch-style changes to Jobs); [Cluster.Observe] streams
//     them to an [Observer] as they happen.
//   - [Explain] tells why a job ended the way it did, from the history
//     alone: the rule that decided it, each pod's part, where the time
//     went ([Explanation]); [ExplainWith] and a [Rerun] also simulate
//     it again with one change at a time, to find the smallest change
//     that would have changed the outcome; [ExplainCronJob] explains a
//     CronJob's Jobs by scheduled time.
//   - [Cluster.Update] edits a running job's mutable fields (suspend,
//     parallelism, activeDeadlineSeconds ...) as `kubectl edit` would;
//     [Cluster.Delete] and [Cluster.DeletePod] delete a job or a pod;
//     [Cluster.At] runs such calls at a chosen virtual time.
//   - [SetDefaults], [Validate] and [ValidateUpdate] apply the API server's
//     defaulting and validation on their own, without simulating anything.
//   - [Cluster.SubmitCronJob] creates a [CronJob]; its controller creates
//     a Job, named after the scheduled time, at every time its schedule
//     gives ([CronJobHandle.Jobs], [CronJobHandle.Status]).
//     [Cluster.UpdateCronJob] edits it (suspend, schedule,
//     concurrencyPolicy, the limits ...), [Cluster.DeleteCronJob] deletes
//     it with its Jobs, and [Cluster.StopCronJobController] and
//     [Cluster.StartCronJobController] simulate an outage of its
//     controller. [SetCronJobDefaults], [ValidateCronJob] and
//     [ValidateCronJobUpdate] are the API server's rules for CronJobs.
//
// # Determinism
//
// The same [Config.Seed] and the same sequence of calls give the same
// history: the same events in the same order at the same virtual times,
// the same pod names and UIDs, on every run and every platform. Nothing
// depends on map iteration, pointer values, goroutines or the wall clock.
// Zero is a seed like any other.
//
// Pod names look like the API server's generated names (pi-job-8jhzp,
// or job-2-x7k2p for index 2 of an Indexed job), but the five-character
// suffix is a permutation, keyed by the seed and the job's namespace and
// name, of the pod's creation ordinal within its job. So the n-th pod of a
// job has the same name whatever other jobs do.
//
// A [Behavior] sees a [RunContext] whose Rand draws from a stream keyed by
// (seed, job, key, attempt), where the key is the completion index or the
// pod's creation ordinal and the attempt counts earlier runs under that
// key. [Random] uses it, so adding a job, or a job drawing more numbers,
// never changes another job's or another pod's runs.
//
// # Time
//
// Time is virtual only: nothing in the package reads the wall clock or
// sleeps. The cluster starts at [Config.Start], by default the Unix epoch
// (1970-01-01T00:00:00Z), and jumps from one event to the next. Every
// timestamp the package reports (event times, conditions, startTime,
// completionTime, container states) is virtual, and exact.
//
// The API server keeps timestamps to the second, and the controllers read
// them back from it, so their decisions use whole seconds of the wall
// clock: the pod-failure backoff (global and per index) is measured from
// the second a pod finished in, the active deadline from the second of
// startTime, the TTL from the second the job finished in, and the order
// in which a scale-down deletes pods compares creation and readiness
// times to the second. A pod failing at 2.5 s is replaced at 12 s, not
// 12.5 s.
//
// Several things may happen at one instant. Changes in the world come
// first (pod transitions such as a container exiting, and user actions
// scheduled with [Cluster.At]), then the controllers' syncs, then the
// scheduler, which binds and starts the pods created in those syncs; ties
// within each class go in the order they were scheduled. A callback run by
// At sees its own instant as [Cluster.Now].
//
// The Job controller reacts to a pod change or to its own status write
// after [Config.SyncDelay]. The default 0 reacts at once; 1 s reproduces
// the real controller's batching of pod events and status writes
// (syncJobBatchPeriod). A Submit or a spec change through [Cluster.Update]
// syncs at once, and the controller's own timers (the end of a pod-failure
// backoff, activeDeadlineSeconds) are not batched, as upstream. Every
// other delay (pod-failure backoff, the kubelet's CrashLoopBackOff,
// activeDeadlineSeconds, ttlSecondsAfterFinished, termination grace
// periods) is modelled exactly.
//
// # Errors
//
// An invalid job is refused: [Cluster.Submit] and [Validate] return a
// *[ValidationError] that lists every problem with its field path and the
// API server's message ("spec.parallelism: Invalid value: -1: must be
// greater than or equal to 0"), and nothing is simulated. [Cluster.Update]
// returns one for a change the API server would refuse. Names that are
// taken or missing give *[AlreadyExistsError], *[NotFoundError] and
// *[PodNotFoundError].
//
// What happens during a simulation is never a Go error: a failed pod, an
// exceeded backoffLimit or activeDeadlineSeconds show up as pod phases,
// job status counters, conditions (Failed with reason
// BackoffLimitExceeded, say) and Events.
//
// Misuse by the programmer panics: [Cluster.RunUntil] or [Cluster.At] at a
// time before Now, or [Cluster.Advance] by a negative duration. The only
// error of Run and its variants is the event limit ([Config.MaxEvents],
// default [sim.DefaultMaxEvents]), which stops a simulation that would
// otherwise never end: they then return an error wrapping
// [sim.ErrEventLimit].
//
// # Kubernetes versions
//
// A Cluster simulates the version its [Config.Version] names: [V1_34],
// [V1_35], [V1_36] or [V1_37], each from the sources of one patch
// release ([Version.Release]); the zero value is [Latest], 1.37.
// [Config.FeatureGates] sets the feature gates the version does not lock,
// as kube-controller-manager's --feature-gates does; [ValidateConfig]
// refuses a locked or unknown gate with its message. The version is
// resolved once, in [NewCluster], into the switches the controller, the
// kubelet and the validation read. What differs: from 1.36 a suspended
// Job's startTime is cleared (so activeDeadlineSeconds starts over on
// resume), the pod-failure backoff keeps status.active instead of writing
// 0, and a suspended Job's pod template may change its scheduling
// directives and resources ([Cluster.Update]); 1.34 lets JobManagedBy be
// turned off. [FeatureGateEnabled] tells whether a gate is on.
//
// # Fidelity
//
// jobsim follows the Job controller, kubelet and API validation of
// each version with its default feature gates: pod creation and
// deletion (deletions first, controller.ActivePods order), counting
// finished pods through the tracking finalizer, the two-step terminal
// conditions (FailureTarget then Failed, SuccessCriteriaMet then
// Complete), the pod-failure backoff (10 s doubling to 10 min, measured
// from the pod's finish time), backoffLimit and the OnFailure restart
// count, activeDeadlineSeconds, suspend and resume, podReplacementPolicy,
// elastic Indexed jobs, ttlSecondsAfterFinished and graceful termination
// with exit codes 143 and 137, podFailurePolicy (FailJob, FailIndex,
// Ignore, Count on exit codes and pod conditions), backoffLimitPerIndex and
// maxFailedIndexes with the per-index backoff and the failure-count
// annotations, successPolicy, and disruptions (the DisruptionTarget
// condition, [Cluster.EvictPod]), scheduling onto [Node]s by requests,
// nodeSelector and required node affinity ([PodSpec.Affinity]), with
// priority and preemption, and node faults ([Cluster.FailNode]: the node lifecycle
// controller notices after 50 s and the taint manager evicts 300 s later;
// [Cluster.DrainNode]; [Cluster.RecoverNode]).
//
// docs/fidelity.md in the repository
// (https://github.com/jobsim/jobsim/blob/main/docs/fidelity.md) says how
// this is checked against the real controller of each version, describes
// the quirk of 1.34 and 1.35 that jobsim reproduces (status.active = 0
// while the pod-failure backoff holds creations back, and the status write
// the API server then refuses), and lists the known differences and the simplifications of
// the model, each with the scenario that shows it.
//
// # CronJobs
//
// The CronJob controller follows cronjob_controllerv2.go, which is the
// same in 1.34 to 1.37 for what a simulation sees. A CronJob is synced
// when it is created or edited, when one of its Jobs is created, changes
// or is deleted, after its own status writes, and at each next scheduled
// time plus 100 ms, the delta upstream adds; so a Job scheduled at 10:00
// is created at 10:00:00.1, named <cronjob>-<minutes since the epoch>,
// and annotated with its scheduled time (in the CronJob's time zone)
// under [CronJobScheduledTimestampAnnotation]. A sync deletes the oldest
// finished Jobs beyond the history limits (3 completed, 1 failed by
// default; the garbage collector takes their pods), takes finished Jobs
// out of status.active (SawCompletedJob), then looks for the most recent
// scheduled time not yet started since the last one (or the creation),
// within startingDeadlineSeconds: only that one is started, however many
// were missed, with a TooManyMissedTimes warning when upstream's estimate
// of them is above 100. Forbid skips it while a Job is active
// (JobAlreadyActive) and tries again at the next sync; Replace deletes the
// active Jobs first. Schedules are robfig/cron v3's standard ones; a
// schedule without timeZone is read in UTC. Jobs of CronJobs are listed by
// [Cluster.Jobs] only while they exist, so that a CronJob that runs for a
// simulated year holds the memory of its history limits, not of every Job
// it created. Not modelled: the informer's periodic resync (every 12 to 24
// hours upstream) and the rate limiter's overall bucket.
//
// [CronJobHandle.Runs] lists every scheduled time since a CronJob's
// creation with what the controller did about it: the Job it created,
// and when, or why it created none ([CronRunForbid],
// [CronRunControllerDown], [CronRunSuspended], [CronRunDeadlinePassed],
// [CronRunSuperseded]). The controller notes its decisions as it makes
// them (a Job created, a time held back by Forbid, the TooManyMissedTimes
// warning); the record keeps one entry per Job created and per time held
// back, not per scheduled time, and Runs lays them out when called.
//
// # Concurrency
//
// A [Cluster] is not safe for concurrent use, and neither is a
// [JobHandle] it returns. Observers and Behaviors are called
// synchronously on the goroutine that called Run, RunUntil, Advance or
// Step. Use one Cluster per goroutine: separate Clusters share nothing, so
// a sweep over many seeds parallelises across goroutines, provided the
// Behaviors and Observers given to them do not share mutable state.
package jobsim
