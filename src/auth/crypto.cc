// Library start-up, randomness, hashing and encodings (see crypto.h).
#include "auth/crypto.h"

#include <liboath/oath.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <initializer_list>
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

namespace {

// The SHA-256 implementation fetched once, and a digest context per thread: OpenSSL 3 looks the
// algorithm up again on every EVP_Digest(..., EVP_sha256(), ...), which for a token- or
// record-sized input cost about as much as hashing it.
struct Sha256Context {
  Sha256Context() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx(EVP_MD_CTX_new()) {
    if (md == nullptr || ctx == nullptr) abort();  // no SHA-256: an unusable OpenSSL
  }
  ~Sha256Context() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  Sha256Context(const Sha256Context&) = delete;
  Sha256Context& operator=(const Sha256Context&) = delete;
  EVP_MD* md;
  EVP_MD_CTX* ctx;
};

std::string Sha256HexOfParts(std::initializer_list<std::string_view> parts) {
  thread_local Sha256Context sha;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  bool ok = EVP_DigestInit_ex2(sha.ctx, sha.md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(sha.ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(sha.ctx, digest, &size) == 1;
  if (!ok) abort();  // only on allocation failure inside OpenSSL: an unusable process
  static const char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (unsigned int i = 0; i < size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) { return Sha256HexOfParts({data}); }

std::string Sha256Hex(std::string_view first, std::string_view second) {
  return Sha256HexOfParts({first, second});
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
