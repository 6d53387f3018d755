package studyout

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

func smallStudy(t *testing.T) (*sim.Study, *sim.StudyResult) {
	t.Helper()
	sc := sim.DefaultScenario()
	sc.Horizon = 150
	sc.Parties[0].Constituents.Size, sc.Parties[1].Constituents.Size = 40, 40
	s := sim.PolicyStudy(sc, []sim.Policy{sim.FrontOnly{}, sim.BackThenFront{Threshold: 0.5}})
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 1, Replications: 120, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

func TestTableCSVAndFigures(t *testing.T) {
	s, res := smallStudy(t)
	rep, err := sim.NewReport(s, res, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	var tab bytes.Buffer
	if err := WriteTable(&tab, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"front-only", "back-then-front", "breakthrough", "paired differences", "replications 120"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
	var c bytes.Buffer
	if err := WriteCSV(&c, s, res); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2*120 || len(rows[1]) != len(CSVHeader) {
		t.Errorf("CSV: %d rows of %d fields, want %d of %d", len(rows), len(rows[1]), 1+240, len(CSVHeader))
	}
	dir := t.TempDir()
	names, err := StudyFigures(dir, s, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 {
		t.Errorf("figures written: %v, want incidence, channels, trajectories, impasse and occupancy", names)
	}
	for _, n := range names {
		for _, ext := range []string{"png", "svg", "pdf"} {
			if fi, err := os.Stat(filepath.Join(dir, n+"."+ext)); err != nil || fi.Size() == 0 {
				t.Errorf("%s.%s: %v", n, ext, err)
			}
		}
	}
}

// An arm without an explicit policy uses its scenario's.
func TestCSVArmWithoutPolicy(t *testing.T) {
	sc := sim.DefaultScenario()
	sc.Horizon = 60
	sc.Parties[0].Constituents.Size, sc.Parties[1].Constituents.Size = 20, 20
	s := &sim.Study{Arms: []sim.Arm{{Label: "scenario policy", Scenario: sc}}}
	res, err := sim.RunStudy(context.Background(), s, mc.RunConfig{Seed: 2, Replications: 5, KeepOutcomes: true})
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	if err := WriteCSV(&c, s, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.String(), sc.Policy) {
		t.Errorf("CSV lacks the scenario's policy %q", sc.Policy)
	}
}

// Ordinal against the English rules, by hand: the teens take "th".
func TestOrdinal(t *testing.T) {
	t.Parallel()
	for k, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := Ordinal(k); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", k, got, want)
		}
	}
}
