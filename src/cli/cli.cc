// Command-line grammar (CLI11) of `pim`, mapped onto the functions of commands.h.
#include "cli/cli.h"

#include <curl/curl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "cli/commands.h"

namespace pim::cli {
namespace {

using Action = std::function<Status()>;

// Registers `sub` so that, when it is the command given, `action` is what runs.
void On(CLI::App* sub, Action& chosen, Action action) {
  sub->callback([&chosen, action = std::move(action)] { chosen = action; });
}

struct Options {
  LoginOptions login;
  bool everywhere = false;  // logout --everywhere
  MfaEnrollOptions enroll;
  std::string method_id, code;
  ActivateOptions activate, extend;
  std::string role, scope = "/", justification, id, reason;
  AssignOptions assign;
  bool eligible = false;
  PolicySetOptions policy;
  int top = 50;
  std::string filter, output, config;
  AuditVerifyOptions verify;
  bool sealed = false;  // audit export --sealed
};

void AddTicketOptions(CLI::App* sub, std::string& ticket, std::string& system) {
  sub->add_option("--ticket", ticket, "Ticket number, when the role's policy asks for one");
  sub->add_option("--ticket-system", system, "Ticket system (e.g. Jira)");
}

void AddAssignOptions(CLI::App* sub, Options& o) {
  sub->add_option("USER", o.assign.user, "User principal name or object id")->required();
  sub->add_option("ROLE", o.assign.role, "Role display name or id")->required();
  sub->add_option("--scope", o.assign.scope, "Directory scope")->capture_default_str();
  auto* active = sub->add_flag("--active", o.assign.active, "An active assignment");
  auto* eligible = sub->add_flag("--eligible", o.eligible, "An eligible assignment (default)");
  active->excludes(eligible);
  sub->add_option("--justification", o.assign.justification, "Reason, kept in the audit log");
  sub->add_option("--otp", o.assign.otp, "Authenticator code, if MFA is required");
}

void Build(CLI::App& app, Context& ctx, Options& o, Action& chosen) {
  app.require_subcommand(1);
  app.fallthrough();
  app.add_flag("--json", ctx.json, "Print the server's JSON instead of tables");
  app.add_option("--config", o.config,
                 "Config file (default $PIM_CONFIG, else $XDG_CONFIG_HOME/pim/config.json, else "
                 "~/.config/pim/config.json)");

  auto* login = app.add_subcommand("login", "Sign in and store tokens in the config file");
  login->add_option("--server", o.login.server, "Server URL, e.g. https://pim.example.com");
  login->add_option("--user", o.login.user, "User principal name")->required();
  login->add_flag("--password-stdin", o.login.password_stdin, "Read the password from stdin");
  login->add_option("--otp", o.login.otp, "Authenticator code (proves MFA now)");
  login->add_option("--cacert", o.login.cacert, "PEM file of the CA that signed the server");
  On(login, chosen, [&] { return Login(ctx, o.login); });
  auto* logout =
      app.add_subcommand("logout", "End this session on the server and forget its tokens");
  logout->add_flag("--everywhere", o.everywhere,
                   "First end every session of yours on the server (all devices)");
  On(logout, chosen, [&] { return Logout(ctx, o.everywhere); });

  auto* passwd =
      app.add_subcommand("passwd", "Change your password (every other session of yours ends)");
  passwd->add_flag("--password-stdin", o.login.password_stdin,
                   "Read the current and the new password from stdin, one line each");
  On(passwd, chosen, [&] { return ChangePassword(ctx, o.login.password_stdin); });

  auto* mfa = app.add_subcommand("mfa", "Authenticator app (TOTP) enrollment");
  mfa->require_subcommand(1);
  auto* enroll = mfa->add_subcommand("enroll", "Enroll an authenticator app");
  enroll->add_option("--code", o.enroll.code, "Code from the app (otherwise prompted)");
  enroll->add_flag("--no-verify", o.enroll.no_verify, "Only create it; verify with 'mfa verify'");
  enroll->add_option("--otp", o.enroll.otp,
                     "Code of an authenticator you already have, if one is verified");
  On(enroll, chosen, [&] { return MfaEnroll(ctx, o.enroll); });
  auto* verify = mfa->add_subcommand("verify", "Complete an enrollment with a code");
  verify->add_option("METHOD", o.method_id, "Method id printed by 'mfa enroll'")->required();
  verify->add_option("--code", o.code, "Code from the app")->required();
  verify->add_option("--otp", o.enroll.otp,
                     "Code of an authenticator you already have, if one is verified");
  On(verify, chosen, [&] { return MfaVerify(ctx, o.method_id, o.code, o.enroll.otp); });

  On(app.add_subcommand("roles", "Your eligible and active roles"), chosen,
     [&] { return Roles(ctx); });
  On(app.add_subcommand("requests", "Your activation requests"), chosen,
     [&] { return Requests(ctx); });

  for (auto [name, opts, verb] : {std::tuple{"activate", &o.activate, "Activate an eligible role"},
                                  std::tuple{"extend", &o.extend, "Extend an active role"}}) {
    auto* sub = app.add_subcommand(name, verb);
    sub->add_option("ROLE", opts->role, "Role display name or id")->required();
    sub->add_option("--scope", opts->scope, "Directory scope")->capture_default_str();
    sub->add_option("--duration", opts->duration, "PT1H, 1h, 90m, 1h30m ...")->required();
    sub->add_option("--justification", opts->justification, "Why you need the role");
    AddTicketOptions(sub, opts->ticket, opts->ticket_system);
    sub->add_option("--otp", opts->otp, "Authenticator code, if the role requires MFA");
    const bool is_activate = opts == &o.activate;
    On(sub, chosen, [&ctx, opts, is_activate] {
      return is_activate ? Activate(ctx, *opts) : Extend(ctx, *opts);
    });
  }
  auto* deactivate = app.add_subcommand("deactivate", "Give up an active role now");
  deactivate->add_option("ROLE", o.role, "Role display name or id")->required();
  deactivate->add_option("--scope", o.scope, "Directory scope")->capture_default_str();
  deactivate->add_option("--justification", o.justification, "Reason");
  On(deactivate, chosen, [&] { return Deactivate(ctx, o.role, o.scope, o.justification); });

  auto* cancel = app.add_subcommand(
      "cancel", "Withdraw a request waiting for approval, or a scheduled activation");
  cancel->add_option("ID", o.id, "Request id (see 'pim requests')")->required();
  On(cancel, chosen, [&] { return Cancel(ctx, o.id); });

  On(app.add_subcommand("approvals", "Requests waiting for your approval"), chosen,
     [&] { return Approvals(ctx); });
  for (bool approve : {true, false}) {
    auto* sub = app.add_subcommand(approve ? "approve" : "deny",
                                   approve ? "Approve a request" : "Deny a request");
    sub->add_option("ID", o.id, "Request id or approval id")->required();
    sub->add_option("--reason", o.reason, "Justification of your decision")->required();
    On(sub, chosen, [&ctx, &o, approve] { return Review(ctx, o.id, approve, o.reason); });
  }

  auto* admin = app.add_subcommand("admin", "Administration: assignments and policies");
  admin->require_subcommand(1);
  auto* assign = admin->add_subcommand("assign", "Make a user eligible for (or assign) a role");
  AddAssignOptions(assign, o);
  assign->add_option("--duration", o.assign.duration, "P90D, 30d, ...");
  assign->add_flag("--permanent", o.assign.permanent, "No expiration");
  AddTicketOptions(assign, o.assign.ticket, o.assign.ticket_system);
  On(assign, chosen, [&] { return AdminAssign(ctx, o.assign); });
  auto* remove = admin->add_subcommand("remove", "Remove an eligibility (or assignment)");
  AddAssignOptions(remove, o);
  On(remove, chosen, [&] { return AdminRemove(ctx, o.assign); });

  auto* policy = admin->add_subcommand("policy", "A role's activation policy");
  policy->require_subcommand(1);
  auto* show = policy->add_subcommand("show", "Print the policy rules");
  show->add_option("ROLE", o.role, "Role display name or id")->required();
  On(show, chosen, [&] { return PolicyShow(ctx, o.role); });
  auto* set = policy->add_subcommand("set", "Change activation rules");
  set->add_option("ROLE", o.policy.role, "Role display name or id")->required();
  set->add_option("--max-duration", o.policy.max_duration, "Longest activation (PT4H, 4h)");
  set->add_option("--require", o.policy.require, "mfa,justification,ticket or none")
      ->delimiter(',');
  set->add_option("--approval", o.policy.approval, "on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set->add_option("--approver", o.policy.approvers, "Approver UPN (repeatable)")->delimiter(',');
  On(set, chosen, [&] { return PolicySet(ctx, o.policy); });

  auto* audit = app.add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);
  auto* list = audit->add_subcommand("list", "Recent audit records, newest first");
  list->add_option("--top", o.top, "How many records (1-999)")->capture_default_str();
  list->add_option("--filter", o.filter, "OData $filter, e.g. category eq 'RoleManagement'");
  On(list, chosen, [&] { return AuditList(ctx, o.top, o.filter); });
  auto* audit_verify =
      audit->add_subcommand("verify", "Check the hash chain and signed checkpoints");
  audit_verify->add_option(
      "--checkpoint", o.verify.checkpoint_files,
      "File of checkpoints kept off the host ('pim audit checkpoint' output, or "
      "a copy of pimd's checkpoint file); repeatable");
  auto* offline = audit_verify->add_option(
      "--offline", o.verify.offline_file,
      "Check this sealed export ('pim audit export --sealed') here, without the server");
  auto* key = audit_verify->add_option("--public-key", o.verify.public_key_file,
                                       "The checkpoints' public key ('pim audit public-key')");
  offline->needs(key);
  key->needs(offline);
  On(audit_verify, chosen, [&] { return AuditVerify(ctx, o.verify); });
  auto* checkpoint = audit->add_subcommand(
      "checkpoint", "The newest signed checkpoint, to keep off the host for 'verify --checkpoint'");
  checkpoint->add_option("--output", o.output, "File to append it to (default standard output)");
  On(checkpoint, chosen, [&] { return AuditCheckpoint(ctx, o.output); });
  auto* public_key = audit->add_subcommand(
      "public-key", "The key that signs the checkpoints (PEM), to keep for 'verify --offline'");
  public_key->add_option("--output", o.output, "File to write (default standard output)");
  On(public_key, chosen, [&] { return AuditPublicKey(ctx, o.output); });
  auto* exp = audit->add_subcommand("export", "All records as JSON lines");
  exp->add_option("--output", o.output, "File to write (default standard output)");
  exp->add_flag("--sealed", o.sealed,
                "The records as hashed, oldest first, for 'verify --offline' (default: as "
                "directoryAudits, newest first)");
  On(exp, chosen, [&] { return AuditExport(ctx, o.output, o.sealed); });
}

// "pim admin policy set": the deepest subcommand parsed so far, whose help describes the
// options an error is about.
std::string CommandPath(const CLI::App& app) {
  const CLI::App* deepest = &app;
  while (!deepest->get_subcommands().empty()) deepest = deepest->get_subcommands().front();
  std::string path;
  for (const CLI::App* a = deepest; a != nullptr; a = a->get_parent()) {
    path = a->get_name() + (path.empty() ? "" : " " + path);
  }
  return path;
}

}  // namespace

int Run(const std::vector<std::string>& args, Context& ctx) {
  try {
    CLI::App app{"pim: just-in-time privileged roles from the command line", "pim"};
    Options options;
    Action chosen;
    Build(app, ctx, options, chosen);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
      app.parse(reversed);  // CLI11 takes the arguments in reverse order
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e, ctx.out, ctx.err);  // --help
      ctx.err << "pim: " << e.what() << " (see '" << CommandPath(app) << " --help')\n";
      return 2;
    }
    if (!options.config.empty()) ctx.config_path = options.config;
    if (!chosen) {
      ctx.err << "pim: no command given (see 'pim --help')\n";
      return 2;
    }
    if (ctx.config_path.empty()) {
      ctx.err << "pim: no config file location; set PIM_CONFIG or HOME\n";
      return 1;
    }
    Status st = chosen();
    if (!st.ok()) {
      ctx.out.flush();
      ctx.err << "pim: " << st.message() << '\n';
      return 1;
    }
    // Output that could not be written (a full disk, a closed pipe) is a failure: a script
    // reading 'pim --json ... > file' must not take an exit code of 0 for a result.
    if (!ctx.out.flush()) {
      ctx.err << "pim: cannot write the output to standard output\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    ctx.err << "pim: internal error: " << e.what() << '\n';
    return 1;
  }
}

int Main(int argc, char** argv) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::cerr << "pim: libcurl failed to initialise\n";
    return 1;
  }
  SystemClock clock;
  TerminalPrompter prompter(std::cin, std::cerr, isatty(STDIN_FILENO) != 0);
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  Context ctx{.out = std::cout,
              .err = std::cerr,
              .in = std::cin,
              .prompter = prompter,
              .clock = clock,
              .env = env,
              .make_transport = [](const std::string& cacert) -> std::unique_ptr<HttpTransport> {
                return std::make_unique<CurlTransport>(cacert);
              },
              .config_path = ResolveConfigPath(
                  std::getenv("PIM_CONFIG"), std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"))};
  std::vector<std::string> args(argv + 1, argv + argc);
  const int rc = Run(args, ctx);
  curl_global_cleanup();
  return rc;
}

}  // namespace pim::cli
