// Library start-up, randomness, hashing and encodings (see crypto.h).
#include "auth/crypto.h"

#include <liboath/oath.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <string>

namespace pim {

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  const int rc = oath_init();
  if (rc != OATH_OK)
    return Internal(std::string("liboath failed to initialise: ") + oath_strerror(rc));
  return Status::Ok();
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string RandomToken() {
  const std::string raw = RandomBytes(32);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), variant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1) {
    // Only fails on allocation failure inside OpenSSL: an unusable process.
    abort();
  }
  std::string hex(digest_len * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, digest_len);
  hex.resize(digest_len * 2);
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The length is not secret (tokens and hashes have fixed lengths); the contents are.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return InvalidArgument("base64 text length is not a multiple of 4");
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("invalid base64 text");
  // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string RandomIdGenerator::NewId() {
  // Ids are public identifiers, not secrets: each thread draws them from a buffer refilled
  // from the kernel's CSPRNG 32 ids at a time (one getrandom call per id was ~3% of a request).
  constexpr size_t kIdsPerRefill = 32;
  thread_local unsigned char pool[16 * kIdsPerRefill];
  thread_local size_t used = sizeof pool;
  if (used == sizeof pool) {
    randombytes_buf(pool, sizeof pool);
    used = 0;
  }
  std::string id = FormatGuidV4(pool + used);
  used += 16;
  return id;
}

}  // namespace pim
