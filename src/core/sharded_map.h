// ShardedMap: a hash map split into independent shards by the key's hash, so that growing it never
// rehashes more than one shard at once.
//
// A hash map rehashes every element when it outgrows its buckets. For the maps that hold a
// tenant's whole history (every schedule and request ever made, every stored object), that is a
// pause proportional to the history under a lock every request needs: ~280 ms at 1.4 million
// entries for std::unordered_map, ~450 ms at 1.7 million for boost::unordered_flat_map (measured,
// see docs/PERFORMANCE.md). With kShards shards each pause is kShards times shorter; the total work
// and the memory are the same.
//
// Callers take the shard of a key and use the underlying map's own interface on it, so the
// semantics (node stability, iterator rules) are exactly Map's. Not thread-safe, like Map.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <functional>

namespace pim {

template <typename Map, size_t kShards = 64>
class ShardedMap {
  static_assert(kShards > 1 && (kShards & (kShards - 1)) == 0, "kShards: a power of two");

 public:
  using key_type = typename Map::key_type;

  // The shard that holds `key` (whether or not it is there).
  Map& Shard(const key_type& key) { return shards_[Index(key)]; }
  const Map& Shard(const key_type& key) const { return shards_[Index(key)]; }

  size_t size() const {
    size_t n = 0;
    for (const Map& m : shards_) n += m.size();
    return n;
  }
  bool empty() const { return size() == 0; }
  void clear() {
    for (Map& m : shards_) m.clear();
  }
  // Calls f(const value_type&) for every element, shard by shard (no particular order).
  template <typename F>
  void ForEach(F&& f) const {
    for (const Map& m : shards_) {
      for (const auto& kv : m) f(kv);
    }
  }

 private:
  // The top bits of std::hash: the shards' own tables index by the low bits (power-of-two
  // tables) or by the hash modulo a prime (std::unordered_map), so neither sees only a slice of
  // its buckets.
  static size_t Index(const key_type& key) {
    constexpr int kBits = std::countr_zero(kShards);
    const size_t h = std::hash<key_type>{}(key);
    return static_cast<size_t>(h >> (sizeof(size_t) * 8 - kBits));
  }

  std::array<Map, kShards> shards_;
};

}  // namespace pim
