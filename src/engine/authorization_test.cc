// Who may manage whom: administrators of users, groups and service principals must not reach
// the privileges of the principals they manage.
#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kGA;
using testing_util::kUA;

class AuthorizationTest : public EngineTest {
 protected:
  // A user holding an active User Administrator role.
  Caller UserAdministrator() {
    std::string ua = NewUser("ua");
    MakeEligible(ua, kUA);
    EXPECT_TRUE(Activate(ua, kUA, Duration::Hours(8)).ok());
    return Sign(ua);
  }
};

TEST_F(AuthorizationTest, UserAdministratorCannotManageAUserEligibleThroughAGroup) {
  std::string alice = NewUser("alice");
  auto inner = svc_->CreateGroup(admin_, {"inner", "", true, {alice}});
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  auto admins = svc_->CreateGroup(admin_, {"admins", "", true, {inner->id}});
  ASSERT_TRUE(admins.ok()) << admins.status().ToString();
  MakeEligible(admins->id, kGA);
  Caller ua = UserAdministrator();

  UserPatch reset;
  reset.password = "a password the attacker knows";
  EXPECT_EQ(svc_->UpdateUser(ua, alice, reset).status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(
      svc_->PasswordGrant("alice@pim.local", "a password the attacker knows", std::nullopt, "")
          .ok());
  UserPatch disable;
  disable.account_enabled = false;
  EXPECT_EQ(svc_->UpdateUser(ua, alice, disable).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteUser(ua, alice).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->RevokeSignInSessions(ua, alice).code(), StatusCode::kPermissionDenied);
  // A Global Administrator still may.
  EXPECT_TRUE(svc_->UpdateUser(admin_, alice, reset).ok());
}

TEST_F(AuthorizationTest, UserAdministratorCannotJoinAGroupNestedInARoleAssignableGroup) {
  Caller ua = UserAdministrator();
  auto team = svc_->CreateGroup(ua, {"team", "", false, {}});
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  auto admins = svc_->CreateGroup(admin_, {"admins", "", true, {team->id}});
  ASSERT_TRUE(admins.ok()) << admins.status().ToString();
  MakeEligible(admins->id, kGA);

  // Membership of `team` now confers eligibility for Global Administrator.
  EXPECT_EQ(svc_->AddGroupMember(ua, team->id, ua.principal_id).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Activate(ua.principal_id, kGA, Duration::Hours(1)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteGroup(ua, team->id).code(), StatusCode::kPermissionDenied);
  // A role administrator still manages it.
  EXPECT_TRUE(svc_->AddGroupMember(admin_, team->id, ua.principal_id).ok());
  EXPECT_EQ(svc_->RemoveGroupMember(ua, team->id, ua.principal_id).code(),
            StatusCode::kPermissionDenied);
  // A group outside every role-assignable group stays the User Administrator's.
  auto other = svc_->CreateGroup(ua, {"other", "", false, {}});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(svc_->AddGroupMember(ua, other->id, ua.principal_id).ok());
}

TEST_F(AuthorizationTest, ApplicationAdministratorCannotTakeOverAPrivilegedServicePrincipal) {
  std::string app_admin = NewUser("appadmin");
  MakeEligible(app_admin, role_ids::kApplicationAdministrator);
  ASSERT_TRUE(Activate(app_admin, role_ids::kApplicationAdministrator, Duration::Hours(8)).ok());
  Caller aa = Sign(app_admin);
  auto robot = svc_->CreateServicePrincipal(admin_, {"robot", ""});
  ASSERT_TRUE(robot.ok()) << robot.status().ToString();
  ScheduleRequestInput in =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, robot->id, kGA);
  in.schedule_info.type = ExpirationType::kAfterDuration;
  in.schedule_info.duration = Duration::Days(30);
  auto assigned = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  ASSERT_TRUE(Holds(robot->id, kGA));

  // A secret of its own would let the Application Administrator act as Global Administrator.
  auto secret = svc_->AddServicePrincipalPassword(aa, robot->id, "mine");
  EXPECT_EQ(secret.status().code(), StatusCode::kPermissionDenied);
  auto admins_secret = svc_->AddServicePrincipalPassword(admin_, robot->id, "ops");
  ASSERT_TRUE(admins_secret.ok());
  EXPECT_EQ(svc_->RemoveServicePrincipalPassword(aa, robot->id, admins_secret->key_id).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteServicePrincipal(aa, robot->id).code(), StatusCode::kPermissionDenied);

  // An unprivileged service principal stays the Application Administrator's to manage.
  auto plain = svc_->CreateServicePrincipal(aa, {"plain", ""});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(svc_->AddServicePrincipalPassword(aa, plain->id, "mine").ok());
}

}  // namespace
}  // namespace pim
