"""Bad input of every kind gets the right 4xx and a Graph error body, and changes nothing.

After each refusal the relevant collections are listed again and must be identical; the only new
audit records allowed are refusals (result "failure")."""

import contextlib
import http.client
import io
import json
import socket
import sqlite3
import unittest
import uuid

from harness import (ASSIGNMENT_INSTANCES, ASSIGNMENT_REQUESTS, AUDITS, ELIGIBILITY_INSTANCES,
                     ELIGIBILITY_REQUESTS, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, POLICIES,
                     PRIVILEGED_ROLE_ADMINISTRATOR, USER_ADMINISTRATOR, Client)
from pim_testcase import PimTestCase


class _FakeSocket:
    def __init__(self, data):
        self.data = data

    def makefile(self, *args, **kwargs):
        return io.BytesIO(self.data)


def raw_exchange(port, head, body=b"", chunk=65536, expect_continue=False):
    """Sends `head` (and `body`) on a raw socket, tolerating the server closing early, and
    returns the parsed final response: (status, headers, body bytes)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    received = b""
    try:
        sock.sendall(head)
        if expect_continue:
            received = sock.recv(65536)
            if not received.startswith(b"HTTP/1.1 100"):
                body = b""  # the server answered without asking for the body
            else:
                received = b""
        try:
            for i in range(0, len(body), chunk):
                sock.sendall(body[i:i + chunk])
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                received += data
                if _complete(received):
                    break
        except ConnectionResetError:
            if not received:
                raise AssertionError("connection reset before any response was received")
    finally:
        sock.close()
    resp = http.client.HTTPResponse(_FakeSocket(received))
    resp.begin()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def _complete(data):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(rest) >= int(value.strip())
    return False


class BadInputTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A delegated administrator (not break-glass) makes the refused admin calls.
        cls.pra = cls.new_user("Role Admin")
        cls.assign(cls.pra, PRIVILEGED_ROLE_ADMINISTRATOR, kind="assignment", duration="P30D")
        cls.assign(cls.pra, USER_ADMINISTRATOR, kind="assignment", duration="P30D")
        cls.set_enabled_rules(HELPDESK_ADMINISTRATOR, ["Justification"])  # no MFA
        cls.requester = cls.new_user("Requester")
        cls.assign(cls.requester, HELPDESK_ADMINISTRATOR)
        cls.helpdesk_policy = cls.policy_id_for(HELPDESK_ADMINISTRATOR)

    # -- state snapshots
    def snapshot(self):
        t = self.admin.token
        paths = ["/v1.0/users?$top=999", ASSIGNMENT_REQUESTS + "?$top=999",
                 ELIGIBILITY_REQUESTS + "?$top=999", ASSIGNMENT_INSTANCES + "?$top=999",
                 ELIGIBILITY_INSTANCES + "?$top=999",
                 "%s/%s?$expand=rules" % (POLICIES, self.helpdesk_policy)]
        state = {}
        for p in paths:
            r = self.api.get(p, token=t)
            self.assertEqual(r.status, 200, r)
            body = dict(r.body)
            body.pop("@odata.context", None)
            state[p] = body
        audit_ids = [a["id"] for a in self.all_audits()]
        return state, audit_ids

    @contextlib.contextmanager
    def unchanged(self, refusal_audited=False):
        before, audits_before = self.snapshot()
        yield
        after, audits_after = self.snapshot()
        for path in before:
            self.assertEqual(before[path], after[path], "state changed: " + path)
        new = [a for a in self.all_audits() if a["id"] not in set(audits_before)]
        for rec in new:
            self.assertEqual(rec["result"], "failure",
                             "a refused call left a non-refusal audit record: %s" % rec)
        if refusal_audited:
            self.assertTrue(new, "the refusal was not audited")

    def request_body(self, **changes):
        body = self.activation_body(self.requester, HELPDESK_ADMINISTRATOR, justification="fix")
        body.update(changes)
        return body

    def assert_graph_error(self, r, status):
        self.expect(r, status)
        self.assertIsInstance(r.body, dict, r)
        self.assertTrue(r.error_code, r)
        self.assertIsInstance(r.body["error"].get("message"), str, r)

    # -- tests
    def test_malformed_json(self):
        with self.unchanged():
            for path, raw in (("/v1.0/users", '{"displayName": '),
                              (ASSIGNMENT_REQUESTS, "not json"),
                              (ASSIGNMENT_REQUESTS, "[]"),
                              (ASSIGNMENT_REQUESTS, '{"action":"selfActivate",}'),
                              (ASSIGNMENT_REQUESTS, "")):
                with self.subTest(path=path, raw=raw):
                    token = self.requester.token if path == ASSIGNMENT_REQUESTS else self.pra.token
                    r = self.api.post(path, raw=raw, token=token)
                    self.assert_graph_error(r, 400)

    def test_wrong_types(self):
        user = {"displayName": "T", "userPrincipalName": "t.%s@pim.test" % uuid.uuid4().hex[:6],
                "passwordProfile": {"password": "Long-enough-pw-1"}}
        cases = [("/v1.0/users", dict(user, displayName=5)),
                 ("/v1.0/users", dict(user, accountEnabled="yes")),
                 ("/v1.0/users", dict(user, passwordProfile="Long-enough-pw-1")),
                 (ASSIGNMENT_REQUESTS, self.request_body(justification=5)),
                 (ASSIGNMENT_REQUESTS, self.request_body(isValidationOnly="false")),
                 (ASSIGNMENT_REQUESTS, self.request_body(scheduleInfo="tomorrow")),
                 (ASSIGNMENT_REQUESTS, self.request_body(principalId=["x"])),
                 (ASSIGNMENT_REQUESTS, self.request_body(ticketInfo={"ticketNumber": 7}))]
        with self.unchanged():
            for path, body in cases:
                with self.subTest(body=body):
                    token = self.requester.token if path == ASSIGNMENT_REQUESTS else self.pra.token
                    self.assert_graph_error(self.api.post(path, body, token=token), 400)

    def test_unknown_ids(self):
        ghost = str(uuid.uuid4())
        with self.unchanged():
            for path in ("/v1.0/users/" + ghost, "/v1.0/users/nobody@pim.test",
                         "/v1.0/groups/" + ghost, ASSIGNMENT_REQUESTS + "/" + ghost,
                         ELIGIBILITY_REQUESTS + "/" + ghost, ASSIGNMENT_INSTANCES + "/" + ghost,
                         "/v1.0/roleManagement/directory/roleDefinitions/" + ghost,
                         "/v1.0/roleManagement/directory/roleAssignmentApprovals/" + ghost,
                         POLICIES + "/" + ghost, "%s/%s/rules/NoSuchRule" % (POLICIES,
                                                                            self.helpdesk_policy),
                         AUDITS + "/" + ghost, "/v1.0/noSuchCollection"):
                with self.subTest(path=path):
                    self.assert_graph_error(self.api.get(path, token=self.admin.token), 404)
            self.assert_graph_error(self.api.patch("/v1.0/users/" + ghost, {"displayName": "x"},
                                                   token=self.pra.token), 404)
            self.assert_graph_error(self.api.post("%s/%s/cancel" % (ASSIGNMENT_REQUESTS, ghost),
                                                  token=self.requester.token), 404)
            r = self.admin_assign_response(ghost, HELPDESK_ADMINISTRATOR, token=self.pra.token)
            self.assert_graph_error(r, 404)
            r = self.admin_assign_response(self.requester, ghost, token=self.pra.token)
            self.assert_graph_error(r, 404)

    def test_unknown_enum_values(self):
        with self.unchanged():
            for body in (self.request_body(action="selfActivateNow"),
                         self.request_body(scheduleInfo={"expiration": {"type": "sometimes",
                                                                        "duration": "PT1H"}})):
                with self.subTest(body=body):
                    self.assert_graph_error(self.api.post(ASSIGNMENT_REQUESTS, body,
                                                          token=self.requester.token), 400)

    def test_duration_over_the_maximum(self):
        with self.unchanged():
            r = self.activate(self.requester, HELPDESK_ADMINISTRATOR, duration="PT9H",
                              justification="too long")
            self.expect(r, 400, "RoleAssignmentRequestPolicyValidationFailed")
            self.assertIn("ExpirationRule", r.inner_error.get("failedRules", []), r)
            self.assertIn("ExpirationRule", r.body["error"]["message"])

    def test_bad_durations_and_dates(self):
        def expiring(**exp):
            return self.request_body(scheduleInfo={"expiration": exp})

        cases = [expiring(type="afterDuration", duration=d)
                 for d in ("-PT1H", "PT-1H", "PT1X", "1 hour", "P1M", "P1Y", "PT1.5H", "", "PT0S")]
        cases += [self.request_body(scheduleInfo={"startDateTime": d, "expiration": {
                      "type": "afterDuration", "duration": "PT1H"}})
                  for d in ("2026-13-45T00:00:00Z", "yesterday", "26/11/2026 05:21", "")]
        cases += [expiring(type="afterDateTime", endDateTime="not a date"),
                  expiring(type="afterDateTime", endDateTime="2001-01-01T00:00:00Z"),
                  expiring(type="afterDuration"),
                  self.request_body(scheduleInfo={"expiration": {"type": "afterDuration",
                                                                 "duration": "PT1H"},
                                                  "recurrence": {"pattern": {"type": "daily"}}})]
        with self.unchanged():
            for body in cases:
                with self.subTest(scheduleInfo=body["scheduleInfo"]):
                    r = self.api.post(ASSIGNMENT_REQUESTS, body, token=self.requester.token)
                    self.assert_graph_error(r, 400)

    def test_missing_required_fields(self):
        full_user = {"displayName": "T", "passwordProfile": {"password": "Long-enough-pw-1"},
                     "userPrincipalName": "m.%s@pim.test" % uuid.uuid4().hex[:6]}
        with self.unchanged():
            for field in ("action", "principalId", "roleDefinitionId"):
                with self.subTest(field=field):
                    body = self.request_body()
                    del body[field]
                    self.assert_graph_error(self.api.post(ASSIGNMENT_REQUESTS, body,
                                                          token=self.requester.token), 400)
            for field in ("displayName", "userPrincipalName", "passwordProfile"):
                with self.subTest(field=field):
                    body = dict(full_user)
                    del body[field]
                    self.assert_graph_error(self.api.post("/v1.0/users", body,
                                                          token=self.pra.token), 400)
            # A password under 12 characters is refused too.
            short = dict(full_user, passwordProfile={"password": "short"})
            self.assert_graph_error(self.api.post("/v1.0/users", short, token=self.pra.token), 400)

    def test_body_over_one_mib(self):
        body = json.dumps({"displayName": "x" * (1 << 20), "userPrincipalName": "big@pim.test",
                           "passwordProfile": {"password": "Long-enough-pw-1"}}).encode()
        head = ("POST /v1.0/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (self.pra.token, len(body))).encode()
        with self.unchanged():
            status, headers, raw = raw_exchange(self.server.port, head, body)
            self.assertEqual(status, 413, raw[:300])
            self.assertEqual(json.loads(raw)["error"]["code"], "RequestEntityTooLarge")
            expect_head = head.replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")
            status, headers, raw = raw_exchange(self.server.port, expect_head, body,
                                                expect_continue=True)
            self.assertEqual(status, 413, raw[:300])
            self.assertIn("error", json.loads(raw))
        self.assertEqual(self.api.get("/healthz").status, 200)

    def test_headers_over_16_kib(self):
        with self.unchanged():
            head = ("GET /v1.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                    "X-Padding: %s\r\n\r\n" % (self.pra.token, "a" * (17 << 10))).encode()
            status, headers, raw = raw_exchange(self.server.port, head)
            self.assertEqual(status, 431, raw[:300])
            self.assertIn("error", json.loads(raw))
            r = self.api.get("/v1.0/me", token=self.pra.token, headers={"X-Padding": "a" * 8000})
            self.assertEqual(r.status, 200, r)

    def test_garbage_and_wrong_methods(self):
        with self.unchanged():
            status, _, raw = raw_exchange(self.server.port, b"HELLO THERE\r\n\r\n")
            self.assertEqual(status, 400, raw[:300])
            self.assertIn("error", json.loads(raw))
            r = self.api.get("/v1.0/users/%zz", token=self.admin.token)
            self.assertIn(r.status, (400, 404), r)
            self.assertTrue(r.error_code, r)
            for method, path in (("DELETE", ASSIGNMENT_REQUESTS), ("PUT", "/v1.0/users"),
                                 ("POST", "/v1.0/me")):
                with self.subTest(method=method, path=path):
                    r = self.api.request(method, path, token=self.admin.token, body={})
                    self.assert_graph_error(r, 405)

    def test_duplicate_user_principal_name(self):
        upn = self.requester.upn.upper()
        with self.unchanged():
            r = self.api.post("/v1.0/users", {"displayName": "Twin", "userPrincipalName": upn,
                                              "passwordProfile": {"password": "Long-enough-pw-1"}},
                              token=self.pra.token)
            self.assert_graph_error(r, 409)

    def test_unsupported_filter(self):
        with self.unchanged():
            for q in ("$filter=foo eq 'x'", "$filter=principalId eq",
                      "$filter=contains(status,'P')",
                      "$top=0", "$top=1000", "$expand=nothing"):
                with self.subTest(q=q):
                    r = self.api.get(ASSIGNMENT_REQUESTS + "?" + q, token=self.admin.token)
                    self.assert_graph_error(r, 400)

    def test_missing_or_forged_token(self):
        with self.unchanged():
            for headers in ({}, {"Authorization": "Bearer " + "A" * 43},
                            {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwdw=="},
                            {"Authorization": "Bearer " + self.requester.token + "x"}):
                with self.subTest(headers=headers):
                    r = self.api.get("/v1.0/me", headers=headers)
                    self.assert_graph_error(r, 401)
                    self.assertIn("bearer", r.headers.get("www-authenticate", "").lower())
            r = self.api.post(ASSIGNMENT_REQUESTS, self.request_body(),
                              headers={"Authorization": "Bearer forged"})
            self.assert_graph_error(r, 401)

    def test_non_admin_cannot_assign(self):
        with self.unchanged(refusal_audited=True):
            r = self.admin_assign_response(self.requester, GLOBAL_ADMINISTRATOR,
                                           token=self.requester.token)
            self.assert_graph_error(r, 403)
            r = self.admin_assign_response(self.requester, GLOBAL_ADMINISTRATOR, kind="assignment",
                                           duration="PT8H", token=self.requester.token)
            self.assert_graph_error(r, 403)
        with self.unchanged():
            r = self.api.post("/v1.0/users", {"displayName": "X",
                                              "userPrincipalName": "x@pim.test",
                                              "passwordProfile": {"password": "Long-enough-pw-1"}},
                              token=self.requester.token)
            self.assert_graph_error(r, 403)
            _, rule = self.get_rule(HELPDESK_ADMINISTRATOR, "Expiration_EndUser_Assignment")
            rule.pop("@odata.context", None)
            rule["maximumDuration"] = "P1D"
            r = self.api.patch("%s/%s/rules/Expiration_EndUser_Assignment" % (
                POLICIES, self.helpdesk_policy), rule, token=self.requester.token)
            self.assert_graph_error(r, 403)


class ExpiredTokenTest(PimTestCase):
    """An access token past its expiry is refused. pimd has no flag for a short token lifetime,
    so the session's expiry is moved into the past in the database while pimd is stopped."""

    def test_expired_token_is_refused(self):
        user = self.new_user("Expiring")
        self.assertEqual(self.api.get("/v1.0/me", token=user.token).status, 200)
        self.assertEqual(self.server.stop(), 0)
        db = sqlite3.connect(self.server.data + "/pim.db")
        changed = 0
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            if "objects" in tables:
                rows = db.execute("SELECT kind, id, body FROM objects WHERE kind LIKE '%session%'")
                for kind, id, body in rows.fetchall():
                    obj = json.loads(body)
                    if _expire(obj):
                        db.execute("UPDATE objects SET body=? WHERE kind=? AND id=?",
                                   (json.dumps(obj), kind, id))
                        changed += 1
            db.commit()
        finally:
            db.close()
        type(self).api = Client(self.server.start())
        if changed == 0:
            self.skipTest("could not find session expiries in the database to move")
        r = self.api.get("/v1.0/me", token=user.token)
        self.assertEqual(r.status, 401, r)
        self.assertTrue(r.error_code, r)


def _expire(obj):
    """Moves every access-token expiry-like field of a session object into the past."""
    hit = False
    for key, value in list(obj.items()):
        low = key.lower()
        if "expir" in low and "refresh" not in low:
            if isinstance(value, int):
                obj[key] = 1000000
                hit = True
            elif isinstance(value, str):
                obj[key] = "2001-01-01T00:00:00Z"
                hit = True
        elif isinstance(value, dict):
            hit = _expire(value) or hit
    return hit


if __name__ == "__main__":
    unittest.main(verbosity=2)
