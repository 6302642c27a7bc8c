#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on this machine, for trying the Slurm recipe
# (deploy/slurm/) for real; test/study/slurm.test.ts uses it.
#
#   bash scripts/slurm-local.sh start DIR   # munged + slurmctld + slurmd, everything under DIR
#   export SLURM_CONF=DIR/slurm.conf        # then sbatch/squeue/sacct talk to it
#   bash scripts/slurm-local.sh stop DIR    # stops the three daemons started in DIR
#
# Needs root and Debian's slurm-wlm and munge (scripts/setup/cluster.sh installs them). Nothing
# outside DIR is touched: its own munge key and socket, state, spool, logs, pid files and ports.
set -euo pipefail
# shellcheck source=setup/common.sh
source "$(dirname "$0")/setup/common.sh"

cmd="${1:-}"
DIR="${2:-}"
[ -n "$cmd" ] && [ -n "$DIR" ] || die "usage: slurm-local.sh start|stop DIR" "give a command and a directory"

stop_pid() { # stop_pid FILE: stop the process whose pid FILE holds, if it runs
  [ -f "$1" ] || return 0
  local pid
  pid="$(cat "$1")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

if [ "$cmd" = stop ]; then
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munged.pid"
  exit 0
fi
[ "$cmd" = start ] || die "unknown command '$cmd'" "use start or stop"
[ "$(id -u)" = 0 ] || die "a local Slurm cluster needs root (slurmd starts jobs as their users)" "run as root"
for b in munged mungekey slurmctld slurmd sbatch sinfo; do
  need "$b" || die "$b is not installed" "run: bash scripts/setup/cluster.sh (installs Debian's slurm-wlm and munge)"
done

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
chmod 755 "$DIR" # munged needs every directory on its socket's path to be searchable
mkdir -p -m 755 "$DIR/munge" "$DIR/state" "$DIR/spool"
[ -f "$DIR/munge.key" ] || mungekey --create --keyfile="$DIR/munge.key"
chmod 600 "$DIR/munge.key"

# Two free TCP ports for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <(node -e '
const net = require("node:net");
const free = () => new Promise((r) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
Promise.all([free(), free()]).then((p) => console.log(p.join(" ")));')
HOST="$(hostname -s)"
CPUS="$(nproc)"
# 80% of the memory, but at least the 4 GB a shard asks for (--mem=4G): with config_overrides
# slurmd takes the node as configured (memory is not enforced here: no cgroups).
MEM_MB="$(awk '/MemTotal/ { m = int($2 / 1024 * 0.8); print (m < 8192 ? 8192 : m) }' /proc/meminfo)"

cat > "$DIR/slurm.conf" <<CONF
ClusterName=normlab-local
SlurmctldHost=$HOST
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmdTimeout=60
SlurmdParameters=config_overrides
MinJobAge=600
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$DIR/slurm.conf"
munged --key-file="$DIR/munge.key" --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munged.pid" \
  --log-file="$DIR/munged.log" --seed-file="$DIR/munged.seed"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"

# Ready when the node is idle.
for _ in $(seq 120); do
  state="$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)"
  if [ "$state" = idle ]; then
    info "single-node Slurm up in $DIR (node $HOST, $CPUS CPUs, ${MEM_MB} MB); export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "slurm-local: the node did not become idle (state '${state:-none}'); logs:" >&2
tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
exit 1
