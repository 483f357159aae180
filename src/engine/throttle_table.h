// ThrottleTable: the break-glass sign-in throttles in memory, by source, with each one's expiry
// (when it stops mattering) also kept in order. A full table evicts the throttle that expires
// first, so finding it must not walk every source: an attacker who can reach the capacity (65,536
// sources by default) would otherwise make each further failed sign-in scan them all under the
// engine's lock. Not thread-safe: the engine guards it with its lock.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/time.h"
#include "engine/records.h"

namespace pim {

class ThrottleTable {
 public:
  // nullptr when `source` has no throttle.
  const SignInThrottle* Find(const std::string& source) const {
    auto it = by_source_.find(source);
    return it == by_source_.end() ? nullptr : &it->second.throttle;
  }
  bool Contains(const std::string& source) const { return by_source_.count(source) > 0; }
  // Inserts or replaces the throttle of t.source, which stops mattering at `expiry`.
  void Put(const SignInThrottle& t, Timestamp expiry) {
    auto [it, inserted] = by_source_.try_emplace(t.source, Entry{t, expiry});
    if (!inserted) {
      by_expiry_.erase({it->second.expiry, t.source});
      it->second = Entry{t, expiry};
    }
    by_expiry_.insert({expiry, t.source});
  }
  // No-op when absent.
  void Erase(const std::string& source) {
    auto it = by_source_.find(source);
    if (it == by_source_.end()) return;
    by_expiry_.erase({it->second.expiry, source});
    by_source_.erase(it);
  }
  // The source whose throttle expires first (the earliest source on a tie); nullptr when empty.
  const std::string* FirstToExpire() const {
    return by_expiry_.empty() ? nullptr : &by_expiry_.begin()->second;
  }
  size_t size() const { return by_source_.size(); }

 private:
  struct Entry {
    SignInThrottle throttle;
    Timestamp expiry;
  };
  std::unordered_map<std::string, Entry> by_source_;
  std::set<std::pair<Timestamp, std::string>> by_expiry_;
};

}  // namespace pim
