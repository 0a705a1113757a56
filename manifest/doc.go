// Package manifest reads Kubernetes batch/v1 Job manifests and jobsim
// scenario files, checks them as the API server would, and runs them on a
// jobsim.Cluster. It is the only part of jobsim that knows YAML and the
// k8s.io/api types: it converts Jobs to jobsim's types on the way in, and
// jobsim's jobs and pods back to batch/v1 Jobs and v1 Pods on the way out.
//
// The entry points:
//
//   - [Load] and [Parse] read a file: a scenario (kind: Scenario, see
//     docs/scenario.md) or a plain manifest, whose Jobs are then all
//     submitted at the start. They return a [Scenario]: the seed, start and
//     until, the [ScenarioJob]s (each a [Job], when it is submitted, how
//     its pods behave ([Pods]) and the [Action]s done to it), and the
//     cluster: its [NodePool]s, [PriorityClass]es, node [Fault]s,
//     PodDisruptionBudgets and [Scheduler] ([Scenario.Config] is the
//     jobsim.Config they make).
//   - [DecodeJobs] reads the batch/v1 Jobs of a manifest on their own.
//   - [NewJob] admits a batch/v1 Job object built in Go (or read with
//     client-go) as DecodeJobs admits a decoded one, with the same rules,
//     field paths and messages, and no YAML; [FromJob] makes the batch/v1
//     object of a Job built with jobsim's own types, so that [JobObject]
//     and [PodObject] work for it.
//   - [Scenario.Simulate] loads a scenario into a cluster: a [Simulation],
//     which [Simulation.Step] and [Simulation.Run] play to its end, and
//     whose [Simulation.Objects], [Simulation.Nodes], [Simulation.ListJSON]
//     and [Simulation.ListYAML] show the jobs, pods and nodes at the end as
//     `kubectl get jobs,pods,nodes -o json|yaml` would;
//     [Simulation.NodeUse] tells what each node ran and how full it was.
//   - [JobObject] and [PodObject] convert one job or pod back to the
//     Kubernetes types, and [CronJobObject] a CronJob.
//   - A scenario's cronJobs ([ScenarioCronJob], with [CronAction]s and the
//     faults of the CronJob controller) are created with
//     jobsim.Cluster.SubmitCronJob; [Simulation.CronJobs] returns their
//     handles. A CronJob never finishes: a simulation with one needs an
//     until.
//
// # Reading manifests
//
// A manifest is one or more YAML documents separated by "---" lines, or a
// stream of JSON objects. Each document is a batch/v1 Job, a batch/v1
// CronJob ([CronJob], whose spec.jobTemplate is read as the Job it
// creates, at paths under spec.jobTemplate), a v1 List of objects, or
// another kind, which is skipped with a [Notice]. A kind that
// kubectl would refuse is a problem in its words (no matches for kind
// "job" in version "batch/v1"), with a hint: a kind of Kubernetes spelt in
// another case, a Job or CronJob outside batch/v1, or a kind batch/v1
// does not serve; kinds of other groups (custom resources) are skipped.
// A file with no Job is a problem naming what it holds; a binary, or a
// document that is not an object, is one quoting its line. Jobs are
// decoded strictly, as the API server's strict field validation does: an
// unknown or misspelt field is a problem that names it (and suggests the
// field meant), a value of the wrong type is one too, and so is a number
// or boolean where a string is expected (annotations: {n: 1} must be
// written {n: "1"}). The fields are those of the API of Kubernetes 1.35
// (k8s.io/api v0.35.4), and the later ones jobsim names (spec.scheduling
// of 1.37): a program that lifts k8s.io/api to a later release compiles
// types with more fields, which are refused all the same. YAML follows
// the Kubernetes decoder, YAML 1.1: yes, no, on and off are booleans.
//
// In the browser build (GOOS=js), the objects are of a mirror of those
// types (internal/k8s): the same names, fields and JSON encoding, without
// the generated methods of k8s.io/api, which would make most of the size
// of the wasm binary; quantities are k8s.io/apimachinery's
// resource.Quantity in every build. Decoding, its problems and the
// objects written are the same byte for byte; a program built for js gets
// the mirror's types from NewJob, JobObject and the others.
//
// Helm template markup ({{ .Release.Name }}, {{ .Values.x }}, {{- if }})
// is not YAML; it is reported with its line. [Options.ReleaseName]
// replaces {{ .Release.Name }}; other markup needs `helm template`. A
// "{{" inside a quoted string or block scalar that does not use Helm's
// objects or keywords is data (a Go template passed to a program).
//
// Each Job then gets what the API server gives it on create: status and
// server-set metadata cleared, the defaults of batch/v1 (completions,
// parallelism, backoffLimit, completionMode, podReplacementPolicy ...)
// and of the pod template (terminationGracePeriodSeconds, dnsPolicy,
// imagePullPolicy ...), and, once its UID is known, the generated selector
// and the template labels batch.kubernetes.io/controller-uid,
// batch.kubernetes.io/job-name, controller-uid and job-name (unless
// manualSelector is true). It is validated by jobsim.Validate, which
// reproduces the API server's rules with their field paths and messages,
// and by the selector rules, which jobsim's own model leaves out.
//
// The scheduler reads the pod template's resources.requests (limits for
// a resource not requested), nodeSelector, required node affinity
// (affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
// with or without nodes), tolerations, pod affinity and anti-affinity,
// topology spread constraints, scheduling gates and priorityClassName.
// They are kept as written: matchLabelKeys and mismatchLabelKeys are not
// merged into the template's selectors (the API server merges them into
// each pod it creates). They are validated as the API server of the
// scenario's version validates them; a toleration's operator Gt or Lt is
// refused in that version's words. Requests are checked as the API
// server checks them, and must be whole numbers of jobsim's units
// (millicores of cpu, bytes of memory, units of the others): a problem
// names the field otherwise. The pod template fields jobsim does not
// model (volumes, probes, env from secrets, preferred node affinity,
// which is validated but not scored ...) are kept for the output and
// change nothing. Fields that would change what happens in ways jobsim
// does not simulate are refused rather than ignored: a pod-level
// activeDeadlineSeconds or resources, nodeName, container restart
// policies other than a sidecar's Always, and restart rules, DRA
// resource claims, finalizers on the Job, and a generateName without a
// name; a matchLabelKeys key that would make the API server refuse every
// pod; and, in a scenario whose nodes are in zones, persistent and
// ephemeral volumes. Sidecars (init containers with restartPolicy
// Always) run alongside the containers and count in the pods' requests
// as the scheduler counts them. A runtimeClassName names one of the
// scenario's runtimeClasses (any name, when it declares none), whose
// overhead and scheduling the pods get; a template the RuntimeClass
// admission would refuse the pods of (an unknown class, an overhead
// that is not the class's, a nodeSelector against the class's) is a
// problem in the plugin's words.
//
// A scenario's node pools may have taints, zones and a region, and its
// pdbs are PodDisruptionBudgets; the removeSchedulingGates action lifts
// gates from pods still pending (see docs/scenario.md).
//
// The pod template's annotations jobsim.dev/run (a Go duration) and
// jobsim.dev/exit-code say how long each container run lasts and how it
// exits, when a scenario does not say otherwise (jobsim.TemplateBehavior).
//
// # Errors
//
// Invalid input is an *[Error] listing every [Problem] found, each with
// its file, line (where the YAML gives one) and field path:
//
//	parallel.yaml:7: spec.parallelism: Invalid value: -1: must be greater than or equal to 0
//	run.scenario.yaml:12: jobs[0].actions[1].completions: Invalid value: 8: field is immutable
//
// Problems quote at most 40 characters of what the input holds (a value,
// an unknown field name, a line), with "..." when cut, and escape what
// is not printable. A problem of a file a scenario names that keeps it
// from being read at all (not YAML, not objects, no Job) is reported at
// the scenario's jobs[i].file line, with the file's line:
//
//	run.scenario.yaml:4: jobs[0].file: Invalid value: "/etc/passwd": line 1: expected a Kubernetes object (apiVersion, kind, metadata, spec), got a string: "root:x:0:0:root:/root:/bin/bash"
//
// A problem under a value already reported as malformed is left out, as
// an echo of it. Problems are grouped by file and sorted by line. A
// scenario's problems include its actions, each checked against the job
// as the earlier actions left it, as the API server's update validation
// would: nothing runs until all is valid. [Problems] returns the list of
// an error.
//
// What happens during a simulation (pods failing, a backoff limit hit) is
// never an error: it is the jobs' status and events. The one error of
// [Simulation.Run] is jobsim's event limit.
//
// # Determinism
//
// The same file, options and seed give the same scenario, the same UIDs
// and pod names, the same events at the same virtual times and the same
// bytes from ListJSON and ListYAML, on every run and machine: maps are
// written with sorted keys, jobs in submission order and pods in creation
// order.
//
// # Time
//
// A scenario's times are virtual, relative to its start: `at` of jobs and
// actions, and `until`. A simulation without until runs until nothing is
// left to happen, or DefaultHorizon (720h) after its start. With until, it
// runs to the until while a job is unfinished, even when nothing is due. Times in the
// output objects are RFC 3339 in UTC, to the second, as the API server
// writes them.
package manifest
