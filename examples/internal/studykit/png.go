package studykit

import (
	"image"
	"image/png"
	"os"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/backchannel-sim/backchannel/figures"
)

// RenderPNG draws f, w wide and h high with the 1 mm margin of
// figures.Write, into an image at dpi dots per inch: the studies' README
// copies of figures too large for the repository at the 300 dpi of
// figures.Save.
func RenderPNG(f figures.Figure, w, h vg.Length, dpi int) image.Image {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	f.Draw(draw.Crop(draw.New(img), vg.Millimeter, -vg.Millimeter, vg.Millimeter, -vg.Millimeter))
	return img.Image()
}

// WritePNG writes img to path with the best zlib compression.
func WritePNG(path string, img image.Image) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(out, img); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
