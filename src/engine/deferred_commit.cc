#include "engine/deferred_commit.h"

#include <cassert>
#include <mutex>
#include <utility>

namespace pim {

struct PendingDurability {
  std::mutex mu;
  int outstanding = 0;         // guarded by mu
  std::function<void()> then;  // guarded by mu; run when outstanding reaches 0
};

namespace {
thread_local DeferCommits* t_scope = nullptr;
}  // namespace

DeferCommits::DeferCommits() {
  assert(t_scope == nullptr);
  t_scope = this;
}

DeferCommits::~DeferCommits() { t_scope = nullptr; }

std::function<void()> DeferCommits::Track() {
  if (t_scope == nullptr) return nullptr;
  if (!t_scope->pending_) t_scope->pending_ = std::make_shared<PendingDurability>();
  std::shared_ptr<PendingDurability> pending = t_scope->pending_;
  {
    std::lock_guard<std::mutex> lock(pending->mu);
    ++pending->outstanding;
  }
  return [pending] {
    std::function<void()> then;
    {
      std::lock_guard<std::mutex> lock(pending->mu);
      if (--pending->outstanding > 0) return;
      then = std::exchange(pending->then, nullptr);
    }
    if (then) then();
  };
}

void WhenDurable(const std::shared_ptr<PendingDurability>& pending, std::function<void()> then) {
  if (pending) {
    std::lock_guard<std::mutex> lock(pending->mu);
    if (pending->outstanding > 0) {
      pending->then = std::move(then);
      return;
    }
  }
  if (then) then();
}

}  // namespace pim
