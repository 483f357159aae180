// Escalation of an approval stage (unifiedApprovalStage isEscalationEnabled,
// escalationTimeInMinutes, escalationApprovers): from the escalation instant the escalation
// approvers may review the stage too; a timer records the instant (audit + outbox).
#include <algorithm>

#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kGA;

constexpr const char* kEscalated = "Approval stage escalated (PIM activation)";

using Approvers = std::vector<std::pair<std::string, std::string>>;  // (type, id)

struct Stage {
  Approvers primary;
  Approvers escalation;  // escalation enabled when not empty
  int minutes = 60;
  int quorum = 1;
};

boost::json::array Subjects(const Approvers& list) {
  boost::json::array out;
  for (const auto& [type, id] : list) {
    boost::json::object a{{"@odata.type", "#microsoft.graph." + type}};
    a[type == "groupMembers" ? "groupId" : "userId"] = id;
    out.push_back(a);
  }
  return out;
}

class EscalationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
    bob_ = NewUser("bob");
    carol_ = NewUser("carol");
    MakeEligible(alice_, kGA);
  }
  void SetStages(const std::vector<Stage>& stages) {
    EditRule(kGA, "Approval_EndUser_Assignment", [&](boost::json::object& rule) {
      boost::json::object& setting = rule["setting"].as_object();
      setting["isApprovalRequired"] = true;
      setting["approvalMode"] = stages.size() > 1 ? "Serial" : "SingleStage";
      boost::json::array out;
      for (const Stage& s : stages) {
        out.push_back(boost::json::object{{"approvalStageTimeOutInDays", 1},
                                          {"isApproverJustificationRequired", true},
                                          {"escalationTimeInMinutes", s.minutes},
                                          {"isEscalationEnabled", !s.escalation.empty()},
                                          {"primaryApprovers", Subjects(s.primary)},
                                          {"escalationApprovers", Subjects(s.escalation)},
                                          {"pimQuorum", s.quorum}});
      }
      setting["approvalStages"] = out;
    });
  }
  Status Review(const std::string& who, const ScheduleRequest& r, size_t stage = 0) {
    auto a = svc_->GetApproval(admin_, r.approval_id);
    if (!a.ok()) return a.status();
    return svc_->ReviewApprovalStep(Sign(who), r.approval_id, a->steps.at(stage).id, "Approve",
                                    "looks right");
  }
  bool AssignedTo(const std::string& who, const ScheduleRequest& r, size_t stage = 0) {
    auto a = svc_->GetApproval(admin_, r.approval_id);
    return a.ok() && svc_->IsAssignedApprover(Sign(who), *a, a->steps.at(stage));
  }
  size_t Listed(const std::string& who) {
    auto list = svc_->ListRequestsForCurrentUser(Sign(who), ScheduleKind::kAssignment, true);
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  }
  std::string Status_(const ScheduleRequest& r) {
    return svc_->GetRequest(admin_, ScheduleKind::kAssignment, r.id)->status;
  }
  int EscalationEvents() { return static_cast<int>(OutboxPayloads("approvalEscalated").size()); }
  std::string alice_, bob_, carol_;
};

// The rule is time-based: before the instant an escalation approver is like anyone not listed;
// from it they may review, whether or not the timer has run yet (here it has not).
TEST_F(EscalationTest, EscalationApproversMayReviewFromTheEscalationInstant) {
  SetStages({{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 60}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Timestamp escalation = clock_.Now() + Duration::Minutes(60);
  clock_.Set(escalation - Duration::Micros(1));
  EXPECT_FALSE(AssignedTo(carol_, *r));
  EXPECT_EQ(Listed(carol_), 0u);
  EXPECT_EQ(Review(carol_, *r).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Status_(*r), "PendingApproval");

  clock_.Set(escalation);
  EXPECT_TRUE(AssignedTo(carol_, *r));
  EXPECT_TRUE(AssignedTo(bob_, *r));  // the primary approvers still may
  EXPECT_EQ(Listed(carol_), 1u);
  EXPECT_TRUE(svc_->GetApproval(Sign(carol_), r->approval_id).ok());
  ASSERT_TRUE(Review(carol_, *r).ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
  EXPECT_TRUE(Holds(alice_, kGA));
  // The late timer's record is written before the review it made possible, once.
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
}

// The event that asks a stage's approvers for a review says until when the stage runs and from
// when its escalation approvers are asked too: what a notification would tell them.
TEST_F(EscalationTest, TheApprovalRequestedEventCarriesTheStageTimeoutAndEscalationInstant) {
  SetStages(
      {{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 45}, {{{"singleUser", carol_}}, {}, 60}});
  const Timestamp start = clock_.Now();
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  clock_.Advance(Duration::Minutes(5));
  ASSERT_TRUE(Review(bob_, *r).ok());
  const auto requested = OutboxPayloads("approvalRequested");
  ASSERT_EQ(requested.size(), 2u);
  EXPECT_EQ(requested[0].at("timeoutDateTime").as_string(),
            FormatTimestamp(start + Duration::Days(1)));
  EXPECT_EQ(requested[0].at("escalationDateTime").as_string(),
            FormatTimestamp(start + Duration::Minutes(45)));
  // The second stage starts at the first one's approval and does not escalate.
  EXPECT_EQ(requested[1].at("timeoutDateTime").as_string(),
            FormatTimestamp(start + Duration::Minutes(5) + Duration::Days(1)));
  EXPECT_FALSE(requested[1].contains("escalationDateTime"));
}

TEST_F(EscalationTest, TheTimerRecordsTheEscalationOnceAndItSurvivesARestart) {
  SetStages({{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 30}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  const Timestamp escalation = clock_.Now() + Duration::Minutes(30);
  EXPECT_EQ(svc_->NextDeadline(), escalation);
  Start();
  EXPECT_EQ(svc_->NextDeadline(), escalation);
  clock_.Set(escalation - Duration::Micros(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 0);
  clock_.Set(escalation);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  Start();  // the escalation is remembered: no second record; carol still may review
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_TRUE(AssignedTo(carol_, *r));
  ASSERT_TRUE(Review(carol_, *r).ok());
  EXPECT_TRUE(Holds(alice_, kGA));
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
}

// A timer late past the timeout too (pimd was down): the stage escalated before it timed out,
// and both are recorded, in that order.
TEST_F(EscalationTest, ATimerLatePastTheTimeoutRecordsTheEscalationFirst) {
  SetStages({{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 60}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Advance(Duration::Days(2));
  EXPECT_EQ(Review(carol_, *r).code(), StatusCode::kFailedPrecondition);  // timed out
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(Status_(*r), "Canceled");
  std::vector<std::string> activities = Activities();
  auto escalated = std::find(activities.begin(), activities.end(), kEscalated);
  auto timed_out = std::find(activities.begin(), activities.end(),
                             "Add member to role request canceled (approval timed out)");
  ASSERT_NE(escalated, activities.end());
  ASSERT_NE(timed_out, activities.end());
  EXPECT_LT(escalated, timed_out);
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
}

TEST_F(EscalationTest, NoEscalationWhenTheStageCompletesOrTheRequestEndsFirst) {
  SetStages({{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 60}});
  auto approved = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(approved.ok());
  clock_.Advance(Duration::Minutes(10));
  ASSERT_TRUE(Review(bob_, *approved).ok());
  ASSERT_TRUE(svc_->SubmitRequest(Sign(alice_), Input(ScheduleKind::kAssignment,
                                                      RequestAction::kSelfDeactivate, alice_, kGA))
                  .ok());
  auto canceled = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(canceled.ok());
  clock_.Advance(Duration::Minutes(10));
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, canceled->id).ok());
  clock_.Advance(Duration::Hours(2));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 0);
  EXPECT_EQ(EscalationEvents(), 0);
  EXPECT_EQ(Listed(carol_), 0u);
}

// Canceled after the escalation instant, before a late timer ran: the stage had escalated, and
// the record says so, before the cancellation (as a review or a timeout would write it).
TEST_F(EscalationTest, ACancelAfterTheEscalationInstantRecordsTheEscalationFirst) {
  SetStages({{{{"singleUser", bob_}}, {{"singleUser", carol_}}, 60}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Advance(Duration::Minutes(61));
  ASSERT_TRUE(svc_->CancelRequest(Sign(alice_), ScheduleKind::kAssignment, r->id).ok());
  std::vector<std::string> activities = Activities();
  auto escalated = std::find(activities.begin(), activities.end(), kEscalated);
  auto canceled = std::find(activities.begin(), activities.end(), "Cancel request (PIM)");
  ASSERT_NE(escalated, activities.end());
  ASSERT_NE(canceled, activities.end());
  EXPECT_LT(escalated, canceled);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity(kEscalated), 1);
  EXPECT_EQ(EscalationEvents(), 1);
}

// The requester never reviews their own request, and whoever approved an earlier stage may not
// review a later one, as escalation approvers as well.
TEST_F(EscalationTest, EscalationApproversFollowTheRulesOfPrimaryApprovers) {
  auto group = svc_->CreateGroup(admin_, {"escalation", "", true, {alice_, carol_}});
  ASSERT_TRUE(group.ok());
  std::string dave = NewUser("dave");
  SetStages({{{{"singleUser", carol_}}, {}, 60},
             {{{"singleUser", bob_}}, {{"groupMembers", group->id}, {"singleUser", dave}}, 60}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Review(carol_, *r, 0).ok());
  clock_.Advance(Duration::Minutes(60));
  EXPECT_EQ(Review(alice_, *r, 1).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CountActivity("Self-approval attempt refused"), 1);
  EXPECT_FALSE(AssignedTo(carol_, *r, 1));
  EXPECT_EQ(Listed(carol_), 0u);
  EXPECT_EQ(Review(carol_, *r, 1).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Status_(*r), "PendingApproval");
  ASSERT_TRUE(Review(dave, *r, 1).ok());
  EXPECT_TRUE(Holds(alice_, kGA));
}

// The quorum counts only approvers who still qualify: an escalation approver removed from the
// escalation group before the quorum is reached no longer counts, even in a stage whose primary
// approvers are the fallback PRA/GA holders (whose reviews count while their account lives).
TEST_F(EscalationTest, AnEscalationApproverTakenOutBeforeTheQuorumNoLongerCounts) {
  std::string dave = NewUser("dave");
  auto group = svc_->CreateGroup(admin_, {"escalation", "", true, {carol_, dave}});
  ASSERT_TRUE(group.ok());
  SetStages({{{}, {{"groupMembers", group->id}}, 60, /*quorum=*/2}});
  auto r = Activate(alice_, kGA, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  clock_.Advance(Duration::Minutes(60));
  ASSERT_TRUE(Review(carol_, *r).ok());
  ASSERT_TRUE(svc_->RemoveGroupMember(admin_, group->id, carol_).ok());
  ASSERT_TRUE(Review(admin_.principal_id, *r).ok());
  EXPECT_EQ(Status_(*r), "PendingApproval");  // carol's approval no longer counts
  ASSERT_TRUE(Review(dave, *r).ok());
  EXPECT_EQ(Status_(*r), "Provisioned");
}

// With escalation enabled a stage must say who escalates to and when, before the stage times out;
// new escalation approvers must exist.
TEST_F(EscalationTest, APolicyPatchChecksTheEscalationSettings) {
  auto policy = svc_->EffectivePolicy(kGA, "/");
  ASSERT_TRUE(policy.ok());
  auto rule = RuleToGraph(*policy, "Approval_EndUser_Assignment");
  ASSERT_TRUE(rule.ok());
  const std::string unknown = "00000000-0000-4000-8000-000000000123";
  struct Case {
    Approvers escalation;
    int minutes;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {{}, 60, "escalationApprovers"},
           {{{"singleUser", carol_}}, 0, "escalationTimeInMinutes"},
           {{{"singleUser", carol_}}, 1440, "escalationTimeInMinutes"},
           {{{"singleUser", unknown}}, 60, unknown},
       }) {
    boost::json::object json = *rule;
    boost::json::object& stage =
        json["setting"].as_object()["approvalStages"].as_array()[0].as_object();
    stage["isEscalationEnabled"] = true;
    stage["escalationTimeInMinutes"] = c.minutes;
    stage["escalationApprovers"] = Subjects(c.escalation);
    auto st = svc_->PatchPolicyRule(admin_, policy->id, "Approval_EndUser_Assignment",
                                    boost::json::serialize(json));
    EXPECT_EQ(st.status().code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(st.status().message().find(c.field), std::string::npos) << st.status().message();
  }
  SetStages({{{}, {{"singleUser", carol_}}, 1439}});  // just before the 1-day timeout: accepted
}

}  // namespace
}  // namespace pim
