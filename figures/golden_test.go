package figures

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden renders the figures to PNG and compares them byte for byte
// with testdata/*.golden.png. PNG output is deterministic (the renderer is
// pure Go); run with -update after an intended change and look at the new
// files before committing them. On a mismatch the rendered file is kept in
// a new directory under os.TempDir and its path printed.
func TestGolden(t *testing.T) {
	t.Parallel()
	size := struct{ w, h vg.Length }{10 * vg.Centimeter, 7 * vg.Centimeter}
	cases := []struct {
		name string
		fig  func(t *testing.T) Figure
		w, h vg.Length // zero: size
	}{
		{"channels", func(t *testing.T) Figure {
			p, err := ChannelsHistogram(testHistograms(t))
			must(t, err)
			return p
		}, 0, 0},
		{"heatmap", func(t *testing.T) Figure {
			f, err := HeatMap(testGrid(), "Back-channel reliance (0–1)", "Audience attention (0–1)", "P(breakthrough)")
			must(t, err)
			return f
		}, 0, 0},
		{"incidence", func(t *testing.T) Figure {
			p, err := CumulativeIncidence(testIncidence(t))
			must(t, err)
			return p
		}, 0, 0},
		// The legend beside the axes, never on the data; a title longer
		// than the axes spans the figure.
		{"incidence-outside", func(t *testing.T) Figure {
			p, err := CumulativeIncidence(testIncidence(t))
			must(t, err)
			p.Title.Text = "Breakthrough and collapse, three policies"
			return Outside{p}
		}, 0, 0},
		// Ticks at the levels, n stated, wide intervals hatched.
		{"heatmap-uncertain", func(t *testing.T) Figure {
			f, err := HeatMap(testGridUncertain(), "Back-channel reliance (0–1)", "Audience attention (0–1)", "P(breakthrough)")
			must(t, err)
			return f
		}, 0, 0},
		// A signed map: diverging colours symmetric about 0, the bar
		// ticked at 0 and ±m, cells whose interval contains 0 hatched.
		{"heatmap-signed", func(t *testing.T) Figure {
			f, err := HeatMapSigned(testGridSigned(), "Back-channel reliance (0–1)", "Posturing π", "Δ P(breakthrough)", 0)
			must(t, err)
			return f
		}, 0, 0},
		{"channels-panels", func(t *testing.T) Figure {
			f, err := ChannelsPanels(testHistograms(t), 3)
			must(t, err)
			return f
		}, 17 * vg.Centimeter, 6 * vg.Centimeter},
		{"trajectory-grid", func(t *testing.T) Figure {
			f, err := TrajectoryGrid(testTrajectories(t), 3, "Replications still undecided at each round only")
			must(t, err)
			return f
		}, 17 * vg.Centimeter, 7 * vg.Centimeter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var got bytes.Buffer
			w, h := size.w, size.h
			if c.w > 0 {
				w, h = c.w, c.h
			}
			must(t, Write(&got, c.fig(t), "png", w, h))
			golden := filepath.Join("testdata", c.name+".golden.png")
			if *update {
				must(t, os.WriteFile(golden, got.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				// Kept after the test (not in t.TempDir, which is removed)
				// so that the user can look at it.
				saved := "(could not be saved: "
				if dir, err := os.MkdirTemp("", "backchannel-golden-"); err != nil {
					saved += err.Error() + ")"
				} else if out := filepath.Join(dir, c.name+".png"); os.WriteFile(out, got.Bytes(), 0o644) != nil {
					saved += "write failed)"
				} else {
					saved = out
				}
				t.Errorf("%s: rendered PNG (%d bytes) differs from %s (%d bytes); the rendered image is %s; run with -update if the change is intended",
					c.name, got.Len(), golden, len(want), saved)
			}
		})
	}
}

// TestDeterministic checks that output in every format is byte-identical
// when the same figure is built and rendered twice (TestPDFReproducible
// checks PDF more closely).
func TestDeterministic(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		var a, b bytes.Buffer
		for _, buf := range []*bytes.Buffer{&a, &b} {
			f, err := Trajectories(testTrajectories(t))
			must(t, err)
			must(t, Write(buf, f, format, 8*vg.Centimeter, 3*vg.Centimeter))
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s output differs between two renderings", format)
		}
	}
}
