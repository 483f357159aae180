#include "core/role_catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/ids.h"

namespace pim {
namespace {

std::map<std::string, RoleDefinition> ById() {
  std::map<std::string, RoleDefinition> out;
  for (RoleDefinition& role : BuiltInRoleDefinitions()) out[role.id] = role;
  return out;
}

bool Allows(const RoleDefinition& role, const std::string& action) {
  const auto& actions = role.role_permissions.at(0).allowed_resource_actions;
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

TEST(RoleCatalogTest, WellKnownIdsAndDisplayNames) {
  std::map<std::string, RoleDefinition> roles = ById();
  const std::map<std::string, std::string> kExpected = {
      {role_ids::kGlobalAdministrator, "Global Administrator"},
      {role_ids::kPrivilegedRoleAdministrator, "Privileged Role Administrator"},
      {role_ids::kSecurityAdministrator, "Security Administrator"},
      {role_ids::kUserAdministrator, "User Administrator"},
      {role_ids::kHelpdeskAdministrator, "Helpdesk Administrator"},
      {role_ids::kExchangeAdministrator, "Exchange Administrator"},
      {role_ids::kSharePointAdministrator, "SharePoint Administrator"},
      {role_ids::kApplicationAdministrator, "Application Administrator"},
      {role_ids::kBillingAdministrator, "Billing Administrator"},
      {role_ids::kGlobalReader, "Global Reader"},
      {role_ids::kSecurityReader, "Security Reader"},
  };
  EXPECT_EQ(BuiltInRoleDefinitions().size(), kExpected.size());
  for (const auto& [id, name] : kExpected) {
    ASSERT_EQ(roles.count(id), 1u) << name;
    EXPECT_EQ(roles[id].display_name, name);
  }
  EXPECT_EQ(roles[role_ids::kGlobalAdministrator].description,
            "Can manage all aspects of Microsoft Entra ID and Microsoft services that use "
            "Microsoft Entra identities.");
}

TEST(RoleCatalogTest, BuiltInShape) {
  std::set<std::string> names;
  for (const RoleDefinition& role : BuiltInRoleDefinitions()) {
    EXPECT_TRUE(IsGuid(role.id)) << role.id;
    EXPECT_EQ(role.id, ToLower(role.id));
    EXPECT_EQ(role.template_id, role.id);
    EXPECT_TRUE(role.is_built_in);
    EXPECT_TRUE(role.is_enabled);
    EXPECT_EQ(role.version, "1");
    EXPECT_EQ(role.resource_scopes, std::vector<std::string>{"/"});
    EXPECT_FALSE(role.description.empty()) << role.display_name;
    EXPECT_TRUE(names.insert(role.display_name).second) << role.display_name;
    ASSERT_EQ(role.role_permissions.size(), 1u);
    const auto& actions = role.role_permissions[0].allowed_resource_actions;
    EXPECT_FALSE(actions.empty());
    EXPECT_EQ(std::set<std::string>(actions.begin(), actions.end()).size(), actions.size())
        << role.display_name << " lists an action twice";
    for (const std::string& action : actions) {
      EXPECT_EQ(action.rfind("microsoft.", 0), 0u) << action;
      EXPECT_EQ(action.find(' '), std::string::npos) << action;
      EXPECT_GE(std::count(action.begin(), action.end(), '/'), 2) << action;
    }
  }
}

TEST(RoleCatalogTest, DocumentedKeyPermissions) {
  std::map<std::string, RoleDefinition> r = ById();
  const RoleDefinition& ga = r[role_ids::kGlobalAdministrator];
  EXPECT_TRUE(Allows(ga, "microsoft.directory/roleAssignments/allProperties/allTasks"));
  EXPECT_TRUE(Allows(ga, "microsoft.directory/users/allProperties/allTasks"));
  EXPECT_TRUE(Allows(ga, "microsoft.directory/groups/allProperties/allTasks"));
  EXPECT_GE(ga.role_permissions[0].allowed_resource_actions.size(), 50u);
  const RoleDefinition& pra = r[role_ids::kPrivilegedRoleAdministrator];
  EXPECT_TRUE(
      Allows(pra, "microsoft.directory/privilegedIdentityManagement/allProperties/allTasks"));
  EXPECT_TRUE(Allows(pra, "microsoft.directory/roleAssignments/allProperties/allTasks"));
  EXPECT_FALSE(Allows(pra, "microsoft.directory/users/create"));
  EXPECT_TRUE(Allows(r[role_ids::kUserAdministrator], "microsoft.directory/users/create"));
  EXPECT_TRUE(
      Allows(r[role_ids::kHelpdeskAdministrator], "microsoft.directory/users/password/update"));
  EXPECT_TRUE(Allows(r[role_ids::kExchangeAdministrator],
                     "microsoft.office365.exchange/allEntities/basic/allTasks"));
  EXPECT_TRUE(Allows(r[role_ids::kSharePointAdministrator],
                     "microsoft.office365.sharePoint/allEntities/allTasks"));
  EXPECT_TRUE(
      Allows(r[role_ids::kApplicationAdministrator], "microsoft.directory/applications/create"));
  EXPECT_TRUE(Allows(r[role_ids::kBillingAdministrator],
                     "microsoft.commerce.billing/allEntities/allProperties/allTasks"));
  EXPECT_TRUE(Allows(r[role_ids::kSecurityAdministrator],
                     "microsoft.directory/conditionalAccessPolicies/create"));
  EXPECT_TRUE(
      Allows(r[role_ids::kSecurityReader], "microsoft.directory/signInReports/allProperties/read"));
}

// The readers only read (service health "allTasks" is documented for them and is read-only).
TEST(RoleCatalogTest, ReadersCannotWrite) {
  std::map<std::string, RoleDefinition> r = ById();
  for (const char* id : {role_ids::kGlobalReader, role_ids::kSecurityReader}) {
    for (const std::string& action : r[id].role_permissions[0].allowed_resource_actions) {
      bool health = action.find("serviceHealth") != std::string::npos;
      bool writes = action.find("/update") != std::string::npos ||
                    action.find("/create") != std::string::npos ||
                    action.find("/delete") != std::string::npos ||
                    (action.find("allTasks") != std::string::npos && !health);
      EXPECT_FALSE(writes) << r[id].display_name << ": " << action;
    }
  }
}

}  // namespace
}  // namespace pim
