"""End-to-end harness: runs the real pimd (and pim) binaries in a temporary directory.

Standard library only. The binaries come from the environment (CTest sets them):
  PIMD  path to pimd   (default: <repo>/build/src/apps/pimd/pimd)
  PIM   path to pim    (default: <repo>/build/src/apps/pim/pim)
Set PIM_KEEP_TMP=1 to keep the temporary directories for inspection.

PimServer runs one pimd (init, start, stop with SIGTERM, kill -9, restart). Client speaks HTTP to
it and returns Response(status, headers, body). Totp hands out codes the server accepts. The test
base class with identities and API helpers is pim_testcase.PimTestCase.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import queue
import re
import shutil
import signal
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PIMD = os.environ.get("PIMD") or os.path.join(REPO, "build", "src", "apps", "pimd", "pimd")
PIM = os.environ.get("PIM") or os.path.join(REPO, "build", "src", "apps", "pim", "pim")
ARGON2_ARGS = ["--argon2-memory-kib", "8192", "--argon2-passes", "1"]
START_TIMEOUT_S = 30

# Graph's well-known role template ids (src/core/role_catalog.h).
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
SECURITY_ADMINISTRATOR = "194ae4cb-b126-40b2-bd5b-6091b380977d"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"
SHAREPOINT_ADMINISTRATOR = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"

RD = "/v1.0/roleManagement/directory"
ASSIGNMENT_REQUESTS = RD + "/roleAssignmentScheduleRequests"
ELIGIBILITY_REQUESTS = RD + "/roleEligibilityScheduleRequests"
ASSIGNMENT_INSTANCES = RD + "/roleAssignmentScheduleInstances"
ELIGIBILITY_INSTANCES = RD + "/roleEligibilityScheduleInstances"
APPROVALS = RD + "/roleAssignmentApprovals"
POLICIES = "/v1.0/policies/roleManagementPolicies"
POLICY_ASSIGNMENTS = "/v1.0/policies/roleManagementPolicyAssignments"
AUDITS = "/v1.0/auditLogs/directoryAudits"


# ---------------------------------------------------------------- time and TOTP


def parse_time(text):
    """ISO 8601 with Z (fractional seconds optional) -> aware datetime."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        raise AssertionError("not an ISO 8601 instant: %r" % text)
    base = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    frac = float(m.group(2)) if m.group(2) else 0.0
    tz = timezone.utc
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        hh, mm = int(m.group(3)[1:3]), int(m.group(3)[4:6])
        from datetime import timedelta

        tz = timezone(sign * timedelta(hours=hh, minutes=mm))
    return base.replace(tzinfo=tz).timestamp() + frac


def totp_code(secret_b32, unix_time=None, step=None):
    """RFC 6238 TOTP: 6 digits, 30 s, HMAC-SHA-1 (the same as `oathtool --totp -b SECRET`)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    if step is None:
        step = int((time.time() if unix_time is None else unix_time) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


class Totp:
    """Hands out codes the server will accept: each code once (the server refuses a time step at
    or before the last one used), within its +-1 step window. Waits for the next window when
    the three steps around now are used up."""

    def __init__(self, secret):
        self.secret = secret
        self.last_step = None

    def next_code(self):
        while True:
            now = time.time()
            # Keep clear of a step boundary so that client and server agree on the window.
            if 30 - (now % 30) < 1.5:
                time.sleep(30 - (now % 30) + 0.2)
                continue
            current = int(now // 30)
            step = current - 1 if self.last_step is None else max(self.last_step + 1, current - 1)
            if step > current + 1:
                time.sleep(30 - (now % 30) + 0.2)
                continue
            self.last_step = step
            return totp_code(self.secret, step=step)


# ---------------------------------------------------------------- HTTP


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers  # lower-case names
        self.raw = raw
        self.text = raw.decode("utf-8", "replace")
        self.body = None
        if raw:
            try:
                self.body = json.loads(self.text)
            except ValueError:
                self.body = None

    @property
    def error_code(self):
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None

    @property
    def inner_error(self):
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("innerError") or {}
        return {}

    def __repr__(self):
        return "<HTTP %d %s>" % (self.status, self.text[:600])


class Client:
    """One HTTP(S) client per base URL. Each call opens a connection (simple and robust across
    server restarts)."""

    def __init__(self, base_url, cafile=None):
        self.base_url = base_url.rstrip("/")
        parts = urllib.parse.urlsplit(self.base_url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port
        self.ssl_context = ssl.create_default_context(cafile=cafile) if self.https else None

    def connection(self, timeout=30):
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, token=None, body=None, raw=None, headers=None, timeout=30):
        """`path` is relative ("/v1.0/users?$top=2") or an absolute URL on this server (an
        @odata.nextLink). `body` is JSON-encoded; `raw` is sent as is."""
        if path.startswith("http://") or path.startswith("https://"):
            parts = urllib.parse.urlsplit(path)
            path = parts.path + ("?" + parts.query if parts.query else "")
        path = quote_target(path)
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            hdrs.setdefault("Content-Type", "application/json")
        if token:
            hdrs["Authorization"] = "Bearer " + token
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            raw_body = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw_body)
        finally:
            conn.close()

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, body=None, token=None, **kw):
        return self.request("POST", path, token=token, body=body, **kw)

    def patch(self, path, body=None, token=None, **kw):
        return self.request("PATCH", path, token=token, body=body, **kw)

    def delete(self, path, token=None, **kw):
        return self.request("DELETE", path, token=token, **kw)

    def form(self, path, fields, headers=None):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        return self.request("POST", path, raw=urllib.parse.urlencode(fields), headers=hdrs)

    def token_response(self, username, password, otp=None):
        fields = {"grant_type": "password", "username": username, "password": password}
        if otp is not None:
            fields["otp"] = otp
        return self.form("/oauth2/v2.0/token", fields)


def quote_target(path):
    """Percent-encodes what http.client refuses (spaces, quotes) in a request target, keeping
    the characters OData uses literally ($ ( ) ' = & , /) and existing %XX escapes."""
    return urllib.parse.quote(path, safe="/?&=$(),'%:@!*+;~-._")


# ---------------------------------------------------------------- pimd process


class PimServer:
    """One pimd with its own data directory under a temporary directory."""

    def __init__(self, tmpdir=None, tls_cert=None, tls_key=None, extra_args=()):
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="pim-it-")
        self.data = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "pimd.log")
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.extra_args = list(extra_args)
        self.proc = None
        self.base_url = None
        self.admin_upn = None
        self.admin_password = "Adm1n-" + uuid.uuid4().hex[:20]

    # -- lifecycle
    def init(self, *extra):
        pw_file = os.path.join(self.tmp, "admin-password.txt")
        with open(pw_file, "w") as f:
            f.write(self.admin_password + "\n")
        out = subprocess.run([PIMD, "init", "--data", self.data, "--admin-password-file", pw_file]
                             + ARGON2_ARGS + list(extra),
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("pimd init failed (%d): %s %s" % (out.returncode, out.stdout,
                                                                    out.stderr))
        m = re.search(r"^admin: (\S+)$", out.stdout, re.M)
        if not m:
            raise AssertionError("pimd init printed no 'admin: UPN' line: %r" % out.stdout)
        self.admin_upn = m.group(1)
        return out

    def start(self, data=None):
        if data:
            self.data = data
        args = [PIMD, "--data", self.data, "--listen", "127.0.0.1:0"] + ARGON2_ARGS
        if self.tls_cert:
            args += ["--tls-cert", self.tls_cert, "--tls-key", self.tls_key]
        args += self.extra_args
        log = open(self.log_path, "ab")
        log.write(("\n==== %s\n" % " ".join(args)).encode())
        log.flush()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log)
        log.close()
        lines = queue.Queue()

        def pump(stream, proc=self.proc):
            first = True
            for line in iter(stream.readline, b""):
                if first:
                    lines.put(line)
                    first = False
            stream.close()
            if first:
                lines.put(b"")

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT_S).decode().rstrip("\n")
        except queue.Empty:
            self.kill9()
            raise AssertionError("pimd printed nothing in %ds; log:\n%s" % (START_TIMEOUT_S,
                                                                           self.log_tail()))
        scheme = "https" if self.tls_cert else "http"
        m = re.fullmatch(scheme + r"://127\.0\.0\.1:(\d+)", line.replace("listening on ", "", 1))
        if not line.startswith("listening on ") or not m or m.group(1) == "0":
            self.proc.poll()
            raise AssertionError("unexpected first line from pimd: %r (exit %r); log:\n%s"
                                 % (line, self.proc.returncode, self.log_tail()))
        self.port = int(m.group(1))
        self.base_url = "%s://127.0.0.1:%d" % (scheme, self.port)
        return self.base_url

    def stop(self, timeout=20):
        """SIGTERM; returns pimd's exit code (0 expected)."""
        if not self.proc:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = "timeout after SIGTERM"
        self.proc = None
        return code

    def kill9(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart(self):
        code = self.stop()
        if code != 0:
            raise AssertionError("pimd exited with %r on SIGTERM; log:\n%s" % (code,
                                                                             self.log_tail()))
        return self.start()

    def cleanup(self):
        self.kill9()
        if not os.environ.get("PIM_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return "(no log)"


def run_pim(args, config, env=None, input=None, timeout=60):
    """Runs the pim CLI with PIM_CONFIG=config; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("PIM_PASSWORD", None)
    full_env["PIM_CONFIG"] = config
    full_env.update(env or {})
    return subprocess.run([PIM] + list(args), capture_output=True, text=True, input=input,
                          env=full_env, timeout=timeout)
