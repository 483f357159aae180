// Directory, role definition, policy and audit routes over a real PimService.
#include <cctype>
#include <limits>

#include "core/role_catalog.h"
#include "http/graph/collection.h"
#include "http/graph/graph_test_util.h"

namespace pim::http::testing {
namespace {

class RoutesTest : public GraphFixture {
 protected:
  // Follows @odata.nextLink from `target` to the end; returns every item and the page count.
  std::pair<std::vector<json::object>, int> ListAll(const std::string& target,
                                                    const std::string& token) {
    std::vector<json::object> items;
    int pages = 0;
    std::string next = target;
    while (!next.empty() && pages < 100) {
      Reply r = Get(next, token);
      EXPECT_EQ(r.status, 200) << next << Dump(r);
      if (r.status != 200) break;
      ++pages;
      for (const json::value& v : r.Value()) items.push_back(v.as_object());
      next = r.Str("@odata.nextLink");
      if (!next.empty()) {
        EXPECT_EQ(next.rfind(std::string(kBaseUrl) + "/", 0), 0u) << next;
      }
    }
    return {items, pages};
  }
};

TEST_F(RoutesTest, UsersPageByTwoFollowingNextLinkToTheEnd) {
  for (int i = 0; i < 6; ++i) {
    CreateUser("Pager " + std::to_string(i), "pager" + std::to_string(i) + "@pim.local");
  }
  auto [everyone, one_page] = ListAll("/v1.0/users?$top=999", admin_token_);
  ASSERT_EQ(everyone.size(), 7u);  // the administrator and six
  EXPECT_EQ(one_page, 1);
  auto [items, pages] = ListAll("/v1.0/users?$top=2", admin_token_);
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(items.size(), everyone.size());
  for (size_t i = 0; i < items.size(); ++i) EXPECT_EQ(items[i].at("id"), everyone[i].at("id"));

  Reply refused = Get("/v1.0/users?$filter=startswith(displayName,'P')", admin_token_);
  EXPECT_EQ(refused.status, 400);
  auto [two, two_pages] =
      ListAll("/v1.0/users?$top=1&$filter=displayName eq 'Pager 3' or displayName eq 'Pager 5'",
              admin_token_);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two_pages, 2);
  EXPECT_EQ(two[0].at("displayName"), "Pager 3");
}

TEST_F(RoutesTest, SelectReturnsOnlyTheSelectedProperties) {
  Reply r = Get("/v1.0/users?$select=id,displayName", admin_token_);
  ASSERT_EQ(r.status, 200) << Dump(r);
  ASSERT_FALSE(r.Value().empty());
  for (const json::value& v : r.Value()) EXPECT_EQ(v.as_object().size(), 2u);
  Reply one = Get("/v1.0/users/" + admin_id_ + "?$select=userPrincipalName", admin_token_);
  ASSERT_EQ(one.status, 200) << Dump(one);
  EXPECT_EQ(one.Str("userPrincipalName"), kAdminUpn);
  EXPECT_FALSE(one.obj().contains("displayName"));
  EXPECT_EQ(one.Str("@odata.context"), std::string(kBaseUrl) + "/v1.0/$metadata#users/$entity");
  EXPECT_EQ(Get("/v1.0/users?$select=id,noSuchProperty", admin_token_).status, 400);
  EXPECT_EQ(Get("/v1.0/users?$skiptoken=not-a-token", admin_token_).status, 400);
}

TEST_F(RoutesTest, RevokeSignInSessionsEndsEveryTokenOfTheUser) {
  CreateUser("Ada", "ada@pim.local");
  CreateUser("Bob", "bob@pim.local");
  std::string laptop = SignIn("ada@pim.local", kUserPassword);
  std::string phone = SignIn("ada@pim.local", kUserPassword);
  std::string bob = SignIn("bob@pim.local", kUserPassword);
  ASSERT_FALSE(laptop.empty() || phone.empty() || bob.empty());
  // Bob is no user administrator: Ada's sessions are not his to end.
  Reply refused = Call("POST", "/v1.0/users/ada@pim.local/revokeSignInSessions", "", bob);
  EXPECT_EQ(refused.status, 403) << Dump(refused);
  EXPECT_EQ(Get("/v1.0/me", laptop).status, 200);
  // Ada ends her own, from one device: every token dies.
  Reply mine = Call("POST", "/v1.0/me/revokeSignInSessions", "", laptop);
  ASSERT_EQ(mine.status, 200) << Dump(mine);
  EXPECT_EQ(mine.obj().at("value"), true);
  EXPECT_EQ(Get("/v1.0/me", laptop).status, 401);
  EXPECT_EQ(Get("/v1.0/me", phone).status, 401);
  EXPECT_EQ(Get("/v1.0/me", bob).status, 200);  // nobody else's
  // An administrator ends another user's.
  std::string again = SignIn("ada@pim.local", kUserPassword);
  ASSERT_EQ(Get("/v1.0/me", again).status, 200);
  Reply by_admin = Call("POST", "/v1.0/users/ada@pim.local/revokeSignInSessions", "", admin_token_);
  EXPECT_EQ(by_admin.status, 200) << Dump(by_admin);
  EXPECT_EQ(Get("/v1.0/me", again).status, 401);
  EXPECT_EQ(
      Call("POST", "/v1.0/users/nobody@pim.local/revokeSignInSessions", "", admin_token_).status,
      404);
}

TEST_F(RoutesTest, ChangePasswordReplacesItAndEndsTheOtherSessions) {
  CreateUser("Ada", "ada@pim.local");
  std::string laptop = SignIn("ada@pim.local", kUserPassword);
  std::string phone = SignIn("ada@pim.local", kUserPassword);
  ASSERT_FALSE(laptop.empty() || phone.empty());
  const std::string path = "/v1.0/me/changePassword";
  // Bad bodies change nothing: 400 naming the problem.
  for (const char* body : {"{}", R"({"currentPassword":"x"})",
                           R"({"currentPassword":"x","newPassword":"y","extra":1})",
                           R"({"currentPassword":1,"newPassword":"a long enough one"})"}) {
    Reply bad = Call("POST", path, body, laptop);
    EXPECT_EQ(bad.status, 400) << body << " " << Dump(bad);
  }
  json::object change{{"currentPassword", "not the password"},
                      {"newPassword", "a-brand-new-passphrase"}};
  Reply wrong = Post(path, change, laptop);
  EXPECT_EQ(wrong.status, 403) << Dump(wrong);
  change["newPassword"] = "short";
  change["currentPassword"] = kUserPassword;
  EXPECT_EQ(Post(path, change, laptop).status, 400);
  EXPECT_EQ(Post(path, change, "").status, 401);
  change["newPassword"] = "a-brand-new-passphrase";
  Reply ok = Post(path, change, laptop);
  ASSERT_EQ(ok.status, 204) << Dump(ok);
  EXPECT_EQ(Get("/v1.0/me", laptop).status, 200);
  EXPECT_EQ(Get("/v1.0/me", phone).status, 401);
  EXPECT_TRUE(SignIn("ada@pim.local", kUserPassword).empty());
  EXPECT_FALSE(SignIn("ada@pim.local", "a-brand-new-passphrase").empty());
}

TEST_F(RoutesTest, UserLifecycleByIdAndUpn) {
  std::string id = CreateUser("Ada", "ada@pim.local");
  Reply by_upn = Get("/v1.0/users/ADA@pim.local", admin_token_);
  ASSERT_EQ(by_upn.status, 200) << Dump(by_upn);
  EXPECT_EQ(by_upn.Str("id"), id);
  EXPECT_EQ(by_upn.obj().at("accountEnabled"), true);
  std::string token = SignIn("ada@pim.local", kUserPassword);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Get("/v1.0/me", token).Str("userPrincipalName"), "ada@pim.local");

  Reply patched = Call("PATCH", "/v1.0/users/" + id, R"({"accountEnabled":false})", admin_token_);
  EXPECT_EQ(patched.status, 204) << Dump(patched);
  EXPECT_EQ(Get("/v1.0/me", token).status, 401);  // disabling revokes at once
  EXPECT_EQ(Get("/v1.0/users/" + id, admin_token_).obj().at("accountEnabled"), false);
  EXPECT_EQ(
      Call("PATCH", "/v1.0/users/" + id, R"({"userPrincipalName":"x@y"})", admin_token_).status,
      400);
  EXPECT_EQ(Call("DELETE", "/v1.0/users/" + id, "", admin_token_).status, 204);
  EXPECT_EQ(Get("/v1.0/users/" + id, admin_token_).status, 404);
}

TEST_F(RoutesTest, ErrorsHaveGraphShapeAndStatus) {
  std::string id = CreateUser("Bob", "bob@pim.local");
  std::string bob = SignIn("bob@pim.local", kUserPassword);
  // 403: authenticated, not permitted.
  Reply forbidden =
      Post("/v1.0/users",
           json::object{{"displayName", "X"},
                        {"userPrincipalName", "x@pim.local"},
                        {"passwordProfile", json::object{{"password", kUserPassword}}}},
           bob);
  EXPECT_EQ(forbidden.status, 403) << Dump(forbidden);
  EXPECT_FALSE(forbidden.ErrorCode().empty());
  EXPECT_FALSE(forbidden.ErrorMessage().empty());
  // 404: unknown ids and paths.
  EXPECT_EQ(Get("/v1.0/users/00000000-0000-4000-8000-0000000fffff", admin_token_).status, 404);
  EXPECT_EQ(Get("/v1.0/users/nobody@pim.local", admin_token_).status, 404);
  EXPECT_EQ(Get("/v1.0/groups/" + id, admin_token_).status, 404);  // a user is not a group
  EXPECT_EQ(Get("/v1.0/noSuchCollection", admin_token_).status, 404);
  // 409: a second user with the same UPN (case-insensitive).
  Reply dup = Post("/v1.0/users",
                   json::object{{"displayName", "Bob 2"},
                                {"userPrincipalName", "BOB@pim.local"},
                                {"passwordProfile", json::object{{"password", kUserPassword}}}},
                   admin_token_);
  EXPECT_EQ(dup.status, 409) << Dump(dup);
  // 400: malformed body, with a message naming the problem.
  Reply bad = Call("POST", "/v1.0/users", R"({"displayName": )", admin_token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.ErrorMessage().find("JSON"), std::string::npos);
}

TEST_F(RoutesTest, GroupsAndMembersByReference) {
  std::string u = CreateUser("Member", "member@pim.local");
  Reply g = Post("/v1.0/groups",
                 json::object{{"displayName", "Ops"},
                              {"mailEnabled", false},
                              {"mailNickname", "ops"},
                              {"securityEnabled", true}},
                 admin_token_);
  ASSERT_EQ(g.status, 201) << Dump(g);
  const std::string group = "/v1.0/groups/" + g.Str("id");
  Reply add =
      Post(group + "/members/$ref",
           json::object{{"@odata.id", "https://graph.microsoft.com/v1.0/directoryObjects/" + u}},
           admin_token_);
  EXPECT_EQ(add.status, 204) << Dump(add);
  Reply members = Get(group + "/members", admin_token_);
  ASSERT_EQ(members.status, 200) << Dump(members);
  ASSERT_EQ(members.Value().size(), 1u);
  EXPECT_EQ(members.Value()[0].as_object().at("@odata.type"), "#microsoft.graph.user");
  EXPECT_EQ(Call("DELETE", group + "/members/" + u + "/$ref", "", admin_token_).status, 204);
  EXPECT_TRUE(Get(group + "/members", admin_token_).Value().empty());
  EXPECT_EQ(Call("DELETE", group, "", admin_token_).status, 204);
  EXPECT_EQ(Get(group, admin_token_).status, 404);
}

// A schedule's or request's principalId may name a user, a group or a service principal; Graph
// clients resolve it with GET /directoryObjects/{id}, which answers the object with its
// @odata.type.
TEST_F(RoutesTest, DirectoryObjectsResolveAnyPrincipal) {
  const std::string user = CreateUser("Resolved", "resolved@pim.local");
  Reply group = Post("/v1.0/groups", json::object{{"displayName", "Resolvers"}}, admin_token_);
  ASSERT_EQ(group.status, 201) << Dump(group);

  Reply u = Get("/v1.0/directoryObjects/" + user, admin_token_);
  ASSERT_EQ(u.status, 200) << Dump(u);
  EXPECT_EQ(u.Str("@odata.type"), "#microsoft.graph.user");
  EXPECT_EQ(u.Str("userPrincipalName"), "resolved@pim.local");
  EXPECT_EQ(u.Str("@odata.context"),
            std::string(kBaseUrl) + "/v1.0/$metadata#directoryObjects/$entity");
  Reply g = Get("/v1.0/directoryObjects/" + group.Str("id") + "?$select=displayName", admin_token_);
  ASSERT_EQ(g.status, 200) << Dump(g);
  EXPECT_EQ(g.Str("@odata.type"), "#microsoft.graph.group");
  EXPECT_EQ(g.Str("displayName"), "Resolvers");
  EXPECT_FALSE(g.obj().contains("description"));

  EXPECT_EQ(Get("/v1.0/directoryObjects/00000000-0000-4000-8000-00000000ffff", admin_token_).status,
            404);
  ASSERT_EQ(Call("DELETE", "/v1.0/users/" + user, "", admin_token_).status, 204);
  EXPECT_EQ(Get("/v1.0/directoryObjects/" + user, admin_token_).status, 404);
  EXPECT_EQ(Get("/v1.0/directoryObjects/" + user, "").status, 401);
}

TEST_F(RoutesTest, RoleDefinitionsAreGraphShaped) {
  Reply all =
      Get("/v1.0/roleManagement/directory/roleDefinitions?$filter=displayName eq "
          "'Global Administrator'",
          admin_token_);
  ASSERT_EQ(all.status, 200) << Dump(all);
  ASSERT_EQ(all.Value().size(), 1u);
  const json::object& ga = all.Value()[0].as_object();
  EXPECT_EQ(ga.at("id"), role_ids::kGlobalAdministrator);
  EXPECT_EQ(ga.at("isBuiltIn"), true);
  EXPECT_TRUE(ga.at("rolePermissions").is_array());

  Reply created = Post(
      "/v1.0/roleManagement/directory/roleDefinitions",
      json::object{
          {"displayName", "Reader of things"},
          {"rolePermissions",
           json::array{json::object{{"allowedResourceActions",
                                     json::array{"microsoft.directory/users/standard/read"}}}}}},
      admin_token_);
  ASSERT_EQ(created.status, 201) << Dump(created);
  EXPECT_EQ(created.obj().at("isBuiltIn"), false);
  const std::string path = "/v1.0/roleManagement/directory/roleDefinitions/" + created.Str("id");
  EXPECT_EQ(Call("PATCH", path, R"({"description":"reads"})", admin_token_).status, 204);
  EXPECT_EQ(Get(path, admin_token_).Str("description"), "reads");
  EXPECT_EQ(Call("DELETE", path, "", admin_token_).status, 204);
  EXPECT_EQ(Get(path, admin_token_).status, 404);
}

// GET without query options is served from a cache of serialized role definitions: it must
// answer exactly what the uncached path answers, and a change must show at once.
TEST_F(RoutesTest, RoleDefinitionGetCacheFollowsChanges) {
  const std::string base = "/v1.0/roleManagement/directory/roleDefinitions";
  const std::string ga = base + "/" + std::string(role_ids::kGlobalAdministrator);
  Reply first = Get(ga, admin_token_);
  ASSERT_EQ(first.status, 200) << Dump(first);
  Reply again = Get(ga, admin_token_);  // from the cache
  // A query option takes the uncached path (same entity, every property selected).
  Reply uncached = Get(
      ga + "?$select=" +
          [&] {
            std::string all;
            for (const auto& member : first.obj()) {
              if (member.key() == "@odata.context") continue;
              all += (all.empty() ? "" : ",") + std::string(member.key());
            }
            return all;
          }(),
      admin_token_);
  EXPECT_EQ(again.body, first.body);
  ASSERT_EQ(uncached.status, 200) << Dump(uncached);
  EXPECT_EQ(uncached.body, first.body);
  // Upper-case ids reach the same entry.
  std::string upper(role_ids::kGlobalAdministrator);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(Get(base + "/" + upper, admin_token_).body, first.body);
  EXPECT_EQ(Get(ga, "").status, 401);

  Reply created =
      Post(base,
           json::object{{"displayName", "Cached role"},
                        {"rolePermissions", json::array{json::object{{"allowedResourceActions",
                                                                      json::array{"a/b/read"}}}}}},
           admin_token_);
  ASSERT_EQ(created.status, 201) << Dump(created);
  const std::string path = base + "/" + created.Str("id");
  EXPECT_EQ(Get(path, admin_token_).Str("displayName"), "Cached role");
  ASSERT_EQ(Call("PATCH", path, R"({"displayName":"Renamed role"})", admin_token_).status, 204);
  EXPECT_EQ(Get(path, admin_token_).Str("displayName"), "Renamed role");
  ASSERT_EQ(Call("DELETE", path, "", admin_token_).status, 204);
  EXPECT_EQ(Get(path, admin_token_).status, 404);
  EXPECT_EQ(Get(ga, admin_token_).body, first.body);
}

TEST_F(RoutesTest, PolicyRulesReadAndPatch) {
  Reply assignments =
      Get("/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq "
          "'DirectoryRole' and roleDefinitionId eq '" +
              std::string(role_ids::kHelpdeskAdministrator) + "'&$expand=policy($expand=rules)",
          admin_token_);
  ASSERT_EQ(assignments.status, 200) << Dump(assignments);
  ASSERT_EQ(assignments.Value().size(), 1u);
  const json::object& a = assignments.Value()[0].as_object();
  const std::string policy_id(a.at("policyId").as_string());
  EXPECT_EQ(a.at("policy").as_object().at("rules").as_array().size(), 17u);

  const std::string base = "/v1.0/policies/roleManagementPolicies/" + policy_id;
  Reply policy = Get(base + "?$expand=rules", admin_token_);
  ASSERT_EQ(policy.status, 200) << Dump(policy);
  EXPECT_EQ(policy.obj().at("rules").as_array().size(), 17u);
  EXPECT_FALSE(Get(base, admin_token_).obj().contains("rules"));
  Reply rules = Get(base + "/rules", admin_token_);
  EXPECT_EQ(rules.Value().size(), 17u);

  Reply rule = Get(base + "/rules/Expiration_EndUser_Assignment", admin_token_);
  ASSERT_EQ(rule.status, 200) << Dump(rule);
  json::object body = rule.obj();
  body.erase("@odata.context");
  body["maximumDuration"] = "PT4H";
  Reply patched = Call("PATCH", base + "/rules/Expiration_EndUser_Assignment",
                       json::serialize(body), admin_token_);
  ASSERT_EQ(patched.status, 200) << Dump(patched);
  EXPECT_EQ(patched.Str("maximumDuration"), "PT4H");
  EXPECT_EQ(Get(base + "/rules/Expiration_EndUser_Assignment", admin_token_).Str("maximumDuration"),
            "PT4H");
  EXPECT_EQ(Call("PATCH", base + "/rules/Expiration_EndUser_Assignment", "{", admin_token_).status,
            400);
  EXPECT_EQ(Get(base + "/rules/NoSuchRule", admin_token_).status, 404);
}

// Graph's own examples type the nested objects of a rule ("target", "setting", each stage),
// without the leading '#' ("microsoft.graph.approvalSettings"); a client that sends them so is
// answered as Graph would.
TEST_F(RoutesTest, PolicyRulePatchAcceptsGraphsNestedODataTypes) {
  const std::string base = PolicyPathOf(role_ids::kHelpdeskAdministrator) + "/rules/";
  ASSERT_FALSE(HasFailure());

  const std::string approval = R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
    "id": "Approval_EndUser_Assignment",
    "target": {"@odata.type": "microsoft.graph.unifiedRoleManagementPolicyRuleTarget",
               "caller": "EndUser", "operations": ["All"], "level": "Assignment",
               "inheritableSettings": [], "enforcedSettings": []},
    "setting": {"@odata.type": "microsoft.graph.approvalSettings",
                "isApprovalRequired": true, "isApprovalRequiredForExtension": false,
                "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
                "approvalStages": [{"@odata.type": "microsoft.graph.unifiedApprovalStage",
                                    "approvalStageTimeOutInDays": 1,
                                    "isApproverJustificationRequired": true,
                                    "escalationTimeInMinutes": 0, "isEscalationEnabled": false,
                                    "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser",
                                                          "userId": ")" +
                               admin_id_ + R"("}],
                                    "escalationApprovers": []}]}})";
  Reply patched = Call("PATCH", base + "Approval_EndUser_Assignment", approval, admin_token_);
  ASSERT_EQ(patched.status, 200) << Dump(patched);
  EXPECT_EQ(patched.obj().at("setting").at("isApprovalRequired"), true);

  const std::string expiration = R"({
    "@odata.type": "microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
    "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true,
    "maximumDuration": "PT1H45M",
    "target": {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyRuleTarget",
               "caller": "EndUser", "operations": ["All"], "level": "Assignment"}})";
  patched = Call("PATCH", base + "Expiration_EndUser_Assignment", expiration, admin_token_);
  ASSERT_EQ(patched.status, 200) << Dump(patched);
  EXPECT_EQ(patched.Str("maximumDuration"), "PT1H45M");

  // Another type is still refused.
  Reply wrong =
      Call("PATCH", base + "Expiration_EndUser_Assignment",
           R"({"target": {"@odata.type": "microsoft.graph.approvalSettings"}})", admin_token_);
  EXPECT_EQ(wrong.status, 400) << Dump(wrong);
}

// A policy assignment id in a URL is matched whatever its case, as Graph matches ids (and as
// pim matches the ids of requests, schedules, users and groups). The policy ids of this fixture
// are all digits; tests/integration/test_lifecycle.py covers policies and approval steps.
TEST_F(RoutesTest, PolicyAssignmentIdsInUrlsAreCaseInsensitive) {
  const json::object found = PolicyAssignmentOf(role_ids::kHelpdeskAdministrator);
  ASSERT_FALSE(HasFailure());
  const std::string id(found.at("id").as_string());
  std::string upper = id;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ASSERT_NE(upper, id);
  Reply assignment = Get("/v1.0/policies/roleManagementPolicyAssignments/" + upper, admin_token_);
  ASSERT_EQ(assignment.status, 200) << Dump(assignment);
  EXPECT_EQ(assignment.Str("id"), id);
}

// Graph's unifiedRoleManagementPolicy has two rule navigations, rules and effectiveRules (the
// rules in force after inheritance; pim's policies inherit nothing, so they are the same).
TEST_F(RoutesTest, PolicyEffectiveRulesAreItsRules) {
  const std::string base = PolicyPathOf(role_ids::kHelpdeskAdministrator);
  ASSERT_FALSE(HasFailure());
  const json::value rules = Get(base + "?$expand=rules", admin_token_).obj().at("rules");

  Reply expanded = Get(base + "?$expand=effectiveRules", admin_token_);
  ASSERT_EQ(expanded.status, 200) << Dump(expanded);
  EXPECT_EQ(expanded.obj().at("effectiveRules"), rules);
  EXPECT_FALSE(expanded.obj().contains("rules"));
  Reply both = Get(base + "?$expand=rules,effectiveRules", admin_token_);
  ASSERT_EQ(both.status, 200) << Dump(both);
  EXPECT_EQ(both.obj().at("rules"), rules);
  EXPECT_EQ(both.obj().at("effectiveRules"), rules);
  Reply listed = Get("/v1.0/policies/roleManagementPolicies?$expand=effectiveRules", admin_token_);
  ASSERT_EQ(listed.status, 200) << Dump(listed);
  EXPECT_EQ(listed.Value().at(0).as_object().at("effectiveRules").as_array().size(), 17u);

  Reply effective = Get(base + "/effectiveRules", admin_token_);
  ASSERT_EQ(effective.status, 200) << Dump(effective);
  EXPECT_EQ(json::value(effective.Value()), rules);
  Reply one = Get(base + "/effectiveRules/Expiration_EndUser_Assignment", admin_token_);
  ASSERT_EQ(one.status, 200) << Dump(one);
  EXPECT_EQ(one.Str("@odata.type"), "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule");
}

TEST_F(RoutesTest, AuditNewestFirstFilteredPagedAndVerified) {
  for (int i = 0; i < 4; ++i) {
    CreateUser("Audited " + std::to_string(i), "audited" + std::to_string(i) + "@pim.local");
    clock_.Advance(Duration::Seconds(10));
  }
  auto [all, one] = ListAll("/v1.0/auditLogs/directoryAudits?$top=999", admin_token_);
  ASSERT_GE(all.size(), 5u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(ParseTimestamp(all[i - 1].at("activityDateTime").as_string()).value(),
              ParseTimestamp(all[i].at("activityDateTime").as_string()).value());
    EXPECT_FALSE(all[i].contains("pimEncodingVersion"));
  }
  Reply all_counted = Get("/v1.0/auditLogs/directoryAudits?$count=true&$top=1", admin_token_);
  ASSERT_EQ(all_counted.status, 200) << Dump(all_counted);
  EXPECT_EQ(all_counted.obj().at("@odata.count"), static_cast<int64_t>(all.size()));
  auto [paged, pages] = ListAll("/v1.0/auditLogs/directoryAudits?$top=2", admin_token_);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i].at("id"), all[i].at("id"));
  EXPECT_EQ(pages, static_cast<int>((all.size() + 1) / 2));

  auto [users, user_pages] = ListAll(
      "/v1.0/auditLogs/directoryAudits?$top=3&$filter=category eq 'UserManagement'", admin_token_);
  ASSERT_GE(users.size(), 4u);
  for (const json::object& a : users) EXPECT_EQ(a.at("category"), "UserManagement");
  auto [mine, mine_pages] =
      ListAll("/v1.0/auditLogs/directoryAudits?$filter=initiatedBy/user/id eq '" + admin_id_ + "'",
              admin_token_);
  EXPECT_FALSE(mine.empty());
  EXPECT_EQ(Get("/v1.0/auditLogs/directoryAudits?$filter=resultReason eq 'x'", admin_token_).status,
            400);
  EXPECT_EQ(Get("/v1.0/auditLogs/directoryAudits?$skiptoken=b2Zmc2V0OjE", admin_token_).status,
            400);  // an offset token is not an audit token

  const std::string id(all[1].at("id").as_string());
  Reply one_record = Get("/v1.0/auditLogs/directoryAudits/" + id, admin_token_);
  ASSERT_EQ(one_record.status, 200) << Dump(one_record);
  EXPECT_EQ(one_record.Str("id"), id);
  EXPECT_EQ(Get("/v1.0/auditLogs/directoryAudits/nope", admin_token_).status, 404);
  // A filter on the id is answered by looking the record up: the same record, in either case,
  // and nothing when the rest of the filter does not match.
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& literal : {id, upper}) {
    auto [by_id, by_id_pages] =
        ListAll("/v1.0/auditLogs/directoryAudits?$count=true&$filter=id eq '" + literal +
                    "' and category eq '" + std::string(all[1].at("category").as_string()) + "'",
                admin_token_);
    ASSERT_EQ(by_id.size(), 1u) << literal;
    EXPECT_EQ(by_id[0], all[1]);
  }
  Reply counted =
      Get("/v1.0/auditLogs/directoryAudits?$count=true&$filter=id eq '" + id + "'", admin_token_);
  ASSERT_EQ(counted.status, 200) << Dump(counted);
  EXPECT_EQ(counted.obj().at("@odata.count"), 1);
  auto [other, other_pages] = ListAll(
      "/v1.0/auditLogs/directoryAudits?$filter=id eq '" + id + "' and category eq 'NoSuchCategory'",
      admin_token_);
  EXPECT_TRUE(other.empty());
  auto [unknown, unknown_pages] = ListAll(
      "/v1.0/auditLogs/directoryAudits?$filter=id eq '0c13a7c7-78f4-47a1-b174-000000000000'",
      admin_token_);
  EXPECT_TRUE(unknown.empty());

  Reply verify = Get("/v1.0/pim/audit/verify", admin_token_);
  ASSERT_EQ(verify.status, 200) << Dump(verify);
  EXPECT_EQ(verify.obj().at("ok"), true);
  EXPECT_GE(verify.obj().at("recordsChecked").as_int64(), static_cast<int64_t>(all.size()));

  // Ordinary users may not read the audit log.
  CreateUser("Nosy", "nosy@pim.local");
  std::string nosy = SignIn("nosy@pim.local", kUserPassword);
  EXPECT_EQ(Get("/v1.0/auditLogs/directoryAudits", nosy).status, 403);
  EXPECT_EQ(Get("/v1.0/auditLogs/directoryAudits/" + id, nosy).status, 403);
}

// A checkpoint saved off the host (GET .../checkpoint) can be checked later (POST .../verify).
TEST_F(RoutesTest, AuditCheckpointsCanBeKeptAndCheckedLater) {
  Reply saved = Get("/v1.0/pim/audit/checkpoint", admin_token_);
  ASSERT_EQ(saved.status, 200) << Dump(saved);
  EXPECT_GE(saved.obj().at("seq").as_int64(), 1);
  EXPECT_EQ(saved.Str("headHash").size(), 64u);
  EXPECT_NE(saved.Str("publicKey").find("BEGIN PUBLIC KEY"), std::string::npos);
  CreateUser("Later", "later@pim.local");  // the log grows past the saved checkpoint

  json::object copy = saved.obj();
  copy.erase("@odata.context");
  copy.erase("publicKey");
  Reply fine = Post("/v1.0/pim/audit/verify", json::object{{"checkpoints", json::array{copy}}},
                    admin_token_);
  ASSERT_EQ(fine.status, 200) << Dump(fine);
  EXPECT_EQ(fine.obj().at("ok"), true) << Dump(fine);

  json::object future = copy;  // a checkpoint of more records than the log has
  future["seq"] = saved.obj().at("seq").as_int64() + 1000;
  Reply unsigned_claim = Post("/v1.0/pim/audit/verify",
                              json::object{{"checkpoints", json::array{future}}}, admin_token_);
  ASSERT_EQ(unsigned_claim.status, 200) << Dump(unsigned_claim);
  EXPECT_EQ(unsigned_claim.obj().at("ok"), false);
  EXPECT_EQ(unsigned_claim.Str("problem"), "checkpoint-invalid");

  for (const std::string& body :
       {std::string("{}"), std::string(R"({"checkpoints":[]})"), std::string("[1]"),
        std::string(R"({"checkpoints":[{"seq":0,"headHash":"x","time":"x","signature":"x"}]})"),
        std::string(R"({"checkpoints":[{"seq":1,"headHash":"AB","time":"2026-11-27T00:00:00Z",)"
                    R"("signature":"x"}]})"),
        std::string(R"({"checkpoints":[{"seq":1,"headHash":")") + std::string(64, 'a') +
            R"(","time":"yesterday","signature":"x"}]})",
        std::string(R"({"checkpoints":[{"seq":1,"headHash":")") + std::string(64, 'a') +
            R"(","time":"2026-11-27T00:00:00Z","signature":"x","extra":1}]})"}) {
    Reply bad = Call("POST", "/v1.0/pim/audit/verify", body, admin_token_);
    EXPECT_EQ(bad.status, 400) << body << Dump(bad);
    EXPECT_FALSE(bad.ErrorCode().empty());
  }
  CreateUser("Nosy", "nosy@pim.local");
  std::string nosy = SignIn("nosy@pim.local", kUserPassword);
  EXPECT_EQ(Get("/v1.0/pim/audit/checkpoint", nosy).status, 403);
  EXPECT_EQ(
      Post("/v1.0/pim/audit/verify", json::object{{"checkpoints", json::array{copy}}}, nosy).status,
      403);
}

// The sealed records, oldest first and page by page, are the chain itself: each links to the one
// before and hashes to its own hash, and the newest checkpoint signs the last of them.
TEST_F(RoutesTest, TheSealedRecordsAreTheChainAsHashed) {
  CreateUser("Sealed", "sealed@pim.local");
  auto [records, pages] = ListAll("/v1.0/pim/audit/records?$top=2", admin_token_);
  ASSERT_GE(records.size(), 3u);
  EXPECT_GE(pages, 2);
  std::string previous(64, '0');
  for (size_t i = 0; i < records.size(); ++i) {
    const json::object& r = records[i];
    EXPECT_EQ(r.at("sequence").as_int64(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(r.at("previousHash").as_string(), previous);
    Result<SealedAuditRecord> sealed = SealedRecordFromJson(r);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_EQ(Sha256Hex(sealed->prev_hash, sealed->canonical), sealed->hash);
    previous = sealed->hash;
  }
  Reply checkpoint = Get("/v1.0/pim/audit/checkpoint", admin_token_);
  ASSERT_EQ(checkpoint.status, 200) << Dump(checkpoint);
  EXPECT_EQ(checkpoint.obj().at("seq").as_int64(), static_cast<int64_t>(records.size()));
  EXPECT_EQ(checkpoint.Str("headHash"), previous);

  Reply counted = Get("/v1.0/pim/audit/records?$count=true&$top=1", admin_token_);
  ASSERT_EQ(counted.status, 200) << Dump(counted);
  EXPECT_EQ(counted.obj().at("@odata.count").as_int64(), static_cast<int64_t>(records.size()));
  // A token past every record (the largest sequence number) is an empty last page.
  Reply past = Get("/v1.0/pim/audit/records?$skiptoken=" +
                       EncodeSkipToken("seq", std::numeric_limits<int64_t>::max()),
                   admin_token_);
  ASSERT_EQ(past.status, 200) << Dump(past);
  EXPECT_TRUE(past.obj().at("value").as_array().empty());
  EXPECT_EQ(past.obj().if_contains("@odata.nextLink"), nullptr);
  for (const std::string& bad : {std::string("$top=0"), std::string("$skiptoken=nonsense"),
                                 std::string("$filter=sequence eq 1"), std::string("$orderby=x")}) {
    Reply refused = Get("/v1.0/pim/audit/records?" + bad, admin_token_);
    EXPECT_EQ(refused.status, 400) << bad << Dump(refused);
  }
  CreateUser("Nosy", "nosy@pim.local");
  std::string nosy = SignIn("nosy@pim.local", kUserPassword);
  EXPECT_EQ(Get("/v1.0/pim/audit/records", nosy).status, 403);
}

TEST_F(RoutesTest, EveryWritingRouteIsBlocking) {
  CreateUser("Block", "block@pim.local");
  EXPECT_TRUE(last_blocking_);
  EXPECT_EQ(last_route_, "users.create");
  Get("/v1.0/users", admin_token_);
  EXPECT_FALSE(last_blocking_);
  EXPECT_EQ(last_route_, "users.list");
}

TEST_F(RoutesTest, TotpEnrollmentRoundTrip) {
  Reply enrolled =
      Post("/v1.0/me/authentication/softwareOathMethods", json::object{}, admin_token_);
  ASSERT_EQ(enrolled.status, 201) << Dump(enrolled);
  EXPECT_EQ(enrolled.Str("otpauthUri").rfind("otpauth://totp/", 0), 0u);
  auto secret = Base32Decode(enrolled.Str("secretKey"));
  ASSERT_TRUE(secret.ok());
  const std::string verify =
      "/v1.0/me/authentication/softwareOathMethods/" + enrolled.Str("id") + "/verify";
  EXPECT_EQ(Post(verify, json::object{{"code", 123456}}, admin_token_).status, 400);
  Reply ok = Post(verify, json::object{{"code", TotpCode(*secret, clock_.Now())}}, admin_token_);
  EXPECT_EQ(ok.status, 204) << Dump(ok);
  Reply list = Get("/v1.0/me/authentication/softwareOathMethods", admin_token_);
  ASSERT_EQ(list.Value().size(), 1u);
  EXPECT_TRUE(list.Value()[0].as_object().at("secretKey").is_null());
  EXPECT_EQ(list.Value()[0].as_object().at("pimVerified"), true);
}

}  // namespace
}  // namespace pim::http::testing
