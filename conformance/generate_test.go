package conformance

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestGenerateIsValidAndDeterministic: the same seed gives the same
// scenario, and GenerateValid's scenarios load as cases.
func TestGenerateIsValidAndDeterministic(t *testing.T) {
	for i := range 200 {
		a, c := GenerateValid(rand.New(rand.NewPCG(7, uint64(i))), "x")
		b, _ := GenerateValid(rand.New(rand.NewPCG(7, uint64(i))), "x")
		if !bytes.Equal(a.YAML(), b.YAML()) {
			t.Fatalf("scenario %d differs between two draws", i)
		}
		if c == nil || len(c.Scenario.Jobs) != len(a.Jobs) {
			t.Fatalf("scenario %d: case %v", i, c)
		}
	}
}

// TestShrinksLeaveTheDraftAlone: shrinking makes new drafts and never
// changes the one it starts from.
func TestShrinksLeaveTheDraftAlone(t *testing.T) {
	for i := range 200 {
		d, _ := GenerateValid(rand.New(rand.NewPCG(8, uint64(i))), "x")
		before := d.YAML()
		shrinks := d.Shrinks()
		for _, s := range shrinks {
			s.Shrinks()
		}
		if after := d.YAML(); !bytes.Equal(before, after) {
			t.Fatalf("scenario %d changed by Shrinks:\n%s\nbecame\n%s", i, before, after)
		}
		for k, s := range shrinks {
			if bytes.Equal(s.YAML(), before) {
				t.Errorf("scenario %d: shrink %d changes nothing", i, k)
			}
		}
	}
}

// TestGenerateCluster checks that the cluster option draws valid
// scenarios with nodes, and leaves the jobs of a seed as they are.
func TestGenerateCluster(t *testing.T) {
	for i := range 20 {
		d, c := GenerateValidWith(rand.New(rand.NewPCG(3, uint64(i))), "cluster", GenerateOptions{Cluster: true})
		if len(d.Pools) == 0 || len(c.Scenario.Nodes) == 0 {
			t.Fatalf("scenario %d has no nodes:\n%s", i, d.YAML())
		}
	}
	a := Generate(rand.New(rand.NewPCG(5, 1)))
	b := GenerateWith(rand.New(rand.NewPCG(5, 1)), GenerateOptions{Cluster: true})
	for k := range b.Jobs {
		b.Jobs[k].Placement = nil
	}
	b.Pools = nil
	if string(a.YAML()) != string(b.YAML()) {
		t.Errorf("the cluster option changed the jobs:\n%s\n---\n%s", a.YAML(), b.YAML())
	}
}
