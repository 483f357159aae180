"""Durability: kill -9 pimd in the middle of a stream of activations; every activation that was
answered 201 must survive, and the audit log must still verify."""

import os
import queue
import random
import sys
import threading
import unittest

from harness import (ASSIGNMENT_REQUESTS, EXCHANGE_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, PIM,
                     SECURITY_ADMINISTRATOR, USER_ADMINISTRATOR, Client, run_pim)
from pim_testcase import PimTestCase

ROLES = [SECURITY_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR,
         EXCHANGE_ADMINISTRATOR]
USERS = 10
THREADS = 4
KILL_AFTER = 12  # successful activations before the kill


class CrashTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for role in ROLES:
            cls.set_enabled_rules(role, ["Justification"])  # no MFA needed
        cls.users = [cls.new_user("Crash User %d" % i) for i in range(USERS)]
        for user in cls.users:
            for role in ROLES:
                cls.assign(user, role)

    def test_kill_9_mid_stream_loses_no_acknowledged_activation(self):
        work = queue.Queue()
        pairs = [(u, r) for u in self.users for r in ROLES]
        random.Random(7).shuffle(pairs)
        for pair in pairs:
            work.put(pair)
        granted, unknown, unexpected, lock = [], [], [], threading.Lock()
        enough = threading.Event()
        api = self.api

        def worker():
            while True:
                try:
                    user, role = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    r = api.post(ASSIGNMENT_REQUESTS,
                                 self.activation_body(user, role, duration="PT2H",
                                                      justification="crash test"),
                                 token=user.token, timeout=10)
                except OSError:
                    with lock:
                        unknown.append((user, role))
                    return
                with lock:
                    if r.status == 201:
                        granted.append((user, role, r.body["id"], r.body["status"]))
                        if len(granted) >= KILL_AFTER:
                            enough.set()
                    elif 500 <= r.status:
                        unknown.append((user, role))
                    else:
                        unexpected.append(r)

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for t in threads:
            t.start()
        self.assertTrue(enough.wait(60), "the stream never got %d activations" % KILL_AFTER)
        self.server.kill9()
        for t in threads:
            t.join(30)
        self.assertEqual(unexpected, [], "unexpected answers during the stream")
        self.assertGreaterEqual(len(granted), KILL_AFTER)
        for _, _, _, status in granted:
            self.assertEqual(status, "Provisioned")

        type(self).api = Client(self.server.start())
        for user, role, request_id, _ in granted:
            r = self.api.get("%s/%s" % (ASSIGNMENT_REQUESTS, request_id), token=self.admin.token)
            self.assertEqual(r.status, 200, "acknowledged request %s lost: %r" % (request_id, r))
            self.assertEqual(r.body["status"], "Provisioned", r)
            roles = [i["roleDefinitionId"] for i in self.instances_of(user.id)]
            self.assertIn(role, roles, "acknowledged activation of %s by %s lost" % (role, user))

        # Requests cut off by the kill either committed (then a retry conflicts) or did not
        # (then a retry succeeds); never half of each.
        cut = unknown + [work.get_nowait() for _ in range(work.qsize())]
        print("\n%d activations acknowledged before kill -9, %d cut off or never sent"
              % (len(granted), len(cut)), file=sys.stderr)
        for user, role in cut:
            active = role in [i["roleDefinitionId"] for i in self.instances_of(user.id)]
            r = self.activate(user, role, duration="PT2H", justification="after restart")
            self.assertEqual(r.status, 409 if active else 201, r)

        r = self.api.get("/v1.0/pim/audit/verify", token=self.auditor.token)
        body = self.expect(r, 200)
        self.assertIs(body["ok"], True, body)
        self.assertGreater(body["recordsChecked"], USERS * len(ROLES))

        if not os.path.exists(PIM):
            self.skipTest("pim CLI not built: `pim audit verify` not checked")
        config = os.path.join(self.server.tmp, "pim-config.json")
        out = run_pim(["login", "--server", self.server.base_url, "--user", self.auditor.upn,
                       "--password-stdin"], config, input=self.auditor.password + "\n")
        self.assertEqual(out.returncode, 0, out)
        out = run_pim(["audit", "verify"], config)
        self.assertEqual(out.returncode, 0, out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
