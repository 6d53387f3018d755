package results

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

func testSweep(t *testing.T) (sim.Arm, SweepSpec, *mc.Design[sim.Arm], mc.RunConfig) {
	t.Helper()
	sc := sim.DefaultScenario()
	sc.Horizon = 60
	spec := SweepSpec{Params: []SweepParamSpec{{"talks.open_rate", 0.1, 0.5}, {"leaks.insiders", 2, 6}}, Levels: []int{3, 2}}
	d, err := spec.Design(9)
	if err != nil {
		t.Fatal(err)
	}
	return sim.Arm{Scenario: sc}, spec, d, mc.RunConfig{Seed: 9, Replications: 10, BlockSize: 4, Workers: 2}
}

// TestSweepRangeEqualsWholeSweep: the points of any range equal those of
// the whole sweep, so shards of points merge exactly.
func TestSweepRangeEqualsWholeSweep(t *testing.T) {
	base, _, d, cfg := testSweep(t)
	whole, err := sim.RunSweep(context.Background(), cfg, d, base, 0, len(d.Points))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]int{{0, 6}, {2, 5}, {5, 6}, {3, 3}} {
		pts, err := sim.RunSweep(context.Background(), cfg, d, base, r[0], r[1])
		if err != nil || len(pts) != r[1]-r[0] {
			t.Fatalf("range %v: %d points, %v", r, len(pts), err)
		}
		for k, p := range pts {
			w := whole[r[0]+k]
			if p.Index != w.Index || p.Result.Seed != w.Result.Seed || !p.Result.Summary.Equal(w.Result.Summary) || p.Params.Label != w.Params.Label {
				t.Errorf("range %v: point %d differs from the whole sweep's", r, p.Index)
			}
		}
	}
	if _, err := sim.RunSweep(context.Background(), cfg, d, base, 4, 7); err == nil {
		t.Error("range beyond the design accepted")
	}
}

func TestSweepSaveLoadRoundTrip(t *testing.T) {
	base, spec, d, cfg := testSweep(t)
	pts, err := sim.RunSweep(context.Background(), cfg, d, base, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	part := &SweepPart{Base: base, Spec: spec, Design: d, Seed: cfg.Seed, Replications: cfg.Replications, BlockSize: cfg.BlockSize,
		Lo: 2, Hi: 4, Points: pts, Shard: 1, Shards: 3}
	var buf bytes.Buffer
	if err := SaveSweepResult(&buf, part); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSweepResult(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Lo != 2 || got.Hi != 4 || got.Shard != 1 || got.Shards != 3 || len(got.Points) != 2 || got.ModelVersion != sim.ModelVersion {
		t.Fatalf("loaded %+v", got)
	}
	for k, p := range got.Points {
		if !p.Result.Summary.Equal(pts[k].Result.Summary) || p.Index != pts[k].Index {
			t.Errorf("point %d: summary differs after the round trip", p.Index)
		}
	}
	var again bytes.Buffer
	if err := SaveSweepResult(&again, got); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("re-saving the loaded part gives other bytes (%v)", err)
	}

	// Edits with a valid checksum are still refused.
	good := buf.Bytes()
	for _, c := range []struct{ name, old, new, want string }{
		{"unknown field", `"seed":9,`, `"seed":9,"extra":1,`, "unknown field"},
		{"other seed", `"seed":9,`, `"seed":10,`, "design hash"},
		{"range not the shard", `"shard":{"index":1,"count":3}`, `"shard":{"index":0,"count":3}`, "is not shard 0 of 3"},
		{"point value", `"values":[0.30000000000000004,2]`, `"values":[0.30000000000000004,3]`, "point 2: values"},
		{"point index", `"index":2,"values"`, `"index":3,"values"`, "point 3 at position 0"},
	} {
		if !bytes.Contains(good, []byte(c.old)) {
			t.Fatalf("%s: body lacks %q", c.name, c.old)
		}
		_, err := LoadSweepResult(bytes.NewReader(resealed(t, good, SweepPartialSchema, func(b string) string { return strings.Replace(b, c.old, c.new, 1) })))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrCorrupt and %q", c.name, err, c.want)
		}
	}
}
