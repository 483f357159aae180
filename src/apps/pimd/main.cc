// pimd: the pim server. Wiring only: parse the command line, then `pimd init` or serve.
//   pimd init --data DIR [--admin-upn UPN] [--admin-password-file F] [--demo [--demo-url URL]]
//             [--argon2-memory-kib N --argon2-passes N]
//   pimd --data DIR [--listen HOST:PORT] [--tls-cert F --tls-key F] [--insecure-http]
//        [--public-url URL] [--trusted-proxy ADDR[/BITS]]...
//        [--argon2-memory-kib N --argon2-passes N] [--mfa-freshness-seconds N]
//        [--sign-in-source-limit N] [--min-free-mib N]
// Logs go to standard error; standard output carries only the lines of CONTRACT.md "Processes".
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "apps/pimd/commands.h"

namespace {

void AddCommonOptions(CLI::App& app, pim::pimd::CommonOptions& common) {
  app.add_option("--argon2-memory-kib", common.argon2_memory_kib,
                 "argon2id memory cost per password hash, KiB (default 65536)")
      ->check(CLI::Range(uint64_t{8}, uint64_t{4} << 20));
  app.add_option("--argon2-passes", common.argon2_passes, "argon2id passes (default 3)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{64}));
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("pimd"));

  CLI::App app{"pimd: the pim Privileged Identity Management server"};
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  pim::pimd::ServeOptions serve;
  app.add_option("--data", serve.data, "data directory (made by `pimd init`)");
  app.add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve HTTPS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", serve.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_flag("--insecure-http", serve.insecure_http,
               "allow plain HTTP on a non-loopback address");
  app.add_option("--public-url", serve.public_url,
                 "the URL clients reach pimd at, behind a reverse proxy (e.g. "
                 "https://pim.example.org): the base of @odata.nextLink and @odata.context "
                 "instead of the request's Host header");
  app.add_option("--trusted-proxy", serve.trusted_proxies,
                 "an address or network (ADDR[/BITS]) of a reverse proxy whose X-Forwarded-For "
                 "names the client, for audit records and sign-in throttling; repeatable");
  app.add_option("--mfa-freshness-seconds", serve.mfa_freshness_seconds,
                 "how recent MFA must be for activations that require it (default 300)")
      ->check(CLI::PositiveNumber);
  app.add_option("--sign-in-source-limit", serve.sign_in_source_limit,
                 "failed sign-ins from one source address within 15 minutes that block every "
                 "sign-in from it for 15 minutes, break-glass accounts' excepted (default 20; "
                 "0: no limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app.add_option("--min-free-mib", serve.min_free_mib,
                 "refuse changes (503) while the data directory has less free space than this "
                 "(default 128; 0: never)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  AddCommonOptions(app, serve);

  pim::pimd::InitOptions init;
  CLI::App* init_cmd = app.add_subcommand(
      "init", "create the data directory, its keys, the database and the first administrator");
  init_cmd->add_option("--data", init.data, "data directory to create")->required();
  init_cmd->add_option("--admin-upn", init.admin_upn, "the first administrator's UPN")
      ->capture_default_str();
  init_cmd
      ->add_option("--admin-password-file", init.admin_password_file,
                   "file holding the administrator's password (else one is generated)")
      ->check(CLI::ExistingFile);
  init_cmd->add_flag("--demo", init.demo,
                     "also create demo users (credentials in DIR/demo-credentials.txt)");
  init_cmd
      ->add_option("--demo-url", init.demo_url,
                   "the URL pimd will serve, used in the sign-in examples of the demo file")
      ->capture_default_str()
      ->check(
          [](const std::string& url) {
            const bool web = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
            return web && url.find_first_of(" '\"\\\n") == std::string::npos
                       ? std::string()
                       : "expected an http:// or https:// URL without spaces or quotes, got '" +
                             url + "'";
          },
          "URL");
  AddCommonOptions(*init_cmd, init);
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, std::cout, std::cerr);
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (init_cmd->parsed()) return pim::pimd::RunInit(init);
  if (serve.data.empty()) {
    std::cerr << "pimd: --data DIR is required (create one with `pimd init --data DIR`)\n";
    return 1;
  }
  return pim::pimd::RunServe(serve);
}
