// Package figures draws the publication figures of a backchannel study
// with gonum.org/v1/plot: cumulative incidence of breakthrough and collapse
// with pointwise confidence bands, outcome shares against a swept
// parameter with Wilson intervals, per-round trajectory bands,
// two-parameter heat maps with a colour bar (HeatMap for probabilities,
// HeatMapSigned for signed differences), and histograms of the number of
// back channels opened per replication.
//
// Every figure is built from the estimators of package metrics by a
// function that validates its input and returns a *plot.Plot, or a Figure
// for multi-panel layouts (Panels, HeatMapFigure; TrajectoryGrid and
// ChannelsPanels give one panel per policy), together with an error
// wrapping one of the sentinel errors ErrNoData, ErrMismatch or ErrDomain.
// Callers may then adjust exported fields (axis ranges, legend position,
// titles) before saving, as with any gonum plot. The package never prints
// and never panics on NaN input.
//
// Legends never sit on data: Save draws a plot through Outside, which
// puts its legend in a strip beside the axes (breaking a long X label
// into lines and spanning the title over the whole figure), and Panels
// draw a shared legend in rows above the panels. Heat maps put their ticks
// at the swept levels, state n per cell and hatch uncertain cells:
// HeatMap those whose interval is wider than HatchWidth, HeatMapSigned
// those whose interval contains 0.
//
// Save and SaveFigure write three files per figure: PNG at 300 dpi, SVG
// with embedded fonts (so layout does not depend on the fonts installed
// where it is viewed) and PDF. Every format is byte-reproducible: the same
// figure at the same size gives the same bytes in every run. PDF files
// carry a fixed creation and modification date, 1970-01-01 00:00:00 UTC,
// or the date the SOURCE_DATE_EPOCH environment variable stands for (the
// reproducible-builds convention: seconds since then, read when the
// program starts; a malformed value makes PDF output fail), and list their
// images and fonts in a fixed order. Both are settings of the PDF writer
// under gonum/plot (codeberg.org/go-pdf/fpdf) that gonum/plot does not
// expose, so the package sets them as fpdf's process-wide defaults when
// it is initialised: a program that imports figures and also writes PDF
// with fpdf directly gets them too, and can override them per document
// (Fpdf.SetCreationDate, Fpdf.SetModificationDate).
//
// All figures share one style: Liberation Sans at 10 pt for axis labels and
// 9 pt for tick labels and legends (readable at 12 × 8 cm), light grey grid
// lines, the Okabe-Ito colour-blind-safe qualitative palette for series
// (Okabe and Ito 2008, "Color Universal Design"; see OkabeIto) and a
// viridis sequential colour map for heat maps of probabilities (van der
// Walt and Smith 2015; see Viridis), which is perceptually uniform,
// readable by the common forms of colour blindness and monotone in
// lightness, so it also prints in greyscale; and Moreland's cool-warm
// diverging colour map for signed quantities (Moreland 2009; see
// CoolWarm), blue below and red above a neutral grey zero, on a range
// symmetric about 0.
//
// Package figures imports metrics, gonum/plot and the PDF writer gonum/plot
// uses; no other package of the module imports it, which keeps the
// plotting dependencies (fonts, PDF and SVG writers, about 10 MB of
// binary) out of the simulation.
package figures
