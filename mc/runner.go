package mc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// DefaultBlockSize is the number of replications in one block when
// RunConfig.BlockSize is zero.
const DefaultBlockSize = 256

// Replicator is one worker's model instance. Run creates one Replicator
// per worker and calls Replicate for each replication the worker claims,
// never concurrently on the same value.
//
// Replicate runs replication rep, drawing every random number from rng,
// which is seeded from (master seed, rep) alone (see ReplicationSeed).
// A Replicator may keep buffers and other state between calls to save
// allocations, but its outcome must depend only on rep and rng, never on
// earlier calls (including calls that failed or panicked); otherwise the
// results depend on the number of workers. Replicate must not keep rng
// after it returns.
type Replicator[O any] interface {
	Replicate(rep uint64, rng *rand.Rand) (O, error)
}

// Stopper is implemented by a Replicator whose replications can be long
// enough that cancellation should reach inside one. Before a run's
// workers start, Run calls SetStop on each such replicator with a
// function that reports, cheaply and safely for concurrent use, whether
// the run has been cancelled. Replicate may poll it (every few dozen
// steps, say) and, once it returns true, abandon the replication and
// return an error wrapping ErrStopped: Run then discards that
// replication (it is neither a failure nor finished) and keeps every
// replication finished before it.
type Stopper interface {
	SetStop(stop func() bool)
}

// ErrStopped is wrapped by the error of a replication abandoned because
// the run was cancelled (see Stopper).
var ErrStopped = errors.New("replication stopped: run cancelled")

// ReplicatorFunc adapts a function to the Replicator interface. A
// ReplicatorFunc is shared by all workers, so it must be safe for
// concurrent use.
type ReplicatorFunc[O any] func(rep uint64, rng *rand.Rand) (O, error)

// Replicate calls f(rep, rng).
func (f ReplicatorFunc[O]) Replicate(rep uint64, rng *rand.Rand) (O, error) {
	return f(rep, rng)
}

// Summary is a streaming, mergeable accumulator of outcomes of type O. S
// is the summary's own type, usually a pointer, as in
//
//	type Count struct{ N, Hits int64 }
//	func (c *Count) Add(rep uint64, o bool)     { c.N++; if o { c.Hits++ } }
//	func (c *Count) Merge(d *Count) error       { c.N += d.N; c.Hits += d.Hits; return nil }
//	func (c *Count) Reset()                     { *c = Count{} }
//
// Add folds the outcome of replication rep into the summary. Merge folds
// other into the receiver without modifying other; it returns an error
// when the two cannot be combined. Reset returns the summary to the state
// of a new one. A single summary is never used by two goroutines at once.
//
// Run folds the replications of each block in index order and merges the
// blocks in block order, so a run's summary is the same for any number of
// workers even when Add and Merge round (floating point). Combining the
// results of shards (RunResult.Merge) or of sequential batches changes
// the merge tree, so those are bit-identical to a single run only when
// Add and Merge are exact (integer or fixed-point sums, counts, min/max).
type Summary[O, S any] interface {
	Add(rep uint64, o O)
	Merge(other S) error
	Reset()
}

// RunConfig says which replications Run performs and how.
type RunConfig struct {
	// Seed is the master seed; replication i draws from
	// rand.NewPCG(ReplicationSeed(Seed, i)).
	Seed uint64
	// Start is the index of the first replication.
	Start uint64
	// Replications is the number of replications, ≥ 0: Run performs
	// [Start, Start+Replications).
	Replications int
	// Workers is the number of goroutines, ≥ 0; zero means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// BlockSize is the number of replications per block, ≥ 0; zero means
	// DefaultBlockSize. Block k covers the absolute indices
	// [k·BlockSize, (k+1)·BlockSize) intersected with the run. Results
	// of runs with different block sizes may differ in rounding.
	BlockSize int
	// KeepOutcomes, if set, keeps every outcome in RunResult.Outcomes.
	// Otherwise memory does not grow with Replications.
	KeepOutcomes bool
	// Progress, if not nil, is called after each block with the number of
	// replications finished so far (including failed ones) and
	// Replications. It is called from the goroutine that called Run, never
	// concurrently, with non-decreasing done.
	Progress func(done, total int)
}

// Validate returns every problem of c joined by errors.Join, or nil.
func (c RunConfig) Validate() error {
	var errs []error
	if c.Replications < 0 {
		errs = append(errs, fmt.Errorf("mc: Replications = %d, want ≥ 0", c.Replications))
	} else if c.Start+uint64(c.Replications) < c.Start {
		errs = append(errs, fmt.Errorf("mc: Start+Replications = %d+%d overflows uint64", c.Start, c.Replications))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("mc: Workers = %d, want ≥ 0", c.Workers))
	}
	if c.BlockSize < 0 {
		errs = append(errs, fmt.Errorf("mc: BlockSize = %d, want ≥ 0", c.BlockSize))
	}
	if len(errs) == 0 && c.Replications > 0 {
		// The blocks a run meets must end within uint64: the last one ends
		// at (⌊(end−1)/b⌋+1)·b.
		b := uint64(c.blockSize())
		if last := (c.Start + uint64(c.Replications) - 1) / b; last+1 > math.MaxUint64/b {
			errs = append(errs, fmt.Errorf("mc: Start+Replications = %d+%d with BlockSize %d: the last block would end past 2⁶⁴−1; lower Start or BlockSize", c.Start, c.Replications, b))
		}
	}
	return errors.Join(errs...)
}

func (c RunConfig) blockSize() int {
	if c.BlockSize == 0 {
		return DefaultBlockSize
	}
	return c.BlockSize
}

func (c RunConfig) workers() int {
	if c.Workers == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return c.Workers
}

// RepRange is the half-open range [Lo, Hi) of replication indices.
type RepRange struct {
	// Lo is the first index, Hi one past the last.
	Lo, Hi uint64
}

// Len returns Hi - Lo.
func (r RepRange) Len() uint64 { return r.Hi - r.Lo }

// Gaps returns the parts of run not in covered (sorted, disjoint ranges).
func Gaps(run RepRange, covered []RepRange) []RepRange {
	var gaps []RepRange
	at := run.Lo
	for _, c := range covered {
		if c.Hi <= at {
			continue
		}
		if c.Lo > at {
			gaps = append(gaps, RepRange{at, min(c.Lo, run.Hi)})
		}
		at = max(at, c.Hi)
		if at >= run.Hi {
			break
		}
	}
	if at < run.Hi {
		gaps = append(gaps, RepRange{Lo: at, Hi: run.Hi})
	}
	return gaps
}

// Failure records a replication that returned an error or panicked. Its
// outcome is left out of the summary.
type Failure struct {
	// Rep is the replication index.
	Rep uint64
	// Seed1 and Seed2 seeded the replication's generator,
	// rand.NewPCG(Seed1, Seed2).
	Seed1, Seed2 uint64
	// Err is the error returned by Replicate, or a *PanicError.
	Err error
}

// Error returns a message naming the replication and its seeds.
func (f Failure) Error() string {
	return fmt.Sprintf("mc: replication %d (seed %#x, %#x): %v", f.Rep, f.Seed1, f.Seed2, f.Err)
}

// Unwrap returns f.Err.
func (f Failure) Unwrap() error { return f.Err }

// PanicError is the error recorded for a replication that panicked.
type PanicError struct {
	// Value is the value passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine (runtime/debug.Stack).
	Stack []byte
}

// Error returns the panic value followed by the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, otherwise nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// RunResult is the outcome of Run over the replications
// [Start, Start+Replications).
type RunResult[O any, S Summary[O, S]] struct {
	// Seed is the master seed.
	Seed uint64
	// Start and Replications give the requested range.
	Start        uint64
	Replications int
	// BlockSize is the block size used.
	BlockSize int
	// Summary holds every successful replication in Covered.
	Summary S
	// Covered lists the finished replications (successful or failed) as
	// sorted, disjoint, non-adjacent ranges. It is [Start, End()) unless
	// Partial.
	Covered []RepRange
	// Done is the number of finished replications, the total length of
	// Covered.
	Done int
	// Failures lists the failed replications in index order.
	Failures []Failure
	// Outcomes, if KeepOutcomes was set, has length Replications and
	// holds the outcome of replication Start+i at index i; entries of
	// failed or unfinished replications are zero.
	Outcomes []O
	// Partial reports that the run was cancelled before every
	// replication finished.
	Partial bool
}

// End returns Start + Replications.
func (r *RunResult[O, S]) End() uint64 { return r.Start + uint64(r.Replications) }

// Succeeded returns the number of replications in the summary.
func (r *RunResult[O, S]) Succeeded() int { return r.Done - len(r.Failures) }

// Merge appends the result of the adjacent shard other, which must have
// the same Seed and BlockSize and start where r ends, to r. r.Summary
// merges other.Summary; other is not modified. When the summary's Merge
// is exact, merging the results of [a,b) and [b,c) gives the result of
// [a,c) (see Summary). If Merge returns an error, r is unchanged unless
// the error comes from the summary's Merge.
func (r *RunResult[O, S]) Merge(other *RunResult[O, S]) error {
	switch {
	case r.Seed != other.Seed:
		return fmt.Errorf("mc: merge: seeds differ (%#x, %#x)", r.Seed, other.Seed)
	case r.BlockSize != other.BlockSize:
		return fmt.Errorf("mc: merge: block sizes differ (%d, %d)", r.BlockSize, other.BlockSize)
	case (r.Outcomes == nil) != (other.Outcomes == nil) && r.Replications > 0 && other.Replications > 0:
		return errors.New("mc: merge: only one result kept its outcomes")
	case other.Replications == 0:
		return nil
	case r.Replications > 0 && other.Start < r.End() && r.Start < other.End():
		return fmt.Errorf("mc: merge: ranges [%d,%d) and [%d,%d) overlap", r.Start, r.End(), other.Start, other.End())
	case r.Replications > 0 && other.End() <= r.Start:
		return fmt.Errorf("mc: merge: [%d,%d) precedes [%d,%d); merge in index order", other.Start, other.End(), r.Start, r.End())
	case r.Replications > 0 && other.Start != r.End():
		return fmt.Errorf("mc: merge: gap between [%d,%d) and [%d,%d)", r.Start, r.End(), other.Start, other.End())
	}
	if err := r.Summary.Merge(other.Summary); err != nil {
		return fmt.Errorf("mc: merge: %w", err)
	}
	if r.Replications == 0 {
		r.Start = other.Start
	}
	r.Replications += other.Replications
	for _, c := range other.Covered {
		r.cover(c)
	}
	r.Done += other.Done
	r.Failures = append(r.Failures, other.Failures...)
	if other.Outcomes != nil {
		r.Outcomes = append(r.Outcomes, other.Outcomes...)
	}
	r.Partial = r.Partial || other.Partial
	return nil
}

// cover appends c, which must not precede any covered range, to Covered.
func (r *RunResult[O, S]) cover(c RepRange) {
	if c.Lo == c.Hi {
		return
	}
	if n := len(r.Covered); n > 0 && r.Covered[n-1].Hi == c.Lo {
		r.Covered[n-1].Hi = c.Hi
		return
	}
	r.Covered = append(r.Covered, c)
}

// Run performs the replications [cfg.Start, cfg.Start+cfg.Replications)
// of the model built by newReplicator on cfg.Workers goroutines and folds
// their outcomes into a summary built by newSummary.
//
// Replication i draws from rand.NewPCG(ReplicationSeed(cfg.Seed, i)), and
// outcomes are folded into block summaries in index order and blocks into
// the total in block order, so the result is bit-identical for any number
// of workers. Workers claim whole blocks with one atomic add; at most
// 4·Workers blocks are in flight (claimed and not yet merged; the slack
// lets workers run ahead of a descheduled one), so memory is 4·Workers+1
// summaries plus per-block failure lists, whatever the number of
// replications (unless cfg.KeepOutcomes).
//
// newReplicator is called once per worker and newSummary once per block
// buffer plus once for the total, all from the calling goroutine. A
// replication that returns an error or panics is recorded in Failures and
// the run goes on.
//
// If ctx is cancelled, each worker stops after its current replication
// (or abandons it, if its Replicator is a Stopper) and Run returns the finished replications, Partial set and Covered
// recording exactly which, together with an error wrapping ctx.Err().
// Run returns a nil result only for an invalid configuration, a nil
// context or constructor, or when newReplicator fails.
func Run[O any, S Summary[O, S]](ctx context.Context, cfg RunConfig, newReplicator func() (Replicator[O], error), newSummary func() S) (*RunResult[O, S], error) {
	if err := checkArgs(ctx, newReplicator, newSummary); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	res := newRunResult[O](cfg, newSummary)
	e, err := newEngine(cfg.workers(), numBlocks(cfg.Start, cfg.Replications, res.BlockSize), newReplicator, newSummary)
	if err != nil {
		return nil, fmt.Errorf("mc: %w", err)
	}
	if err := e.run(ctx, cfg, res, 0, cfg.Replications); err != nil {
		return res, fmt.Errorf("mc: %w", err)
	}
	return res, nil
}

// checkArgs returns an error naming a nil context or constructor.
func checkArgs[O any, S any](ctx context.Context, newReplicator func() (Replicator[O], error), newSummary func() S) error {
	var errs []error
	if ctx == nil {
		errs = append(errs, errors.New("mc: nil context (use context.Background())"))
	}
	if newReplicator == nil {
		errs = append(errs, errors.New("mc: nil newReplicator function"))
	}
	if newSummary == nil {
		errs = append(errs, errors.New("mc: nil newSummary function"))
	}
	return errors.Join(errs...)
}

func newRunResult[O any, S Summary[O, S]](cfg RunConfig, newSummary func() S) *RunResult[O, S] {
	res := &RunResult[O, S]{
		Seed:      cfg.Seed,
		Start:     cfg.Start,
		BlockSize: cfg.blockSize(),
		Summary:   newSummary(),
	}
	if cfg.KeepOutcomes {
		res.Outcomes = []O{}
	}
	return res
}

// numBlocks returns the number of blocks of size b that [start, start+n)
// meets.
func numBlocks(start uint64, n, b int) uint64 {
	if n == 0 {
		return 0
	}
	return (start+uint64(n)-1)/uint64(b) - start/uint64(b) + 1
}

// Replay reruns replication rep of a run with master seed master on r,
// with the generator Run would have given it. A panic is returned as a
// *PanicError.
func Replay[O any](master, rep uint64, r Replicator[O]) (O, error) {
	return replicate(r, rep, ReplicationRand(master, rep))
}

// replicate calls r.Replicate, turning a panic into a *PanicError.
func replicate[O any](r Replicator[O], rep uint64, rng *rand.Rand) (o O, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return r.Replicate(rep, rng)
}

// ShardRange returns shard i of n contiguous shards that partition
// [0, total): shard i is [start, start+count), and counts differ by at
// most one, larger shards first. It panics unless 0 ≤ i < n and
// total ≥ 0.
func ShardRange(i, n, total int) (start uint64, count int) {
	if n <= 0 || i < 0 || i >= n || total < 0 {
		panic(fmt.Sprintf("mc: ShardRange(%d, %d, %d): want 0 ≤ i < n and total ≥ 0", i, n, total))
	}
	q, r := total/n, total%n
	return uint64(i*q + min(i, r)), q + boolInt(i < r)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// block is one block's buffer: a reusable summary and failure list.
type block[O any, S Summary[O, S]] struct {
	i      uint64 // block number within the run, from 0
	lo, hi uint64 // replications of the block
	done   uint64 // [lo, done) finished
	sum    S
	fails  []Failure
}

// engine holds what survives between the runs of one study: one
// replicator per worker and the block buffers.
type engine[O any, S Summary[O, S]] struct {
	reps  []Replicator[O]
	slots []*block[O, S]
}

// newEngine builds min(workers, maxBlocks) replicators (at least one) and
// four times as many block buffers.
func newEngine[O any, S Summary[O, S]](workers int, maxBlocks uint64, newReplicator func() (Replicator[O], error), newSummary func() S) (*engine[O, S], error) {
	w := uint64(max(workers, 1))
	if maxBlocks < w {
		w = max(maxBlocks, 1)
	}
	e := &engine[O, S]{reps: make([]Replicator[O], w), slots: make([]*block[O, S], 4*w)}
	for i := range e.reps {
		r, err := newReplicator()
		if err != nil {
			return nil, fmt.Errorf("new replicator: %w", err)
		}
		if r == nil {
			return nil, errors.New("new replicator returned nil")
		}
		e.reps[i] = r
	}
	for i := range e.slots {
		e.slots[i] = &block[O, S]{sum: newSummary()}
	}
	return e, nil
}

// job is the shared state of one call of engine.run.
type job[O any, S Summary[O, S]] struct {
	seed     uint64
	start    uint64 // first replication
	end      uint64 // one past the last
	bsize    uint64
	k0       uint64 // absolute number of the first block
	nblocks  uint64
	next     atomic.Uint64 // next block number to claim
	stop     atomic.Bool
	free     chan *block[O, S]
	results  chan *block[O, S]
	outcomes []O // nil unless outcomes are kept; index rep-start
	keepOuts bool
}

// run performs replications [cfg.Start+off, cfg.Start+off+n), appending
// them to res, whose range must end there; res.Summary is the total the
// blocks merge into. Progress reports done+off out of cfg.Replications.
func (e *engine[O, S]) run(ctx context.Context, cfg RunConfig, res *RunResult[O, S], off, n int) error {
	start := cfg.Start + uint64(off)
	b := uint64(res.BlockSize)
	j := &job[O, S]{
		seed:    cfg.Seed,
		start:   start,
		end:     start + uint64(n),
		bsize:   b,
		k0:      start / b,
		nblocks: numBlocks(start, n, res.BlockSize),
		free:    make(chan *block[O, S], len(e.slots)),
		results: make(chan *block[O, S], len(e.slots)),
	}
	if cfg.KeepOutcomes {
		j.keepOuts = true
		res.Outcomes = append(res.Outcomes, make([]O, n)...)
		j.outcomes = res.Outcomes[len(res.Outcomes)-n:]
	}
	res.Replications += n
	if n == 0 {
		return nil
	}
	for _, s := range e.slots {
		j.free <- s
	}
	if ctx.Err() != nil {
		j.stop.Store(true)
	}
	stopWatch := context.AfterFunc(ctx, func() { j.stop.Store(true) })
	defer stopWatch()
	for _, r := range e.reps {
		if s, ok := r.(Stopper); ok {
			s.SetStop(j.stop.Load)
		}
	}

	nw := min(uint64(len(e.reps)), j.nblocks)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() { j.work(e.reps[w]) })
	}
	go func() {
		wg.Wait()
		close(j.results)
	}()

	// Reorder buffer: block i waits in pending[i % len] until every
	// earlier block has been merged. At most len(e.slots) blocks are
	// claimed and not merged, so positions never collide.
	pending := make([]*block[O, S], len(e.slots))
	var merged uint64
	done := off
	var mergeErr error
	for blk := range j.results {
		done += int(blk.done - blk.lo)
		if cfg.Progress != nil {
			cfg.Progress(done, cfg.Replications)
		}
		pending[blk.i%uint64(len(pending))] = blk
		for {
			p := &pending[merged%uint64(len(pending))]
			if *p == nil || (*p).i != merged {
				break
			}
			blk := *p
			*p = nil
			if mergeErr == nil {
				if err := res.Summary.Merge(blk.sum); err != nil {
					mergeErr = fmt.Errorf("merge block [%d,%d): %w", blk.lo, blk.hi, err)
					j.stop.Store(true)
				} else {
					res.cover(RepRange{Lo: blk.lo, Hi: blk.done})
					res.Done += int(blk.done - blk.lo)
					res.Failures = append(res.Failures, blk.fails...)
				}
			}
			blk.sum.Reset()
			clear(blk.fails)
			blk.fails = blk.fails[:0]
			merged++
			j.free <- blk
		}
	}
	if mergeErr != nil {
		res.Partial = true
		return mergeErr
	}
	if res.Done < off+n {
		res.Partial = true
		err := ctx.Err()
		if err == nil {
			err = context.Canceled
		}
		return fmt.Errorf("run stopped after %d of %d replications: %w", res.Done, res.Replications, err)
	}
	return nil
}

// work is one worker's loop: take a free buffer, claim the next block,
// run its replications, hand it to the coordinator.
func (j *job[O, S]) work(r Replicator[O]) {
	var pcg rand.PCG
	rng := rand.New(&pcg)
	for !j.stop.Load() {
		blk := <-j.free
		i := j.next.Add(1) - 1
		if i >= j.nblocks {
			j.free <- blk
			return
		}
		// From here the block must reach the coordinator, even empty:
		// later blocks wait for it in the reorder buffer.
		blk.i = i
		blk.lo = max(j.start, (j.k0+i)*j.bsize)
		blk.hi = min(j.end, (j.k0+i+1)*j.bsize)
		blk.done = blk.lo
		for rep := blk.lo; rep < blk.hi; rep++ {
			if j.stop.Load() {
				break
			}
			s1, s2 := ReplicationSeed(j.seed, rep)
			pcg.Seed(s1, s2)
			o, err := replicate(r, rep, rng)
			if err != nil && errors.Is(err, ErrStopped) && j.stop.Load() {
				break // abandoned by a cancelled run: neither finished nor failed
			}
			if err != nil {
				blk.fails = append(blk.fails, Failure{Rep: rep, Seed1: s1, Seed2: s2, Err: err})
			} else {
				blk.sum.Add(rep, o)
				if j.keepOuts {
					j.outcomes[rep-j.start] = o
				}
			}
			blk.done = rep + 1
		}
		j.results <- blk
	}
}
