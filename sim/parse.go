package sim

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/backchannel-sim/backchannel/internal/check"
	"go.yaml.in/yaml/v3"
)

// MaxScenarioBytes is the largest scenario text ParseScenario reads
// (1 MiB; the commented default scenario is about 10 KiB).
const MaxScenarioBytes = 1 << 20

// MaxScenarioErrors is the largest number of problems ParseScenario lists
// before it adds how many more there are.
const MaxScenarioErrors = 20

// maxScenarioNodes bounds the work of checking a scenario's keys when
// aliases repeat large parts of it (a "billion laughs" text).
const maxScenarioNodes = 200000

// maxSpoilersParsed is the longest spoiler list given default factions
// before decoding (Validate allows 64; longer lists are refused there).
const maxSpoilersParsed = 1024

// checkJSONSyntax returns the syntax error, with its line, of a text that
// starts with "{" and is not valid JSON (YAML would accept a trailing
// comma or unquoted keys in a flow mapping).
func checkJSONSyntax(data []byte) error {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != '{' || json.Valid(data) {
		return nil
	}
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("invalid JSON (a file starting with \"{\" is read as JSON) at line %d: %v", line, se)
	}
	return fmt.Errorf("invalid JSON (a file starting with \"{\" is read as JSON): %v", err)
}

// keyChecker walks a scenario's YAML nodes against the Scenario type,
// collecting unknown fields and values of the wrong type with their path
// and line.
type keyChecker struct {
	base   *Scenario // the defaults, for the allowed ranges
	errs   []error
	more   int                     // problems beyond MaxScenarioErrors
	nodes  int                     // nodes visited
	listed map[reflect.Type]string // struct types whose field list was shown, and where
}

func (k *keyChecker) add(err error) {
	if len(k.errs) < MaxScenarioErrors {
		k.errs = append(k.errs, err)
		return
	}
	k.more++
}

func (k *keyChecker) err() error {
	errs := k.errs
	if k.more > 0 {
		errs = append(errs, fmt.Errorf("... and %d more problems", k.more))
	}
	return errors.Join(errs...)
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// walk checks node n against type t at path.
func (k *keyChecker) walk(n *yaml.Node, t reflect.Type, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	k.nodes++
	if k.nodes == maxScenarioNodes {
		k.add(fmt.Errorf("%s (line %d): more than %d values after expanding aliases: refused", orRoot(path), n.Line, maxScenarioNodes))
	}
	if k.nodes >= maxScenarioNodes {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // null keeps the default
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			k.add(fmt.Errorf("%s (line %d): want a name, got %s", orRoot(path), n.Line, kindName(n)))
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			k.add(fmt.Errorf("%s (line %d): %v", orRoot(path), n.Line, err))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			k.add(fmt.Errorf("%s (line %d): expected a mapping of fields, got %s", orRoot(path), n.Line, kindName(n)))
			return
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fields[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			p := joinPath(path, key.Value)
			if key.Tag == "!!merge" {
				k.add(fmt.Errorf("%s (line %d): merge keys (<<) are not supported: write the fields out (aliases such as *name are)", orRoot(path), key.Line))
				continue
			}
			ft, ok := fields[key.Value]
			if !ok {
				where, shown := k.listed[t]
				if !shown {
					k.listed[t] = orRoot(path)
					k.add(fmt.Errorf("%s (line %d): unknown field; known fields here: %s", p, key.Line, strings.Join(names, ", ")))
				} else {
					k.add(fmt.Errorf("%s (line %d): unknown field (known fields as listed for %s)", p, key.Line, where))
				}
				continue
			}
			k.walk(n.Content[i+1], ft, p)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			k.add(fmt.Errorf("%s (line %d): expected a list, got %s", orRoot(path), n.Line, kindName(n)))
			return
		}
		for i, c := range n.Content {
			k.walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Float64, reflect.Int, reflect.Bool, reflect.String:
		if err := k.scalar(n, t.Kind(), path); err != nil {
			k.add(err)
		}
	}
}

// scalar checks that n is a value for a field of kind kd: a finite number
// within the float64 range, an integer, true or false, or a string.
func (k *keyChecker) scalar(n *yaml.Node, kd reflect.Kind, path string) error {
	bad := func(what string) error {
		msg := fmt.Sprintf("%s (line %d): %s", path, n.Line, what)
		if r := allowedRange(k.base, path, kd); r != "" {
			msg += "; must be " + r
		}
		return errors.New(msg)
	}
	if n.Kind != yaml.ScalarNode {
		return bad(fmt.Sprintf("want %s, got %s", kindWant(kd), kindName(n)))
	}
	switch kd {
	case reflect.String:
		if n.Tag != "!!str" {
			return bad(fmt.Sprintf("want a string, got %q (quote it)", n.Value))
		}
	case reflect.Bool:
		if n.Tag != "!!bool" {
			return bad(fmt.Sprintf("want true or false, got %q", n.Value))
		}
	case reflect.Float64, reflect.Int:
		var x float64
		var err error
		switch n.Tag {
		case "!!int":
			var i int64
			i, err = strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
			x = float64(i)
		case "!!float", "!!str":
			x, err = strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
			if n.Tag == "!!float" && err != nil {
				// YAML spellings: .nan, .inf, -.inf.
				switch strings.ToLower(strings.TrimLeft(n.Value, "+")) {
				case ".nan":
					x, err = math.NaN(), nil
				case ".inf":
					x, err = math.Inf(1), nil
				case "-.inf":
					x, err = math.Inf(-1), nil
				}
			}
		default:
			return bad(fmt.Sprintf("want %s, got %s", kindWant(kd), kindName(n)))
		}
		var ne *strconv.NumError
		switch {
		case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange):
			return bad(fmt.Sprintf("%s is beyond the range of a %s", n.Value, map[reflect.Kind]string{reflect.Int: "64-bit integer", reflect.Float64: "float64 (about ±1.8e308)"}[kd]))
		case err != nil:
			return bad(fmt.Sprintf("want %s, got %q", kindWant(kd), n.Value))
		case math.IsNaN(x) || math.IsInf(x, 0):
			return bad(fmt.Sprintf("%s is not a finite number", n.Value))
		case kd == reflect.Int && (x != math.Trunc(x) || math.Abs(x) > 1<<53):
			return bad(fmt.Sprintf("want an integer, got %s", n.Value))
		}
	}
	return nil
}

func kindWant(kd reflect.Kind) string {
	switch kd {
	case reflect.Int:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "a string"
}

// allowedRange returns the allowed range of the numeric field at path as
// Validate states it ("in [0, 1]"), found by validating the defaults with
// an out-of-range value there, or "" if the field has none.
func allowedRange(base *Scenario, path string, kd reflect.Kind) string {
	if base == nil || (kd != reflect.Float64 && kd != reflect.Int) {
		return ""
	}
	steps, kind, err := resolvePath(reflect.TypeFor[Scenario](), path)
	if err != nil || kind != kd {
		return ""
	}
	sc := base.Clone()
	v := math.NaN()
	if kd == reflect.Int {
		v = -1 << 40
	}
	if setPath(reflect.ValueOf(sc).Elem(), steps, v, path) != nil {
		return ""
	}
	for _, e := range check.Flatten(sc.Validate()) {
		var fe *FieldError
		if errors.As(e, &fe) && fe.Path == path {
			return fe.Allowed
		}
	}
	return ""
}
