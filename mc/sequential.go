package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// DefaultBatchSize is the batch size of RunSequential when
// Sequential.BatchSize is zero (rounded up to a multiple of the block
// size).
const DefaultBatchSize = 1024

// Sequential is a stopping rule for RunSequential: run batches until
// HalfWidth of the summary is at most Target, or the replication cap is
// reached.
type Sequential[S any] struct {
	// BatchSize is the number of replications between checks, a multiple
	// of the run's block size; zero means DefaultBatchSize rounded up to
	// a multiple of the block size. Batches end at absolute multiples of
	// BatchSize, so a run not starting at one has a shorter first batch.
	BatchSize int
	// MinReplications is the number of replications done before the
	// first check may stop the run, ≥ 0.
	MinReplications int
	// Target is the half-width to reach, ≥ 0.
	Target float64
	// HalfWidth returns the current half-width of the quantity of
	// interest, for example 1.96 standard errors of a mean. NaN (too few
	// replications) never stops the run.
	HalfWidth func(S) float64
}

// SequentialResult is the result of RunSequential.
type SequentialResult[O any, S Summary[O, S]] struct {
	// RunResult covers [Start, Start+Replications), the replications
	// done before stopping.
	*RunResult[O, S]
	// HalfWidth is the half-width at the last check.
	HalfWidth float64
	// Converged reports that HalfWidth reached the target.
	Converged bool
	// Batches is the number of batches run.
	Batches int
}

// RunSequential runs replications from cfg.Start in batches until
// stop.HalfWidth(summary) ≤ stop.Target after at least
// stop.MinReplications replications, or until cfg.Replications (the cap)
// are done. The criterion is checked only at batch ends, which depend on
// the batch size and cfg.Start alone, so the stopping point, like the
// result, does not depend on the number of workers. The result equals
// that of Run over the replications done.
//
// Workers and their replicators are built once and reused across
// batches. If ctx is cancelled, the partial result is returned with an
// error wrapping ctx.Err().
func RunSequential[O any, S Summary[O, S]](ctx context.Context, cfg RunConfig, stop Sequential[S], newReplicator func() (Replicator[O], error), newSummary func() S) (*SequentialResult[O, S], error) {
	if err := checkArgs(ctx, newReplicator, newSummary); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	bs := cfg.blockSize()
	batch := stop.BatchSize
	if batch == 0 {
		batch = (DefaultBatchSize + bs - 1) / bs * bs
	}
	var errs []error
	if batch < 0 || batch%bs != 0 {
		errs = append(errs, fmt.Errorf("mc: BatchSize = %d, want a positive multiple of the block size %d", stop.BatchSize, bs))
	}
	if stop.MinReplications < 0 {
		errs = append(errs, fmt.Errorf("mc: MinReplications = %d, want ≥ 0", stop.MinReplications))
	}
	if math.IsNaN(stop.Target) || stop.Target < 0 {
		errs = append(errs, fmt.Errorf("mc: Target = %v, want ≥ 0", stop.Target))
	}
	if stop.HalfWidth == nil {
		errs = append(errs, errors.New("mc: HalfWidth is nil"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	res := newRunResult[O](cfg, newSummary)
	out := &SequentialResult[O, S]{RunResult: res, HalfWidth: math.NaN()}
	e, err := newEngine(cfg.workers(), uint64(batch/bs), newReplicator, newSummary)
	if err != nil {
		return nil, fmt.Errorf("mc: %w", err)
	}
	b := uint64(batch)
	for off := 0; off < cfg.Replications; {
		start := cfg.Start + uint64(off)
		n := int(min(uint64(cfg.Replications-off), (start/b+1)*b-start))
		err := e.run(ctx, cfg, res, off, n)
		out.Batches++
		off += n
		if err != nil {
			return out, fmt.Errorf("mc: %w", err)
		}
		out.HalfWidth = stop.HalfWidth(res.Summary)
		if off >= stop.MinReplications && out.HalfWidth <= stop.Target {
			out.Converged = true
			break
		}
	}
	return out, nil
}
