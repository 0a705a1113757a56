//go:build k8s1.34 || k8s1.35

package reference

import (
	_ "unsafe" // for go:linkname

	"context"

	"k8s.io/client-go/informers"
	batchinformers "k8s.io/client-go/informers/batch/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	clientset "k8s.io/client-go/kubernetes"
	jobcontroller "k8s.io/kubernetes/pkg/controller/job"
	"k8s.io/utils/clock"
)

// newControllerWithClock as v1.34.4 and v1.35.4 have it (see
// newController).
//
//go:linkname newControllerWithClock k8s.io/kubernetes/pkg/controller/job.newControllerWithClock
func newControllerWithClock(ctx context.Context, podInformer coreinformers.PodInformer, jobInformer batchinformers.JobInformer, kubeClient clientset.Interface, clock clock.WithTicker) (*jobcontroller.Controller, error)

// newController builds the controller.
func newController(ctx context.Context, _ informers.SharedInformerFactory, pods coreinformers.PodInformer, jobs batchinformers.JobInformer, cs clientset.Interface, clk clock.WithTicker) (*jobcontroller.Controller, error) {
	return newControllerWithClock(ctx, pods, jobs, cs, clk)
}
