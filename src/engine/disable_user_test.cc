// Disabling a user ends its just-in-time access (pending and scheduled requests, activations)
// and keeps the standing grants administrators made (eligibilities, Assigned roles).
#include "engine/engine_test_util.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kGA;
using testing_util::kReader;
using testing_util::kSecAdmin;
using testing_util::kUA;

constexpr const char* kDisabledReason = "Canceled because the requestor's account was disabled";

class DisableUserTest : public EngineTest {
 protected:
  Status SetEnabled(const std::string& who, bool enabled) {
    UserPatch patch;
    patch.account_enabled = enabled;
    return svc_->UpdateUser(admin_, who, patch).status();
  }
  Status Approve(const ScheduleRequest& r) {
    auto a = svc_->GetApproval(admin_, r.approval_id);
    if (!a.ok()) return a.status();
    return svc_->ReviewApprovalStep(admin_, r.approval_id, a->steps.at(0).id, "Approve",
                                    "looks right");
  }
  ScheduleRequest Request(const std::string& id) {
    auto r = svc_->GetRequest(admin_, ScheduleKind::kAssignment, id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ScheduleRequest{};
  }
  // The canonical text of the newest audit record with `activity`.
  std::string LastRecord(const std::string& activity) {
    std::string out;
    auto records = store_.ReadAuditAscending(0, 1 << 30);
    EXPECT_TRUE(records.ok());
    for (const auto& r : *records) {
      if (r.activity == activity) out = r.canonical;
    }
    return out;
  }
  int CountOutbox(const std::string& type, const std::string& needle) {
    auto outbox = store_.PendingOutbox(1000);
    EXPECT_TRUE(outbox.ok());
    int n = 0;
    for (const auto& ev : *outbox) {
      n += ev.type == type && ev.payload.find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
  }
  size_t SchedulesOf(const std::string& who, ScheduleKind kind) {
    Result<std::vector<Schedule>> list = svc_->ListSchedules(admin_, kind, false);
    EXPECT_TRUE(list.ok());
    size_t n = 0;
    for (const Schedule& x : list.value()) n += x.principal_id == who ? 1 : 0;
    return n;
  }
};

TEST_F(DisableUserTest, EndsActivationsAndPendingRequestsAndKeepsStandingGrants) {
  const std::string alice = NewUser("alice");
  MakeEligible(alice, kSecAdmin);
  MakeEligible(alice, kGA);
  MakeEligible(alice, kUA);
  ScheduleRequestInput assigned =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, alice, kReader);
  assigned.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, assigned).ok());
  auto active = Activate(alice, kSecAdmin, Duration::Hours(4));
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  auto pending = Activate(alice, kGA, Duration::Hours(1));
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->status, "PendingApproval");
  ScheduleRequestInput later = ActivationInput(alice, kUA, Duration::Hours(1));
  const Timestamp later_start = clock_.Now() + Duration::Hours(3);
  later.schedule_info.start = later_start;
  auto scheduled = svc_->SubmitRequest(Sign(alice), later);
  ASSERT_TRUE(scheduled.ok()) << scheduled.status().ToString();
  ASSERT_EQ(scheduled->status, "ScheduleCreated");
  ASSERT_TRUE(Holds(alice, kSecAdmin));

  clock_.Advance(Duration::Minutes(10));
  ASSERT_TRUE(SetEnabled(alice, false).ok());

  // The activation is revoked, not merely hidden while the account is disabled.
  auto schedule = svc_->GetSchedule(admin_, ScheduleKind::kAssignment, active->target_schedule_id);
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->status, "Revoked");
  EXPECT_EQ(schedule->removed, clock_.Now());
  // The request awaiting approval and the scheduled one are canceled, saying why.
  for (const std::string& id : {pending->id, scheduled->id}) {
    ScheduleRequest r = Request(id);
    EXPECT_EQ(r.status, "Canceled") << id;
    EXPECT_EQ(r.cancel_reason, kDisabledReason) << id;
    EXPECT_EQ(r.completed, clock_.Now()) << id;
  }
  // Nobody can approve the canceled request any more.
  EXPECT_EQ(Approve(pending.value()).code(), StatusCode::kFailedPrecondition);
  // Eligibilities and the administrator's Assigned role stay: standing decisions.
  EXPECT_EQ(SchedulesOf(alice, ScheduleKind::kEligibility), 3u);
  EXPECT_EQ(SchedulesOf(alice, ScheduleKind::kAssignment), 1u);
  // The audit record of the change names what ended; each ending is an outbox event.
  const std::string record = LastRecord("Update user");
  EXPECT_NE(record.find(active->target_schedule_id), std::string::npos);
  EXPECT_NE(record.find(scheduled->target_schedule_id), std::string::npos);
  EXPECT_NE(record.find(pending->id), std::string::npos);
  EXPECT_NE(record.find(scheduled->id), std::string::npos);
  EXPECT_EQ(CountOutbox("scheduleRevoked", active->target_schedule_id), 1);
  EXPECT_EQ(CountOutbox("scheduleRevoked", scheduled->target_schedule_id), 1);
  EXPECT_EQ(CountOutbox("requestCanceled", pending->id), 1);
  EXPECT_EQ(CountOutbox("requestCanceled", scheduled->id), 1);

  // Re-enabling restores the standing grants only; the elevated roles need a fresh activation.
  ASSERT_TRUE(SetEnabled(alice, true).ok());
  EXPECT_FALSE(Holds(alice, kSecAdmin));
  EXPECT_FALSE(Holds(alice, kGA));
  EXPECT_FALSE(svc_->HasRole(alice, kUA, "/", later_start).allowed);
  EXPECT_TRUE(Holds(alice, kReader));
  Start();
  EXPECT_FALSE(Holds(alice, kSecAdmin));
  auto again = Activate(alice, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->status, "Provisioned");
  EXPECT_TRUE(Holds(alice, kSecAdmin));
}

// An activation made with a group's eligibility is the member's own (its principal is the
// member): disabling the member revokes it, and leaves the group's eligibility and the other
// members' activations alone.
TEST_F(DisableUserTest, RevokesActivationsMadeThroughAGroupsEligibility) {
  const std::string bob = NewUser("bob"), carol = NewUser("carol");
  auto group = svc_->CreateGroup(admin_, {"sec-admins", "", true, {bob, carol}});
  ASSERT_TRUE(group.ok());
  MakeEligible(group->id, kSecAdmin);
  auto bobs = Activate(bob, kSecAdmin, Duration::Hours(4));
  auto carols = Activate(carol, kSecAdmin, Duration::Hours(4));
  ASSERT_TRUE(bobs.ok() && carols.ok());
  ASSERT_TRUE(SetEnabled(bob, false).ok());
  EXPECT_EQ(svc_->GetSchedule(admin_, ScheduleKind::kAssignment, bobs->target_schedule_id)->status,
            "Revoked");
  EXPECT_TRUE(Holds(carol, kSecAdmin));
  EXPECT_EQ(SchedulesOf(group->id, ScheduleKind::kEligibility), 1u);
  ASSERT_TRUE(SetEnabled(bob, true).ok());
  EXPECT_FALSE(Holds(bob, kSecAdmin));
  EXPECT_TRUE(Activate(bob, kSecAdmin, Duration::Hours(1)).ok());
}

// A database written before disabling ended anything can hold a disabled user with an activation
// and a request awaiting approval. Approving the request then fails it (no role is granted to a
// disabled account), and re-enabling the account revokes what survived the disable.
TEST_F(DisableUserTest, ADisabledRequesterIsNeverGrantedAndReenablingEndsWhatSurvived) {
  const std::string alice = NewUser("alice");
  MakeEligible(alice, kSecAdmin);
  MakeEligible(alice, kGA);
  auto active = Activate(alice, kSecAdmin, Duration::Hours(4));
  auto pending = Activate(alice, kGA, Duration::Hours(1));
  ASSERT_TRUE(active.ok() && pending.ok());
  ASSERT_EQ(pending->status, "PendingApproval");
  // Disabled as older versions did it: the account flag only.
  auto p = svc_->GetPrincipal(admin_, alice);
  ASSERT_TRUE(p.ok());
  Principal disabled = *p;
  disabled.account_enabled = false;
  ChangeSet raw;
  raw.objects.push_back({kinds::kPrincipal, alice, EncodePrincipal(disabled), false});
  ASSERT_TRUE(store_.Submit(std::move(raw), nullptr).get().ok());
  Start();
  ASSERT_FALSE(Holds(alice, kSecAdmin));

  ASSERT_TRUE(Approve(pending.value()).ok());
  ScheduleRequest r = Request(pending->id);
  EXPECT_EQ(r.status, "Failed");
  EXPECT_TRUE(r.target_schedule_id.empty());
  const std::string failed = LastRecord("Add member to role request failed (PIM activation)");
  EXPECT_NE(failed.find("the requestor's account is disabled"), std::string::npos) << failed;

  ASSERT_TRUE(SetEnabled(alice, true).ok());
  EXPECT_FALSE(Holds(alice, kGA));
  EXPECT_FALSE(Holds(alice, kSecAdmin));
  EXPECT_EQ(
      svc_->GetSchedule(admin_, ScheduleKind::kAssignment, active->target_schedule_id)->status,
      "Revoked");
  EXPECT_EQ(SchedulesOf(alice, ScheduleKind::kEligibility), 2u);
}

}  // namespace
}  // namespace pim
