package bitset

import "testing"

// completedIndexes and failedIndexes are written as upstream's
// orderedIntervals.String writes them: runs of three or more as "a-b".
func TestIntervalStrings(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{nil, ""}, {[]int{0, 1}, "0,1"}, {[]int{1, 3, 4, 5, 7}, "1,3-5,7"}, {[]int{2, 4, 5, 7, 8, 9}, "2,4,5,7-9"},
		{[]int{63, 64, 65}, "63-65"},
	} {
		var b Set
		for _, i := range tc.in {
			b.Add(i)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.in, got, tc.want)
		}
	}
}
