package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/internal/check"
	"go.yaml.in/yaml/v3"
)

// ModelVersion identifies the model's equations and defaults. Any change that
// moves a result for a fixed seed bumps it (and the golden files), so that a
// published result can be reproduced by version.
const ModelVersion = "2.0.0"

// Scenario holds every parameter of a negotiation. One round is one week.
// Shares are fractions of the negotiated surplus in [0,1]. Every field is
// documented with its default and allowed range; Validate checks them all.
// Scenarios marshal to and from JSON and YAML (snake_case keys); unknown keys
// are an error (see ParseScenario).
type Scenario struct {
	// Name labels the scenario in outputs.
	Name string `json:"name" yaml:"name"`
	// Horizon is the number of rounds simulated; a replication still
	// undecided then ends in Impasse (censored). Default 520 (ten years);
	// range [1, 100000].
	Horizon int `json:"horizon" yaml:"horizon"`
	// Policy names the channel policy for single runs: "front-only",
	// "back-only", "back-then-front[=T]", "reliance=P" or "parallel".
	// Default "back-then-front". The command's run compares the built-in
	// policies unless given --policy scenario (this policy alone); sweep
	// and compare use it unless given --policy.
	Policy string `json:"policy" yaml:"policy"`
	// Parties are the two sides (index 0 is side A, 1 is side B). In a
	// scenario file each listed party edits the default party at the same
	// index, and a list of one edits side A only (write {} first to edit
	// side B only).
	Parties []Party `json:"parties" yaml:"parties"`
	// Talks governs opening, bargaining, breakdown and collapse.
	Talks TalksParams `json:"talks" yaml:"talks"`
	// Leaks governs the exposure of secret channels.
	Leaks LeakParams `json:"leaks" yaml:"leaks"`
	// Ratification governs the two-sided vote on a tentative deal.
	Ratification RatificationParams `json:"ratification" yaml:"ratification"`
	// Spoilers are the spoiler factions (any number, each tied to a party).
	// In a scenario file a spoilers list replaces the default factions
	// (it does not edit them): list every faction to run; each starts from
	// the default faction (agents.DefaultSpoilerParams).
	Spoilers []agents.SpoilerParams `json:"spoilers" yaml:"spoilers"`
	// Mediator is the optional third party.
	Mediator agents.MediatorParams `json:"mediator" yaml:"mediator"`
}

// Party is one side: its negotiator and its constituency.
type Party struct {
	// Name labels the side in outputs.
	Name string `json:"name" yaml:"name"`
	// Negotiator holds the leader's or envoy's parameters.
	Negotiator agents.NegotiatorParams `json:"negotiator" yaml:"negotiator"`
	// Constituents holds the population's parameters.
	Constituents agents.ConstituencyParams `json:"constituents" yaml:"constituents"`
	// RatifyThreshold is the share of constituents whose acceptance
	// ratifies a deal (0.5 majority; 0.6-0.67 a supermajority; Putnam 1988).
	// Default 0.5; range [0,1].
	RatifyThreshold float64 `json:"ratify_threshold" yaml:"ratify_threshold"`
}

// TalksParams govern the life of a negotiation channel.
type TalksParams struct {
	// OpenRate scales the per-round probability of (re)opening talks,
	// OpenRate·R_A·R_B with R the parties' readiness. Default 0.1; [0,1].
	OpenRate float64 `json:"open_rate" yaml:"open_rate"`
	// FrontMinTrust is the precondition for public talks: both sides'
	// trust must reach it. A back channel bypasses it. Default 0.35; [0,1].
	FrontMinTrust float64 `json:"front_min_trust" yaml:"front_min_trust"`
	// CommitTrust is the mutual trust needed to commit to a tentative deal.
	// Default 0.35; [0,1].
	CommitTrust float64 `json:"commit_trust" yaml:"commit_trust"`
	// EnvoyCommitBonus lowers CommitTrust in an unexposed secret channel by
	// bonus × mean envoy authority. Default 0.1; [0, CommitTrust].
	EnvoyCommitBonus float64 `json:"envoy_commit_bonus" yaml:"envoy_commit_bonus"`
	// ConcessionRef is the change in a stated demand that counts as a
	// full-strength trust event. Default 0.005; (0,1].
	ConcessionRef float64 `json:"concession_ref" yaml:"concession_ref"`
	// DealTolerance: a tentative deal is struck when the stated demands
	// leave a gap of at most this much (s_A + s_B ≤ 1 + tolerance): the
	// parties split the difference (Pruitt 1981). Default 0.02; [0, 0.5].
	DealTolerance float64 `json:"deal_tolerance" yaml:"deal_tolerance"`
	// BeliefDrift q is the per-round variance by which a negotiator allows
	// the other side's reservation to drift when learning it (Kalman filter
	// process noise). Default 0.00001; [0, 0.01].
	BeliefDrift float64 `json:"belief_drift" yaml:"belief_drift"`
	// ParallelConsistency is the share of the audience pressure of the
	// public table that also weighs on the concessions at the secret table
	// while both run (the two tables must stay consistent). Default 0.3;
	// [0,1].
	ParallelConsistency float64 `json:"parallel_consistency" yaml:"parallel_consistency"`
	// ContinueBias is the intercept of the parties' logit choice, after a
	// secret channel is exposed, between going on (another back channel,
	// public talks or the exposed channel, as the policy says) and breaking
	// talks off. Default 1.5; [-20, 20].
	ContinueBias float64 `json:"continue_bias" yaml:"continue_bias"`
	// ContinueTrust weighs mean trust − ½ in that choice. Default 4; [0, 100].
	ContinueTrust float64 `json:"continue_trust" yaml:"continue_trust"`
	// ContinueReadiness weighs mean readiness − ½ (costs of no deal).
	// Default 3; [0, 100].
	ContinueReadiness float64 `json:"continue_readiness" yaml:"continue_readiness"`
	// ContinueApproval weighs mean approval − ½ (the leaders' political
	// capital). Default 2; [0, 100].
	ContinueApproval float64 `json:"continue_approval" yaml:"continue_approval"`
	// ContinueExposures weighs the number of earlier exposures (a record of
	// burnt channels). Default 0.7; [0, 100].
	ContinueExposures float64 `json:"continue_exposures" yaml:"continue_exposures"`
	// BreakdownTrust: talks break down when either side's trust falls
	// below it (after MinTalkRounds). Default 0.08; < CommitTrust.
	BreakdownTrust float64 `json:"breakdown_trust" yaml:"breakdown_trust"`
	// BreakdownHazard is the base per-round breakdown probability.
	// Default 0.002; [0,1].
	BreakdownHazard float64 `json:"breakdown_hazard" yaml:"breakdown_hazard"`
	// PosturingBreakdown ζ multiplies the breakdown hazard by
	// 1 + ζ·pressure·visibility: posturing for an audience makes breakdown
	// likelier (Stasavage 2004). Default 5; [0, 1000].
	PosturingBreakdown float64 `json:"posturing_breakdown" yaml:"posturing_breakdown"`
	// MinTalkRounds is the grace period before low trust breaks talks.
	// Default 4; [0, 1000].
	MinTalkRounds int `json:"min_talk_rounds" yaml:"min_talk_rounds"`
	// CoolDown is the number of rounds after a breakdown before talks can
	// reopen. Default 12; [0, 10000].
	CoolDown int `json:"cool_down" yaml:"cool_down"`
	// CollapseBase is the probability that a breakdown is terminal.
	// Default 0.05; [0,1].
	CollapseBase float64 `json:"collapse_base" yaml:"collapse_base"`
	// CollapseDistrust adds CollapseDistrust·(1 − mean trust) to it.
	// Default 0.3; [0,1].
	CollapseDistrust float64 `json:"collapse_distrust" yaml:"collapse_distrust"`
	// MaxBreakdowns: the breakdown after this many is always a collapse.
	// Default 6; [0, 1000].
	MaxBreakdowns int `json:"max_breakdowns" yaml:"max_breakdowns"`
	// ModerateStrength ŝ is the perceived strength of the other side's
	// moderates; attacks hurt trust more when it is high (Kydd & Walter
	// 2002). Default 0.6; [0,1].
	ModerateStrength float64 `json:"moderate_strength" yaml:"moderate_strength"`
	// AttackTrustLoss is the strength of the trust loss an attack causes,
	// times ŝ. Default 1; [0,1].
	AttackTrustLoss float64 `json:"attack_trust_loss" yaml:"attack_trust_loss"`
	// AttackHardening hardens the targeted constituency by this fraction.
	// Default 0.03; [0,1].
	AttackHardening float64 `json:"attack_hardening" yaml:"attack_hardening"`
	// AttackSuspend is the probability, times ŝ, that an attack suspends
	// talks (a breakdown). Default 0.2; [0,1].
	AttackSuspend float64 `json:"attack_suspend" yaml:"attack_suspend"`
}

// LeakParams govern exposure of a secret channel (Steele 1989).
type LeakParams struct {
	// BaseHazard h0 in h = h0·n²·(1 + ω·age)·(1 − ρ). Default 0.0006:
	// an Oslo-sized channel of 6 insiders without a mediator stays secret
	// 31 weeks on average (median 26), the order of Oslo's eight secret
	// months, before inside spoilers' leaks; [0,1].
	BaseHazard float64 `json:"base_hazard" yaml:"base_hazard"`
	// Insiders n: envoys, aides and officials briefed on a back channel.
	// Default 6; [1, 1000].
	Insiders int `json:"insiders" yaml:"insiders"`
	// AgeFactor ω: the hazard grows with the channel's age in rounds.
	// Default 0.02; ≥ 0.
	AgeFactor float64 `json:"age_factor" yaml:"age_factor"`
	// InsidersPerChannel: each further back channel briefs this many more
	// people (new envoys replace burnt ones; the old insiders still know).
	// Default 2; [0, 1000].
	InsidersPerChannel int `json:"insiders_per_channel" yaml:"insiders_per_channel"`
	// ParallelInsiders: a secret table beside a public one involves this
	// many more insiders (the delegation at the public table). Default 2;
	// [0, 1000].
	ParallelInsiders int `json:"parallel_insiders" yaml:"parallel_insiders"`
	// TrustLoss is the strength of the trust loss on both sides when a
	// leak reveals the channel. Default 0.5; [0,1].
	TrustLoss float64 `json:"trust_loss" yaml:"trust_loss"`
	// ApprovalPenalty δ is the relative approval loss on revelation of
	// secret talks (Juhl & Hilpert 2021: about 16%). Default 0.16; [0,1].
	ApprovalPenalty float64 `json:"approval_penalty" yaml:"approval_penalty"`
}

// RatificationParams govern the vote on a tentative deal (Putnam 1988).
type RatificationParams struct {
	// Delay is the number of rounds between a tentative deal (or its
	// announcement) and the vote. Default 4; [0, 1000].
	Delay int `json:"delay" yaml:"delay"`
	// PrepBonus ψ: preparedness p adds ψ·p to every voter's utility of the
	// deal (in share units). Default 0.15; [0,1].
	PrepBonus float64 `json:"prep_bonus" yaml:"prep_bonus"`
	// ApprovalWeight weighs the leader's cue by approval: it adds
	// weight·(approval − ½). Default 0.3; [0,1].
	ApprovalWeight float64 `json:"approval_weight" yaml:"approval_weight"`
	// TrustWeight weighs the leader's cue by its trust in the other side
	// (the leader vouches for the partner): it adds weight·(trust − ½).
	// Default 0.1; [0,1].
	TrustWeight float64 `json:"trust_weight" yaml:"trust_weight"`
	// SurprisePenalty χ: a deal sprung from secret talks subtracts
	// χ·(1 − p)·(1 + κ·E), E the earlier exposures. Default 0.05; [0,1].
	SurprisePenalty float64 `json:"surprise_penalty" yaml:"surprise_penalty"`
	// Suspicion κ: each earlier exposed channel makes the surprise of the
	// next secret deal larger (constituents grow suspicious). Default 1;
	// [0, 100].
	Suspicion float64 `json:"suspicion" yaml:"suspicion"`
	// FailTrustLoss is the strength of the trust loss after a failed
	// ratification (involuntary defection). Default 1; [0,1].
	FailTrustLoss float64 `json:"fail_trust_loss" yaml:"fail_trust_loss"`
	// VoteNoise is the standard deviation of a common mood shock added to
	// every voter's utility on the day of a vote (Putnam's win-set
	// uncertainty); each voter also has its own logistic taste shock
	// (constituents.voter_noise). Default 0.05; [0, 1].
	VoteNoise float64 `json:"vote_noise" yaml:"vote_noise"`
	// FailSetback is the fraction of the way back to its aspiration that
	// the failing side's demand retracts: its leader must come back with a
	// better deal. Default 0.3; [0,1].
	FailSetback float64 `json:"fail_setback" yaml:"fail_setback"`
}

// DefaultScenario returns the documented default scenario (docs/MODEL.md,
// parameter table): two symmetric parties, no mediator, a total outside and
// a limited inside spoiler on each side.
func DefaultScenario() *Scenario {
	p := Party{
		Negotiator:      agents.DefaultNegotiatorParams(),
		Constituents:    agents.DefaultConstituencyParams(),
		RatifyThreshold: 0.5,
	}
	a, b := p, p
	a.Name, b.Name = "A", "B"
	return &Scenario{
		Name:    "default",
		Horizon: 520,
		Policy:  "back-then-front",
		Parties: []Party{a, b},
		Talks: TalksParams{
			OpenRate: 0.1, FrontMinTrust: 0.35, CommitTrust: 0.35, EnvoyCommitBonus: 0.1,
			ConcessionRef: 0.005, DealTolerance: 0.02, BeliefDrift: 0.00001, ParallelConsistency: 0.3,
			ContinueBias: 1.5, ContinueTrust: 4, ContinueReadiness: 3, ContinueApproval: 2, ContinueExposures: 0.7,
			BreakdownTrust: 0.08, BreakdownHazard: 0.002,
			PosturingBreakdown: 5, MinTalkRounds: 4, CoolDown: 12,
			CollapseBase: 0.05, CollapseDistrust: 0.3, MaxBreakdowns: 6,
			ModerateStrength: 0.6, AttackTrustLoss: 1, AttackHardening: 0.03, AttackSuspend: 0.2,
		},
		Leaks: LeakParams{BaseHazard: 0.0006, Insiders: 6, AgeFactor: 0.02, InsidersPerChannel: 2, ParallelInsiders: 2,
			TrustLoss: 0.5, ApprovalPenalty: 0.16},
		Ratification: RatificationParams{
			Delay: 4, PrepBonus: 0.15, ApprovalWeight: 0.3, TrustWeight: 0.1, SurprisePenalty: 0.05, Suspicion: 1,
			FailTrustLoss: 1, FailSetback: 0.3, VoteNoise: 0.05,
		},
		Spoilers: agents.DefaultSpoilers(),
		Mediator: agents.DefaultMediatorParams(),
	}
}

// Clone returns a deep copy.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Parties = append([]Party(nil), s.Parties...)
	c.Spoilers = append([]agents.SpoilerParams(nil), s.Spoilers...)
	return &c
}

// Validate reports every invalid parameter at once (errors.Join of
// *FieldError), each naming the field path, the value and the allowed
// range.
func (s *Scenario) Validate() error {
	if s == nil {
		return errors.New("sim: nil scenario")
	}
	e := check.New("")
	e.IntRange("horizon", s.Horizon, 1, 100000)
	if _, err := ParsePolicy(s.Policy); err != nil {
		e.Add("policy", fmt.Sprintf("%q", s.Policy), `"front-only", "back-only", "back-then-front[=T]" (T in [0,1]), "reliance=P" (P in [0,1]) or "parallel"`)
	}
	if len(s.Parties) != 2 {
		e.Add("parties", len(s.Parties), "exactly 2 parties")
	}
	for i := range s.Parties {
		p := &s.Parties[i]
		name := fmt.Sprintf("parties[%d]", i)
		e.Nest(name+".negotiator", p.Negotiator.Validate())
		e.Nest(name+".constituents", p.Constituents.Validate())
		e.Prob(name+".ratify_threshold", p.RatifyThreshold)
	}
	t := &s.Talks
	te := check.New("")
	te.Prob("open_rate", t.OpenRate)
	te.Prob("front_min_trust", t.FrontMinTrust)
	te.Prob("commit_trust", t.CommitTrust)
	te.Closed("envoy_commit_bonus", t.EnvoyCommitBonus, 0, 1)
	te.LessEq("envoy_commit_bonus", t.EnvoyCommitBonus, "commit_trust", t.CommitTrust)
	te.Closed("concession_ref", t.ConcessionRef, 1e-9, 1)
	te.Closed("deal_tolerance", t.DealTolerance, 0, 0.5)
	te.Closed("belief_drift", t.BeliefDrift, 0, 0.01)
	te.Prob("parallel_consistency", t.ParallelConsistency)
	te.Closed("continue_bias", t.ContinueBias, -20, 20)
	te.Closed("continue_trust", t.ContinueTrust, 0, 100)
	te.Closed("continue_readiness", t.ContinueReadiness, 0, 100)
	te.Closed("continue_approval", t.ContinueApproval, 0, 100)
	te.Closed("continue_exposures", t.ContinueExposures, 0, 100)
	te.Prob("breakdown_trust", t.BreakdownTrust)
	te.Less("breakdown_trust", t.BreakdownTrust, "commit_trust", t.CommitTrust)
	te.Prob("breakdown_hazard", t.BreakdownHazard)
	te.Closed("posturing_breakdown", t.PosturingBreakdown, 0, 1000)
	te.IntRange("min_talk_rounds", t.MinTalkRounds, 0, 1000)
	te.IntRange("cool_down", t.CoolDown, 0, 10000)
	te.Prob("collapse_base", t.CollapseBase)
	te.Prob("collapse_distrust", t.CollapseDistrust)
	te.IntRange("max_breakdowns", t.MaxBreakdowns, 0, 1000)
	te.Prob("moderate_strength", t.ModerateStrength)
	te.Prob("attack_trust_loss", t.AttackTrustLoss)
	te.Prob("attack_hardening", t.AttackHardening)
	te.Prob("attack_suspend", t.AttackSuspend)
	e.Nest("talks", te.Err())
	l := &s.Leaks
	le := check.New("")
	le.Prob("base_hazard", l.BaseHazard)
	le.IntRange("insiders", l.Insiders, 1, 1000)
	le.Closed("age_factor", l.AgeFactor, 0, 1000)
	le.IntRange("insiders_per_channel", l.InsidersPerChannel, 0, 1000)
	le.IntRange("parallel_insiders", l.ParallelInsiders, 0, 1000)
	le.Prob("trust_loss", l.TrustLoss)
	le.Prob("approval_penalty", l.ApprovalPenalty)
	e.Nest("leaks", le.Err())
	r := &s.Ratification
	re := check.New("")
	re.IntRange("delay", r.Delay, 0, 1000)
	re.Prob("prep_bonus", r.PrepBonus)
	re.Prob("approval_weight", r.ApprovalWeight)
	re.Prob("trust_weight", r.TrustWeight)
	re.Prob("surprise_penalty", r.SurprisePenalty)
	re.Closed("suspicion", r.Suspicion, 0, 100)
	re.Prob("fail_trust_loss", r.FailTrustLoss)
	re.Prob("fail_setback", r.FailSetback)
	re.Prob("vote_noise", r.VoteNoise)
	e.Nest("ratification", re.Err())
	if len(s.Spoilers) > 64 {
		e.Add("spoilers", len(s.Spoilers), "at most 64 factions")
	}
	for i := range s.Spoilers {
		e.Nest(fmt.Sprintf("spoilers[%d]", i), s.Spoilers[i].Validate())
	}
	e.Nest("mediator", s.Mediator.Validate())
	return e.Err()
}

// ParseScenario decodes a scenario from YAML or JSON (JSON is YAML; a text
// starting with "{" must be valid JSON, so a trailing comma is an error).
// Fields absent from the text keep their DefaultScenario values. A
// parties list edits the default parties by index (a list of one edits
// side A; a list of more than two is an error). A spoilers list replaces
// the default factions, and each listed spoiler starts from
// agents.DefaultSpoilerParams. The text
// must hold exactly one document, not empty (write {} for the defaults),
// of at most MaxScenarioBytes. Aliases (*name) are expanded; merge keys
// (<<) are refused. Unknown fields and values of the wrong type (a
// string for a number, NaN, ±Inf, a number beyond the float64 range) are
// errors naming the field's path, its line and, where it has one, the
// allowed range; at most MaxScenarioErrors are listed. The result is
// validated, so the returned error lists every invalid value.
func ParseScenario(data []byte) (*Scenario, error) {
	if len(data) > MaxScenarioBytes {
		return nil, fmt.Errorf("sim: scenario: %d bytes: larger than the limit of %d bytes (%d KiB)", len(data), MaxScenarioBytes, MaxScenarioBytes>>10)
	}
	if err := checkJSONSyntax(data); err != nil {
		return nil, fmt.Errorf("sim: scenario: %w", err)
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("sim: scenario: empty (no document): write {} for the default scenario")
		}
		return nil, fmt.Errorf("sim: scenario: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			return nil, fmt.Errorf("sim: scenario: after the first document: %w", err)
		}
		return nil, fmt.Errorf("sim: scenario: a second YAML document (line %d): a scenario file holds exactly one; remove the \"---\" separator and what follows, or split the file", line)
	}
	s := DefaultScenario()
	if len(root.Content) == 0 {
		return nil, errors.New("sim: scenario: empty (no document): write {} for the default scenario")
	}
	doc := root.Content[0]
	for doc.Kind == yaml.AliasNode && doc.Alias != nil {
		doc = doc.Alias
	}
	// Spoilers listed in the file start from the default faction.
	if n := findKey(doc, "spoilers"); n != nil && n.Kind == yaml.SequenceNode && len(n.Content) <= maxSpoilersParsed {
		s.Spoilers = make([]agents.SpoilerParams, len(n.Content))
		for i := range s.Spoilers {
			s.Spoilers[i] = agents.DefaultSpoilerParams()
		}
	}
	kc := keyChecker{base: s, listed: map[reflect.Type]string{}}
	kc.walk(doc, reflect.TypeOf(*s), "")
	if len(kc.errs) > 0 {
		return nil, fmt.Errorf("sim: scenario:\n%w", kc.err())
	}
	// Decode through JSON, which merges into the existing (default) values,
	// including slice elements; the key check above made it strict.
	var generic any
	if err := doc.Decode(&generic); err != nil {
		return nil, fmt.Errorf("sim: scenario: %w", err)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		return nil, fmt.Errorf("sim: scenario: %w", err)
	}
	if err := json.Unmarshal(js, s); err != nil {
		return nil, fmt.Errorf("sim: scenario: %w", err)
	}
	// A short parties list edited the first parties in place (encoding/json
	// decodes into existing slice elements); the others keep their defaults.
	if def := DefaultScenario().Parties; len(s.Parties) < len(def) {
		s.Parties = append(s.Parties, def[len(s.Parties):]...)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("sim: invalid scenario:\n%w", err)
	}
	return s, nil
}

func findKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "scenario"
	}
	return path
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

// MarshalYAMLText returns the scenario as YAML.
func (s *Scenario) MarshalYAMLText() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
