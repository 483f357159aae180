// XSalsa20-Poly1305 secret boxes with a key file kept outside the database (see crypto.h).
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "auth/crypto.h"

namespace pim {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Internal(what + " " + path + ": " + std::strerror(errno));
}

Result<std::string> ReadKeyFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open key file", path);
  std::string key(crypto_secretbox_KEYBYTES + 1, '\0');
  size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return Errno("cannot read key file", path);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  if (got != crypto_secretbox_KEYBYTES) {
    return Internal("key file " + path + " must hold exactly " +
                    std::to_string(crypto_secretbox_KEYBYTES) + " bytes");
  }
  key.resize(got);
  return key;
}

Status WriteNewKeyFile(const std::string& path, const std::string& key) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return AlreadyExists("key file " + path + " exists");
  if (fd < 0) return Errno("cannot create key file", path);
  size_t put = 0;
  while (put < key.size()) {
    const ssize_t n = write(fd, key.data() + put, key.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      unlink(path.c_str());
      return Errno("cannot write key file", path);
    }
    put += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    close(fd);
    unlink(path.c_str());
    return Errno("cannot sync key file", path);
  }
  close(fd);
  return Status::Ok();
}

}  // namespace

Result<SecretBox> SecretBox::LoadOrCreate(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Errno("cannot stat key file", path);
    std::string key(crypto_secretbox_KEYBYTES, '\0');
    crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key.data()));
    Status created = WriteNewKeyFile(path, key);
    // Another process may have created it first: then its key wins and is loaded below.
    if (created.ok()) return SecretBox(std::move(key));
    if (created.code() != StatusCode::kAlreadyExists) return created;
  }
  ASSIGN_OR_RETURN(std::string key, ReadKeyFile(path));
  return SecretBox(std::move(key));
}

SecretBox SecretBox::FromKey(std::string key) {
  if (key.size() != crypto_secretbox_KEYBYTES) abort();  // a bug in the caller
  return SecretBox(std::move(key));
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return InvalidArgument("sealed box too short");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  const auto* box = nonce + crypto_secretbox_NONCEBYTES;
  const size_t box_len = sealed.size() - crypto_secretbox_NONCEBYTES;
  std::string plain(box_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), box, box_len,
                                 nonce, reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return InvalidArgument("sealed box failed authentication (wrong key or altered data)");
  }
  return plain;
}

}  // namespace pim
