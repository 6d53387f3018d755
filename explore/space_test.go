package explore

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSpaceValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		space Space
		want  []string // substrings the error must contain; nil for no error
	}{
		{"ok", Space{{Name: "a", Lo: 0, Hi: 1}, {Name: "n", Lo: 1, Hi: 5, Integer: true}}, nil},
		{"empty", Space{}, []string{"no parameters"}},
		{"no name", Space{{Lo: 0, Hi: 1}}, []string{"space[0].Name is empty"}},
		{"repeat", Space{{Name: "a", Hi: 1}, {Name: "a", Hi: 1}}, []string{`space[1].Name "a" repeats space[0]`}},
		{"lo=hi", Space{{Name: "a", Lo: 2, Hi: 2}}, []string{"(a) range [2, 2] needs Lo < Hi"}},
		{"inf", Space{{Name: "a", Lo: 0, Hi: math.Inf(1)}}, []string{"not finite"}},
		{"integer", Space{{Name: "n", Lo: 0.5, Hi: 3, Integer: true}}, []string{"non-integer bounds"}},
		{"all at once", Space{{Name: "", Lo: 1, Hi: 0}, {Name: "b", Lo: 0, Hi: math.NaN()}},
			[]string{"space[0].Name is empty", "needs Lo < Hi", "space[1] (b)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.space.Validate()
			if c.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrDomain) {
				t.Fatalf("Validate() = %v, want ErrDomain", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

// TestSpaceValue checks the unit-to-model map: linear for a continuous
// parameter; for an Integer parameter on [1, 4] each integer takes a
// quarter of [0, 1] and u = 1 maps to Hi.
func TestSpaceValue(t *testing.T) {
	t.Parallel()
	s := Space{{Name: "x", Lo: -2, Hi: 6}, {Name: "n", Lo: 1, Hi: 4, Integer: true}}
	cases := []struct {
		i       int
		u, want float64
	}{
		{0, 0, -2}, {0, 0.25, 0}, {0, 1, 6},
		{1, 0, 1}, {1, 0.2499, 1}, {1, 0.25, 2}, {1, 0.74, 3}, {1, 0.99, 4}, {1, 1, 4},
	}
	for _, c := range cases {
		if got := s.Value(c.i, c.u); got != c.want {
			t.Errorf("Value(%d, %v) = %v, want %v", c.i, c.u, got, c.want)
		}
	}
	d := Design{Space: s, Unit: [][]float64{{0.5, 0.5}, {0, 1}}}
	v := d.Values()
	if v[0][0] != 2 || v[0][1] != 3 || v[1][0] != -2 || v[1][1] != 4 {
		t.Errorf("Values() = %v, want [[2 3] [-2 4]]", v)
	}
	if got := s.Names(); got[0] != "x" || got[1] != "n" {
		t.Errorf("Names() = %v", got)
	}
}

// TestSpaceJSON checks that a space round-trips through JSON with
// snake-case keys, so a study can record it.
func TestSpaceJSON(t *testing.T) {
	t.Parallel()
	s := Space{{Name: "deadline", Lo: 10, Hi: 60, Integer: true}, {Name: "trust", Lo: 0, Hi: 1}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"deadline","lo":10,"hi":60,"integer":true},{"name":"trust","lo":0,"hi":1}]`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back Space
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0] != s[0] || back[1] != s[1] {
		t.Errorf("round trip = %+v, want %+v", back, s)
	}
}
