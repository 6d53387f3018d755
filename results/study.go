package results

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/metrics"
	"github.com/backchannel-sim/backchannel/sim"
)

// PartialSchema names the format of a study's partial-result file
// (docs/OUTPUTS.md): a shard's or a checkpoint's result, exact, so that
// parts merge bit-identically. Version 2 added the repeated-impasse
// accumulators of every arm; files of version 1 are refused (re-run them
// with this version), except as the points of a sweep file, which hold
// none.
const PartialSchema = "backchannel.partial/v2"

// partialSchemaV1 is the previous version of PartialSchema.
const partialSchemaV1 = "backchannel.partial/v1"

// StudyPart is the result of part of a study's run: a shard, a checkpoint
// or a whole run, with what is needed to merge it with the other parts.
type StudyPart struct {
	// Study is the study the part ran. LoadStudyResult rebuilds it from
	// the file (scenarios, policy names, labels, trajectories).
	Study *sim.Study
	// Result holds the replications [Result.Start, Result.End()) the part
	// was asked for, of which Result.Covered finished.
	Result *sim.StudyResult
	// Run is the whole run the part belongs to, the same for every shard:
	// merging all parts must cover it. Zero means the part's own range.
	Run mc.RepRange
	// Shard and Shards say which shard of how many the part is
	// (informational; Shards is 0 when the run was not sharded).
	Shard, Shards int
	// ModelVersion is the version of the model that produced the part
	// (ModelVersion for a part built in this process).
	ModelVersion string
	// Source names the part in error messages, for example its file name.
	Source string
}

func (p *StudyPart) run() mc.RepRange {
	if p.Run == (mc.RepRange{}) {
		return mc.RepRange{Lo: p.Result.Start, Hi: p.Result.End()}
	}
	return p.Run
}

func (p *StudyPart) name(i int) string { return partName(p.Source, i) }

// StudyHash returns the SHA-256, in hex, of the canonical JSON of what
// determines a study's results besides the seed: every arm's scenario
// (all parameters), policy name and label, and the trajectories flag.
func StudyHash(s *sim.Study) (string, error) {
	w, err := studyToWire(s)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(w)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Wire types: the file's JSON, with stable snake_case names.

type armWire struct {
	Label    string          `json:"label"`
	Policy   string          `json:"policy"`
	Scenario json.RawMessage `json:"scenario"`
}

type studyWire struct {
	Trajectories bool      `json:"trajectories"`
	Arms         []armWire `json:"arms"`
}

type failureWire struct {
	Rep   uint64 `json:"rep"`
	Seed1 uint64 `json:"seed1"`
	Seed2 uint64 `json:"seed2"`
	Error string `json:"error"`
}

type armSummaryWire struct {
	Kinds        [3]int64                          `json:"kinds"` // impasse, breakthrough, collapse
	Events       *metrics.EventTable               `json:"events"`
	Counts       sim.Counts[*metrics.IntHistogram] `json:"counts"`
	Values       sim.Values[*metrics.Moments]      `json:"values"`
	SecretVotes  int64                             `json:"secret_votes"`
	SecretPasses int64                             `json:"secret_passes"`
	PublicVotes  int64                             `json:"public_votes"`
	PublicPasses int64                             `json:"public_passes"`
	Trajectories *map[string]*wireBands            `json:"trajectories,omitempty"`
	Paired       *map[string]metrics.PairedTable   `json:"paired,omitempty"`
	Impasse      *impasseWire                      `json:"impasse,omitempty"`
}

// impasseWire holds an arm's repeated-impasse accumulators (absent from a
// sweep point's summary). Each is decoded through a wrapper that checks
// its shape before allocating.
type impasseWire struct {
	Kth          *wireRecurrent `json:"kth"`           // time to the k-th impasse, k = 1..sim.MaxImpasses
	Impasses     *wireCount     `json:"impasses"`      // cumulative impasses by round
	BackChannels *wireCount     `json:"back_channels"` // cumulative back channels opened by round
	States       *wireOccupancy `json:"states"`        // state occupancy by round
	// Paired[k-1][i] is the table of the k-th impasse by the i-th of the
	// summary's PairRounds against arm 0 (absent for arm 0).
	Paired [][]metrics.PairedTable `json:"paired,omitempty"`
}

type wireRecurrent struct{ *metrics.RecurrentEvents }

// UnmarshalJSON implements json.Unmarshaler, refusing a shape other than
// sim.MaxImpasses orders, 2 causes and a horizon within maxHorizon before
// allocating.
func (w *wireRecurrent) UnmarshalJSON(b []byte) error {
	var shape struct {
		MaxK    int `json:"max_k"`
		Causes  int `json:"causes"`
		Horizon int `json:"horizon"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	if shape.MaxK != sim.MaxImpasses || shape.Causes != 2 || shape.Horizon < 1 || shape.Horizon > maxHorizon {
		return fmt.Errorf("impasse times of max_k %d, %d causes, horizon %d: want max_k %d, 2 causes and a horizon in [1, %d]", shape.MaxK, shape.Causes, shape.Horizon, sim.MaxImpasses, maxHorizon)
	}
	w.RecurrentEvents = new(metrics.RecurrentEvents)
	return w.RecurrentEvents.UnmarshalJSON(b)
}

type wireCount struct{ *metrics.MeanCount }

// UnmarshalJSON implements json.Unmarshaler, refusing a horizon outside
// [1, maxHorizon] before allocating.
func (w *wireCount) UnmarshalJSON(b []byte) error {
	var shape struct {
		Horizon int `json:"horizon"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	if shape.Horizon < 1 || shape.Horizon > maxHorizon {
		return fmt.Errorf("mean count of horizon %d: want a horizon in [1, %d]", shape.Horizon, maxHorizon)
	}
	w.MeanCount = new(metrics.MeanCount)
	return w.MeanCount.UnmarshalJSON(b)
}

type wireOccupancy struct{ *metrics.Occupancy }

// UnmarshalJSON implements json.Unmarshaler, refusing a shape other than
// sim.NumStates states and a horizon within maxHorizon before allocating.
func (w *wireOccupancy) UnmarshalJSON(b []byte) error {
	var shape struct {
		Horizon int `json:"horizon"`
		States  int `json:"states"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	if shape.States != sim.NumStates || shape.Horizon < 1 || shape.Horizon > maxHorizon {
		return fmt.Errorf("state occupancy of horizon %d with %d states: want a horizon in [1, %d] and %d states", shape.Horizon, shape.States, maxHorizon, sim.NumStates)
	}
	w.Occupancy = new(metrics.Occupancy)
	return w.Occupancy.UnmarshalJSON(b)
}

// maxHorizon is the largest horizon of a valid scenario (sim's Validate).
const maxHorizon = 100000

// wireBands is a trajectory band on the wire. Its shape is checked before
// the band is allocated, so that a few edited bytes ("horizon": 2⁴⁰)
// cannot make the loader allocate gigabytes.
type wireBands struct{ *metrics.Bands }

// UnmarshalJSON implements json.Unmarshaler.
func (w *wireBands) UnmarshalJSON(b []byte) error {
	var shape struct {
		Horizon int `json:"horizon"`
		Bins    int `json:"bins"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		return err
	}
	if shape.Horizon < 1 || shape.Horizon > maxHorizon || shape.Bins != sim.TrajectoryBins {
		return fmt.Errorf("trajectory band of horizon %d with %d bins: want a horizon in [1, %d] and %d bins", shape.Horizon, shape.Bins, maxHorizon, sim.TrajectoryBins)
	}
	w.Bands = new(metrics.Bands)
	return w.Bands.UnmarshalJSON(b)
}

type partialBody struct {
	ModelVersion string           `json:"model_version"`
	StudyHash    string           `json:"study_hash"`
	Study        studyWire        `json:"study"`
	Seed         uint64           `json:"seed"`
	BlockSize    int              `json:"block_size"`
	Run          rangeWire        `json:"run"`
	Shard        *shardWire       `json:"shard,omitempty"`
	Range        rangeWire        `json:"range"`
	Covered      []rangeWire      `json:"covered"`
	Done         int              `json:"done"`
	Partial      bool             `json:"partial"`
	Failures     []failureWire    `json:"failures"`
	Summary      []armSummaryWire `json:"summary"`
}

func studyToWire(s *sim.Study) (studyWire, error) {
	pols, err := s.Policies()
	if err != nil {
		return studyWire{}, err
	}
	labels := s.Labels()
	w := studyWire{Trajectories: s.Trajectories}
	for i, a := range s.Arms {
		name := pols[i].Name()
		if p, err := sim.ParsePolicy(name); err != nil || p.Name() != name {
			return studyWire{}, fmt.Errorf("results: arm %d (%s): policy %q cannot be saved: only built-in policies (ParsePolicy) can", i, labels[i], name)
		}
		if a.NewHooks != nil {
			return studyWire{}, fmt.Errorf("results: arm %d (%s): custom behaviours (Arm.NewHooks) cannot be saved: a file could only describe the default rules", i, labels[i])
		}
		sc, err := json.Marshal(a.Scenario)
		if err != nil {
			return studyWire{}, fmt.Errorf("results: arm %d (%s): %w", i, labels[i], err)
		}
		w.Arms = append(w.Arms, armWire{Label: labels[i], Policy: name, Scenario: sc})
	}
	return w, nil
}

// SaveStudyResult writes p as a partial-result file (PartialSchema):
// {"schema", "sha256", "body"}, where sha256 is the SHA-256 of the body's
// bytes and the body holds the model version, the study hash and the full
// study (scenarios, policies, labels), the seed, the block size, the whole
// run's range, the shard, the part's range, Covered, Done, Partial, the
// failures and the exact StudySummary. Outcomes are not saved. Only
// built-in policies (those ParsePolicy returns) can be saved.
func SaveStudyResult(w io.Writer, p *StudyPart) error {
	body, err := encodeBody(p)
	if err != nil {
		return err
	}
	return writeEnvelope(w, PartialSchema, body)
}

func encodeBody(p *StudyPart) ([]byte, error) {
	s, res := p.Study, p.Result
	if err := s.Validate(); err != nil {
		return nil, err
	}
	sw, err := studyToWire(s)
	if err != nil {
		return nil, err
	}
	hash, err := StudyHash(s)
	if err != nil {
		return nil, err
	}
	run := p.run()
	b := partialBody{
		ModelVersion: p.ModelVersion,
		StudyHash:    hash,
		Study:        sw,
		Seed:         res.Seed,
		BlockSize:    res.BlockSize,
		Run:          rangeWire{run.Lo, run.Hi},
		Range:        rangeWire{res.Start, res.End()},
		Covered:      []rangeWire{},
		Done:         res.Done,
		Partial:      res.Partial,
		Failures:     []failureWire{},
	}
	if b.ModelVersion == "" {
		b.ModelVersion = sim.ModelVersion
	}
	if p.Shards > 0 {
		b.Shard = &shardWire{Index: p.Shard, Count: p.Shards}
	}
	for _, c := range res.Covered {
		b.Covered = append(b.Covered, rangeWire{c.Lo, c.Hi})
	}
	for _, f := range res.Failures {
		b.Failures = append(b.Failures, failureWire{Rep: f.Rep, Seed1: f.Seed1, Seed2: f.Seed2, Error: f.Err.Error()})
	}
	if len(res.Summary.Arms) != len(s.Arms) {
		return nil, fmt.Errorf("results: save: summary of %d arms for a study of %d", len(res.Summary.Arms), len(s.Arms))
	}
	for a, as := range res.Summary.Arms {
		aw := armSummaryWire{
			Kinds: as.Kinds, Events: as.Events, Counts: as.Counts, Values: as.Values,
			SecretVotes: as.SecretVotes, SecretPasses: as.SecretPasses,
			PublicVotes: as.PublicVotes, PublicPasses: as.PublicPasses,
		}
		if as.Trust != nil {
			tr := map[string]*wireBands{"trust": {as.Trust}, "pressure": {as.Pressure}, "mobilisation": {as.Mobilisation}}
			aw.Trajectories = &tr
		}
		if a > 0 {
			pc := res.Summary.Paired[a]
			pm := map[string]metrics.PairedTable{"breakthrough": pc.Breakthrough, "collapse": pc.Collapse}
			aw.Paired = &pm
		}
		if as.Impasse != nil {
			aw.Impasse = &impasseWire{Kth: &wireRecurrent{as.Impasse}, Impasses: &wireCount{as.ImpasseCount},
				BackChannels: &wireCount{as.ChannelCount}, States: &wireOccupancy{as.States}}
			if a > 0 {
				aw.Impasse.Paired = res.Summary.Paired[a].Impasse[:]
			}
		}
		b.Summary = append(b.Summary, aw)
	}
	return json.Marshal(b)
}

// LoadStudyResult reads a partial-result file written by SaveStudyResult.
// It verifies the checksum, decodes strictly (unknown fields are an
// error), rebuilds and validates the study, checks the study hash and the
// consistency of the ranges, failures and summary. Any problem is an error
// wrapping ErrCorrupt. It does not compare the model version with this
// program's; MergeStudyResults and RunStudyCheckpointed do.
func LoadStudyResult(r io.Reader) (*StudyPart, error) {
	return readPart(r, decodePart)
}

// errPartialV1 explains why a file of the previous partial schema is
// refused.
var errPartialV1 = fmt.Errorf("schema %q is an older format without the repeated-impasse summary (docs/OUTPUTS.md); this program reads %q: re-run the shard or checkpoint with this version", partialSchemaV1, PartialSchema)

func decodePart(data []byte) (*StudyPart, error) {
	if partialFileIs(data, partialSchemaV1) {
		return nil, errPartialV1
	}
	p, err := decodePartSchema(data, PartialSchema, "")
	if err == nil && p.Result.Summary.Arms[0].Impasse == nil {
		return nil, errors.New("summary without the repeated-impasse accumulators (only a sweep point's result has none)")
	}
	return p, err
}

// decodeSweepPoint decodes a sweep point's result, which holds no
// repeated-impasse accumulators, so that versions 1 and 2 of the partial
// schema are the same.
//
// wantHash is the study hash of the design's point: a result of another
// study is refused before its summary is allocated.
func decodeSweepPoint(data []byte, wantHash string) (*StudyPart, error) {
	schema := PartialSchema
	if partialFileIs(data, partialSchemaV1) {
		schema = partialSchemaV1
	}
	p, err := decodePartSchema(data, schema, wantHash)
	if err == nil && p.Result.Summary.Arms[0].Impasse != nil {
		return nil, errors.New("a sweep point's result holds repeated-impasse accumulators")
	}
	return p, err
}

// partialFileIs reports whether data is an envelope of the given schema.
func partialFileIs(data []byte, schema string) bool {
	var env struct {
		Schema string `json:"schema"`
	}
	return json.Unmarshal(data, &env) == nil && env.Schema == schema
}

// partialBodyIn is partialBody as decoded: the arm summaries are kept as
// raw JSON until their number and horizons have been checked against the
// study, so that a few edited bytes ("horizon": 100000 in a band, or a
// thousand copies of one arm's summary) cannot make the loader allocate
// far more than the study needs.
type partialBodyIn struct {
	partialBody
	Summary []json.RawMessage `json:"summary"`
}

// decodePartSchema decodes a partial-result file of the given schema. If
// wantHash is not empty, the study must have that hash (a sweep point's);
// otherwise the file must be large enough to hold every arm's state
// occupancy, (horizon+1)·sim.NumStates numbers, before the study's
// summary is allocated.
func decodePartSchema(data []byte, schema, wantHash string) (*StudyPart, error) {
	var in partialBodyIn
	if err := decodeEnvelope(data, schema, &in); err != nil {
		return nil, err
	}
	b := &in.partialBody
	s := &sim.Study{Trajectories: b.Study.Trajectories}
	if len(b.Study.Arms) == 0 {
		return nil, errors.New("study has no arms")
	}
	for i, a := range b.Study.Arms {
		sc, err := sim.ParseScenario(a.Scenario)
		if err != nil {
			return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
		}
		pol, err := sim.ParsePolicy(a.Policy)
		if err != nil {
			return nil, fmt.Errorf("arm %d (%s): %w", i, a.Label, err)
		}
		s.Arms = append(s.Arms, sim.Arm{Label: a.Label, Scenario: sc, Policy: pol})
	}
	hash, err := StudyHash(s)
	if err != nil {
		return nil, err
	}
	if hash != b.StudyHash {
		return nil, fmt.Errorf("study hash %s does not match its study (%s)", b.StudyHash, hash)
	}
	if wantHash != "" && hash != wantHash {
		return nil, errors.New("its study is not the design's point")
	}
	if wantHash == "" {
		// Each of the (horizon+1)·NumStates occupancy counts takes at
		// least one byte.
		var rounds int64
		for _, a := range s.Arms {
			rounds += int64(a.Scenario.Horizon) + 1
		}
		if need := rounds * sim.NumStates; need > int64(len(data)) {
			return nil, fmt.Errorf("a study of %d arms and %d rounds in all needs at least %d bytes of state occupancy, the file has %d", len(s.Arms), rounds, need, len(data))
		}
	}
	if len(in.Summary) != len(s.Arms) {
		return nil, fmt.Errorf("summary of %d arms for a study of %d", len(in.Summary), len(s.Arms))
	}
	summary := make([]armSummaryWire, len(in.Summary))
	for a, raw := range in.Summary {
		if h := s.Arms[a].Scenario.Horizon; claimsHorizonBeyond(raw, h) {
			return nil, fmt.Errorf("summary of arm %d: an accumulator of a horizon beyond the arm's %d", a, h)
		}
		if err := strictJSON(raw, &summary[a]); err != nil {
			return nil, fmt.Errorf("summary of arm %d: %w", a, err)
		}
	}
	if b.BlockSize < 1 {
		return nil, fmt.Errorf("block size %d", b.BlockSize)
	}
	if b.Range.Hi < b.Range.Lo || b.Range.Hi-b.Range.Lo > 1<<53 || b.Run.Hi < b.Run.Lo ||
		b.Range.Lo < b.Run.Lo || b.Range.Hi > b.Run.Hi {
		return nil, fmt.Errorf("range [%d,%d) not within run [%d,%d)", b.Range.Lo, b.Range.Hi, b.Run.Lo, b.Run.Hi)
	}
	res := &sim.StudyResult{
		Seed: b.Seed, Start: b.Range.Lo, Replications: int(b.Range.Hi - b.Range.Lo),
		BlockSize: b.BlockSize, Summary: s.NewStudySummary(), Done: b.Done, Partial: b.Partial,
	}
	// Covered: sorted, disjoint, non-adjacent, within the range, adding up
	// to Done; complete unless Partial.
	var total uint64
	for i, c := range b.Covered {
		if c.Lo >= c.Hi || c.Lo < b.Range.Lo || c.Hi > b.Range.Hi || (i > 0 && c.Lo <= b.Covered[i-1].Hi) {
			return nil, fmt.Errorf("covered ranges not sorted, disjoint and within [%d,%d)", b.Range.Lo, b.Range.Hi)
		}
		total += c.Hi - c.Lo
		res.Covered = append(res.Covered, mc.RepRange{Lo: c.Lo, Hi: c.Hi})
	}
	if total != uint64(b.Done) {
		return nil, fmt.Errorf("covered ranges hold %d replications, done = %d", total, b.Done)
	}
	if !b.Partial && total != b.Range.Hi-b.Range.Lo {
		return nil, fmt.Errorf("not partial but %d of %d replications covered", total, b.Range.Hi-b.Range.Lo)
	}
	for i, f := range b.Failures {
		if (i > 0 && f.Rep <= b.Failures[i-1].Rep) || !covered(res.Covered, f.Rep) {
			return nil, fmt.Errorf("failure of replication %d out of order or not covered", f.Rep)
		}
		if s1, s2 := mc.ReplicationSeed(b.Seed, f.Rep); s1 != f.Seed1 || s2 != f.Seed2 {
			return nil, fmt.Errorf("failure of replication %d: seeds do not match seed %d", f.Rep, b.Seed)
		}
		res.Failures = append(res.Failures, mc.Failure{Rep: f.Rep, Seed1: f.Seed1, Seed2: f.Seed2, Err: errors.New(f.Error)})
	}
	if err := fillSummary(s, res.Summary, summary); err != nil {
		return nil, err
	}
	succeeded := int64(res.Done - len(res.Failures))
	for a, as := range res.Summary.Arms {
		if n := as.Kinds[0] + as.Kinds[1] + as.Kinds[2]; n != succeeded {
			return nil, fmt.Errorf("arm %d: summary holds %d replications, done − failures = %d", a, n, succeeded)
		}
	}
	p := &StudyPart{Study: s, Result: res, Run: mc.RepRange{Lo: b.Run.Lo, Hi: b.Run.Hi}, ModelVersion: b.ModelVersion}
	if b.Shard != nil {
		p.Shard, p.Shards = b.Shard.Index, b.Shard.Count
	}
	return p, nil
}

// claimsHorizonBeyond reports whether the JSON raw holds, at any depth, a
// "horizon" member (in any case, as encoding/json matches field names)
// greater than h. The accumulators' decoders allocate by
// their own horizon, so this is checked before they run; raw that is not
// JSON is left to the decoder to refuse.
func claimsHorizonBeyond(raw []byte, h int) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	var beyond func(v any) bool
	beyond = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if n, ok := x.(float64); (ok && strings.EqualFold(k, "horizon") && n > float64(h)) || beyond(x) {
					return true
				}
			}
		case []any:
			for _, x := range v {
				if beyond(x) {
					return true
				}
			}
		}
		return false
	}
	return beyond(v)
}

func covered(cs []mc.RepRange, rep uint64) bool {
	for _, c := range cs {
		if rep >= c.Lo && rep < c.Hi {
			return true
		}
	}
	return false
}

// fillSummary copies the decoded arm summaries into ss (built by
// NewStudySummary for the study), checking names and shapes.
func fillSummary(s *sim.Study, ss *sim.StudySummary, w []armSummaryWire) error {
	if len(w) != len(ss.Arms) {
		return fmt.Errorf("summary of %d arms for a study of %d", len(w), len(ss.Arms))
	}
	for a, aw := range w {
		as := ss.Arms[a]
		where := fmt.Sprintf("summary of arm %d", a)
		for _, k := range aw.Kinds {
			if k < 0 {
				return fmt.Errorf("%s: negative count", where)
			}
		}
		if aw.Events == nil || aw.Events.Causes() != 2 || aw.Events.N() != int(aw.Kinds[0]+aw.Kinds[1]+aw.Kinds[2]) {
			return fmt.Errorf("%s: events missing or inconsistent with the outcome counts", where)
		}
		if aw.Events.MaxTime() > s.Arms[a].Scenario.Horizon {
			return fmt.Errorf("%s: event beyond the horizon", where)
		}
		for k := range sim.Kind(3) {
			n := 0
			for t := 0; t <= aw.Events.MaxTime(); t++ {
				n += aw.Events.Count(t, int(k))
			}
			if int64(n) != aw.Kinds[k] {
				return fmt.Errorf("%s: %d events of cause %d, %d %s outcomes", where, n, k, aw.Kinds[k], k)
			}
		}
		for i, h := range aw.Counts.All() {
			if *h == nil || int64((*h).N()) != aw.Kinds[0]+aw.Kinds[1]+aw.Kinds[2] {
				return fmt.Errorf("%s: count %d (in field order) missing or inconsistent", where, i)
			}
		}
		for i, m := range aw.Values.All() {
			if *m == nil {
				return fmt.Errorf("%s: value %d (in field order) missing", where, i)
			}
		}
		if aw.SecretVotes < 0 || aw.SecretPasses < 0 || aw.SecretPasses > aw.SecretVotes ||
			aw.PublicVotes < 0 || aw.PublicPasses < 0 || aw.PublicPasses > aw.PublicVotes {
			return fmt.Errorf("%s: vote counts inconsistent", where)
		}
		if err := consistentArm(&aw); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if (aw.Trajectories != nil) != s.Trajectories {
			return fmt.Errorf("%s: trajectories present = %v, study says %v", where, aw.Trajectories != nil, s.Trajectories)
		}
		as.Kinds, as.Events = aw.Kinds, aw.Events
		as.Counts, as.Values = aw.Counts, aw.Values
		as.SecretVotes, as.SecretPasses, as.PublicVotes, as.PublicPasses = aw.SecretVotes, aw.SecretPasses, aw.PublicVotes, aw.PublicPasses
		if s.Trajectories {
			tr := *aw.Trajectories
			if !sameKeys(tr, []string{"trust", "pressure", "mobilisation"}) {
				return fmt.Errorf("%s: trajectories must be trust, pressure and mobilisation", where)
			}
			for name, b := range tr {
				if b == nil || b.Bands == nil {
					return fmt.Errorf("%s: trajectory %s is null", where, name)
				}
				lo, hi := b.Range()
				if b.Horizon() != s.Arms[a].Scenario.Horizon || b.Bins() != sim.TrajectoryBins || lo != 0 || hi != 1 {
					return fmt.Errorf("%s: trajectory %s has the wrong shape", where, name)
				}
			}
			as.Trust, as.Pressure, as.Mobilisation = tr["trust"].Bands, tr["pressure"].Bands, tr["mobilisation"].Bands
		}
		if (aw.Paired != nil) != (a > 0) {
			return fmt.Errorf("%s: paired tables present = %v, want %v", where, aw.Paired != nil, a > 0)
		}
		if a > 0 {
			pm := *aw.Paired
			if !sameKeys(pm, []string{"breakthrough", "collapse"}) {
				return fmt.Errorf("%s: paired tables must be breakthrough and collapse", where)
			}
			for name, t := range pm {
				if t.N11 < 0 || t.N10 < 0 || t.N01 < 0 || t.N00 < 0 || int64(t.N()) != aw.Kinds[0]+aw.Kinds[1]+aw.Kinds[2] {
					return fmt.Errorf("%s: paired table %s inconsistent", where, name)
				}
			}
			ss.Paired[a].Breakthrough, ss.Paired[a].Collapse = pm["breakthrough"], pm["collapse"]
		}
		if err := fillImpasse(s, ss, a, aw.Impasse, aw.Kinds[0]+aw.Kinds[1]+aw.Kinds[2]); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// fillImpasse copies arm a's decoded repeated-impasse accumulators into
// ss, checking their shapes against the study and their sizes against
// the n replications. A summary without them (a sweep point's) must have
// none in any arm: ss then drops them.
func fillImpasse(s *sim.Study, ss *sim.StudySummary, a int, w *impasseWire, n int64) error {
	as := ss.Arms[a]
	if w == nil {
		if a > 0 && ss.Arms[0].Impasse != nil {
			return errors.New("impasse accumulators missing (arm 0 has them)")
		}
		as.Impasse, as.ImpasseCount, as.ChannelCount, as.States = nil, nil, nil, nil
		ss.Paired[a].Impasse = [sim.MaxImpasses][]metrics.PairedTable{}
		ss.PairRounds = nil
		return nil
	}
	if a > 0 && ss.Arms[0].Impasse == nil {
		return errors.New("impasse accumulators present, arm 0 has none")
	}
	if w.Kth == nil || w.Kth.RecurrentEvents == nil || w.Impasses == nil || w.Impasses.MeanCount == nil ||
		w.BackChannels == nil || w.BackChannels.MeanCount == nil || w.States == nil || w.States.Occupancy == nil {
		return errors.New("impasse: kth, impasses, back_channels and states are all required")
	}
	h := s.Arms[a].Scenario.Horizon
	switch {
	case w.Kth.Horizon() != h || w.Impasses.Horizon() != h || w.BackChannels.Horizon() != h || w.States.Horizon() != h:
		return fmt.Errorf("impasse accumulators not of the arm's horizon %d", h)
	case int64(w.Kth.N()) != n || int64(w.Impasses.N()) != n || int64(w.BackChannels.N()) != n || int64(w.States.N()) != n:
		return fmt.Errorf("impasse accumulators inconsistent with the %d replications", n)
	}
	as.Impasse, as.ImpasseCount, as.ChannelCount, as.States = w.Kth.RecurrentEvents, w.Impasses.MeanCount, w.BackChannels.MeanCount, w.States.Occupancy
	if (w.Paired != nil) != (a > 0) {
		return fmt.Errorf("impasse: paired tables present = %v, want %v", w.Paired != nil, a > 0)
	}
	if a == 0 {
		return nil
	}
	if len(w.Paired) != sim.MaxImpasses {
		return fmt.Errorf("impasse: %d orders of paired tables, want %d", len(w.Paired), sim.MaxImpasses)
	}
	for k, ts := range w.Paired {
		if len(ts) != len(ss.PairRounds) {
			return fmt.Errorf("impasse: %d paired tables of order %d, want one per round %v", len(ts), k+1, ss.PairRounds)
		}
		for _, t := range ts {
			if t.N11 < 0 || t.N10 < 0 || t.N01 < 0 || t.N00 < 0 || int64(t.N()) != n {
				return fmt.Errorf("impasse: paired table of order %d inconsistent", k+1)
			}
		}
		ss.Paired[a].Impasse[k] = ts
	}
	return nil
}

// consistentArm checks the identities every arm summary written by a run
// satisfies, so that an edited file (with its checksum recomputed) whose
// numbers cannot come from a run is refused: every value accumulator
// holds one value per replication (Split one per breakthrough), every
// vote that passed ended in a breakthrough, and every vote that failed is
// a failed ratification.
func consistentArm(aw *armSummaryWire) error {
	n := aw.Kinds[0] + aw.Kinds[1] + aw.Kinds[2]
	for i, m := range aw.Values.All() {
		want, of := n, "replications"
		if i == 3 { // Split: breakthroughs only
			want, of = aw.Kinds[sim.Breakthrough], "breakthroughs"
		}
		if got := int64((*m).N()); got != want {
			return fmt.Errorf("values.%s.n = %d, want %d (the number of %s)", valueNames[i], got, want, of)
		}
	}
	if p := aw.SecretPasses + aw.PublicPasses; p != aw.Kinds[sim.Breakthrough] {
		return fmt.Errorf("%d votes passed (secret_passes + public_passes), but %d breakthroughs", p, aw.Kinds[sim.Breakthrough])
	}
	var failed int64
	h := aw.Counts.FailedRatifications
	for v := 0; v <= h.Max(); v++ {
		failed += int64(v) * int64(h.Count(v))
	}
	if f := aw.SecretVotes - aw.SecretPasses + aw.PublicVotes - aw.PublicPasses; f != failed {
		return fmt.Errorf("%d votes failed (votes − passes), but the failed ratifications add up to %d", f, failed)
	}
	return nil
}

// valueNames are the JSON names of sim.Values' fields, in field order.
var valueNames = [...]string{"approval", "hawkishness", "polarisation", "split", "trust"}

// MergeStudyResults combines parts of one run, given in any order, into
// the result of the whole run (the parts' common Run), which equals that
// of a single process running it: summaries merge exactly. It refuses
// (ErrIncompatible) parts from different model versions, studies (arms,
// policies, scenarios, labels), seeds, block sizes or runs, and parts
// whose ranges overlap. If the parts leave replications of the run
// uncovered it returns the merged result, marked Partial, with an error
// wrapping ErrMissing that lists the gaps.
func MergeStudyResults(parts ...*StudyPart) (*StudyPart, error) {
	for i, p := range parts {
		if p == nil || p.Study == nil || p.Result == nil || p.Result.Summary == nil {
			return nil, fmt.Errorf("results: merge: part %d is nil or has no study, result or summary", i)
		}
	}
	err := checkParts(parts, (*StudyPart).name, func(p *StudyPart) (string, error) { return StudyHash(p.Study) },
		func(ref, p *StudyPart, a, b string) error {
			switch {
			case p.ModelVersion != ref.ModelVersion:
				return fmt.Errorf("%w: model versions differ: %s in %s, %s in %s", ErrIncompatible, ref.ModelVersion, a, p.ModelVersion, b)
			case p.Result.Seed != ref.Result.Seed:
				return fmt.Errorf("%w: seeds differ: %d in %s, %d in %s", ErrIncompatible, ref.Result.Seed, a, p.Result.Seed, b)
			case p.Result.BlockSize != ref.Result.BlockSize:
				return fmt.Errorf("%w: block sizes differ: %d in %s, %d in %s", ErrIncompatible, ref.Result.BlockSize, a, p.Result.BlockSize, b)
			case p.run() != ref.run():
				return fmt.Errorf("%w: runs differ: replications [%d,%d) in %s, [%d,%d) in %s",
					ErrIncompatible, ref.run().Lo, ref.run().Hi, a, p.run().Lo, p.run().Hi, b)
			}
			return sameStudy(ref.Study, p.Study, a, b)
		}, "studies")
	if err != nil {
		return nil, err
	}
	ref := parts[0]
	sorted := slices.Clone(parts)
	slices.SortStableFunc(sorted, func(x, y *StudyPart) int {
		switch {
		case x.Result.Start != y.Result.Start:
			return cmp.Compare(x.Result.Start, y.Result.Start)
		default:
			return cmp.Compare(x.Result.End(), y.Result.End())
		}
	})
	for i := 1; i < len(sorted); i++ {
		x, y := sorted[i-1], sorted[i]
		if y.Result.Start < x.Result.End() && y.Result.Replications > 0 && x.Result.Replications > 0 {
			return nil, fmt.Errorf("results: merge: %w: ranges overlap: [%d,%d) in %s and [%d,%d) in %s (the same shard twice?)",
				ErrIncompatible, x.Result.Start, x.Result.End(), x.name(idx(parts, x)), y.Result.Start, y.Result.End(), y.name(idx(parts, y)))
		}
	}
	run := ref.run()
	out := &StudyPart{Study: ref.Study, Run: run, ModelVersion: ref.ModelVersion, Result: &sim.StudyResult{
		Seed: ref.Result.Seed, Start: run.Lo, Replications: int(run.Len()), BlockSize: ref.Result.BlockSize,
		Summary: ref.Study.NewStudySummary(),
	}}
	res := out.Result
	for _, p := range sorted {
		if err := res.Summary.Merge(p.Result.Summary); err != nil {
			return nil, fmt.Errorf("results: merge %s: %w", p.Source, err)
		}
		for _, c := range p.Result.Covered {
			res.Covered = addRange(res.Covered, c)
		}
		res.Done += p.Result.Done
		res.Failures = append(res.Failures, p.Result.Failures...)
	}
	slices.SortFunc(res.Failures, func(x, y mc.Failure) int { return cmp.Compare(x.Rep, y.Rep) })
	if gaps := mc.Gaps(run, res.Covered); len(gaps) > 0 {
		res.Partial = true
		var list []string
		var n uint64
		for _, g := range gaps {
			list = append(list, fmt.Sprintf("[%d,%d)", g.Lo, g.Hi))
			n += g.Len()
		}
		return out, fmt.Errorf("results: merge: %w: %d of %d replications of the run [%d,%d) are not covered: %s",
			ErrMissing, n, run.Len(), run.Lo, run.Hi, strings.Join(list, " "))
	}
	return out, nil
}

func idx(parts []*StudyPart, p *StudyPart) int { return slices.Index(parts, p) }

// sameStudy explains how two studies differ, arm by arm, if they do.
func sameStudy(s, t *sim.Study, a, b string) error {
	if len(s.Arms) != len(t.Arms) {
		return fmt.Errorf("%w: %d arms in %s, %d in %s", ErrIncompatible, len(s.Arms), a, len(t.Arms), b)
	}
	if s.Trajectories != t.Trajectories {
		return fmt.Errorf("%w: trajectories %v in %s, %v in %s", ErrIncompatible, s.Trajectories, a, t.Trajectories, b)
	}
	ps, err := s.Policies()
	if err != nil {
		return err
	}
	pt, err := t.Policies()
	if err != nil {
		return err
	}
	ls, lt := s.Labels(), t.Labels()
	for i := range s.Arms {
		switch {
		case ps[i].Name() != pt[i].Name():
			return fmt.Errorf("%w: policies differ: arm %d is %s in %s, %s in %s", ErrIncompatible, i, ps[i].Name(), a, pt[i].Name(), b)
		case ls[i] != lt[i]:
			return fmt.Errorf("%w: labels differ: arm %d is %q in %s, %q in %s", ErrIncompatible, i, ls[i], a, lt[i], b)
		}
		x, err := json.Marshal(s.Arms[i].Scenario)
		if err != nil {
			return err
		}
		y, err := json.Marshal(t.Arms[i].Scenario)
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			return fmt.Errorf("%w: scenarios of arm %d (%s) differ between %s and %s", ErrIncompatible, i, ls[i], a, b)
		}
	}
	return nil
}

// SaveStudyFile writes p to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, and the directory
// synced, so that path always holds a complete file (the old or the new)
// even if the process is killed or the machine crashes.
func SaveStudyFile(path string, p *StudyPart) error {
	return saveFile(path, func(w io.Writer) error { return SaveStudyResult(w, p) })
}

// LoadStudyFile reads a partial-result file (see LoadStudyResult); the
// part's Source is path.
func LoadStudyFile(path string) (*StudyPart, error) {
	p, err := loadFile(path, LoadStudyResult)
	if err != nil {
		return nil, err
	}
	p.Source = path
	return p, nil
}

// sameKeys reports whether m has exactly the keys names.
func sameKeys[V any](m map[string]V, names []string) bool {
	if len(m) != len(names) {
		return false
	}
	for _, n := range names {
		if _, ok := m[n]; !ok {
			return false
		}
	}
	return true
}
