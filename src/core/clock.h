// Clock: the only source of "now" in pim. SystemClock (system_clock.cc) is the one place that
// reads the real clock; tests use FakeClock, which moves only when told to.
// Thread-safety: both implementations may be read from any thread.
#pragma once

#include <atomic>

#include "core/time.h"

namespace pim {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp::FromSeconds(1795651200))  // 2026-11-26T00:00:00Z
      : now_(start.micros()) {}
  Timestamp Now() const override { return Timestamp::FromMicros(now_.load()); }
  void Set(Timestamp t) { now_.store(t.micros()); }
  void Advance(Duration d) { now_.fetch_add(d.micros()); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace pim
