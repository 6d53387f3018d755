package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// beforeTyped is a summary written by
//
//	backchannel run --reps 50 --policy front-only --policy parallel --horizon 120
//
// at commit 31be691, while ArmReport.Incidence and OccupancyPoint.Shares
// were still maps keyed by Kind and State names.
var beforeTyped = filepath.Join("testdata", "report-v1-before-typed-fields.json")

// TestReportJSONUnchangedByTypedFields: a summary written while Incidence
// and Shares were maps decodes into the typed fields with no unknown key,
// fills them, and encodes back to the same bytes, so the keys and their
// order in report.json did not change.
func TestReportJSONUnchangedByTypedFields(t *testing.T) {
	t.Parallel()
	old, err := os.ReadFile(beforeTyped)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(old))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decoding %s into Report: %v", beforeTyped, err)
	}
	got, err := json.MarshalIndent(&r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got = append(got, '\n'); !bytes.Equal(got, old) {
		i := 0
		for i < min(len(got), len(old)) && got[i] == old[i] {
			i++
		}
		t.Errorf("re-encoded summary differs from %s at byte %d: got %q, want %q", beforeTyped, i,
			got[max(i-80, 0):min(i+80, len(got))], old[max(i-80, 0):min(i+80, len(old))])
	}

	// The typed fields hold what the keys held: at the horizon nobody is
	// censored, so the incidence of each event and its state's share are
	// the outcome's count over n, and the seven shares add up to n.
	if len(r.Arms) != 2 {
		t.Fatalf("%d arms, want 2", len(r.Arms))
	}
	for _, a := range r.Arms {
		o, occ := a.Outcomes, a.Impasse.Occupancy
		for _, c := range []struct {
			name string
			inc  []IncidencePoint
			out  Estimate
			sh   Estimate
		}{
			{"breakthrough", a.Incidence.Breakthrough, o.Breakthrough, occ[len(occ)-1].Shares.Breakthrough},
			{"collapse", a.Incidence.Collapse, o.Collapse, occ[len(occ)-1].Shares.Collapse},
		} {
			if len(c.inc) != 3 || c.inc[2].Round != a.Horizon {
				t.Fatalf("%s: %s incidence %+v, want the rounds 52, 104, %d", a.Label, c.name, c.inc, a.Horizon)
			}
			want := float64(c.out.Count) / float64(c.out.N)
			if got := float64(c.inc[2].P); math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: %s incidence at the horizon %v, want %d/%d", a.Label, c.name, got, c.out.Count, c.out.N)
			}
			if c.sh.Count != c.out.Count || c.sh.N != c.out.N {
				t.Errorf("%s: %s share at the horizon %d/%d, want %d/%d", a.Label, c.name, c.sh.Count, c.sh.N, c.out.Count, c.out.N)
			}
		}
		for _, p := range occ {
			sum := 0
			for st := range NumStates {
				sum += p.Shares.At(State(st)).Count
			}
			if sum != a.Outcomes.Impasse.N {
				t.Errorf("%s, round %d: the shares count %d replications, want %d", a.Label, p.Round, sum, a.Outcomes.Impasse.N)
			}
		}
	}
	if r.Arms[1].Incidence.Breakthrough[2].P == 0 || r.Arms[1].Impasse.Occupancy[2].Shares.Both.Count == 0 {
		t.Error("the parallel arm has no breakthrough or no parallel talks at the horizon: the checks above compare zeros")
	}
}

// TestReportJSONKeys: the JSON key of each typed field is the String of
// the Kind or State it holds, the keys the maps had, and At returns the
// field of each State.
func TestReportJSONKeys(t *testing.T) {
	t.Parallel()
	var sh StateShares
	for st := range NumStates {
		sh.At(State(st)).Count = st + 1
	}
	var shm map[string]Estimate
	roundTrip(t, &sh, &shm)
	var shKeys []string
	for st := range NumStates {
		k := State(st).String()
		shKeys = append(shKeys, k)
		if got := shm[k].Count; got != st+1 {
			t.Errorf("shares[%q].count = %d, want %d (set through At(%v))", k, got, st+1, State(st))
		}
	}
	if got := slices.Sorted(maps.Keys(shm)); !slices.Equal(got, slices.Sorted(slices.Values(shKeys))) {
		t.Errorf("shares keys %q, want %q", got, slices.Sorted(slices.Values(shKeys)))
	}

	inc := OutcomeIncidence{Breakthrough: []IncidencePoint{{Round: 1}}, Collapse: []IncidencePoint{{Round: 2}}}
	var incm map[string][]IncidencePoint
	roundTrip(t, &inc, &incm)
	for _, c := range []struct {
		k    Kind
		want int
	}{{Breakthrough, 1}, {Collapse, 2}} {
		if p := incm[c.k.String()]; len(p) != 1 || p[0].Round != c.want {
			t.Errorf("incidence[%q] = %+v, want one point at round %d", c.k, p, c.want)
		}
	}
	if len(incm) != 2 {
		t.Errorf("incidence keys %q, want breakthrough and collapse", slices.Sorted(maps.Keys(incm)))
	}

	// With no replication completed the map was empty: "{}" (docs/OUTPUTS.md).
	b, err := json.Marshal(OutcomeIncidence{})
	if err != nil || string(b) != "{}" {
		t.Errorf("empty incidence encodes as %s (err %v), want {}", b, err)
	}
}

// TestStateSharesAtPanics: a State outside the NumStates is a programmer
// mistake.
func TestStateSharesAtPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.HasPrefix(msg, "sim: StateShares.At") {
			t.Errorf("At(State(NumStates)) panicked with %q, want a sim: StateShares.At panic", msg)
		}
	}()
	var sh StateShares
	sh.At(State(NumStates))
}

func roundTrip(t *testing.T, v, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}
