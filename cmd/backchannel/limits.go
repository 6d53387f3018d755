package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
)

// Limits on the counts the flags accept (docs/OUTPUTS.md, "Limits").
const (
	// MaxReps is the largest --reps: 2⁵³, so that every replication count
	// and index is exact in a JSON number read as a float64.
	MaxReps = 1 << 53
	// MaxBlockSize is the largest --block-size.
	MaxBlockSize = 1 << 30
	// MaxWorkers is the largest --workers.
	MaxWorkers = 4096
	// MaxDesignPoints is the largest number of design points of a sweep
	// (--lhs N, or the product of the grid's levels).
	MaxDesignPoints = 1_000_000
	// minMaxMemoryGiB is the default of --max-memory where the physical
	// memory cannot be read, and its least default.
	minMaxMemoryGiB = 4
)

// defaultMaxMemoryGiB is the default of --max-memory: half the physical
// memory (Linux: MemTotal in /proc/meminfo), at least 4 GiB.
func defaultMaxMemoryGiB() float64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return minMaxMemoryGiB
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb float64
		if n, _ := fmt.Sscanf(line, "MemTotal: %g kB", &kb); n == 1 && kb > 0 {
			return max(minMaxMemoryGiB, math.Round(kb/2/(1<<20)))
		}
	}
	return minMaxMemoryGiB
}

// reportURL is where to report an internal error.
const reportURL = "https://github.com/backchannel-sim/backchannel/issues"

// internalError is the one-line message of a recovered panic.
func internalError(v any) string {
	return fmt.Sprintf("backchannel: internal error (a bug: please report it, with the command line, at %s): %v", reportURL, v)
}

// checkLimits returns a usage error for counts beyond the limits.
func (f *runFlags) checkLimits() error {
	var errs []string
	if f.reps > MaxReps {
		errs = append(errs, fmt.Sprintf("--reps = %d: at most %d (2⁵³)", f.reps, MaxReps))
	}
	if f.blockSize > MaxBlockSize {
		errs = append(errs, fmt.Sprintf("--block-size = %d: at most %d", f.blockSize, MaxBlockSize))
	}
	if f.workers > MaxWorkers {
		errs = append(errs, fmt.Sprintf("--workers = %d: at most %d", f.workers, MaxWorkers))
	}
	if !(f.maxMemGiB > 0) {
		errs = append(errs, fmt.Sprintf("--max-memory = %v: must be > 0 (GiB)", f.maxMemGiB))
	}
	if len(errs) > 0 {
		return usagef("%s", strings.Join(errs, "; "))
	}
	return nil
}

// effectiveWorkers is the number of workers a run of reps replications
// in blocks of bs uses.
func effectiveWorkers(workers, reps, bs int) int {
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	blocks := (reps + bs - 1) / bs
	return max(1, min(workers, blocks))
}

// summaryBytes estimates the memory of one study summary: per arm an event
// table, the count and value accumulators and, with trajectories, three
// bands of horizon × (TrajectoryBins+73) words.
func summaryBytes(s *sim.Study) float64 {
	var b float64
	for _, a := range s.Arms {
		h := float64(a.Scenario.Horizon)
		b += 8*3*(h+2) + 16<<10
		if s.Trajectories {
			b += 3 * 8 * h * float64(sim.TrajectoryBins+73)
		}
	}
	return b
}

// workerBytes estimates one worker's replicator: the constituents and,
// with trajectories, a trajectory buffer per arm.
func workerBytes(s *sim.Study) float64 {
	var b float64
	for _, a := range s.Arms {
		for _, p := range a.Scenario.Parties {
			b += 2 * 8 * float64(p.Constituents.Size)
		}
		b += 8 * 4 * float64(len(a.Scenario.Spoilers)+8)
		if s.Trajectories {
			b += 24 * float64(a.Scenario.Horizon)
		}
	}
	return b
}

// memoryEstimate returns the estimated memory in bytes of running study s
// for reps replications with the flags f, and the flag that lowers the
// largest part.
func memoryEstimate(f *runFlags, s *sim.Study, reps int, keepOutcomes bool) (total float64, parts string) {
	w := effectiveWorkers(f.workers, reps, max(f.blockSize, 1))
	sum := summaryBytes(s)
	engine := float64(4*w+2) * sum
	workers := float64(w) * workerBytes(s)
	total = engine + workers
	parts = fmt.Sprintf("%d summaries of %s (4 per worker: lower --workers, --horizon or the number of --policy arms)", 4*w+2, fmtBytes(sum))
	if keepOutcomes {
		outs := float64(reps) * float64(len(s.Arms)) * float64(unsafe.Sizeof(sim.Outcome{})+8)
		total += outs
		if outs > engine {
			parts = fmt.Sprintf("%s of outcomes kept for --csv (lower --reps or drop --csv)", fmtBytes(outs))
		}
	}
	return total, parts
}

// sweepMemoryEstimate is memoryEstimate for a sweep: one-arm studies
// without trajectories, and every point's summary kept.
func sweepMemoryEstimate(f *runFlags, base *sim.Scenario, points int) (total float64, parts string) {
	s := &sim.Study{Arms: []sim.Arm{{Scenario: base}}}
	w := effectiveWorkers(f.workers, f.reps, max(f.blockSize, 1))
	sum := summaryBytes(s)
	kept := float64(points) * (sum + 1024)
	total = float64(4*w+2)*sum + float64(w)*workerBytes(s) + kept
	parts = fmt.Sprintf("%d design points × %s each (lower --lhs or the number of levels)", points, fmtBytes(sum+1024))
	if kept < total/2 {
		parts = fmt.Sprintf("%d summaries of %s (4 per worker: lower --workers or --horizon)", 4*w+2, fmtBytes(sum))
	}
	return total, parts
}

// checkMemory refuses an estimate above --max-memory.
func (f *runFlags) checkMemory(total float64, parts string) error {
	if limit := f.maxMemGiB * (1 << 30); total > limit {
		return usagef("this run needs about %s of memory, more than --max-memory %g GiB; the largest part: %s; or raise --max-memory",
			fmtBytes(total), f.maxMemGiB, parts)
	}
	return nil
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.3g GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.3g MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.3g KiB", b/(1<<10))
}

// readInput reads a file given on the command line, refusing more than
// limit bytes (an endless input such as /dev/zero ends with this error).
func readInput(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: larger than the limit of %d bytes (%d KiB)", path, limit, limit>>10)
	}
	return data, nil
}

// output is an output path and the flag that named it.
type output struct {
	flag, path string
	dir        bool // path is a directory to create
}

// checkWritable returns a usage error naming the flag of the first output
// that cannot be written, before anything runs: a directory is created
// and a temporary file created and removed in it; a file's directory
// must accept a new file, and the file must not be a directory.
func checkWritable(outs ...output) error {
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		dir := filepath.Dir(o.path)
		if o.dir {
			if err := os.MkdirAll(o.path, 0o755); err != nil {
				return usagef("%s %s: cannot create the directory: %v", o.flag, o.path, unwrapPath(err))
			}
			dir = o.path
		} else if fi, err := os.Stat(o.path); err == nil && fi.IsDir() {
			return usagef("%s %s: is a directory, want a file", o.flag, o.path)
		}
		f, err := os.CreateTemp(dir, ".backchannel-probe-*")
		if err != nil {
			return usagef("%s %s: cannot write in %s: %v (checked before running, so nothing is lost)", o.flag, o.path, dir, unwrapPath(err))
		}
		f.Close()
		os.Remove(f.Name())
	}
	return nil
}

// unwrapPath returns the cause of a *PathError (its path is already in
// the message).
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// saveOrRescue saves a finished (or partial) result with save(path); if
// that fails, it writes it with save to a rescue file in the temporary
// directory, or else to stdout, says where on stderr and returns an
// error (exit 1) naming both, so that a computed result is never lost.
func (c *cli) saveOrRescue(flag, path string, save func(path string) error, write func(w io.Writer) error) error {
	err := save(path)
	if err == nil {
		return nil
	}
	rescue := filepath.Join(os.TempDir(), fmt.Sprintf("backchannel-rescue-%d-%s", os.Getpid(), filepath.Base(path)))
	if rerr := save(rescue); rerr == nil {
		return fmt.Errorf("%s %s: %v; the result was saved to %s instead (move it where you want it)", flag, path, err, rescue)
	}
	fmt.Fprintf(c.stderr, "backchannel: %s %s: %v; writing the result to stdout instead\n", flag, path, err)
	if werr := write(c.stdout); werr != nil {
		return fmt.Errorf("%s %s: %v; writing it to stdout failed too: %v", flag, path, err, werr)
	}
	return fmt.Errorf("%s %s: %v; the result was written to stdout", flag, path, err)
}

// saveStudyPart saves p to path, rescuing it if that fails.
func (c *cli) saveStudyPart(flag, path string, p *results.StudyPart) error {
	return c.saveOrRescue(flag, path, func(path string) error { return results.SaveStudyFile(path, p) },
		func(w io.Writer) error { return results.SaveStudyResult(w, p) })
}

// saveSweepPart saves p to path, rescuing it if that fails.
func (c *cli) saveSweepPart(flag, path string, p *results.SweepPart) error {
	return c.saveOrRescue(flag, path, func(path string) error { return results.SaveSweepFile(path, p) },
		func(w io.Writer) error { return results.SaveSweepResult(w, p) })
}

// checkRunConfig checks that a run of [start, start+n) in blocks of bs
// stays within the engine's index range.
func checkRunConfig(cfg mc.RunConfig) error {
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}
