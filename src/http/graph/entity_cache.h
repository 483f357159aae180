// EntityCache: serialized Graph entities kept between requests, each tagged with the revision of
// the engine data it was built from. A reader asks for (id, current revision) and gets the text
// only if it was built from that revision, so a change in the engine makes every older entry a
// miss at once. Bounded: when full, it is emptied and refills from the requests that follow.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace pim::http {

class EntityCache {
 public:
  explicit EntityCache(size_t max_entries = 1024) : max_entries_(max_entries) {}

  // The entity serialized from `revision`, or null.
  std::shared_ptr<const std::string> Find(const std::string& id, uint64_t revision) const;
  // Remembers `json` as the serialization of `id` at `revision`.
  void Store(const std::string& id, uint64_t revision, std::shared_ptr<const std::string> json);

 private:
  struct Entry {
    uint64_t revision = 0;
    std::shared_ptr<const std::string> json;
  };
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace pim::http
