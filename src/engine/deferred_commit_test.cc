// DeferCommits: mutations return before their change sets are durable; WhenDurable's
// continuation runs only once they are, with the DecisionIndex already updated.
#include "engine/deferred_commit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kSecAdmin;
using DeferredCommitTest = EngineTest;

TEST_F(DeferredCommitTest, ContinuationWaitsForDurabilityAndTheIndex) {
  std::string alice = NewUser("alice");
  MakeEligible(alice, kSecAdmin);

  // Hold the store's writer so that the activation's change set waits in the queue.
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;
  bool release = false;
  std::shared_future<Status> gate = store_.Submit(ChangeSet{}, [&] {
    std::unique_lock<std::mutex> lock(mu);
    held = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return held; });
  }

  std::shared_ptr<PendingDurability> pending;
  {
    DeferCommits scope;
    Result<ScheduleRequest> r = Activate(alice, kSecAdmin, Duration::Hours(1));  // returns at once
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    pending = scope.pending();
  }
  ASSERT_NE(pending, nullptr);
  std::promise<bool> fired;
  WhenDurable(pending, [&] { fired.set_value(Holds(alice, kSecAdmin)); });
  std::future<bool> result = fired.get_future();
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_FALSE(Holds(alice, kSecAdmin));  // not durable, so not effective either
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(gate.get().ok());
  EXPECT_TRUE(result.get());  // ran after the index update
  EXPECT_TRUE(Holds(alice, kSecAdmin));
}

TEST_F(DeferredCommitTest, NothingCommittedRunsTheContinuationAtOnce) {
  std::shared_ptr<PendingDurability> pending;
  {
    DeferCommits scope;
    // Refused before any change: an unknown role.
    EXPECT_FALSE(Activate(admin_.principal_id, "no-such-role", Duration::Hours(1)).ok());
    pending = scope.pending();
  }
  bool ran = false;
  WhenDurable(pending, [&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST_F(DeferredCommitTest, OutsideAScopeMutationsStillWait) {
  std::string alice = NewUser("alice");
  MakeEligible(alice, kSecAdmin);
  ASSERT_TRUE(Activate(alice, kSecAdmin, Duration::Hours(1)).ok());
  EXPECT_TRUE(Holds(alice, kSecAdmin));  // durable and indexed on return
}

TEST_F(DeferredCommitTest, AFailedDeferredCommitAbortsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        DeferCommits scope;
        store_.FailNextCommits(1);
        (void)NewUser("alice");
        store_.Close();  // drains the queue: the failure is seen on the writer thread
      },
      "store commit failed");
}

}  // namespace
}  // namespace pim
