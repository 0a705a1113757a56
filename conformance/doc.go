// Package conformance checks jobsim against the real Kubernetes Job
// controller. It runs a scenario (the scenario file format of jobsim run)
// twice: on jobsim, with Config.SyncDelay 1 s like the real controller's
// batching, and on the unmodified Job controller of Kubernetes (package
// reference), then compares the outcomes: each job's final
// status (counters, completedIndexes, failedIndexes, the conditions with
// their reasons and messages, startTime and completionTime within a
// tolerance), the pods it left by phase, and how many pods it created;
// in a scenario with nodes, where the real kube-scheduler runs too, what
// the scheduler did ([Scheduling]: placements per class of nodes up to
// its random ties, pending pods' messages, preemption victims).
// Both sides run one release: the one the module file links (go.mod:
// v1.37.2; k8s/1.34.mod, 1.35.mod, 1.36.mod with the build tags k8s1.34,
// k8s1.35, k8s1.36), reference.Version, which the jobsim side simulates
// with that version's profile (docs/fidelity.md, "Versions").
//
// It is a module of its own, so that jobsim's users never download
// Kubernetes. The entry points:
//
//   - [LoadCase] reads a scenario file and its conformance notes (a
//     "# known: ..." line marks a known difference, "# tolerance: 5s"
//     widens the time tolerance, "# versions: 1.36+" restricts it to
//     some versions).
//   - [Compare] runs a [Case] on both sides and returns a [Report] with a
//     cmp.Diff of the two [Outcome]s; [RunJobsim] and [RunReference] run
//     one side.
//   - [Generate] draws a random [Draft] scenario; [Check] compares one and
//     shrinks a disagreement to a minimal draft ([Draft.Shrinks]), which
//     [Draft.YAML] writes as a scenario file. The explorer,
//     cmd/difftest, drives them.
//
// The suite, TestConformance, runs every scenario under testdata/ (go
// test in this module). docs/fidelity.md in the repository lists what it
// covers and the known differences.
//
// # Time
//
// The reference runs on a virtual clock that goes reference.DefaultSpeed
// (20) times faster than the wall clock while the cluster is quiet, and
// stands still while a watch event or a sync is in flight, so its results
// do not depend on the machine's load. The real controller still stores
// times to the second and reacts a moment after what it reacts to: times
// are compared within Case.Tolerance (DefaultTolerance, 2 s). A reference
// run takes about its scenario's virtual duration divided by the speed.
//
// # Concurrency
//
// Compare, RunReference and Check may be called from several goroutines
// at once: each reference run has its own API server, informers,
// controller and kubelet.
package conformance
