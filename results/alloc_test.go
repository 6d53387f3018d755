package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/backchannel-sim/backchannel/sim"
)

// hugeBand is a trajectory band claiming the largest horizon: about 40 MB
// of counts once allocated, from 60 bytes of JSON.
const hugeBand = `{"horizon":100000,"lo":0,"hi":1,"bins":50,"rows":[]}`

// TestLoadBoundedAllocation checks that a few edited bytes cannot make
// the loader allocate far more than the study the file describes needs:
// accumulators claiming a horizon beyond their arm's, or more arm
// summaries than arms, are refused before they are allocated. (Each
// case allocated over 100 MB before the fix: every arm summary was
// decoded, bands and mean counts sized by their own horizon, before
// their number and shapes were compared with the study.) It does not call
// t.Parallel, so that the byte count it reads is its own: top-level
// parallel tests start only after the sequential ones.
func TestLoadBoundedAllocation(t *testing.T) {
	seeds, _ := fuzzSeeds(t)
	ckpt := seeds[1] // one arm of horizon 4, without trajectories
	var body map[string]json.RawMessage
	if err := json.Unmarshal(envelopeBody(t, ckpt), &body); err != nil {
		t.Fatal(err)
	}
	bands := `{"trajectories":{"trust":` + hugeBand + `,"pressure":` + hugeBand + `,"mobilisation":` + hugeBand + `}}`
	counts := `{"impasse":{"impasses":{"horizon":100000,"n":0,"events":[],"sq_increments":[]},"back_channels":{"horizon":100000,"n":0,"events":[],"sq_increments":[]}}}`
	var summary []json.RawMessage
	if err := json.Unmarshal(body["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"bands of a longer horizon":       "[" + bands + "]",
		"an upper-case horizon key":       "[" + strings.ReplaceAll(bands, `"horizon"`, `"HORIZON"`) + "]",
		"more summaries than arms":        "[" + string(summary[0]) + strings.Repeat(","+bands, 3) + "]",
		"mean counts of a longer horizon": "[" + strings.Repeat(counts+",", 20) + counts + "]",
	}
	const limit = 16 << 20
	for name, s := range cases {
		body["summary"] = json.RawMessage(s)
		load(t, name, body, limit)
	}

	// A study of 20 arms with trajectories and the largest horizon
	// (about 3 GB of accumulators) in a file of a few kilobytes, which
	// cannot hold the arms' state occupancy.
	sc := sim.DefaultScenario()
	sc.Horizon = 100000
	long := &sim.Study{Trajectories: true}
	for range 20 {
		long.Arms = append(long.Arms, sim.Arm{Scenario: sc, Policy: sim.FrontOnly{}})
	}
	sw, err := studyToWire(long)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := StudyHash(long)
	if err != nil {
		t.Fatal(err)
	}
	body["study"], _ = json.Marshal(sw)
	body["study_hash"], _ = json.Marshal(hash)
	body["summary"] = json.RawMessage("[{}" + strings.Repeat(",{}", len(long.Arms)-1) + "]")
	load(t, "a long study in a short file", body, limit)
}

// load saves body as a partial-result file and checks that loading it
// fails with ErrCorrupt after allocating at most limit bytes.
func load(t *testing.T, name string, body map[string]json.RawMessage, limit uint64) {
	t.Helper()
	{
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var file bytes.Buffer
		if err := writeEnvelope(&file, PartialSchema, raw); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = LoadStudyResult(bytes.NewReader(file.Bytes()))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > limit {
			t.Errorf("%s: loading %d bytes allocated %d MB, want at most %d MB", name, file.Len(), got>>20, limit>>20)
		}
	}
}
