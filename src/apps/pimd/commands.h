// pimd's two commands. main.cc parses the command line into these options and calls one.
// Both log to standard error (spdlog) and reserve standard output for the lines CONTRACT.md
// ("Processes") defines. They return the process exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pim::pimd {

struct CommonOptions {
  std::string data;                // data directory
  uint64_t argon2_memory_kib = 0;  // 0: engine default (64 MiB)
  uint64_t argon2_passes = 0;      // 0: engine default (3)
};

struct InitOptions : CommonOptions {
  std::string admin_upn = "admin@pim.local";
  std::string admin_password_file;  // empty: generate and print the password
  bool demo = false;
  std::string demo_url = "http://127.0.0.1:8080";  // where pimd will listen, for the examples
};

struct ServeOptions : CommonOptions {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert;
  std::string tls_key;
  bool insecure_http = false;
  std::string public_url;  // the base of the links pimd writes; empty: from each request's Host
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For names the client
  int64_t mfa_freshness_seconds = 0;         // 0: engine default (300)
  int64_t sign_in_source_limit = -1;         // -1: engine default (20); 0: no limit
  int64_t min_free_mib = 128;  // below this much free space, changes are refused (0: off)
};

// `pimd init`: creates DIR (0700), its keys and database and the first administrator; prints
// "admin: UPN" and, when generated, "password: ...". Refuses (exit 1, changing nothing) when
// DIR/pim.db exists.
int RunInit(const InitOptions& options);

// `pimd`: serves DIR's database until SIGTERM/SIGINT, then stops gracefully and exits 0. Prints
// "listening on http(s)://HOST:PORT" (flushed) as its first line of standard output.
int RunServe(const ServeOptions& options);

}  // namespace pim::pimd
