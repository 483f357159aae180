#!/usr/bin/env bash
# Configures and builds pim with CMake + Ninja.
#   scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
# BUILD_DIR defaults to build/ (RelWithDebInfo). Parallelism: PIM_JOBS (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
if (($# > 0)) && [[ "$1" != -* ]]; then
  build_dir=$1
  shift
fi
jobs=${PIM_JOBS:-$(nproc)}

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${PIM_BUILD_TYPE:-RelWithDebInfo}" "$@"
ninja -C "$build_dir" -j "$jobs"
