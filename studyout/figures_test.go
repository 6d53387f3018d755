package studyout

import (
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/backchannel-sim/backchannel/figures"
)

// TestFigureOptions checks that size, title and axis labels set in
// Options reach every figure.
func TestFigureOptions(t *testing.T) {
	t.Parallel()
	s, res := smallStudy(t)
	opt := Options{Width: 10 * vg.Centimeter, Height: 6 * vg.Centimeter, Title: "T",
		Labels: map[string]string{"Round (weeks)": "Week"}}
	figs, err := BuildStudyFigures(s, res, opt)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range figs {
		names[f.Name] = true
		if f.W != opt.Width || f.H != opt.Height {
			t.Errorf("%s: size %v × %v, want %v × %v", f.Name, f.W, f.H, opt.Width, opt.Height)
		}
		tf, ok := f.Figure.(Titled)
		if !ok || tf.Title != "T" {
			t.Errorf("%s: not titled %q", f.Name, opt.Title)
			continue
		}
		var p *plot.Plot
		switch g := tf.Figure.(type) {
		case figures.Outside:
			p = g.Plot
		case *figures.Panels:
			if f.Name == "trajectories" {
				p = g.Plots[0][0]
			}
		}
		if p != nil && p.X.Label.Text != "Week" {
			t.Errorf("%s: X label %q, want Week", f.Name, p.X.Label.Text)
		}
	}
	for _, n := range []string{"incidence", "channels", "trajectories"} {
		if !names[n] {
			t.Errorf("no %s figure", n)
		}
	}
	// Defaults: page width for the multi-panel figures, no title.
	figs, err = BuildStudyFigures(s, res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		if f.W != PageWidth {
			t.Errorf("%s: default width %v, want the page width %v", f.Name, f.W, PageWidth)
		}
		if _, ok := f.Figure.(Titled); ok {
			t.Errorf("%s: titled without a title", f.Name)
		}
	}
}
