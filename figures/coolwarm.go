package figures

import (
	"image/color"

	"gonum.org/v1/plot/palette"
)

// coolWarmStops are the 33 equally spaced control points of the
// cool-to-warm diverging colour map as tabulated by Moreland (2009), from
// blue at 0 through neutral grey at 0.5 to red at 1.
var coolWarmStops = [...]color.NRGBA{
	{59, 76, 192, 0xFF},
	{68, 90, 204, 0xFF},
	{77, 104, 215, 0xFF},
	{87, 117, 225, 0xFF},
	{98, 130, 234, 0xFF},
	{108, 142, 241, 0xFF},
	{119, 154, 247, 0xFF},
	{130, 165, 251, 0xFF},
	{141, 176, 254, 0xFF},
	{152, 185, 255, 0xFF},
	{163, 194, 255, 0xFF},
	{174, 201, 253, 0xFF},
	{184, 208, 249, 0xFF},
	{194, 213, 244, 0xFF},
	{204, 217, 238, 0xFF},
	{213, 219, 230, 0xFF},
	{221, 221, 221, 0xFF},
	{229, 216, 209, 0xFF},
	{236, 211, 197, 0xFF},
	{241, 204, 185, 0xFF},
	{245, 196, 173, 0xFF},
	{247, 187, 160, 0xFF},
	{247, 177, 148, 0xFF},
	{247, 166, 135, 0xFF},
	{244, 154, 123, 0xFF},
	{241, 141, 111, 0xFF},
	{236, 127, 99, 0xFF},
	{229, 112, 88, 0xFF},
	{222, 96, 77, 0xFF},
	{213, 80, 66, 0xFF},
	{203, 62, 56, 0xFF},
	{192, 40, 47, 0xFF},
	{180, 4, 38, 0xFF},
}

// CoolWarm returns Moreland's cool-to-warm diverging colour map on
// [−1, 1]: blue (59, 76, 192) at −1, a neutral grey (221, 221, 221) at 0
// and red (180, 4, 38) at +1, for signed quantities whose sign matters
// (K. Moreland 2009, "Diverging Color Maps for Scientific Visualization",
// Advances in Visual Computing, ISVC 2009, LNCS 5876, 92–103,
// doi:10.1007/978-3-642-10520-3_9). Moreland designed it in the Msh
// space (a polar form of CIELAB) for a smooth, even change in perceived
// colour, with a blue and a red that stay distinct for viewers with
// red-green colour-vision deficiency. Its CIELAB lightness L* falls
// symmetrically from 88 at the grey midpoint to 38 at both ends, so zero
// is the lightest colour and equal distances either side of zero look
// equally strong. It interpolates linearly in
// sRGB between the 33 control points Moreland tabulates (also on
// kennethmoreland.com/color-advice, "smooth cool warm"); it differs
// from his continuous map by at most a few units of 255. Unlike Viridis
// it is not monotone in lightness and does not print in greyscale.
//
// Set the range symmetrically about 0 (SetMin(−m), SetMax(m)) so that
// grey stands for zero; HeatMapSigned does. The returned map is a new
// value; SetMin, SetMax and SetAlpha change only it.
func CoolWarm() palette.ColorMap {
	return &stopsMap{stops: coolWarmStops[:], min: -1, max: 1, alpha: 1}
}
