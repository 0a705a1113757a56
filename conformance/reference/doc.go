// Package reference runs the real Job controller of Kubernetes,
// unmodified, on a scenario, in memory and on a fast virtual clock. The
// release is the one the module file links (go.mod: v1.37.2; or
// k8s/1.N.mod with the build tag k8s1.N), named by [Version].
//
// The pieces around the controller stand in for a cluster:
//
//   - an API server in front of the client-go fake clientset (apiServer):
//     resourceVersions and conflicts, generateName, UIDs, times stored to
//     the second, the batch registry strategy for Job creation, updates
//     and status updates (defaulting, selector generation, validation),
//     graceful pod deletion with finalizers, and unbounded watches;
//   - shared informers over that clientset, as kube-controller-manager
//     has;
//   - a scripted kubelet that plays the scenario's container runs: exit
//     codes, OnFailure restarts with CrashLoopBackOff, disruptions, and
//     graceful termination with exit codes 143 and 137; without nodes it
//     binds and starts every pod at once on one unlimited node;
//   - with nodes, the real kube-scheduler, its default profile, on its own
//     client and informers (scheduler.go), and the node objects, priority
//     classes, PodDisruptionBudgets and admission plugins it relies on;
//   - a virtual clock, injected into the controller (see
//     newControllerWithClock), its work queues, the scheduler's queue and
//     the kubelet, that runs
//     Options.Speed times faster than the wall clock while the cluster is
//     quiet and stands still while a watch event or a sync is in flight.
//
// [Run] plays a [Scenario] and returns the [Result]: the jobs and pods at
// the end. It leaves no goroutine behind.
package reference
