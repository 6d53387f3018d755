package main

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"math"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/backchannel-sim/backchannel/agents"
	"github.com/backchannel-sim/backchannel/internal/check"
	"github.com/backchannel-sim/backchannel/sim"
)

const scenarioUsage = `usage: backchannel scenario [FILE]

Prints the default scenario (or FILE's, validated) as YAML with a comment
above every field: its meaning, unit, default and allowed range. Edit it and
pass it to run, sweep or compare with --scenario FILE; fields left out keep
their defaults, unknown fields are an error. A parties list edits the
default parties by index; a spoilers list replaces the default factions
(the file's header says exactly how).
`

func (c *cli) scenarioCmd(args []string) error {
	fs := c.newFlagSet("scenario", scenarioUsage)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("scenario: at most one FILE, got %d arguments", len(pos))
	}
	file := ""
	if len(pos) == 1 {
		file = pos[0]
	}
	sc, err := loadScenario(file, 0)
	if err != nil {
		return err
	}
	out, err := commentedYAML(sc)
	if err != nil {
		return err
	}
	_, err = c.stdout.Write(out)
	return err
}

// commentedYAML returns s as YAML with a comment above every field, made
// from the field's doc comment in the Go source (fieldDocs, generated and
// checked by TestFieldDocs), its default value (DefaultScenario, or
// agents.DefaultSpoilerParams for listed spoilers) and the allowed range
// that Scenario.Validate enforces (found by validating an invalid value,
// so the comment states exactly what Validate checks). Elements of a list
// after the first are not commented: their fields are those of the first.
func commentedYAML(s *sim.Scenario) ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(s); err != nil {
		return nil, err
	}
	if err := annotate(&root, reflect.TypeFor[sim.Scenario](), nil); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `# backchannel scenario (model %s).
# One round is one week; shares are fractions of the negotiated surplus in [0, 1].
# Use with: backchannel run --scenario FILE. Fields left out keep their defaults;
# unknown fields are an error. Lists: a parties list edits the default parties by
# index (one entry edits side A; write {} first to edit side B only). A spoilers
# list replaces all the default factions rather than editing them: list every
# faction to run (each listed one starts from the default spoiler below). run
# compares the built-in policies; --policy scenario runs the policy field below.

`, sim.ModelVersion)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pathElem is one step of a scenario path: a field (by json tag) or a
// list index.
type pathElem struct {
	field string
	index int // ≥ 0 for a list element
}

func pathString(p []pathElem) string {
	var b strings.Builder
	for _, e := range p {
		if e.field == "" {
			fmt.Fprintf(&b, "[%d]", e.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.field)
	}
	return b.String()
}

func annotate(n *yaml.Node, t reflect.Type, p []pathElem) error {
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			if err := annotate(c, t, p); err != nil {
				return err
			}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if isText(t) || n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				return fmt.Errorf("scenario YAML: key %q has no field in %s", k.Value, t)
			}
			fp := append(append([]pathElem(nil), p...), pathElem{field: k.Value})
			k.HeadComment = fieldComment(t, f, fp)
			if err := annotate(v, f.Type, fp); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
			return annotate(n.Content[0], t.Elem(), append(append([]pathElem(nil), p...), pathElem{index: 0}))
		}
	}
	return nil
}

func isText(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// docKey is the key of a field in fieldDocs: package.Type.json_tag.
func docKey(t reflect.Type, tag string) string {
	return path.Base(t.PkgPath()) + "." + t.Name() + "." + tag
}

// defaultRe matches the "Default …" part of a doc comment, which the
// comment replaces by the true default and the range Validate enforces.
var defaultRe = regexp.MustCompile(`\s*Default\b.*$`)

// fieldComment is the YAML comment of field f of struct t at path p.
func fieldComment(t reflect.Type, f reflect.StructField, p []pathElem) string {
	tag := p[len(p)-1].field
	doc := fieldDocs[docKey(t, tag)]
	doc = defaultRe.ReplaceAllString(doc, "")
	if first, rest, ok := strings.Cut(doc, " "); ok && first == f.Name {
		doc = tag + " " + rest // the Go name reads oddly in a YAML file
	} else if doc == f.Name {
		doc = tag
	}
	doc = strings.TrimSpace(doc)
	if doc != "" && !strings.HasSuffix(doc, ".") && !strings.HasSuffix(doc, ":") {
		doc += "."
	}
	lines := wrap(doc, 90)
	if leaf(f.Type) {
		def := "default"
		if p[0].field == "spoilers" {
			def = "default for a listed spoiler"
		}
		lines = append(lines, fmt.Sprintf("%s %s; allowed: %s", def, defaultOf(p), allowedRange(p, f.Type)))
	}
	for i, l := range lines {
		lines[i] = "# " + l
	}
	return strings.Join(lines, "\n")
}

// leaf reports whether t is a scalar field (not a group or a list).
func leaf(t reflect.Type) bool {
	if isText(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map:
		return false
	}
	return true
}

func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// lookup returns the value at path p in v (a struct value), or an invalid
// Value if a list index is out of range.
func lookup(v reflect.Value, p []pathElem) reflect.Value {
	for _, e := range p {
		if e.field == "" {
			if e.index >= v.Len() {
				return reflect.Value{}
			}
			v = v.Index(e.index)
			continue
		}
		f, ok := fieldByTag(v.Type(), e.field)
		if !ok {
			return reflect.Value{}
		}
		v = v.FieldByIndex(f.Index)
	}
	return v
}

// defaultOf returns the default value of the field at p, as YAML text.
func defaultOf(p []pathElem) string {
	var v reflect.Value
	if p[0].field == "spoilers" && len(p) > 2 {
		v = lookup(reflect.ValueOf(agents.DefaultSpoilerParams()), p[2:])
	} else {
		v = lookup(reflect.ValueOf(*sim.DefaultScenario()), p)
	}
	if !v.IsValid() {
		return "none"
	}
	return formatValue(v)
}

func formatValue(v reflect.Value) string {
	if m, ok := v.Interface().(encoding.TextMarshaler); ok {
		b, err := m.MarshalText()
		if err == nil {
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.Float64, reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.String:
		return strconv.Quote(v.String())
	}
	return fmt.Sprint(v.Interface())
}

// allowedRange returns what Scenario.Validate allows for the field at p:
// it stores an invalid value there (NaN, a huge negative integer, an
// unknown name) in a copy of the default scenario and collects the
// "allowed" part of every error Validate reports for that path.
func allowedRange(p []pathElem, t reflect.Type) string {
	if t.Kind() == reflect.Bool {
		return "true or false"
	}
	s := sim.DefaultScenario().Clone()
	v := lookup(reflect.ValueOf(s).Elem(), p)
	if !v.IsValid() || !v.CanSet() {
		return "see docs/MODEL.md"
	}
	switch v.Kind() {
	case reflect.Float64:
		v.SetFloat(math.NaN())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(-1 << 40)
	case reflect.String:
		v.SetString("\x00invalid")
	default:
		return "see docs/MODEL.md"
	}
	var allowed []string
	for _, e := range check.Flatten(s.Validate()) {
		var fe *sim.FieldError
		if errors.As(e, &fe) && fe.Path == pathString(p) {
			allowed = append(allowed, fe.Allowed)
		}
	}
	if len(allowed) == 0 {
		if t.Kind() == reflect.String {
			return "any text"
		}
		return "any value (not checked)"
	}
	return strings.Join(allowed, " and ")
}
