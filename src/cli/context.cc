#include "cli/context.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>

namespace pim::cli {

Result<std::unique_ptr<Session>> Session::Open(Context& ctx, bool require_login) {
  Result<CliConfig> config = LoadConfig(ctx.config_path);
  if (!config.ok() && config.status().code() != StatusCode::kNotFound) return config.status();
  if (config.ok() && config->was_exposed) {
    ctx.err << "pim: warning: " << ctx.config_path
            << " was readable by other users; it is now mode 600. Its tokens may have been "
               "read: end them with 'pim logout --everywhere'.\n";
  }
  if (require_login && (!config.ok() || !config->signed_in())) {
    return FailedPrecondition("not signed in; run 'pim login --server URL --user UPN'");
  }
  return std::make_unique<Session>(ctx, config.ok() ? *config : CliConfig{});
}

Session::Session(Context& ctx, CliConfig config)
    : ctx_(ctx),
      config_(std::move(config)),
      transport_(ctx.make_transport(config_.cacert)),
      api_(std::make_unique<ApiClient>(
          *transport_, config_, [this] { return Save(); },
          [this](const std::function<Status(bool)>& refresh) {
            return RefreshExclusively(refresh);
          })) {}

Status Session::RefreshExclusively(const std::function<Status(bool adopted)>& refresh) {
  if (ctx_.config_path.empty()) return refresh(false);
  const std::string lock_path = ctx_.config_path + ".lock";
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return refresh(false);  // e.g. a read-only directory: no other pim can save either
  while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  bool adopted = false;
  Result<CliConfig> saved = LoadConfig(ctx_.config_path);
  if (saved.ok() && saved->server == config_.server && !saved->refresh_token.empty() &&
      saved->refresh_token != config_.refresh_token) {
    config_.access_token = saved->access_token;
    config_.refresh_token = saved->refresh_token;
    adopted = true;
  }
  Status st = refresh(adopted);
  close(fd);  // releases the lock
  return st;
}

void PrintJson(Context& ctx, const json::value& v) { ctx.out << json::serialize(v) << '\n'; }

std::string OtpInHand(Context& ctx, const std::string& flag) {
  return flag.empty() ? ctx.env("PIM_OTP") : flag;
}

Result<std::string> ObtainOtp(Context& ctx, const std::string& flag, std::string_view why) {
  if (std::string code = OtpInHand(ctx, flag); !code.empty()) return code;
  // The reason is part of the prompt: shown on a terminal, and not printed before the error when
  // there is no one to answer (the error says it again).
  Result<std::string> code = ctx.prompter.ReadLine(std::string(why) + "\nAuthenticator code: ");
  if (!code.ok()) {
    std::string message(why);
    if (!message.empty() && message.back() == '.') message.pop_back();
    return FailedPrecondition(message + ": pass --otp CODE or set PIM_OTP");
  }
  if (code->empty()) return InvalidArgument("no code entered");
  return code;
}

Result<json::value> WithMfaStepUp(Context& ctx, Session& session, const std::string& flag,
                                  std::string_view why,
                                  const std::function<Result<json::value>()>& call,
                                  const std::function<Status()>& before_code) {
  Result<json::value> result = call();
  if (result.ok() || !IsMfaRequired(result.status())) return result;
  if (before_code) RETURN_IF_ERROR(before_code());
  ASSIGN_OR_RETURN(std::string code, ObtainOtp(ctx, flag, why));
  RETURN_IF_ERROR(session.api().RefreshWithOtp(code));
  return call();
}

}  // namespace pim::cli
