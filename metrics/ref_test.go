package metrics

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The reference values in testdata/reference.txt are printed by
// testdata/reference.R (R 4.2.2, survival 3.5.3) with sprintf("%.17g").
// Each line is "name v1 v2 ..."; a name may repeat (one line per case).

var (
	refOnce sync.Once
	refData map[string][][]float64
	refErr  error
)

func loadRef(t *testing.T) map[string][][]float64 {
	t.Helper()
	refOnce.Do(func() {
		f, err := os.Open("testdata/reference.txt")
		if err != nil {
			refErr = err
			return
		}
		defer f.Close()
		refData = make(map[string][][]float64)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fs := strings.Fields(line)
			vals := make([]float64, len(fs)-1)
			for i, s := range fs[1:] {
				switch s {
				case "NA":
					vals[i] = math.NaN()
				case "Inf":
					vals[i] = math.Inf(1)
				default:
					v, err := strconv.ParseFloat(s, 64)
					if err != nil {
						refErr = err
						return
					}
					vals[i] = v
				}
			}
			refData[fs[0]] = append(refData[fs[0]], vals)
		}
		refErr = sc.Err()
	})
	if refErr != nil {
		t.Fatalf("reading reference data: %v", refErr)
	}
	return refData
}

// ref returns the single line called name.
func ref(t *testing.T, name string) []float64 {
	t.Helper()
	rows := loadRef(t)[name]
	if len(rows) != 1 {
		t.Fatalf("reference %q: %d lines, want 1", name, len(rows))
	}
	return rows[0]
}

// close reports whether got and want agree to relative tolerance tol (absolute
// near zero), treating two NaNs (R's NA) or equal infinities as equal.
func closeTo(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: len %d, want %d", name, len(got), len(want))
		return
	}
	for i := range got {
		if !closeTo(got[i], want[i], tol) {
			t.Errorf("%s[%d]: got %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

func ints(x []int) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
