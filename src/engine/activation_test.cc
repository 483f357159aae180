#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kSecAdmin;

// Security Administrator's default policy: activation up to 8 h, MFA and justification, no
// approval.
class ActivationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
    eligibility_ = MakeEligible(alice_, kSecAdmin);
  }
  std::string alice_;
  ScheduleRequest eligibility_;
};

TEST_F(ActivationTest, ActivationIsProvisionedAndEndsExactlyAtItsEnd) {
  auto r = Activate(alice_, kSecAdmin, Duration::Hours(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "Provisioned");
  auto schedule = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->assignment_type, "Activated");
  EXPECT_EQ(schedule->activated_using, eligibility_.target_schedule_id);
  EXPECT_EQ(schedule->created_using, r->id);
  const Timestamp end = clock_.Now() + Duration::Hours(2);
  EXPECT_EQ(schedule->end, end);
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
  EXPECT_TRUE(svc_->HasRole(alice_, kSecAdmin, "/", end - Duration::Micros(1)).allowed);
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", end).allowed);
  EXPECT_TRUE(svc_->HasPermission(alice_, "microsoft.directory/auditLogs/allProperties/read", "/",
                                  clock_.Now())
                  .allowed);
  EXPECT_FALSE(
      svc_->HasPermission(alice_, "microsoft.directory/users/delete", "/", clock_.Now()).allowed);
  EXPECT_EQ(svc_->ActivationCount(), 1);
  clock_.Set(end);
  EXPECT_FALSE(Holds(alice_, kSecAdmin));  // without any timer having run
}

TEST_F(ActivationTest, AnyPositiveDurationUpToThePolicyMaximum) {
  EXPECT_TRUE(Activate(alice_, kSecAdmin, Duration::Seconds(1)).ok());
  clock_.Advance(Duration::Seconds(1));
  EXPECT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(8)).ok());
  clock_.Advance(Duration::Hours(8));
  auto over = Activate(alice_, kSecAdmin, Duration::Hours(8) + Duration::Seconds(1));
  EXPECT_EQ(over.status().error_code(), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_NE(over.status().details_json().find("ExpirationRule"), std::string::npos);
  ScheduleRequestInput zero = ActivationInput(alice_, kSecAdmin, Duration::Seconds(0));
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), zero).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ActivationTest, PolicyRefusalsNameEachFailedRuleAndCreateNoRequest) {
  ScheduleRequestInput in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.justification.clear();
  auto r = svc_->SubmitRequest(Sign(alice_), in);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().details_json().find("JustificationRule"), std::string::npos);

  auto stale = svc_->SubmitRequest(Sign(alice_, /*mfa=*/false),
                                   ActivationInput(alice_, kSecAdmin, Duration::Hours(1)));
  EXPECT_NE(stale.status().details_json().find("MfaRule"), std::string::npos);
  EXPECT_NE(stale.status().details_json().find("MfaRequired"), std::string::npos);
  Caller old = Sign(alice_);
  clock_.Advance(Duration::Minutes(5) + Duration::Seconds(1));
  EXPECT_FALSE(
      svc_->SubmitRequest(old, ActivationInput(alice_, kSecAdmin, Duration::Hours(1))).ok());

  EditRule(kSecAdmin, "Enablement_EndUser_Assignment", [](boost::json::object& rule) {
    rule["enabledRules"] = boost::json::array{"Justification", "Ticketing"};
  });
  auto ticket = svc_->SubmitRequest(Sign(alice_, false),
                                    ActivationInput(alice_, kSecAdmin, Duration::Hours(1)));
  EXPECT_NE(ticket.status().details_json().find("TicketingRule"), std::string::npos);
  EXPECT_EQ(ticket.status().details_json().find("MfaRule"), std::string::npos);
  in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.ticket_number = "CHG-1";
  EXPECT_TRUE(svc_->SubmitRequest(Sign(alice_, false), in).ok());

  auto requests = svc_->ListRequests(admin_, ScheduleKind::kAssignment);
  ASSERT_TRUE(requests.ok());
  EXPECT_EQ(requests->size(), 1u);  // only the granted one
  EXPECT_EQ(CountActivity("Request refused by policy (selfActivate)"), 4);
}

TEST_F(ActivationTest, WhiteSpaceIsNeitherAJustificationNorATicket) {
  EditRule(kSecAdmin, "Enablement_EndUser_Assignment", [](boost::json::object& rule) {
    rule["enabledRules"] = boost::json::array{"Justification", "Ticketing"};
  });
  ScheduleRequestInput in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.justification = " \t\n ";
  in.ticket_number = "   ";
  auto r = svc_->SubmitRequest(Sign(alice_), in);
  EXPECT_EQ(r.status().error_code(), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_NE(r.status().details_json().find("JustificationRule"), std::string::npos);
  EXPECT_NE(r.status().details_json().find("TicketingRule"), std::string::npos);
  in.justification = " restore the mail flow ";
  in.ticket_number = "INC-7";
  EXPECT_TRUE(svc_->SubmitRequest(Sign(alice_), in).ok());
}

TEST_F(ActivationTest, EligibilityAtAScopeCoversItsSubtreeOnly) {
  std::string bob = NewUser("bob");
  MakeEligible(bob, kSecAdmin, "/Sites/A");
  EXPECT_TRUE(Activate(bob, kSecAdmin, Duration::Hours(1), "/sites/a/b").ok());
  EXPECT_TRUE(Holds(bob, kSecAdmin, "/sites/a/b/c"));
  EXPECT_FALSE(Holds(bob, kSecAdmin, "/sites/a"));
  EXPECT_EQ(Activate(bob, kSecAdmin, Duration::Hours(1), "/sites/ab").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Activate(bob, kSecAdmin, Duration::Hours(1), "/").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Activate(bob, kSecAdmin, Duration::Hours(1), "/sites//a").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ActivationTest, SecondActivationIsAConflictNamingTheFirst) {
  auto first = Activate(alice_, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(first.ok());
  auto second = Activate(alice_, kSecAdmin, Duration::Hours(1));
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(second.status().message().find(first->id), std::string::npos);
}

// The conflict and eligibility checks look only at what a principal holds now (ended schedules
// and decided requests are retired from their per-principal lookups): a long history, a restart
// and the expiry timer must not change what they find.
TEST_F(ActivationTest, ConflictsAndEligibilityHoldAcrossHistoryRestartAndExpiry) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok()) << i;
    ScheduleRequestInput off =
        Input(ScheduleKind::kAssignment, RequestAction::kSelfDeactivate, alice_, kSecAdmin);
    ASSERT_TRUE(svc_->SubmitRequest(Sign(alice_), off).ok()) << i;
  }
  auto live = Activate(alice_, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(live.ok());
  Start();
  auto again = Activate(alice_, kSecAdmin, Duration::Hours(1));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find(live->id), std::string::npos);
  // At its end the activation stops counting, before and after the timer has run.
  clock_.Advance(Duration::Hours(1));
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
  Start();
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
  EXPECT_EQ(Activate(alice_, kSecAdmin, Duration::Hours(1)).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(ActivationTest, ValidationErrorsAndOtherPeoplesRoles) {
  std::string bob = NewUser("bob");
  auto other =
      svc_->SubmitRequest(Sign(bob), ActivationInput(alice_, kSecAdmin, Duration::Hours(1)));
  EXPECT_EQ(other.status().code(), StatusCode::kPermissionDenied);
  ScheduleRequestInput in = ActivationInput(alice_, "not-a-guid", Duration::Hours(1));
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), in).status().code(), StatusCode::kInvalidArgument);
  in.role_definition_id = "11111111-2222-4333-8444-555555555555";
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), in).status().code(), StatusCode::kNotFound);
  in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.schedule_info.end = clock_.Now() + Duration::Hours(1);  // both end and duration
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), in).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->SubmitRequest(Caller{}, in).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(ActivationTest, ValidationOnlyStoresNothing) {
  ScheduleRequestInput in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.is_validation_only = true;
  size_t audits = Activities().size();
  auto r = svc_->SubmitRequest(Sign(alice_), in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "Provisioned");
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
  EXPECT_TRUE(svc_->ListRequests(admin_, ScheduleKind::kAssignment)->empty());
  EXPECT_EQ(Activities().size(), audits);
}

TEST_F(ActivationTest, SelfDeactivateEndsTheActivationNow) {
  auto r = Activate(alice_, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Advance(Duration::Minutes(10));
  auto d = svc_->SubmitRequest(
      Sign(alice_),
      Input(ScheduleKind::kAssignment, RequestAction::kSelfDeactivate, alice_, kSecAdmin));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->status, "Revoked");
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
  auto schedule = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  EXPECT_EQ(schedule->status, "Revoked");
  EXPECT_EQ(schedule->removed, clock_.Now());
  EXPECT_EQ(CountActivity("Remove member from role completed (PIM deactivation)"), 1);
  // Nothing left to deactivate; a new activation is allowed again.
  EXPECT_EQ(
      svc_->SubmitRequest(Sign(alice_), Input(ScheduleKind::kAssignment,
                                              RequestAction::kSelfDeactivate, alice_, kSecAdmin))
          .status()
          .code(),
      StatusCode::kNotFound);
  EXPECT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
}

TEST_F(ActivationTest, SelfExtendOnlyInTheLastHalfHour) {
  auto r = Activate(alice_, kSecAdmin, Duration::Hours(2));
  ASSERT_TRUE(r.ok());
  const Timestamp end = clock_.Now() + Duration::Hours(2);
  ScheduleRequestInput ext =
      Input(ScheduleKind::kAssignment, RequestAction::kSelfExtend, alice_, kSecAdmin);
  ext.schedule_info.duration = Duration::Hours(1);
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), ext).status().code(), StatusCode::kInvalidArgument);
  clock_.Set(end - Duration::Minutes(30));
  auto e = svc_->SubmitRequest(Sign(alice_), ext);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->status, "Provisioned");
  EXPECT_EQ(e->target_schedule_id, r->target_schedule_id);
  EXPECT_TRUE(svc_->HasRole(alice_, kSecAdmin, "/", end + Duration::Minutes(59)).allowed);
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", end + Duration::Hours(1)).allowed);
  ext.schedule_info.duration = Duration::Hours(9);
  clock_.Set(end + Duration::Minutes(45));
  EXPECT_NE(svc_->SubmitRequest(Sign(alice_), ext).status().details_json().find("ExpirationRule"),
            std::string::npos);
}

TEST_F(ActivationTest, FutureStartIsScheduledAndBecomesEffectiveAtStart) {
  ScheduleRequestInput in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  const Timestamp start = clock_.Now() + Duration::Hours(3);
  in.schedule_info.start = start;
  auto r = svc_->SubmitRequest(Sign(alice_), in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "ScheduleCreated");
  EXPECT_FALSE(Holds(alice_, kSecAdmin));
  EXPECT_EQ(svc_->NextDeadline(), start);
  EXPECT_TRUE(svc_->HasRole(alice_, kSecAdmin, "/", start).allowed);
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", start - Duration::Micros(1)).allowed);
  clock_.Set(start);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Scheduled assignment started"), 1);
  EXPECT_EQ(svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id)->status, "Provisioned");
  EXPECT_EQ(svc_->NextDeadline(), start + Duration::Hours(1));
}

// A scheduled activation revoked before it starts (its eligibility removed, its user deleted,
// or deactivated by its holder) takes its request with it: Revoked, not ScheduleCreated for ever.
TEST_F(ActivationTest, AScheduledActivationRevokedBeforeItStartsEndsItsRequest) {
  for (int round = 0; round < 3; ++round) {
    const std::string who = NewUser("sched" + std::to_string(round));
    MakeEligible(who, kSecAdmin);
    ScheduleRequestInput in = ActivationInput(who, kSecAdmin, Duration::Hours(1));
    in.schedule_info.start = clock_.Now() + Duration::Hours(3);
    auto r = svc_->SubmitRequest(Sign(who), in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, "ScheduleCreated");
    if (round == 0) {
      ASSERT_TRUE(svc_->SubmitRequest(admin_, Input(ScheduleKind::kEligibility,
                                                    RequestAction::kAdminRemove, who, kSecAdmin))
                      .ok());
    } else if (round == 1) {
      ASSERT_TRUE(
          svc_->SubmitRequest(Sign(who), Input(ScheduleKind::kAssignment,
                                               RequestAction::kSelfDeactivate, who, kSecAdmin))
              .ok());
    } else {
      ASSERT_TRUE(svc_->DeleteUser(admin_, who).ok());
    }
    auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id);
    ASSERT_TRUE(after.ok()) << round;
    EXPECT_EQ(after->status, "Revoked") << round;
  }
  clock_.Advance(Duration::Hours(3));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Scheduled assignment started"), 0);
}

TEST_F(ActivationTest, CancelAScheduledActivationBeforeItStarts) {
  ScheduleRequestInput in = ActivationInput(alice_, kSecAdmin, Duration::Hours(1));
  in.schedule_info.start = clock_.Now() + Duration::Hours(3);
  auto r = svc_->SubmitRequest(Sign(alice_), in);
  ASSERT_TRUE(r.ok());
  std::string bob = NewUser("bob");
  EXPECT_EQ(svc_->CancelRequest(Sign(bob), ScheduleKind::kAssignment, r->id).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).ok());
  auto after = svc_->GetRequest(Sign(alice_), ScheduleKind::kAssignment, r->id);
  EXPECT_EQ(after->status, "Canceled");
  EXPECT_FALSE(svc_->HasRole(alice_, kSecAdmin, "/", clock_.Now() + Duration::Hours(3)).allowed);
  EXPECT_EQ(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(ActivationTest, SelfRenewAfterExpiry) {
  ScheduleRequestInput renew =
      Input(ScheduleKind::kAssignment, RequestAction::kSelfRenew, alice_, kSecAdmin);
  renew.schedule_info.duration = Duration::Hours(1);
  EXPECT_EQ(svc_->SubmitRequest(Sign(alice_), renew).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  clock_.Advance(Duration::Hours(2));
  auto r = svc_->SubmitRequest(Sign(alice_), renew);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "Provisioned");
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
}

TEST_F(ActivationTest, ActivationIsCappedAtTheEligibilityEnd) {
  std::string bob = NewUser("bob");
  MakeEligibleFor(bob, kSecAdmin, Duration::Minutes(30));
  auto r = Activate(bob, kSecAdmin, Duration::Hours(2));
  ASSERT_TRUE(r.ok());
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  EXPECT_EQ(s->end, clock_.Now() + Duration::Minutes(30));
}

// A request to extend an eligibility that no administrator decided before it expired is
// canceled when it expires: it would otherwise wait for ever (adminExtend needs an eligibility in
// force).
TEST_F(ActivationTest, AnUndecidedEligibilityExtensionEndsWhenTheEligibilityExpires) {
  std::string bob = NewUser("bob");
  MakeEligibleFor(bob, kSecAdmin, Duration::Days(20));
  const Timestamp end = clock_.Now() + Duration::Days(20);
  clock_.Advance(Duration::Days(7));
  ScheduleRequestInput ext = EligibilityExtensionInput(bob, kSecAdmin, Duration::Days(30));
  auto pending = svc_->SubmitRequest(Sign(bob), ext);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->status, "PendingAdminDecision");
  clock_.Set(end);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  auto after = svc_->GetRequest(admin_, ScheduleKind::kEligibility, pending->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, "Canceled");
  EXPECT_EQ(CountActivity("Eligibility expired"), 1);
}

TEST_F(ActivationTest, EligibilitySelfExtendWaitsForAnAdministrator) {
  std::string bob = NewUser("bob");
  MakeEligibleFor(bob, kSecAdmin, Duration::Days(20));
  ScheduleRequestInput ext = EligibilityExtensionInput(bob, kSecAdmin, Duration::Days(30));
  EXPECT_EQ(svc_->SubmitRequest(Sign(bob), ext).status().code(), StatusCode::kInvalidArgument);
  clock_.Advance(Duration::Days(7));
  auto pending = svc_->SubmitRequest(Sign(bob), ext);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->status, "PendingAdminDecision");
  EXPECT_EQ(svc_->SubmitRequest(Sign(bob), ext).status().code(), StatusCode::kAlreadyExists);
  ScheduleRequestInput admin_ext =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminExtend, bob, kSecAdmin);
  admin_ext.schedule_info.duration = Duration::Days(60);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, admin_ext).ok());
  EXPECT_EQ(svc_->GetRequest(admin_, ScheduleKind::kEligibility, pending->id)->status,
            "Provisioned");
  EXPECT_EQ(svc_->SubmitRequest(Sign(bob), Input(ScheduleKind::kEligibility,
                                                 RequestAction::kSelfActivate, bob, kSecAdmin))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

// An extension rests on the eligibility the activation was made with: another eligibility the
// holder gained meanwhile (and may lose again) must not carry the activation past the end of its
// own, or the role outlives every eligibility once that other one is removed.
TEST_F(ActivationTest, SelfExtendStaysWithinTheEligibilityTheActivationWasMadeWith) {
  const std::string bob = NewUser("bob");
  auto group = svc_->CreateGroup(admin_, {"sec-admins", "", true, {bob}});
  ASSERT_TRUE(group.ok());
  ScheduleRequestInput through_group =
      Input(ScheduleKind::kEligibility, RequestAction::kAdminAssign, group->id, kSecAdmin);
  through_group.schedule_info.duration = Duration::Hours(2);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, through_group).ok());
  const Timestamp group_end = clock_.Now() + Duration::Hours(2);
  auto r = Activate(bob, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // bob is then made eligible directly as well, extends, and loses the direct eligibility.
  MakeEligible(bob, kSecAdmin);
  clock_.Advance(Duration::Minutes(40));
  ScheduleRequestInput ext =
      Input(ScheduleKind::kAssignment, RequestAction::kSelfExtend, bob, kSecAdmin);
  ext.schedule_info.duration = Duration::Hours(2);
  auto e = svc_->SubmitRequest(Sign(bob), ext);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_TRUE(svc_->SubmitRequest(admin_, Input(ScheduleKind::kEligibility,
                                                RequestAction::kAdminRemove, bob, kSecAdmin))
                  .ok());
  EXPECT_FALSE(svc_->HasRole(bob, kSecAdmin, "/", group_end).allowed);
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, r->target_schedule_id);
  ASSERT_TRUE(s.ok());
  EXPECT_LE(s->end, group_end);
}

}  // namespace
}  // namespace pim
