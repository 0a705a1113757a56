// Command jobsim simulates Kubernetes batch/v1 Jobs and their Pods on
// virtual time and prints what happens: the Job manifests one would
// `kubectl apply`, or scenario files that also say how the containers
// behave and what is changed while the Jobs run.
//
// Usage:
//
//	jobsim run [flags] FILE...       simulate each FILE and print what happens
//	jobsim validate [flags] FILE...  check each FILE without running it
//	jobsim get RESOURCE FILE         list pods, jobs or cronjobs at an instant, as kubectl get does
//	jobsim describe RESOURCE NAME FILE
//	                                 describe a job or pod then, as kubectl describe does
//	jobsim serve [flags]             serve a page that runs jobsim in the browser (docs/page.md)
//	jobsim version                   print the version and the Kubernetes versions simulated
//	jobsim help [COMMAND]            print the help
//
// The flags of run:
//
//	-o, --output FORMAT   text (default), json, yaml or events
//	--seed N              the seed of every random draw (default: the scenario's, else 1)
//	--until DURATION      stop the clock this long after the start
//	--sync-delay DURATION the Job controller's delay before reacting to pod changes (default 0s)
//	--width N             the text's width (default: the terminal's, else 100)
//	--chart MODE          the chart's rows: pod, index, node or auto (the default)
//	--color WHEN          auto (on a terminal, unless NO_COLOR is set), always or never
//	--max-events N        the most engine events a run may take (default 100000000)
//	--speed N             play the timeline back N times faster than real time
//	--events FILE         also write every event as JSON lines to FILE
//	--set-release NAME    replace {{ .Release.Name }} of Helm templates with NAME
//
// validate takes --seed and --set-release. Flags may come before or after
// the files; "-" reads standard input.
//
// # kubectl views
//
// get and describe simulate one FILE as run does (with its --seed,
// --set-release and --sync-delay) up to an instant, --at DURATION since
// the start (default: where run ends), and print what kubectl would show
// then:
//
//	jobsim get pods|jobs|cronjobs [NAME...] FILE [--at T] [-o wide] [-n NS | -A]
//	jobsim describe job|pod NAME FILE [--at T] [-n NS]
//
// get prints the API server's table of pods or jobs (kubectl's columns and
// STATUS words, ages counted back from the instant); describe prints
// kubectl describe's text, with the events Kubernetes would hold then,
// counted and merged as its event recorders do. The comments of get.go,
// describe.go and events.go say where they differ from kubectl, and why.
//
// # Outputs
//
// The default text output is a timeline, one line per event with its
// virtual time since the start, the object, the reason and the message
// (reasons in parentheses are changes to objects, not Kubernetes Events;
// jobsim's reasons why, such as the failed pod a new one replaces after
// its backoff or the count that failed a job, follow a message in
// brackets); then a summary of each job (its outcome, spec, counters, times and
// conditions, and with nodes its scheduling figures: pods bound, time
// pending, run time, makespan), a summary of each node (state, capacity,
// requests, pods, average use) when the scenario has nodes, and a chart
// of its pods, one row per pod (or per completion index, or per node,
// when they are too many to fit), showing when each waited for a node,
// ran, waited to restart, waited out the pod-failure backoff or
// terminated, on which node, and how it ended. The text is ASCII, as wide
// as --width, and coloured only on a terminal. It is printed as the
// simulation goes, and the command's memory is bounded by what it keeps
// to print: the live pods and the first 1000 of the chart.
//
// CronJobs run too, from a manifest or a scenario's cronJobs; as they
// never finish, they need --until (or the scenario's until). Their events
// are in the timeline as cronjob/NAME, and after it a table per CronJob
// gives each scheduled time the Job created for it (when, how it ended,
// how long it took) or why there was none, from
// jobsim.CronJobHandle.Runs. -o json|yaml list the CronJobs first, as
// `kubectl get cronjobs,jobs,pods` would.
//
// -o json and -o yaml print the jobs and pods that exist at the end as a
// v1 List, as `kubectl get jobs,pods -o json|yaml` would, with the nodes
// after them when the scenario has some; each Job carries its metrics as
// jobsim.dev/ annotations (pods-bound, queue-wait-mean, queue-wait-max,
// run-time, makespan). -o events and
// --events FILE print each Kubernetes Event as a JSON object on a line:
// {"time": ..., "object": "pod/...", "reason": ..., "message": ...}.
// docs/scenario.md describes the inputs and outputs in full.
//
// # Time
//
// Simulated time never waits on the wall clock, except with --speed N,
// which paces the printing of the timeline: the command steps the
// simulation, and before printing the lines of a new virtual instant it
// sleeps the virtual time since the previous one divided by N, on a
// github.com/benbjohnson/clock Clock (a mock one in the tests).
//
// # Errors
//
// The exit status is 0 when the simulation ran, whatever happened to the
// jobs; 1 on invalid input, after listing every problem on standard error
// as FILE:LINE: field.path: message (nothing is simulated then), and when
// a simulation cannot finish (the event limit, which a run seen early to
// need more events than it stops at, with the estimate); 2 on usage errors:
// an unknown command or flag, a bad flag value, no FILE.
//
// # Determinism
//
// The same files, flags and seed print the same bytes, on every run and
// machine.
package main
