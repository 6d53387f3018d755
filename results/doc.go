// Package results saves, loads, merges and checkpoints the exact results
// of studies and sweeps (package sim), so that shards run on different
// machines, or a run killed and resumed, give the same bytes as one
// uninterrupted run.
//
// Every file is one envelope, {"schema", "sha256", "body"}: the schema
// names the format (PartialSchema for a study's part, SweepPartialSchema
// for a sweep's; docs/OUTPUTS.md), sha256 is the SHA-256 of the body's
// bytes, and the body is decoded strictly (unknown fields, trailing data
// or inconsistent counts are errors). Files are written atomically
// (temporary file, sync, rename), so a path always holds a complete file.
//
// Errors wrap the sentinel errors ErrCorrupt (a file that cannot be
// trusted), ErrIncompatible (parts of different runs) and ErrMissing
// (parts that leave replications or design points uncovered), for
// errors.Is. The package never prints, logs or exits.
package results
