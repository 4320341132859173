#!/usr/bin/env bash
# ftsim developer entry point.
#   ./dev.sh run [ftsim run options]   install missing Debian packages, build, run the default design
#   ./dev.sh test [ctest options]      install missing packages (and the tests' own), build, run the whole test suite
#   ./dev.sh build                     install missing packages and build only
#   ./dev.sh deps                      list the Debian packages ftsim and its tests need
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake ninja-build pkg-config ccache
          libsystemc-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
          libboost-program-options-dev libgtest-dev nlohmann-json3-dev
          python3 python3-matplotlib)
# Packages only the tests need (installed by `test`, listed by `deps`):
# ONNX graphs exported by PyTorch for the ONNX import (tests/onnx); PyTorch is
# also the reference of the functional training step (tests/functional); a
# one-node Slurm for the sweep job-array test (tests/slurm).
TEST_PACKAGES=(python3-torch python3-onnx python3-yaml python3-numpy
               slurmctld slurmd slurm-client munge)
BUILD_DIR=${FTSIM_BUILD_DIR:-build}
DEFAULT_DESIGN=configs/designs/eftrain-vgg16-zcu102.yaml

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "dev.sh: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo=sudo
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  install_missing "${PACKAGES[@]}"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)   build; exec "$BUILD_DIR/ftsim" run "$DEFAULT_DESIGN" "$@" ;;
  test)  install_missing "${TEST_PACKAGES[@]}"; build; cd "$BUILD_DIR" && exec ctest --output-on-failure -j "$(nproc)" "$@" ;;
  build) build ;;
  deps)  printf '%s\n' "${PACKAGES[@]}" "${TEST_PACKAGES[@]}" ;;
  *)     sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
