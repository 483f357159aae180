"""Collections: $top paging with @odata.nextLink, $select, $filter, and refused query options."""

import unittest
import urllib.parse

from harness import AUDITS, parse_time
from pim_testcase import PimTestCase


class PagingTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = [cls.new_user("Paging User %d" % i, sign_in=False) for i in range(7)]

    def test_users_page_by_two_to_the_end(self):
        everyone = self.list_all("/v1.0/users?$top=999", self.admin.token)[0]
        items, pages = self.list_all("/v1.0/users?$top=2", self.admin.token)
        ids = [u["id"] for u in items]
        self.assertEqual(len(ids), len(set(ids)), "a user was listed twice")
        self.assertEqual(ids, [u["id"] for u in everyone])
        for user in self.users:
            self.assertIn(user.id, ids)
        self.assertGreaterEqual(len(ids), 9)  # admin, auditor and the seven
        self.assertEqual(len(pages), (len(ids) + 1) // 2)
        for page in pages[:-1]:
            self.assertEqual(len(page["value"]), 2)
            link = urllib.parse.urlsplit(page["@odata.nextLink"])
            self.assertEqual((link.scheme, link.netloc),
                             ("http", "127.0.0.1:%d" % self.server.port))
            self.assertIn("$skiptoken", urllib.parse.unquote(link.query).lower())
        self.assertNotIn("@odata.nextLink", pages[-1])
        self.assertTrue(pages[0]["@odata.context"])

    def test_audits_page_by_two_newest_first(self):
        everything = self.list_all(AUDITS + "?$top=999", self.auditor.token)[0]
        self.assertGreater(len(everything), 10)
        items, pages = self.list_all(AUDITS + "?$top=2", self.auditor.token)
        ids = [a["id"] for a in items]
        self.assertEqual(len(ids), len(set(ids)), "an audit record was listed twice")
        self.assertEqual(ids, [a["id"] for a in everything])
        times = [parse_time(a["activityDateTime"]) for a in items]
        self.assertEqual(times, sorted(times, reverse=True), "not newest first")
        self.assertTrue(all(len(p["value"]) == 2 for p in pages[:-1]))

    def test_audit_filter_by_category_pages_too(self):
        q = AUDITS + "?$filter=category eq 'UserManagement'"
        everything = self.list_all(q + "&$top=999", self.auditor.token)[0]
        self.assertGreaterEqual(len(everything), 7)
        self.assertTrue(all(a["category"] == "UserManagement" for a in everything))
        items = self.list_all(q + "&$top=3", self.auditor.token)[0]
        self.assertEqual([a["id"] for a in items], [a["id"] for a in everything])

    def test_select_returns_only_the_selected_properties(self):
        items = self.list_all("/v1.0/users?$select=id,displayName&$top=3", self.admin.token)[0]
        self.assertTrue(items)
        for item in items:
            keys = {k for k in item if not k.startswith("@odata.")}
            self.assertEqual(keys, {"id", "displayName"}, item)

    def test_filter_on_display_name(self):
        r = self.api.get("/v1.0/users?$filter=displayName eq 'Paging User 3'",
                         token=self.admin.token)
        body = self.expect(r, 200)
        self.assertEqual([u["id"] for u in body["value"]], [self.users[3].id])
        r = self.api.get("/v1.0/users?$filter=displayName eq 'Paging User 3' or "
                         "displayName eq 'Paging User 5'", token=self.admin.token)
        self.assertEqual(sorted(u["id"] for u in self.expect(r, 200)["value"]),
                         sorted([self.users[3].id, self.users[5].id]))
        r = self.api.get("/v1.0/users?$filter=displayName eq 'Nobody'", token=self.admin.token)
        self.assertEqual(self.expect(r, 200)["value"], [])

    def test_user_by_upn_in_any_case(self):
        user = self.users[2]
        for key in (user.id, user.upn, user.upn.upper()):
            r = self.api.get("/v1.0/users/" + key, token=self.admin.token)
            self.assertEqual(self.expect(r, 200)["id"], user.id)

    def test_bad_top_is_refused(self):
        for top in ("0", "-1", "abc", "1000", "2.5", ""):
            with self.subTest(top=top):
                r = self.api.get("/v1.0/users?$top=" + top, token=self.admin.token)
                self.expect(r, 400)
                self.assertTrue(r.error_code, r)

    def test_unsupported_filter_is_refused_not_ignored(self):
        for f in ("nosuchproperty eq 'x'",           # unknown property
                  "displayName eq",                 # syntax
                  "startswith(displayName,'Pag')",  # unsupported function
                  "displayName eq 'a' and",         # dangling operator
                  "(displayName eq 'a'"):           # unbalanced parenthesis
            with self.subTest(filter=f):
                r = self.api.get("/v1.0/users?$filter=" + f, token=self.admin.token)
                self.expect(r, 400)
        r = self.api.get(AUDITS + "?$filter=resultReason eq 'x'", token=self.auditor.token)
        self.expect(r, 400)

    def test_bad_select_and_skiptoken_are_refused(self):
        self.expect(self.api.get("/v1.0/users?$select=id,noSuchProperty", token=self.admin.token),
                    400)
        self.expect(self.api.get("/v1.0/users?$skiptoken=not-a-token", token=self.admin.token),
                    400)


if __name__ == "__main__":
    unittest.main(verbosity=2)
