// AuditIdFilter: finds an audit record by its id without an index on random GUIDs.
//
// An index keyed by the records' ids would cost every transaction a random B-tree page per audit
// record. Instead the log is cut into chunks of kChunk records by seq (chunk c holds seq
// c*kChunk+1 .. (c+1)*kChunk), and when a chunk is complete the writer stores a Bloom filter of
// its ids (table audit_id_filters, written in the transaction that completes the chunk: one
// 5 KiB row per 4,096 records). A lookup tests every stored filter and reads only the chunks
// that may hold the id (about 1% of those that do not) plus the one still filling. Chunks written
// before the table existed get their filters at the next start-up; a chunk holding an id that
// is not a GUID gets a filter that matches everything.
//
// Not thread-safe; the writer owns the filter it fills, readers build their own from bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pim::sqlite {

class AuditIdFilter {
 public:
  static constexpr int64_t kChunk = 4096;            // records per chunk
  static constexpr size_t kBytes = kChunk * 10 / 8;  // 10 bits per record
  static constexpr int kProbes = 7;                  // ~1% false positives when full

  using Guid = std::array<uint8_t, 16>;
  // The 16 bytes of a GUID written as 8-4-4-4-12 hex digits (either case); nullopt otherwise.
  static std::optional<Guid> ParseGuid(std::string_view text);
  // The chunk holding record `seq` (>= 1).
  static int64_t ChunkOf(int64_t seq) { return (seq - 1) / kChunk; }
  static int64_t FirstSeq(int64_t chunk) { return chunk * kChunk + 1; }
  static int64_t LastSeq(int64_t chunk) { return (chunk + 1) * kChunk; }

  AuditIdFilter() : bits_(kBytes, '\0') {}
  // A filter that may contain every id.
  static AuditIdFilter MatchingEverything();
  // A stored filter; nullopt if `bytes` is not one.
  static std::optional<AuditIdFilter> FromBytes(std::string_view bytes);

  void Add(const Guid& id);
  // Adds the id written as `text`; false (nothing added) when it is not a GUID, which a filter
  // cannot rule out: its chunk must then match everything.
  bool AddText(std::string_view text);
  // False only if `id` was never added.
  bool MayContain(const Guid& id) const;
  const std::string& bytes() const { return bits_; }

 private:
  std::string bits_;
};

}  // namespace pim::sqlite
