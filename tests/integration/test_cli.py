"""The `pim` command-line client against a real pimd: every user type's commands, exit codes,
and the config file's mode."""

import json
import os
import pty
import re
import select
import signal
import stat
import subprocess
import termios
import threading
import time
import unittest

from harness import (ELIGIBILITY_INSTANCES, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, PIM,
                     SECURITY_ADMINISTRATOR, ASSIGNMENT_REQUESTS, PimServer, Totp, run_pim)
from pim_testcase import PimTestCase


class CliTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester = cls.new_user("Cli Requester")
        cls.requester2 = cls.new_user("Cli Second")
        cls.approver = cls.new_user("Cli Approver")
        cls.configs = {}

    # -- helpers
    def config(self, name):
        return os.path.join(self.server.tmp, "pim-%s.json" % name)

    def pim(self, name, *args, ok=True, **kw):
        out = run_pim(list(args), self.config(name), **kw)
        if ok is True and out.returncode != 0:
            self.fail("pim %s exited %d\nstdout: %s\nstderr: %s"
                      % (" ".join(args), out.returncode, out.stdout, out.stderr))
        if ok is False:
            self.assertNotEqual(out.returncode, 0, "pim %s should have failed: %s"
                                % (" ".join(args), out.stdout))
            self.assertTrue(out.stderr.startswith("pim: "), "stderr: %r" % out.stderr)
        return out

    def login(self, name, user, via="stdin"):
        args = ["login", "--server", self.server.base_url, "--user", user.upn]
        if via == "stdin":
            self.pim(name, *args, "--password-stdin", input=user.password + "\n")
        else:
            self.pim(name, *args, env={"PIM_PASSWORD": user.password})
        mode = stat.S_IMODE(os.stat(self.config(name)).st_mode)
        self.assertEqual(mode, 0o600, "config file mode is %o" % mode)

    def enroll(self, name, user):
        """`pim --json mfa enroll`: reads the secret it prints, answers the code prompt."""
        proc = subprocess.Popen([PIM, "--json", "mfa", "enroll"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, PIM_CONFIG=self.config(name)))
        seen, found = [], threading.Event()
        secret = {}

        def reader():
            while True:
                ch = proc.stdout.read(1)
                if not ch:
                    break
                seen.append(ch)
                text = "".join(seen)
                m = (re.search(r'"secretKey"\s*:\s*"([A-Za-z2-7=]+)"', text)
                     or re.search(r"secret=([A-Za-z2-7]+)", text))
                if m and not found.is_set():
                    secret["value"] = m.group(1)
                    found.set()
            found.set()

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        if not found.wait(30) or "value" not in secret:
            proc.kill()
            self.fail("pim mfa enroll printed no secret: %r %r" % ("".join(seen),
                                                                     proc.stderr.read()))
        user.totp = Totp(secret["value"])
        try:
            proc.stdin.write(user.totp.next_code() + "\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        code = proc.wait(30)
        t.join(5)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        self.assertEqual(code, 0, "pim mfa enroll: %r %r" % ("".join(seen), err))

    def enroll_in_two_steps(self, name, user):
        """`pim --json mfa enroll --no-verify`, then `pim mfa verify METHOD --code CODE`."""
        out = self.pim(name, "--json", "mfa", "enroll", "--no-verify")
        method = json.loads(out.stdout)
        user.totp = Totp(method["secretKey"])
        self.pim(name, "mfa", "verify", method["id"], "--code", user.totp.next_code())

    def request_status(self, request_id):
        r = self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, request_id), token=self.admin.token)
        return self.expect(r, 200)["status"]

    def pending_request_of(self, user):
        reqs = self.list_all(ASSIGNMENT_REQUESTS + "?$filter=principalId eq '%s'" % user.id,
                             self.admin.token)[0]
        pending = [r for r in reqs if r["status"] == "PendingApproval"]
        self.assertEqual(len(pending), 1, reqs)
        return pending[0]

    def active_roles(self, user):
        return [i["roleDefinitionId"] for i in self.instances_of(user.id)]

    # -- tests
    def test_login_failures_and_logout(self):
        out = self.pim("bad", "login", "--server", self.server.base_url, "--user",
                       self.requester.upn, "--password-stdin", input="wrong password\n", ok=False)
        self.assertIn("invalid_grant", out.stderr)
        self.pim("nobody", "roles", ok=False)
        self.login("logout", self.requester2, via="env")
        self.pim("logout", "roles")
        with open(self.config("logout")) as f:
            saved = json.load(f)
        self.assertEqual(self.api.get("/v1.0/me", token=saved["accessToken"]).status, 200)
        self.pim("logout", "logout")
        self.pim("logout", "roles", ok=False)
        # A plain logout ends this device's session on the server, and only that one.
        self.assertEqual(self.api.get("/v1.0/me", token=saved["accessToken"]).status, 401)
        r = self.api.form("/oauth2/v2.0/token", {"grant_type": "refresh_token",
                                                 "refresh_token": saved["refreshToken"]})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(self.api.get("/v1.0/me", token=self.requester2.token).status, 200)
        # --everywhere also ends the user's sessions on the server, other devices' included.
        self.login("logout", self.requester2, via="env")
        with open(self.config("logout")) as f:
            saved = json.load(f)["accessToken"]
        self.assertEqual(self.api.get("/v1.0/me", token=saved).status, 200)
        self.assertEqual(self.api.get("/v1.0/me", token=self.requester2.token).status, 200)
        out = self.pim("logout", "logout", "--everywhere")
        self.assertIn("every session", out.stdout)
        self.assertEqual(self.api.get("/v1.0/me", token=saved).status, 401)
        self.assertEqual(self.api.get("/v1.0/me", token=self.requester2.token).status, 401)
        self.pim("logout", "roles", ok=False)

    def test_passwd_replaces_the_password_and_ends_the_other_sessions(self):
        user = self.new_user("Cli Passwd")  # signed in over HTTP: another session
        self.login("passwd", user, via="env")
        out = self.pim("passwd", "passwd", "--password-stdin",
                       input="not the password\na-new-passphrase-1\n", ok=False)
        self.assertIn("current password is not correct", out.stderr)
        out = self.pim("passwd", "passwd", env={"PIM_PASSWORD": user.password,
                                                "PIM_NEW_PASSWORD": "a-new-passphrase-1"})
        self.assertIn("Password changed", out.stdout)
        self.pim("passwd", "roles")  # this session goes on
        self.assertEqual(self.api.get("/v1.0/me", token=user.token).status, 401)
        self.assertEqual(self.api.token_response(user.upn, user.password).status, 400)
        self.assertEqual(self.api.token_response(user.upn, "a-new-passphrase-1").status, 200)
        records = [a for a in self.all_audits() if a["activityDisplayName"] ==
                   "Change user password" and self.mentions(a, user.id)]
        self.assertEqual(sorted(a["result"] for a in records), ["failure", "success"], records)

    def test_ctrl_c_at_the_password_prompt_gives_the_terminal_back_with_echo_on(self):
        pid, fd = pty.fork()
        if pid == 0:  # the child: pim on the terminal's slave side
            env = dict(os.environ, PIM_CONFIG=self.config("pty"))
            env.pop("PIM_PASSWORD", None)
            try:
                os.execve(PIM, [PIM, "login", "--server", self.server.base_url, "--user",
                                self.requester.upn], env)
            finally:
                os._exit(127)
        try:
            def echo_on():
                return bool(termios.tcgetattr(fd)[3] & termios.ECHO)

            seen, deadline = b"", time.time() + 30
            while (b"Password for" not in seen or echo_on()) and time.time() < deadline:
                if select.select([fd], [], [], 0.1)[0]:
                    seen += os.read(fd, 1024)
            self.assertIn(b"Password for", seen)
            self.assertFalse(echo_on(), "the password prompt should not echo")
            os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
            _, status = os.waitpid(pid, 0)
            pid = None
            self.assertTrue(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT,
                            "pim should end by SIGINT, status %r" % status)
            self.assertTrue(echo_on(), "pim left the terminal with echo off")
        finally:
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(fd)

    def test_a_server_certificate_from_a_private_ca_is_refused_until_given_with_cacert(self):
        tls = PimServer()
        try:
            tls.tls_cert = os.path.join(tls.tmp, "cert.pem")
            tls.tls_key = os.path.join(tls.tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-keyout", tls.tls_key, "-out",
                            tls.tls_cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                            "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
            tls.init()
            url = tls.start()
            login = ["login", "--server", url, "--user", tls.admin_upn, "--password-stdin"]
            out = self.pim("tls", *login, input=tls.admin_password + "\n", ok=False)
            self.assertEqual(len(out.stderr.splitlines()), 1, out.stderr)
            self.assertIn("certificate", out.stderr)
            self.assertIn("--cacert", out.stderr)  # what to do about it
            self.pim("tls", *login, "--cacert", tls.tls_cert, input=tls.admin_password + "\n")
            out = self.pim("tls", "roles")
            self.assertIn("Global Administrator", out.stdout)
        finally:
            tls.cleanup()

    def test_output_that_cannot_be_written_is_a_failure(self):
        # A script's 'pim --json roles > file' on a full disk must not exit 0 with no file.
        self.login("full", self.requester2)
        for args in (["--json", "roles"], ["roles"], ["requests"], ["approvals"]):
            with open("/dev/full", "w") as full:
                out = subprocess.run([PIM] + args, stdout=full, stderr=subprocess.PIPE,
                                     text=True, timeout=60,
                                     env=dict(os.environ, PIM_CONFIG=self.config("full")))
            self.assertNotEqual(out.returncode, 0, "pim %s > /dev/full exited 0" % " ".join(args))
            self.assertTrue(out.stderr.startswith("pim: "), out.stderr)

    def test_full_scenario(self):
        # Administrator: eligibility and policies.
        self.login("admin", self.admin)
        for user in (self.requester, self.requester2):
            for role in ("Security Administrator", "Global Administrator"):
                self.pim("admin", "admin", "assign", user.upn, role, "--eligible", "--permanent",
                         "--justification", "cli test")
        elig = self.list_all(ELIGIBILITY_INSTANCES + "?$filter=principalId eq '%s'"
                             % self.requester.id, self.admin.token)[0]
        self.assertEqual(sorted(e["roleDefinitionId"] for e in elig),
                         sorted([SECURITY_ADMINISTRATOR, GLOBAL_ADMINISTRATOR]))
        self.pim("admin", "admin", "policy", "set", "Security Administrator", "--require",
                 "mfa,justification")
        _, rule = self.get_rule(SECURITY_ADMINISTRATOR, "Enablement_EndUser_Assignment")
        self.assertEqual(sorted(rule["enabledRules"]),
                         ["Justification", "MultiFactorAuthentication"])
        self.pim("admin", "admin", "policy", "set", "Global Administrator", "--approval", "on",
                 "--approver", self.approver.upn)
        _, rule = self.get_rule(GLOBAL_ADMINISTRATOR, "Approval_EndUser_Assignment")
        self.assertTrue(rule["setting"]["isApprovalRequired"])
        approvers = rule["setting"]["approvalStages"][0]["primaryApprovers"]
        self.assertEqual([a.get("userId") for a in approvers], [self.approver.id])
        self.pim("admin", "admin", "policy", "set", "Helpdesk Administrator", "--max-duration",
                 "PT4H")
        _, rule = self.get_rule(HELPDESK_ADMINISTRATOR, "Expiration_EndUser_Assignment")
        self.assertEqual(rule["maximumDuration"], "PT4H")
        out = self.pim("admin", "admin", "policy", "show", "Global Administrator")
        self.assertIn("approv", out.stdout.lower())
        # The modifier is named by UPN (pimd's lastModifiedBy has the id; pim looks it up), never
        # blank.
        modified = [line for line in out.stdout.splitlines() if line.startswith("Last modified")]
        self.assertEqual(len(modified), 1, out.stdout)
        self.assertTrue(modified[0].endswith(" by " + self.admin.upn), modified[0])

        # Requester: MFA enrollment, roles, activation with the MFA prompt answered on stdin.
        self.login("req", self.requester, via="env")
        self.enroll("req", self.requester)
        out = self.pim("req", "roles")
        self.assertIn("Security Administrator", out.stdout)
        self.assertIn("Global Administrator", out.stdout)
        self.assertNotIn("readable by other users", out.stderr)
        # A config file others can read (its tokens): tightened on use, and the user is told.
        os.chmod(self.config("req"), 0o644)
        out = self.pim("req", "roles")
        self.assertIn("Security Administrator", out.stdout)
        self.assertIn("readable by other users", out.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(self.config("req")).st_mode), 0o600)
        self.pim("req", "activate", "Security Administrator", "--duration", "1h",
                 "--justification", "cli activation", input=self.requester.totp.next_code() + "\n")
        self.assertIn(SECURITY_ADMINISTRATOR, self.active_roles(self.requester))
        out = self.pim("req", "activate", "Global Administrator", "--duration", "90m",
                       "--justification", "cli needs approval", "--ticket", "CHG-1")
        self.assertIn("PendingApproval", out.stdout)
        pending = self.pending_request_of(self.requester)
        self.assertEqual(pending["scheduleInfo"]["expiration"]["duration"], "PT1H30M")
        out = self.pim("req", "requests")
        self.assertIn("PendingApproval", out.stdout)
        out = self.pim("req", "--json", "requests")
        self.assertIn(pending["id"], out.stdout)
        # The requester is not an approver of their own request.
        self.pim("req", "approve", pending["id"], "--reason", "self", ok=False)

        # Approver: queue and approval.
        self.login("approver", self.approver)
        out = self.pim("approver", "approvals")
        self.assertIn("cli needs approval", out.stdout)
        self.pim("approver", "approve", pending["id"], "--reason", "ok CHG-1")
        self.assertEqual(self.request_status(pending["id"]), "Provisioned")
        self.assertIn(GLOBAL_ADMINISTRATOR, self.active_roles(self.requester))

        # Deactivation.
        self.pim("req", "deactivate", "Security Administrator")
        self.assertNotIn(SECURITY_ADMINISTRATOR, self.active_roles(self.requester))

        # Second requester: MFA code given with --otp; a denied request.
        self.login("req2", self.requester2)
        self.enroll_in_two_steps("req2", self.requester2)
        self.login("req2", self.requester2)  # a fresh session: MFA not yet proven in it
        self.pim("req2", "activate", "Security Administrator", "--duration", "PT30M",
                 "--justification", "with --otp", "--otp", self.requester2.totp.next_code())
        self.assertIn(SECURITY_ADMINISTRATOR, self.active_roles(self.requester2))
        self.pim("req2", "activate", "Global Administrator", "--duration", "1h",
                 "--justification", "will be denied")
        denied = self.pending_request_of(self.requester2)
        self.pim("approver", "deny", denied["id"], "--reason", "not today")
        self.assertEqual(self.request_status(denied["id"]), "Denied")

        # Administrator removes an eligibility.
        self.pim("admin", "admin", "remove", self.requester.upn, "Security Administrator",
                 "--eligible")
        elig = self.list_all(ELIGIBILITY_INSTANCES + "?$filter=principalId eq '%s'"
                             % self.requester.id, self.admin.token)[0]
        self.assertEqual([e["roleDefinitionId"] for e in elig], [GLOBAL_ADMINISTRATOR])

        # Errors are one line on stderr with a non-zero exit.
        self.pim("req", "activate", "No Such Role", "--duration", "1h", "--justification", "x",
                 ok=False)
        self.pim("req", "activate", "Security Administrator", "--duration", "1h",
                 "--justification", "no longer eligible", ok=False)
        # requester2 holds Security Administrator only: not allowed to assign roles.
        self.pim("req2", "admin", "assign", self.requester2.upn, "Global Administrator",
                 "--active", "--duration", "PT1H", "--justification", "not allowed", ok=False)

        # Auditor: list, verify, export.
        self.login("auditor", self.auditor)
        out = self.pim("auditor", "audit", "list", "--top", "5")
        self.assertTrue(out.stdout.strip())
        out = self.pim("auditor", "audit", "list", "--filter", "category eq 'RoleManagement'")
        self.assertTrue(out.stdout.strip())
        self.pim("auditor", "audit", "list", "--filter", "nonsense eq", ok=False)
        self.pim("auditor", "audit", "verify")
        known = {a["id"] for a in self.all_audits()}
        export = os.path.join(self.server.tmp, "audit.jsonl")
        self.pim("auditor", "audit", "export", "--output", export)
        with open(export) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        exported = {a["id"] for a in lines}
        self.assertEqual(len(exported), len(lines), "a record was exported twice")
        self.assertLessEqual(known, exported)


if __name__ == "__main__":
    unittest.main(verbosity=2)
