#!/usr/bin/env bash
# A/B loop for durable selfActivate: one run of a pimd binary on a fresh copy of a prepared
# database, so variants are compared on the same data without the minutes of setup.
#
#   bench/run_http.sh BUILD/src/apps/pimd/pimd --users 6000 --prepare-only   # once; prints DIR
#   bench/http/ab_activate.sh DIR BUILD/src/apps/pimd/pimd [LABEL]            # per variant, repeat
#
# pimd runs on CPUS (default: all), wrk -t1 -c16 on CPU 1 for SECONDS (default 3), with
# bench/http/self_activate.lua and DIR/pairs.tsv. Prints one line: created/s, wrk's p50/p99, pimd's
# CPU per request (utime + stime of all its threads, /proc), change sets per transaction and WAL
# checkpoints (pimd's /metrics), then the busiest threads' share of a core. Runs of one binary
# differ by about ±10% on a shared 2-core machine: repeat them. The tokens in pairs.tsv expire
# with their sessions' access tokens (an hour): prepare again after that (0 created/s).
# The copy lives in DIR/ab-run (same disk as the prepared database) and is replaced on each run.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 PREPARED_DIR PIMD [LABEL]" >&2; exit 2; }
prepared=$(cd "$1" && pwd)
pimd=$2
label=${3:-run}
seconds=${SECONDS_OF_WRK:-3}
cpus=${CPUS:-0-$(($(nproc) - 1))}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$prepared/data/pim.db" "$prepared/pairs.tsv"; do
  [[ -f $f ]] || { echo "$0: $f missing (make it with run_http.sh --prepare-only)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "$0: wrk is not installed" >&2; exit 2; }

run=$prepared/ab-run
# shellcheck source=bench/http/lib.sh
source "$here/lib.sh"
start_pimd_on_copy "$prepared/data" "$run" "$cpus"

counters() {  # transactions change_sets background_checkpoints writer_checkpoints 201s
  curl -s "http://127.0.0.1:$port/metrics" | awk '
    $1 == "pim_store_transactions_total" { t = $2 }
    $1 == "pim_store_change_sets_total" { c = $2 }
    $1 == "pim_store_wal_checkpoints_background_total" { b = $2 }
    $1 == "pim_store_wal_checkpoints_writer_total" { w = $2 }
    $1 == "pim_http_requests_total{route=\"roleAssignmentScheduleRequests.create\",method=\"POST\",status=\"201\"}" { s = $2 }
    END { print t + 0, c + 0, b + 0, w + 0, s + 0 }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
threads() {  # tid and CPU ticks of each of pimd's threads
  for t in /proc/"$pid"/task/*; do awk -v tid="$(basename "$t")" '{ print tid, $14 + $15 }' "$t/stat"; done
}

before=$(counters)
ticks_before=$(cpu_ticks "$pid")
threads >"$run/threads.0"
out=$(PIM_BENCH_PAIRS="$prepared/pairs.tsv" ${WRK_WRAP:-} taskset -c 1 wrk -t1 -c16 -d"${seconds}s" --latency \
  -s "${WRK_SCRIPT:-$here/self_activate.lua}" "http://127.0.0.1:$port/" 2>&1)
ticks_after=$(cpu_ticks "$pid")
threads >"$run/threads.1"
after=$(counters)
kill "$pid"
wait "$pid" || true
trap - EXIT

python3 - "$label" "$(echo "$out" | sed -n 's/^SELFACTIVATE //p')" "$before" "$after" \
  "$ticks_before" "$ticks_after" "$(getconf CLK_TCK)" "$seconds" "$run/threads.0" \
  "$run/threads.1" <<'EOF'
import json, sys
label, result, before, after, t0, t1, hz, seconds, th0, th1 = sys.argv[1:]
r = json.loads(result)
b = [float(x) for x in before.split()]
a = [float(x) for x in after.split()]
rate = r["created"] / (r["duration_us"] / 1e6)
cpu_us = (float(t1) - float(t0)) / float(hz) * 1e6 / max(1, r["requests"])
group = (a[1] - b[1]) / max(1, a[0] - b[0])
if not 0 <= (a[4] - b[4]) - r["created"] <= 16:  # wrk's "created" is every answer below 400
    sys.exit("wrk counted %d created, pimd answered %d with 201" % (r["created"], a[4] - b[4]))
print("%-16s %6.0f created/s  p50 %5d us  p99 %6d us  pimd %4.0f us CPU/request  %4.1f per tx  "
      "checkpoints %d background, %d writer%s" % (
          label, rate, r["p50_us"], r["p99_us"], cpu_us, group, a[2] - b[2], a[3] - b[3],
          "  (PAIRS EXHAUSTED: lower bound)" if r["exhausted"] else ""))
start = dict(line.split() for line in open(th0))
busy = []
for line in open(th1):
    tid, ticks = line.split()
    if tid in start:
        busy.append(((float(ticks) - float(start[tid])) / float(hz) / float(seconds), tid))
try:
    print("  threads (share of a core): " + ", ".join("%s %.0f%%" % (tid, 100 * share)
                                                      for share, tid in sorted(busy, reverse=True)[:4]))
except BrokenPipeError:  # piped into head -1
    pass
EOF
