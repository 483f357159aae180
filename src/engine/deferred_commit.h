// DeferCommits: lets a thread that must not sit waiting for fsync run PimService mutations.
//
// Normally a mutation returns only once its change set is durable (EngineState::Commit waits).
// Inside a DeferCommits scope, Commit submits and returns at once instead; WhenDurable() then
// runs a continuation once every change set committed in the scope is durable and applied to the
// DecisionIndex, so a response sent from that continuation still promises exactly what a
// blocking call's would. A failed commit aborts the process, as it does when waiting.
//
// Thread-safety: a scope belongs to the thread that made it (scopes do not nest). The
// PendingDurability handle may be used from any thread.
#pragma once

#include <functional>
#include <memory>

namespace pim {

struct PendingDurability;

class DeferCommits {
 public:
  DeferCommits();
  ~DeferCommits();
  DeferCommits(const DeferCommits&) = delete;
  DeferCommits& operator=(const DeferCommits&) = delete;

  // What was committed in the scope so far; null when nothing was.
  std::shared_ptr<PendingDurability> pending() const { return pending_; }

  // For EngineState::Commit: null when this thread has no scope; else registers one more
  // change set of the scope and returns what to call once it is durable.
  static std::function<void()> Track();

 private:
  std::shared_ptr<PendingDurability> pending_;
};

// Runs `then` once everything tracked in `pending` is durable: at once, on this thread, if it
// already is (or `pending` is null); otherwise on the store's writer thread.
void WhenDurable(const std::shared_ptr<PendingDurability>& pending, std::function<void()> then);

}  // namespace pim
