package explorerun

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/backchannel-sim/backchannel/explore"
	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
)

// Schema names the format of an exploration's part file: the spec, its
// hash, the model version, the range of points and every point's exact
// summary, in an envelope {"schema", "sha256", "body"} like the
// partial-result files of package results.
const Schema = "backchannel.explore-partial/v1"

// ErrCorrupt, ErrIncompatible and ErrMissing are wrapped by the errors of
// LoadPart and MergeParts.
var (
	ErrCorrupt      = errors.New("corrupt explore part file")
	ErrIncompatible = errors.New("incompatible explore parts")
	ErrMissing      = errors.New("missing design points")
)

// Part holds the design points [Lo, Hi) of an exploration: a shard or all.
type Part struct {
	Model *Model
	// Lo and Hi are the points held, Points[k] being point Lo+k.
	Lo, Hi int
	Points []Point
	// Shard and Shards say which shard of how many (Shards 0: not sharded).
	Shard, Shards int
	// ModelVersion is the version of the model that produced the part.
	ModelVersion string
	// Source names the part in errors (its file name).
	Source string
}

type shardWire struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

type body struct {
	ModelVersion string     `json:"model_version"`
	DesignHash   string     `json:"design_hash"`
	Spec         Spec       `json:"spec"`
	DesignPoints int        `json:"design_points"`
	Shard        *shardWire `json:"shard,omitempty"`
	Lo           int        `json:"lo"`
	Hi           int        `json:"hi"`
	Points       []Point    `json:"points"`
}

// Save writes p as a part file (Schema).
func (p *Part) Save(w io.Writer) error {
	hash, err := p.Model.Spec.Hash()
	if err != nil {
		return err
	}
	if p.Lo < 0 || p.Hi < p.Lo || p.Hi > p.Model.Len() || len(p.Points) != p.Hi-p.Lo {
		return fmt.Errorf("explore: save: %d points for the range [%d,%d) of %d", len(p.Points), p.Lo, p.Hi, p.Model.Len())
	}
	b := body{ModelVersion: p.ModelVersion, DesignHash: hash, Spec: p.Model.Spec, DesignPoints: p.Model.Len(),
		Lo: p.Lo, Hi: p.Hi, Points: p.Points}
	if b.ModelVersion == "" {
		b.ModelVersion = sim.ModelVersion
	}
	if b.Points == nil {
		b.Points = []Point{}
	}
	if p.Shards > 0 {
		b.Shard = &shardWire{p.Shard, p.Shards}
	}
	return results.WriteEnvelope(w, Schema, b)
}

// SaveFile writes p to path atomically (a temporary file in the same
// directory, synced, then renamed over path).
func (p *Part) SaveFile(path string) error {
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, buf.Bytes())
}

// IsPartFile reports whether the file at path starts as a part file of
// this schema (it reads only the start of the file).
func IsPartFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := io.ReadFull(f, buf)
	return bytes.HasPrefix(bytes.TrimLeft(buf[:n], " \t\r\n"), []byte(`{"schema":"`+Schema+`"`))
}

// LoadPart reads a part file. It verifies the checksum, decodes strictly,
// rebuilds the design from the spec and checks the hash, the range, the
// shard and every point's counts. A part computed under the former
// definition of impasse (a spec without impasse_k) is an error wrapping
// ErrIncompatible; any other problem is an error wrapping ErrCorrupt.
func LoadPart(r io.Reader) (*Part, error) {
	var b body
	if err := results.ReadEnvelope(r, Schema, &b); err != nil {
		return nil, fmt.Errorf("explore: %w: %v", ErrCorrupt, err)
	}
	p, err := check(&b)
	if errors.Is(err, ErrIncompatible) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("explore: %w: %v", ErrCorrupt, err)
	}
	return p, nil
}

// check rebuilds the design of a decoded body and checks its internal
// consistency (hash, range, shard, every point's counts).
func check(b *body) (*Part, error) {
	m, err := NewModel(b.Spec)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(m.Spec.Scenario, b.Spec.Scenario) {
		return nil, errors.New("scenario is not in canonical form")
	}
	hash, err := m.Spec.Hash()
	if err != nil {
		return nil, err
	}
	switch {
	case hash != b.DesignHash:
		return nil, fmt.Errorf("design hash %s does not match the spec (%s)", b.DesignHash, hash)
	case b.DesignPoints != m.Len():
		return nil, fmt.Errorf("design_points %d, the spec builds %d", b.DesignPoints, m.Len())
	case b.Lo < 0 || b.Hi < b.Lo || b.Hi > m.Len():
		return nil, fmt.Errorf("range [%d,%d) not within the design's %d points", b.Lo, b.Hi, m.Len())
	case len(b.Points) != b.Hi-b.Lo:
		return nil, fmt.Errorf("%d points for the range [%d,%d)", len(b.Points), b.Lo, b.Hi)
	}
	p := &Part{Model: m, Lo: b.Lo, Hi: b.Hi, Points: b.Points, ModelVersion: b.ModelVersion}
	if b.Shard != nil {
		p.Shard, p.Shards = b.Shard.Index, b.Shard.Count
		if p.Shards < 1 || p.Shard < 0 || p.Shard >= p.Shards {
			return nil, fmt.Errorf("shard %d of %d", p.Shard, p.Shards)
		}
		if lo, n := mc.ShardRange(p.Shard, p.Shards, m.Len()); int(lo) != p.Lo || int(lo)+n != p.Hi {
			return nil, fmt.Errorf("range [%d,%d) is not shard %d of %d", p.Lo, p.Hi, p.Shard, p.Shards)
		}
	}
	R := int64(m.Spec.Reps)
	W := int64(m.Spec.Within)
	for k, pt := range p.Points {
		if pt.Index != p.Lo+k {
			return nil, fmt.Errorf("point %d at position %d of [%d,%d)", pt.Index, k, p.Lo, p.Hi)
		}
		if len(pt.Arms) != len(m.Policies) {
			return nil, fmt.Errorf("point %d: %d policies, the spec has %d", pt.Index, len(pt.Arms), len(m.Policies))
		}
		for _, a := range pt.Arms {
			if a[0] < 0 || a[0] > R || a[1] < 0 || a[1] > R || a[2] < R || a[2] > R*W || a[3] < a[2] || a[3] > R*W*W {
				return nil, fmt.Errorf("point %d: counts %v impossible with %d replications", pt.Index, a, R)
			}
		}
		if pt.Diff[1] < 0 || pt.Diff[1] > R || pt.Diff[0] < -pt.Diff[1] || pt.Diff[0] > pt.Diff[1] ||
			(len(pt.Arms) == 2 && pt.Diff[0] != pt.Arms[0][0]-pt.Arms[1][0]) {
			return nil, fmt.Errorf("point %d: paired difference %v inconsistent", pt.Index, pt.Diff)
		}
	}
	return p, nil
}

// LoadPartFile reads a part file (see LoadPart); path may also be a
// directory written by "backchannel explore --out", holding points.json.
// Errors name the file.
func LoadPartFile(path string) (*Part, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, PointsFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := LoadPart(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.Source = path
	return p, nil
}

// PointsFile is the name of the part file in an output directory.
const PointsFile = "points.json"

// MergeParts combines parts of one exploration, in any order, into the
// whole design. It refuses (ErrIncompatible) parts of different specs or
// model versions and overlapping parts; if points are missing it returns
// an error wrapping ErrMissing that lists them.
func MergeParts(parts ...*Part) (*Part, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("explore: merge: %w: no parts", ErrMissing)
	}
	ref := parts[0]
	h0, err := ref.Model.Spec.Hash()
	if err != nil {
		return nil, err
	}
	n := ref.Model.Len()
	byIndex := make([]*Point, n)
	owner := make([]string, n)
	for i, p := range parts {
		h, err := p.Model.Spec.Hash()
		if err != nil {
			return nil, err
		}
		name := p.Source
		if name == "" {
			name = fmt.Sprintf("part %d", i)
		}
		switch {
		case h != h0:
			return nil, fmt.Errorf("explore: merge: %w: %s and %s are parts of different designs (method, parameters, sizes, seed, reps, policies or scenario differ)", ErrIncompatible, ref.Source, name)
		case p.ModelVersion != ref.ModelVersion:
			return nil, fmt.Errorf("explore: merge: %w: model versions differ: %s in %s, %s in %s", ErrIncompatible, ref.ModelVersion, ref.Source, p.ModelVersion, name)
		}
		for k := range p.Points {
			pt := &p.Points[k]
			if byIndex[pt.Index] != nil {
				return nil, fmt.Errorf("explore: merge: %w: design point %d is in both %s and %s", ErrIncompatible, pt.Index, owner[pt.Index], name)
			}
			byIndex[pt.Index], owner[pt.Index] = pt, name
		}
	}
	out := &Part{Model: ref.Model, Lo: 0, Hi: n, ModelVersion: ref.ModelVersion, Points: make([]Point, 0, n)}
	var missing []string
	for j, pt := range byIndex {
		if pt == nil {
			if len(missing) < 20 {
				missing = append(missing, fmt.Sprint(j))
			}
			continue
		}
		out.Points = append(out.Points, *pt)
	}
	if len(out.Points) < n {
		return nil, fmt.Errorf("explore: merge: %w: %d of %d design points are in no file (first: %s)", ErrMissing, n-len(out.Points), n, strings.Join(missing, ", "))
	}
	return out, nil
}

// OutputNames returns the outputs of the part's points: those of the
// policy, then with a baseline those of the baseline and
// breakthrough_gain.
func (m *Model) OutputNames() []string {
	names := []string{"p_breakthrough", "p_repeated_impasse", "time_to_breakthrough"}
	if len(m.Policies) == 2 {
		names = append(names, "baseline_p_breakthrough", "baseline_p_repeated_impasse", "baseline_time_to_breakthrough", "breakthrough_gain")
	}
	return names
}

// Output returns the mean and sample variance (divisor R−1; 0 when R = 1)
// of the named output at every point, in index order.
func (p *Part) Output(name string) (explore.Replicated, error) {
	arm, stat := 0, -1
	base := strings.TrimPrefix(name, "baseline_")
	if base != name {
		arm = 1
	}
	switch base {
	case "p_breakthrough":
		stat = 0
	case "p_repeated_impasse":
		stat = 1
	case "time_to_breakthrough":
		stat = 2
	case "breakthrough_gain":
		stat = 9
	}
	if stat < 0 || (arm == 1 || stat == 9) && len(p.Model.Policies) < 2 || stat == 9 && arm == 1 {
		return explore.Replicated{}, fmt.Errorf("explore: output %q: want one of %s", name, strings.Join(p.Model.OutputNames(), ", "))
	}
	R := float64(p.Model.Spec.Reps)
	rep := explore.Replicated{R: p.Model.Spec.Reps, Mean: make([]float64, len(p.Points)), Var: make([]float64, len(p.Points))}
	for k, pt := range p.Points {
		var s, sq int64
		switch stat {
		case 0, 1:
			s = pt.Arms[arm][stat]
			sq = s
		case 2:
			s, sq = pt.Arms[arm][2], pt.Arms[arm][3]
		case 9:
			s, sq = pt.Diff[0], pt.Diff[1]
		}
		mean := float64(s) / R
		rep.Mean[k] = mean
		if R > 1 {
			v := (float64(sq) - float64(s)*mean) / (R - 1)
			if v < 0 {
				v = 0
			}
			rep.Var[k] = v
		}
	}
	return rep, nil
}
