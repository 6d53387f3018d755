// Package smoke holds what the worked examples' smoke tests share.
package smoke

import (
	"testing"

	"github.com/backchannel-sim/backchannel/figures"
)

// Formats returns the figure formats a smoke test should expect. Without
// the race detector these are all of figures.Formats. Under the race
// detector, where rasterising the 300-dpi PNGs (and the PDFs) alone takes
// over ten seconds per study, it restricts figures.Formats to SVG until the
// test ends: SVG exercises the same plotting code. Tests that call it must
// not run in parallel with each other.
func Formats(t testing.TB) []string {
	t.Helper()
	if !RaceEnabled {
		return figures.Formats
	}
	old := figures.Formats
	figures.Formats = []string{"svg"}
	t.Cleanup(func() { figures.Formats = old })
	return figures.Formats
}
