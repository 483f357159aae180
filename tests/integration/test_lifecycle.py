"""The activation lifecycle a requester and an approver go through, end to end."""

import time
import unittest

from harness import (APPROVALS, ASSIGNMENT_INSTANCES, ASSIGNMENT_REQUESTS, ELIGIBILITY_INSTANCES,
                     GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, POLICIES, POLICY_ASSIGNMENTS,
                     SECURITY_ADMINISTRATOR, parse_time)
from pim_testcase import PimTestCase


class LifecycleTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Security Administrator: MFA and justification for activation.
        cls.set_enabled_rules(SECURITY_ADMINISTRATOR,
                              ["MultiFactorAuthentication", "Justification"])
        # Helpdesk Administrator: justification only (the default policy also demands MFA).
        cls.set_enabled_rules(HELPDESK_ADMINISTRATOR, ["Justification"])
        cls.approver = cls.new_user("Approver")
        cls.set_approver(GLOBAL_ADMINISTRATOR, cls.approver)

    # -- helpers
    def eligible_requester(self, role_id, mfa=True):
        user = self.new_user("Requester")
        req = self.assign(user, role_id)
        self.assertEqual(req["status"], "Provisioned", req)
        if mfa:
            self.enroll_totp(user)
        return user

    def audits_for(self, needle):
        return [a for a in self.all_audits() if self.mentions(a, needle)]

    def pending_approval(self, requester, role_id=GLOBAL_ADMINISTRATOR):
        r = self.activate(requester, role_id, duration="PT1H", justification="needs approval",
                          ticket="CHG-7")
        body = self.expect(r, 201)
        self.assertEqual(body["status"], "PendingApproval", body)
        self.assertTrue(body.get("approvalId"), body)
        return body

    def approval_step(self, approval_id, user):
        r = self.api.get("%s/%s" % (APPROVALS, approval_id), token=user.token)
        body = self.expect(r, 200)
        self.assertEqual(len(body["steps"]), 1, body)
        return body["steps"][0]

    # -- tests
    def test_activation_mfa_conflict_and_deactivation(self):
        user = self.eligible_requester(SECURITY_ADMINISTRATOR)
        elig = self.list_all(ELIGIBILITY_INSTANCES + "/filterByCurrentUser(on='principal')",
                             user.token)[0]
        self.assertEqual([e["roleDefinitionId"] for e in elig], [SECURITY_ADMINISTRATOR])

        # Signed in without MFA: refused with MfaRequired, and no request object is created.
        r = self.activate(user, SECURITY_ADMINISTRATOR, justification="rotate keys", ticket="INC1")
        self.expect(r, 400, "RoleAssignmentRequestPolicyValidationFailed")
        self.assertEqual(r.inner_error.get("code"), "MfaRequired", r)
        self.assertIn("MfaRule", r.inner_error.get("failedRules", []), r)
        own = self.list_all(ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='principal')",
                            user.token)[0]
        self.assertEqual(own, [])

        # Fresh MFA: granted at once.
        grant = self.sign_in_with_mfa(user)
        self.assertIn("mfa_time", grant)
        r = self.activate(user, SECURITY_ADMINISTRATOR, justification="rotate keys", ticket="INC1")
        req = self.expect(r, 201)
        self.assertEqual(req["status"], "Provisioned")
        self.assertEqual(req["action"], "selfActivate")
        self.assertEqual(req["principalId"], user.id)
        self.assertEqual(req["roleDefinitionId"], SECURITY_ADMINISTRATOR)
        self.assertEqual(req["directoryScopeId"], "/")
        self.assertEqual(req["justification"], "rotate keys")
        self.assertEqual(req["ticketInfo"]["ticketNumber"], "INC1")
        self.assertTrue(req["targetScheduleId"])
        got = self.expect(self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, req["id"]),
                                       token=user.token), 200)
        self.assertEqual(got["status"], "Provisioned")

        instances = self.instances_of(user.id)
        self.assertEqual(len(instances), 1, instances)
        inst = instances[0]
        self.assertEqual(inst["principalId"], user.id)
        self.assertEqual(inst["roleDefinitionId"], SECURITY_ADMINISTRATOR)
        self.assertAlmostEqual(parse_time(inst["endDateTime"]) - parse_time(inst["startDateTime"]),
                               3600, delta=1)
        r = self.api.get(ASSIGNMENT_INSTANCES + "?$filter=principalId eq '%s'"
                         "&$expand=principal,roleDefinition" % user.id, token=self.admin.token)
        expanded = self.expect(r, 200)["value"][0]
        self.assertEqual(expanded["principal"]["id"], user.id)
        self.assertEqual(expanded["roleDefinition"]["displayName"], "Security Administrator")
        mine = self.list_all(ASSIGNMENT_INSTANCES + "/filterByCurrentUser(on='principal')",
                             user.token)[0]
        self.assertEqual([i["id"] for i in mine], [inst["id"]])

        # A second activation of the same role and scope conflicts.
        r = self.activate(user, SECURITY_ADMINISTRATOR, justification="again")
        self.expect(r, 409)

        # selfDeactivate ends it.
        r = self.deactivate(user, SECURITY_ADMINISTRATOR)
        deact = self.expect(r, 201)
        self.assertEqual(deact["action"], "selfDeactivate")
        self.assertEqual(deact["status"], "Revoked", deact)
        self.assertEqual(self.instances_of(user.id), [])

        # Audit: the refusal, the activation and the deactivation are recorded.
        by_user = self.list_all(
            "/v1.0/auditLogs/directoryAudits?$filter=initiatedBy/user/id eq '%s'" % user.id,
            self.auditor.token)[0]
        self.assertTrue(by_user)
        for rec in by_user:
            self.assertEqual(rec["initiatedBy"]["user"]["id"], user.id)
        self.assertTrue(any(a["result"] == "failure" for a in by_user),
                        "no audit record of the MFA refusal")
        self.assertTrue(any(self.mentions(a, req["id"]) and a["result"] == "success"
                            for a in by_user), "no audit record of activation %s" % req["id"])
        self.assertTrue(any(self.mentions(a, deact["id"]) for a in by_user),
                        "no audit record of deactivation %s" % deact["id"])

    def test_short_activation_disappears_when_it_ends(self):
        user = self.eligible_requester(HELPDESK_ADMINISTRATOR, mfa=False)
        r = self.activate(user, HELPDESK_ADMINISTRATOR, duration="PT3S", justification="quick fix")
        req = self.expect(r, 201)
        self.assertEqual(req["status"], "Provisioned")
        inst = self.instances_of(user.id)
        self.assertEqual(len(inst), 1)
        start, end = parse_time(inst[0]["startDateTime"]), parse_time(inst[0]["endDateTime"])
        self.assertAlmostEqual(end - start, 3, delta=0.01)
        deadline = time.time() + 10
        while self.instances_of(user.id) and time.time() < deadline:
            time.sleep(0.25)
        self.assertEqual(self.instances_of(user.id), [], "activation still listed 10 s later")
        self.assertGreaterEqual(time.time(), end - 0.5)
        # The expiry is audited by the server's timer (target: within a second).
        deadline = time.time() + 10
        expired = []
        while not expired and time.time() < deadline:
            expired = [a for a in self.audits_for(req["targetScheduleId"])
                       if "expire" in a["activityDisplayName"].lower()]
            if not expired:
                time.sleep(0.25)
        self.assertTrue(expired, "no expiry audit record for schedule %s" % req["targetScheduleId"])

    def test_offsets_and_durations_come_back_canonical(self):
        user = self.eligible_requester(HELPDESK_ADMINISTRATOR, mfa=False)
        # A start ten minutes ahead, written with a +02:00 offset.
        start = int(time.time()) + 600
        local = time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(start + 7200))
        r = self.activate(user, HELPDESK_ADMINISTRATOR, duration="PT90M", justification="tz",
                          scheduleInfo={"startDateTime": local, "expiration": {
                              "type": "afterDuration", "duration": "PT90M"}})
        req = self.expect(r, 201)
        echoed = req["scheduleInfo"]["startDateTime"]
        self.assertEqual(echoed, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)))
        self.assertEqual(req["scheduleInfo"]["expiration"]["duration"], "PT1H30M")
        self.assertEqual(self.instances_of(user.id), [], "in force before its start")
        # A scheduled activation can be canceled before it starts.
        r = self.api.post("%s/%s/cancel" % (ASSIGNMENT_REQUESTS, req["id"]), token=user.token)
        self.expect(r, 204)
        # A validation-only request answers like a real one and stores nothing.
        r = self.activate(user, HELPDESK_ADMINISTRATOR, duration="PT1H", justification="dry run",
                          isValidationOnly=True)
        dry = self.expect(r, 201)
        self.assertIs(dry["isValidationOnly"], True)
        self.assertEqual(self.instances_of(user.id), [])
        own = self.list_all(ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='principal')",
                            user.token)[0]
        self.assertNotIn(dry.get("id"), [o["id"] for o in own])

    def test_approval_starts_the_clock_at_approval(self):
        user = self.eligible_requester(GLOBAL_ADMINISTRATOR)
        self.sign_in_with_mfa(user)
        req = self.pending_approval(user)
        self.assertEqual(self.instances_of(user.id), [])

        pending = self.list_all(ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='approver')",
                                self.approver.token)[0]
        self.assertIn(req["id"], [p["id"] for p in pending])
        step = self.approval_step(req["approvalId"], self.approver)
        self.assertTrue(step["assignedToMe"], step)
        self.assertEqual(step["status"], "InProgress", step)

        # The requester cannot approve their own request.
        step_path = "%s/%s/steps/%s" % (APPROVALS, req["approvalId"], step["id"])
        r = self.api.patch(step_path, {"reviewResult": "Approve", "justification": "me"},
                           token=user.token)
        self.expect(r, 403)
        self.assertEqual(self.expect(self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, req["id"]),
                                                  token=user.token), 200)["status"],
                         "PendingApproval")

        # The stage requires the approver's justification.
        r = self.api.patch(step_path, {"reviewResult": "Approve"}, token=self.approver.token)
        self.expect(r, 400)
        r = self.api.patch(step_path, {"reviewResult": "Maybe", "justification": "hmm"},
                           token=self.approver.token)
        self.expect(r, 400)

        time.sleep(2)  # so that approval time and request time differ visibly
        r = self.api.patch(step_path, {"reviewResult": "Approve", "justification": "ok, CHG-7"},
                           token=self.approver.token)
        self.expect(r, 204)
        done = self.expect(self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, req["id"]),
                                        token=user.token), 200)
        self.assertEqual(done["status"], "Provisioned", done)
        step = self.approval_step(req["approvalId"], self.approver)
        self.assertIn(step["reviewResult"], ("Approve", "Approved"), step)
        self.assertEqual(step["reviewedBy"]["id"], self.approver.id)
        self.assertEqual(step["justification"], "ok, CHG-7")

        inst = self.instances_of(user.id)
        self.assertEqual(len(inst), 1, inst)
        start = parse_time(inst[0]["startDateTime"])
        self.assertAlmostEqual(start, parse_time(step["reviewedDateTime"]), delta=1)
        self.assertGreaterEqual(start - parse_time(req["createdDateTime"]), 1.5,
                                "the activation started at request time, not approval time")
        self.assertAlmostEqual(parse_time(inst[0]["endDateTime"]) - start, 3600, delta=1)
        self.assertNotIn(req["id"], [p["id"] for p in self.list_all(
            ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='approver')",
            self.approver.token)[0] if p["status"] == "PendingApproval"])

        recs = self.audits_for(req["id"])
        self.assertTrue(any(a["initiatedBy"].get("user", {}).get("id") == user.id for a in recs),
                        "no audit record of the request")
        self.assertTrue(any(a["initiatedBy"].get("user", {}).get("id") == self.approver.id
                            and a["result"] == "success" for a in recs),
                        "no audit record of the approval")
        self.assertTrue(any(a["result"] == "failure" and
                            a["initiatedBy"].get("user", {}).get("id") == user.id for a in
                            self.audits_for(req["approvalId"]) + recs),
                        "no audit record of the refused self-approval")

    def test_ids_in_urls_match_whatever_their_case(self):
        # Graph matches the GUIDs in a URL case-insensitively; so do pim's approvals, their
        # steps, policies, their rules and policy assignments (ids here are random GUIDs, so
        # upper-casing them changes them).
        policy_id = self.policy_id_for(HELPDESK_ADMINISTRATOR)
        policy = "%s/%s" % (POLICIES, policy_id.upper())
        self.assertEqual(self.expect(self.api.get(policy, token=self.admin.token), 200)["id"],
                         policy_id)
        rule = self.expect(self.api.get(policy + "/rules/Expiration_EndUser_Assignment",
                                        token=self.admin.token), 200)
        r = self.api.patch(policy + "/rules/Expiration_EndUser_Assignment",
                           {"maximumDuration": rule["maximumDuration"]}, token=self.admin.token)
        self.expect(r, 200)
        q = POLICY_ASSIGNMENTS + "?$filter=roleDefinitionId eq '%s'" % HELPDESK_ADMINISTRATOR
        assignment = self.expect(self.api.get(q, token=self.admin.token), 200)["value"][0]
        r = self.api.get("%s/%s" % (POLICY_ASSIGNMENTS, assignment["id"].upper()),
                         token=self.admin.token)
        self.assertEqual(self.expect(r, 200)["id"], assignment["id"])

        user = self.eligible_requester(GLOBAL_ADMINISTRATOR)
        self.sign_in_with_mfa(user)
        req = self.pending_approval(user)
        step = self.approval_step(req["approvalId"], self.approver)
        step_path = "%s/%s/steps/%s" % (APPROVALS, req["approvalId"].upper(), step["id"].upper())
        self.assertEqual(self.expect(self.api.get(step_path, token=self.approver.token),
                                     200)["id"], step["id"])
        r = self.api.patch(step_path, {"reviewResult": "Deny", "justification": "not today"},
                           token=self.approver.token)
        self.expect(r, 204)

    def test_denied_request_grants_nothing(self):
        user = self.eligible_requester(GLOBAL_ADMINISTRATOR)
        self.sign_in_with_mfa(user)
        req = self.pending_approval(user)
        step = self.approval_step(req["approvalId"], self.approver)
        r = self.api.patch("%s/%s/steps/%s" % (APPROVALS, req["approvalId"], step["id"]),
                           {"reviewResult": "Deny", "justification": "no change ticket"},
                           token=self.approver.token)
        self.expect(r, 204)
        done = self.expect(self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, req["id"]),
                                        token=user.token), 200)
        self.assertEqual(done["status"], "Denied")
        self.assertEqual(self.instances_of(user.id), [])
        # Denied is final: the requester may ask again (no pending request left).
        again = self.pending_approval(user)
        self.assertNotEqual(again["id"], req["id"])
        self.assertTrue(any(a["initiatedBy"].get("user", {}).get("id") == self.approver.id
                            for a in self.audits_for(req["id"])), "no audit record of the denial")

    def test_canceled_request_leaves_the_approvers_queue(self):
        user = self.eligible_requester(GLOBAL_ADMINISTRATOR)
        self.sign_in_with_mfa(user)
        req = self.pending_approval(user)
        r = self.api.post("%s/%s/cancel" % (ASSIGNMENT_REQUESTS, req["id"]), token=user.token)
        self.expect(r, 204)
        done = self.expect(self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, req["id"]),
                                        token=user.token), 200)
        self.assertEqual(done["status"], "Canceled")
        pending = self.list_all(ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='approver')",
                                self.approver.token)[0]
        self.assertNotIn(req["id"], [p["id"] for p in pending if p["status"] == "PendingApproval"])
        # A canceled request can no longer be approved.
        step = self.approval_step(req["approvalId"], self.approver)
        r = self.api.patch("%s/%s/steps/%s" % (APPROVALS, req["approvalId"], step["id"]),
                           {"reviewResult": "Approve", "justification": "too late"},
                           token=self.approver.token)
        self.assertIn(r.status, (400, 403, 409), r)
        self.assertEqual(self.instances_of(user.id), [])
        self.assertTrue(len(self.audits_for(req["id"])) >= 2,
                        "expected audit records for the request and its cancellation")


if __name__ == "__main__":
    unittest.main(verbosity=2)
