#!/usr/bin/env bash
# Tests a sharded sweep through deploy/slurm against a live Slurm and the
# real binary: BACKCHANNEL_CMD=sweep submits an array of 3 shards over the
# design points plus the merge job; the merged sweep.csv and table must be
# byte-identical to a single-process sweep with the same flags.
#
# Run it on the throwaway cluster of the CI harness:
#   BACKCHANNEL_BIN=/path/to/backchannel .ci/slurm-e2e.sh deploy/slurm/testdata/sweep-test.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
submit=$here/../submit.sh
: "${BACKCHANNEL_BIN:?set BACKCHANNEL_BIN to the real backchannel binary}"
export BACKCHANNEL_BIN BACKCHANNEL_CMD=sweep BACKCHANNEL_SHARDS=3
BACKCHANNEL_OUT=$(mktemp -d /tmp/bc-sweep.XXXXXX)
export BACKCHANNEL_OUT
trap 'rm -rf "$BACKCHANNEL_OUT"' EXIT
args=(--param policy.reliance=0:1:0.25 --reps 200 --seed 7 --horizon 260)

fail() { echo "sweep-test: FAIL: $*" >&2; exit 1; }

sub=$(SBATCH_EXTRA_ARGS="--time=00:10:00" "$submit" -- "${args[@]}")
a=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$sub") m=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$sub")
[[ $a =~ ^[0-9]+$ && $m =~ ^[0-9]+$ ]] || fail "could not parse job ids: $sub"
# shellcheck disable=SC2016 # expanded by the child bash, on purpose
timeout 300 bash -c 'while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do sleep 1; done' _ "$a,$m" ||
  fail "jobs $a,$m did not finish in 300s"
[[ -s $BACKCHANNEL_OUT/merged.txt && -s $BACKCHANNEL_OUT/merged/sweep.csv ]] ||
  fail "merge job wrote no merged.txt or merged/sweep.csv (logs: $(cat "$BACKCHANNEL_OUT"/logs/* 2>/dev/null | tail -20))"

single=$BACKCHANNEL_OUT/single
mkdir -p "$single"
(cd "$single" && "$BACKCHANNEL_BIN" sweep --out "$single/out" --no-figures "${args[@]}") >"$single/table.txt" ||
  fail "single-process sweep failed"
cmp "$BACKCHANNEL_OUT/merged/sweep.csv" "$single/out/sweep.csv" || fail "sweep.csv differs"
cmp "$BACKCHANNEL_OUT/merged.txt" "$single/table.txt" || fail "the sweep table differs"
echo "sweep-test: PASS: 3 Slurm shards of a 5-point sweep merge byte-identically to one process"
