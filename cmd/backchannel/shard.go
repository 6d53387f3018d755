package main

import (
	"errors"
	"flag"
	"runtime"

	"github.com/backchannel-sim/backchannel/sim"
)

func (o *runOpts) register(fs *flag.FlagSet) {}

func (o *runOpts) sharded() bool { return false }

func (c *cli) runShard(f *runFlags, o *runOpts, s *sim.Study) error {
	return errors.New("not implemented")
}

func (c *cli) runCheckpointed(f *runFlags, o *runOpts, s *sim.Study, cfg sim.RunConfig) (*sim.StudyResult, error) {
	return nil, errors.New("not implemented")
}

func numCPU() int { return runtime.NumCPU() }
