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
