// TOTP (RFC 6238) via liboath, base32 via liboath, otpauth URIs (see crypto.h).
#include <liboath/oath.h>
#include <sodium.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cstdlib>
#include <string>

#include "auth/crypto.h"

namespace pim {
namespace {

constexpr unsigned kStepSeconds = OATH_TOTP_DEFAULT_TIME_STEP_SIZE;
constexpr unsigned kDigits = 6;

int64_t UnixSeconds(Timestamp t) {
  // Floor division so instants before 1970 land in the right step.
  const int64_t us = t.micros();
  return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

// liboath strcmp callback: 0 when the candidate equals the code, compared in constant time.
int ConstantTimeOtpCompare(void* handle, const char* candidate) {
  const auto* code = static_cast<const std::string*>(handle);
  return ConstantTimeEquals(*code, candidate) ? 0 : 1;
}

// Percent-encodes all but RFC 3986 unreserved characters and '@' (legal in a path, and what
// authenticator apps show for an account name).
std::string PercentEncode(std::string_view s) {
  constexpr boost::urls::grammar::lut_chars kLabelChars =
      boost::urls::unreserved_chars + boost::urls::grammar::lut_chars('@');
  return boost::urls::encode(s, kLabelChars);
}

}  // namespace

std::string NewTotpSecret() { return RandomBytes(20); }

std::string Base32Encode(std::string_view bytes) {
  char* out = nullptr;
  size_t out_len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &out_len) != OATH_OK) abort();
  std::string text(out, out_len);
  free(out);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

Result<std::string> Base32Decode(std::string_view text) {
  if (text.empty()) return std::string();
  char* out = nullptr;
  size_t out_len = 0;
  const int rc = oath_base32_decode(text.data(), text.size(), &out, &out_len);
  if (rc != OATH_OK) {
    free(out);
    return InvalidArgument(std::string("invalid base32 text: ") + oath_strerror(rc));
  }
  std::string bytes(out, out_len);
  sodium_memzero(out, out_len);
  free(out);
  return bytes;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string enc_issuer = PercentEncode(issuer);
  std::string uri = "otpauth://totp/" + enc_issuer + ":" + PercentEncode(account);
  uri += "?secret=" + Base32Encode(secret);
  uri += "&issuer=" + enc_issuer;
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

std::string TotpCode(std::string_view secret, Timestamp at, int digits) {
  char otp[16] = {};
  const int rc =
      oath_totp_generate(secret.data(), secret.size(), UnixSeconds(at), kStepSeconds,
                         OATH_TOTP_DEFAULT_START_TIME, static_cast<unsigned>(digits), otp);
  if (rc != OATH_OK) return {};
  return otp;
}

std::optional<int64_t> VerifyTotp(std::string_view secret, std::string_view code, Timestamp now,
                                  int64_t last_used_step) {
  if (code.size() != kDigits) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::string code_str(code);
  const int64_t current = UnixSeconds(now) / static_cast<int64_t>(kStepSeconds);
  // Each candidate step is checked on its own (window 0) so that a code that also matches an
  // already-used step can still be accepted for a newer one.
  for (int64_t step = current - 1; step <= current + 1; ++step) {
    if (step <= last_used_step) continue;
    int pos = 0;
    uint64_t counter = 0;
    const int rc = oath_totp_validate3_callback(
        secret.data(), secret.size(), static_cast<time_t>(step * kStepSeconds), kStepSeconds,
        OATH_TOTP_DEFAULT_START_TIME, kDigits, /*window=*/0, &pos, &counter, ConstantTimeOtpCompare,
        const_cast<std::string*>(&code_str));
    if (rc >= 0 && static_cast<int64_t>(counter) == step) return step;
  }
  return std::nullopt;
}

}  // namespace pim
