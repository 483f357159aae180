#!/usr/bin/env bash
# HTTP benchmarks: nginx vs pimd on GET role definition, durable selfActivate vs bare SQLite.
# usage: bench/run_http.sh PATH/TO/pimd [--sqlite-baseline PATH] [--users N] [--duration S] ...
# Run it from a directory on a real disk (the build directory): pimd's database and the SQLite
# baseline live in a temporary directory created there. See bench/http/http_bench.py --help.
set -euo pipefail
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "run_http.sh: $tool is not installed" >&2; exit 2; }
done
exec python3 "$(cd "$(dirname "$0")" && pwd)/http/http_bench.py" "$@"
