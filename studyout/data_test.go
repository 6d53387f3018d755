package studyout

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

func readCSV(t *testing.T, path string) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	return col, rows[1:]
}

// TestStudyData checks the figure data against values known
// independently of the estimators: with no censoring before the horizon
// (impasses are censored at the horizon, after every event), the
// Aalen-Johansen cumulative incidence at the last round equals the
// outcome's empirical share; the channels counts add up to n; the
// trajectory bands count every replication at round 1 (none ends before).
func TestStudyData(t *testing.T) {
	t.Parallel()
	s, res := smallStudy(t)
	dir := t.TempDir()
	names, err := StudyData(dir, s, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 6 {
		t.Fatalf("wrote %v, want incidence, channels, impasse incidence, impasse counts, occupancy and trajectory bands", names)
	}
	n := res.Succeeded()
	col, rows := readCSV(t, filepath.Join(dir, "incidence.csv"))
	last := map[string][]string{}
	for _, r := range rows {
		if r[col["seed"]] != "1" || r[col["model_version"]] != sim.ModelVersion {
			t.Fatalf("row %v: seed or model version wrong", r)
		}
		last[r[col["arm"]]+"/"+r[col["outcome"]]] = r
	}
	for a, as := range res.Summary.Arms {
		for _, o := range []sim.Kind{sim.Breakthrough, sim.Collapse} {
			key := s.Labels()[a] + "/" + o.String()
			r, ok := last[key]
			if !ok {
				t.Errorf("%s: no rows", key)
				continue
			}
			if r[col["round"]] != "150" {
				t.Errorf("%s: last round %s, want the horizon 150", key, r[col["round"]])
			}
			got, _ := strconv.ParseFloat(r[col["estimate"]], 64)
			want := float64(as.Kinds[o]) / float64(n)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: incidence at the horizon %v, want the share %v", key, got, want)
			}
		}
	}
	col, rows = readCSV(t, filepath.Join(dir, "channels.csv"))
	sum := map[string]int{}
	for _, r := range rows {
		k, _ := strconv.Atoi(r[col["count"]])
		sum[r[col["arm"]]] += k
	}
	for _, l := range s.Labels() {
		if sum[l] != n {
			t.Errorf("channels.csv %s: counts add to %d, want %d", l, sum[l], n)
		}
	}
	col, rows = readCSV(t, filepath.Join(dir, "trajectory-bands.csv"))
	for _, r := range rows {
		if r[col["round"]] == "1" && r[col["n"]] != strconv.Itoa(n) {
			t.Errorf("trajectory-bands.csv round 1 %s/%s: n %s, want %d", r[col["arm"]], r[col["variable"]], r[col["n"]], n)
		}
	}
	// Repeated impasse, against the kept outcomes: with complete
	// follow-up, the incidence of the k-th impasse at the horizon is the
	// share of replications with at least k impasses, and the mean
	// cumulative count at the horizon the mean of Outcome.Impasses; the
	// occupancy counts add up to n in every round.
	var atLeast [2][sim.MaxImpasses]int
	var total [2]int
	for _, ro := range res.Outcomes {
		for a, o := range ro.Arms {
			total[a] += o.Impasses
			for k := range min(o.Impasses, sim.MaxImpasses) {
				atLeast[a][k]++
			}
		}
	}
	col, rows = readCSV(t, filepath.Join(dir, "impasse-incidence.csv"))
	lastK := map[string][]string{}
	for _, r := range rows {
		lastK[r[col["arm"]]+"/"+r[col["k"]]] = r
	}
	for a, l := range s.Labels() {
		for k := range sim.MaxImpasses {
			r := lastK[l+"/"+strconv.Itoa(k+1)]
			got, _ := strconv.ParseFloat(r[col["estimate"]], 64)
			if want := float64(atLeast[a][k]) / float64(n); r == nil || r[col["round"]] != "150" || math.Abs(got-want) > 1e-9 {
				t.Errorf("impasse-incidence.csv %s, k=%d: last row %v, want %v at round 150", l, k+1, r, want)
			}
		}
	}
	col, rows = readCSV(t, filepath.Join(dir, "impasse-counts.csv"))
	for _, r := range rows {
		if r[col["round"]] != "150" || r[col["variable"]] != "impasses" {
			continue
		}
		a := slices.Index(s.Labels(), r[col["arm"]])
		got, _ := strconv.ParseFloat(r[col["mean"]], 64)
		if want := float64(total[a]) / float64(n); math.Abs(got-want) > 1e-9 { // the CSV has 10 significant digits
			t.Errorf("impasse-counts.csv %s: mean impasses at the horizon %v, want %v", r[col["arm"]], got, want)
		}
	}
	col, rows = readCSV(t, filepath.Join(dir, "occupancy.csv"))
	perRound := map[string]int{}
	for _, r := range rows {
		k, _ := strconv.Atoi(r[col["count"]])
		perRound[r[col["arm"]]+"/"+r[col["round"]]] += k
	}
	if len(perRound) != 2*151 {
		t.Errorf("occupancy.csv: %d arm-rounds, want %d", len(perRound), 2*151)
	}
	for key, c := range perRound {
		if c != n {
			t.Errorf("occupancy.csv %s: counts add up to %d, want %d", key, c, n)
		}
	}
}

// TestTrajectoriesObserverChangesNothing follows the determinism test
// pattern: the replications rerun with an observer for trajectories.csv
// end exactly as the same replications of the study run (kept outcomes),
// and each has one row per round up to its end.
func TestTrajectoriesObserverChangesNothing(t *testing.T) {
	t.Parallel()
	s, res := smallStudy(t)
	const reps = 6
	var buf bytes.Buffer
	if err := TrajectoriesCSV(&buf, s, res.Seed, reps); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	count := map[[2]string]int{}
	labels := s.Labels()
	for _, r := range rows[1:] {
		rep, _ := strconv.Atoi(r[col["replication"]])
		arm := -1
		for a, l := range labels {
			if l == r[col["arm"]] {
				arm = a
			}
		}
		o := res.Outcomes[rep].Arms[arm]
		if r[col["outcome"]] != o.Kind.String() || r[col["outcome_round"]] != strconv.Itoa(o.Round) {
			t.Fatalf("arm %s replication %d: trajectories.csv says %s at %s, the study %v at %d",
				labels[arm], rep, r[col["outcome"]], r[col["outcome_round"]], o.Kind, o.Round)
		}
		count[[2]string{r[col["arm"]], r[col["replication"]]}]++
	}
	for a, l := range labels {
		for i := 0; i < reps; i++ {
			if got, want := count[[2]string{l, strconv.Itoa(i)}], res.Outcomes[i].Arms[a].Round; got != want {
				t.Errorf("arm %s replication %d: %d rounds of rows, want %d (one per round to the end)", l, i, got, want)
			}
		}
	}
	if err := TrajectoriesCSV(&buf, s, res.Seed, -1); err == nil {
		t.Error("n = -1: no error")
	}
}
