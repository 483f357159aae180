#include "store/sqlite/audit_id_filter.h"

#include <cstring>

#include "core/ids.h"

namespace pim::sqlite {

namespace {

// A hex digit's value (IsGuid has checked it is one).
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// The bit positions of `id`: double hashing over the GUID's two halves. A v4 GUID's bits are
// random (six are fixed), so they serve as the hash; the second step is made odd so that the
// probes never repeat one position.
template <typename F>
void ForEachProbe(const AuditIdFilter::Guid& id, F&& f) {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
  std::memcpy(&h1, id.data(), 8);
  std::memcpy(&h2, id.data() + 8, 8);
  h2 |= 1;
  constexpr uint64_t kBits = AuditIdFilter::kBytes * 8;
  for (int i = 0; i < AuditIdFilter::kProbes; ++i) f((h1 + static_cast<uint64_t>(i) * h2) % kBits);
}

}  // namespace

std::optional<AuditIdFilter::Guid> AuditIdFilter::ParseGuid(std::string_view text) {
  if (!IsGuid(text)) return std::nullopt;
  Guid out{};
  size_t byte = 0;
  for (size_t i = 0; i < text.size(); i += text[i] == '-' ? 1 : 2) {
    if (text[i] != '-')
      out[byte++] = static_cast<uint8_t>(HexDigit(text[i]) << 4 | HexDigit(text[i + 1]));
  }
  return out;
}

AuditIdFilter AuditIdFilter::MatchingEverything() {
  AuditIdFilter filter;
  filter.bits_.assign(kBytes, static_cast<char>(0xff));
  return filter;
}

std::optional<AuditIdFilter> AuditIdFilter::FromBytes(std::string_view bytes) {
  if (bytes.size() != kBytes) return std::nullopt;
  AuditIdFilter filter;
  filter.bits_.assign(bytes.data(), bytes.size());
  return filter;
}

void AuditIdFilter::Add(const Guid& id) {
  ForEachProbe(id, [&](uint64_t bit) { bits_[bit / 8] |= static_cast<char>(1 << (bit % 8)); });
}

bool AuditIdFilter::AddText(std::string_view text) {
  std::optional<Guid> guid = ParseGuid(text);
  if (guid) Add(*guid);
  return guid.has_value();
}

bool AuditIdFilter::MayContain(const Guid& id) const {
  bool all = true;
  ForEachProbe(id, [&](uint64_t bit) {
    all = all && (static_cast<unsigned char>(bits_[bit / 8]) >> (bit % 8) & 1);
  });
  return all;
}

}  // namespace pim::sqlite
