package calibrate_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/backchannel-sim/backchannel/calibrate"
)

// Example calibrates the mean μ of a normal model with known standard
// deviation 2 from the mean of 16 observations, 1.3, with a flat prior on
// [-10, 10]. The exact posterior is N(1.3, 0.5²), with 90% interval
// [0.48, 2.12]; at the final tolerance 0.05 (distance in units of ȳ) the
// ABC posterior's variance exceeds it by only 0.05²/3. With 1000 particles
// (ESS about 900) the Monte Carlo error of the mean is about 0.017.
func Example() {
	model := calibrate.ModelFunc(func(theta []float64, rng *rand.Rand) ([]float64, error) {
		ybar := theta[0] + 2/4.0*rng.NormFloat64() // ȳ ~ N(μ, σ²/n), σ = 2, n = 16
		return []float64{ybar}, nil
	})
	res, err := calibrate.Run(context.Background(), calibrate.Config{
		Params:       []calibrate.Param{{Name: "mu", Prior: calibrate.Uniform{Lo: -10, Hi: 10}}},
		Model:        model,
		Observed:     []float64{1.3},
		Scale:        []float64{1},
		Particles:    1000,
		Seed:         1,
		FinalEpsilon: 0.05,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	post := res.Posterior()
	sum, err := calibrate.Summarize(post, res.Params, 0.9)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sum[0]
	fmt.Printf("stopped: %v after %d generations\n", res.Stop, len(res.Generations))
	fmt.Printf("%s: mean %.2f, sd %.2f, 90%% interval [%.2f, %.2f]\n", s.Name, s.Mean, s.SD, s.Lo, s.Hi)
	// Output:
	// stopped: final tolerance reached after 9 generations
	// mu: mean 1.32, sd 0.52, 90% interval [0.49, 2.13]
}
