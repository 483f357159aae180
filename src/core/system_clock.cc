#include <chrono>

#include "core/clock.h"

namespace pim {

Timestamp SystemClock::Now() const {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Timestamp::FromMicros(us.count());
}

}  // namespace pim
