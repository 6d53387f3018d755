package check

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestErrorsNestAndFlatten(t *testing.T) {
	inner := New("")
	inner.Prob("p", 1.5)
	inner.Closed("x", math.NaN(), 0, 2)
	inner.Less("lo", 3, "hi", 2)
	outer := New("")
	outer.IntRange("n", -1, 0, 10)
	outer.Nest("talks", inner.Err())
	outer.Nest("empty", nil)
	err := outer.Err()
	got := Flatten(err)
	if len(got) != 4 {
		t.Fatalf("%d errors, want 4: %v", len(got), err)
	}
	for _, want := range []string{
		"n = -1: must be an integer in [0, 10]",
		"talks.p = 1.5: must be in [0, 1]",
		"talks.x = NaN: must be in [0, 2]",
		"talks.lo = 3: must be < hi (2)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	var fe *FieldError
	if !errors.As(got[1], &fe) || fe.Path != "talks.p" || fe.Value != 1.5 {
		t.Errorf("nested error: %#v", got[1])
	}
	if New("").Err() != nil {
		t.Error("no problems should give a nil error")
	}
}

func TestNonNegPositive(t *testing.T) {
	e := New("a")
	e.NonNeg("b", math.Inf(1))
	e.Positive("c", 0)
	e.NonNeg("ok", 0)
	e.Positive("ok2", 1e-9)
	if n := len(Flatten(e.Err())); n != 2 {
		t.Errorf("%d errors, want 2: %v", n, e.Err())
	}
	if !strings.HasPrefix(e.Err().Error(), "a.b = +Inf") {
		t.Errorf("path prefix: %v", e.Err())
	}
}
