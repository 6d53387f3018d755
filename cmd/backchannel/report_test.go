package main

import (
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// htmlCounts parses an HTML document that is also well-formed XML (as
// report.html is: the template closes every element and the inline SVG is
// XML) and counts its elements by name; it fails the test if the document
// does not parse.
func htmlCounts(t *testing.T, doc []byte) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(strings.TrimPrefix(string(doc), "<!DOCTYPE html>")))
	d.Entity = xml.HTMLEntity
	n := map[string]int{}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("report.html does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n[se.Name.Local]++
		}
	}
}

// external matches what would make a browser fetch something: a src or
// href to anything but a fragment or data: URL, a CSS url() that is not
// data:, a script or stylesheet link, an @import.
var external = regexp.MustCompile(`(?i)(\s(src|href)\s*=\s*["']?[^"'#\sd]|\s(src|href)\s*=\s*["']?d[^a]|url\(\s*["']?[^"'d]|<script|<link|@import)`)

func TestReportHTML(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		args    []string
		tables  int
		figures int
		csvs    []string
	}{
		{"run", []string{"run", "--reps", "24", "--horizon", "40", "--block-size", "8", "--seed", "3", "--policy", "front-only", "--policy", "parallel", "--trajectories", "2"},
			3, 5, []string{"incidence.csv", "channels.csv", "trajectory-bands.csv", "trajectories.csv", "impasse-incidence.csv", "impasse-counts.csv", "occupancy.csv"}},
		{"sweep", []string{"sweep", "--reps", "6", "--horizon", "30", "--block-size", "4", "--param", "talks.open_rate=0.05:0.15:0.1", "--param", "leaks.insiders=2:6:2"},
			1, 1, []string{"sweep-data.csv"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			r := runCLI(t, nil, nil, nil, args(c.args, "--no-figures", "--out", out)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			doc, err := os.ReadFile(filepath.Join(out, "report.html"))
			if err != nil {
				t.Fatal(err)
			}
			n := htmlCounts(t, doc)
			if n["table"] != c.tables {
				t.Errorf("%d tables, want %d", n["table"], c.tables)
			}
			if n["svg"] != c.figures || n["figure"] != c.figures {
				t.Errorf("%d inline svg in %d figure elements, want %d", n["svg"], n["figure"], c.figures)
			}
			if n["img"] != 0 || n["script"] != 0 || n["link"] != 0 {
				t.Errorf("img %d, script %d, link %d: want none (self-contained)", n["img"], n["script"], n["link"])
			}
			if m := external.FindIndex(doc); m != nil {
				t.Errorf("external reference at byte %d: %q", m[0], doc[m[0]:min(len(doc), m[1]+60)])
			}
			s := string(doc)
			for _, w := range []string{"backchannel " + c.args[0] + " --reps", "model-version", "censored", "Wilson", "horizon:"} {
				if !strings.Contains(s, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			for _, f := range c.csvs {
				fh, err := os.Open(filepath.Join(out, f))
				if err != nil {
					t.Errorf("%s: %v", f, err)
					continue
				}
				rows, err := csv.NewReader(fh).ReadAll()
				fh.Close()
				if err != nil || len(rows) < 2 {
					t.Errorf("%s: %d rows, err %v", f, len(rows), err)
					continue
				}
				if got := strings.Join(rows[0][:5], ","); got != "seed,model_version,scenario,scenario_hash,policy" {
					t.Errorf("%s header starts %q", f, got)
				}
				if rows[1][0] != "3" && c.name == "run" {
					t.Errorf("%s seed column %q, want 3", f, rows[1][0])
				}
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		w, h vg.Length
		ok   bool
	}{
		{"17x9", 17 * vg.Centimeter, 9 * vg.Centimeter, true},
		{"170x90mm", 170 * vg.Millimeter, 90 * vg.Millimeter, true},
		{"7X5in", 7 * vg.Inch, 5 * vg.Inch, true},
		{"17", 0, 0, false},
		{"0x9", 0, 0, false},
		{"-1x9", 0, 0, false},
		{"axb", 0, 0, false},
		{"300x9in", 0, 0, false},
	} {
		w, h, err := parseSize(c.in)
		if (err == nil) != c.ok || (c.ok && (w != c.w || h != c.h)) {
			t.Errorf("parseSize(%q) = %v, %v, %v; want %v, %v, ok %v", c.in, w, h, err, c.w, c.h, c.ok)
		}
	}
	r := runCLI(t, nil, nil, nil, "run", "--size", "17", "--reps", "1")
	if r.code != 2 || !strings.Contains(r.stderr, "--size") {
		t.Errorf("bad --size: exit %d, stderr %q; want 2 naming --size", r.code, r.stderr)
	}
}

func TestFieldLabel(t *testing.T) {
	t.Parallel()
	// Expected labels follow from the doc comments in sim and agents
	// (fielddocs_gen.go): "CostRate is the cost of no deal accrued per
	// round (...)", "Capability c scales the attack hazard".
	for _, c := range []struct{ path, want string }{
		{"spoilers.capability", "Spoilers: capability c"},
		{"talks.open_rate", "Talks: open rate"},
		{"parties.negotiator.cost_rate", "Cost of no deal accrued per round"},
		{"parties[1].negotiator.cost_rate", "Cost of no deal accrued per round (parties[1].negotiator.cost_rate)"},
		{"policy.reliance", "Back-channel reliance P (share of rounds in secret)"},
		{"no.such.field", "no.such.field"},
	} {
		if got := fieldLabel(c.path); got != c.want {
			t.Errorf("fieldLabel(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	got := commandLine([]string{"run", "--label", "Round (weeks)=Week", "--seed", "7", "--title", "it's"})
	want := `backchannel run --label 'Round (weeks)=Week' --seed 7 --title 'it'\''s'`
	if got != want {
		t.Errorf("commandLine = %s, want %s", got, want)
	}
}
