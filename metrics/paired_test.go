package metrics

import "testing"

func TestPairedTableAddMerge(t *testing.T) {
	var a, b PairedTable
	for _, p := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}, {true, false}} {
		a.Add(p[0], p[1])
	}
	if a != (PairedTable{N11: 1, N10: 2, N01: 1, N00: 1}) {
		t.Errorf("Add: %+v", a)
	}
	b.Add(false, true)
	a.Merge(b)
	if a.N01 != 2 || a.N() != 6 {
		t.Errorf("Merge: %+v", a)
	}
}
