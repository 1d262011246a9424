#!/usr/bin/env bash
# A one-machine Slurm cluster for the sweep tests: munge + slurmctld + slurmd from Debian's packages, as root,
# without systemd or cgroups. State, logs and PID files live in $LIGHTNING_SLURM_DIR (default /tmp/lightning-slurm).
#   scripts/slurm-single-node.sh up       install the packages if missing, write slurm.conf, start the daemons
#   scripts/slurm-single-node.sh down     stop the daemons started by 'up'
#   scripts/slurm-single-node.sh env      print the SLURM_CONF line clients need
# Clients need SLURM_CONF=$LIGHTNING_SLURM_DIR/slurm.conf.
set -euo pipefail

dir=${LIGHTNING_SLURM_DIR:-/tmp/lightning-slurm}
conf=$dir/slurm.conf
export SLURM_CONF=$conf

fail() { echo "slurm-single-node: $*" >&2; exit 1; }

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && return
  [ "$(id -u)" = 0 ] || fail "Slurm is not installed and installing it needs root (apt-get install slurm-wlm munge)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq slurm-wlm munge >/dev/null || fail "apt-get install slurm-wlm munge failed"
}

write_config() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  # GNU nproc answers OMP_NUM_THREADS when it is set (build.sh and the tests set it to 1): a node of one CPU would
  # leave 'srun -n 2' queued for ever and run one sweep trial at a time.
  local cpus
  cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
  # One node named localhost with every CPU; no accounting, no cgroups (neither exists in a sandbox).
  cat > "$conf" <<CONF
ClusterName=lightning
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_daemons() {
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  [ -S /run/munge/munge.socket.2 ] && munge -n >/dev/null 2>&1 || runuser -u munge -- /usr/sbin/munged
  munge -n | unmunge >/dev/null || fail "munge does not round-trip a credential"
  # -c: a test cluster starts empty; jobs an earlier run left queued (a killed test, a dead controller) would
  # otherwise come back from the state folder and hold the one node, so every new trial waits behind them.
  running "$dir/slurmctld.pid" || slurmctld -c || fail "slurmctld did not start; see $dir/log/slurmctld.log"
  running "$dir/slurmd.pid" || slurmd -N localhost || fail "slurmd did not start; see $dir/log/slurmd.log"
  for _ in $(seq 1 120); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "slurm-single-node: up ($conf)"
      return
    fi
    sleep 0.25
  done
  fail "the node did not become idle; see $dir/log/"
}

stop_daemons() {
  local pids=()
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    if running "$pidfile"; then
      pids+=("$(cat "$pidfile")")
      kill "${pids[-1]}"
    fi
  done
  # Waits for them to exit: a slurmctld still saving its state when the next test's 'up' runs looks running, is not
  # started again, then exits, and that test waits for a controller that never answers.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  done
  return 0
}

case "${1:-up}" in
  up) install_packages; write_config; start_daemons ;;
  down) stop_daemons ;;
  env) echo "SLURM_CONF=$conf" ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
