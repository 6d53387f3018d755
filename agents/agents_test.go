package agents

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestReadinessConcessionRate(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	var n Negotiator
	n.Reset(&p)
	c := ReadinessConcession{K0: 0.1, Reciprocity: 1}
	// k = K0·R·(½+τ)·max(0, 1 − π·a)·(1 + ρ·q), by hand at the defaults
	// (R = 0.3, τ = 0.2, π = 1.75).
	for _, tc := range []struct{ a, q, want float64 }{
		{0, 0, 0.1 * 0.3 * 0.7},
		{0, 1, 0.1 * 0.3 * 0.7 * 2},
		{0.2, 0, 0.1 * 0.3 * 0.7 * (1 - 1.75*0.2)},
		{0.6, 1, 0}, // 1 − π·a < 0: a watched negotiator does not concede
	} {
		if got := c.Rate(&n, tc.a, tc.q); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("Rate(a=%g, q=%g) = %g, want %g", tc.a, tc.q, got, tc.want)
		}
	}
}

// Concessions move the demand linearly toward the perceived midpoint of the
// zone of agreement and never past it.
func TestConcedeTowardTarget(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	var n Negotiator
	n.Reset(&p)
	n.Belief = 0.35 // knows the other's reservation (the defaults are symmetric)
	f := (1 + p.Reservation - 0.35) / 2
	if got := n.Target(); got != f {
		t.Fatalf("target %g, want (1 + r − b)/2 = %g", got, f)
	}
	n.Concede(0.1)
	if want := p.Aspiration - 0.1*(p.Aspiration-f); math.Abs(n.Demand-want) > 1e-15 || math.Abs(n.Conceded-0.1*(p.Aspiration-f)) > 1e-15 {
		t.Errorf("one step: demand %g conceded %g, want %g", n.Demand, n.Conceded, want)
	}
	for range 100 {
		n.Concede(0.1)
	}
	if n.Demand != f || n.Conceded != 0 {
		t.Errorf("after 100 steps: demand %g (conceded %g), want the target %g and no more", n.Demand, n.Conceded, f)
	}
	n.Belief = 0.1 // now believes the other can go much lower: no retraction
	n.Concede(1)
	if n.Demand != f {
		t.Errorf("a higher target raised the demand to %g", n.Demand)
	}
}

// The Kalman update of the belief about the other's reservation has the
// textbook gain v/(v + σ²) (Kalman 1960).
func TestLearnKalman(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	var n Negotiator
	n.Reset(&p)
	v0 := p.BeliefSD * p.BeliefSD
	n.Learn(0.45, 0.1, 0)
	k := v0 / (v0 + 0.01)
	if want := p.BeliefPrior + k*(0.45-p.BeliefPrior); math.Abs(n.Belief-want) > 1e-15 {
		t.Errorf("belief %g, want %g", n.Belief, want)
	}
	if want := (1 - k) * v0; math.Abs(n.BeliefVar-want) > 1e-18 {
		t.Errorf("variance %g, want %g", n.BeliefVar, want)
	}
	// Noisier signals teach less.
	var m Negotiator
	m.Reset(&p)
	m.Learn(0.45, 0.5, 0)
	if !(m.Belief < n.Belief) {
		t.Errorf("noisy signal moved the belief to %g, candid one to %g: want less", m.Belief, n.Belief)
	}
}

// Stylized fact 6 (docs/MODEL.md §1.2): trust rises slowly and falls fast; the
// ratio of events needed is about the asymmetry λ.
func TestAsymmetricTrustRatio(t *testing.T) {
	t.Parallel()
	for _, lambda := range []float64{2, 2.5, 3} {
		rule := AsymmetricTrust{Eta: 0.02, Lambda: lambda}
		up := 0
		for tau := 0.2; tau < 0.7; up++ {
			tau = rule.Gain(tau, 1)
		}
		down := 0
		for tau := 0.7; tau > 0.2; down++ {
			tau = rule.Lose(tau, 1)
		}
		// Continuous-time approximations: up ≈ ln(0.8/0.3)/η,
		// down ≈ ln(0.7/0.2)/(λη); their ratio is λ·ln(8/3)/ln(3.5).
		want := lambda * math.Log(8.0/3) / math.Log(3.5)
		got := float64(up) / float64(down)
		if math.Abs(got-want)/want > 0.1 {
			t.Errorf("λ=%g: up/down = %d/%d = %.2f, want ≈ %.2f", lambda, up, down, got, want)
		}
		if up <= down {
			t.Errorf("λ=%g: trust rose in %d events and fell in %d: want slower rise", lambda, up, down)
		}
	}
}

func TestBayesianTrust(t *testing.T) {
	t.Parallel()
	b := BayesianTrust{KappaT: 1, KappaU: 0.3, Noise: 0.1, Floor: 0.01}
	mu := 0.5
	// A costlier signal is more diagnostic (Kydd 2000).
	cheap, costly := b.Gain(mu, 0.1), b.Gain(mu, 1)
	if !(costly > cheap && cheap > mu) {
		t.Errorf("gain: cheap %g, costly %g from %g: want costly > cheap > prior", cheap, costly, mu)
	}
	// Bayes' rule by hand for s=1: 0.5·e^-1 / (0.5·e^-1 + 0.5·e^(-1/0.3)).
	want := math.Exp(-1) / (math.Exp(-1) + math.Exp(-1/0.3))
	if math.Abs(costly-want) > 1e-12 {
		t.Errorf("posterior = %.15g, want %.15g", costly, want)
	}
	if l := b.Lose(mu, 1); !(l < mu) {
		t.Errorf("defection: %g, want below the prior %g", l, mu)
	}
	if l := b.Lose(mu, 0); l != mu {
		t.Errorf("zero-strength defection moved the belief: %g", l)
	}
	if got := b.Lose(0.005, 1); got != 0.01 {
		t.Errorf("floor: %g, want 0.01", got)
	}
}

func TestDeffuantPreservesMeanAndBounds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 500)
	sum := 0.0
	for i := range x {
		x[i] = rng.Float64()
		sum += x[i]
	}
	d := Deffuant{Epsilon: 0.6, Mu: 0.5, Rate: 0.5}
	for range 200 {
		d.Step(x, rng)
	}
	got := 0.0
	lo, hi := 1.0, 0.0
	for _, v := range x {
		got += v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if math.Abs(got-sum) > 1e-9 {
		t.Errorf("mean not preserved: sum %g → %g", sum, got)
	}
	// ε ≥ 0.5 gives consensus (Deffuant et al. 2000).
	if hi-lo > 0.01 || lo < 0 || hi > 1 {
		t.Errorf("ε=0.6 after 200 rounds: range [%g, %g], want consensus within [0,1]", lo, hi)
	}
}

func TestConstituencyMessageAssimilationAndBoomerang(t *testing.T) {
	t.Parallel()
	p := DefaultConstituencyParams()
	c := Constituency{P: &p, X: []float64{0.5, 0.7, 0.95}}
	c.Message(0.45, 1)
	// 0.5 is within the latitude of acceptance (0.15): pulled toward 0.45.
	if !(c.X[0] < 0.5 && c.X[0] > 0.45) {
		t.Errorf("assimilation: x=%g", c.X[0])
	}
	// 0.7 is in the non-commitment band: unchanged.
	if c.X[1] != 0.7 {
		t.Errorf("non-commitment: x=%g, want 0.7", c.X[1])
	}
	// 0.95 is beyond the latitude of rejection (0.35): pushed away (backlash).
	if !(c.X[2] > 0.95) {
		t.Errorf("boomerang: x=%g, want > 0.95", c.X[2])
	}
}

func TestConstituencySupportAndPressure(t *testing.T) {
	t.Parallel()
	p := DefaultConstituencyParams()
	c := Constituency{P: &p, X: []float64{0.2, 0.4, 0.6, 0.8}}
	if got := c.Support(0.5, 0); got != 0.5 {
		t.Errorf("support(0.5) = %g, want 0.5", got)
	}
	if got := c.Support(0.5, 0.1); got != 0.75 {
		t.Errorf("support(0.5, bonus 0.1) = %g, want 0.75", got)
	}
	c.Attention = 0.5
	if got := c.Pressure(c.Mean()); math.Abs(got-0.25) > 1e-15 {
		t.Errorf("pressure = %g, want 0.5·0.5", got)
	}
	c.Attend(false, false)
	if c.Attention >= 0.5 || c.Preparedness != 0 {
		t.Errorf("hidden talks: attention %g (want decay), preparedness %g (want 0)", c.Attention, c.Preparedness)
	}
	c.Attend(true, true)
	if c.Preparedness <= 0 {
		t.Error("public talks did not prepare constituents")
	}
}

func spoiler(typ SpoilerType) *Spoiler {
	p := DefaultSpoilerParams()
	p.Type = typ
	s := &Spoiler{}
	s.Reset(&p)
	s.Aware = true
	return s
}

// A limited spoiler calms down when the deal meets its demand; a total one
// does not (Stedman 1997).
func TestSpoilerTypes(t *testing.T) {
	t.Parallel()
	lim, tot := spoiler(Limited), spoiler(Total)
	for range 50 {
		lim.Mobilise(true, 0.2, 0.5, false)
		tot.Mobilise(true, 0.2, 0.5, false)
	}
	if lim.Mobilisation < 0.1 || tot.Mobilisation < 0.1 {
		t.Fatalf("threatened spoilers did not mobilise: limited %g, total %g", lim.Mobilisation, tot.Mobilisation)
	}
	mL, mT := lim.Mobilisation, tot.Mobilisation
	for range 50 {
		lim.Mobilise(true, 0.6, 0.5, false) // offer above the demand 0.45
		tot.Mobilise(true, 0.6, 0.5, false)
	}
	if lim.Mobilisation > mL/5 || lim.AttackProb(1) != 0 {
		t.Errorf("satisfied limited spoiler: mobilisation %g (from %g), attack prob %g", lim.Mobilisation, mL, lim.AttackProb(1))
	}
	if tot.Mobilisation < mT*0.9 || tot.AttackProb(0) <= 0 {
		t.Errorf("total spoiler calmed: mobilisation %g (from %g)", tot.Mobilisation, mT)
	}
	// Visible progress toward a deal raises the hazard (Kydd & Walter
	// 2002): p = 1 − exp(−c·m·θ·(1 + β_v·v)), by hand.
	for _, v := range []float64{0, 0.5, 1} {
		want := -math.Expm1(-tot.P.Capability * tot.Mobilisation * tot.Threat * (1 + tot.P.ProgressBoost*v))
		if got := tot.AttackProb(v); math.Abs(got-want) > 1e-15 {
			t.Errorf("AttackProb(%g) = %g, want %g", v, got, want)
		}
	}
	if !(tot.AttackProb(1) > tot.AttackProb(0)) {
		t.Error("progress did not raise the attack probability")
	}
	// Greedy demands grow with mobilisation.
	g := spoiler(Greedy)
	g.Mobilisation = 0.5
	if th := (StedmanBehaviour{}).Threat(g, 0.5); th <= 0 {
		t.Errorf("greedy spoiler at m=0.5 satisfied by 0.5 > base demand: threat %g", th)
	}
}

func TestSpoilerUnawareDoesNotMobilise(t *testing.T) {
	t.Parallel()
	s := spoiler(Total)
	s.Aware = false
	for range 20 {
		s.Mobilise(true, 0, 1, true)
	}
	if s.Mobilisation != 0 || s.AttackProb(1) != 0 {
		t.Errorf("unaware spoiler: mobilisation %g", s.Mobilisation)
	}
}

func TestNegotiatorCostsAndAudience(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	var n Negotiator
	n.Reset(&p)
	n.PayAudience(0.5, 0.1)
	if want := p.InitialApproval - p.AudienceCost*0.5*0.1; math.Abs(n.Approval-want) > 1e-15 {
		t.Errorf("audience cost: approval %g, want %g (Fearon 1994)", n.Approval, want)
	}
	r0 := n.Reservation
	for range 1000 {
		n.AccrueCost()
	}
	if n.Reservation >= r0 || n.Reservation < p.ReservationFloor {
		t.Errorf("ripeness: reservation %g (from %g, floor %g)", n.Reservation, r0, p.ReservationFloor)
	}
	if n.Readiness() <= p.Readiness0 {
		t.Error("costs did not raise readiness")
	}
	n.Approval = 0.6
	n.Reveal(0.16, 0)
	if math.Abs(n.Approval-0.6*0.84) > 1e-12 {
		t.Errorf("reveal at authority 0.5: approval %g, want 0.6·(1−0.16)", n.Approval)
	}
	d := n.Demand
	n.Demand = 0.5
	n.Retract(0.3)
	if want := 0.5 + 0.3*(p.Aspiration-0.5); math.Abs(n.Demand-want) > 1e-15 {
		t.Errorf("retract: demand %g, want %g (from %g)", n.Demand, want, d)
	}
}

// With no individual noise a ballot is the win-set count of Support; with
// logistic noise the expected support is the mean logistic CDF.
func TestBallot(t *testing.T) {
	t.Parallel()
	p := DefaultConstituencyParams()
	p.Size = 4
	var c Constituency
	rng := rand.New(rand.NewPCG(1, 1))
	c.Reset(&p, rng)
	copy(c.X, []float64{0.3, 0.4, 0.5, 0.6})
	z := make([]float64, 4)
	p.VoterNoise = 0
	if got := c.Ballot(0.45, 0, 0, z, rng); got != 0.5 {
		t.Errorf("noiseless ballot at 0.45: %g, want 0.5", got)
	}
	if got := c.Ballot(0.45, 0, 0.1, z, rng); got != 0.75 {
		t.Errorf("noiseless ballot with mood 0.1: %g, want 0.75", got)
	}
	p.VoterNoise = 0.1
	p.Size = 1
	c.Reset(&p, rng)
	c.X[0] = 0.5
	const n = 200000
	yes := 0.0
	for range n {
		yes += c.Ballot(0.55, 0, 0, z, rng)
	}
	// P(0.05 + 0.1·ε > 0) = 1/(1 + e^(−0.5)).
	want := 1 / (1 + math.Exp(-0.5))
	if se := math.Sqrt(want * (1 - want) / n); math.Abs(yes/n-want) > 4*se {
		t.Errorf("logit support %g, want %g ± %g", yes/n, want, 4*se)
	}
}

func TestValidateNamesFieldValueAndRange(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	p.Aspiration = math.NaN()
	p.TrustModel = "psychic"
	p.Reservation = 0.9
	err := p.Validate()
	if err == nil {
		t.Fatal("invalid params validated")
	}
	for _, want := range []string{"aspiration = NaN", "trust_model = psychic", "reservation = 0.9", "in [0, 1]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	for _, ok := range []interface{ Validate() error }{
		ptr(DefaultNegotiatorParams()), ptr(DefaultConstituencyParams()), ptr(DefaultSpoilerParams()), ptr(DefaultMediatorParams()),
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("defaults invalid: %v", err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestSpoilerTextRoundTrip(t *testing.T) {
	t.Parallel()
	for _, typ := range []SpoilerType{Limited, Greedy, Total} {
		b, err := typ.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back SpoilerType
		if err := back.UnmarshalText(b); err != nil || back != typ {
			t.Errorf("%v: round trip gave %v, %v", typ, back, err)
		}
	}
	var p Position
	if err := p.UnmarshalText([]byte("sideways")); err == nil {
		t.Error("bad position accepted")
	}
}

func TestOrderStat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 10, 101, 1000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Round(rng.Float64()*20) / 20 // many ties
		}
		orig := append([]float64(nil), x...)
		c := Constituency{X: x}
		sorted := append([]float64(nil), x...)
		slices.Sort(sorted)
		scratch := make([]float64, n)
		for k := 1; k <= n; k++ {
			if got := c.OrderStat(k, scratch); got != sorted[k-1] {
				t.Fatalf("n=%d k=%d: %g, want %g", n, k, got, sorted[k-1])
			}
		}
		if !slices.Equal(c.X, orig) {
			t.Fatal("OrderStat modified the opinions")
		}
	}
}
