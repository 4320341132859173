#!/usr/bin/env bash
# A sweep run as a Slurm job array on a real, one-node Slurm cluster started
# here: munged, slurmctld and slurmd (Debian's slurm-wlm and munge) with a
# minimal slurm.conf and every state file in a temporary directory. The
# array's results.csv and pareto.csv must equal a local run's byte for byte.
#
#   tests/slurm/slurm_sweep_test.sh FTSIM SOURCE_DIR WORK_DIR
#
# Needs root (the daemons run as root, as in CI). Exit 77 (skipped) when
# root or the packages are missing, except in CI (CI=true), where that fails.
set -euo pipefail
FTSIM=$(readlink -f "$1"); SRC=$(readlink -f "$2"); WORK=$3
SWEEP=configs/sweeps/lenet5-zcu102-small.yaml

skip() {
  if [ "${CI:-}" = true ]; then echo "FAIL (CI): $*" >&2; exit 1; fi
  echo "SKIP: $*" >&2; exit 77
}
[ "$(id -u)" -eq 0 ] || skip "the Slurm test starts slurmctld and slurmd and needs root"
for b in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || skip "$b not found (./dev.sh test installs slurmctld slurmd slurm-client munge)"
done
export PATH="$PATH:/usr/sbin"

rm -rf "$WORK"; mkdir -p "$WORK"; WORK=$(readlink -f "$WORK")
D=$(mktemp -d /tmp/ftsim-slurm.XXXXXX)   # short: the munge socket path must fit in sun_path
chmod 700 "$D"
mkdir -p "$D/state" "$D/spool" "$D/munge"
HOST=$(hostname -s)
CPUS=$(nproc)
BASE=$(( 20000 + ($$ % 5000) * 2 ))

cleanup() {
  set +e
  [ -f "$D/slurmd.pid" ] && kill "$(cat "$D/slurmd.pid")" 2>/dev/null
  [ -f "$D/slurmctld.pid" ] && kill "$(cat "$D/slurmctld.pid")" 2>/dev/null
  [ -f "$D/munged.pid" ] && kill "$(cat "$D/munged.pid")" 2>/dev/null
  sleep 1
  for f in slurmd slurmctld munged; do
    [ -f "$D/$f.pid" ] && kill -9 "$(cat "$D/$f.pid")" 2>/dev/null
  done
  rm -rf "$D"
}
trap cleanup EXIT

dump_logs() {
  for f in "$D"/*.log "$WORK"/slurm/out/slurm/*.log; do
    [ -f "$f" ] && { echo "---- $f"; tail -n 30 "$f"; }
  done
}

# munge: a fresh key and a daemon on a private socket.
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$D/munge/munge.key"
munged --force --key-file="$D/munge/munge.key" --socket="$D/munge/sock" --pid-file="$D/munged.pid" \
       --log-file="$D/munged.log" --seed-file="$D/munge/seed"

cat > "$D/slurm.conf" <<CONF
ClusterName=ftsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$BASE
SlurmdPort=$(( BASE + 1 ))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=ftsim Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -i
slurmd -N "$HOST"

# Wait for the node to come up.
for i in $(seq 1 60); do
  state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null || true)
  case "$state" in idle*|mix*|alloc*) break ;; esac
  sleep 1
done
case "$state" in idle*|mix*|alloc*) ;; *) echo "the Slurm node did not come up (state '$state')"; dump_logs; exit 1 ;; esac
echo "slurm: node $HOST is $state ($CPUS CPUs)"

cd "$SRC"
# The local run, the reference.
"$FTSIM" sweep "$SWEEP" --out "$WORK/local" --jobs 1 --quiet --no-plot

# The same sweep as a 3-task array and its collect job.
ids=$("$FTSIM" sweep "$SWEEP" --out "$WORK/slurm/out" --slurm --array-size 3 --no-plot --quiet)
read -r array collect <<<"$ids"
echo "slurm: submitted array job $array and collect job $collect"
for i in $(seq 1 300); do
  left=$(squeue -h -j "$array,$collect" 2>/dev/null | wc -l)
  [ "$left" -eq 0 ] && break
  sleep 1
done
if [ "$left" -ne 0 ]; then echo "the jobs did not finish in 300 s"; squeue; dump_logs; exit 1; fi
scontrol show job "$collect" 2>/dev/null | grep -o 'JobState=[A-Z]*' || true
echo "slurm: array tasks:"; ls "$WORK/slurm/out/slurm/"

fail=0
for f in results.csv pareto.csv; do
  if [ ! -f "$WORK/slurm/out/$f" ]; then echo "the collect job wrote no $f"; fail=1; continue; fi
  if cmp "$WORK/local/$f" "$WORK/slurm/out/$f"; then echo "slurm: $f equals the local run's ($(wc -l < "$WORK/local/$f") lines)"
  else diff "$WORK/local/$f" "$WORK/slurm/out/$f" | head; fail=1; fi
done
# Each of the 3 tasks ran its share: points i, i+3, ... of the 6.
for t in 0 1 2; do
  [ -f "$WORK/slurm/out/slurm/task-$t.log" ] || { echo "no log of array task $t"; fail=1; }
done
[ "$fail" -eq 0 ] || { dump_logs; exit 1; }
echo "slurm: ok"
