#!/usr/bin/env bash
# Open MPI and MPICH from Debian's packages, for the collectives tests (and a developer's first DDP run).
#   scripts/mpi.sh install   install whichever of the two is missing, both in one apt-get, as root
#   scripts/mpi.sh check     exit 0 only if both launchers and libraries are present
# Open MPI: mpirun.openmpi and libmpi.so.40; MPICH: mpirun.mpich and libmpich.so.12. Neither is needed to build.
set -euo pipefail

fail() { echo "mpi: $*" >&2; exit 1; }

# grep -q stops reading early; with pipefail the SIGPIPE of ldconfig would read as "missing", so no pipe.
have() { command -v "$1" >/dev/null && grep -q "$2" <(ldconfig -p); }

missing() {
  local packages=()
  have mpirun.openmpi libmpi.so.40 || packages+=(openmpi-bin)
  have mpirun.mpich libmpich.so.12 || packages+=(mpich)
  echo "${packages[@]}"
}

install_packages() {
  local packages
  packages="$(missing)"
  [ -z "$packages" ] && { echo "mpi: Open MPI and MPICH are installed"; return; }
  [ "$(id -u)" = 0 ] || fail "$packages not installed and installing needs root (apt-get install $packages)."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -qq $packages >/dev/null || fail "apt-get install $packages failed"
  [ -z "$(missing)" ] || fail "apt-get install $packages succeeded but $(missing) still missing"
  echo "mpi: installed $packages"
}

case "${1:-install}" in
  install) install_packages ;;
  check) [ -z "$(missing)" ] || fail "missing: $(missing) (run scripts/mpi.sh install as root)" ;;
  *) echo "usage: $0 install|check" >&2; exit 2 ;;
esac
