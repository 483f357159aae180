#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kGA;
using testing_util::kPRA;
using testing_util::kSecAdmin;

// Global Administrator's seeded policy: approval required (one stage, fallback approvers =
// active PRA/GA holders), activation up to 2 h, MFA and justification.
class ApprovalTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
    MakeEligible(alice_, kGA);
  }
  // Sets the approval stages of `role`'s policy: each stage a list of (type, id) approvers.
  void SetStages(const std::string& role,
                 const std::vector<std::vector<std::pair<std::string, std::string>>>& stages,
                 int quorum = 1, bool extension = false, int timeout_days = 1) {
    EditRule(role, "Approval_EndUser_Assignment", [&](boost::json::object& rule) {
      boost::json::object& setting = rule["setting"].as_object();
      setting["isApprovalRequired"] = true;
      setting["isApprovalRequiredForExtension"] = extension;
      setting["approvalMode"] = stages.size() > 1 ? "Serial" : "SingleStage";
      boost::json::array out;
      for (const auto& stage : stages) {
        boost::json::array approvers;
        for (const auto& [type, id] : stage) {
          boost::json::object a{{"@odata.type", "#microsoft.graph." + type}};
          a[type == "groupMembers" ? "groupId" : "userId"] = id;
          approvers.push_back(a);
        }
        out.push_back(boost::json::object{{"approvalStageTimeOutInDays", timeout_days},
                                          {"isApproverJustificationRequired", true},
                                          {"escalationTimeInMinutes", 0},
                                          {"isEscalationEnabled", false},
                                          {"primaryApprovers", approvers},
                                          {"escalationApprovers", boost::json::array{}},
                                          {"pimQuorum", quorum}});
      }
      setting["approvalStages"] = out;
    });
  }
  Status Review(const std::string& who, const ScheduleRequest& r, const std::string& result,
                size_t stage = 0) {
    auto a = svc_->GetApproval(admin_, r.approval_id);
    if (!a.ok()) return a.status();
    return svc_->ReviewApprovalStep(Sign(who), r.approval_id, a->steps.at(stage).id, result,
                                    "looks right");
  }
  // Security Administrator with approval (by `approver`) for extensions only; alice activates
  // it for an hour and, 10 minutes before the end, asks to extend it by an hour. Returns the
  // pending extension request; `end` is the activation's end.
  Result<ScheduleRequest> AskToExtend(const std::string& approver, Timestamp& end) {
    SetStages(kSecAdmin, {{{"singleUser", approver}}}, 1, /*extension=*/true);
    EditRule(kSecAdmin, "Approval_EndUser_Assignment", [](boost::json::object& rule) {
      rule["setting"].as_object()["isApprovalRequired"] = false;
    });
    auto r = Activate(alice_, kSecAdmin, Duration::Hours(1));
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->status, "Provisioned");
    end = clock_.Now() + Duration::Hours(1);
    clock_.Set(end - Duration::Minutes(10));
    ScheduleRequestInput ext =
        Input(ScheduleKind::kAssignment, RequestAction::kSelfExtend, alice_, kSecAdmin);
    ext.schedule_info.duration = Duration::Hours(1);
    return svc_->SubmitRequest(Sign(alice_), ext);
  }
  std::string Status_(const ScheduleRequest& r) {
    return svc_->GetRequest(admin_, ScheduleKind::kAssignment, r.id)->status;
  }
  std::string alice_;
};

TEST_F(ApprovalTest, FallbackApproverGrantsAndTheDurationStartsAtApproval) {
  auto r = Activate(alice_, kGA, Duration::Hours(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "PendingApproval");
  EXPECT_FALSE(Holds(alice_, kGA));
  EXPECT_EQ(svc_->PendingApprovalCount(), 1);
  // The break-glass admin holds GA: a fallback approver. Alice is not.
  auto mine = svc_->ListRequestsForCurrentUser(admin_, ScheduleKind::kAssignment, true);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_TRUE(
      svc_->ListRequestsForCurrentUser(Sign(alice_), ScheduleKind::kAssignment, true)->empty());
  auto approval = svc_->GetApproval(Sign(alice_), r->approval_id);
  ASSERT_TRUE(approval.ok());
  EXPECT_TRUE(svc_->IsAssignedApprover(admin_, *approval, approval->steps[0]));
  EXPECT_FALSE(svc_->IsAssignedApprover(Sign(alice_), *approval, approval->steps[0]));

  clock_.Advance(Duration::Hours(3));
  EXPECT_EQ(
      svc_->ReviewApprovalStep(admin_, r->approval_id, approval->steps[0].id, "Approve", "").code(),
      StatusCode::kInvalidArgument);  // approver justification required
  EXPECT_EQ(
      svc_->ReviewApprovalStep(admin_, r->approval_id, approval->steps[0].id, "Approve", " \t ")
          .code(),
      StatusCode::kInvalidArgument);  // white space justifies nothing
  ASSERT_TRUE(Review(admin_.principal_id, *r, "approve").ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
  auto granted = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id);
  auto s = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, granted->target_schedule_id);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->start, clock_.Now());
  EXPECT_EQ(s->end, clock_.Now() + Duration::Hours(2));
  EXPECT_TRUE(Holds(alice_, kGA));
  EXPECT_EQ(CountActivity("Add member to role request approved (PIM activation)"), 1);
  EXPECT_EQ(Review(admin_.principal_id, *r, "Approve").code(), StatusCode::kFailedPrecondition);
}

TEST_F(ApprovalTest, SelfApprovalIsRefusedEvenThroughTheApproverGroup) {
  std::string bob = NewUser("bob");
  auto approvers = svc_->CreateGroup(admin_, {"approvers", "", true, {alice_, bob}});
  ASSERT_TRUE(approvers.ok());
  SetStages(kGA, {{{"groupMembers", approvers->id}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Review(alice_, *r, "Approve").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CountActivity("Self-approval attempt refused"), 1);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  // A member who is not the requester may approve; the admin is not listed.
  EXPECT_EQ(Review(admin_.principal_id, *r, "Approve").code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Review(bob, *r, "Approve").ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

TEST_F(ApprovalTest, QuorumOfTwoNeedsTwoDistinctApprovers) {
  std::string bob = NewUser("bob"), carol = NewUser("carol");
  SetStages(kGA, {{{"singleUser", bob}, {"singleUser", carol}}}, /*quorum=*/2);
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(bob, *r, "Approve").ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");
  EXPECT_EQ(Review(bob, *r, "Approve").code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(Holds(alice_, kGA));
  ASSERT_TRUE(Review(carol, *r, "Approve").ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
  auto a = svc_->GetApproval(admin_, r->approval_id);
  EXPECT_EQ(a->steps[0].reviews.size(), 2u);
  EXPECT_EQ(a->steps[0].review_result, "Approve");
}

// An approval counts toward the quorum while its approver still qualifies: one removed from the
// approver group (or disabled, or deleted) before the quorum is reached no longer vouches.
TEST_F(ApprovalTest, AnApproverTakenOutBeforeTheQuorumNoLongerCounts) {
  std::string bob = NewUser("bob"), carol = NewUser("carol"), dave = NewUser("dave");
  auto approvers = svc_->CreateGroup(admin_, {"approvers", "", true, {bob, carol, dave}});
  ASSERT_TRUE(approvers.ok());
  SetStages(kGA, {{{"groupMembers", approvers->id}}}, /*quorum=*/2);
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(bob, *r, "Approve").ok());
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, approvers->id, bob).ok());
  ASSERT_TRUE(Review(carol, *r, "Approve").ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");  // bob's approval no longer counts
  EXPECT_FALSE(Holds(alice_, kGA));
  ASSERT_TRUE(Review(dave, *r, "Approve").ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
}

// A stage's new approvers must exist: a stage of unknown ids could only time out.
TEST_F(ApprovalTest, ANewApproverMustBeAUserOrGroupThatExists) {
  std::string bob = NewUser("bob");
  auto policy = svc_->EffectivePolicy(kGA, "/");
  ASSERT_TRUE(policy.ok());
  auto rule = RuleToGraph(*policy, "Approval_EndUser_Assignment");
  ASSERT_TRUE(rule.ok());
  const std::string unknown = "00000000-0000-4000-8000-000000000123";
  for (const auto& [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"singleUser", unknown}, {"groupMembers", unknown}, {"groupMembers", bob}}) {
    boost::json::object json = *rule;
    boost::json::object a{{"@odata.type", "#microsoft.graph." + type}};
    a[type == "groupMembers" ? "groupId" : "userId"] = id;
    json["setting"].as_object()["approvalStages"].as_array()[0].as_object()["primaryApprovers"] =
        boost::json::array{a};
    auto st = svc_->PatchPolicyRule(admin_, policy->id, "Approval_EndUser_Assignment",
                                    boost::json::serialize(json));
    EXPECT_EQ(st.status().code(), StatusCode::kInvalidArgument) << type << " " << id;
    EXPECT_NE(st.status().message().find(id), std::string::npos) << st.status().message();
  }
  SetStages(kGA, {{{"singleUser", bob}}});  // an existing user is accepted
}

// An approver's justification is bounded like a requester's: it goes into every audit record and
// notification of the review.
TEST_F(ApprovalTest, AnApproversJustificationIsAtMost1000Characters) {
  std::string bob = NewUser("bob");
  SetStages(kGA, {{{"singleUser", bob}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  auto a = svc_->GetApproval(admin_, r->approval_id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(svc_->ReviewApprovalStep(Sign(bob), r->approval_id, a->steps[0].id, "Approve",
                                     std::string(1001, 'x'))
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  ASSERT_TRUE(svc_->ReviewApprovalStep(Sign(bob), r->approval_id, a->steps[0].id, "Approve",
                                       std::string(1000, 'x'))
                  .ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
}

// A request to extend an activation ends with the activation: deactivated (or expired) before
// anyone decided, the request is canceled and its approval no longer awaits a review.
TEST_F(ApprovalTest, AnExtensionRequestEndsWithTheActivation) {
  std::string bob = NewUser("bob");
  MakeEligible(alice_, kSecAdmin);
  for (bool deactivate : {true, false}) {
    Timestamp end;
    auto e = AskToExtend(bob, end);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ASSERT_EQ(e->status, "PendingApproval");
    if (deactivate) {
      ASSERT_TRUE(svc_->SubmitRequest(Sign(alice_),
                                      Input(ScheduleKind::kAssignment,
                                            RequestAction::kSelfDeactivate, alice_, kSecAdmin))
                      .ok());
    } else {
      clock_.Set(end);
      ASSERT_TRUE(svc_->RunDueTimers().ok());
    }
    auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, e->id);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->status, "Canceled") << deactivate;
    EXPECT_EQ(Review(bob, *e, "Approve").code(), StatusCode::kFailedPrecondition) << deactivate;
    auto waiting = svc_->ListRequestsForCurrentUser(Sign(bob), ScheduleKind::kAssignment, true);
    ASSERT_TRUE(waiting.ok());
    EXPECT_TRUE(waiting->empty()) << deactivate;
    clock_.Advance(Duration::Hours(1));
  }
}

TEST_F(ApprovalTest, SerialStagesRunInOrder) {
  std::string bob = NewUser("bob"), carol = NewUser("carol");
  SetStages(kGA, {{{"singleUser", bob}}, {{"singleUser", carol}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Review(carol, *r, "Approve", 1).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Review(bob, *r, "Approve", 0).ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");
  auto a = svc_->GetApproval(admin_, r->approval_id);
  EXPECT_EQ(a->steps[0].status, "Completed");
  EXPECT_EQ(a->steps[1].status, "InProgress");
  EXPECT_EQ(svc_->ListRequestsForCurrentUser(Sign(carol), ScheduleKind::kAssignment, true)->size(),
            1u);
  ASSERT_TRUE(Review(carol, *r, "Approve", 1).ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

// Separation of duties: who approved one stage of a request may not review a later one, even
// when listed there too (here through a group): two stages mean two people.
TEST_F(ApprovalTest, AnEarlierStagesApproverMayNotReviewALaterStage) {
  std::string bob = NewUser("bob"), carol = NewUser("carol");
  auto group = svc_->CreateGroup(admin_, {"second-stage", "", true, {bob, carol}});
  ASSERT_TRUE(group.ok());
  SetStages(kGA, {{{"singleUser", bob}}, {{"groupMembers", group->id}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(bob, *r, "Approve", 0).ok());
  auto a = svc_->GetApproval(admin_, r->approval_id);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->steps[1].status, "InProgress");
  EXPECT_FALSE(svc_->IsAssignedApprover(Sign(bob), *a, a->steps[1]));
  EXPECT_TRUE(svc_->IsAssignedApprover(Sign(carol), *a, a->steps[1]));
  EXPECT_TRUE(
      svc_->ListRequestsForCurrentUser(Sign(bob), ScheduleKind::kAssignment, true)->empty());
  EXPECT_EQ(svc_->ListRequestsForCurrentUser(Sign(carol), ScheduleKind::kAssignment, true)->size(),
            1u);
  Status refused = Review(bob, *r, "Approve", 1);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("earlier stage"), std::string::npos) << refused.message();
  EXPECT_EQ(CountActivity("Review of a later stage by an earlier stage's approver refused"), 1);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  EXPECT_FALSE(Holds(alice_, kGA));
  ASSERT_TRUE(Review(carol, *r, "Approve", 1).ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

// The same for stages falling back to the active Privileged Role and Global Administrators.
TEST_F(ApprovalTest, AnEarlierStagesFallbackApproverMayNotReviewALaterStage) {
  std::string pra = NewUser("pra");
  MakeEligible(pra, kPRA);
  ASSERT_TRUE(Activate(pra, kPRA, Duration::Hours(8)).ok());
  SetStages(kGA, std::vector<std::vector<std::pair<std::string, std::string>>>(2));
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(admin_.principal_id, *r, "Approve", 0).ok());
  auto a = svc_->GetApproval(admin_, r->approval_id);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(svc_->IsAssignedApprover(admin_, *a, a->steps[1]));
  EXPECT_TRUE(svc_->ListRequestsForCurrentUser(admin_, ScheduleKind::kAssignment, true)->empty());
  EXPECT_EQ(Review(admin_.principal_id, *r, "Approve", 1).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  ASSERT_TRUE(Review(pra, *r, "Approve", 1).ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

// A later stage whose only approver approved an earlier one has nobody left: it times out like
// any stage nobody reviews.
TEST_F(ApprovalTest, ALaterStageWithNobodyLeftTimesOut) {
  std::string bob = NewUser("bob");
  SetStages(kGA, {{{"singleUser", bob}}, {{"singleUser", bob}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Advance(Duration::Hours(1));
  ASSERT_TRUE(Review(bob, *r, "Approve", 0).ok());
  EXPECT_EQ(Review(bob, *r, "Approve", 1).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      svc_->ListRequestsForCurrentUser(Sign(bob), ScheduleKind::kAssignment, true)->empty());
  clock_.Advance(Duration::Days(1) - Duration::Micros(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");
  clock_.Advance(Duration::Micros(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id);
  EXPECT_EQ(after->status, "Canceled");
  EXPECT_EQ(after->cancel_reason, "Approval stage timed out");
  EXPECT_EQ(svc_->GetApproval(admin_, r->approval_id)->steps[1].status, "Expired");
  EXPECT_FALSE(Holds(alice_, kGA));
}

TEST_F(ApprovalTest, OneDenyDeniesTheRequest) {
  std::string bob = NewUser("bob"), carol = NewUser("carol");
  SetStages(kGA, {{{"singleUser", bob}, {"singleUser", carol}}}, /*quorum=*/2);
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(bob, *r, "Approve").ok());
  ASSERT_TRUE(Review(carol, *r, "Deny").ok());
  EXPECT_EQ(Status_(*r), "Denied");
  EXPECT_FALSE(Holds(alice_, kGA));
  EXPECT_EQ(svc_->PendingApprovalCount(), 0);
  // After a denial alice may ask again.
  EXPECT_TRUE(Activate(alice_, kGA, Duration::Hours(1)).ok());
}

TEST_F(ApprovalTest, SecondPendingActivationIsAConflict) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  auto again = Activate(alice_, kGA, Duration::Hours(1));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().error_code(), "PendingRoleAssignmentRequest");
  EXPECT_NE(again.status().message().find(r->id), std::string::npos);
  // Still after a restart (Load must keep a pending request current), and after it is canceled
  // no longer.
  Start();
  again = Activate(alice_, kGA, Duration::Hours(1));
  EXPECT_EQ(again.status().error_code(), "PendingRoleAssignmentRequest");
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).ok());
  EXPECT_TRUE(Activate(alice_, kGA, Duration::Hours(1)).ok());
}

TEST_F(ApprovalTest, RequesterCancelsAPendingRequest) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).ok());
  EXPECT_EQ(Status_(*r), "Canceled");
  EXPECT_EQ(Review(admin_.principal_id, *r, "Approve").code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Activate(alice_, kGA, Duration::Hours(1)).ok());
}

TEST_F(ApprovalTest, StageTimesOutAfterItsDays) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  const Timestamp deadline = clock_.Now() + Duration::Days(1);
  EXPECT_EQ(svc_->NextDeadline(), deadline);
  clock_.Set(deadline - Duration::Micros(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");
  clock_.Set(deadline);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id);
  EXPECT_EQ(after->status, "Canceled");
  EXPECT_EQ(after->cancel_reason, "Approval stage timed out");
  EXPECT_EQ(svc_->GetApproval(admin_, r->approval_id)->steps[0].status, "Expired");
  EXPECT_EQ(Review(admin_.principal_id, *r, "Approve").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Add member to role request canceled (approval timed out)"), 1);
}

TEST_F(ApprovalTest, AReviewAtTheTimeoutInstantFindsTheStageExpiredBeforeTheTimerRuns) {
  // The timer thread may be late (or pimd down across the deadline): a review from the deadline
  // on must not grant what the timeout has already ended.
  const std::string bob = NewUser("bob");
  SetStages(kGA, {{{"singleUser", bob}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Set(clock_.Now() + Duration::Days(1));
  EXPECT_EQ(Review(bob, *r, "Approve").code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(Holds(alice_, kGA));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*r), "Canceled");
  EXPECT_FALSE(Holds(alice_, kGA));
  EXPECT_EQ(CountActivity("Add member to role request canceled (approval timed out)"), 1);
}

TEST_F(ApprovalTest, ACancelAfterTheTimeoutInstantRecordsTheTimeoutBeforeTheTimerRuns) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Set(clock_.Now() + Duration::Days(1));
  EXPECT_EQ(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).code(),
            StatusCode::kFailedPrecondition);
  auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r->id);
  EXPECT_EQ(after->status, "Canceled");
  EXPECT_EQ(after->cancel_reason, "Approval stage timed out");
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Add member to role request canceled (approval timed out)"), 1);
  EXPECT_EQ(CountActivity("Cancel request (PIM)"), 0);
}

// A deleted user's pending requests end with the account: approvers are not left reviewing
// them, and an approval cannot grant a role to the deleted account (through a group it is still
// listed in, say).
TEST_F(ApprovalTest, DeletingTheRequesterCancelsTheirPendingRequests) {
  const std::string bob = NewUser("bob");
  const std::string carol = NewUser("carol");
  auto group = svc_->CreateGroup(admin_, {"ga-candidates", "", true, {bob}});
  ASSERT_TRUE(group.ok());
  MakeEligible(group->id, kGA);
  SetStages(kGA, {{{"singleUser", carol}}});
  auto mine = Activate(alice_, kGA, Duration::Hours(1));
  auto through_group = Activate(bob, kGA, Duration::Hours(1));
  ASSERT_TRUE(mine.ok() && through_group.ok());
  ASSERT_EQ(svc_->PendingApprovalCount(), 2);

  ASSERT_TRUE(svc_->DeleteUser(admin_, alice_).ok());
  ASSERT_TRUE(svc_->DeleteUser(admin_, bob).ok());
  for (const ScheduleRequest& r : {*mine, *through_group}) {
    auto after = svc_->GetRequest(admin_, ScheduleKind::kAssignment, r.id);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->status, "Canceled");
    EXPECT_EQ(after->cancel_reason, "Canceled because the requestor was deleted");
    EXPECT_EQ(Review(carol, r, "Approve").code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(svc_->PendingApprovalCount(), 0);
  EXPECT_TRUE(
      svc_->ListRequestsForCurrentUser(Sign(carol), ScheduleKind::kAssignment, true)->empty());
  EXPECT_FALSE(Holds(bob, kGA));
  auto outbox = store_.PendingOutbox(1000);
  ASSERT_TRUE(outbox.ok());
  int canceled = 0;
  for (const auto& ev : *outbox) canceled += ev.type == "requestCanceled";
  EXPECT_EQ(canceled, 2);
}

// Nor does it show the stage as awaiting the approver: from the deadline on, the request leaves
// their filterByCurrentUser(on='approver') list and the step is no longer assigned to them.
TEST_F(ApprovalTest, AStagePastItsTimeoutIsNoLongerListedBeforeTheTimerRuns) {
  const std::string bob = NewUser("bob");
  SetStages(kGA, {{{"singleUser", bob}}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  const Timestamp deadline = clock_.Now() + Duration::Days(1);
  auto awaiting = [&] {
    auto list = svc_->ListRequestsForCurrentUser(Sign(bob), ScheduleKind::kAssignment, true);
    EXPECT_TRUE(list.ok());
    auto a = svc_->GetApproval(admin_, r->approval_id);
    EXPECT_TRUE(a.ok());
    const bool assigned = a.ok() && svc_->IsAssignedApprover(Sign(bob), *a, a->steps.at(0));
    EXPECT_EQ(list.ok() && list->size() == 1, assigned);
    return assigned;
  };
  clock_.Set(deadline - Duration::Micros(1));
  EXPECT_TRUE(awaiting());
  clock_.Set(deadline);  // the timer has not run
  EXPECT_FALSE(awaiting());
  EXPECT_EQ(Status_(*r), "PendingApproval");
}

TEST_F(ApprovalTest, StageTimeoutBeyondTheClockRangeNeverFires) {
  // The policy accepts any positive int32 of days; Days * 86400 s in microseconds once wrapped
  // negative for this one, so the stage "timed out" at once and the request was canceled.
  const std::string bob = NewUser("bob");
  SetStages(kGA, {{{"singleUser", bob}}}, 1, false, 106751992);
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok()) << r.status().message();
  clock_.Set(clock_.Now() + Duration::Days(30));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");
  EXPECT_TRUE(Review(bob, *r, "Approve").ok());
}

TEST_F(ApprovalTest, RenewingAnExpiredActivationNeedsApprovalLikeActivatingAgain) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, "PendingApproval");
  ASSERT_TRUE(Review(admin_.principal_id, *r, "Approve").ok());
  ASSERT_TRUE(Holds(alice_, kGA));
  clock_.Advance(Duration::Hours(2));
  ASSERT_FALSE(Holds(alice_, kGA));
  // A renewal is a new activation: the policy's approval (not the one for extensions) applies.
  ScheduleRequestInput renew = ActivationInput(alice_, kGA, Duration::Hours(1));
  renew.action = RequestAction::kSelfRenew;
  auto again = svc_->SubmitRequest(Sign(alice_), renew);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->status, "PendingApproval");
  EXPECT_FALSE(Holds(alice_, kGA));
  ASSERT_TRUE(Review(admin_.principal_id, *again, "Approve").ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

TEST_F(ApprovalTest, ExtensionNeedsApprovalWhenThePolicySaysSo) {
  std::string bob = NewUser("bob");
  MakeEligible(alice_, kSecAdmin);
  Timestamp end;
  auto e = AskToExtend(bob, end);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->status, "PendingApproval");
  ASSERT_TRUE(Review(bob, *e, "Approve").ok());
  EXPECT_TRUE(svc_->HasRole(alice_, kSecAdmin, "/", end + Duration::Minutes(59)).allowed);
}

TEST_F(ApprovalTest, ApprovedAfterTheEligibilityWasRemovedFails) {
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(svc_->SubmitRequest(admin_, Input(ScheduleKind::kEligibility,
                                                RequestAction::kAdminRemove, alice_, kGA))
                  .ok());
  ASSERT_TRUE(Review(admin_.principal_id, *r, "Approve").ok());
  EXPECT_EQ(Status_(*r), "Failed");
  EXPECT_FALSE(Holds(alice_, kGA));
}

TEST_F(ApprovalTest, FallbackApproverMustHoldTheRoleActively) {
  std::string pra = NewUser("pra");
  MakeEligible(pra, kPRA);
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Review(pra, *r, "Approve").code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Activate(pra, kPRA, Duration::Hours(1)).ok());
  EXPECT_TRUE(Review(pra, *r, "Approve").ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

}  // namespace
}  // namespace pim

namespace pim {
namespace {

// Approvers' listings and the pending gauge read a set of pending request ids (not every request
// ever made): it must follow every way a request stops pending, and survive a restart.
TEST_F(ApprovalTest, ThePendingSetFollowsApprovalDenialCancelTimeoutAndRestart) {
  std::string bob = NewUser("bob");
  std::string carol = NewUser("carol");
  std::string dave = NewUser("dave");
  for (const auto& who : {bob, carol, dave}) MakeEligible(who, kGA);
  auto pending_for_admin = [&] {
    std::vector<std::string> ids;
    auto list = svc_->ListRequestsForCurrentUser(admin_, ScheduleKind::kAssignment, true);
    EXPECT_TRUE(list.ok());
    if (list.ok()) {
      for (const auto& r : *list) ids.push_back(r.id);
    }
    return ids;
  };
  auto a = Activate(alice_, kGA, Duration::Hours(1));
  auto b = Activate(bob, kGA, Duration::Hours(1));
  auto c = Activate(carol, kGA, Duration::Hours(1));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  clock_.Advance(Duration::Hours(1));
  auto d = Activate(dave, kGA, Duration::Hours(1));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(pending_for_admin(), (std::vector<std::string>{a->id, b->id, c->id, d->id}));
  Start();
  EXPECT_EQ(pending_for_admin(), (std::vector<std::string>{a->id, b->id, c->id, d->id}));
  EXPECT_EQ(svc_->PendingApprovalCount(), 4);

  ASSERT_TRUE(Review(admin_.principal_id, *b, "Approve").ok());
  ASSERT_TRUE(Review(admin_.principal_id, *c, "Deny").ok());
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, a->id).ok());
  EXPECT_EQ(pending_for_admin(), (std::vector<std::string>{d->id}));
  EXPECT_EQ(svc_->PendingApprovalCount(), 1);
  clock_.Advance(Duration::Days(1));  // dave's stage times out
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*d), "Canceled");
  EXPECT_TRUE(pending_for_admin().empty());
  EXPECT_EQ(svc_->PendingApprovalCount(), 0);
  Start();
  EXPECT_TRUE(pending_for_admin().empty());
}

}  // namespace
}  // namespace pim
