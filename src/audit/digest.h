// Base64 for the audit module (OpenSSL), the chain's zero hash, and reading a record's search
// columns back from its canonical text. Private to src/audit. The chain hashes with
// pim::Sha256Hex (auth/crypto.h), the one SHA-256 helper.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace pim::audit_internal {

// Standard base64 with padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
// Inverse of Base64Encode; nullopt on any malformed input.
std::optional<std::string> Base64Decode(std::string_view text);

// Fills `out`'s search columns (id, category, activity, time, initiator_id) from a canonical
// text; false if the text is not a canonical record (export.cc).
bool ReadSearchColumns(const std::string& canonical, SealedAuditRecord& out);

// The prev_hash of record 1: 64 zeros.
inline const std::string& ZeroHash() {
  static const std::string kZero(64, '0');
  return kZero;
}

}  // namespace pim::audit_internal
