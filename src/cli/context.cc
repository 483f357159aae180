#include "cli/context.h"

#include <ostream>

namespace pim::cli {

Result<std::unique_ptr<Session>> Session::Open(Context& ctx, bool require_login) {
  Result<CliConfig> config = LoadConfig(ctx.config_path);
  if (!config.ok() && config.status().code() != StatusCode::kNotFound) return config.status();
  if (require_login && (!config.ok() || !config->signed_in())) {
    return FailedPrecondition("not signed in; run 'pim login --server URL --user UPN'");
  }
  return std::make_unique<Session>(ctx, config.ok() ? *config : CliConfig{});
}

Session::Session(Context& ctx, CliConfig config)
    : ctx_(ctx),
      config_(std::move(config)),
      transport_(ctx.make_transport(config_.cacert)),
      api_(std::make_unique<ApiClient>(*transport_, config_, [this] { return Save(); })) {}

void PrintJson(Context& ctx, const json::value& v) { ctx.out << json::serialize(v) << '\n'; }

Result<std::string> ObtainOtp(Context& ctx, const std::string& flag, std::string_view why) {
  if (!flag.empty()) return flag;
  if (std::string env = ctx.env("PIM_OTP"); !env.empty()) return env;
  ctx.err << why << '\n';
  Result<std::string> code = ctx.prompter.ReadLine("Authenticator code: ");
  if (!code.ok()) {
    std::string message(why);
    if (!message.empty() && message.back() == '.') message.pop_back();
    return FailedPrecondition(message + ": pass --otp CODE or set PIM_OTP");
  }
  if (code->empty()) return InvalidArgument("no code entered");
  return code;
}

}  // namespace pim::cli
