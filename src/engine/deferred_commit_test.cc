// DeferCommits: mutations return before their change sets are durable; WhenDurable's
// continuation runs only once they are, with the DecisionIndex already updated.
#include "engine/deferred_commit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

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
  TmpdirForChildren children(dir_);
  EXPECT_DEATH(
      {
        DeferCommits scope;
        store_.FailNextCommits(1);
        (void)NewUser("alice");
        store_.Close();  // drains the queue: the failure is seen on the writer thread
      },
      "store commit failed");
}

// A change the store refuses because it stopped first (closed, or stopped while waiting for
// another process's write lock) was never acknowledged: the process exits with status 1 and
// says so, rather than aborting as on a failed commit.
TEST_F(DeferredCommitTest, AChangeTheStoppedStoreRefusedEndsTheProcessWithStatus1) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TmpdirForChildren children(dir_);
  EXPECT_EXIT(
      {
        store_.Close();
        (void)NewUser("alice");
      },
      ::testing::ExitedWithCode(1), "never acknowledged and is not saved");
  EXPECT_EXIT(
      {
        DeferCommits scope;
        store_.Close();
        (void)NewUser("alice");
      },
      ::testing::ExitedWithCode(1), "never acknowledged and is not saved");
}

// A clock that, once armed, holds the first thread that asks for the time until released: a
// way to keep a mutation inside the engine's lock.
class GateClock final : public Clock {
 public:
  Timestamp Now() const override {
    std::unique_lock<std::mutex> lock(mu_);
    if (armed_) {
      armed_ = false;
      held_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
    }
    return Timestamp::FromSeconds(1795651200);
  }
  void Arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
  }
  void WaitHeld() const {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return held_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable bool armed_ = false;
  mutable bool held_ = false;
  bool released_ = false;
};

// IsBusy() (the hint the HTTP layer uses to run a mutation on its I/O thread) is true exactly
// while another thread holds the engine's lock.
TEST_F(DeferredCommitTest, IsBusyWhileAnotherThreadHoldsTheEngineLock) {
  MemoryStore store;
  GateClock clock;
  PimService service(store, clock, ids_, *signer_, secrets_, options_);
  ASSERT_TRUE(service.Load().ok());
  EXPECT_FALSE(service.IsBusy());
  clock.Arm();
  std::thread bootstrap([&] {  // Bootstrap reads the clock under the exclusive lock
    EXPECT_TRUE(service.Bootstrap("first@pim.local", testing_util::kPassword).ok());
  });
  clock.WaitHeld();
  EXPECT_TRUE(service.IsBusy());
  clock.Release();
  bootstrap.join();
  EXPECT_FALSE(service.IsBusy());
}

}  // namespace
}  // namespace pim
