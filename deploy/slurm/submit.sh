#!/usr/bin/env bash
# Submit a sharded backchannel run to Slurm: one job array (one task per
# shard) plus a merge job that runs only if every shard succeeded.
#
# Usage:
#   deploy/slurm/submit.sh [--resume] [--] [backchannel run args...]
#   BACKCHANNEL_CMD=sweep deploy/slurm/submit.sh [--] [backchannel sweep args...]
#   BACKCHANNEL_CMD=explore deploy/slurm/submit.sh [--] sobol|morris|prim [backchannel explore args...]
#
# Environment:
#   BACKCHANNEL_BIN     binary to run (default: `backchannel` on PATH); must be
#                       visible at the same path on the compute nodes
#   BACKCHANNEL_OUT     output directory (default: ./backchannel-out); must be
#                       on a filesystem shared with the compute nodes
#   BACKCHANNEL_SHARDS  number of shards = array tasks (default: 4)
#   BACKCHANNEL_CMD     run (default: shards of replications, merged into
#                       merged.json) or sweep (shards of design points, merged
#                       into merged.txt and merged/sweep.csv + figures) or
#                       explore (shards of an explore design's points, merged
#                       into merged.json for "explore METHOD --from")
#   SBATCH_EXTRA_ARGS   extra sbatch options for both jobs, split on spaces,
#                       e.g. "--partition=short --account=proj42 --time=2:00:00"
#
# --resume: submit only the shards whose shard-<i>.json is missing in
# BACKCHANNEL_OUT (and the merge), reusing the run arguments recorded by the
# first submission. Without --resume an existing BACKCHANNEL_OUT that already
# holds shards is refused, so results of different runs never mix.
#
# Prints ARRAY_JOB_ID=<id> and MERGE_JOB_ID=<id> lines (machine-readable) and
# records them in $BACKCHANNEL_OUT/jobs.env.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
resume=0
if [[ ${1:-} == --resume ]]; then resume=1; shift; fi
if [[ ${1:-} == -- ]]; then shift; fi

shards=${BACKCHANNEL_SHARDS:-4}
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "BACKCHANNEL_SHARDS must be a positive integer" >&2; exit 2; }
bin=${BACKCHANNEL_BIN:-backchannel}
if ! bin_path=$(command -v -- "$bin"); then
  echo "backchannel binary not found: $bin (set BACKCHANNEL_BIN)" >&2; exit 2
fi
[[ $bin_path == /* ]] || bin_path=$PWD/$bin_path
out=${BACKCHANNEL_OUT:-$PWD/backchannel-out}
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
extra=()
read -ra extra <<<"${SBATCH_EXTRA_ARGS:-}"

# Run arguments: recorded on first submission, reused (and checked) on resume.
args_file=$out/run-args
if ((resume)); then
  [[ -f $args_file ]] || { echo "--resume: no $args_file; was this directory submitted before?" >&2; exit 2; }
  mapfile -d '' recorded <"$args_file"
  if (($#)) && [[ "$(printf '%s\0' "$@" | od -c)" != "$(od -c <"$args_file")" ]]; then
    echo "--resume: run args differ from the recorded ones: ${recorded[*]}" >&2; exit 2
  fi
  set -- "${recorded[@]+"${recorded[@]}"}"
  if [[ -f $out/jobs.env ]]; then
    old=$(sed -n 's/^ARRAY_JOB_ID=//p' "$out/jobs.env")
    if [[ -n $old ]] && [[ -n "$(squeue -h -j "$old" -o %i 2>/dev/null || true)" ]]; then
      echo "--resume: array job $old is still queued or running; wait or scancel it first" >&2; exit 2
    fi
  fi
else
  if compgen -G "$out/shard-*.json" >/dev/null; then
    echo "$out already holds shard files; use --resume or another BACKCHANNEL_OUT" >&2; exit 2
  fi
  printf '%s\0' "$@" >"$args_file"
fi

# Which shards to (re)run.
todo=()
for ((i = 0; i < shards; i++)); do
  [[ -s $out/shard-$i.json ]] || todo+=("$i")
done

export BACKCHANNEL_BIN=$bin_path BACKCHANNEL_OUT=$out BACKCHANNEL_SHARDS=$shards

jobid() { # sbatch --parsable prints "id" or "id;cluster"
  local o
  o=$(sbatch --parsable "$@") || return 1
  o=${o%%;*}
  [[ $o =~ ^[0-9]+$ ]] || { echo "could not parse sbatch output: $o" >&2; return 1; }
  echo "$o"
}

array_id=""
dep=()
if ((${#todo[@]})); then
  if ((${#todo[@]} == shards)); then spec=0-$((shards - 1)); else spec=$(IFS=,; echo "${todo[*]}"); fi
  array_id=$(jobid --array="$spec" --export=ALL \
    --output="$out/logs/%x-%A_%a.out" "${extra[@]+"${extra[@]}"}" \
    "$here/backchannel-array.sbatch" "$@")
  echo "submitted array job $array_id (shards $spec of $shards) -> $out"
  dep=(--dependency="afterok:$array_id" --kill-on-invalid-dep=yes)
else
  echo "all $shards shards already present in $out; submitting the merge only"
fi
merge_id=$(jobid "${dep[@]+"${dep[@]}"}" --export=ALL \
  --output="$out/logs/%x-%j.out" "${extra[@]+"${extra[@]}"}" \
  "$here/backchannel-merge.sbatch")
echo "submitted merge job $merge_id${array_id:+ (afterok:$array_id)} -> $out/merged.json"

printf 'ARRAY_JOB_ID=%s\nMERGE_JOB_ID=%s\n' "$array_id" "$merge_id" | tee "$out/jobs.env"
