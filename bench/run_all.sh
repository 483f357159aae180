#!/usr/bin/env bash
# Runs every benchmark against the build in BUILD_DIR and prints a markdown block for
# docs/PERFORMANCE.md. usage: bench/run_all.sh BUILD_DIR [extra args for run_http.sh]
# Benchmarks write into temporary directories under BUILD_DIR (a real disk, not a tmpfs).
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [run_http.sh options]" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
bench=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "$build/bench-results-XXXXXX")
trap 'rm -rf "$out"' EXIT

for target in bench_decision bench_sqlite_baseline; do
  [[ -x $build/bench/$target ]] || cmake --build "$build" --target "$target" -- -j2 >&2
done

echo "== bench_decision" >&2
"$build/bench/bench_decision" --benchmark_format=json >"$out/decision.json"
echo "== bench_sqlite_baseline" >&2
(cd "$build" && "$build/bench/bench_sqlite_baseline" --benchmark_format=json) >"$out/sqlite.json"

pimd=$build/src/apps/pimd/pimd
if [[ -x $pimd ]]; then
  echo "== run_http.sh" >&2
  (cd "$build" && "$bench/run_http.sh" "$pimd" --sqlite-baseline "$build/bench/bench_sqlite_baseline" "$@") \
    | tee "$out/http.txt" >&2 || echo "run_http.sh failed; see above" >&2
else
  echo "== $pimd not built: HTTP figures pending" >&2
fi

python3 "$bench/make_report.py" --build "$build" --decision "$out/decision.json" \
  --sqlite "$out/sqlite.json" --http "$out/http.txt"
