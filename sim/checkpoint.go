package sim

import "context"

// RunStudySequential runs the study s in batches until stop.HalfWidth of
// its summary reaches stop.Target, or cfg.Replications (the cap) are done:
// RunSequential with the study's replicators and summaries. As with
// RunStudy, the result does not depend on cfg.Workers, and a cancelled run
// returns the finished replications with an error wrapping ctx.Err().
func RunStudySequential(ctx context.Context, s *Study, cfg RunConfig, stop Sequential[*StudySummary]) (*SequentialResult[RepOutcome, *StudySummary], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return RunSequential(ctx, cfg, stop,
		func() (Replicator[RepOutcome], error) { return s.newReplicator(cfg.KeepOutcomes) },
		s.NewStudySummary)
}
