#!/usr/bin/env python3
"""HTTP benchmarks of pimd against nginx and bare SQLite (see docs/PERFORMANCE.md).

  (a) nginx, one worker, serving the role definition JSON pimd serves as a cached static file, measured with
      wrk -t1 -c16 -d10s on the same path;
  (b) pimd: GET /v1.0/roleManagement/directory/roleDefinitions/{Global Administrator} with a
      bearer token, same wrk settings;
  (c) durable selfActivate: N users each eligible for several roles, activation policy without
      MFA/justification/approval; wrk -c16 POSTs one selfActivate per request, each for a distinct
      (user, role) pair, counting only 201s; next to bench_sqlite_baseline's rate on the same disk.

Servers are pinned to CPU 0 and wrk to CPU 1 (taskset) when the machine has 2+ CPUs, so "one
worker" means one core for both servers in the GET comparison. For selfActivate pimd may then use
every CPU (--activate-cpus; wrk stays on CPU 1), as a server would. Everything runs in a temporary directory under --workdir
(default: the current directory); it is removed at the end. Python standard library only.

Prints a human summary and one line `RESULTS {json}` for bench/run_all.sh.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
ROLE_DEFINITION_PATH = "/v1.0/roleManagement/directory/roleDefinitions/" + GLOBAL_ADMIN
# Built-in roles used for activation: everything but Global/Privileged Role Administrator.
ACTIVATION_ROLES = [
    "194ae4cb-b126-40b2-bd5b-6091b380977d", "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8", "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "b0f54661-2d74-4c50-afa3-1ec803f12efe", "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "5d6b6bb7-de71-4623-b4af-96380a352509",
]
POLICY_ASSIGNMENTS = "/v1.0/policies/roleManagementPolicyAssignments"
POLICIES = "/v1.0/policies/roleManagementPolicies"
ARGON2_ARGS = ["--argon2-memory-kib", "8192", "--argon2-passes", "1"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------- processes

class Procs:
    """The processes this script started; stopped (only these, by pid) on exit."""

    def __init__(self):
        self.procs = []

    def start(self, args, **kw):
        p = subprocess.Popen(args, **kw)
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=10):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop_all(self):
        for p in reversed(self.procs):
            self.stop(p)


def pin(cpu, args, enabled):
    return (["taskset", "-c", str(cpu)] + args) if enabled else args


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise BenchError("nothing listens on port %d after %ds" % (port, timeout))


def fs_type(path):
    """The file system type of the mount holding `path` (from /proc/mounts)."""
    path = os.path.realpath(path)
    best, kind = "", "?"
    with open("/proc/mounts") as f:
        for line in f:
            parts = line.split()
            mnt = parts[1]
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, parts[2]
    return kind


# ---------------------------------------------------------------------------- HTTP client

class Client:
    """A keep-alive HTTP/1.1 client, one connection per thread."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def request(self, method, path, body=None, token=None, form=None, timeout=60):
        headers = {}
        raw = None
        if form is not None:
            raw = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            raw = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        for attempt in (0, 1):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                     timeout=timeout)
            try:
                conn.request(method, path, body=raw, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode(errors="replace")
        return resp.status, parsed, data

    def expect(self, status, method, path, **kw):
        got, parsed, _ = self.request(method, path, **kw)
        if got != status:
            raise BenchError("%s %s: expected %d, got %d: %s" % (method, path, status, got,
                                                                str(parsed)[:400]))
        return parsed

    def token(self, username, password):
        body = self.expect(200, "POST", "/oauth2/v2.0/token",
                           form={"grant_type": "password", "username": username,
                                 "password": password})
        return body["access_token"]


# ---------------------------------------------------------------------------- wrk

def parse_wrk(text):
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    units = {"us": 1.0, "ms": 1e3, "s": 1e6}
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+([\d.]+)(us|ms|s)\s*$" % pct, text, re.M)
        if m:
            out["p%s_us" % pct] = float(m.group(1)) * units[m.group(2)]
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    return out


def run_wrk(args, url, duration, connections, extra=(), env=None, timeout_pad=60):
    cmd = pin(1, ["wrk", "-t1", "-c%d" % connections, "-d%ds" % duration, "--latency"]
              + list(extra) + [url], args.pin)
    log("$ " + " ".join(c if "Bearer" not in c else "Authorization: Bearer ..." for c in cmd))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=duration + timeout_pad)
    if p.returncode != 0:
        raise BenchError("wrk failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    if p.stderr.strip():
        log(p.stderr.strip()[-2000:])
    return p.stdout


# ---------------------------------------------------------------------------- the benchmarks

def nginx_config(prefix, port, body):
    # The body is served as a static file: nginx's `return 200 '...'` caps strings at 4 KiB, and
    # a role definition is larger. open_file_cache keeps it in memory, as `return` would.
    www = os.path.join(prefix, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "body.json"), "w") as f:
        f.write(body)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/client_body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  open_file_cache max=16 inactive=60s;
  server {{
    listen 127.0.0.1:{port};
    default_type application/json;
    root {www};
    location / {{ try_files /body.json =404; }}
  }}
}}
"""


def bench_nginx(args, procs, work, body):
    prefix = os.path.join(work, "nginx")
    os.makedirs(prefix)
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_config(prefix, port, body))
    p = procs.start(pin(0, ["nginx", "-p", prefix, "-c", conf], args.pin),
                    stdout=subprocess.DEVNULL, stderr=open(os.path.join(prefix, "stderr"), "w"))
    try:
        wait_port(port)
        check = Client(port).request("GET", ROLE_DEFINITION_PATH)
        if check[0] != 200 or check[2] != body.encode():
            raise BenchError("nginx does not serve the expected body")
        out = run_wrk(args, "http://127.0.0.1:%d%s" % (port, ROLE_DEFINITION_PATH),
                      args.duration, args.connections)
    finally:
        procs.stop(p, signal.SIGQUIT)
    return parse_wrk(out)


def start_pimd(args, procs, work):
    data = os.path.join(work, "data")
    pw_file = os.path.join(work, "admin-password.txt")
    password = "Bench-admin-" + os.urandom(8).hex()
    with open(pw_file, "w") as f:
        f.write(password + "\n")
    init = subprocess.run([args.pimd, "init", "--data", data, "--admin-password-file", pw_file]
                          + ARGON2_ARGS, capture_output=True, text=True, timeout=120)
    m = re.search(r"^admin: (\S+)$", init.stdout, re.M)
    if init.returncode != 0 or not m:
        raise BenchError("pimd init failed (%d): %s %s" % (init.returncode, init.stdout,
                                                           init.stderr))
    upn = m.group(1)
    log_file = open(os.path.join(work, "pimd.log"), "w")
    p = procs.start(pin(0, [args.pimd, "--data", data, "--listen", "127.0.0.1:0"] + ARGON2_ARGS,
                        args.pin), stdout=subprocess.PIPE, stderr=log_file)
    first = []
    reader = threading.Thread(target=lambda: first.append(p.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    line = first[0].decode().strip() if first else ""
    m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if not m:
        raise BenchError("pimd's first line was %r (see %s/pimd.log)" % (line, work))
    # Keep draining stdout so pimd never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    return p, int(m.group(1)), upn, password


def set_rule(api, token, role, rule_id, edit):
    _, body, _ = api.request("GET", "%s?$filter=%s" % (POLICY_ASSIGNMENTS, urllib.parse.quote(
        "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '%s'" % role)),
        token=token)
    if not isinstance(body, dict) or not body.get("value"):
        raise BenchError("no policy assignment for role %s: %s" % (role, str(body)[:300]))
    pid = body["value"][0]["policyId"]
    path = "%s/%s/rules/%s" % (POLICIES, pid, rule_id)
    rule = api.expect(200, "GET", path, token=token)
    rule.pop("@odata.context", None)
    if edit(rule):
        api.expect(200, "PATCH", path, body=rule, token=token)


def open_policy(rule):
    rule["enabledRules"] = []
    return True


def no_approval(rule):
    setting = rule.get("setting") or {}
    if not setting.get("isApprovalRequired"):
        return False
    setting["isApprovalRequired"] = False
    return True


def prepare_activations(args, api, admin_token, work):
    """Creates users, eligibilities and tokens; returns the pairs file path and pair count."""
    roles = ACTIVATION_ROLES[:args.roles]
    for role in roles:
        set_rule(api, admin_token, role, "Enablement_EndUser_Assignment", open_policy)
        set_rule(api, admin_token, role, "Approval_EndUser_Assignment", no_approval)
    run = os.urandom(4).hex()
    start = time.monotonic()

    def one_user(i):
        upn = "bench-%s-%d@pim.local" % (run, i)
        password = "Bench-user-pw-%s-%d" % (run, i)
        user = api.expect(201, "POST", "/v1.0/users", token=admin_token, body={
            "displayName": "Bench user %d" % i, "userPrincipalName": upn,
            "mailNickname": "bench%d" % i, "accountEnabled": True,
            "passwordProfile": {"password": password, "forceChangePasswordNextSignIn": False}})
        for role in roles:
            api.expect(201, "POST", "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests",
                       token=admin_token, body={
                           "action": "adminAssign", "principalId": user["id"],
                           "roleDefinitionId": role, "directoryScopeId": "/",
                           "justification": "benchmark eligibility",
                           "scheduleInfo": {"expiration": {"type": "afterDuration",
                                                           "duration": "P30D"}}})
        token = api.token(upn, password)
        return [(token, user["id"], role, "/") for role in roles]

    rows = []
    pool = concurrent.futures.ThreadPoolExecutor(args.setup_threads)
    try:
        futures = [pool.submit(one_user, i) for i in range(args.users)]
        for n, f in enumerate(concurrent.futures.as_completed(futures, args.setup_timeout), 1):
            rows.extend(f.result())
            if n % 250 == 0:
                log("  %d/%d users ready (%.0fs)" % (n, args.users, time.monotonic() - start))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    path = os.path.join(work, "pairs.tsv")
    with open(path, "w") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")
    log("setup: %d users x %d roles = %d pairs in %.1fs" % (args.users, len(roles), len(rows),
                                                            time.monotonic() - start))
    return path, len(rows)


STORE_COUNTERS = {
    "transactions": "pim_store_transactions_total",
    "change_sets": "pim_store_change_sets_total",
    "wal_checkpoints_background": "pim_store_wal_checkpoints_background_total",
    "wal_checkpoints_writer": "pim_store_wal_checkpoints_writer_total",
    "wal_checkpoints_at_cap": "pim_store_wal_checkpoints_at_cap_total",
    # pimd's own count of the selfActivate route's 201s: the check on wrk's count of "created"
    "created_201": 'pim_http_requests_total{route="roleAssignmentScheduleRequests.create",'
                   'method="POST",status="201"}',
}


def store_counters(port):
    """pimd's store counters from /metrics (STORE_COUNTERS' keys; None where absent)."""
    _, _, raw = Client(port).request("GET", "/metrics")
    text = raw.decode(errors="replace")
    def value(name):
        m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
        return float(m.group(1)) if m else None
    return {key: value(name) for key, name in STORE_COUNTERS.items()}


class Prepared(Exception):
    """--prepare-only: the activation database is ready; nothing is measured."""


def cpu_seconds(pid):
    """utime + stime of a process, from /proc (None where there is no /proc)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def bench_self_activate(args, pimd, port, pairs_path):
    env = dict(os.environ, PIM_BENCH_PAIRS=pairs_path)
    if args.pin and args.activate_cpus != "0":
        # pimd was pinned to CPU 0 for the GET comparison ("one worker each"); durable writes
        # have no such rule, so it may use the CPUs given here (wrk stays on CPU 1).
        p = subprocess.run(["taskset", "-a", "-p", "-c", args.activate_cpus, str(pimd.pid)],
                           capture_output=True, text=True)
        if p.returncode != 0:  # e.g. a CPU this machine does not have
            raise BenchError("taskset -c %s failed: %s" % (args.activate_cpus, p.stderr.strip()))
    # The setup just wrote hundreds of MB (the pairs file, pimd's log, the database): without
    # this, the kernel writes them back during the measured run, in front of pimd's fsyncs.
    os.sync()
    before = store_counters(port)
    cpu_before = cpu_seconds(pimd.pid)
    out = run_wrk(args, "http://127.0.0.1:%d/" % port, args.activate_duration, args.connections,
                  extra=["-s", os.path.join(HERE, "self_activate.lua")], env=env)
    m = re.search(r"^SELFACTIVATE (\{.*\})$", out, re.M)
    if not m:
        raise BenchError("the wrk script printed no result:\n" + out)
    r = json.loads(m.group(1))
    r["created_per_s"] = r["created"] / (r["duration_us"] / 1e6)
    cpu_after = cpu_seconds(pimd.pid)
    if None not in (cpu_before, cpu_after) and r["created"] > 0:
        # pimd's CPU (user + system, all threads) per activation, 201s and other answers alike:
        # steadier than the rate on a noisy machine.
        r["pimd_cpu_us_per_request"] = (cpu_after - cpu_before) * 1e6 / r["requests"]
    after = store_counters(port)
    delta = {k: after[k] - before[k] for k in STORE_COUNTERS
             if None not in (before[k], after[k])}
    # wrk counts as created every answer below 400 that arrived within its duration; pimd may
    # have sent up to one more 201 per connection that wrk stopped waiting for. (A labelled
    # counter appears with its first count: absent before the run means 0.)
    served = (after["created_201"] or 0) - (before["created_201"] or 0)
    if not 0 <= served - r["created"] <= args.connections:
        raise BenchError("wrk counted %d created, pimd answered %d with 201" % (r["created"], served))
    if delta.get("transactions", 0) > 0 and "change_sets" in delta:
        r["change_sets_per_transaction"] = delta["change_sets"] / delta["transactions"]
    for k in ("wal_checkpoints_background", "wal_checkpoints_writer", "wal_checkpoints_at_cap"):
        if k in delta:
            r[k] = int(delta[k])
    return r


def sqlite_baseline(args, work):
    if not args.sqlite_baseline or not os.path.exists(args.sqlite_baseline):
        log("bench_sqlite_baseline not found (%s): skipped" % args.sqlite_baseline)
        return None
    cmd = [os.path.abspath(args.sqlite_baseline), "--benchmark_format=json"]
    os.sync()  # as before pimd's run: neither starts behind the other's writeback
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise BenchError("bench_sqlite_baseline failed: " + p.stderr[-1000:])
    b = json.loads(p.stdout)["benchmarks"][0]
    return b["tx_per_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pimd", help="path to the pimd binary")
    ap.add_argument("--sqlite-baseline", help="path to bench_sqlite_baseline")
    ap.add_argument("--workdir", default=".", help="parent of the temporary directory (a disk, "
                    "not tmpfs: pimd's database and the SQLite baseline live there)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per GET run")
    ap.add_argument("--activate-duration", type=int, default=5, help="seconds of selfActivate")
    ap.add_argument("--connections", type=int, default=16)
    # Each (user, role) pair is activated once: 12,000 users x 9 roles last 5 s up to ~21k/s.
    # (2,000 users ran out within 1.5 s at 14k/s, leaving only a lower bound.)
    ap.add_argument("--users", type=int, default=12000, help="users for selfActivate")
    ap.add_argument("--roles", type=int, default=len(ACTIVATION_ROLES),
                    help="eligible roles per user (at most %d)" % len(ACTIVATION_ROLES))
    ap.add_argument("--setup-threads", type=int, default=4)
    ap.add_argument("--setup-timeout", type=int, default=900, help="seconds for all setup")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory (pimd.log, the database) for inspection")
    ap.add_argument("--prepare-only", action="store_true",
                    help="set up the selfActivate users and eligibilities, keep the directory "
                    "and stop, so variants of pimd can be measured on copies of one database")
    ap.add_argument("--skip", action="append", default=[], choices=["nginx", "get", "activate"])
    ap.add_argument("--no-pin", dest="pin", action="store_false",
                    help="do not pin servers to CPU 0 and wrk to CPU 1")
    ap.add_argument("--activate-cpus", default=None,
                    help="CPUs pimd may use during selfActivate (taskset list; default: all; "
                    "0 keeps it on CPU 0 like the GET run)")
    args = ap.parse_args()
    if args.activate_cpus is None:
        args.activate_cpus = "0-%d" % ((os.cpu_count() or 1) - 1)
    if not re.fullmatch(r"\d+(-\d+)?(,\d+(-\d+)?)*", args.activate_cpus):
        ap.error("--activate-cpus: expected a CPU list such as 0, 0-1 or 0,2 (taskset -c), got %r"
                 % args.activate_cpus)
    if args.pin and (os.cpu_count() or 1) < 2:
        args.pin = False
    if args.sqlite_baseline is None:  # BUILD/src/apps/pimd/pimd -> BUILD/bench/...
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(args.pimd)))))
        args.sqlite_baseline = os.path.join(build, "bench", "bench_sqlite_baseline")

    work = tempfile.mkdtemp(prefix="http-bench-", dir=os.path.abspath(args.workdir))
    results = {"workdir_fs": fs_type(work), "pinned": args.pin, "connections": args.connections,
               "duration_s": args.duration}
    if results["workdir_fs"] == "tmpfs":
        log("WARNING: %s is on tmpfs: durable-write figures are meaningless" % work)
    procs = Procs()
    try:
        pimd, port, upn, password = start_pimd(args, procs, work)
        api = Client(port)
        admin_token = api.token(upn, password)
        _, _, body = api.request("GET", ROLE_DEFINITION_PATH, token=admin_token)
        body = body.decode()
        results["body_bytes"] = len(body)
        if "nginx" not in args.skip:
            results["nginx"] = bench_nginx(args, procs, work, body)
        if "get" not in args.skip:
            out = run_wrk(args, "http://127.0.0.1:%d%s" % (port, ROLE_DEFINITION_PATH),
                          args.duration, args.connections,
                          extra=["-H", "Authorization: Bearer " + admin_token])
            results["pimd_get"] = parse_wrk(out)
        if "activate" not in args.skip:
            pairs_path, results["pairs"] = prepare_activations(args, api, admin_token, work)
            if args.prepare_only:
                args.keep = True
                procs.stop(pimd)
                raise Prepared()
            results["self_activate"] = bench_self_activate(args, pimd, port, pairs_path)
            results["activate_cpus"] = args.activate_cpus if args.pin else "any"
            procs.stop(pimd)  # the baseline gets the disk to itself
            results["sqlite_tx_per_s"] = sqlite_baseline(args, work)
    except Prepared:
        log("prepared: %s/data (pimd's database) and %s (token, principal, role, scope per line)"
            % (work, pairs_path))
    except (BenchError, subprocess.TimeoutExpired, concurrent.futures.TimeoutError) as e:
        results["error"] = str(e)
        log("ERROR: %s" % e)
    finally:
        procs.stop_all()
        if args.keep:
            log("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    report(results)
    print("RESULTS " + json.dumps(results), flush=True)
    return 1 if "error" in results else 0


def report(r):
    def fmt(x, unit=""):
        return "n/a" if x is None else ("%.0f%s" % (x, unit))
    ng, get = r.get("nginx", {}), r.get("pimd_get", {})
    if ng or get:
        print("GET role definition (%s B): nginx %s req/s (p99 %s us), pimd %s req/s (p99 %s us)"
              % (r.get("body_bytes"), fmt(ng.get("rps")), fmt(ng.get("p99_us")),
                 fmt(get.get("rps")), fmt(get.get("p99_us"))))
        if ng.get("rps") and get.get("rps"):
            print("  pimd/nginx = %.2f (target >= 0.50)" % (get["rps"] / ng["rps"]))
    sa = r.get("self_activate")
    if sa:
        print("selfActivate, %d clients: %s created/s, p50 %s us, p99 %s us, %d created, "
              "%d other answers%s" % (r["connections"], fmt(sa["created_per_s"]),
                                      fmt(sa["p50_us"]), fmt(sa["p99_us"]), sa["created"],
                                      sa["other"],
                                      " (PAIRS EXHAUSTED: a lower bound)" if sa["exhausted"]
                                      else ""))
        print("  pimd on CPUs %s; pimd CPU time per request: %s us" % (
            r.get("activate_cpus"), fmt(sa.get("pimd_cpu_us_per_request"))))
        if sa.get("change_sets_per_transaction"):
            print("  group commit: %.1f change sets per transaction (pimd /metrics)"
                  % sa["change_sets_per_transaction"])
        if "wal_checkpoints_background" in sa:
            print("  WAL checkpoints: %d by the checkpointer thread, %d by the writer (%d at the "
                  "cap)" % (sa["wal_checkpoints_background"], sa.get("wal_checkpoints_writer", 0),
                            sa.get("wal_checkpoints_at_cap", 0)))
        base = r.get("sqlite_tx_per_s")
        print("  bare SQLite WAL+FULL, 1 insert/tx: %s tx/s" % fmt(base))
        if base:
            print("  selfActivate/SQLite = %.2f (target >= 2.0)" % (sa["created_per_s"] / base))


if __name__ == "__main__":
    sys.exit(main())
