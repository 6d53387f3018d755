package results

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// SweepPartialSchema names the format of a sweep's partial-result file
// (docs/OUTPUTS.md): the design points of one shard of a sweep, each with
// its exact result, so that shards merge into the single-process sweep.
const SweepPartialSchema = "backchannel.sweep-partial/v1"

// SweepParamSpec is one swept parameter as given to SweepParam: a
// scenario field or policy parameter and its range [From, To].
type SweepParamSpec struct {
	Name     string
	From, To float64
}

// SweepSpec describes the design of a sweep so that it can be rebuilt:
// a full-factorial grid with Levels[i] levels of Params[i], or (LHS > 0,
// Levels empty) a Latin hypercube of LHS points drawn from
// SweepLHSRand(seed).
type SweepSpec struct {
	Params []SweepParamSpec
	Levels []int
	LHS    int
}

// SweepLHSRand returns the generator of a sweep's Latin hypercube:
// replication 0 of the stream StreamSeed(seed, 2⁶⁴−1), which no design
// point uses.
func SweepLHSRand(seed uint64) *rand.Rand {
	return mc.ReplicationRand(mc.StreamSeed(seed, math.MaxUint64), 0)
}

// Design builds the design the spec describes, with master seed seed
// (used only by a Latin hypercube).
func (sp SweepSpec) Design(seed uint64) (*mc.Design[sim.Arm], error) {
	var params []mc.Param[sim.Arm]
	for _, ps := range sp.Params {
		p, err := sim.SweepParam(ps.Name, ps.From, ps.To)
		if err != nil {
			return nil, err
		}
		params = append(params, p)
	}
	switch {
	case sp.LHS > 0 && len(sp.Levels) == 0:
		return mc.LatinHypercube(sp.LHS, params, SweepLHSRand(seed))
	case sp.LHS == 0:
		return mc.Grid(params, sp.Levels)
	}
	return nil, fmt.Errorf("results: sweep spec: both a Latin hypercube (%d points) and grid levels %v", sp.LHS, sp.Levels)
}

// SweepPart is the result of part of a sweep: the design points [Lo, Hi)
// of a shard (or all of them), with what is needed to check it against
// the other parts and to rebuild the design without the command's flags.
type SweepPart struct {
	// Base is the arm every point starts from (RunSweep's base).
	Base sim.Arm
	// Spec describes the design; Design is the design it builds.
	Spec   SweepSpec
	Design *mc.Design[sim.Arm]
	// Seed, Replications and BlockSize are the master seed, the
	// replications per point and the block size.
	Seed         uint64
	Replications int
	BlockSize    int
	// Lo and Hi are the design points the part holds, [Lo, Hi); Points
	// holds them in index order, every one complete.
	Lo, Hi int
	Points []sim.SweepPoint
	// Shard and Shards say which shard of how many the part is
	// (informational; Shards is 0 for a whole sweep).
	Shard, Shards int
	// ModelVersion is the version of the model that produced the part.
	ModelVersion string
	// Source names the part in error messages, for example its file name.
	Source string
}

func (p *SweepPart) name(i int) string { return partName(p.Source, i) }

// Wire types of the sweep file.

type sweepParamWire struct {
	Name string  `json:"name"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

type sweepDesignWire struct {
	Label    string           `json:"label"`
	Policy   string           `json:"policy"`
	Scenario json.RawMessage  `json:"scenario"`
	Params   []sweepParamWire `json:"params"`
	Levels   []int            `json:"levels"`
	LHS      int              `json:"lhs"`
	Points   [][]float64      `json:"points"`
}

// sweepHashWire is what the design hash covers.
type sweepHashWire struct {
	Design       sweepDesignWire `json:"design"`
	Seed         uint64          `json:"seed"`
	Replications int             `json:"replications"`
	BlockSize    int             `json:"block_size"`
}

type sweepPointWire struct {
	Index  int             `json:"index"`
	Values []float64       `json:"values"`
	Result json.RawMessage `json:"result"`
}

type sweepBody struct {
	ModelVersion string           `json:"model_version"`
	DesignHash   string           `json:"design_hash"`
	Design       sweepDesignWire  `json:"design"`
	Seed         uint64           `json:"seed"`
	Replications int              `json:"replications"`
	BlockSize    int              `json:"block_size"`
	Shard        *shardWire       `json:"shard,omitempty"`
	Range        rangeWire        `json:"range"`
	Points       []sweepPointWire `json:"points"`
}

func sweepDesignToWire(base sim.Arm, sp SweepSpec, d *mc.Design[sim.Arm]) (sweepDesignWire, error) {
	base, err := sim.SweepBase(base)
	if err != nil {
		return sweepDesignWire{}, err
	}
	name := base.Policy.Name()
	if p, err := sim.ParsePolicy(name); err != nil || p.Name() != name {
		return sweepDesignWire{}, fmt.Errorf("results: sweep policy %q cannot be saved: only built-in policies (ParsePolicy) can", name)
	}
	if base.NewHooks != nil {
		return sweepDesignWire{}, fmt.Errorf("results: sweep base arm: custom behaviours (Arm.NewHooks) cannot be saved: a file could only describe the default rules")
	}
	sc, err := json.Marshal(base.Scenario)
	if err != nil {
		return sweepDesignWire{}, err
	}
	w := sweepDesignWire{Label: base.Label, Policy: name, Scenario: sc, Params: []sweepParamWire{},
		Levels: append([]int{}, sp.Levels...), LHS: sp.LHS, Points: d.Points}
	for _, p := range sp.Params {
		w.Params = append(w.Params, sweepParamWire{Name: p.Name, From: p.From, To: p.To})
	}
	if w.Points == nil {
		w.Points = [][]float64{}
	}
	return w, nil
}

func sweepHash(dw sweepDesignWire, seed uint64, reps, blockSize int) (string, error) {
	b, err := json.Marshal(sweepHashWire{Design: dw, Seed: seed, Replications: reps, BlockSize: blockSize})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// SweepDesignHash returns the SHA-256, in hex, of the canonical JSON of
// what determines a sweep's results: the base arm (full scenario, policy,
// label), the parameter specs, the grid levels or the Latin hypercube size,
// the design points, the master seed (which also seeds the Latin
// hypercube), the replications per point and the block size.
func SweepDesignHash(p *SweepPart) (string, error) {
	dw, err := sweepDesignToWire(p.Base, p.Spec, p.Design)
	if err != nil {
		return "", err
	}
	return sweepHash(dw, p.Seed, p.Replications, p.BlockSize)
}

// SaveSweepResult writes p as a sweep partial-result file
// (SweepPartialSchema): {"schema", "sha256", "body"} as in PartialSchema,
// where the body holds the model version, the design hash, the design
// (base arm, parameter specs, levels or Latin hypercube size, points), the
// seed, the replications per point, the block size, the shard, the range
// of points and every point held: its index, its values and its exact
// result as a complete PartialSchema object (the one-arm study of the
// point, its replications [0, Replications) with seed
// StreamSeed(Seed, index)).
func SaveSweepResult(w io.Writer, p *SweepPart) error {
	body, err := encodeSweepBody(p)
	if err != nil {
		return err
	}
	return writeEnvelope(w, SweepPartialSchema, body)
}

func encodeSweepBody(p *SweepPart) ([]byte, error) {
	if p.Design == nil {
		return nil, errors.New("results: save sweep: no design")
	}
	dw, err := sweepDesignToWire(p.Base, p.Spec, p.Design)
	if err != nil {
		return nil, err
	}
	hash, err := sweepHash(dw, p.Seed, p.Replications, p.BlockSize)
	if err != nil {
		return nil, err
	}
	if p.Lo < 0 || p.Hi < p.Lo || p.Hi > len(p.Design.Points) || len(p.Points) != p.Hi-p.Lo {
		return nil, fmt.Errorf("results: save sweep: %d points for the range [%d,%d) of %d", len(p.Points), p.Lo, p.Hi, len(p.Design.Points))
	}
	b := sweepBody{
		ModelVersion: p.ModelVersion, DesignHash: hash, Design: dw,
		Seed: p.Seed, Replications: p.Replications, BlockSize: p.BlockSize,
		Range: rangeWire{uint64(p.Lo), uint64(p.Hi)}, Points: []sweepPointWire{},
	}
	if b.ModelVersion == "" {
		b.ModelVersion = sim.ModelVersion
	}
	if p.Shards > 0 {
		b.Shard = &shardWire{Index: p.Shard, Count: p.Shards}
	}
	for k, pt := range p.Points {
		if pt.Index != p.Lo+k || pt.Result == nil || pt.Result.Partial {
			return nil, fmt.Errorf("results: save sweep: point %d of [%d,%d) is missing, out of order or unfinished", p.Lo+k, p.Lo, p.Hi)
		}
		var buf bytes.Buffer
		inner := &StudyPart{Study: &sim.Study{Arms: []sim.Arm{pt.Params}}, Result: pt.Result, ModelVersion: b.ModelVersion}
		if err := SaveStudyResult(&buf, inner); err != nil {
			return nil, fmt.Errorf("results: save sweep: point %d: %w", pt.Index, err)
		}
		b.Points = append(b.Points, sweepPointWire{Index: pt.Index, Values: pt.Values, Result: bytes.TrimSpace(buf.Bytes())})
	}
	return json.Marshal(b)
}

// LoadSweepResult reads a sweep partial-result file written by
// SaveSweepResult. It verifies the checksum, decodes strictly, rebuilds
// the design from its spec and checks it against the stored points and
// the design hash, and loads every point's result as LoadStudyResult does,
// checking that it is the complete run of that point (its study, seed
// StreamSeed(seed, index), replications, block size and model version).
// Any problem is an error wrapping ErrCorrupt. It does not compare the
// model version with this program's.
func LoadSweepResult(r io.Reader) (*SweepPart, error) {
	return readPart(r, decodeSweep)
}

func decodeSweep(data []byte) (*SweepPart, error) {
	var b sweepBody
	if err := decodeEnvelope(data, SweepPartialSchema, &b); err != nil {
		return nil, err
	}
	dw := b.Design
	sc, err := sim.ParseScenario(dw.Scenario)
	if err != nil {
		return nil, fmt.Errorf("design scenario: %w", err)
	}
	pol, err := sim.ParsePolicy(dw.Policy)
	if err != nil {
		return nil, fmt.Errorf("design policy: %w", err)
	}
	p := &SweepPart{
		Base: sim.Arm{Label: dw.Label, Scenario: sc, Policy: pol}, Seed: b.Seed, Replications: b.Replications,
		BlockSize: b.BlockSize, ModelVersion: b.ModelVersion,
		Spec: SweepSpec{Levels: dw.Levels, LHS: dw.LHS},
	}
	if len(p.Spec.Levels) == 0 {
		p.Spec.Levels = nil
	}
	for _, pw := range dw.Params {
		p.Spec.Params = append(p.Spec.Params, SweepParamSpec{Name: pw.Name, From: pw.From, To: pw.To})
	}
	if b.Replications < 0 || b.BlockSize < 1 {
		return nil, fmt.Errorf("replications %d, block size %d", b.Replications, b.BlockSize)
	}
	if p.Design, err = p.Spec.Design(p.Seed); err != nil {
		return nil, fmt.Errorf("design: %w", err)
	}
	if !sameValues(p.Design.Points, dw.Points) {
		return nil, errors.New("design points do not match the design's spec")
	}
	hash, err := SweepDesignHash(p)
	if err != nil {
		return nil, err
	}
	if hash != b.DesignHash {
		return nil, fmt.Errorf("design hash %s does not match its design (%s)", b.DesignHash, hash)
	}
	n := uint64(len(p.Design.Points))
	if b.Range.Hi < b.Range.Lo || b.Range.Hi > n {
		return nil, fmt.Errorf("range of points [%d,%d) not within the design's %d", b.Range.Lo, b.Range.Hi, n)
	}
	p.Lo, p.Hi = int(b.Range.Lo), int(b.Range.Hi)
	if b.Shard != nil {
		p.Shard, p.Shards = b.Shard.Index, b.Shard.Count
		if p.Shards < 1 || p.Shard < 0 || p.Shard >= p.Shards {
			return nil, fmt.Errorf("shard %d of %d", p.Shard, p.Shards)
		}
		if lo, cnt := mc.ShardRange(p.Shard, p.Shards, int(n)); lo != b.Range.Lo || int(lo)+cnt != p.Hi {
			return nil, fmt.Errorf("range of points [%d,%d) is not shard %d of %d ([%d,%d))", p.Lo, p.Hi, p.Shard, p.Shards, lo, int(lo)+cnt)
		}
	}
	if len(b.Points) != p.Hi-p.Lo {
		return nil, fmt.Errorf("%d points for the range [%d,%d)", len(b.Points), p.Lo, p.Hi)
	}
	base, err := sim.SweepBase(p.Base)
	if err != nil {
		return nil, err
	}
	for k, pw := range b.Points {
		j := p.Lo + k
		if pw.Index != j {
			return nil, fmt.Errorf("point %d at position %d of the range [%d,%d)", pw.Index, k, p.Lo, p.Hi)
		}
		if !sameValues([][]float64{p.Design.Points[j]}, [][]float64{pw.Values}) {
			return nil, fmt.Errorf("point %d: values %v, the design says %v", j, pw.Values, p.Design.Points[j])
		}
		params, err := p.Design.Apply(j, base)
		if err != nil {
			return nil, err
		}
		want, err := StudyHash(&sim.Study{Arms: []sim.Arm{params}})
		if err != nil {
			return nil, err
		}
		inner, err := decodeSweepPoint(pw.Result, want)
		if err != nil {
			return nil, fmt.Errorf("point %d: %w", j, err)
		}
		res := inner.Result
		got, err := StudyHash(inner.Study)
		switch {
		case err != nil:
			return nil, err
		case got != want:
			return nil, fmt.Errorf("point %d: its study is not the design's point", j)
		case inner.ModelVersion != p.ModelVersion:
			return nil, fmt.Errorf("point %d: model version %s, file %s", j, inner.ModelVersion, p.ModelVersion)
		case res.Seed != mc.StreamSeed(p.Seed, uint64(j)):
			return nil, fmt.Errorf("point %d: seed %d is not the point's stream of seed %d", j, res.Seed, p.Seed)
		case res.BlockSize != p.BlockSize:
			return nil, fmt.Errorf("point %d: block size %d, file %d", j, res.BlockSize, p.BlockSize)
		case res.Partial || res.Start != 0 || res.Replications != p.Replications || inner.Run != (mc.RepRange{Lo: 0, Hi: uint64(p.Replications)}):
			return nil, fmt.Errorf("point %d: not the complete run of replications [0,%d)", j, p.Replications)
		}
		p.Points = append(p.Points, sim.SweepPoint{Index: j, Values: p.Design.Points[j], Params: params, Result: res})
	}
	return p, nil
}

// sameValues reports whether a and b hold the same numbers, bit for bit.
func sameValues(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, func(x, y []float64) bool {
		return slices.EqualFunc(x, y, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
	})
}

// SaveSweepFile writes p to path atomically (see SaveStudyFile).
func SaveSweepFile(path string, p *SweepPart) error {
	return saveFile(path, func(w io.Writer) error { return SaveSweepResult(w, p) })
}

// LoadSweepFile reads a sweep partial-result file (see LoadSweepResult);
// the part's Source is path.
func LoadSweepFile(path string) (*SweepPart, error) {
	p, err := loadFile(path, LoadSweepResult)
	if err != nil {
		return nil, err
	}
	p.Source = path
	return p, nil
}

// MergeSweepResults combines parts of one sweep, given in any order, into
// the whole sweep: the points of all parts in index order, each exactly as
// the single-process sweep computes it. It refuses (ErrIncompatible) parts
// from different model versions, seeds, replications, block sizes or
// designs (base scenario, policy, parameters, levels or Latin hypercube),
// and parts that hold the same point. If points are missing it returns
// the merged part with the points present and an error wrapping
// ErrMissing that lists the missing points.
func MergeSweepResults(parts ...*SweepPart) (*SweepPart, error) {
	for i, p := range parts {
		if p == nil || p.Design == nil {
			return nil, fmt.Errorf("results: merge: sweep part %d is nil or has no design", i)
		}
	}
	if err := checkParts(parts, (*SweepPart).name, SweepDesignHash, sameSweep, "sweep designs"); err != nil {
		return nil, err
	}
	ref := parts[0]
	n := len(ref.Design.Points)
	owner := make([]int, n)
	for j := range owner {
		owner[j] = -1
	}
	out := &SweepPart{Base: ref.Base, Spec: ref.Spec, Design: ref.Design, Seed: ref.Seed, Replications: ref.Replications,
		BlockSize: ref.BlockSize, Lo: 0, Hi: n, ModelVersion: ref.ModelVersion}
	byIndex := make([]*sim.SweepPoint, n)
	for i, p := range parts {
		for k := range p.Points {
			pt := &p.Points[k]
			if o := owner[pt.Index]; o >= 0 {
				return nil, fmt.Errorf("results: merge: %w: design point %d is in both %s and %s (the same shard twice, or shards of different counts?)",
					ErrIncompatible, pt.Index, parts[o].name(o), p.name(i))
			}
			owner[pt.Index] = i
			byIndex[pt.Index] = pt
		}
	}
	var missing []int
	for j, pt := range byIndex {
		if pt == nil {
			missing = append(missing, j)
			continue
		}
		out.Points = append(out.Points, *pt)
	}
	if len(missing) > 0 {
		return out, missingPoints{fmt.Sprintf("results: merge: missing design points: %d of %d design points are not in any file: %s", len(missing), n, listInts(missing))}
	}
	return out, nil
}

// missingPoints is the error of MergeSweepResults for missing points; it
// wraps ErrMissing (whose text speaks of replications) without showing it.
type missingPoints struct{ msg string }

func (e missingPoints) Error() string { return e.msg }
func (e missingPoints) Unwrap() error { return ErrMissing }

// listInts writes sorted integers with runs as ranges: "2-4, 7".
func listInts(xs []int) string {
	var parts []string
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(xs[i])+"-"+strconv.Itoa(xs[j]))
		} else {
			parts = append(parts, strconv.Itoa(xs[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// sameSweep explains how two sweep parts differ, if they do.
func sameSweep(p, q *SweepPart, a, b string) error {
	switch {
	case p.ModelVersion != q.ModelVersion:
		return fmt.Errorf("%w: model versions differ: %s in %s, %s in %s", ErrIncompatible, p.ModelVersion, a, q.ModelVersion, b)
	case p.Seed != q.Seed:
		return fmt.Errorf("%w: seeds differ: %d in %s, %d in %s", ErrIncompatible, p.Seed, a, q.Seed, b)
	case p.Replications != q.Replications:
		return fmt.Errorf("%w: replications per point differ: %d in %s, %d in %s", ErrIncompatible, p.Replications, a, q.Replications, b)
	case p.BlockSize != q.BlockSize:
		return fmt.Errorf("%w: block sizes differ: %d in %s, %d in %s", ErrIncompatible, p.BlockSize, a, q.BlockSize, b)
	}
	pw, err := sweepDesignToWire(p.Base, p.Spec, p.Design)
	if err != nil {
		return err
	}
	qw, err := sweepDesignToWire(q.Base, q.Spec, q.Design)
	if err != nil {
		return err
	}
	switch {
	case pw.Policy != qw.Policy || pw.Label != qw.Label:
		return fmt.Errorf("%w: policies differ: %s in %s, %s in %s", ErrIncompatible, pw.Policy, a, qw.Policy, b)
	case !bytes.Equal(pw.Scenario, qw.Scenario):
		return fmt.Errorf("%w: base scenarios differ between %s and %s", ErrIncompatible, a, b)
	case !slices.Equal(pw.Params, qw.Params) || !slices.Equal(pw.Levels, qw.Levels) || pw.LHS != qw.LHS:
		return fmt.Errorf("%w: sweep designs differ: %s in %s, %s in %s", ErrIncompatible, describeSpec(p.Spec), a, describeSpec(q.Spec), b)
	}
	return nil
}

func describeSpec(sp SweepSpec) string {
	var ps []string
	for i, p := range sp.Params {
		s := fmt.Sprintf("%s=%g:%g", p.Name, p.From, p.To)
		if sp.LHS == 0 && i < len(sp.Levels) {
			s += fmt.Sprintf(" (%d levels)", sp.Levels[i])
		}
		ps = append(ps, s)
	}
	d := strings.Join(ps, " ")
	if sp.LHS > 0 {
		d = fmt.Sprintf("Latin hypercube of %d points over %s", sp.LHS, d)
	}
	return d
}
