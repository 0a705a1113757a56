//go:build k8s1.36

package reference

import (
	_ "unsafe" // for go:linkname

	"context"

	"github.com/jobsim/jobsim"
	"k8s.io/client-go/informers"
	batchinformers "k8s.io/client-go/informers/batch/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	schedulinginformers "k8s.io/client-go/informers/scheduling/v1alpha2"
	clientset "k8s.io/client-go/kubernetes"
	jobcontroller "k8s.io/kubernetes/pkg/controller/job"
	"k8s.io/utils/clock"
)

// Version is the Kubernetes release this build runs: the one of
// k8s/1.36.mod (build tag k8s1.36).
const Version = jobsim.V1_36

// newControllerWithClock as v1.36.3 has it (see newController).
//
//go:linkname newControllerWithClock k8s.io/kubernetes/pkg/controller/job.newControllerWithClock
func newControllerWithClock(ctx context.Context, kubeClient clientset.Interface, clock clock.WithTicker,
	podInformer coreinformers.PodInformer, jobInformer batchinformers.JobInformer,
	workloadInformer schedulinginformers.WorkloadInformer,
	podGroupInformer schedulinginformers.PodGroupInformer) (*jobcontroller.Controller, error)

// newController builds the controller. The Workload and PodGroup
// informers serve the WorkloadWithJob gate (Alpha, off): the controller
// adds handlers to them, and so starts them, only with the gate on.
func newController(ctx context.Context, f informers.SharedInformerFactory, pods coreinformers.PodInformer, jobs batchinformers.JobInformer, cs clientset.Interface, clk clock.WithTicker) (*jobcontroller.Controller, error) {
	s := f.Scheduling().V1alpha2()
	return newControllerWithClock(ctx, cs, clk, pods, jobs, s.Workloads(), s.PodGroups())
}

// QueueLoopsLinger: the work queues of this release's client-go end all
// their goroutines at ShutDown (see release_1.34.go).
const QueueLoopsLinger = false
