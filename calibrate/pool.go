package calibrate

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// forEach calls task(worker, i) for every i in [0, n) on up to workers
// goroutines (workers < 1 means runtime.GOMAXPROCS(0)). Indices are handed
// out dynamically, so which worker runs which index varies, and a task must
// therefore write its result to slot i of a preallocated slice and use the
// worker argument only to pick per-worker scratch space. The results are
// then identical for any number of workers.
//
// forEach returns the error of the lowest index that failed among those
// that ran, or ctx.Err() if the context was cancelled before all indices
// ran. After the first failure or cancellation no new index starts.
func forEach(ctx context.Context, n, workers int, task func(worker, i int) error) error {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := task(0, i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next    atomic.Int64
		stop    atomic.Bool
		mu      sync.Mutex
		errIdx  = n
		firstEr error
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if ctx.Err() != nil {
					stop.Store(true)
					return
				}
				if err := task(w, i); err != nil {
					mu.Lock()
					if i < errIdx {
						errIdx, firstEr = i, err
					}
					mu.Unlock()
					stop.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	if firstEr != nil {
		return firstEr
	}
	return ctx.Err()
}
