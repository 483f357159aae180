"""Sign-in: lockout, TOTP replay, refresh rotation, client credentials, disabled users."""

import base64
import time
import unittest

from harness import GLOBAL_READER, Client, parse_time
from pim_testcase import PimTestCase


class AuthTest(PimTestCase):
    def token(self, fields, headers=None):
        return self.api.form("/oauth2/v2.0/token", fields, headers=headers)

    def expect_oauth_error(self, r, error, statuses=(400,)):
        self.assertIn(r.status, statuses, r)
        self.assertEqual(r.body.get("error"), error, r)
        self.assertNotIn("access_token", r.body)

    def test_lockout_after_five_bad_passwords_survives_restart(self):
        user = self.new_user("Lockout", sign_in=False)
        bystander = self.new_user("Bystander", sign_in=False)
        for attempt in range(4):
            r = self.api.token_response(user.upn, "wrong-password-%d" % attempt)
            self.expect_oauth_error(r, "invalid_grant")
        r = self.api.token_response(user.upn, "wrong-password-4")
        self.assertIn(r.status, (400, 429), r)

        r = self.api.token_response(user.upn, user.password)  # right password, but locked
        self.assertEqual(r.status, 429, r)
        retry_after = int(r.headers["retry-after"])
        self.assertGreater(retry_after, 0)
        self.assertLessEqual(retry_after, 15 * 60)
        self.assertNotIn("access_token", r.body or {})
        self.assertEqual(self.api.token_response(bystander.upn, bystander.password).status, 200)

        type(self).api = Client(self.server.restart())
        r = self.api.token_response(user.upn, user.password)
        self.assertEqual(r.status, 429, "the lock did not survive a restart: %r" % r)
        self.assertIn("retry-after", r.headers)

        recs = [a for a in self.all_audits() if self.mentions(a, user.id) or
                self.mentions(a, user.upn)]
        self.assertGreaterEqual(len([a for a in recs if a["result"] == "failure"]), 5,
                                "failed sign-ins and the lock are not all audited")

    def test_lockout_after_five_bad_codes(self):
        user = self.new_user("Bad Codes")
        self.enroll_totp(user)
        good = user.totp.next_code()
        bad = "%06d" % ((int(good) + 1) % 1000000)
        for _ in range(4):
            self.expect_oauth_error(self.api.token_response(user.upn, user.password, bad),
                                    "invalid_grant")
        self.assertIn(self.api.token_response(user.upn, user.password, bad).status, (400, 429))
        r = self.api.token_response(user.upn, user.password)
        self.assertEqual(r.status, 429, r)

    def test_totp_code_is_accepted_once(self):
        user = self.new_user("Replay")
        self.enroll_totp(user)
        code = user.totp.next_code()
        r = self.api.token_response(user.upn, user.password, code)
        self.assertEqual(r.status, 200, r)
        self.assertLess(abs(parse_time(r.body["mfa_time"]) - time.time()), 60)
        r = self.api.token_response(user.upn, user.password, code)
        self.expect_oauth_error(r, "invalid_grant")
        # A refresh carrying the used code is refused too.
        r = self.token({"grant_type": "refresh_token", "refresh_token": user.refresh_token,
                        "otp": code})
        self.expect_oauth_error(r, "invalid_grant")

    def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(self):
        user = self.new_user("Refresh")
        self.enroll_totp(user)
        first = self.sign_in_with_mfa(user)
        self.assertEqual(first["token_type"], "Bearer")
        self.assertEqual(first["expires_in"], 3600)
        r = self.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        second = r.body
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertNotEqual(second["access_token"], first["access_token"])
        # A refresh without otp never makes MFA fresher.
        if "mfa_time" in second:
            self.assertLessEqual(parse_time(second["mfa_time"]), parse_time(first["mfa_time"]))
        me = self.api.get("/v1.0/me", token=second["access_token"])
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.body["id"], user.id)

        r = self.token({"grant_type": "refresh_token", "refresh_token": "forged"})
        self.expect_oauth_error(r, "invalid_grant")
        r = self.token({"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        third = r.body

        # The rotated-away token presented again: someone holds a copy, so the whole session goes.
        r = self.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        self.expect_oauth_error(r, "invalid_grant")
        self.assertEqual(self.api.get("/v1.0/me", token=third["access_token"]).status, 401)
        r = self.token({"grant_type": "refresh_token", "refresh_token": third["refresh_token"]})
        self.expect_oauth_error(r, "invalid_grant")
        self.assertEqual(self.api.token_response(user.upn, user.password).status, 200)

    def test_token_endpoint_errors(self):
        user = self.new_user("Errors", sign_in=False)
        self.expect_oauth_error(self.token({"grant_type": "magic"}), "unsupported_grant_type")
        self.expect_oauth_error(self.token({"grant_type": "password", "username": user.upn}),
                                "invalid_request")
        self.expect_oauth_error(self.api.token_response("nobody@pim.test", "whatever-password"),
                                "invalid_grant")
        # The tenant segment is accepted and ignored.
        r = self.api.form("/contoso.onmicrosoft.com/oauth2/v2.0/token",
                          {"grant_type": "password", "username": user.upn,
                           "password": user.password, "client_id": "x", "scope": "y"})
        self.assertEqual(r.status, 200, r)

    def test_client_credentials_for_a_service_principal(self):
        r = self.api.post("/v1.0/servicePrincipals", {"displayName": "Deploy bot"},
                          token=self.admin.token)
        sp = self.expect(r, 201)
        r = self.api.post("/v1.0/servicePrincipals/%s/addPassword" % sp["id"],
                          {"passwordCredential": {"displayName": "ci"}}, token=self.admin.token)
        cred = self.expect(r, 200)
        secret = cred["secretText"]
        self.assertEqual(cred["displayName"], "ci")
        self.assertTrue(secret.startswith(cred["hint"]))
        self.assign(sp["id"], GLOBAL_READER, kind="assignment", duration="P30D")

        r = self.token({"grant_type": "client_credentials", "client_id": sp["id"],
                        "client_secret": secret, "scope": "https://graph.microsoft.com/.default"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["token_type"], "Bearer")
        self.assertFalse(r.body.get("refresh_token"))
        users = self.api.get("/v1.0/users", token=r.body["access_token"])
        self.assertEqual(users.status, 200, users)

        basic = base64.b64encode(("%s:%s" % (sp["id"], secret)).encode()).decode()
        r = self.token({"grant_type": "client_credentials"},
                       headers={"Authorization": "Basic " + basic})
        self.assertEqual(r.status, 200, r)

        r = self.token({"grant_type": "client_credentials", "client_id": sp["id"],
                        "client_secret": secret + "x"})
        self.expect_oauth_error(r, "invalid_client", statuses=(400, 401))

    def test_health_and_metrics_need_no_token(self):
        for path in ("/healthz", "/readyz"):
            r = self.api.get(path)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body, {"status": "ok"})
        r = self.api.get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertIn("text/plain", r.headers.get("content-type", ""))
        self.assertIn("pim_http_requests_total", r.text)

    def test_break_glass_use_is_audited(self):
        self.new_user("Made by break-glass", sign_in=False)
        recs = [a for a in self.all_audits()
                if a["initiatedBy"].get("user", {}).get("id") == self.admin.id]
        self.assertTrue(any("break-glass" in a["activityDisplayName"].lower() for a in recs),
                        [a["activityDisplayName"] for a in recs])

    def test_disabled_user_token_stops_working_at_once(self):
        user = self.new_user("Leaver")
        self.assertEqual(self.api.get("/v1.0/me", token=user.token).status, 200)
        r = self.api.patch("/v1.0/users/" + user.id, {"accountEnabled": False},
                           token=self.admin.token)
        self.assertEqual(r.status, 204, r)
        r = self.api.get("/v1.0/me", token=user.token)
        self.assertEqual(r.status, 401, r)
        self.assertTrue(r.error_code)
        self.expect_oauth_error(self.api.token_response(user.upn, user.password), "invalid_grant")
        r = self.token({"grant_type": "refresh_token", "refresh_token": user.refresh_token})
        self.expect_oauth_error(r, "invalid_grant")
        got = self.expect(self.api.get("/v1.0/users/" + user.id, token=self.admin.token), 200)
        self.assertIs(got["accountEnabled"], False)



class SourceThrottleTest(PimTestCase):
    """Password spraying from one address, with pimd's default limit (a server of its own: every
    other test class signs in from 127.0.0.1 too)."""

    def test_twenty_failures_from_one_address_block_its_sign_ins_durably(self):
        user = self.new_user("Sprayed", sign_in=False)
        for i in range(20):
            r = self.api.token_response("nobody-%d@pim.local" % i, "Spring2026!spring")
            self.assertEqual(r.status, 400, (i, r))
            self.assertEqual(r.body.get("error"), "invalid_grant", r)
        # The right password of a real account, and an unknown name: the same 429.
        for upn, password in ((user.upn, user.password), ("nobody@pim.local", "x" * 12)):
            r = self.api.token_response(upn, password)
            self.assertEqual(r.status, 429, r)
            self.assertEqual(r.body.get("error"), "invalid_grant", r)
            self.assertNotIn("access_token", r.body)
            retry_after = int(r.headers["retry-after"])
            self.assertGreater(retry_after, 14 * 60)
            self.assertLessEqual(retry_after, 15 * 60 + 1)

        type(self).api = Client(self.server.restart())
        self.assertEqual(self.api.token_response(user.upn, user.password).status, 429,
                         "the block did not survive a restart")
        # Break-glass accounts are never shut out by it.
        self.sign_in(self.admin)

        blocks = [a for a in self.all_audits(token=self.admin.token)
                  if a["activityDisplayName"] == "Sign-in source throttled"]
        self.assertEqual(len(blocks), 1, blocks)
        details = {d["key"]: d["value"] for d in blocks[0]["additionalDetails"]}
        self.assertEqual(details.get("throttleSource"), "127.0.0.1", details)
        self.assertIn("blockedUntil", details)

if __name__ == "__main__":
    unittest.main(verbosity=2)
