# Sourced by ab_activate.sh and listings.sh.
#
# start_pimd_on_copy DATA RUN CPUS: replaces RUN with a copy of the data directory DATA, starts
# $pimd on it on CPUS (taskset list), waits until it listens (at most 60 s) and sets `pid`, `port`
# and `pimd_started` (date +%s.%N just before the start); pimd is killed when the script exits.
start_pimd_on_copy() {
  local data=$1 run=$2 cpus=$3
  rm -rf "$run"
  mkdir -p "$run"
  cp -r "$data" "$run/data"
  # cp leaves the copy (hundreds of MB) dirty in the page cache: pimd's first fsync of the
  # database file would write it all back while the run is measured.
  sync "$run/data"/*
  pimd_started=$(date +%s.%N)
  taskset -c "$cpus" "$pimd" --data "$run/data" --listen 127.0.0.1:0 --argon2-memory-kib 8192 \
    --argon2-passes 1 >"$run/stdout" 2>"$run/stderr" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1200); do
    grep -q "^listening on" "$run/stdout" 2>/dev/null && break
    sleep 0.05
  done
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$run/stdout")
  [[ -n $port ]] || { echo "$0: pimd did not start; see $run/stderr" >&2; exit 1; }
}
