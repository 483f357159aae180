#!/usr/bin/env python3
"""Turns the outputs of bench/run_all.sh into the markdown block of docs/PERFORMANCE.md."""

import argparse
import datetime
import json
import os
import platform
import re


def cpu_model():
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
    return m.group(1).strip() if m else "?"


def fs_type(path):
    path, best, kind = os.path.realpath(path), "", "?"
    with open("/proc/mounts") as f:
        for line in f:
            mnt, typ = line.split()[1:3]
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, typ
    return kind


def si(x):
    for unit, div in (("M", 1e6), ("k", 1e3)):
        if x >= div:
            return "%.2f%s" % (x / div, unit)
    return "%.0f" % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--decision", required=True)
    ap.add_argument("--sqlite", required=True)
    ap.add_argument("--http")
    a = ap.parse_args()

    print("```")
    print("date        %s" % datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"))
    print("machine     %d CPUs (nproc), %s, %s, build dir on %s" % (
        os.cpu_count(), cpu_model(), platform.release(), fs_type(a.build)))
    with open("/proc/loadavg") as f:
        print("load avg    %s (other work on the machine skews every figure)" %
              " ".join(f.read().split()[:3]))
    print("```")
    print()
    print("| benchmark | result | target |")
    print("|---|---|---|")
    decision = json.load(open(a.decision))
    for b in decision["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        name = b["name"].replace("/min_time:2.000", "").replace("/real_time", "")
        # cpu_time is CPU nanoseconds per decision, summed over threads.
        cpu_rate = 1e9 / b["cpu_time"] if b["cpu_time"] else 0
        extra = ""
        if "index_bytes_per_assignment" in b:
            extra = ", %.0f B/assignment (MemoryBytes), %.0f B/assignment (malloc)" % (
                b["index_bytes_per_assignment"], b["heap_bytes_per_assignment"])
        target = "≥ 2M/s on one core" if name.endswith("threads:1") else "-"
        print("| %s | %s decisions/s wall, %s/s per CPU-second, hit ratio %.2f%s | %s |" % (
            name, si(b["decisions_per_s"]), si(cpu_rate), b["hit_ratio"], extra, target))
    sqlite = json.load(open(a.sqlite))["benchmarks"][0]
    print("| bench_sqlite_baseline (WAL, synchronous=FULL, 1 INSERT/tx) | %s tx/s | baseline |" %
          si(sqlite["tx_per_s"]))

    http = None
    if a.http and os.path.exists(a.http):
        for line in open(a.http):
            if line.startswith("RESULTS "):
                http = json.loads(line[len("RESULTS "):])
    if not http:
        print("| GET role definition, pimd vs nginx | pending (pimd not runnable) | ≥ 50% |")
        print("| durable selfActivate, 16 clients | pending (pimd not runnable) | ≥ 2x SQLite |")
        return
    if "error" in http:
        print("| HTTP benchmarks | failed: %s | |" % http["error"].replace("|", "/")[:200])
    ng, get = http.get("nginx"), http.get("pimd_get")
    if ng and get:
        print("| GET role definition (%d B), wrk -t1 -c%d -d%ds | nginx %s req/s (p99 %.2f ms), "
              "pimd %s req/s (p99 %.2f ms): **%.0f%%** | ≥ 50%% |" % (
                  http["body_bytes"], http["connections"], http["duration_s"], si(ng["rps"]),
                  ng.get("p99_us", 0) / 1e3, si(get["rps"]), get.get("p99_us", 0) / 1e3,
                  100 * get["rps"] / ng["rps"]))
    sa, base = http.get("self_activate"), http.get("sqlite_tx_per_s")
    if sa:
        ratio = " = **%.2fx** SQLite (%s tx/s, same run)" % (sa["created_per_s"] / base, si(base)) \
            if base else ""
        cpu = sa.get("pimd_cpu_us_per_request")
        detail = "; pimd on CPUs %s, %s us of pimd CPU per request; %.1f change sets per "
        detail = detail % (http.get("activate_cpus", "0"), "%.0f" % cpu if cpu else "n/a",
                           sa.get("change_sets_per_transaction", 0)) + "transaction"
        print("| durable selfActivate, wrk -t1 -c%d, %d pairs | %s created/s, p99 %.1f ms%s%s%s "
              "| ≥ 2x SQLite |" % (http["connections"], http.get("pairs", 0),
                                   si(sa["created_per_s"]), sa["p99_us"] / 1e3, ratio,
                                   " (pairs exhausted: lower bound)" if sa["exhausted"] else "",
                                   detail))


if __name__ == "__main__":
    main()
