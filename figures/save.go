package figures

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of PNG output, suitable for print.
const DPI = 300

// margin is the blank border around every figure.
const margin = vg.Millimeter

// Formats lists the file formats Save and SaveFigure write, in order.
var Formats = []string{"png", "svg", "pdf"}

// Figure is anything that draws itself onto a canvas: a *plot.Plot, a
// *Panels or a *HeatMapFigure.
type Figure interface {
	Draw(c draw.Canvas)
}

var (
	_ Figure = (*plot.Plot)(nil)
	_ Figure = (*Panels)(nil)
	_ Figure = (*HeatMapFigure)(nil)
	_ Figure = Outside{}
)

// Save writes p, w wide and h high, to dir/basename.png (300 dpi),
// dir/basename.svg (fonts embedded) and dir/basename.pdf, creating dir if
// needed. It is SaveFigure of Outside{p}: the legend, if any, is drawn to
// the right of the axes, never on the data.
func Save(p *plot.Plot, dir, basename string, w, h vg.Length) error {
	if p == nil {
		return fmt.Errorf("figures: Save %q: nil plot: %w", basename, ErrNoData)
	}
	return SaveFigure(Outside{p}, dir, basename, w, h)
}

// SaveFigure writes f, w wide and h high, in every format of Formats to
// dir/basename.<format>, creating dir if needed. It returns an error
// wrapping ErrDomain for an empty basename, one containing a path
// separator, a non-positive size or a malformed SOURCE_DATE_EPOCH (see
// Write), and the first I/O error otherwise; files written before an
// error are left in place.
func SaveFigure(f Figure, dir, basename string, w, h vg.Length) error {
	if f == nil {
		return fmt.Errorf("figures: SaveFigure %q: nil figure: %w", basename, ErrNoData)
	}
	if basename == "" || strings.ContainsAny(basename, `/\`) {
		return fmt.Errorf("figures: SaveFigure: bad basename %q: %w", basename, ErrDomain)
	}
	if !(w > 0 && h > 0) {
		return fmt.Errorf("figures: SaveFigure %q: size %v × %v not positive: %w", basename, w, h, ErrDomain)
	}
	if pdfDateErr != nil && slices.Contains(Formats, "pdf") {
		// Checked before any file is created, so that a malformed
		// SOURCE_DATE_EPOCH leaves no partial set of files behind.
		return fmt.Errorf("%w (SaveFigure %q)", pdfDateErr, basename)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("figures: SaveFigure %q: %w", basename, err)
	}
	for _, format := range Formats {
		if err := saveOne(f, filepath.Join(dir, basename+"."+format), format, w, h); err != nil {
			return err
		}
	}
	return nil
}

// saveOne writes f to the file name in format.
func saveOne(f Figure, name, format string, w, h vg.Length) (err error) {
	file, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	defer func() {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("figures: %w", cerr)
		}
	}()
	if err := Write(file, f, format, w, h); err != nil {
		return fmt.Errorf("%w (writing %s)", err, name)
	}
	return nil
}

// Write renders f, w wide and h high, to out in format "png" (300 dpi),
// "svg" (fonts embedded) or "pdf". The output is a deterministic function
// of f and the size in every format: PDF files carry 1970-01-01 00:00:00
// UTC as their creation and modification date, or the date that the
// environment variable SOURCE_DATE_EPOCH (seconds since then, read once
// when the program starts) stands for. Write returns an error wrapping
// ErrDomain for another format, a non-positive size, or, for PDF, a
// SOURCE_DATE_EPOCH that is not a whole number of seconds in
// [0, 253402300799]; it converts a panic raised while drawing into an
// error.
func Write(out io.Writer, f Figure, format string, w, h vg.Length) (err error) {
	if f == nil {
		return fmt.Errorf("figures: Write: nil figure: %w", ErrNoData)
	}
	if !(w > 0 && h > 0) {
		return fmt.Errorf("figures: Write: size %v × %v not positive: %w", w, h, ErrDomain)
	}
	var (
		c  vg.CanvasWriterTo
		dc draw.Canvas
	)
	switch format {
	case "png":
		img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
		c = vgimg.PngCanvas{Canvas: img}
	case "svg":
		c = vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(true))
	case "pdf":
		if pdfDateErr != nil {
			return pdfDateErr
		}
		c = vgpdf.New(w, h)
	default:
		return fmt.Errorf("figures: unsupported format %q (want png, svg or pdf): %w", format, ErrDomain)
	}
	// A small outer margin keeps lines and labels that reach the edge of
	// the data area (a curve at the horizon, the top tick label) inside
	// the image.
	dc = draw.Crop(draw.New(c), margin, -margin, margin, -margin)
	if err := drawSafely(f, dc); err != nil {
		return err
	}
	if format == "svg" {
		// gonum/plot's SVG writer leaves <image> at the default
		// preserveAspectRatio ("xMidYMid meet"), so browsers letterbox a
		// raster (a heat map, a colour bar) whose pixel aspect differs from
		// its box, moving it off its axes. Stretch it to its box, as the
		// PNG and PDF writers do.
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return fmt.Errorf("figures: write %s: %w", format, err)
		}
		if _, err := out.Write(bytes.ReplaceAll(buf.Bytes(), []byte("<image "), []byte(`<image preserveAspectRatio="none" `))); err != nil {
			return fmt.Errorf("figures: write %s: %w", format, err)
		}
		return nil
	}
	if _, err := c.WriteTo(out); err != nil {
		return fmt.Errorf("figures: write %s: %w", format, err)
	}
	return nil
}

// errDraw marks a panic recovered while drawing.
var errDraw = errors.New("figures: drawing failed")

// drawSafely draws f on dc, turning a panic of the plotting library into
// an error.
func drawSafely(f Figure, dc draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errDraw, r)
		}
	}()
	f.Draw(dc)
	return nil
}
