#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kPassword;
using testing_util::kUA;

class DirectoryTest : public EngineTest {
 protected:
  // Whether `principal` has a schedule in force (either kind), as an administrator lists them.
  bool HasSchedules(const std::string& principal) {
    for (ScheduleKind kind : {ScheduleKind::kEligibility, ScheduleKind::kAssignment}) {
      Result<std::vector<Schedule>> list = svc_->ListSchedules(admin_, kind, false);
      EXPECT_TRUE(list.ok());
      if (!list.ok()) continue;
      for (const Schedule& x : list.value()) {
        if (x.principal_id == principal) return true;
      }
    }
    return false;
  }
};

TEST_F(DirectoryTest, BootstrapCreatesAPermanentBreakGlassAdministratorOnce) {
  EXPECT_TRUE(svc_->IsInitialized());
  auto admin = svc_->GetPrincipal(admin_, admin_.principal_id);
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->break_glass);
  EXPECT_TRUE(Holds(admin_.principal_id, testing_util::kGA, "/any/scope"));
  EXPECT_TRUE(Holds(admin_.principal_id, testing_util::kPRA));
  clock_.Advance(Duration::Days(3650));
  EXPECT_TRUE(Holds(admin_.principal_id, testing_util::kGA));
  EXPECT_EQ(svc_->Bootstrap("other@pim.local", kPassword).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DirectoryTest, NonAdministratorCannotCreateUsersAndTheRefusalIsAudited) {
  std::string alice = NewUser("alice");
  NewUser_ u{"Bob", "bob@pim.local", "", kPassword, true};
  auto r = svc_->CreateUser(Sign(alice), u);
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->FindUser(admin_, "bob@pim.local").status().code(), StatusCode::kNotFound);
  auto records = store_.ReadAuditDescending(0, 1);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ((*records)[0].activity, "Add user");
  EXPECT_NE((*records)[0].canonical.find("failure"), std::string::npos);
}

TEST_F(DirectoryTest, UserAdministratorMustBeActiveNotMerelyEligible) {
  std::string ua = NewUser("ua");
  MakeEligible(ua, kUA);
  NewUser_ u{"Bob", "bob@pim.local", "", kPassword, true};
  EXPECT_EQ(svc_->CreateUser(Sign(ua), u).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Activate(ua, kUA, Duration::Hours(1)).ok());
  auto bob = svc_->CreateUser(Sign(ua), u);
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  // A User Administrator may not reset a Global Administrator's password.
  UserPatch reset;
  reset.password = "another long password";
  EXPECT_EQ(svc_->UpdateUser(Sign(ua), admin_.principal_id, reset).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(svc_->UpdateUser(Sign(ua), bob->id, reset).ok());
  EXPECT_TRUE(svc_->PasswordGrant("bob@pim.local", "another long password", std::nullopt, "").ok());
}

TEST_F(DirectoryTest, UserPrincipalNamesAreUniqueCaseInsensitivelyAndPasswordsLong) {
  NewUser("alice");
  NewUser_ dup{"Alice 2", "ALICE@PIM.LOCAL", "", kPassword, true};
  EXPECT_EQ(svc_->CreateUser(admin_, dup).status().code(), StatusCode::kAlreadyExists);
  NewUser_ weak{"Carol", "carol@pim.local", "", "short", true};
  EXPECT_EQ(svc_->CreateUser(admin_, weak).status().code(), StatusCode::kInvalidArgument);
  NewUser_ bad{"Dan", "no-at-sign", "", kPassword, true};
  EXPECT_EQ(svc_->CreateUser(admin_, bad).status().code(), StatusCode::kInvalidArgument);
  auto found = svc_->FindUser(admin_, "Alice@Pim.Local");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->display_name, "alice");
}

TEST_F(DirectoryTest, DeletingAUserIsSoftAndEndsItsGrants) {
  std::string alice = NewUser("alice");
  MakeEligible(alice, testing_util::kSecAdmin);
  ASSERT_TRUE(Activate(alice, testing_util::kSecAdmin, Duration::Hours(1)).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kSecAdmin));
  ASSERT_TRUE(svc_->DeleteUser(admin_, alice).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kSecAdmin));
  auto p = svc_->GetPrincipal(admin_, alice);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->deleted.has_value());
  auto users = svc_->ListPrincipals(admin_, PrincipalKind::kUser);
  ASSERT_TRUE(users.ok());
  for (const auto& u : *users) EXPECT_NE(u.id, alice);
  EXPECT_EQ(svc_->DeleteUser(admin_, admin_.principal_id).code(), StatusCode::kInvalidArgument);
  // Its schedules ended with it: none of them is listed any more, eligibility included.
  EXPECT_FALSE(HasSchedules(alice));
  // Each one as a revocation does: a "scheduleRevoked" event for notifications to follow.
  auto outbox = store_.PendingOutbox(1000);
  ASSERT_TRUE(outbox.ok());
  int revoked = 0;
  for (const auto& ev : *outbox) {
    revoked += ev.type == "scheduleRevoked" && ev.payload.find(alice) != std::string::npos;
  }
  EXPECT_EQ(revoked, 2);  // the eligibility and the activation
}

TEST_F(DirectoryTest, DeletingAGroupEndsItsGrantsAndItsMembersLoseThem) {
  std::string alice = NewUser("alice");
  auto group = svc_->CreateGroup(admin_, {"ops", "", true, {alice}});
  ASSERT_TRUE(group.ok());
  MakeEligible(group->id, testing_util::kSecAdmin);
  ASSERT_TRUE(HasSchedules(group->id));
  ScheduleRequestInput in = Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, group->id,
                                  testing_util::kReader);
  in.schedule_info.type = ExpirationType::kAfterDuration;
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
  EXPECT_EQ(svc_->ListSchedules(Sign(alice), ScheduleKind::kEligibility, true)->size(), 1u);
  ASSERT_TRUE(svc_->DeleteGroup(admin_, group->id).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kReader));
  EXPECT_FALSE(HasSchedules(group->id));
  EXPECT_FALSE(Activate(alice, testing_util::kSecAdmin, Duration::Hours(1)).ok());
}

// An activation made through a group's eligibility rests on that group: deleting the group ends
// it, as removing the group's eligibility does.
TEST_F(DirectoryTest, DeletingAGroupEndsActivationsMadeThroughItsEligibility) {
  std::string alice = NewUser("alice");
  auto group = svc_->CreateGroup(admin_, {"ops", "", true, {alice}});
  ASSERT_TRUE(group.ok());
  MakeEligible(group->id, testing_util::kSecAdmin);
  ASSERT_TRUE(Activate(alice, testing_util::kSecAdmin, Duration::Hours(1)).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kSecAdmin));
  ASSERT_TRUE(svc_->DeleteGroup(admin_, group->id).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kSecAdmin));
  auto active = svc_->ListInstances(Sign(alice), ScheduleKind::kAssignment, true);
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(active->empty());
  Start();
  EXPECT_FALSE(Holds(alice, testing_util::kSecAdmin));
}

// Leaving the group that holds the eligibility (directly, or because a group on the way up lost
// its membership or was deleted) ends the activation made through it; another path keeps it.
TEST_F(DirectoryTest, LeavingAGroupEndsActivationsMadeThroughIt) {
  std::string alice = NewUser("alice");
  std::string bob = NewUser("bob");
  std::string carol = NewUser("carol");
  auto inner = svc_->CreateGroup(admin_, {"inner", "", true, {bob, carol}});
  ASSERT_TRUE(inner.ok());
  auto outer = svc_->CreateGroup(admin_, {"outer", "", true, {alice, inner->id, carol}});
  ASSERT_TRUE(outer.ok());
  MakeEligible(outer->id, testing_util::kSecAdmin);
  for (const std::string& who : {alice, bob, carol}) {
    ASSERT_TRUE(Activate(who, testing_util::kSecAdmin, Duration::Hours(1)).ok());
    EXPECT_TRUE(Holds(who, testing_util::kSecAdmin));
  }
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, outer->id, alice).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kSecAdmin));
  auto mine = svc_->ListInstances(Sign(alice), ScheduleKind::kAssignment, true);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->empty());
  // inner leaves outer: bob loses his path, carol is still a direct member of outer.
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, outer->id, inner->id).ok());
  EXPECT_FALSE(Holds(bob, testing_util::kSecAdmin));
  EXPECT_TRUE(Holds(carol, testing_util::kSecAdmin));
  ASSERT_TRUE(svc_->AddGroupMember(admin_, outer->id, inner->id).ok());
  ASSERT_TRUE(Activate(bob, testing_util::kSecAdmin, Duration::Hours(1)).ok());
  ASSERT_TRUE(svc_->DeleteGroup(admin_, inner->id).ok());  // a deleted group leads nowhere
  EXPECT_FALSE(Holds(bob, testing_util::kSecAdmin));
  EXPECT_TRUE(Holds(carol, testing_util::kSecAdmin));
  Start();
  EXPECT_FALSE(Holds(alice, testing_util::kSecAdmin));
  EXPECT_FALSE(Holds(bob, testing_util::kSecAdmin));
  EXPECT_TRUE(Holds(carol, testing_util::kSecAdmin));
}

TEST_F(DirectoryTest, GroupsConferRolesTransitivelyAndRefuseCycles) {
  std::string alice = NewUser("alice");
  auto inner = svc_->CreateGroup(admin_, {"inner", "", true, {alice}});
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  auto outer = svc_->CreateGroup(admin_, {"outer", "", true, {inner->id}});
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(svc_->AddGroupMember(admin_, inner->id, outer->id).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->AddGroupMember(admin_, inner->id, alice).code(), StatusCode::kAlreadyExists);

  ScheduleRequestInput in = Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, outer->id,
                                  testing_util::kReader);
  in.schedule_info.type = ExpirationType::kAfterDuration;
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, inner->id, alice).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kReader));
}

// Membership of a role-assignable group is its roles: an administrator who could join one (or
// put a group of theirs in it) would give themselves a role no one else saw. Refused and
// audited; granting to others, joining a plain group, and break-glass accounts are unaffected.
TEST_F(DirectoryTest, AnAdministratorCannotJoinAGroupThatCarriesRoles) {
  std::string pra = NewUser("pra");
  MakeEligible(pra, testing_util::kPRA);
  ASSERT_TRUE(Activate(pra, testing_util::kPRA, Duration::Hours(1)).ok());
  std::string alice = NewUser("alice");
  auto readers = svc_->CreateGroup(admin_, {"readers", "", true, {}});
  ASSERT_TRUE(readers.ok());
  ScheduleRequestInput in = Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign,
                                  readers->id, testing_util::kReader);
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  auto mine = svc_->CreateGroup(Sign(pra), {"mine", "", false, {pra}});
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();  // a plain group: no roles in it

  for (const std::string& member : {pra, mine->id}) {
    EXPECT_EQ(svc_->AddGroupMember(Sign(pra), readers->id, member).code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(svc_->CreateGroup(Sign(pra), {"own", "", true, {alice, pra}}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(CountActivity("Add member to group"), 2);  // the two refusals, audited
  EXPECT_FALSE(Holds(pra, testing_util::kReader));

  EXPECT_TRUE(svc_->AddGroupMember(Sign(pra), readers->id, alice).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
  EXPECT_TRUE(svc_->AddGroupMember(admin_, readers->id, admin_.principal_id).ok());
}

TEST_F(DirectoryTest, DisablingAUserWithdrawsItsDecisions) {
  std::string alice = NewUser("alice");
  ScheduleRequestInput in =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, alice, testing_util::kReader);
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
  UserPatch off;
  off.account_enabled = false;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice, off).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kReader));
  off.account_enabled = true;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice, off).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
}

TEST_F(DirectoryTest, NobodyDisablesTheirOwnAccount) {
  UserPatch off;
  off.account_enabled = false;
  auto r = svc_->UpdateUser(admin_, admin_.principal_id, off);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Holds(admin_.principal_id, testing_util::kGA));
  // Another administrator may (an account that must be stopped is stopped by someone else).
  std::string other = NewUser("other-admin");
  ScheduleRequestInput in =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, other, testing_util::kGA);
  in.schedule_info.duration = Duration::Days(30);
  auto assigned = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  auto disabled = svc_->UpdateUser(Sign(other), admin_.principal_id, off);
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_FALSE(Holds(admin_.principal_id, testing_util::kGA));
}

TEST_F(DirectoryTest, CustomRolesGetTheirOwnPolicyAndBuiltInsAreReadOnly) {
  RoleDefinition def;
  def.display_name = "Ticket Reader";
  def.role_permissions.push_back({{"microsoft.directory/tickets/read"}, {}, ""});
  auto role = svc_->CreateRoleDefinition(admin_, def);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_FALSE(role->is_built_in);
  auto policy = svc_->EffectivePolicy(role->id, "/");
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE(policy->is_organization_default);
  EXPECT_EQ(svc_->UpdateRoleDefinition(admin_, testing_util::kGA, def).status().code(),
            StatusCode::kInvalidArgument);
  std::string alice = NewUser("alice");
  EXPECT_EQ(svc_->CreateRoleDefinition(Sign(alice), def).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->DeleteRoleDefinition(admin_, role->id).ok());
  EXPECT_EQ(svc_->GetRoleDefinition(admin_, role->id).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pim

namespace pim {
namespace {

std::vector<std::string> RoleIds(const Result<std::vector<Schedule>>& schedules) {
  std::vector<std::string> ids;
  if (schedules.ok()) {
    for (const auto& x : *schedules) ids.push_back(x.role_definition_id);
  }
  return ids;
}

// Listings of one's own schedules and requests come from the per-principal index (not a scan of
// everybody's): they must still hold exactly what ownership says, groups' included, in creation
// order, and after a restart.
TEST_F(DirectoryTest, OwnListingsHoldOwnAndGroupObjectsInCreationOrder) {
  std::string alice = NewUser("alice");
  std::string bob = NewUser("bob");
  auto inner = svc_->CreateGroup(admin_, {"inner", "", true, {alice}});
  ASSERT_TRUE(inner.ok());
  auto outer = svc_->CreateGroup(admin_, {"outer", "", true, {inner->id}});
  ASSERT_TRUE(outer.ok());
  MakeEligible(alice, role_ids::kHelpdeskAdministrator);
  MakeEligible(bob, role_ids::kHelpdeskAdministrator);
  MakeEligible(outer->id, role_ids::kSecurityAdministrator);
  MakeEligible(bob, role_ids::kExchangeAdministrator);
  MakeEligible(alice, role_ids::kBillingAdministrator);
  const std::vector<std::string> alices = {role_ids::kHelpdeskAdministrator,
                                           role_ids::kSecurityAdministrator,
                                           role_ids::kBillingAdministrator};
  for (int restart = 0; restart < 2; ++restart) {
    EXPECT_EQ(RoleIds(svc_->ListSchedules(Sign(alice), ScheduleKind::kEligibility, true)), alices);
    EXPECT_EQ(RoleIds(svc_->ListSchedules(Sign(alice), ScheduleKind::kEligibility, false)),
              alices);  // not a reader: the same
    EXPECT_EQ(RoleIds(svc_->ListSchedules(Sign(bob), ScheduleKind::kEligibility, true)),
              (std::vector<std::string>{role_ids::kHelpdeskAdministrator,
                                        role_ids::kExchangeAdministrator}));
    EXPECT_EQ(svc_->ListSchedules(admin_, ScheduleKind::kEligibility, false)->size(), 5u);
    Start();
  }
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, inner->id, alice).ok());
  EXPECT_EQ(RoleIds(svc_->ListSchedules(Sign(alice), ScheduleKind::kEligibility, true)),
            (std::vector<std::string>{role_ids::kHelpdeskAdministrator,
                                      role_ids::kBillingAdministrator}));

  ASSERT_TRUE(Activate(alice, role_ids::kBillingAdministrator, Duration::Hours(1)).ok());
  ASSERT_TRUE(Activate(bob, role_ids::kExchangeAdministrator, Duration::Hours(1)).ok());
  ASSERT_TRUE(Activate(alice, role_ids::kHelpdeskAdministrator, Duration::Hours(1)).ok());
  auto mine = svc_->ListRequestsForCurrentUser(Sign(alice), ScheduleKind::kAssignment, false);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].role_definition_id, role_ids::kBillingAdministrator);
  EXPECT_EQ((*mine)[1].role_definition_id, role_ids::kHelpdeskAdministrator);
  auto active = svc_->ListInstances(Sign(alice), ScheduleKind::kAssignment, true);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].schedule.role_definition_id, role_ids::kBillingAdministrator);
}

}  // namespace
}  // namespace pim

namespace pim {
namespace {

// Eligibility through groups follows the membership index (who is listed by which group), kept
// in step by every membership change and rebuilt at start-up.
TEST_F(DirectoryTest, EligibilityThroughNestedGroupsFollowsMembershipChanges) {
  std::string alice = NewUser("alice");
  auto inner = svc_->CreateGroup(admin_, {"inner", "", true, {alice}});
  ASSERT_TRUE(inner.ok());
  auto outer = svc_->CreateGroup(admin_, {"outer", "", true, {inner->id}});
  ASSERT_TRUE(outer.ok());
  MakeEligible(outer->id, testing_util::kSecAdmin);
  auto can_activate = [&] {
    auto r = Activate(alice, testing_util::kSecAdmin, Duration::Minutes(30));
    if (!r.ok()) return false;
    ScheduleRequestInput off = Input(ScheduleKind::kAssignment, RequestAction::kSelfDeactivate,
                                     alice, testing_util::kSecAdmin);
    EXPECT_TRUE(svc_->SubmitRequest(Sign(alice), off).ok());
    return true;
  };
  EXPECT_TRUE(can_activate());  // alice -> inner -> outer
  Start();
  EXPECT_TRUE(can_activate());  // the index is rebuilt at start-up
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, inner->id, alice).ok());
  EXPECT_FALSE(can_activate());
  ASSERT_TRUE(svc_->AddGroupMember(admin_, inner->id, alice).ok());
  EXPECT_TRUE(can_activate());
  ASSERT_TRUE(svc_->DeleteGroup(admin_, inner->id).ok());  // a deleted group leads nowhere
  EXPECT_FALSE(can_activate());
  Start();
  EXPECT_FALSE(can_activate());
  ASSERT_TRUE(svc_->AddGroupMember(admin_, outer->id, alice).ok());
  EXPECT_TRUE(can_activate());
}

}  // namespace
}  // namespace pim

namespace pim {
namespace {

// Disabling a member updates every group that lists it (found through the membership index): a
// role held through a group ends with the account and comes back with it.
TEST_F(DirectoryTest, DisablingAMemberEndsWhatItHoldsThroughItsGroups) {
  std::string alice = NewUser("alice");
  std::string bob = NewUser("bob");
  auto group = svc_->CreateGroup(admin_, {"readers", "", true, {alice, bob}});
  ASSERT_TRUE(group.ok());
  ScheduleRequestInput in = Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, group->id,
                                  testing_util::kReader);
  in.schedule_info.type = ExpirationType::kAfterDuration;
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  ASSERT_TRUE(Holds(alice, testing_util::kReader));
  UserPatch off;
  off.account_enabled = false;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice, off).ok());
  EXPECT_FALSE(Holds(alice, testing_util::kReader));
  EXPECT_TRUE(Holds(bob, testing_util::kReader));
  Start();
  EXPECT_FALSE(Holds(alice, testing_util::kReader));
  UserPatch on;
  on.account_enabled = true;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice, on).ok());
  EXPECT_TRUE(Holds(alice, testing_util::kReader));
}

}  // namespace
}  // namespace pim
