#!/usr/bin/env bash
# FAKE backchannel CLI, for testing the Slurm harness only (.ci/slurm-e2e.sh).
# It is NOT the simulator. It mimics the three calls the deploy scripts make,
# with the same contract the real CLI is expected to honour:
#
#   run --shard auto [--shard-count N] --save FILE [ARGS...]
#       shard index = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN
#                     (or JOB_COMPLETION_INDEX on Kubernetes),
#       shard count = --shard-count N, else SLURM_ARRAY_TASK_COUNT.
#       Writes a partial result for its slice of the replications to FILE.
#   merge --json FILE...
#       Checks the shards cover 0..N-1 exactly once with identical args and
#       prints the combined result as canonical JSON on stdout.
#   run --json [ARGS...]
#       Computes the whole thing in one process and prints the same canonical
#       JSON, so `cmp merged.json single.json` must succeed.
#
# The "simulation" is a deterministic sum over replications k in [0, reps):
#   f(k) = (k*k*seed + 12345) mod 1000003
# Shard i of n handles k in [i*reps/n, (i+1)*reps/n).
#
# Test knobs (environment): FAKE_BACKCHANNEL_SLEEP=SECONDS makes each shard
# sleep (to exercise the dependency); FAKE_BACKCHANNEL_FAIL_SHARD=I makes
# shard I exit 1 (to exercise failure detection).
set -euo pipefail

die() { echo "fake-backchannel: $*" >&2; exit 2; }

partial_sum() { # lo hi seed
  local k s=0
  for ((k = $1; k < $2; k++)); do
    s=$(( s + (k * k * $3 + 12345) % 1000003 ))
  done
  echo "$s"
}

# Parses simulation args (--reps R --seed S); anything else is kept verbatim.
parse_sim_args() {
  REPS=1000 SEED=1 ARGS_CANON=""
  while (($#)); do
    case $1 in
      --reps) REPS=${2:?--reps needs a value}; shift 2 ;;
      --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
      *) die "unknown run argument: $1" ;;
    esac
  done
  [[ $REPS =~ ^[0-9]+$ && $SEED =~ ^[0-9]+$ ]] || die "--reps/--seed must be integers"
  ARGS_CANON="--reps $REPS --seed $SEED"
}

cmd_run() {
  local shard="" count="" save="" json=0 rest=()
  while (($#)); do
    case $1 in
      --shard) shard=${2:?}; shift 2 ;;
      --shard-count) count=${2:?}; shift 2 ;;
      --save) save=${2:?}; shift 2 ;;
      --json) json=1; shift ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  parse_sim_args "${rest[@]+"${rest[@]}"}"
  if [[ -z $shard ]]; then
    ((json)) || die "run without --shard needs --json"
    printf '{"args":"%s","reps":%d,"sum":%d}\n' "$ARGS_CANON" "$REPS" \
      "$(partial_sum 0 "$REPS" "$SEED")"
    return
  fi
  [[ -n $save ]] || die "run --shard needs --save FILE"
  local idx
  if [[ $shard == auto ]]; then
    if [[ -n ${SLURM_ARRAY_TASK_ID:-} ]]; then
      idx=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:?SLURM_ARRAY_TASK_MIN unset} ))
      count=${count:-${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT unset}}
    elif [[ -n ${JOB_COMPLETION_INDEX:-} ]]; then
      idx=$JOB_COMPLETION_INDEX
      [[ -n $count ]] || die "--shard auto under Kubernetes needs --shard-count"
    else
      die "--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set"
    fi
  else
    idx=$shard
    [[ -n $count ]] || die "--shard I needs --shard-count N"
  fi
  ((idx >= 0 && idx < count)) || die "shard index $idx out of range 0..$((count - 1))"
  if [[ ${FAKE_BACKCHANNEL_FAIL_SHARD:-} == "$idx" ]]; then
    echo "fake-backchannel: shard $idx failing on purpose" >&2; exit 1
  fi
  sleep "${FAKE_BACKCHANNEL_SLEEP:-0}"
  local lo=$(( idx * REPS / count )) hi=$(( (idx + 1) * REPS / count ))
  printf '{"shard":%d,"count":%d,"args":"%s","reps":%d,"sum":%d}\n' \
    "$idx" "$count" "$ARGS_CANON" "$REPS" "$(partial_sum "$lo" "$hi" "$SEED")" >"$save"
  echo "fake-backchannel: shard $idx/$count k=[$lo,$hi) -> $save"
}

cmd_merge() {
  [[ ${1:-} == --json ]] || die "merge needs --json"
  shift
  (($#)) || die "merge: no shard files"
  local f line seen=() count="" args="" reps="" sum=0 re
  re='^\{"shard":([0-9]+),"count":([0-9]+),"args":"([^"]*)","reps":([0-9]+),"sum":([0-9]+)\}$'
  for f in "$@"; do
    line=$(<"$f")
    [[ $line =~ $re ]] || die "merge: $f is not a shard file"
    local i=${BASH_REMATCH[1]} c=${BASH_REMATCH[2]} a=${BASH_REMATCH[3]} r=${BASH_REMATCH[4]}
    [[ -z $count || $count == "$c" ]] || die "merge: $f has count $c, expected $count"
    [[ -z $args || $args == "$a" ]] || die "merge: $f has args '$a', expected '$args'"
    [[ -z ${seen[i]:-} ]] || die "merge: shard $i given twice"
    count=$c args=$a reps=$r seen[i]=1
    sum=$(( sum + BASH_REMATCH[5] ))
  done
  ((${#seen[@]} == count)) || die "merge: got ${#seen[@]} of $count shards"
  printf '{"args":"%s","reps":%d,"sum":%d}\n' "$args" "$reps" "$sum"
}

case ${1:-} in
  run) shift; cmd_run "$@" ;;
  merge) shift; cmd_merge "$@" ;;
  *) die "usage: $0 run|merge ..." ;;
esac
