#!/usr/bin/env bash
# Tests `deploy/slurm/submit.sh --resume` against a live Slurm, with the fake
# binary: shard 2 fails on the first submission, so the merge is cancelled;
# the resubmission runs ONLY shard 2 (as `--array=2`, where Slurm sets
# SLURM_ARRAY_TASK_MIN=2 and COUNT=1) and must still compute shard 2 of 4.
#
# Run it on the throwaway cluster of the CI harness:
#   .ci/slurm-e2e.sh deploy/slurm/testdata/resume-test.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
submit=$here/../submit.sh
export BACKCHANNEL_BIN=$here/fake-backchannel.sh BACKCHANNEL_SHARDS=4
BACKCHANNEL_OUT=$(mktemp -d /tmp/bc-resume.XXXXXX)
export BACKCHANNEL_OUT
trap 'rm -rf "$BACKCHANNEL_OUT"' EXIT
args=(--reps 3000 --seed 11)

fail() { echo "resume-test: FAIL: $*" >&2; exit 1; }
wait_jobs() { # ids...; bounded
  local ids; ids=$(IFS=,; echo "$*")
  # shellcheck disable=SC2016 # expanded by the child bash, on purpose
  timeout 120 bash -c 'while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do sleep 1; done' _ "$ids" ||
    fail "jobs $ids did not finish in 120s"
}
ids_of() { sed -n "s/^$1=//p" <<<"$2"; }

echo "resume-test: first submission, shard 2 fails on purpose"
sub=$(FAKE_BACKCHANNEL_FAIL_SHARD=2 "$submit" "${args[@]}")
a=$(ids_of ARRAY_JOB_ID "$sub") m=$(ids_of MERGE_JOB_ID "$sub")
wait_jobs "$a" "$m"
[[ ! -e $BACKCHANNEL_OUT/shard-2.json ]] || fail "failed shard left a shard file"
[[ ! -e $BACKCHANNEL_OUT/merged.json ]] || fail "merge ran although a shard failed"
scontrol -o show job "$m" | grep -q 'JobState=CANCELLED' || fail "merge job $m was not cancelled"
for i in 0 1 3; do [[ -s $BACKCHANNEL_OUT/shard-$i.json ]] || fail "shard $i missing"; done

echo "resume-test: plain resubmission into the same directory must be refused"
if "$submit" "${args[@]}" 2>/dev/null; then fail "submit.sh reused a directory holding shards"; fi
echo "resume-test: --resume with different args must be refused"
if "$submit" --resume --reps 1 2>/dev/null; then fail "--resume accepted different args"; fi

echo "resume-test: --resume"
sub=$("$submit" --resume)
printf '%s\n' "$sub"
grep -q 'shards 2 of 4' <<<"$sub" || fail "resume did not resubmit exactly shard 2"
a=$(ids_of ARRAY_JOB_ID "$sub") m=$(ids_of MERGE_JOB_ID "$sub")
wait_jobs "$a" "$m"
grep -q '"shard":2,"count":4' "$BACKCHANNEL_OUT/shard-2.json" || fail "resumed shard is not 2 of 4: $(cat "$BACKCHANNEL_OUT/shard-2.json")"
"$BACKCHANNEL_BIN" run --json "${args[@]}" >"$BACKCHANNEL_OUT/single.json"
cmp "$BACKCHANNEL_OUT/merged.json" "$BACKCHANNEL_OUT/single.json" || fail "merged != single after resume"

echo "resume-test: --resume with nothing missing submits only the merge"
rm -f "$BACKCHANNEL_OUT/merged.json"
sub=$("$submit" --resume)
[[ -z $(ids_of ARRAY_JOB_ID "$sub") ]] || fail "resume resubmitted shards that were present"
wait_jobs "$(ids_of MERGE_JOB_ID "$sub")"
cmp "$BACKCHANNEL_OUT/merged.json" "$BACKCHANNEL_OUT/single.json" || fail "merge-only resume differs"
echo "resume-test: PASS"
