// Package kube serves a jobsim cluster through a client-go clientset, so
// that a controller written against kubernetes.Interface (an operator, a
// workflow engine, a CI system that creates Jobs) can be tested with Jobs
// that really run: pods are created, scheduled, run, fail and are
// retried as Kubernetes' Job controller, scheduler and kubelets would, on
// virtual time, in microseconds.
//
//	sim := kube.New(jobsim.Config{}, kube.Options{Behaviors: map[string]jobsim.Behavior{
//		"train": jobsim.Fixed(10*time.Minute, 0),
//	}})
//	var cs kubernetes.Interface = sim.Clientset()
//
// # What the clientset serves
//
// batch/v1 Jobs and CronJobs, and v1 Pods, Nodes and Events, with get, list, watch,
// create, update (the object and a Job's status subresource), patch (JSON,
// merge and strategic merge) and delete. Objects have a uid, a
// creationTimestamp and a resourceVersion, one counter for all of them as
// etcd's revision is; an update or delete whose resourceVersion (or
// precondition) is stale is a 409 Conflict. Lists and watches take label
// and field selectors (the fields the API server supports for each kind:
// metadata.name, status.phase and spec.nodeName of pods,
// involvedObject.name and reason of events ...). A watch from a
// resourceVersion replays every change after it, up to
// Options.WatchHistory changes back (older ones are 410 Gone); a watch
// from "0" starts with the objects there are; sendInitialEvents ends them
// with the bookmark the API server sends. Informers, listers and work
// queues of client-go work on it unchanged.
//
// A created Job is admitted as the API server of jobsim.Config.Version
// admits it (manifest.NewJob: defaults, validation with the API's field
// paths and messages, generateName), or refused with the API server's
// error, an *errors.StatusError (422 Invalid, 409 AlreadyExists ...). What
// jobsim does not simulate is refused in the same way rather than
// ignored (a Job's own finalizers, say). Updates of a Job's spec go
// through the update validation of that version and reach the Job
// controller as an edit does (jobsim.Cluster.Update): suspending,
// resuming, scaling. A pod may be deleted (gracefully, with its
// terminationGracePeriodSeconds) or evicted through the eviction API (a
// PodDisruptionBudget may refuse it, 429); its labels and annotations may
// be changed; its spec and status are jobsim's. Deleting a Job takes a
// propagationPolicy: Background removes the Job at once and its pods once
// they have stopped, Foreground keeps it being deleted until they have;
// Orphan, batch/v1's default when none is given, removes the Job at once
// and leaves its pods running, without owner or finalizer. Creating pods or nodes directly
// is refused: nodes come from jobsim.Config.Nodes.
//
// A created CronJob runs under jobsim's CronJob controller (v2) of that
// version: the Jobs it creates are served as the others, owned by it, and
// its status (active, lastScheduleTime, lastSuccessfulTime) is written
// back; spec edits (suspend, schedule, concurrencyPolicy, the limits, the
// job template) reach the controller, and a delete removes it with its
// Jobs (background propagation).
//
// Everything the controllers do comes back as writes the clientset's
// watches see: the pods as they are created, scheduled, started and
// ended, each status write of the Job controller, the Events the
// controllers and kubelets record, the removal of pods. Other resources
// (ConfigMaps, custom resources ...) are kept by client-go's fake object
// tracker, as with fake.NewClientset: stored, listed and watched, with
// nothing running on them.
//
// # Time
//
// jobsim runs on virtual time, and a Sim moves it in one of two ways.
//
// Inside a testing/synctest bubble, Start(ctx) makes the simulation follow
// the bubble's clock: a goroutine of the Sim sleeps until the next
// simulated event is due, runs it, and writes what changed. The bubble
// advances its clock only when every goroutine in it is durably blocked,
// so by the time the next event runs, the user's controller has received
// every watch event of the ones before and has finished reacting to them;
// its writes land at the virtual time at which it made them. time.Sleep,
// timers, the rate limiters of work queues and resyncs all run on the
// same clock. The run is then deterministic: the same seed, inputs and
// controller give the same history, to the nanosecond, on any machine.
// (Outside a bubble, Start follows the wall clock instead: a real-time
// simulation.)
//
//	synctest.Test(t, func(t *testing.T) {
//		sim := kube.New(jobsim.Config{}, opts)
//		sim.Start(t.Context())
//		go myoperator.Run(t.Context(), sim.Clientset())
//		time.Sleep(2 * time.Hour) // virtual: the Jobs run meanwhile
//		// assert on what the operator did
//	})
//
// Without a bubble, Advance(d) and RunUntil(cond, limit) move the
// simulation explicitly, event by event, writing the changes of each
// before the next; Clock returns a clock (k8s.io/utils/clock) that moves
// with it, for controllers that take one. The simulation itself is as
// deterministic as ever, but a controller running on its own goroutines
// reacts to watch events while Advance goes on: its writes land at the
// virtual time the Sim has reached when they arrive, which depends on the
// scheduling of goroutines. A test that needs exact times either calls
// the controller's reconcile itself between Advance calls, or uses a
// bubble.
//
// The Sim is safe for concurrent use: every call of the clientset and every
// step of the simulation hold one lock. With Start, a call first runs
// what is due by time.Now.
package kube
