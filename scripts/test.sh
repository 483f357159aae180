#!/usr/bin/env bash
# `make test`: the full test suite, as CI runs it.
#  1. build/ (RelWithDebInfo, warnings are errors): unit + integration + graphjs tests via CTest;
#  2. build-asan/ (ASan + UBSan, libraries without Beast): their unit tests.
# Both stages run even if the first fails; the exit status is non-zero if either failed.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${PIM_JOBS:-2}
export PIM_JOBS=$jobs
build=${PIM_BUILD_DIR:-build}          # override to keep several checkouts' builds apart
asan=${PIM_ASAN_BUILD_DIR:-build-asan}

scripts/install-deps.sh
# The Graph SDK for tests/graphjs: `npm ci` unless node_modules already matches the lock file.
if [[ -f tests/graphjs/package-lock.json ]]; then
  (cd tests/graphjs && { npm ls --all >/dev/null 2>&1 || npm ci --no-audit --no-fund; })
fi

failed=()

echo "== $build/ (RelWithDebInfo, -Werror)"
if scripts/build.sh "$build" -DPIM_WERROR=ON; then
  ctest --test-dir "$build" --output-on-failure -j "$jobs" || failed+=("ctest $build/")
else
  failed+=("build $build/")
fi

echo "== $asan/ (ASan + UBSan, libraries only)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# GCC's manual: sanitizers raise the rate of false -Wmaybe-uninitialized warnings, so that one
# warning is off in this build (it stays an error in the normal build above).
if scripts/build.sh "$asan" -DPIM_LIBS_ONLY=ON -DPIM_SANITIZE=ON -DPIM_WERROR=ON \
    -DCMAKE_CXX_FLAGS=-Wno-maybe-uninitialized; then
  ctest --test-dir "$asan" --output-on-failure -j "$jobs" || failed+=("ctest $asan/")
else
  failed+=("build $asan/")
fi

if ((${#failed[@]} > 0)); then
  echo "== make test FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== make test passed"
