package explorerun

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

// tinyModel is a Sobol design over three parameters with a short horizon.
func tinyModel(t *testing.T, policy, baseline string) *Model {
	t.Helper()
	sc := sim.DefaultScenario()
	sc.Horizon = 60
	sp, err := NewSpec(sc, []Range{
		{Name: "parties.negotiator.initial_trust", Lo: 0.05, Hi: 0.5},
		{Name: "leaks.insiders", Lo: 3, Hi: 12},
		{Name: "ratification.vote_noise", Lo: 0, Hi: 0.15},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp.Method, sp.N, sp.Reps, sp.Seed, sp.Within = MethodSobol, 4, 3, 11, 40
	sp.Policy, sp.Baseline = policy, baseline
	m, err := NewModel(sp)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func runAll(t *testing.T, m *Model, workers int) *Part {
	t.Helper()
	pts, err := m.Run(context.Background(), 0, m.Len(), workers, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Part{Model: m, Lo: 0, Hi: m.Len(), Points: pts, ModelVersion: sim.ModelVersion}
}

// TestOutputMeanAndVariance checks Output against hand-computed sample
// moments: breakthroughs in 3 of 4 replications (mean 0.75, variance
// 0.75·0.25·4/3 = 0.25) and times {10, 20, 40, 40} (mean 27.5, variance
// 675/3 = 225); a paired difference d = {1, 0, 0, -1} (mean 0, variance 2/3).
func TestOutputMeanAndVariance(t *testing.T) {
	t.Parallel()
	m := tinyModel(t, "back-then-front", "front-only")
	m.Spec.Reps = 4
	p := &Part{Model: m, Points: []Point{{Arms: []ArmStats{{3, 1, 110, 100 + 400 + 1600 + 1600}, {3, 0, 160, 6400}}, Diff: [2]int64{0, 2}}}}
	cases := []struct {
		output     string
		mean, var_ float64
	}{
		{"p_breakthrough", 0.75, 0.25},
		{"p_repeated_impasse", 0.25, 0.25},
		{"time_to_breakthrough", 27.5, 225},
		{"baseline_p_repeated_impasse", 0, 0},
		{"baseline_time_to_breakthrough", 40, 0},
		{"breakthrough_gain", 0, 2.0 / 3},
	}
	for _, tc := range cases {
		rep, err := p.Output(tc.output)
		if err != nil {
			t.Fatalf("%s: %v", tc.output, err)
		}
		if math.Abs(rep.Mean[0]-tc.mean) > 1e-12 || math.Abs(rep.Var[0]-tc.var_) > 1e-12 || rep.R != 4 {
			t.Errorf("%s: mean %g var %g R %d, want %g %g 4", tc.output, rep.Mean[0], rep.Var[0], rep.R, tc.mean, tc.var_)
		}
	}
	if _, err := p.Output("p_win"); err == nil || !strings.Contains(err.Error(), "p_breakthrough") {
		t.Errorf("unknown output: err %v, want the list of outputs", err)
	}
}

// TestCommonRandomNumbers runs a policy against itself: on common random
// numbers both arms see the same replications, so every paired difference
// is zero and the two arms' sums are equal.
func TestCommonRandomNumbers(t *testing.T) {
	t.Parallel()
	p := runAll(t, tinyModel(t, "back-then-front", "back-then-front"), 2)
	for _, pt := range p.Points {
		if pt.Arms[0] != pt.Arms[1] || pt.Diff != [2]int64{} {
			t.Fatalf("point %d: arms %v, diff %v; want equal arms and no difference", pt.Index, pt.Arms, pt.Diff)
		}
	}
}

// TestRunIndependentOfWorkersAndRange checks that 1 and 2 workers, and the
// design run in two ranges, give the same points.
func TestRunIndependentOfWorkersAndRange(t *testing.T) {
	t.Parallel()
	m := tinyModel(t, "back-then-front", "front-only")
	a := runAll(t, m, 1)
	b := runAll(t, m, 2)
	if !reflect.DeepEqual(a.Points, b.Points) {
		t.Fatal("1 and 2 workers differ")
	}
	lo, err := m.Run(context.Background(), 0, 7, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	hi, err := m.Run(context.Background(), 7, m.Len(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(append(lo, hi...), a.Points) {
		t.Fatal("two ranges differ from the whole design")
	}
}

// resave rewrites a part file's body with edit applied and a valid checksum.
func resave(t *testing.T, data []byte, edit func(b map[string]any)) []byte {
	t.Helper()
	var env struct {
		Schema string          `json:"schema"`
		SHA256 string          `json:"sha256"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	dec := json.NewDecoder(bytes.NewReader(env.Body))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		t.Fatal(err)
	}
	edit(b)
	raw, _ := json.Marshal(b)
	sum := sha256.Sum256(raw)
	env.Body, env.SHA256 = raw, hex.EncodeToString(sum[:])
	out, _ := json.Marshal(env)
	return out
}

// TestLoadPart checks the round trip and that damaged or inconsistent
// files are refused with ErrCorrupt.
func TestLoadPart(t *testing.T) {
	t.Parallel()
	p := runAll(t, tinyModel(t, "back-then-front", "front-only"), 0)
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	q, err := LoadPart(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := q.Save(&again); err != nil || !bytes.Equal(again.Bytes(), good) {
		t.Fatalf("round trip changed the bytes (err %v)", err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1
	cases := map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)/2],
		"flipped":   flipped,
		"schema":    bytes.Replace(good, []byte(Schema), []byte("backchannel.partial/v1"), 1),
		"too many breakthroughs": resave(t, good, func(b map[string]any) {
			b["points"].([]any)[0].(map[string]any)["a"].([]any)[0].([]any)[0] = 99
		}),
		"diff": resave(t, good, func(b map[string]any) {
			b["points"].([]any)[0].(map[string]any)["d"] = []any{3, 3}
		}),
		"range": resave(t, good, func(b map[string]any) { b["hi"] = 3 }),
		"hash":  resave(t, good, func(b map[string]any) { b["design_hash"] = "00" }),
		"seed":  resave(t, good, func(b map[string]any) { b["spec"].(map[string]any)["seed"] = 12 }),
		"extra": resave(t, good, func(b map[string]any) { b["note"] = "x" }),
	}
	for name, data := range cases {
		if _, err := LoadPart(bytes.NewReader(data)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err %v, want ErrCorrupt", name, err)
		}
	}
}

// TestMergeParts checks merging shards in any order, and the refusals.
func TestMergeParts(t *testing.T) {
	t.Parallel()
	m := tinyModel(t, "back-then-front", "front-only")
	whole := runAll(t, m, 0)
	split := func(lo, hi int) *Part {
		return &Part{Model: m, Lo: lo, Hi: hi, Points: whole.Points[lo:hi], ModelVersion: sim.ModelVersion, Source: fmt.Sprintf("[%d,%d)", lo, hi)}
	}
	got, err := MergeParts(split(10, m.Len()), split(0, 4), split(4, 10))
	if err != nil || !reflect.DeepEqual(got.Points, whole.Points) {
		t.Fatalf("merge: err %v, points equal %v", err, err == nil && reflect.DeepEqual(got.Points, whole.Points))
	}
	if _, err := MergeParts(split(0, 4), split(10, m.Len())); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "6 of 20") {
		t.Errorf("missing: err %v, want ErrMissing naming 6 of 20 points (N(k+2) = 4·5)", err)
	}
	if _, err := MergeParts(split(0, 10), split(4, m.Len())); !errors.Is(err, ErrIncompatible) {
		t.Errorf("overlap: err %v, want ErrIncompatible", err)
	}
	other := tinyModel(t, "back-then-front", "front-only")
	other.Spec.Seed++
	if _, err := MergeParts(split(0, 4), &Part{Model: other, Lo: 4, Hi: m.Len(), Points: whole.Points[4:], ModelVersion: sim.ModelVersion}); !errors.Is(err, ErrIncompatible) {
		t.Errorf("different seed: err %v, want ErrIncompatible", err)
	}
}

// TestLatinHypercubeStrata checks that each coordinate has exactly one
// point in each of the n strata.
func TestLatinHypercubeStrata(t *testing.T) {
	t.Parallel()
	const n, k = 37, 5
	x := latinHypercube(n, k, DesignRand(3))
	for j := range k {
		seen := make([]bool, n)
		for i := range n {
			s := int(x[i][j] * n)
			if s < 0 || s >= n || seen[s] {
				t.Fatalf("column %d: stratum %d twice or out of range", j, s)
			}
			seen[s] = true
		}
	}
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Target
		err  bool
	}{
		{"p_repeated_impasse>0.5", Target{"p_repeated_impasse", ">", 0.5}, false},
		{"breakthrough_gain >= 0.1", Target{"breakthrough_gain", ">=", 0.1}, false},
		{"time_to_breakthrough<100", Target{"time_to_breakthrough", "<", 100}, false},
		{"p_breakthrough<=0", Target{"p_breakthrough", "<=", 0}, false},
		{"p_breakthrough=0.5", Target{}, true},
		{"p_breakthrough>x", Target{}, true},
		{">0.5", Target{}, true},
		{"p>NaN", Target{}, true},
	}
	for _, tc := range cases {
		got, err := ParseTarget(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestRepeatedImpasse checks the output's definition on hand-made
// outcomes: the model's impasse count against k, whatever the counts of
// breakdowns, leaks and failed ratifications (a leak after which talks go
// on is no impasse, and a failed vote followed by a breakdown is one).
func TestRepeatedImpasse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		o    sim.Outcome
		k    int
		want bool
	}{
		{"none", sim.Outcome{}, 1, false},
		{"one, k=1", sim.Outcome{Impasses: 1}, 1, true},
		{"one, k=2", sim.Outcome{Impasses: 1}, 2, false},
		{"two, k=2", sim.Outcome{Impasses: 2}, 2, true},
		{"two, k=3", sim.Outcome{Impasses: 2}, 3, false},
		{"five, k=3 (more than MaxImpasses recorded)", sim.Outcome{Impasses: 5}, 3, true},
		{"leaks and a vote-then-breakdown are one impasse", sim.Outcome{Impasses: 1, Breakdowns: 1, Leaks: 2, FailedRatifications: 1}, 2, false},
		{"counters without impasses", sim.Outcome{Leaks: 3}, 1, false},
	}
	for _, tc := range cases {
		if got := RepeatedImpasse(&tc.o, tc.k); got != tc.want {
			t.Errorf("%s: RepeatedImpasse(impasses %d, k %d) = %v, want %v", tc.name, tc.o.Impasses, tc.k, got, tc.want)
		}
	}
}

// TestImpasseKOrders runs one design with k = 1, 2, 3: the breakthrough
// sums are the same (k changes no draw), and at every point the k-th
// impasse is no more frequent than the (k−1)-th. The default is
// sim.DefaultImpasseK.
func TestImpasseKOrders(t *testing.T) {
	t.Parallel()
	var parts [3]*Part
	for k := 1; k <= 3; k++ {
		m := tinyModel(t, "back-then-front", "front-only")
		if k == 1 && m.Spec.ImpasseK != sim.DefaultImpasseK {
			t.Fatalf("NewSpec: impasse_k %d, want sim.DefaultImpasseK = %d", m.Spec.ImpasseK, sim.DefaultImpasseK)
		}
		m.Spec.ImpasseK = k
		parts[k-1] = runAll(t, m, 0)
	}
	some := int64(0)
	for j := range parts[0].Points {
		for a := range parts[0].Points[j].Arms {
			var n [3]int64
			for k := range 3 {
				s := parts[k].Points[j].Arms[a]
				n[k] = s[1]
				if s[0] != parts[0].Points[j].Arms[a][0] || s[2] != parts[0].Points[j].Arms[a][2] {
					t.Fatalf("point %d arm %d: impasse_k %d changed the breakthrough sums: %v vs %v", j, a, k+1, s, parts[0].Points[j].Arms[a])
				}
			}
			if n[1] > n[0] || n[2] > n[1] {
				t.Errorf("point %d arm %d: repeated impasses for k = 1, 2, 3: %v, want non-increasing", j, a, n)
			}
			some += n[0]
		}
	}
	if some == 0 {
		t.Error("no impasse at any point with k = 1: the test design exercises nothing")
	}
}

// TestOldImpasseDefinitionRefused checks that a part written before the
// model's definition of impasse (its spec has no impasse_k, and its design
// hash is that of such a spec) is refused with ErrIncompatible, and that
// parts computed with different k do not merge.
func TestOldImpasseDefinitionRefused(t *testing.T) {
	t.Parallel()
	m := tinyModel(t, "back-then-front", "front-only")
	p := runAll(t, m, 0)
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		t.Fatal(err)
	}
	old := resave(t, buf.Bytes(), func(b map[string]any) {
		spec := b["spec"].(map[string]any)
		delete(spec, "impasse_k")
		raw, _ := json.Marshal(spec)
		sum := sha256.Sum256(raw)
		b["design_hash"] = hex.EncodeToString(sum[:])
	})
	_, err := LoadPart(bytes.NewReader(old))
	if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), "impasse_k") || !strings.Contains(err.Error(), "§7.18") {
		t.Errorf("old part: err %v, want ErrIncompatible naming impasse_k and docs/MODEL.md §7.18", err)
	}
	bad := resave(t, buf.Bytes(), func(b map[string]any) { b["spec"].(map[string]any)["impasse_k"] = 4 })
	if _, err := LoadPart(bytes.NewReader(bad)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "impasse_k = 4") {
		t.Errorf("impasse_k 4: err %v, want ErrCorrupt naming impasse_k = 4", err)
	}
	k3 := tinyModel(t, "back-then-front", "front-only")
	k3.Spec.ImpasseK = 3
	if _, err := MergeParts(&Part{Model: m, Lo: 0, Hi: 4, Points: p.Points[:4], ModelVersion: sim.ModelVersion},
		&Part{Model: k3, Lo: 4, Hi: m.Len(), Points: p.Points[4:], ModelVersion: sim.ModelVersion}); !errors.Is(err, ErrIncompatible) {
		t.Errorf("impasse_k 2 and 3: err %v, want ErrIncompatible", err)
	}
}

func ExampleParseTarget() {
	t, err := ParseTarget("p_repeated_impasse>0.5")
	fmt.Println(t.Output, t.Op, t.Value, err)
	// Output: p_repeated_impasse > 0.5 <nil>
}

// TestUnusedParameterHasZeroIndices explores mediator.trust_boost with
// the mediator switched off (the default): the parameter then never
// changes a replication (MediatorParams.TrustMultiplier is 1 without a
// mediator). On common random numbers f(A_B^(i)) = f(A) exactly for it,
// hence S = ST = 0 exactly, while a parameter that matters (initial trust)
// gets a positive total index.
func TestUnusedParameterHasZeroIndices(t *testing.T) {
	t.Parallel()
	sc := sim.DefaultScenario()
	sc.Horizon = 260
	sc.Mediator.Enabled = false
	sp, err := NewSpec(sc, []Range{
		{Name: "mediator.trust_boost", Lo: 0, Hi: 2},
		{Name: "parties.negotiator.initial_trust", Lo: 0.05, Hi: 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp.Method, sp.N, sp.Reps, sp.Seed, sp.Within = MethodSobol, 16, 4, 3, 260
	sp.Policy, sp.Baseline = "back-then-front", ""
	m, err := NewModel(sp)
	if err != nil {
		t.Fatal(err)
	}
	p := runAll(t, m, 0)
	res, err := p.Sobol([]string{"p_breakthrough", "p_repeated_impasse", "time_to_breakthrough"}, 0, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	analysed := 0
	for _, r := range res {
		if r.Indices == nil {
			continue // a constant output has no indices
		}
		analysed++
		ix := r.Indices
		if ix.S1[0].Value != 0 || ix.ST[0].Value != 0 {
			t.Errorf("%s: mediator.trust_boost S = %g, ST = %g; want exactly 0", r.Output, ix.S1[0].Value, ix.ST[0].Value)
		}
		if !(ix.ST[1].Value > 0) {
			t.Errorf("%s: initial_trust ST = %g; want > 0", r.Output, ix.ST[1].Value)
		}
	}
	if analysed == 0 {
		t.Fatal("every output was constant over the design")
	}
}
