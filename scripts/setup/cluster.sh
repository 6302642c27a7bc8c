#!/usr/bin/env bash
# Debian's Slurm (slurm-wlm) and munge, for the test that runs the Slurm recipe on a real
# single-node cluster (test/study/slurm.test.ts, through scripts/slurm-local.sh). Installs only
# what is missing; as root with apt-get, like the browser step.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
missing=()
for b in slurmctld slurmd sbatch munged mungekey; do need "$b" || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then info "cluster: slurm-wlm and munge installed"; exit 0; fi
if [ "$(id -u)" = 0 ] && need apt-get; then
  step "cluster: apt-get install slurm-wlm munge (for the real Slurm test; missing: ${missing[*]})"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null \
      || die "apt could not install slurm-wlm and munge" "install Debian's slurm-wlm and munge"
  fi
  # The packages start their system daemons; the test runs its own in a temporary directory.
  for unit in slurmctld slurmd munge; do
    if need systemctl; then systemctl stop "$unit" >/dev/null 2>&1 || true; fi
  done
else
  die "Slurm is not installed (missing: ${missing[*]})" "install it as root: apt-get install slurm-wlm munge"
fi
