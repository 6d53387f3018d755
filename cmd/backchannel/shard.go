package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/mc"
	"github.com/backchannel-sim/backchannel/results"
	"github.com/backchannel-sim/backchannel/sim"
)

func (o *runOpts) register(fs *flag.FlagSet) {
	fs.StringVar(&o.shard, "shard", "", "run only shard `I/N` (0 ≤ I < N) of the replications, or \"auto\" (Slurm array / Kubernetes indexed job); needs --save")
	fs.IntVar(&o.shardCount, "shard-count", 0, "number of shards `N` for --shard I or --shard auto (default: BACKCHANNEL_SHARDS, else SLURM_ARRAY_TASK_COUNT)")
	fs.StringVar(&o.save, "save", "", "write the (partial) result to `FILE` (backchannel.partial/v2) for \"backchannel merge\"")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "save finished blocks to `FILE` periodically and resume from it if it exists")
	fs.DurationVar(&o.checkpointInterval, "checkpoint-interval", results.DefaultCheckpointInterval, "with --checkpoint, save at least this often (`DURATION`; 0: only by --checkpoint-blocks)")
	fs.IntVar(&o.checkpointBlocks, "checkpoint-blocks", 0, "with --checkpoint, also save after every `K` finished blocks (0: only by time)")
}

func (o *runOpts) sharded() bool { return o.shard != "" }

func numCPU() int { return runtime.NumCPU() }

// resolveShard returns the shard index and count of --shard I/N, --shard I
// --shard-count N, or --shard auto:
//
//	Slurm:      I = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (MIN default 0)
//	Kubernetes: I = JOB_COMPLETION_INDEX
//	N = --shard-count, else BACKCHANNEL_SHARDS, else SLURM_ARRAY_TASK_COUNT
func (c *cli) resolveShard(o *runOpts) (i, n int, err error) {
	envInt := func(name string) (int, bool, error) {
		v := strings.TrimSpace(c.getenv(name))
		if v == "" {
			return 0, false, nil
		}
		x, err := strconv.Atoi(v)
		if err != nil {
			return 0, false, usagef("--shard auto: %s=%q is not an integer", name, v)
		}
		return x, true, nil
	}
	n = o.shardCount
	envShards, haveEnv, err := envInt("BACKCHANNEL_SHARDS")
	if err != nil {
		return 0, 0, err
	}
	if n > 0 && haveEnv && envShards != n {
		return 0, 0, usagef("--shard-count %d disagrees with BACKCHANNEL_SHARDS=%d", n, envShards)
	}
	if n == 0 && haveEnv {
		n = envShards
	}
	switch spec := o.shard; {
	case spec == "auto":
		if id, ok, err := envInt("SLURM_ARRAY_TASK_ID"); err != nil {
			return 0, 0, err
		} else if ok {
			lo, _, err := envInt("SLURM_ARRAY_TASK_MIN")
			if err != nil {
				return 0, 0, err
			}
			i = id - lo
			if n == 0 {
				cnt, ok, err := envInt("SLURM_ARRAY_TASK_COUNT")
				if err != nil {
					return 0, 0, err
				}
				if !ok {
					return 0, 0, usagef("--shard auto: SLURM_ARRAY_TASK_COUNT unset; give --shard-count or BACKCHANNEL_SHARDS")
				}
				n = cnt
			}
		} else if idx, ok, err := envInt("JOB_COMPLETION_INDEX"); err != nil {
			return 0, 0, err
		} else if ok {
			i = idx
			if n == 0 {
				return 0, 0, usagef("--shard auto on Kubernetes (JOB_COMPLETION_INDEX=%d) needs --shard-count N (= the Job's completions) or BACKCHANNEL_SHARDS", idx)
			}
		} else {
			return 0, 0, usagef("--shard auto: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor JOB_COMPLETION_INDEX (Kubernetes indexed Job) is set")
		}
	default:
		is, ns, hasN := strings.Cut(spec, "/")
		x, err := strconv.Atoi(is)
		if err != nil {
			return 0, 0, usagef("--shard %q: want I/N, I with --shard-count N, or auto", spec)
		}
		i = x
		if hasN {
			y, err := strconv.Atoi(ns)
			if err != nil {
				return 0, 0, usagef("--shard %q: want I/N", spec)
			}
			if n > 0 && y != n {
				return 0, 0, usagef("--shard %s disagrees with the shard count %d (--shard-count or BACKCHANNEL_SHARDS)", spec, n)
			}
			n = y
		}
		if n == 0 {
			return 0, 0, usagef("--shard %s: give the shard count as --shard I/N or --shard-count N", spec)
		}
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, usagef("shard index %d outside 0..%d (shard count %d)", i, n-1, n)
	}
	return i, n, nil
}

// runShard runs shard I of N of [0, --reps) and saves it to --save (a
// checkpoint, if given, makes it resumable). It writes no table, JSON or
// output directory: "backchannel merge" does, from all the shards.
func (c *cli) runShard(f *runFlags, o *runOpts, s *sim.Study) error {
	switch {
	case o.save == "":
		return usagef("--shard needs --save FILE (the shard's result, for backchannel merge)")
	case o.precision > 0:
		return usagef("--shard and --precision cannot be combined (the shards would stop at different points)")
	case f.csv:
		return usagef("--shard and --csv cannot be combined (shard files hold summaries, not outcomes)")
	}
	i, n, err := c.resolveShard(o)
	if err != nil {
		return err
	}
	start, count := mc.ShardRange(i, n, f.reps)
	if err := f.checkMemory(memoryEstimate(f, s, count, false)); err != nil {
		return err
	}
	if err := checkWritable(output{"--save", o.save, false}, output{"--checkpoint", o.checkpoint, false}); err != nil {
		return err
	}
	cfg := mc.RunConfig{Seed: f.seed, Start: start, Replications: count, Workers: f.workers, BlockSize: f.blockSize}
	bar := c.progressFunc(f, "replications")
	cfg.Progress = bar.update
	t0 := c.now()
	part := &results.StudyPart{Study: s, Run: mc.RepRange{Lo: 0, Hi: uint64(f.reps)}, Shard: i, Shards: n, ModelVersion: sim.ModelVersion}
	if o.checkpoint != "" {
		var resumed int
		part, resumed, err = results.RunStudyCheckpointed(c.ctx, s, cfg, c.checkpointConfig(f, o, part))
		err = checkpointHint(err)
		c.resumedNote(o, resumed)
	} else {
		part.Result, err = sim.RunStudy(c.ctx, s, cfg)
	}
	bar.finish()
	if part == nil || part.Result == nil {
		return classifyRunError(err)
	}
	var runErr error
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		runErr, err = err, nil // still save what was computed
	}
	if serr := c.saveStudyPart("--save", o.save, part); serr != nil {
		return errors.Join(runErr, serr)
	}
	if runErr != nil {
		return fmt.Errorf("%w; the %d replications finished were saved to %s", runErr, part.Result.Done, o.save)
	}
	res := part.Result
	c.timing(f, t0, res.Done, len(s.Arms))
	state := "done"
	if res.Partial {
		state = "PARTIAL"
	}
	fmt.Fprintf(c.stderr, "backchannel: shard %d/%d: replications [%d,%d) of [0,%d): %d %s -> %s\n",
		i, n, res.Start, res.End(), f.reps, res.Done, state, o.save)
	return interrupted(err, res)
}

func (c *cli) checkpointConfig(f *runFlags, o *runOpts, p *results.StudyPart) results.Checkpoint {
	cp := results.Checkpoint{Path: o.checkpoint, EveryBlocks: o.checkpointBlocks, Interval: o.checkpointInterval,
		Run: p.Run, Shard: p.Shard, Shards: p.Shards}
	if o.checkpointInterval == 0 && o.checkpointBlocks == 0 {
		cp.EveryBlocks = 1
	}
	if c.showProgress(f) {
		// On its own line: the progress bar redraws the current one.
		cp.OnSave = func(done int) {
			fmt.Fprintf(c.stderr, "\nbackchannel: checkpoint saved: %d replications\n", done)
		}
	}
	return cp
}

func (c *cli) resumedNote(o *runOpts, resumed int) {
	if resumed > 0 {
		fmt.Fprintf(c.stderr, "backchannel: resumed from checkpoint %s: %d replications already done\n", o.checkpoint, resumed)
	}
}

// runCheckpointed runs [0, --reps) with a checkpoint file.
func (c *cli) runCheckpointed(f *runFlags, o *runOpts, s *sim.Study, cfg mc.RunConfig) (*sim.StudyResult, error) {
	if cfg.KeepOutcomes {
		return nil, usagef("--csv and --checkpoint cannot be combined")
	}
	part := &results.StudyPart{Run: mc.RepRange{Lo: 0, Hi: uint64(f.reps)}}
	part, resumed, err := results.RunStudyCheckpointed(c.ctx, s, cfg, c.checkpointConfig(f, o, part))
	err = checkpointHint(err)
	c.resumedNote(o, resumed)
	if part == nil {
		return nil, err
	}
	return part.Result, err
}

// saveWhole writes the result of a whole (unsharded) run to --save.
func (c *cli) saveWhole(o *runOpts, s *sim.Study, res *sim.StudyResult) error {
	if o.save == "" {
		return nil
	}
	return c.saveStudyPart("--save", o.save, &results.StudyPart{Study: s, Result: res, ModelVersion: sim.ModelVersion})
}

// checkpointHint adds what to do to the error of a checkpoint written by
// a different run.
func checkpointHint(err error) error {
	if errors.Is(err, results.ErrIncompatible) {
		return fmt.Errorf("%w; delete it or rerun with its flags", err)
	}
	return err
}
