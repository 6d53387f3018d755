package sim

import "github.com/backchannel-sim/backchannel/internal/check"

// FieldError is one invalid parameter, as returned (joined with the
// others) by Scenario.Validate, Study.Validate and ValidateSweep:
//
//	Path    string // the field's path in the scenario file, for example "parties[1].constituents.size"
//	Value   any    // the value given
//	Allowed string // the allowed range, for example "in [0, 1]"
//
// Its message is "Path = Value: must be Allowed". Find one with errors.As:
//
//	var fe *sim.FieldError
//	if errors.As(err, &fe) { ... fe.Path ... }
//
// Validation of the agents' parameters (package agents) returns the same
// type, so one errors.As finds a problem at any depth.
type FieldError = check.FieldError
