#include "http/graph/entity_cache.h"

#include <utility>

namespace pim::http {

std::shared_ptr<const std::string> EntityCache::Find(const std::string& id,
                                                     uint64_t revision) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.revision != revision) return nullptr;
  return it->second.json;
}

void EntityCache::Store(const std::string& id, uint64_t revision,
                        std::shared_ptr<const std::string> json) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_entries_ && entries_.find(id) == entries_.end()) entries_.clear();
  entries_[id] = Entry{revision, std::move(json)};
}

}  // namespace pim::http
