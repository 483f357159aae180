// OrderedMap: a hash map that also remembers insertion order, so listings come out in creation
// order (CONTRACT.md "stable order by creation time") while lookups stay O(1). Not thread-safe:
// the engine guards it with its lock. Erase is O(n) (rare: most deletes in pim are soft). The
// hash maps are sharded (core/sharded_map.h): the schedules and requests of a long history grow
// without pausing the engine for a whole rehash.
#pragma once

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/sharded_map.h"

namespace pim {

// Types whose objects belong to a principal (schedules, requests) get a per-principal index, so
// the activation path looks at one principal's objects instead of the whole organisation's. Within
// it, the owner may Retire() objects that can no longer matter to its hot lookups (a schedule that
// ended, a request that was decided): ForEachCurrentOf skips them, so those lookups cost what a
// principal holds now, not its whole history. Putting a retired object again makes it current.
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
    Slot* p = FindSlot(id);
    return p == nullptr ? nullptr : &p->value;
  }
  const T* Find(const std::string& id) const {
    const Slot* p = FindSlot(id);
    return p == nullptr ? nullptr : &p->value;
  }
  // Inserts or replaces (a copy of `value`); a new id goes to the end of the order. Takes a
  // const reference on purpose: Put(x.id, std::move(x)) would read a moved-from id.
  T& Put(const std::string& id, const T& value) {
    auto& shard = map_.Shard(id);
    auto it = shard.find(id);
    if (it == shard.end()) {
      Slot* p =
          shard.emplace(id, std::make_unique<Slot>(Slot{next_seq_++, value})).first->second.get();
      order_.push_back(p);  // a Slot stays where it is: the map holds a pointer to it
      if constexpr (HasPrincipal<T>) Index(p);
      return p->value;
    }
    Slot* p = it->second.get();
    if constexpr (HasPrincipal<T>) {
      if (p->value.principal_id != value.principal_id || p->retired) {
        Unindex(p);
        p->value = value;
        p->retired = false;
        Index(p);
        return p->value;
      }
    }
    p->value = value;
    return p->value;
  }
  // Removes `id`; false when absent.
  bool Erase(const std::string& id) {
    auto& shard = map_.Shard(id);
    auto it = shard.find(id);
    if (it == shard.end()) return false;
    Slot* p = it->second.get();
    std::erase(order_, p);
    if constexpr (HasPrincipal<T>) Unindex(p);
    shard.erase(it);
    return true;
  }
  // Calls f(const T&) / f(T&) in insertion order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot* p : order_) f(p->value);
  }
  template <typename F>
  void ForEachMutable(F&& f) {
    for (Slot* p : order_) f(p->value);
  }
  // Calls f(const T&) for the objects of one principal, in insertion order.
  template <typename F>
  requires HasPrincipal<T>
  void ForEachOf(const std::string& principal_id, F&& f) const {
    ForEachIn(by_principal_, principal_id, f);
  }
  // Calls f(const T&) for the objects of one principal that are not retired, in insertion order.
  template <typename F>
  requires HasPrincipal<T>
  void ForEachCurrentOf(const std::string& principal_id, F&& f) const {
    ForEachIn(current_by_principal_, principal_id, f);
  }
  // Leaves `id` out of ForEachCurrentOf until it is Put again. No-op when absent or retired.
  // Safe inside ForEach: the insertion order is not touched.
  void Retire(const std::string& id) requires HasPrincipal<T> {
    Slot* p = FindSlot(id);
    if (p == nullptr || p->retired) return;
    EraseFrom(current_by_principal_, p);
    p->retired = true;
  }
  // Calls f(const T&) for the objects of any of `principal_ids`, in insertion order (each once,
  // even if a principal is named twice): one principal's objects and those of its groups, without
  // visiting everybody else's.
  template <typename F>
  requires HasPrincipal<T>
  void ForEachOfAny(const std::vector<std::string>& principal_ids, F&& f) const {
    std::vector<const Slot*> found;
    for (const std::string& id : principal_ids) {
      if (const std::vector<Slot*>* list = ListOf(by_principal_, id))
        found.insert(found.end(), list->begin(), list->end());
    }
    std::sort(found.begin(), found.end(),
              [](const Slot* a, const Slot* b) { return a->seq < b->seq; });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (const Slot* p : found) f(p->value);
  }
  // ForEachFrom over one principal's objects only.
  template <typename F>
  requires HasPrincipal<T> std::optional<uint64_t> ForEachOfFrom(const std::string& principal_id,
                                                                 uint64_t from, size_t limit, F&& f)
  const {
    const std::vector<Slot*>* list = ListOf(by_principal_, principal_id);
    if (list == nullptr) return std::nullopt;
    auto it = std::lower_bound(list->begin(), list->end(), from,
                               [](const Slot* s, uint64_t seq) { return s->seq < seq; });
    for (size_t visited = 0; it != list->end(); ++it, ++visited) {
      if (visited == limit) return (*it)->seq;
      f((*it)->seq, (*it)->value);
    }
    return std::nullopt;
  }
  // Calls f(const T&) for the objects named in `ids` (a subset the caller keeps, such as those
  // awaiting approval), in insertion order; ids not in the map are skipped.
  template <typename Ids, typename F>
  void ForEachOfIds(const Ids& ids, F&& f) const {
    std::vector<const Slot*> found;
    found.reserve(ids.size());
    for (const std::string& id : ids) {
      if (const Slot* p = FindSlot(id)) found.push_back(p);
    }
    std::sort(found.begin(), found.end(),
              [](const Slot* a, const Slot* b) { return a->seq < b->seq; });
    for (const Slot* p : found) f(p->value);
  }
  // Calls f(seq, const T&) for at most `limit` objects at or after position `from` (a seq), in
  // insertion order. Returns the position of the first object not visited, or nullopt when none
  // remain. Positions stay valid across inserts and erasures, so a long listing can go chunk by
  // chunk, letting go of the engine's lock in between.
  template <typename F>
  std::optional<uint64_t> ForEachFrom(uint64_t from, size_t limit, F&& f) const {
    auto it = std::lower_bound(order_.begin(), order_.end(), from,
                               [](const Slot* s, uint64_t seq) { return s->seq < seq; });
    for (size_t visited = 0; it != order_.end(); ++it, ++visited) {
      if (visited == limit) return (*it)->seq;
      f((*it)->seq, (*it)->value);
    }
    return std::nullopt;
  }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }

 private:
  struct Slot {
    uint64_t seq;  // insertion order, kept when the value is replaced
    T value;
    bool retired = false;  // left out of current_by_principal_
  };

  using PrincipalLists = ShardedMap<std::unordered_map<std::string, std::vector<Slot*>>>;

  Slot* FindSlot(const std::string& id) {
    auto& shard = map_.Shard(id);
    auto it = shard.find(id);
    return it == shard.end() ? nullptr : it->second.get();
  }
  const Slot* FindSlot(const std::string& id) const {
    const auto& shard = map_.Shard(id);
    auto it = shard.find(id);
    return it == shard.end() ? nullptr : it->second.get();
  }
  static const std::vector<Slot*>* ListOf(const PrincipalLists& lists,
                                          const std::string& principal_id) {
    const auto& shard = lists.Shard(principal_id);
    auto it = shard.find(principal_id);
    return it == shard.end() ? nullptr : &it->second;
  }
  static std::vector<Slot*>& ListFor(PrincipalLists& lists, const std::string& principal_id) {
    return lists.Shard(principal_id)[principal_id];
  }

  // Keeps each principal's lists in insertion order (a principal change is rare: binary search).
  void Index(Slot* p) {
    InsertInOrder(ListFor(by_principal_, p->value.principal_id), p);
    if (!p->retired) InsertInOrder(ListFor(current_by_principal_, p->value.principal_id), p);
  }
  void Unindex(Slot* p) {
    EraseFrom(by_principal_, p);
    if (!p->retired) EraseFrom(current_by_principal_, p);
  }
  template <typename F>
  static void ForEachIn(const PrincipalLists& lists, const std::string& principal_id, F& f) {
    const std::vector<Slot*>* list = ListOf(lists, principal_id);
    if (list == nullptr) return;
    for (const Slot* p : *list) f(p->value);
  }
  static void InsertInOrder(std::vector<Slot*>& list, Slot* p) {
    auto at = std::upper_bound(list.begin(), list.end(), p,
                               [](const Slot* a, const Slot* b) { return a->seq < b->seq; });
    list.insert(at, p);
  }
  static void EraseFrom(PrincipalLists& lists, Slot* p) {
    auto& shard = lists.Shard(p->value.principal_id);
    auto it = shard.find(p->value.principal_id);
    if (it == shard.end()) return;
    std::erase(it->second, p);
    if (it->second.empty()) shard.erase(it);
  }

  struct IdHash {
    size_t operator()(const std::string& s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  uint64_t next_seq_ = 0;
  std::vector<Slot*> order_;
  // Open addressing (no division by a prime bucket count, one probe of a 16-slot group's tags
  // mostly): lookups by id are the engine's most frequent operation. The Slots live on the heap
  // so that order_ and the per-principal lists can point at them while the table moves entries.
  ShardedMap<boost::unordered_flat_map<std::string, std::unique_ptr<Slot>, IdHash>> map_;
  PrincipalLists by_principal_;
  PrincipalLists current_by_principal_;  // by_principal_ without the retired
};

}  // namespace pim
