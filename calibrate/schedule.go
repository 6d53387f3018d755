package calibrate

import "sort"

// nextEpsilon applies the tolerance schedule to the previous generation.
func (r *runner) nextEpsilon(prev *Generation) float64 {
	idx := make([]int, r.n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return prev.Distances[idx[a]] < prev.Distances[idx[b]] })
	sw, sw2 := 0.0, 0.0
	target := r.cfg.Alpha
	if r.cfg.Schedule == ScheduleESS {
		target *= prev.ESS
	}
	for _, i := range idx {
		w := prev.Weights[i]
		sw += w
		sw2 += w * w
		var got float64
		if r.cfg.Schedule == ScheduleESS {
			got = sw * sw / sw2
		} else {
			got = sw
		}
		if got >= target {
			return prev.Distances[i]
		}
	}
	return prev.Distances[idx[len(idx)-1]]
}
