// pimd's command-line level checks and the layout of its data directory. Plain functions so
// they are unit-tested without starting anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim::pimd {

// Files in the data directory (DIR/...).
struct DataPaths {
  explicit DataPaths(std::string dir) : dir(std::move(dir)) {}
  std::string dir;
  // `pimd init` builds the database under another name and renames it into place when complete.
  std::string database_file = "pim.db";
  std::string Database() const { return dir + "/" + database_file; }
  std::string AuditKey() const { return dir + "/audit-signing-key.pem"; }
  std::string SecretKey() const { return dir + "/secret.key"; }
  std::string AuditCheckpoint() const { return dir + "/audit-checkpoint"; }
  std::string DemoCredentials() const { return dir + "/demo-credentials.txt"; }
};

struct ListenAddress {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};

// Parses HOST:PORT, [IPV6]:PORT. InvalidArgument naming the problem.
Result<ListenAddress> ParseListen(std::string_view text);
// "http://HOST:PORT" / "https://[V6]:PORT".
std::string ListenUrl(bool tls, const std::string& host, uint16_t port);

// Checks --public-url: an absolute http:// or https:// URL with a host, no user name, query or
// fragment. Returns it without a trailing '/' (a path is kept: a proxy may serve pimd under one).
// InvalidArgument naming the option otherwise.
Result<std::string> ParsePublicUrl(std::string_view text);

// Reads a password file: one trailing newline ("\n" or "\r\n") is ignored; the password must be
// at least 12 characters. InvalidArgument naming the file otherwise.
Result<std::string> ReadPasswordFile(const std::string& path);

}  // namespace pim::pimd
