package results

import "errors"

// ErrCorrupt is returned (wrapped, after "results: ") when a file cannot
// be trusted: it is empty or truncated, fails its checksum, is not of the
// expected schema, has unknown fields or trailing data, or is internally
// inconsistent (ranges, counts, design or study hash). A file that fails
// to load is never used.
var ErrCorrupt = errors.New("corrupt partial-result file")

// ErrIncompatible is returned (wrapped) when parts, or a checkpoint and
// the run resuming from it, come from different model versions, studies,
// seeds, block sizes, runs or designs, or when two parts overlap.
var ErrIncompatible = errors.New("incompatible partial results")

// ErrMissing is returned (wrapped) by the merges when the parts leave
// replications of the run (or design points of the sweep) uncovered; the
// merged part is returned as well, marked partial.
var ErrMissing = errors.New("missing replications")
