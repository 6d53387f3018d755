#!/usr/bin/env bash
# End-to-end test of deploy/slurm/ on a throwaway single-node Slurm cluster
# running on this machine (localhost), with no systemd and no cgroups.
#
# Usage (as root, on Debian/Ubuntu; from anywhere):
#   BACKCHANNEL_BIN=/path/to/backchannel .ci/slurm-e2e.sh
#       submits deploy/slurm/submit.sh (array of 4 shards + afterok merge),
#       then runs `backchannel run --json` directly and compares byte for byte.
#   .ci/slurm-e2e.sh COMMAND [ARGS...]
#       brings the cluster up and runs COMMAND instead (SLURM_CONF exported,
#       sbatch/squeue/sinfo usable); its exit status is the test's.
#
# Environment:
#   BACKCHANNEL_BIN       binary under test (required for the default test)
#   BACKCHANNEL_ARGS      `run` args, split on spaces (default "--reps 2000 --seed 7")
#   BACKCHANNEL_SHARDS    shard count (default 4)
#   SLURM_E2E_TIMEOUT     overall limit in seconds (default 600)
#   SLURM_E2E_JOB_TIMEOUT limit for the jobs to finish (default 300)
#   SLURM_E2E_PORT        slurmctld port; slurmd uses +1 (default 16817)
#   SLURM_E2E_KEEP=1      keep the temp dir (configs, logs, outputs) for debugging
#
# Exit status: 0 pass; 1 test failure; 3 not root (nothing was tested);
# 4 cluster did not come up; 124 overall timeout.
# The last line is "slurm-e2e: 1 passed, 0 failed" or "slurm-e2e: 0 passed, 1 failed".
set -euo pipefail

log() { printf '[slurm-e2e %3ss] %s\n' "$SECONDS" "$*"; }
repo=$(cd "$(dirname "$0")/.." && pwd)

# --- root, or say so loudly -------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    log "not root; re-running under sudo -n"
    exec sudo -n -E bash "$0" "$@"
  fi
  cat >&2 <<'MSG'
################################################################################
# slurm-e2e: NOT ROOT and no passwordless sudo.
# This test must install packages (apt-get) and start munged/slurmctld/slurmd.
# NOTHING WAS TESTED. Failing on purpose (exit 3) rather than passing silently.
################################################################################
MSG
  echo "slurm-e2e: 0 passed, 1 failed"
  exit 3
fi

# --- overall time limit: re-run self under timeout(1) -----------------------
if [[ -z ${SLURM_E2E_INNER:-} ]]; then
  total=${SLURM_E2E_TIMEOUT:-600}
  rc=0
  SLURM_E2E_INNER=1 timeout -k 60 "$total" bash "$0" "$@" || rc=$?
  if ((rc == 124 || rc == 137)); then
    echo "slurm-e2e: TIMED OUT after ${total}s (SLURM_E2E_TIMEOUT)" >&2
    # 137: cleanup itself was killed and could not print the summary.
    ((rc == 124)) || echo "slurm-e2e: 0 passed, 1 failed"
    exit 124
  fi
  exit "$rc"
fi

PASSED=0
WORK="" MUNGED_PID="" CTLD_PID="" SLURMD_PID="" POLICY_RC_CREATED=0 CLUSTER_UP=0

dump_logs() {
  [[ -n $WORK && -d $WORK ]] || return 0
  log "---- diagnostics ----"
  if ((CLUSTER_UP)); then
    timeout 5 sinfo -N -l 2>&1 || true
    timeout 5 sinfo -R 2>&1 || true
    timeout 5 squeue 2>&1 || true
  fi
  local f
  for f in "$WORK"/out/logs/*.out "$WORK"/log/*.log; do
    [[ -f $f ]] || continue
    echo "---- tail $f"
    tail -n 40 "$f" || true
  done
}

# Last resort if scancel could not end them: job scripts still running from
# our spool dir (their command line names it) and their slurmstepd parents.
kill_leftover_steps() {
  [[ -n $WORK ]] || return 0
  local d pid ppid comm victims=()
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "$WORK/" || continue
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    victims+=("$pid")
    ppid=$(awk '/^PPid:/ {print $2}' "$d/status" 2>/dev/null || true)
    comm=$(cat "/proc/$ppid/comm" 2>/dev/null || true)
    [[ $comm == slurmstepd ]] && victims+=("$ppid")
  done
  if ((${#victims[@]})); then
    log "cleanup: killing leftover job processes ${victims[*]}"
    kill -KILL "${victims[@]}" 2>/dev/null || true
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  ((rc == 0 && PASSED)) || dump_logs
  if ((CLUSTER_UP)); then
    log "cleanup: cancelling jobs"
    timeout 5 scancel --quiet --user=root >/dev/null 2>&1
    # shellcheck disable=SC2016 # expanded by the child bash, on purpose
    timeout 15 bash -c 'while [ -n "$(timeout 3 squeue -h -o %i 2>/dev/null)" ]; do sleep 1; done'
    # A slurmstepd outlives its job briefly; its socket in the spool dir
    # goes away when it is done. Let them finish before stopping slurmd.
    # shellcheck disable=SC2016 # expanded by the child bash, on purpose
    timeout 10 bash -c 'while [ -n "$(find "$1" -maxdepth 1 -type s -name "$2_*" 2>/dev/null)" ]; do sleep 0.5; done' _ "$WORK/spool" "$NODE"
  fi
  local pid
  for pid in "$SLURMD_PID" "$CTLD_PID" "$MUNGED_PID"; do
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$SLURMD_PID" "$CTLD_PID" "$MUNGED_PID"; do
    [[ -n $pid ]] || continue
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  done
  kill_leftover_steps
  ((CTLD_PID || SLURMD_PID || MUNGED_PID)) && log "cleanup: daemons stopped"
  ((POLICY_RC_CREATED)) && rm -f /usr/sbin/policy-rc.d
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${SLURM_E2E_KEEP:-} == 1 ]]; then log "cleanup: kept $WORK"
    else rm -rf "$WORK"; log "cleanup: removed $WORK"; fi
  fi
  if ((rc == 0 && PASSED)); then
    echo "slurm-e2e: 1 passed, 0 failed"
  else
    echo "slurm-e2e: FAILED (exit $rc)" >&2
    echo "slurm-e2e: 0 passed, 1 failed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

fail() { echo "slurm-e2e: FAIL: $*" >&2; exit "${FAIL_RC:-1}"; }

# --- inputs -----------------------------------------------------------------
custom_cmd=("$@")
if ((${#custom_cmd[@]} == 0)); then
  : "${BACKCHANNEL_BIN:?set BACKCHANNEL_BIN to the backchannel binary to test}"
  BIN=$(command -v -- "$BACKCHANNEL_BIN") || fail "BACKCHANNEL_BIN not found: $BACKCHANNEL_BIN"
  [[ $BIN == /* ]] || BIN=$PWD/$BIN
  [[ -x $BIN ]] || fail "BACKCHANNEL_BIN is not executable: $BIN"
  read -ra RUN_ARGS <<<"${BACKCHANNEL_ARGS:---reps 2000 --seed 7}"
  SHARDS=${BACKCHANNEL_SHARDS:-4}
fi

# --- install ----------------------------------------------------------------
t0=$SECONDS
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
   command -v sbatch >/dev/null && command -v munged >/dev/null; then
  log "slurm and munge already installed; skipping apt-get"
else
  command -v apt-get >/dev/null || fail "apt-get not found; this harness needs Debian/Ubuntu"
  # Keep the packages' maintainer scripts from starting the stock daemons
  # (with the stock config) while we install; Docker images already do this.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  timeout 300 apt-get update -qq || fail "apt-get update failed"
  log "apt-get install slurm-wlm munge"
  timeout 400 apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    slurm-wlm munge >/dev/null || fail "apt-get install slurm-wlm munge failed"
  if ((POLICY_RC_CREATED)); then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
  log "installed in $((SECONDS - t0))s"
fi
log "$(slurmctld -V) / $(munged --version 2>&1 | head -n1)"

# --- private cluster dirs ---------------------------------------------------
# Short path: slurmd/slurmstepd put unix sockets in the spool dir (108-byte limit).
WORK=$(mktemp -d /tmp/slurm-e2e.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK"/{munge,state,spool,log,out}
NODE=$(hostname -s 2>/dev/null || true)
NODE=${NODE:-localhost}
PORT=${SLURM_E2E_PORT:-16817}
export SLURM_CONF=$WORK/slurm.conf
t1=$SECONDS

# Daemons run under setsid, in their own session and process group, so that
# the overall timeout's SIGTERM (sent to our process group) reaches only this
# script, whose EXIT trap then cancels the jobs while slurmctld is still up.

# --- munged (own key and socket; does not touch /etc/munge) -----------------
MSOCK=$WORK/munge/munge.socket
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
log "starting munged"
setsid munged --foreground --force --socket="$MSOCK" --key-file="$WORK/munge/munge.key" \
  --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
  --log-file="$WORK/log/munged.log" >>"$WORK/log/munged.stdout" 2>&1 &
MUNGED_PID=$!
# shellcheck disable=SC2016 # expanded by the child bash, on purpose
timeout 30 bash -c 'until munge -n -S "$1" 2>/dev/null | unmunge -S "$1" >/dev/null 2>&1; do sleep 0.2; done' _ "$MSOCK" ||
  FAIL_RC=4 fail "munged did not come up"

# --- slurm.conf -------------------------------------------------------------
# Node hardware exactly as slurmd detects it, so the node is never drained
# for "Low RealMemory"/"Low CPUs".
hw=$(slurmd -C 2>/dev/null | head -n1 || true)
field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$hw"; }
cpus=$(field CPUs); cpus=${cpus:-$(nproc)}
mem=$(field RealMemory); mem=${mem:-$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)}
topo=""
for k in Boards SocketsPerBoard CoresPerSocket ThreadsPerCore; do
  v=$(field "$k"); [[ -n $v ]] && topo+=" $k=$v"
done
cat >"$SLURM_CONF" <<CONF
# Throwaway single-node cluster written by .ci/slurm-e2e.sh
ClusterName=e2e
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups, no accounting daemon, no MPI.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmdTimeout=60
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus$topo RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
log "node $NODE: CPUs=$cpus$topo RealMemory=${mem}MB; config $SLURM_CONF"

# --- slurmctld + slurmd -----------------------------------------------------
log "starting slurmctld and slurmd"
setsid slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/log/slurmctld.stdout" 2>&1 &
CTLD_PID=$!
# shellcheck disable=SC2016 # expanded by the child bash, on purpose
timeout 30 bash -c 'until scontrol ping 2>/dev/null | grep -q UP; do sleep 0.5; done' ||
  FAIL_RC=4 fail "slurmctld did not answer scontrol ping"
setsid slurmd -D -N "$NODE" -f "$SLURM_CONF" >>"$WORK/log/slurmd.stdout" 2>&1 &
SLURMD_PID=$!
CLUSTER_UP=1
# shellcheck disable=SC2016 # expanded by the child bash, on purpose
if ! timeout 60 bash -c 'until [ "$(sinfo -h -n "$1" -o %T 2>/dev/null)" = idle ]; do sleep 0.5; done' _ "$NODE"; then
  FAIL_RC=4 fail "node $NODE not idle after 60s (state: $(sinfo -h -n "$NODE" -o '%T %E' 2>&1))"
fi
log "cluster up: node $NODE idle; daemons started in $((SECONDS - t1))s (install+start $((SECONDS - t0))s)"

# --- custom command ---------------------------------------------------------
if ((${#custom_cmd[@]})); then
  log "running: ${custom_cmd[*]}"
  "${custom_cmd[@]}" || fail "command exited $?: ${custom_cmd[*]}"
  PASSED=1
  exit 0
fi

# --- default test: deploy/slurm array + merge vs. a single run ---------------
OUT=$WORK/out
log "submitting $SHARDS shards + merge via deploy/slurm/submit.sh (args: ${RUN_ARGS[*]})"
sub=$(cd "$WORK" && BACKCHANNEL_BIN=$BIN BACKCHANNEL_OUT=$OUT BACKCHANNEL_SHARDS=$SHARDS \
  SBATCH_EXTRA_ARGS="--time=00:10:00" bash "$repo/deploy/slurm/submit.sh" "${RUN_ARGS[@]}") ||
  fail "submit.sh failed"
printf '%s\n' "$sub"
array_id=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$sub")
merge_id=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$sub")
[[ $array_id =~ ^[0-9]+$ && $merge_id =~ ^[0-9]+$ ]] || fail "could not parse job ids from submit.sh"

log "waiting for array $array_id and merge $merge_id (limit ${SLURM_E2E_JOB_TIMEOUT:-300}s)"
deadline=$((SECONDS + ${SLURM_E2E_JOB_TIMEOUT:-300}))
last=""
while :; do
  q=$(squeue -h -j "$array_id,$merge_id" -o '%i:%T:%r' 2>/dev/null | sort | tr '\n' ' ' || true)
  [[ -z $q ]] && break
  [[ $q == "$last" ]] || log "queue: $q"
  last=$q
  if [[ $q == *DependencyNeverSatisfied* ]]; then
    fail "merge can never run: a shard failed"
  fi
  ((SECONDS < deadline)) || fail "jobs still queued/running after ${SLURM_E2E_JOB_TIMEOUT:-300}s"
  sleep 1
done

# Job states from slurmctld (no slurmdbd, so no sacct); kept for MinJobAge.
bad=0
while IFS= read -r line; do
  [[ -n $line ]] || continue
  id=$(grep -o 'JobId=[0-9]*' <<<"$line" | head -n1)
  task=$(grep -o 'ArrayTaskId=[^ ]*' <<<"$line" || true)
  state=$(grep -o 'JobState=[A-Z_]*' <<<"$line")
  code=$(grep -o ' ExitCode=[0-9:]*' <<<"$line")
  log "job $id ${task:-} $state$code"
  [[ $state == JobState=COMPLETED && $code == ' ExitCode=0:0' ]] || bad=1
done < <(scontrol -o show job "$array_id" 2>&1; scontrol -o show job "$merge_id" 2>&1)
((bad == 0)) || fail "a Slurm job did not complete with exit 0"
n_tasks=$(scontrol -o show job "$array_id" | grep -c 'ArrayTaskId=' || true)
((n_tasks == SHARDS)) || fail "expected $SHARDS array tasks, scontrol shows $n_tasks"

for ((i = 0; i < SHARDS; i++)); do
  [[ -s $OUT/shard-$i.json ]] || fail "missing $OUT/shard-$i.json"
done
[[ -s $OUT/merged.json ]] || fail "missing or empty $OUT/merged.json"

log "single run: $BIN run --json ${RUN_ARGS[*]}"
# From inside $OUT: besides the JSON on stdout, the real CLI writes its
# figures and data files to ./backchannel-out, which must not land in the
# caller's directory.
(cd "$OUT" && "$BIN" run --json "${RUN_ARGS[@]}") >"$OUT/single.json" || fail "single run failed"
log "merged: $(head -c 300 "$OUT/merged.json")"
log "single: $(head -c 300 "$OUT/single.json")"
cmp "$OUT/merged.json" "$OUT/single.json" || fail "merged.json differs from single.json"
log "PASS: merged result of $SHARDS Slurm shards is byte-identical to the single run"
PASSED=1
