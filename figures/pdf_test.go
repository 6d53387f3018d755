package figures

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
)

// TestSourceDate checks the parsing of SOURCE_DATE_EPOCH against dates
// worked out by hand (1 700 000 000 s = 19 675 days + 79 200 s, and day
// 19 675 after 1970-01-01 is 2023-11-14).
func TestSourceDate(t *testing.T) {
	t.Parallel()
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		v    string
		want time.Time
		bad  bool
	}{
		{"", epoch, false},
		{"0", epoch, false},
		{"86399", time.Date(1970, 1, 1, 23, 59, 59, 0, time.UTC), false},
		{"1700000000", time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC), false},
		{"253402300799", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"253402300800", epoch, true}, // year 10000: five digits
		{"-1", epoch, true},
		{"1.5", epoch, true},
		{"1e9", epoch, true},
		{" 1", epoch, true},
		{"now", epoch, true},
	}
	for _, c := range cases {
		got, err := sourceDate(c.v)
		if (err != nil) != c.bad {
			t.Errorf("sourceDate(%q): error %v, want error: %v", c.v, err, c.bad)
		}
		if err != nil && !errors.Is(err, ErrDomain) {
			t.Errorf("sourceDate(%q): error %v does not wrap ErrDomain", c.v, err)
		}
		if !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("sourceDate(%q) = %v, want %v", c.v, got, c.want)
		}
	}
}

// TestPDFReproducible renders each kind of figure to PDF several times,
// each time built afresh, and checks that every rendering is the same
// byte for byte, is a well-formed PDF (checkPDF) and carries the fixed
// date. A rasterized heat map holds two images (the raster and the colour
// bar), whose order in the file would otherwise follow Go's random map
// order (an experiment without the sort: 16 of 19 renderings differed
// from the first). The one-column heat map is the cheap rasterized case,
// and the one whose images have equal widths without the fix in HeatMap.
func TestPDFReproducible(t *testing.T) {
	t.Parallel()
	wantDate := "D:19700101000000"
	if os.Getenv("SOURCE_DATE_EPOCH") != "" {
		// Set by the environment (a packaging build): the date is the
		// one it stands for, checked by TestSourceDate.
		wantDate = "D:" + pdfDate.Format("20060102150405")
	}
	column := Grid2D{X: []float64{0.5}} // one column of 301 rows
	for j := 0; j <= 300; j++ {
		column.Y = append(column.Y, float64(j)/300)
	}
	column.Z = [][]float64{make([]float64, len(column.Y))}
	for j := range column.Z[0] {
		column.Z[0][j] = float64(j) / 300
	}
	cases := []struct {
		name string
		fig  func(t *testing.T) (Figure, error)
	}{
		{"heatmap-uneven", func(t *testing.T) (Figure, error) {
			g := Grid2D{X: []float64{0, 0.1, 0.5, 1}, Y: []float64{0, 1}, Z: [][]float64{{0, 1}, {0.2, 0.3}, {0.5, 0.4}, {1, 0}}}
			return HeatMap(g, "x", "y", "P")
		}},
		{"heatmap-column", func(t *testing.T) (Figure, error) { return HeatMap(column, "x", "y", "P") }},
		{"incidence-outside", func(t *testing.T) (Figure, error) {
			p, err := CumulativeIncidence(testIncidence(t))
			return Outside{p}, err
		}},
		{"channels-panels", func(t *testing.T) (Figure, error) { return ChannelsPanels(testHistograms(t), 3) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var first []byte
			for i := range 8 {
				fig, err := c.fig(t)
				must(t, err)
				var buf bytes.Buffer
				must(t, Write(&buf, fig, "pdf", 9*vg.Centimeter, 6*vg.Centimeter))
				if i > 0 {
					if !bytes.Equal(buf.Bytes(), first) {
						t.Fatalf("rendering %d (%d bytes) differs from rendering 0 (%d bytes) at byte %d",
							i, buf.Len(), len(first), firstDiff(buf.Bytes(), first))
					}
					continue
				}
				first = buf.Bytes()
				info, err := checkPDF(first)
				if err != nil {
					t.Fatalf("not a well-formed PDF: %v", err)
				}
				for _, key := range []string{"/CreationDate", "/ModDate"} {
					if want := key + " (" + wantDate + ")"; !bytes.Contains(info, []byte(want)) {
						t.Errorf("info dictionary %q lacks %q", info, want)
					}
				}
			}
		})
	}
}

// TestWriteBadSourceDate checks that Write refuses PDF, and only PDF,
// when SOURCE_DATE_EPOCH was malformed. It sets the package's record of
// that error, so it does not run in parallel: parallel tests start only
// after every sequential one has finished.
func TestWriteBadSourceDate(t *testing.T) {
	saved := pdfDateErr
	defer func() { pdfDateErr = saved }()
	_, pdfDateErr = sourceDate("yesterday")
	f, err := SharesVsParam(testShares(), "x")
	must(t, err)
	for _, c := range []struct {
		format string
		bad    bool
	}{{"svg", false}, {"pdf", true}} {
		var buf bytes.Buffer
		err := Write(&buf, f, c.format, 4*vg.Centimeter, 3*vg.Centimeter)
		if (err != nil) != c.bad || (err != nil && !errors.Is(err, ErrDomain)) {
			t.Errorf("Write %s: error %v, want error wrapping ErrDomain: %v", c.format, err, c.bad)
		}
		if c.bad && buf.Len() != 0 {
			t.Errorf("Write %s: wrote %d bytes with a bad SOURCE_DATE_EPOCH, want none", c.format, buf.Len())
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := Save(f, dir, "shares", 4*vg.Centimeter, 3*vg.Centimeter); !errors.Is(err, ErrDomain) {
		t.Errorf("Save: error %v, want one wrapping ErrDomain", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Save with a bad SOURCE_DATE_EPOCH created %s (stat error %v), want nothing written", dir, err)
	}
}

// TestCheckPDF checks that checkPDF, the validator the tests above rely
// on, rejects a file whose cross-reference offsets no longer point at
// their objects, and a truncated one.
func TestCheckPDF(t *testing.T) {
	t.Parallel()
	f, err := SharesVsParam(testShares(), "x")
	must(t, err)
	var buf bytes.Buffer
	must(t, Write(&buf, f, "pdf", 4*vg.Centimeter, 3*vg.Centimeter))
	good := buf.Bytes()
	header := bytes.IndexByte(good, '\n') + 1
	cases := []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"as written", good, true},
		{"byte inserted after the header", append(append(append([]byte{}, good[:header]...), ' '), good[header:]...), false},
		{"date lengthened", bytes.Replace(good, []byte("(D:"), []byte("(D: "), 1), false},
		{"truncated", good[:len(good)-40], false},
		{"not a PDF", []byte("%!PS-Adobe-3.0\n"), false},
	}
	for _, c := range cases {
		if _, err := checkPDF(c.b); (err == nil) != c.ok {
			t.Errorf("%s: checkPDF error %v, want valid: %v", c.name, err, c.ok)
		}
	}
}

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	subsecRE    = regexp.MustCompile(`^xref\r?\n(\d+) (\d+)\r?\n`)
	entryRE     = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)$`)
	trailerRE   = regexp.MustCompile(`^\s*trailer\s*<<([^>]*)>>`)
	refRE       = regexp.MustCompile(`/(Size|Root|Info)\s+(\d+)(?:\s+(\d+)\s+R)?`)
)

// checkPDF checks the file structure of a PDF with one cross-reference
// table, as fpdf writes it (ISO 32000-1 §7.5): the %PDF header, startxref
// pointing at the xref keyword, entries of exactly 20 bytes whose offsets
// each point at "<object> <generation> obj", a trailer whose /Size
// counts the entries and whose /Root is a /Catalog, and the %%EOF marker.
// It returns the text of the /Info dictionary.
func checkPDF(b []byte) (info []byte, err error) {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		return nil, fmt.Errorf("header %q, want %%PDF-1.x", b[:min(len(b), 8)])
	}
	m := startxrefRE.FindSubmatch(b)
	if m == nil {
		return nil, errors.New("no startxref … %%EOF at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref >= len(b) {
		return nil, fmt.Errorf("startxref %d beyond the file (%d bytes)", xref, len(b))
	}
	sub := subsecRE.FindSubmatch(b[xref:])
	if sub == nil {
		return nil, fmt.Errorf("startxref %d points at %q, want xref and a subsection header", xref, b[xref:min(len(b), xref+12)])
	}
	if string(sub[1]) != "0" {
		return nil, fmt.Errorf("xref subsection starts at object %s, want 0", sub[1])
	}
	n, _ := strconv.Atoi(string(sub[2]))
	pos := xref + len(sub[0])
	objs := make(map[int][]byte, n) // object number => its text up to endobj
	for k := range n {
		if pos+20 > len(b) {
			return nil, fmt.Errorf("xref entry %d runs past the end of the file", k)
		}
		e := entryRE.FindSubmatch(b[pos : pos+20])
		if e == nil {
			return nil, fmt.Errorf("xref entry %d is %q, want 20 bytes \"oooooooooo ggggg n\" and end of line", k, b[pos:pos+20])
		}
		pos += 20
		if string(e[3]) == "f" {
			continue
		}
		off, _ := strconv.Atoi(string(e[1]))
		gen, _ := strconv.Atoi(string(e[2]))
		head := fmt.Sprintf("%d %d obj", k, gen)
		if off >= len(b) || !bytes.HasPrefix(b[off:], []byte(head)) {
			return nil, fmt.Errorf("xref entry %d: offset %d points at %q, want %q", k, off, b[min(off, len(b)):min(off+len(head), len(b))], head)
		}
		end := bytes.Index(b[off:], []byte("endobj"))
		if end < 0 {
			return nil, fmt.Errorf("object %d at %d has no endobj", k, off)
		}
		objs[k] = b[off : off+end]
	}
	tr := trailerRE.FindSubmatch(b[pos:])
	if tr == nil {
		return nil, fmt.Errorf("no trailer dictionary after the %d xref entries", n)
	}
	refs := map[string]int{}
	for _, r := range refRE.FindAllSubmatch(tr[1], -1) {
		refs[string(r[1])], _ = strconv.Atoi(string(r[2]))
	}
	if refs["Size"] != n {
		return nil, fmt.Errorf("trailer /Size %d, want %d (the xref entries)", refs["Size"], n)
	}
	if root, ok := objs[refs["Root"]]; !ok || !bytes.Contains(root, []byte("/Type /Catalog")) {
		return nil, fmt.Errorf("trailer /Root %d is not a /Catalog object", refs["Root"])
	}
	info, ok := objs[refs["Info"]]
	if !ok {
		return nil, fmt.Errorf("trailer /Info %d is not an object of the file", refs["Info"])
	}
	return info, nil
}

// firstDiff returns the first index at which a and b differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
