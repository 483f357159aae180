// AuditSigner: the Ed25519 checkpoint key, kept as a PEM file of mode 0600 (OpenSSL reads and
// writes it and verifies). Signing uses libsodium with the same key: Ed25519 signatures are
// deterministic (RFC 8032), so they are byte for byte what OpenSSL makes, in 16 us instead of
// 40 us on the bench machine; the store's writer signs once per group commit.
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "audit/audit.h"
#include "audit/digest.h"

namespace pim {

namespace {

EVP_PKEY* Key(void* p) { return static_cast<EVP_PKEY*>(p); }

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads an Ed25519 private key from a PEM file that only its owner may read.
Result<EVP_PKEY*> ReadKey(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Internal(Errno("cannot stat audit key", path));
  if ((st.st_mode & 077) != 0) {
    return FailedPrecondition("audit signing key " + path + " has mode " + OctalMode(st.st_mode) +
                              "; it must be accessible by its owner only (chmod 600)");
  }
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return Internal(Errno("cannot open audit key", path));
  EVP_PKEY* pkey = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (pkey == nullptr) return Internal("audit key " + path + " is not a PEM private key");
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return Internal("audit key " + path + " is not an Ed25519 key");
  }
  return pkey;
}

// Generates a key and publishes it at `path` without ever replacing an existing file: the key
// is written to a private temp file, then hard-linked into place (atomic, fails if present).
Status CreateKey(const std::string& path) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) return Internal("cannot generate an Ed25519 key");
  std::string temp = path + ".XXXXXX";
  int fd = mkstemp(temp.data());  // mode 0600
  if (fd < 0) {
    EVP_PKEY_free(pkey);
    return Internal(Errno("cannot create audit key", temp));
  }
  fchmod(fd, 0600);
  FILE* file = fdopen(fd, "w");
  bool written = file != nullptr &&
                 PEM_write_PrivateKey(file, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  written = written && std::fflush(file) == 0 && fsync(fd) == 0;
  if (file != nullptr) {
    std::fclose(file);
  } else {
    close(fd);
  }
  EVP_PKEY_free(pkey);
  Status status;
  if (!written) {
    status = Internal(Errno("cannot write audit key", temp));
  } else if (link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    status = Internal(Errno("cannot install audit key", path));
  }
  unlink(temp.c_str());
  return status;
}

// Whether `signature_b64` is `key`'s Ed25519 signature of `message`.
bool VerifyWith(EVP_PKEY* key, const std::string& message, const std::string& signature_b64) {
  std::optional<std::string> sig = audit_internal::Base64Decode(signature_b64);
  if (!sig || sig->size() != 64 || key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

Result<AuditPublicKey> AuditPublicKey::FromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = bio != nullptr ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (pkey == nullptr) {
    return InvalidArgument("not a PEM public key (expected '-----BEGIN PUBLIC KEY-----')");
  }
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return InvalidArgument("not an Ed25519 public key");
  }
  AuditPublicKey key;
  key.pkey_ = pkey;
  return key;
}

AuditPublicKey::~AuditPublicKey() { EVP_PKEY_free(Key(pkey_)); }

AuditPublicKey::AuditPublicKey(AuditPublicKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)) {}

AuditPublicKey& AuditPublicKey::operator=(AuditPublicKey&& other) noexcept {
  std::swap(pkey_, other.pkey_);
  return *this;
}

bool AuditPublicKey::Verify(const std::string& message, const std::string& signature_b64) const {
  return VerifyWith(Key(pkey_), message, signature_b64);
}

Result<AuditSigner> AuditSigner::LoadOrCreate(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  if (access(path.c_str(), F_OK) != 0) RETURN_IF_ERROR(CreateKey(path));
  ASSIGN_OR_RETURN(EVP_PKEY * pkey, ReadKey(path));
  AuditSigner signer;
  signer.pkey_ = pkey;
  // libsodium's secret key: the 32-byte seed OpenSSL holds, expanded; kept in guarded memory.
  unsigned char seed[crypto_sign_SEEDBYTES];
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char openssl_public[crypto_sign_PUBLICKEYBYTES];
  size_t seed_size = sizeof seed;
  size_t public_size = sizeof openssl_public;
  signer.secret_ = static_cast<unsigned char*>(sodium_malloc(crypto_sign_SECRETKEYBYTES));
  bool ok = signer.secret_ != nullptr &&
            EVP_PKEY_get_raw_private_key(pkey, seed, &seed_size) == 1 && seed_size == sizeof seed &&
            EVP_PKEY_get_raw_public_key(pkey, openssl_public, &public_size) == 1 &&
            public_size == sizeof openssl_public &&
            crypto_sign_seed_keypair(public_key, signer.secret_, seed) == 0 &&
            sodium_memcmp(public_key, openssl_public, sizeof public_key) == 0;
  sodium_memzero(seed, sizeof seed);
  if (!ok) return Internal("cannot use the audit signing key " + path + " for Ed25519 signing");
  return signer;
}

AuditSigner::~AuditSigner() {
  EVP_PKEY_free(Key(pkey_));
  sodium_free(secret_);  // zeroes it
}

AuditSigner::AuditSigner(AuditSigner&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)), secret_(std::exchange(other.secret_, nullptr)) {}

AuditSigner& AuditSigner::operator=(AuditSigner&& other) noexcept {
  std::swap(pkey_, other.pkey_);
  std::swap(secret_, other.secret_);
  return *this;
}

std::string AuditSigner::Sign(const std::string& message) const {
  unsigned char sig[crypto_sign_BYTES];
  if (secret_ == nullptr ||
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), secret_) != 0) {
    return std::string();  // a moved-from signer; Verify() refuses the empty signature
  }
  return audit_internal::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

void AuditSigner::SignCheckpoint(AuditCheckpoint& checkpoint) const {
  checkpoint.signature =
      Sign(CheckpointMessage(checkpoint.seq, checkpoint.head_hash, checkpoint.time));
}

bool AuditSigner::Verify(const std::string& message, const std::string& signature_b64) const {
  return VerifyWith(Key(pkey_), message, signature_b64);
}

std::string AuditSigner::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (bio != nullptr && pkey_ != nullptr && PEM_write_bio_PUBKEY(bio, Key(pkey_)) == 1) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  return out;
}

std::string CheckpointMessage(int64_t seq, const std::string& head_hash, Timestamp time) {
  return "pim-audit-checkpoint-v1\n" + std::to_string(seq) + "\n" + head_hash + "\n" +
         std::to_string(time.micros());
}

}  // namespace pim
