package metrics

import "fmt"

// Five subjects followed for 10 rounds, with a repeated event and two
// terminal causes, 1 and 2. The third subject's second event comes in the
// round of its terminal event, so it counts. Values checked by hand (see
// TestRecurrentEventsHand) and the intervals with Wilson's formula.
func ExampleRecurrentEvents() {
	r, _ := NewRecurrentEvents(2, 2, 10)
	_ = r.Add([]int{2, 5}, 8, 1)     // two events, terminal cause 1 at 8
	_ = r.Add([]int{3}, 6, 2)        // one event, terminal cause 2 at 6
	_ = r.Add([]int{4, 9}, 9, 2)     // second event and terminal event at 9
	_ = r.Add([]int{2, 2, 7}, 10, 0) // two events in round 2; censored at the horizon
	_ = r.Add(nil, 10, 0)            // no event by the horizon
	for k := 1; k <= 2; k++ {
		s, _ := r.Kth(k, 0.95, Log)
		f := s.Incidence.Cause(1)
		fmt.Printf("k=%d: F at %v = %.2f; median %v; P(by horizon) = %.2f %v\n",
			k, f.T, f.F, s.Median.Value, s.ByHorizon.Value, s.ByHorizon.Interval)
	}
	// Output:
	// k=1: F at [2 3 4] = [0.40 0.60 0.80]; median 3; P(by horizon) = 0.80 [0.375535, 0.963776] (95%)
	// k=2: F at [2 5 6 9] = [0.20 0.40 0.40 0.60]; median 9; P(by horizon) = 0.60 [0.230724, 0.882379] (95%)
}

// The mean cumulative number of events by round: the subject that left at
// round 2 keeps its one event afterwards (hand check in TestMeanCountHand).
func ExampleMeanCount() {
	m, _ := NewMeanCount(4)
	_ = m.Add([]int{1, 1, 3}, 4)
	_ = m.Add([]int{2}, 2)
	_ = m.Add(nil, 4)
	c, _ := m.Curve(0.95)
	for i := range c.T {
		fmt.Printf("t=%d mean %.3f SE %.3f\n", c.T[i], c.Mean[i], c.SE[i])
	}
	// Output:
	// t=0 mean 0.000 SE 0.000
	// t=1 mean 0.667 SE 0.667
	// t=2 mean 1.000 SE 0.577
	// t=3 mean 1.333 SE 0.882
	// t=4 mean 1.333 SE 0.882
}

// Four subjects in states 0, 1 and 2 (terminal); shorter
// paths end in their last state, which absorbs. The limits are Goodman's
// simultaneous intervals (Wilson at level 1 - 0.05/3), checked by hand.
func ExampleOccupancy() {
	o, _ := NewOccupancy(3, 3)
	_ = o.Add([]int{0, 1, 2})
	_ = o.Add([]int{0, 0, 1, 1})
	_ = o.Add([]int{0})
	_ = o.Add([]int{1, 2})
	sh, _ := o.Shares(0.95)
	for t := range sh.T {
		fmt.Printf("t=%d:", t)
		for s := range 3 {
			fmt.Printf(" %.2f [%.2f, %.2f]", sh.Share[s][t], sh.Lo[s][t], sh.Hi[s][t])
		}
		fmt.Println()
	}
	// Output:
	// t=0: 0.75 [0.24, 0.97] 0.25 [0.03, 0.76] 0.00 [0.00, 0.59]
	// t=1: 0.50 [0.12, 0.88] 0.25 [0.03, 0.76] 0.25 [0.03, 0.76]
	// t=2: 0.25 [0.03, 0.76] 0.25 [0.03, 0.76] 0.50 [0.12, 0.88]
	// t=3: 0.25 [0.03, 0.76] 0.25 [0.03, 0.76] 0.50 [0.12, 0.88]
}

// The paired difference of the cumulative incidence of the 2nd event by
// round 6 between two arms run on common random numbers: the same
// subjects' event rounds under arm A and arm B, every subject followed to
// its end or the horizon, so F_2(6) is the share with KthEventBy true and
// PairedDifference gives the difference with its paired interval
// (values checked by hand: 4/6 and 1/6, Newcombe method 10).
func ExampleKthEventBy() {
	armA := [][]int{{1, 3}, {2, 5}, {4}, {1, 2, 6}, {}, {3, 4}}
	armB := [][]int{{1, 8}, {2, 5}, {}, {1}, {}, {3, 7}}
	var tab PairedTable
	for i := range armA {
		tab.Add(KthEventBy(armA[i], 2, 6), KthEventBy(armB[i], 2, 6))
	}
	d, _ := PairedDifference(tab, 0.95)
	fmt.Printf("F_A = %.3f, F_B = %.3f, difference %.3f %v\n", d.P1, d.P2, d.D, d.Interval)
	// Output:
	// F_A = 0.667, F_B = 0.167, difference 0.500 [-0.0403039, 0.773175] (95%)
}
