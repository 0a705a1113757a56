// Package jobsimtest helps property-test Kubernetes Job specs with jobsim:
// an invariant checker that watches a simulation and rapid generators of
// jobs and container behaviours.
//
// Check runs a Cluster to the end and returns one error listing every
// violation, as fstest.TestFS does for file systems. NewChecker attaches
// the same checks to a History: a Cluster you drive yourself (for example
// from a rapid state machine), or any other source of events and of the
// jobs' and nodes' views after each, such as a recorded history replayed;
// read the violations with Checker.Err. Jobs, JobSpecs, Runs and
// Behaviors generate inputs that shrink to small cases; RunsWith and
// BehaviorsWith do so with the durations and the rates of failures,
// never-ending runs and disruptions a property asks for (RunOptions);
// Edits generates what users do to a running Job (suspend, resume,
// scale, delete or evict its pods, delete it), which ApplyEdits makes at
// their times. ReplayFailFiles turns the failure files rapid writes for a
// failed property into regression tests.
//
// # Invariants
//
// The checker derives each invariant from the rules of Kubernetes
// v1.35.4 (the Job controller, pkg/controller/job, and the API server's
// Job status validation, pkg/apis/batch/validation), from what it can
// observe: the events and the jobs' and pods' views. After every event:
//   - virtual time never goes back;
//   - a job's conditions are never removed or reordered; Complete and
//     Failed never both hold, nor SuccessCriteriaMet and FailureTarget;
//     Complete needs SuccessCriteriaMet and Failed needs FailureTarget; the
//     terminal condition never changes;
//   - no pod is created once the job has a terminal or interim condition,
//     nor while it is suspended;
//   - no pod is created earlier than the pod-failure backoff allows: 10 s
//     doubling to 10 min after the failures since the last success,
//     counted from the finish time, to the second, of the latest failure
//     the controller saw in its last sync, as its record keeps them (not
//     checked with backoffLimitPerIndex);
//   - no pod is still Pending or Running later than the job's startTime +
//     activeDeadlineSeconds + its termination grace period;
//   - a pod is bound only to a node whose NoSchedule and NoExecute taints,
//     the lifecycle ones of a cordoned or not-Ready node included, it
//     tolerates (with the 300 s tolerations the API server adds), and
//     where its required pod affinity and anti-affinity, those of the pods
//     already bound, and its DoNotSchedule spread constraints' maxSkew
//     hold (kube-scheduler's TaintToleration, NodeUnschedulable,
//     InterPodAffinity and PodTopologySpread filters);
//   - a pod with scheduling gates is not bound and shows PodScheduled
//     False with reason SchedulingGated;
//   - the taint manager evicts a pod from a not-Ready node no earlier than
//     the shortest tolerationSeconds of the tolerations it uses, and never
//     if they have none.
//
// After every status write of the controller:
//   - active, ready and terminating equal what the pods show, and ready ≤
//     active; except that active may read 0, with no pod Ready, while the
//     pod-failure backoff holds creations back (Kubernetes v1.35.4);
//   - succeeded and failed never decrease, and never count more pods than
//     were created;
//   - active is within what the job wants: none while suspended, at most
//     min(parallelism, completions − succeeded), at most parallelism for a
//     work queue before its first success, never growing after it;
//   - Indexed jobs: active pods have indexes in [0, completions), at most
//     one per index; completed indexes only grow and number succeeded;
//   - SuccessCriteriaMet is set exactly when the completions rule holds
//     (unless a failure came first); FailureTarget with
//     BackoffLimitExceeded exactly when failed > backoffLimit or, with
//     restartPolicy OnFailure, the restart counts reach it;
//   - Complete has its completionTime, Failed none, and a finished job has
//     nothing active or terminating.
//
// At the end of Check (or after Checker.Final), every pod the controller
// created for a finished NonIndexed job is accounted for exactly once: as
// succeeded, as failed, or as deleted by the controller without being
// counted.
//
// # CronJobs
//
// A CronChecker (NewCronChecker, on CronHistoryOf a Cluster) checks the
// CronJob controller (pkg/controller/cronjob, v1.34.4 to v1.37.2) on
// every event of a CronJob:
//   - under concurrencyPolicy Forbid, never two active Jobs of a CronJob;
//   - a Job is created no earlier than its scheduled time, and no later
//     than startingDeadlineSeconds after it;
//   - under Forbid and Replace, no other Job of the CronJob is active when
//     one is created: Replace has deleted them first;
//   - after a sync (its SawCompletedJob events and its status write), the
//     finished Jobs kept are within successfulJobsHistoryLimit and
//     failedJobsHistoryLimit;
//   - at each of the controller's decisions (a Job created, a time held
//     back by Forbid, TooManyMissedTimes), CronJobHandle.Runs has every
//     time of the schedule since the creation, in order, each with the
//     Job created for it and named for it, a reason, or pending (the most
//     recent only), and every Job the controller created. (Not checked
//     once the schedule or time zone changed, nor for @every schedules.)
//
// CronJobs and CronRuns generate CronJobs and their Jobs' runs.
//
// # Concurrency
//
// A Checker, and a CronChecker, runs on its History's goroutine (a
// Cluster's, like every Observer).
package jobsimtest
