// OrderedMap: a hash map that also remembers insertion order, so listings come out in creation
// order (CONTRACT.md "stable order by creation time") while lookups stay O(1). Not thread-safe:
// the engine guards it with its lock. Erase is O(n) (rare: most deletes in pim are soft).
#pragma once

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace pim {

template <typename T>
class OrderedMap {
 public:
  // nullptr when absent.
  T* Find(const std::string& id) {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  const T* Find(const std::string& id) const {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  // Inserts or replaces (a copy of `value`); a new id goes to the end of the order. Takes a
  // const reference on purpose: Put(x.id, std::move(x)) would read a moved-from id.
  T& Put(const std::string& id, const T& value) {
    auto [it, inserted] = map_.insert_or_assign(id, value);
    if (inserted) order_.push_back(id);
    return it->second;
  }
  // Removes `id`; false when absent.
  bool Erase(const std::string& id) {
    if (map_.erase(id) == 0) return false;
    std::erase(order_, id);
    return true;
  }
  // Calls f(const T&) / f(T&) in insertion order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& id : order_) f(map_.at(id));
  }
  template <typename F>
  void ForEachMutable(F&& f) {
    for (const auto& id : order_) f(map_.at(id));
  }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }

 private:
  std::vector<std::string> order_;
  std::unordered_map<std::string, T> map_;
};

}  // namespace pim
