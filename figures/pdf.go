package figures

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// maxSourceDate is the largest SOURCE_DATE_EPOCH a PDF date can hold,
// 9999-12-31 23:59:59 UTC: the last second with a four-digit year.
const maxSourceDate = 253402300799

// pdfDate is the creation and modification date of every PDF file;
// pdfDateErr, if not nil, reports a malformed SOURCE_DATE_EPOCH, and Write
// then refuses to write PDF.
var pdfDate, pdfDateErr = sourceDate(os.Getenv("SOURCE_DATE_EPOCH"))

// init makes PDF output a deterministic function of the figure and its
// size. The PDF writer under gonum/plot's vgpdf (codeberg.org/go-pdf/fpdf)
// stamps the current time as /CreationDate and /ModDate unless told a date,
// and lists the images and fonts of a file in Go map order (random from
// one run to the next) unless told to sort them. vgpdf gives no access to
// its fpdf document, so both settings go through fpdf's process-wide
// defaults, which every new document (vgpdf.New) copies; setting them in
// init, before any goroutine of the program runs, cannot race with a
// document being created.
func init() {
	fpdf.SetDefaultCatalogSort(true)
	fpdf.SetDefaultCreationDate(pdfDate)
	fpdf.SetDefaultModificationDate(pdfDate)
}

// sourceDate returns the date that v, the value of the SOURCE_DATE_EPOCH
// environment variable (https://reproducible-builds.org/specs/source-date-epoch/),
// stands for: 1970-01-01 00:00:00 UTC if v is empty, otherwise v seconds
// after it. For a v that is not a decimal integer in [0, maxSourceDate]
// it returns 1970-01-01 and an error wrapping ErrDomain, as the
// specification asks a tool to fail rather than ignore a malformed value.
func sourceDate(v string) (time.Time, error) {
	epoch := time.Unix(0, 0).UTC()
	if v == "" {
		return epoch, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > maxSourceDate {
		return epoch, fmt.Errorf("figures: SOURCE_DATE_EPOCH=%q: want whole seconds since 1970-01-01 00:00:00 UTC in [0, %d]: %w",
			v, int64(maxSourceDate), ErrDomain)
	}
	return time.Unix(n, 0).UTC(), nil
}

// SourceDateError returns the error that Write and SaveFigure would return
// for PDF output because the SOURCE_DATE_EPOCH environment variable is
// malformed (read once, when the program starts), or nil when it is unset
// or valid. Commands call it before a long computation, so that a user
// learns of the bad value before the results are computed rather than when
// the figures are written.
func SourceDateError() error { return pdfDateErr }
