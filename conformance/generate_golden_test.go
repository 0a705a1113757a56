package conformance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var updateGenerator = flag.Bool("update-generator", false, "rewrite testdata/generator/drafts.golden from the current generator")

// generatorGolden is the file holding the drafts of the first goldenSeeds
// seeds, in full (without their shrinks).
var generatorGolden = filepath.Join("testdata", "generator", "drafts.golden")

const (
	// goldenSeeds are written out in full in generatorGolden.
	goldenSeeds = 10
	// digestSeeds are summed up in generatorDigest.
	digestSeeds = 500
	// generatorDigest is the SHA-256 of generatorOutput(digestSeeds, true).
	generatorDigest = "3ef1f54f7d6b24d04c94487912c9e7dd8e69e5a27fc6d5b0bdd1bd5c5944827c"
)

// generatorOutput renders what the generator makes of the seeds 0 to n-1:
// the draft's YAML, then, with shrinks, the YAML of each of its shrinks in
// order.
func generatorOutput(n int, shrinks bool) []byte {
	var b bytes.Buffer
	for s := range n {
		d := Generate(rand.New(rand.NewPCG(1, uint64(s))))
		fmt.Fprintf(&b, "=== seed %d\n", s)
		b.Write(d.YAML(fmt.Sprintf("seed %d", s)))
		if !shrinks {
			continue
		}
		for k, sh := range d.Shrinks() {
			fmt.Fprintf(&b, "--- seed %d, shrink %d\n", s, k)
			b.Write(sh.YAML())
		}
	}
	return b.Bytes()
}

// TestGeneratorPinned pins the generator's determinism: the drafts Generate
// draws for given seeds, their YAML and their shrinks are exactly those
// recorded before the generator's code was last reorganised, so a change
// meant to keep its behaviour provably does. A change meant to alter the
// drafts updates the record: go test -run TestGeneratorPinned
// -update-generator, then the digest the failure prints.
func TestGeneratorPinned(t *testing.T) {
	got := generatorOutput(goldenSeeds, false)
	if *updateGenerator {
		if err := os.WriteFile(generatorGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(generatorGolden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the drafts of the first %d seeds differ from %s", goldenSeeds, generatorGolden)
	}
	sum := sha256.Sum256(generatorOutput(digestSeeds, true))
	if d := hex.EncodeToString(sum[:]); d != generatorDigest {
		t.Errorf("the drafts of the first %d seeds have digest %s, want %s", digestSeeds, d, generatorDigest)
	}
}
