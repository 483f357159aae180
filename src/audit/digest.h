// SHA-256 and base64 for the audit module (OpenSSL). Private to src/audit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pim::audit_internal {

// Lowercase hex SHA-256 of `data`, or of `first` followed by `second` (no concatenation).
std::string Sha256Hex(std::string_view data);
std::string Sha256Hex(std::string_view first, std::string_view second);
// Standard base64 with padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
// Inverse of Base64Encode; nullopt on any malformed input.
std::optional<std::string> Base64Decode(std::string_view text);

// The prev_hash of record 1: 64 zeros.
inline const std::string& ZeroHash() {
  static const std::string kZero(64, '0');
  return kZero;
}

}  // namespace pim::audit_internal
