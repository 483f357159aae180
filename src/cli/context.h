// Context: everything a command needs from its surroundings (streams, prompts, clock,
// environment, how to reach the server), injected so commands run unchanged under tests.
// Session: the loaded config file plus an ApiClient that saves refreshed tokens back to it.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "cli/api_client.h"
#include "cli/config.h"
#include "cli/http_transport.h"
#include "cli/prompt.h"
#include "core/clock.h"

namespace pim::cli {

struct Context {
  std::ostream& out;  // results (tables, JSON)
  std::ostream& err;  // diagnostics and prompts
  std::istream& in;   // --password-stdin
  Prompter& prompter;
  const Clock& clock;
  // Value of an environment variable, "" when unset.
  std::function<std::string(const char*)> env;
  // Builds the transport for a server; `cacert` is the configured CA file or "".
  std::function<std::unique_ptr<HttpTransport>(const std::string& cacert)> make_transport;
  std::string config_path;
  bool json = false;  // --json: print the server's JSON instead of tables
};

class Session {
 public:
  // Loads the config file. FailedPrecondition ("run 'pim login'") when there is none or it
  // holds no tokens and `require_login`.
  static Result<std::unique_ptr<Session>> Open(Context& ctx, bool require_login = true);
  // A session for `config` (login); nothing is read from disk.
  Session(Context& ctx, CliConfig config);

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  ApiClient& api() { return *api_; }
  CliConfig& config() { return config_; }
  // Writes the config file (mode 0600).
  Status Save() { return SaveConfig(ctx_.config_path, config_); }

 private:
  // ApiClient::RefreshGuard over the config file: an exclusive lock on "<config>.lock" while
  // refreshing, and the tokens another pim saved since this one loaded the file adopted first.
  Status RefreshExclusively(const std::function<Status(bool adopted)>& refresh);

  Context& ctx_;
  CliConfig config_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<ApiClient> api_;
};

// Pretty enough JSON for scripts and people: one value, serialized, newline-terminated.
void PrintJson(Context& ctx, const json::value& v);

// The OTP given without asking: `flag`, else $PIM_OTP; empty when neither.
std::string OtpInHand(Context& ctx, const std::string& flag);
// An OTP from `flag`, else $PIM_OTP, else a prompt. Error when none can be obtained.
Result<std::string> ObtainOtp(Context& ctx, const std::string& flag, std::string_view why);

// Runs `call`; when it is refused for want of fresh MFA (IsMfaRequired), obtains a code
// (ObtainOtp with `flag` and `why`), refreshes the session's tokens with it and runs `call` once
// more. `before_code`, when given, runs after the refusal and before a code is obtained; its
// error, if any, is returned instead (e.g. the user has no authenticator to take a code from).
Result<json::value> WithMfaStepUp(Context& ctx, Session& session, const std::string& flag,
                                  std::string_view why,
                                  const std::function<Result<json::value>()>& call,
                                  const std::function<Status()>& before_code = {});

}  // namespace pim::cli
