// OrderedMap: a hash map that also remembers insertion order, so listings come out in creation
// order (CONTRACT.md "stable order by creation time") while lookups stay O(1). Not thread-safe:
// the engine guards it with its lock. Erase is O(n) (rare: most deletes in pim are soft).
#pragma once

#include <algorithm>
#include <concepts>
#include <string>
#include <unordered_map>
#include <vector>

namespace pim {

// Types whose objects belong to a principal (schedules, requests) get a per-principal index, so
// the activation path looks at one principal's objects instead of the whole organisation's.
template <typename T>
concept HasPrincipal = requires(const T& t) {
  { t.principal_id } -> std::convertible_to<std::string>;
};

template <typename T>
class OrderedMap {
 public:
  OrderedMap() = default;
  // Holds pointers into its own map: not copyable or movable.
  OrderedMap(const OrderedMap&) = delete;
  OrderedMap& operator=(const OrderedMap&) = delete;

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
    auto it = map_.find(id);
    if (it == map_.end()) {
      it = map_.emplace(id, value).first;
      order_.push_back(&it->second);  // node-based map: element addresses never change
      if constexpr (HasPrincipal<T>) by_principal_[value.principal_id].push_back(&it->second);
      return it->second;
    }
    if constexpr (HasPrincipal<T>) {
      if (it->second.principal_id != value.principal_id) {
        Unindex(&it->second);
        by_principal_[value.principal_id].push_back(&it->second);
      }
    }
    it->second = value;
    return it->second;
  }
  // Removes `id`; false when absent.
  bool Erase(const std::string& id) {
    auto it = map_.find(id);
    if (it == map_.end()) return false;
    T* p = &it->second;
    std::erase(order_, p);
    if constexpr (HasPrincipal<T>) Unindex(p);
    map_.erase(it);
    return true;
  }
  // Calls f(const T&) / f(T&) in insertion order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const T* p : order_) f(*p);
  }
  template <typename F>
  void ForEachMutable(F&& f) {
    for (T* p : order_) f(*p);
  }
  // Calls f(const T&) for the objects of one principal, in insertion order.
  template <typename F>
  requires HasPrincipal<T>
  void ForEachOf(const std::string& principal_id, F&& f) const {
    auto it = by_principal_.find(principal_id);
    if (it == by_principal_.end()) return;
    for (const T* p : it->second) f(*p);
  }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }

 private:
  void Unindex(T* p) {
    auto it = by_principal_.find(p->principal_id);
    if (it == by_principal_.end()) return;
    std::erase(it->second, p);
    if (it->second.empty()) by_principal_.erase(it);
  }

  std::vector<T*> order_;
  std::unordered_map<std::string, T> map_;
  std::unordered_map<std::string, std::vector<T*>> by_principal_;
};

}  // namespace pim
