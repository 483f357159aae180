// argon2id password hashing with libsodium's PHC string format (see crypto.h).
#include <sodium.h>

#include <string>

#include "auth/crypto.h"

namespace pim {

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  if (cost.passes < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      cost.passes > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return InvalidArgument("argon2id pass count out of range");
  }
  if (cost.memory_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      cost.memory_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return InvalidArgument("argon2id memory cost out of range");
  }
  char phc[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(phc, password.data(), password.size(), cost.passes,
                            static_cast<size_t>(cost.memory_bytes),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("argon2id hashing failed (out of memory)");
  }
  return std::string(phc);
}

bool VerifyPassword(std::string_view password, const std::string& phc) {
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(phc.c_str(), password.data(), password.size()) == 0;
}

}  // namespace pim
