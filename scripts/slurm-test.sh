#!/usr/bin/env bash
# Tests deploy/slurm/ for real on this machine: a one-node Slurm cluster
# (Debian's slurmctld, slurmd and munge) configured in a temporary folder,
# the sweep submitted as a job array with deploy/slurm/submit.sh, the merge
# job run after it, and the merged sweep.csv compared byte for byte with an
# unsharded run. Every daemon it starts is stopped on exit, however it exits
# (trap); nothing is left in /etc or running.
#
#   bash scripts/slurm-test.sh        (or: make slurm-test)
#
# WFPLAN_BIN=path/to/wfplan skips the build. Needs root for apt-get (skipped when the packages are there). Uses the
# ports 16817 and 16818 (override with SLURMCTLD_PORT, SLURMD_PORT).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { echo "slurm-test: $*" >&2; }

# 1. Packages (idempotent).
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld, slurmd, slurm-client and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q slurmctld slurmd slurm-client munge >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q slurmctld slurmd slurm-client munge >/dev/null; }
fi

# 2. The binary (WFPLAN_BIN: one already built).
if [ -n "${WFPLAN_BIN:-}" ]; then
  wfplan=$(cd "$(dirname "$WFPLAN_BIN")" && pwd)/$(basename "$WFPLAN_BIN")
else
  bash scripts/with-build-tools.sh cargo build --locked -q
  wfplan="${CARGO_TARGET_DIR:-$root/target}/debug/wfplan"
  [ -x "$wfplan" ] || wfplan="$root/target/debug/wfplan"
fi

# 3. A one-node cluster in a temporary folder.
tmp=$(mktemp -d /tmp/wfplan-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    say "failed; logs:"
    tail -n 20 "$tmp"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT INT TERM

host=$(hostname -s)
ctld_port=${SLURMCTLD_PORT:-16817}
slurmd_port=${SLURMD_PORT:-16818}
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/work"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
socket="$tmp/munge/munge.socket"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" \
  --seed-file="$tmp/munge/munged.seed" >>"$tmp/munged.log" 2>&1 &
pids+=($!)

cat >"$tmp/slurm.conf" <<EOF
ClusterName=wfplantest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.out.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/slurmd.out.log" 2>&1 &
pids+=($!)

say "waiting for the node"
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
  case $state in idle*|mix*) break ;; esac
  sleep 1
done
case $state in idle*|mix*) ;; *) say "the node did not come up (state '$state')"; exit 1 ;; esac

# 4. The array, the merge, and the unsharded run.
model="$tmp/work/capped.toml"
cat tests/fixtures/pipeline_supervision.toml >"$model"
printf '\n[[limit]]\nid = "senior_hires"\nexpr = "hire(senior, *)"\nmax = 2\nat = ["2026"]\n' >>"$model"
vary=target.junior_2027.min=0.5:8.5:0.5
start=$(date +%s)
jobs=$(cd "$tmp/work" && WFPLAN="$wfplan" bash "$root/deploy/slurm/submit.sh" 3 "$model" "$tmp/work/merged" -- --vary "$vary")
say "$jobs"
merge_job=$(echo "$jobs" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
for _ in $(seq 300); do
  left=$(squeue -h -o %i 2>/dev/null | wc -l)
  [ "$left" -eq 0 ] && break
  if squeue -h -j "$merge_job" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
    say "an array task failed, so the merge job will never run"
    cat "$tmp"/work/wfplan-*.out >&2 || true
    exit 1
  fi
  sleep 1
done
merge_state=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
say "merge job $merge_job: ${merge_state:-unknown} after $(( $(date +%s) - start )) s"
[ "$merge_state" = COMPLETED ] || { cat "$tmp"/work/wfplan-*.out >&2 || true; exit 1; }
"$wfplan" sweep "$model" --vary "$vary" --out "$tmp/work/whole" --quiet
cmp "$tmp/work/whole/sweep.csv" "$tmp/work/merged/sweep.csv"
say "ok: the merged sweep.csv of 3 array tasks is byte for byte the unsharded one"
