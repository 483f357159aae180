// Credential primitives: argon2id passwords (libsodium), TOTP (liboath), secretbox encryption
// of TOTP secrets (libsodium), random tokens and ids, SHA-256, constant-time comparison.
// Thread-safety: every function is safe to call concurrently. Call InitCrypto() once first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/status.h"
#include "core/time.h"

namespace pim {

// Initialises libsodium and liboath. Internal error if they cannot start.
Status InitCrypto();

struct PasswordCost {
  uint64_t memory_bytes = 64ull << 20;  // 64 MiB
  uint64_t passes = 3;
};
// An argon2id PHC string ("$argon2id$v=19$m=65536,t=3,p=1$...").
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);
// Constant-time verification against a PHC string.
bool VerifyPassword(std::string_view password, const std::string& phc);

// `n` bytes from the CSPRNG.
std::string RandomBytes(size_t n);
// 256-bit random token, base64url without padding (43 chars).
std::string RandomToken();
// Lowercase hex SHA-256 of `data`, or of `first` followed by `second` (not concatenated first).
std::string Sha256Hex(std::string_view data);
std::string Sha256Hex(std::string_view first, std::string_view second);
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

class RandomIdGenerator final : public IdGenerator {
 public:
  std::string NewId() override;
};

// TOTP, RFC 6238: 6 digits, 30 s step, HMAC-SHA-1, accepting +-1 step around `now`.
// Secrets are raw bytes (20 by default); shown to users as RFC 4648 base32 without padding.
std::string NewTotpSecret();
std::string Base32Encode(std::string_view bytes);
Result<std::string> Base32Decode(std::string_view text);
// "otpauth://totp/pim:<upn>?secret=<b32>&issuer=pim&algorithm=SHA1&digits=6&period=30"
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);
// The code for the step containing `at` (for tests and the CLI).
std::string TotpCode(std::string_view secret, Timestamp at, int digits = 6);
// If `code` matches a step within +-1 of `now` and that step is greater than `last_used_step`
// (replay protection: a code is accepted once), returns the matched step number
// (unix seconds / 30). Otherwise nullopt. Compares in constant time per candidate.
std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, Timestamp now,
                                  int64_t last_used_step);

// Authenticated encryption (XSalsa20-Poly1305) with a 32-byte key; output = nonce || box.
class SecretBox {
 public:
  // Loads the 32-byte key at `path`, creating it (mode 600) if absent.
  static Result<SecretBox> LoadOrCreate(const std::string& path);
  static SecretBox FromKey(std::string key);  // tests
  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace pim
