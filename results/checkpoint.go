package results

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/sim"
)

// DefaultCheckpointInterval is the time between checkpoint saves when
// neither Checkpoint.EveryBlocks nor Checkpoint.Interval is set.
const DefaultCheckpointInterval = 30 * time.Second

// Checkpoint configures RunStudyCheckpointed.
type Checkpoint struct {
	// Path is the checkpoint file, a partial-result file (PartialSchema).
	// If it exists, the run resumes from it.
	Path string
	// EveryBlocks, if positive, saves once that many blocks have finished
	// since the last save.
	EveryBlocks int
	// Interval, if positive, saves once that much time has passed since
	// the last save. When both are zero, Interval is
	// DefaultCheckpointInterval.
	Interval time.Duration
	// Run, Shard and Shards are recorded in the file (see StudyPart).
	Run           mc.RepRange
	Shard, Shards int
	// OnSave, if not nil, is called after every save with the number of
	// replications the file holds.
	OnSave func(done int)
}

// RunStudyCheckpointed runs replications [cfg.Start, cfg.Start+
// cfg.Replications) of s like RunStudy, saving the finished replications
// to cp.Path (atomically, see SaveStudyFile) periodically, when cancelled
// and at the end. If cp.Path exists, it first loads it and runs only the
// replications it lacks, so a run killed at any point and restarted with
// the same arguments ends with the result of an uninterrupted run (the
// summary is exact, so how the replications were split does not matter).
//
// A checkpoint that fails to load is an error wrapping ErrCorrupt; one
// written by a different run (model version, study, seed, block size,
// range) is an error wrapping ErrIncompatible; neither is ever used.
// cfg.KeepOutcomes is not supported. The work runs in segments of
// 4·Workers blocks, between which the file may be saved. It returns the
// part (complete unless the run was cancelled or failed), the number of
// replications loaded from the checkpoint, and any error; on cancellation
// the part is the saved partial result and the error wraps ctx.Err().
func RunStudyCheckpointed(ctx context.Context, s *sim.Study, cfg mc.RunConfig, cp Checkpoint) (*StudyPart, int, error) {
	if err := cfg.Validate(); err != nil {
		return nil, 0, err
	}
	if cfg.KeepOutcomes {
		return nil, 0, errors.New("results: checkpointed runs do not keep outcomes")
	}
	if err := s.Validate(); err != nil {
		return nil, 0, err
	}
	bs := blockSize(cfg)
	part := &StudyPart{Study: s, Run: cp.Run, Shard: cp.Shard, Shards: cp.Shards, ModelVersion: sim.ModelVersion, Source: cp.Path,
		Result: &sim.StudyResult{Seed: cfg.Seed, Start: cfg.Start, Replications: cfg.Replications, BlockSize: bs, Summary: s.NewStudySummary()}}
	resumed := 0
	switch old, err := LoadStudyFile(cp.Path); {
	case err == nil:
		if err := sameRun(part, old); err != nil {
			return nil, 0, fmt.Errorf("results: checkpoint %s: %w", cp.Path, err)
		}
		part.Result = old.Result
		resumed = old.Result.Done
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, 0, err
	}
	res := part.Result
	whole := mc.RepRange{Lo: res.Start, Hi: res.End()}
	save := func() error {
		res.Partial = len(mc.Gaps(whole, res.Covered)) > 0
		if err := SaveStudyFile(cp.Path, part); err != nil {
			return fmt.Errorf("results: save checkpoint: %w", err)
		}
		if cp.OnSave != nil {
			cp.OnSave(res.Done)
		}
		return nil
	}
	interval := cp.Interval
	if interval <= 0 && cp.EveryBlocks <= 0 {
		interval = DefaultCheckpointInterval
	}
	seg := segmentSize(workers(cfg), bs)
	lastSave, blocks := time.Now(), 0
	worked := false
	for _, gap := range mc.Gaps(whole, res.Covered) {
		for at := gap.Lo; at < gap.Hi; {
			end := gap.Hi
			if next := at / seg * seg; next <= math.MaxUint64-seg {
				end = min(gap.Hi, next+seg)
			}
			before := res.Done
			scfg := mc.RunConfig{Seed: cfg.Seed, Start: at, Replications: int(end - at), Workers: cfg.Workers, BlockSize: bs}
			if cfg.Progress != nil {
				scfg.Progress = func(done, _ int) { cfg.Progress(before+done, cfg.Replications) }
			}
			r, err := sim.RunStudy(ctx, s, scfg)
			if r == nil {
				return part, resumed, err
			}
			worked = true
			if merr := res.Summary.Merge(r.Summary); merr != nil {
				return part, resumed, merr
			}
			for _, c := range r.Covered {
				res.Covered = addRange(res.Covered, c)
			}
			res.Done += r.Done
			res.Failures = append(res.Failures, r.Failures...)
			slices.SortFunc(res.Failures, func(x, y mc.Failure) int { return cmp.Compare(x.Rep, y.Rep) })
			if err != nil {
				if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
					// Count the whole run, not the segment that was running.
					err = fmt.Errorf("results: run stopped after %d of %d replications: %w", res.Done, res.Replications, ctx.Err())
				}
				if serr := save(); serr != nil {
					return part, resumed, errors.Join(err, serr)
				}
				return part, resumed, err
			}
			blocks += int(numBlocks(at, int(end-at), bs))
			if (cp.EveryBlocks > 0 && blocks >= cp.EveryBlocks) || (interval > 0 && time.Since(lastSave) >= interval) {
				if err := save(); err != nil {
					return part, resumed, err
				}
				lastSave, blocks = time.Now(), 0
			}
			at = end
		}
	}
	if worked || resumed == 0 {
		if err := save(); err != nil {
			return part, resumed, err
		}
	}
	res.Partial = false
	return part, resumed, nil
}

// sameRun returns an error wrapping ErrIncompatible unless the checkpoint
// old was written by the run p describes.
func sameRun(p, old *StudyPart) error {
	a, b := p.Result, old.Result
	what := ""
	switch {
	case old.ModelVersion != sim.ModelVersion:
		what = fmt.Sprintf("model version %s, this program %s", old.ModelVersion, sim.ModelVersion)
	case a.Seed != b.Seed:
		what = fmt.Sprintf("seed %d, this run %d", b.Seed, a.Seed)
	case a.BlockSize != b.BlockSize:
		what = fmt.Sprintf("block size %d, this run %d", b.BlockSize, a.BlockSize)
	case a.Start != b.Start || a.End() != b.End():
		what = fmt.Sprintf("replications [%d,%d), this run [%d,%d)", b.Start, b.End(), a.Start, a.End())
	case p.run() != old.run():
		what = fmt.Sprintf("run [%d,%d), this run [%d,%d)", old.run().Lo, old.run().Hi, p.run().Lo, p.run().Hi)
	}
	if what == "" {
		if err := sameStudy(old.Study, p.Study, "the checkpoint", "this run"); err != nil {
			return fmt.Errorf("written by a different run: %w", err)
		}
		h1, err := StudyHash(p.Study)
		if err != nil {
			return err
		}
		h2, err := StudyHash(old.Study)
		if err != nil {
			return err
		}
		if h1 != h2 {
			what = "a different study (hash)"
		}
	}
	if what != "" {
		return fmt.Errorf("%w: written by a different run: %s", ErrIncompatible, what)
	}
	return nil
}

// addRange inserts c into the sorted, disjoint, non-adjacent ranges cs,
// coalescing neighbours. c must not overlap any range of cs.
func addRange(cs []mc.RepRange, c mc.RepRange) []mc.RepRange {
	if c.Lo >= c.Hi {
		return cs
	}
	i, _ := slices.BinarySearchFunc(cs, c.Lo, func(r mc.RepRange, lo uint64) int { return cmp.Compare(r.Lo, lo) })
	cs = slices.Insert(cs, i, c)
	if i+1 < len(cs) && cs[i].Hi == cs[i+1].Lo {
		cs[i].Hi = cs[i+1].Hi
		cs = slices.Delete(cs, i+1, i+2)
	}
	if i > 0 && cs[i-1].Hi == cs[i].Lo {
		cs[i-1].Hi = cs[i].Hi
		cs = slices.Delete(cs, i, i+1)
	}
	return cs
}

// segmentSize returns the number of replications run between two
// checkpoint opportunities: 4·workers blocks, or fewer if that product
// would overflow uint64 (a block size near 2⁶³).
func segmentSize(workers, bs int) uint64 {
	w, b := uint64(max(workers, 1)), uint64(bs)
	if b > math.MaxUint64/(4*w) {
		return b
	}
	return 4 * w * b
}

// blockSize returns the block size cfg runs with.
func blockSize(cfg mc.RunConfig) int {
	if cfg.BlockSize == 0 {
		return mc.DefaultBlockSize
	}
	return cfg.BlockSize
}

// workers returns the number of workers cfg runs with.
func workers(cfg mc.RunConfig) int {
	if cfg.Workers == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return cfg.Workers
}

// numBlocks returns the number of blocks of size b that [start, start+n)
// meets.
func numBlocks(start uint64, n, b int) uint64 {
	if n == 0 {
		return 0
	}
	return (start+uint64(n)-1)/uint64(b) - start/uint64(b) + 1
}
