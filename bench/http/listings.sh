#!/usr/bin/env bash
# Start-up and listing latency on a copy of a database that selfActivate runs have filled.
#
#   bench/run_http.sh BUILD/src/apps/pimd/pimd --users 6000 --prepare-only    # once; prints DIR
#   bench/http/ab_activate.sh DIR BUILD/src/apps/pimd/pimd                    # fills DIR/ab-run
#   bench/http/listings.sh DIR BUILD/src/apps/pimd/pimd [LABEL]
#
# Copies DIR/ab-run/data (else DIR/data), starts pimd on CPU 0 and prints: the seconds until it
# listens and its peak resident memory then (VmHWM), the objects per kind, then the median of 20
# GETs (keep-alive, one client) of: one user's own listings (the user of the first line of
# DIR/pairs.tsv, signed in with the password http_bench.py gave it) and a reader's pages of 10 (the
# break-glass administrator, DIR/admin-password.txt), with a $filter that matches nothing and with
# one on that user's principalId; then the audit log (median of 3): a page of 10, $count, and the
# oldest record by id.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 PREPARED_DIR PIMD [LABEL]" >&2; exit 2; }
prepared=$(cd "$1" && pwd)
pimd=$2
label=${3:-run}
source_data=$prepared/ab-run/data
[[ -f $source_data/pim.db ]] || source_data=$prepared/data
for f in "$source_data/pim.db" "$prepared/pairs.tsv" "$prepared/admin-password.txt"; do
  [[ -f $f ]] || { echo "$0: $f missing (make it with run_http.sh --prepare-only)" >&2; exit 2; }
done
run=$prepared/listings-run
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"
start_pimd_on_copy "$source_data" "$run" 0
ready=$(date +%s.%N)
peak=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
kinds=$(python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(", ".join("%s %d" % row for row in db.execute(
    "SELECT kind, COUNT(*) FROM objects GROUP BY kind ORDER BY COUNT(*) DESC")))' "$run/data/pim.db")
printf '%-10s ready in %.2f s, peak RSS %d MiB; objects: %s\n' "$label" \
  "$(echo "$ready - $pimd_started" | bc)" $((peak / 1024)) "$kinds"

python3 - "$port" "$run/data/pim.db" "$(head -1 "$prepared/pairs.tsv" | cut -f2)" \
  "$(cat "$prepared/admin-password.txt")" "$label" <<'PY'
import http.client, json, sqlite3, statistics, sys, time, urllib.parse
port, db_path, user_id, admin_password, label = sys.argv[1:]
conn = http.client.HTTPConnection("127.0.0.1", int(port))

def call(method, path, token=None, body=None, headers=None):
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()

def sign_in(username, password):
    status, body = call("POST", "/oauth2/v2.0/token", body=urllib.parse.urlencode(
        {"grant_type": "password", "username": username, "password": password}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        sys.exit("sign-in of %s failed: %d %s" % (username, status, body[:200]))
    return json.loads(body)["access_token"]

admin_token = sign_in("admin@pim.local", admin_password)
# http_bench.py names its users bench-RUN-I@pim.local with the password Bench-user-pw-RUN-I.
db = sqlite3.connect("file:" + db_path + "?mode=ro", uri=True)
(body,) = db.execute("SELECT body FROM objects WHERE kind = 'principal' AND id = ?",
                     (user_id,)).fetchone()
upn = json.loads(body)["upn"]
(oldest_audit_id,) = db.execute("SELECT id FROM audit ORDER BY seq LIMIT 1").fetchone()
user_token = sign_in(upn, "Bench-user-pw-" + upn.split("@")[0][len("bench-"):])
base = "/v1.0/roleManagement/directory/"
nothing = urllib.parse.quote("status eq 'PendingApproval'")
one_user = urllib.parse.quote("principalId eq '%s'" % user_id)
cases = [
    ("own", user_token, "roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')"),
    ("own", user_token, "roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')"),
    ("own", user_token, "roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')"),
    ("reader", admin_token, "roleAssignmentScheduleRequests?$top=10"),
    ("reader", admin_token, "roleAssignmentScheduleRequests?$top=10&$filter=" + nothing),
    ("reader", admin_token, "roleAssignmentScheduleRequests?$filter=" + one_user),
    ("reader", admin_token, "roleAssignmentScheduleInstances?$filter=" + one_user),
    ("reader", admin_token, "roleEligibilitySchedules?$top=10"),
    ("reader", admin_token, "roleAssignmentScheduleInstances?$top=10"),
]
cases += [
    ("audit", admin_token, "/v1.0/auditLogs/directoryAudits?$top=10"),
    ("audit", admin_token, "/v1.0/auditLogs/directoryAudits?$top=1&$count=true"),
    ("audit", admin_token, "/v1.0/auditLogs/directoryAudits/" + oldest_audit_id),
]
for who, token, path in cases:
    times = []
    for _ in range(20 if who != "audit" else 3):
        started = time.perf_counter()
        status, body = call("GET", path if path.startswith("/") else base + path, token)
        times.append(time.perf_counter() - started)
        if status != 200:
            sys.exit("GET %s: %d %s" % (path, status, body[:200]))
    items = len(json.loads(body).get("value", [None]))
    print("%-10s %-6s %-75s %3d items  median %7.2f ms" % (
        label, who, urllib.parse.unquote(path), items, statistics.median(times) * 1000))
PY
