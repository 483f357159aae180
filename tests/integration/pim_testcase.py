"""PimTestCase: a pimd per test class, with a break-glass admin, an auditor (active Global
Reader) and helpers for users, eligibility, activation, TOTP enrollment, policies, paging and audit
records. Built on harness.py (process, HTTP, TOTP)."""

import json
import re
import unittest
import uuid

from harness import (ASSIGNMENT_INSTANCES, ASSIGNMENT_REQUESTS, AUDITS, ELIGIBILITY_REQUESTS,
                     GLOBAL_READER, POLICIES, POLICY_ASSIGNMENTS, Client, PimServer, Totp)


class User:
    def __init__(self, id, upn, password, display_name):
        self.id, self.upn, self.password, self.display_name = id, upn, password, display_name
        self.token = None
        self.refresh_token = None
        self.totp = None  # Totp once enrolled

    def __repr__(self):
        return "<User %s %s>" % (self.upn, self.id)


class PimTestCase(unittest.TestCase):
    """A pimd per test class: `cls.server`, `cls.api` (Client), `cls.admin` (break-glass,
    token in .token) and `cls.auditor` (active Global Reader)."""

    server_args = ()
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.server = PimServer(extra_args=cls.server_args)
        try:
            cls.server.init()
            cls.api = Client(cls.server.start())
            cls.admin = User(None, cls.server.admin_upn, cls.server.admin_password, "admin")
            cls.sign_in(cls.admin)
            me = cls.api.get("/v1.0/me", token=cls.admin.token)
            if me.status != 200:
                raise AssertionError("GET /v1.0/me as admin: %r" % me)
            cls.admin.id = me.body["id"]
            cls.auditor = cls.new_user("Auditor")
            cls.assign(cls.auditor, GLOBAL_READER, kind="assignment", duration="P30D")
            cls.sign_in(cls.auditor)
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        log = cls.server.log_tail()
        cls.server.cleanup()
        if code != 0:
            raise AssertionError("pimd exited with %r on SIGTERM; log:\n%s" % (code, log))

    def fail_with_log(self, msg):
        self.fail("%s\n--- pimd log tail:\n%s" % (msg, self.server.log_tail()))

    def expect(self, resp, status, code=None):
        """Asserts the HTTP status (and Graph error code); returns resp.body."""
        if resp.status != status:
            self.fail("expected HTTP %d%s, got %r" % (status, " " + code if code else "", resp))
        if code is not None:
            self.assertEqual(resp.error_code, code, resp)
        return resp.body

    # -- identities
    @classmethod
    def sign_in(cls, user, otp=None):
        r = cls.api.token_response(user.upn, user.password, otp)
        if r.status != 200:
            raise AssertionError("sign-in of %s failed: %r" % (user.upn, r))
        user.token = r.body["access_token"]
        user.refresh_token = r.body.get("refresh_token")
        return r.body

    @classmethod
    def sign_in_with_mfa(cls, user):
        return cls.sign_in(user, otp=user.totp.next_code())

    @classmethod
    def new_user(cls, display_name, sign_in=True, **extra):
        tag = uuid.uuid4().hex[:8]
        upn = "%s.%s@pim.test" % (re.sub(r"\W+", "", display_name).lower() or "user", tag)
        password = "Pw-" + uuid.uuid4().hex
        body = {"displayName": display_name, "userPrincipalName": upn,
                "passwordProfile": {"password": password}, "accountEnabled": True}
        body.update(extra)
        r = cls.api.post("/v1.0/users", body, token=cls.admin.token)
        if r.status != 201:
            raise AssertionError("creating user %s: %r" % (upn, r))
        user = User(r.body["id"], upn, password, display_name)
        if sign_in:
            cls.sign_in(user)
        return user

    @classmethod
    def assign(cls, principal, role_id, kind="eligibility", duration=None, token=None,
               justification="integration test assignment"):
        """adminAssign of an eligibility (default) or an active assignment; asserts 201."""
        r = cls.admin_assign_response(principal, role_id, kind, duration, token, justification)
        if r.status != 201:
            raise AssertionError("adminAssign %s %s for %s: %r" % (kind, role_id, principal, r))
        return r.body

    @classmethod
    def admin_assign_response(cls, principal, role_id, kind="eligibility", duration=None,
                              token=None, justification="integration test assignment"):
        pid = principal if isinstance(principal, str) else principal.id
        expiration = ({"type": "afterDuration", "duration": duration} if duration
                      else {"type": "noExpiration"})
        body = {"action": "adminAssign", "principalId": pid, "roleDefinitionId": role_id,
                "directoryScopeId": "/", "justification": justification,
                "scheduleInfo": {"expiration": expiration}}
        path = ELIGIBILITY_REQUESTS if kind == "eligibility" else ASSIGNMENT_REQUESTS
        return cls.api.post(path, body, token=token or cls.admin.token)

    @classmethod
    def enroll_totp(cls, user):
        r = cls.api.post("/v1.0/me/authentication/softwareOathMethods", {}, token=user.token)
        if r.status != 201:
            raise AssertionError("TOTP enrollment for %s: %r" % (user.upn, r))
        user.totp = Totp(r.body["secretKey"])
        v = cls.api.post("/v1.0/me/authentication/softwareOathMethods/%s/verify" % r.body["id"],
                         {"code": user.totp.next_code()}, token=user.token)
        if v.status != 204:
            raise AssertionError("TOTP verify for %s: %r" % (user.upn, v))
        return r.body

    # -- requests
    @classmethod
    def activation_body(cls, user, role_id, duration="PT1H", justification="integration test",
                        ticket=None, action="selfActivate", **extra):
        body = {"action": action, "principalId": user.id, "roleDefinitionId": role_id,
                "directoryScopeId": "/", "justification": justification,
                "scheduleInfo": {"expiration": {"type": "afterDuration", "duration": duration}}}
        if ticket:
            body["ticketInfo"] = {"ticketNumber": ticket, "ticketSystem": "Jira"}
        if action == "selfDeactivate":
            del body["scheduleInfo"]
        body.update(extra)
        return body

    @classmethod
    def activate(cls, user, role_id, **kw):
        return cls.api.post(ASSIGNMENT_REQUESTS, cls.activation_body(user, role_id, **kw),
                            token=user.token)

    @classmethod
    def deactivate(cls, user, role_id):
        return cls.api.post(ASSIGNMENT_REQUESTS,
                            cls.activation_body(user, role_id, action="selfDeactivate"),
                            token=user.token)

    # -- collections
    @classmethod
    def list_all(cls, path, token, max_pages=1000):
        """Follows @odata.nextLink to the end; returns (items, pages)."""
        items, pages = [], []
        url = path
        for _ in range(max_pages):
            r = cls.api.get(url, token=token)
            if r.status != 200:
                raise AssertionError("GET %s: %r" % (url, r))
            if not isinstance(r.body.get("value"), list):
                raise AssertionError("GET %s: no value array: %r" % (url, r))
            pages.append(r.body)
            items.extend(r.body["value"])
            url = r.body.get("@odata.nextLink")
            if not url:
                return items, pages
        raise AssertionError("more than %d pages at %s" % (max_pages, path))

    @classmethod
    def instances_of(cls, principal_id, token=None):
        q = ASSIGNMENT_INSTANCES + "?$filter=principalId eq '%s'" % principal_id
        return cls.list_all(q, token or cls.admin.token)[0]

    @classmethod
    def all_audits(cls, token=None):
        return cls.list_all(AUDITS + "?$top=999", token or cls.auditor.token)[0]

    @staticmethod
    def mentions(record, needle):
        return needle in json.dumps(record)

    # -- policies
    @classmethod
    def policy_id_for(cls, role_id):
        q = (POLICY_ASSIGNMENTS + "?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' "
             "and roleDefinitionId eq '%s'" % role_id)
        r = cls.api.get(q, token=cls.admin.token)
        if r.status != 200 or not r.body["value"]:
            raise AssertionError("no policy assignment for role %s: %r" % (role_id, r))
        return r.body["value"][0]["policyId"]

    @classmethod
    def get_rule(cls, role_id, rule_id):
        pid = cls.policy_id_for(role_id)
        r = cls.api.get("%s/%s/rules/%s" % (POLICIES, pid, rule_id), token=cls.admin.token)
        if r.status != 200:
            raise AssertionError("GET rule %s of %s: %r" % (rule_id, pid, r))
        return pid, r.body

    @classmethod
    def patch_rule(cls, role_id, rule_id, changes):
        """GETs the rule, applies `changes` (a dict merged at the top level, or a function
        editing the rule in place), PATCHes the whole rule back; asserts 200, returns it."""
        pid, rule = cls.get_rule(role_id, rule_id)
        rule.pop("@odata.context", None)
        if callable(changes):
            changes(rule)
        else:
            rule.update(changes)
        r = cls.api.patch("%s/%s/rules/%s" % (POLICIES, pid, rule_id), rule,
                          token=cls.admin.token)
        if r.status != 200:
            raise AssertionError("PATCH rule %s of %s: %r" % (rule_id, pid, r))
        return r.body

    @classmethod
    def set_enabled_rules(cls, role_id, rules):
        return cls.patch_rule(role_id, "Enablement_EndUser_Assignment", {"enabledRules": rules})

    @classmethod
    def set_approver(cls, role_id, approver):
        def edit(rule):
            setting = rule["setting"]
            setting["isApprovalRequired"] = True
            stages = setting.get("approvalStages") or [{}]
            stage = stages[0]
            stage.setdefault("approvalStageTimeOutInDays", 1)
            stage["isApproverJustificationRequired"] = True
            stage["primaryApprovers"] = [{"@odata.type": "#microsoft.graph.singleUser",
                                          "userId": approver.id}]
            setting["approvalStages"] = [stage]

        return cls.patch_rule(role_id, "Approval_EndUser_Assignment", edit)
