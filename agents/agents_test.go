package agents

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestTimeDependentAlpha(t *testing.T) {
	t.Parallel()
	c := TimeDependent{Kappa: 0.1}
	// Faratin et al. (1998): α(0)=κ, α(T)=1; β>1 concedes early (above the
	// linear schedule), β<1 late (below it).
	if got := c.Alpha(0, 100, 2); got != 0.1 {
		t.Errorf("α(0) = %g, want κ = 0.1", got)
	}
	if got := c.Alpha(100, 100, 0.5); got != 1 {
		t.Errorf("α(T) = %g, want 1", got)
	}
	lin := c.Alpha(25, 100, 1)
	if want := 0.1 + 0.9*0.25; math.Abs(lin-want) > 1e-15 {
		t.Errorf("linear α(T/4) = %g, want %g", lin, want)
	}
	if con, bou := c.Alpha(25, 100, 2), c.Alpha(25, 100, 0.5); !(con > lin && lin > bou) {
		t.Errorf("conceder %g, linear %g, boulware %g: want conceder > linear > boulware", con, lin, bou)
	}
}

// Stylized fact 6 (MODEL-NOTES.md): trust rises slowly and falls fast; the
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
	if lim.Mobilisation > mL/5 || lim.AttackProb(true) != 0 {
		t.Errorf("satisfied limited spoiler: mobilisation %g (from %g), attack prob %g", lim.Mobilisation, mL, lim.AttackProb(true))
	}
	if tot.Mobilisation < mT*0.9 || tot.AttackProb(false) <= 0 {
		t.Errorf("total spoiler calmed: mobilisation %g (from %g)", tot.Mobilisation, mT)
	}
	// Milestones raise the attack hazard (Kydd & Walter 2002).
	if !(tot.AttackProb(true) > tot.AttackProb(false)) {
		t.Error("milestone did not raise the attack probability")
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
	if s.Mobilisation != 0 || s.AttackProb(true) != 0 {
		t.Errorf("unaware spoiler: mobilisation %g", s.Mobilisation)
	}
}

func TestNegotiatorPosturingAndCosts(t *testing.T) {
	t.Parallel()
	p := DefaultNegotiatorParams()
	var n Negotiator
	n.Reset(&p)
	n.Concede(10, p.BetaBack)
	n.State(0.5, 0)
	if n.Stated != n.Demand {
		t.Errorf("secret table: stated %g != demand %g", n.Stated, n.Demand)
	}
	n.State(0.5, 1)
	want := n.Demand + p.Posturing*0.5*(1-n.Demand)
	if math.Abs(n.Stated-want) > 1e-15 {
		t.Errorf("posturing: stated %g, want %g", n.Stated, want)
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
