package jobsim

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// A UID reads as the version-4-shaped UUID fmt formats from the same bits:
// 8-4-4-4-12 lowercase hex digits, the third group starting with 4 and the
// fourth with 8 to b (the RFC 4122 variant).
func TestUIDIsFormattedAsFmtFormatsIt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.Uint64().Draw(t, "a"), rapid.Uint64().Draw(t, "b")
		want := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
			uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
		if got := formatUID(a, b); got != want {
			t.Fatalf("formatUID(%#x, %#x) = %q, want %q", a, b, got, want)
		}
	})
}
