// pim login / logout / mfa enroll / mfa verify.
#include <filesystem>
#include <istream>
#include <ostream>

#include "cli/commands.h"
#include "cli/qr.h"
#include "cli/resolve.h"

namespace pim::cli {
namespace {

constexpr std::string_view kSecondAuthenticator =
    "Registering another authenticator needs a code from the one you have.";

Result<std::string> ObtainPassword(Context& ctx, const LoginOptions& o) {
  if (o.password_stdin) {
    std::string line;
    if (!std::getline(ctx.in, line)) return InvalidArgument("--password-stdin: no input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (std::string env = ctx.env("PIM_PASSWORD"); !env.empty()) return env;
  Result<std::string> pw = ctx.prompter.ReadSecret("Password for " + o.user + ": ");
  if (!pw.ok()) {
    return FailedPrecondition("no password; use --password-stdin or set PIM_PASSWORD");
  }
  return pw;
}

}  // namespace

Status Login(Context& ctx, const LoginOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> previous, Session::Open(ctx, false));
  CliConfig config;
  config.server = o.server.empty() ? previous->config().server : o.server;
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.empty()) return InvalidArgument("no server; pass --server URL");
  if (!config.server.starts_with("http://") && !config.server.starts_with("https://")) {
    return InvalidArgument("--server must start with http:// or https://");
  }
  if (!o.cacert.empty()) {
    std::error_code ec;
    const std::filesystem::path abs = std::filesystem::absolute(o.cacert, ec);
    if (ec || !std::filesystem::exists(abs)) return InvalidArgument("no CA file " + o.cacert);
    config.cacert = abs.string();
  } else if (config.server == previous->config().server) {
    config.cacert = previous->config().cacert;
  }
  if (o.user.empty()) return InvalidArgument("--user UPN is required");
  ASSIGN_OR_RETURN(std::string password, ObtainPassword(ctx, o));
  if (config.server.starts_with("http://") && !IsLoopbackServer(config.server)) {
    // pimd refuses plain HTTP off loopback unless told --insecure-http; say what that costs.
    ctx.err << "pim: warning: " << config.server
            << " is plain HTTP: the password, one-time codes and tokens cross the network "
               "unencrypted; use https://\n";
  }

  Session session(ctx, config);
  FormFields form = {{"grant_type", "password"}, {"username", o.user}, {"password", password}};
  if (!o.otp.empty()) form.emplace_back("otp", o.otp);
  RETURN_IF_ERROR(session.api().RequestToken(form));
  ASSIGN_OR_RETURN(json::value me, session.api().Get("/v1.0/me"));
  session.config().user_id = Str(me, "id");
  session.config().user_principal_name = Str(me, "userPrincipalName");
  RETURN_IF_ERROR(session.Save());
  // The session this config held before is replaced: end it on its server, so that a copy of its
  // refresh token (valid for 14 days) cannot be used. Best effort: the new session is in place.
  const bool ended = !previous->config().signed_in() || previous->api().RevokeSession().ok();
  if (ctx.json) {
    PrintJson(ctx, me);
  } else {
    ctx.out << "Signed in to " << config.server << " as " << session.config().user_principal_name
            << '\n';
  }
  if (!ended) {
    ctx.err << "(The previous session could not be ended on its server; its tokens stay valid "
               "until they expire.)\n";
  }
  return Status::Ok();
}

Status Logout(Context& ctx, bool everywhere) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx, false));
  CliConfig& c = session->config();
  const bool was_signed_in = c.signed_in();
  if (everywhere && was_signed_in) {
    RETURN_IF_ERROR(session->api().Post("/v1.0/me/revokeSignInSessions", json::object()).status());
  }
  // Without --everywhere, this device's session ends on the server too. Its tokens are forgotten
  // here whether or not the server could be told.
  const Status revoked =
      !everywhere && was_signed_in ? session->api().RevokeSession() : Status::Ok();
  c.access_token.clear();
  c.refresh_token.clear();
  c.user_id.clear();
  c.user_principal_name.clear();
  if (!c.server.empty()) RETURN_IF_ERROR(session->Save());
  if (!revoked.ok()) {
    return Status(revoked.code(),
                  "signed out here, but the server could not end the session (" +
                      revoked.message() +
                      "): its tokens stay valid until they expire; to end it, 'pim login' and "
                      "'pim logout --everywhere'");
  }
  if (!ctx.json) {
    ctx.out << (!was_signed_in ? "Not signed in.\n"
                : everywhere   ? "Signed out; every session of yours has ended.\n"
                               : "Signed out.\n");
  }
  return Status::Ok();
}

Status ChangePassword(Context& ctx, bool from_stdin) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  auto read_line = [&](const char* what) -> Result<std::string> {
    std::string line;
    if (!std::getline(ctx.in, line)) {
      return InvalidArgument(std::string("--password-stdin: no ") + what + " password");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  std::string current, next;
  if (from_stdin) {
    ASSIGN_OR_RETURN(current, read_line("current"));
    ASSIGN_OR_RETURN(next, read_line("new"));
  } else {
    current = ctx.env("PIM_PASSWORD");
    if (current.empty()) {
      Result<std::string> typed = ctx.prompter.ReadSecret("Current password: ");
      if (!typed.ok()) {
        return FailedPrecondition("no password; use --password-stdin or set PIM_PASSWORD");
      }
      current = *typed;
    }
    next = ctx.env("PIM_NEW_PASSWORD");
    if (next.empty()) {
      Result<std::string> typed = ctx.prompter.ReadSecret("New password: ");
      Result<std::string> again =
          typed.ok() ? ctx.prompter.ReadSecret("New password again: ") : typed;
      if (!typed.ok() || !again.ok()) {
        return FailedPrecondition("no new password; use --password-stdin or set PIM_NEW_PASSWORD");
      }
      if (*typed != *again) return InvalidArgument("the new passwords do not match");
      next = *typed;
    }
  }
  json::object body{{"currentPassword", current}, {"newPassword", next}};
  RETURN_IF_ERROR(session->api().Post("/v1.0/me/changePassword", body).status());
  if (!ctx.json) ctx.out << "Password changed; every other session of yours has ended.\n";
  return Status::Ok();
}

Status MfaEnroll(Context& ctx, const MfaEnrollOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ASSIGN_OR_RETURN(json::value method,
                   WithMfaStepUp(ctx, *session, o.otp, kSecondAuthenticator, [&] {
                     return session->api().Post(kOathMethods, json::object());
                   }));
  const std::string id = Str(method, "id");
  if (id.empty()) return Status(StatusCode::kUnavailable, "server sent no method id");
  if (ctx.json) {
    PrintJson(ctx, method);
  } else {
    const std::string uri = Str(method, "otpauthUri");
    ctx.out << "Scan this QR code with your authenticator app, or enter the secret by hand.\n";
    if (Result<std::string> qr = RenderQr(uri); qr.ok()) ctx.out << '\n' << *qr << '\n';
    ctx.out << "Secret: " << Str(method, "secretKey") << '\n';
    ctx.out << "URI:    " << uri << '\n';
    ctx.out << "Method: " << id << '\n';
  }
  if (o.no_verify) {
    if (!ctx.json) ctx.out << "Complete enrollment with: pim mfa verify " << id << " --code CODE\n";
    return Status::Ok();
  }
  std::string code = o.code;
  if (code.empty()) {
    ctx.out << std::flush;
    Result<std::string> entered = ctx.prompter.ReadLine("Code shown by the app: ");
    if (!entered.ok()) {
      return FailedPrecondition("no code; run 'pim mfa verify " + id + " --code CODE'");
    }
    code = *entered;
  }
  return MfaVerify(ctx, id, code, o.otp);
}

Status MfaVerify(Context& ctx, const std::string& method_id, const std::string& code,
                 const std::string& otp) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  json::object body;
  body["code"] = code;
  const std::string path = std::string(kOathMethods) + "/" + PathSegment(method_id) + "/verify";
  RETURN_IF_ERROR(WithMfaStepUp(ctx, *session, otp, kSecondAuthenticator, [&] {
                    return session->api().Post(path, body);
                  }).status());
  if (!ctx.json) ctx.out << "MFA enrolled: authenticator codes are now accepted.\n";
  return Status::Ok();
}

}  // namespace pim::cli
