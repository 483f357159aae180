"""Tamper evidence: edit the audit table behind pimd's back with sqlite3 and check that
GET /v1.0/pim/audit/verify and `pim audit verify` name the damaged record and the problem.

The schema is discovered from the database (tables `audit` and `audit_checkpoints`); the column
holding the canonical record is the one whose text carries "pimEncodingVersion"."""

import json
import os
import shutil
import sqlite3
import unittest

from harness import PIM, Client, PimServer, run_pim
from pim_testcase import PimTestCase


class TamperTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i in range(6):
            user = cls.new_user("Tamper User %d" % i)
            cls.api.patch("/v1.0/users/" + user.id, {"displayName": "Tamper User %d'" % i},
                          token=cls.admin.token)
        cls.cli_config = None
        if os.path.exists(PIM):
            cls.cli_config = os.path.join(cls.server.tmp, "pim-config.json")
            out = run_pim(["login", "--server", cls.server.base_url, "--user", cls.auditor.upn,
                           "--password-stdin"], cls.cli_config, input=cls.auditor.password + "\n")
            if out.returncode != 0:
                raise AssertionError("pim login failed: %r" % (out,))
        r = cls.api.get("/v1.0/pim/audit/verify", token=cls.auditor.token)
        if r.status != 200 or r.body.get("ok") is not True:
            raise AssertionError("the untouched log does not verify: %r" % r)
        # A checkpoint kept off the host, twice: the text format, and JSON from the API.
        cls.witness = os.path.join(cls.server.tmp, "witness.txt")
        if cls.cli_config:
            out = run_pim(["audit", "checkpoint", "--output", cls.witness], cls.cli_config)
            if out.returncode != 0:
                raise AssertionError("pim audit checkpoint failed: %r" % (out,))
        r = cls.api.get("/v1.0/pim/audit/checkpoint", token=cls.auditor.token)
        if r.status != 200:
            raise AssertionError("GET checkpoint: %r" % r)
        cls.witness_json = {k: r.body[k] for k in ("seq", "headHash", "time", "signature")}
        # And the public key, for checking a sealed export away from the server.
        cls.public_key = os.path.join(cls.server.tmp, "audit-key.pem")
        if cls.cli_config:
            out = run_pim(["audit", "public-key", "--output", cls.public_key], cls.cli_config)
            if out.returncode != 0:
                raise AssertionError("pim audit public-key failed: %r" % (out,))
            with open(cls.public_key) as f:
                if "BEGIN PUBLIC KEY" not in f.read():
                    raise AssertionError("pim audit public-key wrote no PEM key")
        cls.old_base = cls.server.base_url
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("pimd exited with %r on SIGTERM" % code)
        cls.pristine = cls.server.data
        db = sqlite3.connect(os.path.join(cls.pristine, "pim.db"))
        try:
            cls.schema = "\n".join(r[0] for r in db.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
            info = list(db.execute("PRAGMA table_info(audit)"))
            cls.columns = [r[1] for r in info]
            pk = [r[1] for r in info if r[5] == 1]
            cls.seq_col = S = pk[0] if pk else "seq"
            cls.seqs = [r[0] for r in db.execute("SELECT %s FROM audit ORDER BY %s" % (S, S))]
            row = db.execute("SELECT * FROM audit ORDER BY %s LIMIT 1" % S).fetchone()
        finally:
            db.close()
        canonical = [c for c, v in zip(cls.columns, row)
                     if isinstance(v, str) and "pimEncodingVersion" in v]
        if not canonical:
            raise AssertionError("no canonical column in audit: %s" % cls.schema)
        cls.canonical_col = canonical[0]
        cls.n = len(cls.seqs)
        cls.k = cls.seqs[cls.n // 2]

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    # -- helpers
    def tampered_copy(self, name, *sql_steps):
        data = os.path.join(self.server.tmp, "case-" + name)
        shutil.copytree(self.pristine, data)
        db = sqlite3.connect(os.path.join(data, "pim.db"))
        try:
            for step in sql_steps:
                step(db)
            db.commit()
        finally:
            db.close()
        return data

    def config_for(self, server, data):
        """The auditor's pim config, pointed at `server` (started on `data`)."""
        config = data + "-pim-config.json"
        with open(self.cli_config) as f:
            text = f.read().replace(self.old_base, server.base_url)
        with open(config, "w") as f:
            f.write(text)
        os.chmod(config, 0o600)
        return config

    def verify(self, data, before=None, witnessed=None, cli_args=()):
        """Starts pimd on `data`, calls before(api) if given; returns (API report, pim CLI
        CompletedProcess or None). `witnessed`: checkpoints to verify against (POST)."""
        server = PimServer(tmpdir=os.path.dirname(data))
        server.log_path = data + ".log"
        api = Client(server.start(data=data))
        try:
            if before is not None:
                before(api)
            if witnessed:
                r = api.post("/v1.0/pim/audit/verify", {"checkpoints": witnessed},
                             token=self.auditor.token)
            else:
                r = api.get("/v1.0/pim/audit/verify", token=self.auditor.token)
            self.assertEqual(r.status, 200, "%r\n%s" % (r, server.log_tail()))
            cli = None
            if self.cli_config:
                cli = run_pim(["audit", "verify"] + list(cli_args), self.config_for(server, data))
            return r.body, cli
        finally:
            self.assertEqual(server.stop(), 0, server.log_tail())

    def export_sealed(self, data, name):
        """Starts pimd on `data` and writes its sealed export with `pim audit export --sealed`;
        returns the file's path."""
        server = PimServer(tmpdir=os.path.dirname(data))
        server.log_path = data + ".log"
        server.start(data=data)
        path = os.path.join(self.server.tmp, name + ".sealed.jsonl")
        try:
            out = run_pim(["audit", "export", "--sealed", "--output", path],
                          self.config_for(server, data))
            self.assertEqual(out.returncode, 0, out)
        finally:
            self.assertEqual(server.stop(), 0, server.log_tail())
        return path

    def verify_offline(self, sealed):
        return run_pim(["audit", "verify", "--offline", sealed, "--checkpoint", self.witness,
                        "--public-key", self.public_key], self.cli_config)

    def assert_detected(self, data, seq, problems, named=None):
        """The report names record `seq` as the first bad one, with one of `problems`; its message
        names one of the records `named` (default: `seq`)."""
        named = "|".join(str(n) for n in (named or (seq,)))
        report, cli = self.verify(data)
        self.assertIs(report["ok"], False, report)
        self.assertIn(report["problem"], problems, report)
        self.assertEqual(report["firstBadSequence"], seq, report)
        self.assertRegex(report["message"], r"\b(%s)\b" % named, report)
        if cli is not None:
            self.assertNotEqual(cli.returncode, 0, "pim audit verify passed: %r" % (cli,))
            output = cli.stdout + cli.stderr
            self.assertRegex(output, r"\b(%s)\b" % named, cli)
            self.assertTrue(any(p in output for p in problems), cli)

    def edit_canonical(self, seq, edit):
        def step(db):
            (text,) = db.execute("SELECT %s FROM audit WHERE %s=?"
                                 % (self.canonical_col, self.seq_col), (seq,)).fetchone()
            obj = json.loads(text)
            edit(obj)
            new = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
            self.assertNotEqual(new, text)
            db.execute("UPDATE audit SET %s=? WHERE %s=?" % (self.canonical_col, self.seq_col),
                       (new, seq))
        return step

    # -- tests
    def test_untouched_copy_verifies(self):
        report, cli = self.verify(self.tampered_copy("untouched"))
        self.assertIs(report["ok"], True, report)
        self.assertGreaterEqual(report["recordsChecked"], self.n)
        self.assertGreater(report["checkpointSeq"], 0, report)
        if cli is not None:
            self.assertEqual(cli.returncode, 0, cli)

    def test_altered_field(self):
        def edit(obj):
            obj["activityDisplayName"] = obj["activityDisplayName"] + " (edited)"
        data = self.tampered_copy("altered", self.edit_canonical(self.k, edit))
        self.assert_detected(data, self.k, ("altered",))

    def test_altered_result(self):
        def edit(obj):
            obj["result"] = "failure" if obj["result"] == "success" else "success"
        data = self.tampered_copy("result", self.edit_canonical(self.k + 1, edit))
        self.assert_detected(data, self.k + 1, ("altered",))

    def test_removed_row(self):
        def remove(db):
            db.execute("DELETE FROM audit WHERE %s=?" % self.seq_col, (self.k,))

        data = self.tampered_copy("removed", remove)
        self.assert_detected(data, self.k, ("removed",))

    def test_swapped_rows(self):
        others = [c for c in self.columns if c != self.seq_col]

        def swap(db):
            # Delete both rows and insert them back with their contents exchanged (an UPDATE
            # would trip unique indexes halfway).
            select = "SELECT %s FROM audit WHERE %s=?" % (",".join(others), self.seq_col)
            a = db.execute(select, (self.k,)).fetchone()
            b = db.execute(select, (self.k + 1,)).fetchone()
            db.execute("DELETE FROM audit WHERE %s IN (?, ?)" % self.seq_col, (self.k, self.k + 1))
            insert = "INSERT INTO audit (%s, %s) VALUES (%s)" % (
                self.seq_col, ",".join(others), ",".join("?" * (len(others) + 1)))
            db.execute(insert, (self.k,) + tuple(b))
            db.execute(insert, (self.k + 1,) + tuple(a))

        data = self.tampered_copy("swapped", swap)
        self.assert_detected(data, self.k, ("reordered", "altered"))

    def test_truncated_tail_and_checkpoints(self):
        cut = self.seqs[-3]

        def truncate(db):
            db.execute("DELETE FROM audit WHERE %s>=?" % self.seq_col, (cut,))
            db.execute("DELETE FROM audit_checkpoints")

        data = self.tampered_copy("truncated", truncate)
        self.assert_detected(data, cut, ("truncated",), named=(cut, cut - 1))

    def rolled_back_copy(self, name):
        """A copy without its newest records, the database's checkpoints and the checkpoint
        file: the host holds no evidence. Returns (data directory, first record removed)."""
        cut = self.seqs[-3]

        def truncate(db):
            db.execute("DELETE FROM audit WHERE %s>=?" % self.seq_col, (cut,))
            db.execute("DELETE FROM audit_checkpoints")

        data = self.tampered_copy(name, truncate)
        os.remove(os.path.join(data, "audit-checkpoint"))
        return data, cut

    def test_everything_on_the_host_rolled_back_shows_against_a_kept_checkpoint(self):
        # Nothing on the host shows it; a checkpoint kept elsewhere does.
        data, cut = self.rolled_back_copy("rolled-back")
        report, cli = self.verify(data)
        self.assertIs(report["ok"], True, report)  # the limit docs/AUDIT.md states
        if cli is not None:
            self.assertEqual(cli.returncode, 0, cli)

        data, cut = self.rolled_back_copy("rolled-back-witnessed")
        report, cli = self.verify(data, witnessed=[self.witness_json],
                                  cli_args=("--checkpoint", self.witness))
        self.assertIs(report["ok"], False, report)
        self.assertEqual(report["problem"], "truncated", report)
        self.assertEqual(report["firstBadSequence"], cut, report)
        self.assertIn("the copy supplied", report["message"])
        if cli is not None:
            self.assertNotEqual(cli.returncode, 0, "pim audit verify passed: %r" % (cli,))
            self.assertIn("truncated", cli.stdout + cli.stderr)

    @unittest.skipUnless(os.path.exists(PIM), "pim CLI not built")
    def test_a_sealed_export_is_checked_without_trusting_the_server(self):
        sealed = self.export_sealed(self.tampered_copy("sealed"), "untouched")
        with open(sealed) as f:
            lines = f.read().splitlines()
        self.assertEqual([json.loads(line)["sequence"] for line in lines], self.seqs)
        out = self.verify_offline(sealed)
        self.assertEqual(out.returncode, 0, out)
        self.assertIn("Audit export intact: %d records verified" % self.n, out.stdout)

        # An edit of the exported file is named at its record.
        record = json.loads(lines[self.k - 1])
        self.assertIn('"result":"success"', record["record"])
        record["record"] = record["record"].replace('"result":"success"', '"result":"failure"', 1)
        lines[self.k - 1] = json.dumps(record)
        edited = os.path.join(self.server.tmp, "edited.sealed.jsonl")
        with open(edited, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = self.verify_offline(edited)
        self.assertEqual(out.returncode, 1, out)
        self.assertIn("altered at sequence %d" % self.k, out.stderr)

        # A host rolled back entirely, whose own verify passes, exports a log that does not
        # reach the checkpoint kept off the host.
        data, cut = self.rolled_back_copy("sealed-rolled-back")
        out = self.verify_offline(self.export_sealed(data, "rolled-back"))
        self.assertEqual(out.returncode, 1, out)
        self.assertIn("truncated at sequence %d" % cut, out.stderr)

    def test_untouched_copy_verifies_against_the_kept_checkpoint(self):
        as_json = os.path.join(self.server.tmp, "witness.jsonl")
        with open(as_json, "w") as f:
            f.write(json.dumps(self.witness_json) + "\n")
        report, cli = self.verify(self.tampered_copy("untouched-witnessed"),
                                  witnessed=[self.witness_json],
                                  cli_args=("--checkpoint", self.witness, "--checkpoint", as_json))
        self.assertIs(report["ok"], True, report)
        if cli is not None:
            self.assertEqual(cli.returncode, 0, cli)
            self.assertIn("matches the 2 checkpoint", cli.stdout)

    def test_truncated_then_restarted_and_written_to(self):
        # pimd started on the truncated log and kept working: its new records must not replace
        # the checkpoint file, the evidence (it did before: verify then passed).
        cut = self.seqs[-3]

        def truncate(db):
            db.execute("DELETE FROM audit WHERE %s>=?" % self.seq_col, (cut,))
            db.execute("DELETE FROM audit_checkpoints")

        def sign_ins(api):
            for _ in range(4):  # more records than were removed
                r = api.token_response(self.auditor.upn, self.auditor.password)
                self.assertEqual(r.status, 200, r)
            r = api.get("/metrics")
            self.assertIn("\npim_audit_checkpoint_file_mismatch 1\n", r.text, r.text[-2000:])

        data = self.tampered_copy("truncated-written", truncate)
        report, cli = self.verify(data, before=sign_ins)
        self.assertIs(report["ok"], False, report)
        self.assertIn(report["problem"], ("altered", "truncated"), report)
        self.assertLessEqual(report["firstBadSequence"], self.seqs[-1], report)
        if cli is not None:
            self.assertNotEqual(cli.returncode, 0, "pim audit verify passed: %r" % (cli,))
        with open(data + ".log") as f:
            self.assertIn("does not match the log", f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
