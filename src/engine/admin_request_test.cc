#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kPRA;
using testing_util::kReader;
using testing_util::kSecAdmin;

class AdminRequestTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
  }
  ScheduleRequestInput Assign(ScheduleKind kind, const std::string& who, const std::string& role,
                              std::optional<Duration> d) {
    ScheduleRequestInput in = Input(kind, RequestAction::kAdminAssign, who, role);
    if (d) in.schedule_info.duration = d;
    return in;
  }
  // Alice eligible for Security Administrator for 10 days from `start`, and her activation
  // scheduled an hour into it (the request that made it).
  Result<ScheduleRequest> ScheduleActivationInAFutureEligibility(Timestamp start) {
    ScheduleRequestInput in =
        Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, Duration::Days(10));
    in.schedule_info.start = start;
    RETURN_IF_ERROR(svc_->SubmitRequest(admin_, in).status());
    ScheduleRequestInput act = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
    act.schedule_info.start = start + Duration::Hours(1);
    return svc_->SubmitRequest(Sign(alice_), act);
  }
  std::string alice_;
};

TEST_F(AdminRequestTest, NonAdministratorCannotAssignAndIsAudited) {
  std::string bob = NewUser("bob");
  auto r = svc_->SubmitRequest(Sign(bob),
                               Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, std::nullopt));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CountActivity("Request refused: not permitted (adminAssign)"), 1);
  EXPECT_TRUE(svc_->ListSchedules(admin_, ScheduleKind::kEligibility, false)->empty());
}

TEST_F(AdminRequestTest, EligiblePrivilegedRoleAdministratorMustActivateFirst) {
  std::string pra = NewUser("pra");
  MakeEligible(pra, kPRA);
  auto in = Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, std::nullopt);
  EXPECT_EQ(svc_->SubmitRequest(Sign(pra), in).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Activate(pra, kPRA, Duration::Hours(1)).ok());
  auto r = svc_->SubmitRequest(Sign(pra), in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "Provisioned");
  // Once the activation ends, the power is gone again.
  clock_.Advance(Duration::Hours(1));
  auto other = Assign(ScheduleKind::kEligibility, alice_, kReader, std::nullopt);
  EXPECT_EQ(svc_->SubmitRequest(Sign(pra), other).status().code(), StatusCode::kPermissionDenied);
}

// An administrator who could give themselves a role would hold it without anyone else's say:
// refused for themselves and for any group they belong to (nested too), audited, nothing made.
// They may still remove their own, and grant to others.
TEST_F(AdminRequestTest, AnAdministratorCannotGrantThemselvesARole) {
  std::string pra = NewUser("pra");
  MakeEligible(pra, kPRA);
  ASSERT_TRUE(Activate(pra, kPRA, Duration::Hours(1)).ok());
  auto inner_group = svc_->CreateGroup(admin_, {"inner", "", true, {pra}});
  ASSERT_TRUE(inner_group.ok()) << inner_group.status().ToString();
  const std::string inner = inner_group->id;
  auto outer_group = svc_->CreateGroup(admin_, {"outer", "", true, {inner}});
  ASSERT_TRUE(outer_group.ok()) << outer_group.status().ToString();
  const std::string outer = outer_group->id;
  for (const std::string& target : {pra, inner, outer}) {
    for (ScheduleKind kind : {ScheduleKind::kEligibility, ScheduleKind::kAssignment}) {
      auto r = svc_->SubmitRequest(Sign(pra), Assign(kind, target, kSecAdmin, Duration::Days(1)));
      EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << target;
      EXPECT_NE(r.status().message().find("another administrator"), std::string::npos);
    }
  }
  EXPECT_EQ(CountActivity("Request refused: not permitted (adminAssign)"), 6);
  EXPECT_FALSE(Holds(pra, kSecAdmin));
  // The eligibility it activated with can be neither extended nor renewed by its holder.
  for (RequestAction action :
       {RequestAction::kAdminExtend, RequestAction::kAdminUpdate, RequestAction::kAdminRenew}) {
    ScheduleRequestInput in = Input(ScheduleKind::kEligibility, action, pra, kPRA);
    in.schedule_info.duration = Duration::Days(400);
    EXPECT_EQ(svc_->SubmitRequest(Sign(pra), in).status().code(), StatusCode::kPermissionDenied);
  }
  // Granting to someone else works; a break-glass administrator may grant to the PRA.
  auto other = svc_->SubmitRequest(
      Sign(pra), Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, Duration::Days(1)));
  EXPECT_TRUE(other.ok()) << other.status().ToString();
  auto by_admin = svc_->SubmitRequest(
      admin_, Assign(ScheduleKind::kEligibility, pra, kSecAdmin, Duration::Days(1)));
  EXPECT_TRUE(by_admin.ok()) << by_admin.status().ToString();
  // And removing one's own is allowed.
  auto removed = svc_->SubmitRequest(
      Sign(pra), Input(ScheduleKind::kEligibility, RequestAction::kAdminRemove, pra, kSecAdmin));
  EXPECT_TRUE(removed.ok()) << removed.status().ToString();
}

TEST_F(AdminRequestTest, ActiveAssignmentsFollowTheAdminPolicy) {
  // Default: active assignments need a justification and an end within 180 days.
  auto permanent = Assign(ScheduleKind::kAssignment, alice_, kReader, std::nullopt);
  auto r = svc_->SubmitRequest(admin_, permanent);
  EXPECT_NE(r.status().details_json().find("ExpirationRule"), std::string::npos);
  auto in = Assign(ScheduleKind::kAssignment, alice_, kReader, Duration::Days(180));
  in.justification.clear();
  EXPECT_NE(svc_->SubmitRequest(admin_, in).status().details_json().find("JustificationRule"),
            std::string::npos);
  in.justification = "  ";
  EXPECT_NE(svc_->SubmitRequest(admin_, in).status().details_json().find("JustificationRule"),
            std::string::npos);
  in.justification = "audit season";
  auto ok = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(Holds(alice_, kReader));
  EXPECT_EQ(svc_->SubmitRequest(admin_, in).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(AdminRequestTest, UpdateExtendRemoveAndRenewAnEligibility) {
  auto in = Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, Duration::Days(10));
  auto assigned = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(assigned.ok());
  const std::string schedule_id = assigned->target_schedule_id;

  ScheduleRequestInput upd =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminUpdate, alice_, kSecAdmin);
  upd.schedule_info.duration = Duration::Days(5);
  auto u = svc_->SubmitRequest(admin_, upd);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->target_schedule_id, schedule_id);
  EXPECT_EQ(svc_->GetSchedule(admin_, ScheduleKind::kEligibility, schedule_id)->end,
            clock_.Now() + Duration::Days(5));

  ScheduleRequestInput ext =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminExtend, alice_, kSecAdmin);
  ext.schedule_info.duration = Duration::Days(2);
  EXPECT_EQ(svc_->SubmitRequest(admin_, ext).status().code(), StatusCode::kInvalidArgument);
  ext.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, ext).ok());
  EXPECT_EQ(svc_->GetSchedule(admin_, ScheduleKind::kEligibility, schedule_id)->end,
            clock_.Now() + Duration::Days(30));

  // Removing the eligibility also ends the activation made with it.
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(4)).ok());
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
  auto removed = svc_->SubmitRequest(
      admin_, Input(ScheduleKind::kEligibility, RequestAction::kAdminRemove, alice_, kSecAdmin));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->status, "Revoked");
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
  EXPECT_EQ(Activate(alice_, kSecAdmin, Duration::Hours(1)).status().code(),
            StatusCode::kPermissionDenied);

  // adminRenew needs an expired (not removed) schedule.
  std::string bob = NewUser("bob");
  auto short_elig = Assign(ScheduleKind::kEligibility, bob, kSecAdmin, Duration::Days(1));
  ASSERT_TRUE(svc_->SubmitRequest(admin_, short_elig).ok());
  ScheduleRequestInput renew =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminRenew, bob, kSecAdmin);
  renew.schedule_info.duration = Duration::Days(90);
  EXPECT_EQ(svc_->SubmitRequest(admin_, renew).status().code(), StatusCode::kAlreadyExists);
  clock_.Advance(Duration::Days(2));
  auto renewed = svc_->SubmitRequest(admin_, renew);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_TRUE(Activate(bob, kSecAdmin, Duration::Hours(1)).ok());
}

TEST_F(AdminRequestTest, AdminRemoveOfNothingIsNotFoundAndUnknownPrincipalToo) {
  auto r = svc_->SubmitRequest(
      admin_, Input(ScheduleKind::kAssignment, RequestAction::kAdminRemove, alice_, kReader));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  auto unknown = Assign(ScheduleKind::kEligibility, "11111111-2222-4333-8444-555555555555",
                        kSecAdmin, std::nullopt);
  EXPECT_EQ(svc_->SubmitRequest(admin_, unknown).status().code(), StatusCode::kNotFound);
  auto group = svc_->CreateGroup(admin_, {"plain", "", false, {}});
  ASSERT_TRUE(group.ok());
  auto to_group = Assign(ScheduleKind::kEligibility, group->id, kSecAdmin, std::nullopt);
  EXPECT_EQ(svc_->SubmitRequest(admin_, to_group).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AdminRequestTest, BreakGlassPermanentAssignmentsCannotBeRemovedOrBounded) {
  // Another Global Administrator, to show the refusal is not only about oneself.
  std::string other = NewUser("other-admin");
  auto assigned = svc_->SubmitRequest(
      admin_, Assign(ScheduleKind::kAssignment, other, testing_util::kGA, Duration::Days(30)));
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  const std::string& glass = admin_.principal_id;
  for (const Caller& by : {admin_, Sign(other)}) {
    for (const char* role : {testing_util::kGA, kPRA}) {
      auto remove = Input(ScheduleKind::kAssignment, RequestAction::kAdminRemove, glass, role);
      auto r = svc_->SubmitRequest(by, remove);
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << role;
      EXPECT_NE(r.status().message().find("break-glass"), std::string::npos);
      remove.is_validation_only = true;
      EXPECT_EQ(svc_->SubmitRequest(by, remove).status().code(), StatusCode::kInvalidArgument);
      auto bound = Assign(ScheduleKind::kAssignment, glass, role, Duration::Hours(1));
      bound.action = RequestAction::kAdminUpdate;
      EXPECT_EQ(svc_->SubmitRequest(by, bound).status().code(), StatusCode::kInvalidArgument);
    }
  }
  // Anyone else's Global Administrator assignment is still the administrators' to remove.
  auto remove_other =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminRemove, other, testing_util::kGA);
  EXPECT_TRUE(svc_->SubmitRequest(admin_, remove_other).ok());
  EXPECT_FALSE(Holds(other, testing_util::kGA));
  clock_.Advance(Duration::Days(400));
  EXPECT_TRUE(Holds(glass, testing_util::kGA));
  EXPECT_TRUE(Holds(glass, kPRA));
}

TEST_F(AdminRequestTest, SchedulesEndByTheLastDateGraphWrites) {
  auto in = Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, Duration::Hours(1));
  in.schedule_info.start = *ParseTimestamp("9999-12-31T22:00:00Z");
  auto ok = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kEligibility, ok->target_schedule_id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(FormatTimestamp(s->end), "9999-12-31T23:00:00Z");
  auto past = Assign(ScheduleKind::kEligibility, alice_, kReader, Duration::Hours(2));
  past.schedule_info.start = in.schedule_info.start;
  auto r = svc_->SubmitRequest(admin_, past);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("noExpiration"), std::string::npos);
}

TEST_F(AdminRequestTest, ScopedAdministratorManagesOnlyItsSubtree) {
  std::string pra = NewUser("pra");
  auto scoped = Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, pra, kPRA, "/east");
  scoped.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, scoped).ok());
  auto inside = Input(ScheduleKind::kEligibility, RequestAction::kAdminAssign, alice_, kSecAdmin,
                      "/east/site1");
  EXPECT_TRUE(svc_->SubmitRequest(Sign(pra), inside).ok());
  auto outside =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminAssign, alice_, kSecAdmin, "/west");
  EXPECT_EQ(svc_->SubmitRequest(Sign(pra), outside).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AdminRequestTest, FutureAssignmentStartsOnTimeAndCanBeCancelled) {
  auto in = Assign(ScheduleKind::kAssignment, alice_, kReader, Duration::Days(1));
  in.schedule_info.start = clock_.Now() + Duration::Days(1);
  auto r = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "ScheduleCreated");
  EXPECT_FALSE(Holds(alice_, kReader));
  clock_.Advance(Duration::Days(1));
  EXPECT_TRUE(Holds(alice_, kReader));
  EXPECT_EQ(svc_->CancelRequest(admin_, ScheduleKind::kAssignment, r->id).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(AdminRequestTest, UpdateAndExtendAnActiveAssignment) {
  auto in = Assign(ScheduleKind::kAssignment, alice_, kReader, Duration::Days(10));
  auto r = svc_->SubmitRequest(admin_, in);
  ASSERT_TRUE(r.ok());
  const Timestamp start = clock_.Now();
  clock_.Advance(Duration::Days(1));
  ScheduleRequestInput upd =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminUpdate, alice_, kReader);
  upd.schedule_info.end = clock_.Now() + Duration::Days(2);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, upd).ok());
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  EXPECT_EQ(s->start, start);  // a started schedule keeps its start
  EXPECT_EQ(s->end, clock_.Now() + Duration::Days(2));
  ScheduleRequestInput ext =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminExtend, alice_, kReader);
  ext.schedule_info.duration = Duration::Days(181);
  EXPECT_NE(svc_->SubmitRequest(admin_, ext).status().details_json().find("ExpirationRule"),
            std::string::npos);
  ext.schedule_info.duration = Duration::Days(100);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, ext).ok());
  EXPECT_TRUE(svc_->HasRole(alice_, kReader, "/", clock_.Now() + Duration::Days(99)).allowed);
}

TEST_F(AdminRequestTest, UsersMayGiveUpTheirOwnEligibilityAndAskForRenewal) {
  ScheduleRequestInput in =
      Assign(ScheduleKind::kEligibility, alice_, kSecAdmin, Duration::Days(3));
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  ScheduleRequestInput renew =
      Input(ScheduleKind::kEligibility, RequestAction::kSelfRenew, alice_, kSecAdmin);
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), renew).status().code(),
            StatusCode::kInvalidArgument);  // still in force
  clock_.Advance(Duration::Days(4));
  auto pending = svc_->SubmitRequest(Sign(alice_), renew);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->status, "PendingAdminDecision");
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kEligibility, pending->id).ok());
  auto again = svc_->SubmitRequest(Sign(alice_), renew);
  ASSERT_TRUE(again.ok());
  ScheduleRequestInput admin_renew =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminRenew, alice_, kSecAdmin);
  admin_renew.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, admin_renew).ok());
  EXPECT_EQ(svc_->GetRequest(Sign(alice_), ScheduleKind::kEligibility, again->id)->status,
            "Provisioned");

  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  auto quit = svc_->SubmitRequest(
      Sign(alice_),
      Input(ScheduleKind::kEligibility, RequestAction::kSelfDeactivate, alice_, kSecAdmin));
  ASSERT_TRUE(quit.ok()) << quit.status().ToString();
  EXPECT_EQ(quit->status, "Revoked");
  EXPECT_FALSE(Holds(alice_, kSecAdmin));  // the activation made with it ended too
}

TEST_F(AdminRequestTest, AdminAssignedRolesCannotBeSelfDeactivated) {
  auto in = Assign(ScheduleKind::kAssignment, alice_, kReader, Duration::Days(10));
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  auto r = svc_->SubmitRequest(
      Sign(alice_),
      Input(ScheduleKind::kAssignment, RequestAction::kSelfDeactivate, alice_, kReader));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Holds(alice_, kReader));
}

// An activation never outlives the eligibility it was made with (GrantActivation caps it at the
// eligibility's end, and removing the eligibility ends it): shortening the eligibility with
// adminUpdate must shorten the activations made with it too, a member's through a group's
// eligibility included.
TEST_F(AdminRequestTest, ShorteningAnEligibilityShortensTheActivationsMadeWithIt) {
  auto group = svc_->CreateGroup(admin_, {"sec-admins", "", true, {}});
  ASSERT_TRUE(group.ok());
  const std::string bob = NewUser("bob");
  ASSERT_TRUE(svc_->AddGroupMember(admin_, group->id, bob).ok());
  for (const std::string& who : {alice_, group->id}) {
    ASSERT_TRUE(svc_->SubmitRequest(admin_, Assign(ScheduleKind::kEligibility, who, kSecAdmin,
                                                   Duration::Days(10)))
                    .ok());
  }
  auto mine = Activate(alice_, kSecAdmin, Duration::Hours(4));
  auto bobs = Activate(bob, kSecAdmin, Duration::Hours(4));
  ASSERT_TRUE(mine.ok() && bobs.ok());
  const Timestamp new_end = clock_.Now() + Duration::Hours(1);
  for (const std::string& who : {alice_, group->id}) {
    ScheduleRequestInput upd =
        Input(ScheduleKind::kEligibility, RequestAction::kAdminUpdate, who, kSecAdmin);
    upd.schedule_info.end = new_end;
    ASSERT_TRUE(svc_->SubmitRequest(admin_, upd).ok());
  }
  for (const std::string& who : {alice_, bob}) {
    EXPECT_TRUE(svc_->HasRole(who, kSecAdmin, "/", new_end - Duration::Micros(1)).allowed);
    EXPECT_FALSE(svc_->HasRole(who, kSecAdmin, "/", new_end).allowed) << who;
  }
  EXPECT_EQ(svc_->GetSchedule(admin_, ScheduleKind::kAssignment, mine->target_schedule_id)->end,
            new_end);
  clock_.Set(new_end);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 2);
  EXPECT_EQ(CountActivity("Eligibility expired"), 2);
}

// The other way out of an eligibility's window: an activation scheduled within a future
// eligibility is revoked when the eligibility's start moves past the activation's.
TEST_F(AdminRequestTest, MovingAFutureEligibilityPastAScheduledActivationRevokesIt) {
  const Timestamp start = clock_.Now() + Duration::Days(1);
  Result<ScheduleRequest> r = ScheduleActivationInAFutureEligibility(start);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, "ScheduleCreated");
  ScheduleRequestInput upd =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminUpdate, alice_, kSecAdmin);
  upd.schedule_info.start = start + Duration::Hours(2);
  upd.schedule_info.duration = Duration::Days(10);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, upd).ok());
  EXPECT_FALSE(
      svc_->HasRole(alice_, kSecAdmin, "/", start + Duration::Hours(1) + Duration::Minutes(30))
          .allowed);
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->removed.has_value());
  EXPECT_EQ(s->status, "Revoked");
}

// A user's request to extend their eligibility (PendingAdminDecision) is fulfilled by an
// administrator's change that moves its end later, not by one that shortens it.
TEST_F(AdminRequestTest, ShorteningAnEligibilityDoesNotFulfilItsHoldersRequestToExtendIt) {
  ASSERT_TRUE(svc_->SubmitRequest(admin_, Assign(ScheduleKind::kEligibility, alice_, kSecAdmin,
                                                 Duration::Days(10)))
                  .ok());
  ScheduleRequestInput ext = EligibilityExtensionInput(alice_, kSecAdmin, Duration::Days(30));
  auto pending = svc_->SubmitRequest(Sign(alice_), ext);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->status, "PendingAdminDecision");
  ScheduleRequestInput upd =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminUpdate, alice_, kSecAdmin);
  upd.schedule_info.duration = Duration::Days(2);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, upd).ok());
  EXPECT_EQ(svc_->GetRequest(admin_, ScheduleKind::kEligibility, pending->id)->status,
            "PendingAdminDecision");
  upd.schedule_info.duration = Duration::Days(40);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, upd).ok());
  EXPECT_EQ(svc_->GetRequest(admin_, ScheduleKind::kEligibility, pending->id)->status,
            "Provisioned");
}

// An activation rests on the eligibility it was made with (activatedUsing): an administrator's
// adminExtend or adminUpdate of the activation cannot carry it past that eligibility's window
// either (an administrator who wants the role to last longer assigns it: an Assigned role, under
// the Admin_Assignment rules). Within the window, the administrator may move it.
TEST_F(AdminRequestTest, AnActivationCannotBeChangedPastItsEligibility) {
  ASSERT_TRUE(svc_->SubmitRequest(admin_, Assign(ScheduleKind::kEligibility, alice_, kSecAdmin,
                                                 Duration::Days(10)))
                  .ok());
  const Timestamp elig_end = clock_.Now() + Duration::Days(10);
  auto act = Activate(alice_, kSecAdmin, Duration::Hours(4));
  ASSERT_TRUE(act.ok()) << act.status().ToString();
  const Timestamp act_end = clock_.Now() + Duration::Hours(4);
  auto refused = [&](ScheduleRequestInput in) {
    in.target_schedule_id = act->target_schedule_id;
    auto r = svc_->SubmitRequest(admin_, in);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().error_code(), "RoleAssignmentRequestPolicyValidationFailed");
    EXPECT_NE(r.status().details_json().find("ExpirationRule"), std::string::npos);
    EXPECT_NE(r.status().details_json().find(FormatTimestamp(elig_end)), std::string::npos);
    EXPECT_NE(r.status().message().find(FormatTimestamp(elig_end)), std::string::npos)
        << r.status().message();
  };
  ScheduleRequestInput ext =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminExtend, alice_, kSecAdmin);
  ext.schedule_info.duration = Duration::Days(20);
  refused(ext);
  ScheduleRequestInput upd =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminUpdate, alice_, kSecAdmin);
  upd.schedule_info.end = elig_end + Duration::Hours(1);
  refused(upd);
  EXPECT_EQ(CountActivity("Request refused by policy (adminExtend)"), 1);
  EXPECT_EQ(CountActivity("Request refused by policy (adminUpdate)"), 1);
  EXPECT_EQ(svc_->GetSchedule(admin_, ScheduleKind::kAssignment, act->target_schedule_id)->end,
            act_end);
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", act_end).allowed);
  // Up to the eligibility's end is the administrator's call.
  ext.target_schedule_id = act->target_schedule_id;
  ext.schedule_info.duration.reset();
  ext.schedule_info.end = elig_end;
  auto ok = svc_->SubmitRequest(admin_, ext);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(svc_->HasRole(alice_, kSecAdmin, "/", elig_end - Duration::Micros(1)).allowed);
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", elig_end).allowed);
}

// Nor before the eligibility's start: a scheduled activation moved earlier by adminUpdate.
TEST_F(AdminRequestTest, AScheduledActivationCannotBeMovedBeforeItsEligibility) {
  const Timestamp start = clock_.Now() + Duration::Days(1);
  Result<ScheduleRequest> r = ScheduleActivationInAFutureEligibility(start);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ScheduleRequestInput upd =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminUpdate, alice_, kSecAdmin);
  upd.target_schedule_id = r->target_schedule_id;
  upd.schedule_info.start = clock_.Now();
  upd.schedule_info.end = start + Duration::Hours(2);
  auto moved = svc_->SubmitRequest(admin_, upd);
  EXPECT_EQ(moved.status().error_code(), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_NE(moved.status().message().find(FormatTimestamp(start)), std::string::npos)
      << moved.status().message();
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
}

}  // namespace
}  // namespace pim
