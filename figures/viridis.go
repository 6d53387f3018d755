package figures

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// viridisStops are ten equally spaced colours of the viridis colour map
// (van der Walt and Smith 2015, matplotlib; values as given by R
// viridisLite::viridis(10), Garnier et al.), from dark purple at 0 to
// yellow at 1.
var viridisStops = [...]color.NRGBA{
	{0x44, 0x01, 0x54, 0xFF},
	{0x48, 0x28, 0x78, 0xFF},
	{0x3E, 0x4A, 0x89, 0xFF},
	{0x31, 0x68, 0x8E, 0xFF},
	{0x26, 0x82, 0x8E, 0xFF},
	{0x1F, 0x9E, 0x89, 0xFF},
	{0x35, 0xB7, 0x79, 0xFF},
	{0x6D, 0xCD, 0x59, 0xFF},
	{0xB4, 0xDE, 0x2C, 0xFF},
	{0xFD, 0xE7, 0x25, 0xFF},
}

// Viridis returns a viridis colour map on [0, 1]: perceptually uniform,
// monotone in lightness (so it survives greyscale printing) and readable
// with the common colour-vision deficiencies (van der Walt and Smith
// 2015, "A better default colormap for Matplotlib", SciPy). It
// interpolates linearly in sRGB between ten published control points; the
// largest deviation from the 256-entry original is a few units of 255,
// invisible in a figure. It is used instead of the moreland maps of
// gonum/plot because those are either diverging (SmoothBlueRed; see
// CoolWarm for signed values) or not perceptually uniform in hue for
// small grids (BlackBody, Kindlmann).
//
// The returned map is a new value; SetMin, SetMax and SetAlpha change only
// it.
func Viridis() palette.ColorMap {
	return &stopsMap{stops: viridisStops[:], min: 0, max: 1, alpha: 1}
}

// stopsMap is a palette.ColorMap that interpolates linearly in sRGB
// between equally spaced control points, the first at min and the last
// at max.
type stopsMap struct {
	stops           []color.NRGBA
	min, max, alpha float64
}

// At returns the colour of v, or an error wrapping palette.ErrNaN,
// ErrUnderflow or ErrOverflow (with the end colour).
func (m *stopsMap) At(v float64) (color.Color, error) {
	switch {
	case math.IsNaN(v):
		return nil, palette.ErrNaN
	case v < m.min:
		return m.at(0), palette.ErrUnderflow
	case v > m.max:
		return m.at(1), palette.ErrOverflow
	}
	f := 0.0
	if m.max > m.min {
		f = (v - m.min) / (m.max - m.min)
	}
	return m.at(f), nil
}

// at returns the colour at fraction f in [0, 1].
func (m *stopsMap) at(f float64) color.NRGBA {
	s := f * float64(len(m.stops)-1)
	i := min(int(s), len(m.stops)-2)
	w := s - float64(i)
	a, b := m.stops[i], m.stops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + w*(float64(y)-float64(x)))) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: uint8(math.Round(255 * m.alpha))}
}

// Max returns the value mapped to the last control point.
func (m *stopsMap) Max() float64 { return m.max }

// SetMax sets the value mapped to the last control point.
func (m *stopsMap) SetMax(v float64) { m.max = v }

// Min returns the value mapped to the first control point.
func (m *stopsMap) Min() float64 { return m.min }

// SetMin sets the value mapped to the first control point.
func (m *stopsMap) SetMin(v float64) { m.min = v }

// Alpha returns the opacity, in [0, 1].
func (m *stopsMap) Alpha() float64 { return m.alpha }

// SetAlpha sets the opacity, clamped to [0, 1].
func (m *stopsMap) SetAlpha(a float64) { m.alpha = math.Max(0, math.Min(1, a)) }

// Palette returns n colours evenly spaced over the map (n >= 2; smaller n
// gives 2).
func (m *stopsMap) Palette(n int) palette.Palette {
	n = max(n, 2)
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i] = m.at(float64(i) / float64(n-1))
	}
	return paletteColors(cs)
}

// paletteColors is a palette.Palette over a fixed colour slice.
type paletteColors []color.Color

// Colors returns the colours.
func (p paletteColors) Colors() []color.Color { return p }
