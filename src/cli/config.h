// The client's session file: server URL, CA file, tokens and the signed-in user.
//
// Location: $PIM_CONFIG, else $XDG_CONFIG_HOME/pim/config.json, else ~/.config/pim/config.json.
// The file holds bearer tokens, so it is written mode 0600 (directories it creates are 0700),
// atomically (temporary file + rename).
#pragma once

#include <string>

#include "core/status.h"

namespace pim::cli {

struct CliConfig {
  std::string server;  // base URL, e.g. "https://pim.example.com:8443" (no trailing slash)
  std::string cacert;  // PEM file of a private CA; empty = system trust store
  std::string access_token;
  std::string refresh_token;
  std::string user_id;
  std::string user_principal_name;
  // When the session last proved MFA (the token endpoint's mfa_time), ISO 8601; empty: never.
  std::string mfa_time;
  // Set by LoadConfig when the file could be read by others: it tightens the file to 0600 and
  // leaves the warning (the tokens may have been read) to the caller.
  bool was_exposed = false;

  bool signed_in() const { return !access_token.empty(); }
};

// Chooses the config path from the environment values (nullptr or "" = unset). Empty result when
// none of them is set.
std::string ResolveConfigPath(const char* pim_config, const char* xdg_config_home,
                              const char* home);

// NotFound when the file does not exist; InvalidArgument when it is not a config file.
Result<CliConfig> LoadConfig(const std::string& path);

// Writes `config` to `path` (mode 0600), creating missing parent directories (mode 0700).
Status SaveConfig(const std::string& path, const CliConfig& config);

}  // namespace pim::cli
