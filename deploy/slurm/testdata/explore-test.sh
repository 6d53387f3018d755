#!/usr/bin/env bash
# Tests a sharded explore design through deploy/slurm against a live Slurm
# and the real binary: BACKCHANNEL_CMD=explore submits an array of 3 shards
# over the points of a reduced Sobol design plus the merge job; the merged
# points and the Sobol indices computed from them must be byte-identical to
# a single-process run with the same flags.
#
# Run it on the throwaway cluster of the CI harness:
#   BACKCHANNEL_BIN=/path/to/backchannel .ci/slurm-e2e.sh deploy/slurm/testdata/explore-test.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
submit=$here/../submit.sh
: "${BACKCHANNEL_BIN:?set BACKCHANNEL_BIN to the real backchannel binary}"
export BACKCHANNEL_BIN BACKCHANNEL_CMD=explore BACKCHANNEL_SHARDS=3
BACKCHANNEL_OUT=$(mktemp -d /tmp/bc-explore.XXXXXX)
export BACKCHANNEL_OUT
trap 'rm -rf "$BACKCHANNEL_OUT"' EXIT
# 8 base samples over the k default parameters: 8·(k+2) points, 4 reps each.
args=(sobol --n 8 --reps 4 --seed 7 --horizon 260)
analysis=(--resamples 200 --no-figures)

fail() { echo "explore-test: FAIL: $*" >&2; exit 1; }

sub=$(SBATCH_EXTRA_ARGS="--time=00:10:00" "$submit" -- "${args[@]}")
a=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$sub") m=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$sub")
[[ $a =~ ^[0-9]+$ && $m =~ ^[0-9]+$ ]] || fail "could not parse job ids: $sub"
# shellcheck disable=SC2016 # expanded by the child bash, on purpose
timeout 300 bash -c 'while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do sleep 1; done' _ "$a,$m" ||
  fail "jobs $a,$m did not finish in 300s"
[[ -s $BACKCHANNEL_OUT/merged.json ]] ||
  fail "merge job wrote no merged.json (logs: $(cat "$BACKCHANNEL_OUT"/logs/* 2>/dev/null | tail -20))"

single=$BACKCHANNEL_OUT/single
mkdir -p "$single"
"$BACKCHANNEL_BIN" explore "${args[@]}" "${analysis[@]}" --save "$single/whole.json" --out "$single/out" >"$single/table.txt" ||
  fail "single-process explore failed"
"$BACKCHANNEL_BIN" explore sobol --from "$BACKCHANNEL_OUT/merged.json" "${analysis[@]}" --out "$BACKCHANNEL_OUT/analysed" \
  >"$BACKCHANNEL_OUT/table.txt" || fail "explore --from merged.json failed"
cmp "$BACKCHANNEL_OUT/merged.json" "$single/whole.json" || fail "merged points differ from the single run's"
for f in sobol.csv sobol_noise.csv outputs.csv design.csv points.json; do
  cmp "$BACKCHANNEL_OUT/analysed/$f" "$single/out/$f" || fail "$f differs"
done
cmp "$BACKCHANNEL_OUT/table.txt" "$single/table.txt" || fail "the table of indices differs"
echo "explore-test: PASS: 3 Slurm shards of a reduced Sobol design (8 base samples) merge to the single-process indices byte for byte"
