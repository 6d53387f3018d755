#!/usr/bin/env bash
# Before/after benchmarks for BENCHMARKS.md. Variants are built from HEAD
# with the optimisations reverted by patching agents/constituency.go.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
out=$(git rev-parse --show-toplevel)/docs/bench
rm -rf /tmp/bv && mkdir -p /tmp/bv
for v in v0-intn-singlesum v1-onedraw-singlesum v2-onedraw-foursums; do
  git -C "$root" worktree remove --force /tmp/bv/$v 2>/dev/null || true
  git -C "$root" worktree add -q --detach /tmp/bv/$v HEAD
  f=/tmp/bv/$v/agents/constituency.go
  case $v in
    v0-intn-singlesum)
      python3 - "$f" <<'PY'
import sys,re
p=sys.argv[1]; s=open(p).read()
s=re.sub(r'\tnn := uint64\(uint32\(n\)\)\n\tif int\(nn\) != n \{\n\t\tpanic\("agents: Deffuant population larger than 2\^32"\)\n\t\}\n','',s)
s=s.replace('''		u := rng.Uint64()
		i, j := ((u>>32)*nn)>>32, ((u&0xffffffff)*nn)>>32''','''		i, j := rng.IntN(n), rng.IntN(n)''')
s=re.sub(r'func \(c \*Constituency\) Mean\(\) float64 \{.*?\n\}\n', '''func (c *Constituency) Mean() float64 {
	s := 0.0
	for _, x := range c.X {
		s += x
	}
	return s / float64(len(c.X))
}
''', s, flags=re.S)
open(p,'w').write(s)
PY
      ;;
    v1-onedraw-singlesum)
      python3 - "$f" <<'PY'
import sys,re
p=sys.argv[1]; s=open(p).read()
s=re.sub(r'func \(c \*Constituency\) Mean\(\) float64 \{.*?\n\}\n', '''func (c *Constituency) Mean() float64 {
	s := 0.0
	for _, x := range c.X {
		s += x
	}
	return s / float64(len(c.X))
}
''', s, flags=re.S)
open(p,'w').write(s)
PY
      ;;
  esac
  (cd /tmp/bv/$v && go test -run XXX -bench "${BENCH:-Replication|KernelFloor|Round}" -benchtime "${BT:-2s}" -count "${COUNT:-6}" . > "$out/$v.txt" 2>&1)
  echo "done $v"
done
