#!/usr/bin/env bash
# ftsim developer entry point.
#   ./dev.sh run [ftsim run options]   install missing Debian packages, build, run the default design
#   ./dev.sh test [ctest options]      install missing packages (and the tests' own), build, run the whole test suite
#                                      (what CI runs): the suite (build/, GCC), the same suite under ASan+UBSan
#                                      (clang, build-asan/), then every fuzz harness for 60 s (tests/fuzz)
#   ./dev.sh test --quick [ctest opts] the suite in build/ only: the quick check while developing
#   ./dev.sh asan [ctest options]      the sanitizer stages only: the suite under ASan+UBSan, then the fuzz runs
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
               slurmctld slurmd slurm-client munge
               clang libclang-rt-14-dev)
# clang and its compiler-rt (ASan, UBSan, libFuzzer) build build-asan/: the
# suite under the sanitizers and the fuzz harnesses of tests/fuzz.
BUILD_DIR=${FTSIM_BUILD_DIR:-build}
ASAN_BUILD_DIR=${FTSIM_ASAN_BUILD_DIR:-build-asan}
ASAN_TEST_TIMEOUT_S=1200
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

# The suite under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer
# (any report fails the test), then each fuzz harness for 60 s from its
# committed corpus (ctest label `fuzz`; a crash, leak or timeout fails).
# libsystemc's QuickThreads coroutines tell ASan about every stack switch
# (__sanitizer_start/finish_switch_fiber), so no suppression is needed; ASan's
# fake stacks (detect_stack_use_after_return=1) do not survive the switch
# (a SEGV in the first SC_THREAD, EfTrainSystem::control), hence =0.
# After the processes have run, ASan may still hold a coroutine's stack as the
# main thread's; runSystemC (models/common/ScMain.cpp) names the thread's own
# stack again before LeakSanitizer's exit check scans it.
asan_suite() {
  install_missing clang libclang-rt-14-dev
  if [ ! -f "$ASAN_BUILD_DIR/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$ASAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DFTSIM_SANITIZE=ON -DFTSIM_FUZZ=ON
  fi
  cmake --build "$ASAN_BUILD_DIR" -j "$(nproc)"
  # ASan writes its reports to files, not to the programs' stderr: a run that
  # throws across a SystemC coroutine gets ASan's one-line warning about the
  # coroutine's stack ("ignoring requested __asan_handle_no_return"), which
  # would break the tests that check stderr exactly. Every report that is an
  # error is printed and fails the suite below; a sanitizer error also makes
  # its test fail by its exit code.
  local logs
  logs="$(cd "$ASAN_BUILD_DIR" && pwd)/sanitizer-logs"
  rm -rf "$logs" && mkdir -p "$logs"
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:check_initialization_order=1:detect_stack_use_after_return=0:abort_on_error=0:log_path=$logs/asan
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # A test without a TIMEOUT of its own is stopped after ASAN_TEST_TIMEOUT_S
  # (ctest's default, 1500 s, is longer than the sanitized suite should take).
  local rc=0
  (cd "$ASAN_BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout "$ASAN_TEST_TIMEOUT_S" -LE '^fuzz$' "$@") || rc=$?
  [ $rc -eq 0 ] && { (cd "$ASAN_BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" -L '^fuzz$' "$@") || rc=$?; }
  if grep -lE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$logs"/* >/dev/null 2>&1; then
    echo "dev.sh: sanitizer reports:" >&2
    grep -lE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$logs"/* | xargs cat >&2
    rc=1
  fi
  local warned
  warned=$(ls "$logs" | wc -l)
  [ "$warned" -gt 0 ] && echo "dev.sh: $warned sanitizer log(s) without errors in $logs (warnings only)" >&2
  return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)   build; exec "$BUILD_DIR/ftsim" run "$DEFAULT_DESIGN" "$@" ;;
  test)  quick=0
         if [ "${1:-}" = --quick ]; then quick=1; shift; fi
         install_missing "${TEST_PACKAGES[@]}"; build
         (cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" "$@") ||
           { echo "dev.sh: the suite in $BUILD_DIR failed; the sanitizer and fuzz stages did not run" >&2; exit 1; }
         if [ $quick = 0 ]; then asan_suite "$@"; fi ;;
  asan)  install_missing "${TEST_PACKAGES[@]}"; asan_suite "$@" ;;
  build) build ;;
  deps)  printf '%s\n' "${PACKAGES[@]}" "${TEST_PACKAGES[@]}" ;;
  *)     sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
