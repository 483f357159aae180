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

// A group that approves a role is managed like one that holds it: otherwise a User Administrator
// eligible for the role could add an account of their own making to it and approve their own
// activation through that account.
TEST_F(AuthorizationTest, UserAdministratorCannotChangeTheMembersOfAnApproverGroup) {
  Caller ua = UserAdministrator();
  MakeEligible(ua.principal_id, kGA);
  std::string carol = NewUser("carol");
  auto approvers = svc_->CreateGroup(admin_, {"ga-approvers", "", false, {carol}});
  ASSERT_TRUE(approvers.ok()) << approvers.status().ToString();
  auto outer = svc_->CreateGroup(admin_, {"outer", "", false, {}});
  ASSERT_TRUE(outer.ok());
  EditRule(kGA, "Approval_EndUser_Assignment", [&](boost::json::object& rule) {
    boost::json::object& setting = rule["setting"].as_object();
    setting["isApprovalRequired"] = true;
    setting["approvalStages"] = boost::json::array{boost::json::object{
        {"approvalStageTimeOutInDays", 1},
        {"isApproverJustificationRequired", false},
        {"escalationTimeInMinutes", 0},
        {"isEscalationEnabled", false},
        {"primaryApprovers",
         boost::json::array{boost::json::object{{"@odata.type", "#microsoft.graph.groupMembers"},
                                                {"groupId", outer->id}}}},
        {"escalationApprovers", boost::json::array{}}}};
  });
  // `ga-approvers` approves through `outer`, which the policy names.
  ASSERT_TRUE(svc_->AddGroupMember(admin_, outer->id, approvers->id).ok());

  NewUser_ sock;
  sock.display_name = "sock";
  sock.user_principal_name = "sock@pim.local";
  sock.password = testing_util::kPassword;
  auto puppet = svc_->CreateUser(ua, sock);
  ASSERT_TRUE(puppet.ok()) << puppet.status().ToString();
  for (const std::string& group : {outer->id, approvers->id}) {
    EXPECT_EQ(svc_->AddGroupMember(ua, group, puppet->id).code(), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(svc_->RemoveGroupMember(ua, approvers->id, carol).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->DeleteGroup(ua, approvers->id).code(), StatusCode::kPermissionDenied);

  auto request = Activate(ua.principal_id, kGA, Duration::Hours(1));
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->status, "PendingApproval");
  auto approval = svc_->GetApproval(admin_, request->approval_id);
  ASSERT_TRUE(approval.ok());
  EXPECT_FALSE(svc_->IsAssignedApprover(Sign(puppet->id), *approval, approval->steps[0]));
  // Groups that approve nothing stay the User Administrator's to manage.
  auto plain = svc_->CreateGroup(ua, {"plain", "", false, {}});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(svc_->AddGroupMember(ua, plain->id, puppet->id).ok());
}

// An approver's account is as good as an approval: a User Administrator who could reset an
// approver's password could approve their own request as that approver.
TEST_F(AuthorizationTest, UserAdministratorCannotTakeOverAnApprover) {
  Caller ua = UserAdministrator();
  MakeEligible(ua.principal_id, kGA);
  std::string carol = NewUser("carol");  // holds no role: only approves
  std::string dave = NewUser("dave");    // approves as a member of a group
  std::string erin = NewUser("erin");    // neither
  auto approvers = svc_->CreateGroup(admin_, {"ga-approvers", "", false, {dave}});
  ASSERT_TRUE(approvers.ok());
  EditRule(kGA, "Approval_EndUser_Assignment", [&](boost::json::object& rule) {
    boost::json::object& setting = rule["setting"].as_object();
    setting["isApprovalRequired"] = true;
    boost::json::array list{
        boost::json::object{{"@odata.type", "#microsoft.graph.singleUser"}, {"userId", carol}},
        boost::json::object{{"@odata.type", "#microsoft.graph.groupMembers"},
                            {"groupId", approvers->id}}};
    setting["approvalStages"] =
        boost::json::array{boost::json::object{{"approvalStageTimeOutInDays", 1},
                                               {"isApproverJustificationRequired", false},
                                               {"escalationTimeInMinutes", 0},
                                               {"isEscalationEnabled", false},
                                               {"primaryApprovers", list},
                                               {"escalationApprovers", boost::json::array{}}}};
  });
  UserPatch reset;
  reset.password = "a password the attacker knows";
  for (const std::string& approver : {carol, dave}) {
    EXPECT_EQ(svc_->UpdateUser(ua, approver, reset).status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(svc_->DeleteUser(ua, approver).code(), StatusCode::kPermissionDenied);
  }
  EXPECT_TRUE(svc_->UpdateUser(ua, erin, reset).ok());
  EXPECT_TRUE(svc_->UpdateUser(admin_, carol, reset).ok());  // a Global Administrator may
}

}  // namespace
}  // namespace pim
