#include "audit/digest.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <initializer_list>
#include <vector>

namespace pim::audit_internal {

namespace {

// The SHA-256 implementation fetched once, and a digest context per thread: OpenSSL 3 looks the
// algorithm up again on every EVP_Digest(..., EVP_sha256(), ...), which for a record-sized input
// cost about as much as hashing it.
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
  if (!ok) abort();  // only on allocation failure inside OpenSSL
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

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) < padding) return std::nullopt;
  std::string decoded(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n) - padding);
  // EVP_DecodeBlock tolerates some non-canonical input; accept only what we would write.
  if (Base64Encode(decoded) != text) return std::nullopt;
  return decoded;
}

}  // namespace pim::audit_internal
