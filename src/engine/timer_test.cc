#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kSecAdmin;

class TimerTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
  }
  std::string alice_;
};

TEST_F(TimerTest, ExpiryIsAuditedExactlyOnceEvenAcrossRestart) {
  MakeEligible(alice_, kSecAdmin);
  auto r = Activate(alice_, kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(r.ok());
  const Timestamp end = clock_.Now() + Duration::Hours(1);
  EXPECT_EQ(svc_->NextDeadline(), end);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 0);
  clock_.Set(end);
  EXPECT_FALSE(Holds(alice_, kSecAdmin));  // decisions do not wait for the timer
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 1);
  EXPECT_EQ(svc_->NextDeadline(), Timestamp::Max());
  Start();
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 1);
  auto outbox = store_.PendingOutbox(1000);
  ASSERT_TRUE(outbox.ok());
  int expired = 0;
  for (const auto& ev : *outbox) expired += ev.type == "roleExpired" ? 1 : 0;
  EXPECT_EQ(expired, 1);
}

TEST_F(TimerTest, ExpiryMissedWhileDownIsRecordedAfterRestart) {
  MakeEligible(alice_, kSecAdmin);
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  clock_.Advance(Duration::Hours(5));
  Start();
  EXPECT_LE(svc_->NextDeadline(), clock_.Now());
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 1);
}

TEST_F(TimerTest, EligibilityExpiryAndDeactivatedActivationsAreNotDoubleRecorded) {
  MakeEligibleFor(alice_, kSecAdmin, Duration::Days(1));
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  ASSERT_TRUE(
      svc_->SubmitRequest(Sign(alice_), Input(ScheduleKind::kAssignment,
                                              RequestAction::kSelfDeactivate, alice_, kSecAdmin))
          .ok());
  clock_.Advance(Duration::Days(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 0);  // it was deactivated, not expired
  EXPECT_EQ(CountActivity("Eligibility expired"), 1);
}

TEST_F(TimerTest, ExtendedActivationExpiresAtItsNewEnd) {
  MakeEligible(alice_, kSecAdmin);
  ASSERT_TRUE(Activate(alice_, kSecAdmin, Duration::Hours(1)).ok());
  const Timestamp end = clock_.Now() + Duration::Hours(1);
  clock_.Set(end - Duration::Minutes(5));
  ScheduleRequestInput ext =
      Input(ScheduleKind::kAssignment, RequestAction::kSelfExtend, alice_, kSecAdmin);
  ext.schedule_info.duration = Duration::Hours(1);
  ASSERT_TRUE(svc_->SubmitRequest(Sign(alice_), ext).ok());
  clock_.Set(end);
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 0);
  EXPECT_TRUE(Holds(alice_, kSecAdmin));
  clock_.Set(end + Duration::Hours(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(CountActivity("Role assignment expired"), 1);
}

}  // namespace
}  // namespace pim
