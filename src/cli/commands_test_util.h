// Test fixture for command tests: runs the real command code (cli::Run) against a scripted fake
// server, a scripted prompter, a FakeClock and a config file in a temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "cli/cli.h"
#include "cli/json_util.h"
#include "core/temp_dir_testing.h"

namespace pim::cli {

inline constexpr char kGlobalAdmin[] = "62e90394-69f5-4237-9190-012177145e10";
inline constexpr char kAlice[] = "00000000-0000-4000-8000-00000000000a";

struct Exchange {
  std::string method;
  std::string path;  // expected URL without the server prefix
  int status;
  std::string body;
  std::function<void()> then;  // runs after the answer is made (another process acting, say)
};

// Answers requests from a script, in order, and records what was sent.
class ScriptedServer {
 public:
  void Expect(std::string method, std::string path, int status, std::string body,
              std::function<void()> then = {}) {
    script_.push_back(
        {std::move(method), std::move(path), status, std::move(body), std::move(then)});
  }
  Result<HttpResponse> Send(const HttpRequest& r) {
    sent_.push_back(r);
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected " << r.method << " " << r.url;
      return HttpResponse{500, "{}", ""};
    }
    Exchange e = script_.front();
    script_.pop_front();
    EXPECT_EQ(r.method, e.method);
    EXPECT_EQ(r.url, "http://pim.test" + e.path);
    if (e.then) e.then();
    return HttpResponse{e.status, e.body, ""};
  }
  bool done() const { return script_.empty(); }
  const std::vector<HttpRequest>& sent() const { return sent_; }

 private:
  std::deque<Exchange> script_;
  std::vector<HttpRequest> sent_;
};

class ForwardingTransport final : public HttpTransport {
 public:
  explicit ForwardingTransport(ScriptedServer& s) : server_(s) {}
  Result<HttpResponse> Send(const HttpRequest& r) override { return server_.Send(r); }

 private:
  ScriptedServer& server_;
};

class ScriptedPrompter final : public Prompter {
 public:
  std::deque<std::string> answers;
  std::vector<std::string> asked;
  Result<std::string> ReadLine(std::string_view prompt) override { return Answer(prompt); }
  Result<std::string> ReadSecret(std::string_view prompt) override { return Answer(prompt); }

 private:
  Result<std::string> Answer(std::string_view prompt) {
    asked.emplace_back(prompt);
    if (answers.empty()) return FailedPrecondition("no input");
    std::string a = answers.front();
    answers.pop_front();
    return a;
  }
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { config_path_ = dir_ + "/pim/config.json"; }
  void TearDown() override {
    EXPECT_TRUE(server_.done()) << "the command skipped scripted requests";
  }

  void SignIn(std::string server = "http://pim.test") {
    CliConfig c;
    c.server = std::move(server);
    c.access_token = "at1";
    c.refresh_token = "rt1";
    c.user_id = kAlice;
    c.user_principal_name = "alice@pim.local";
    ASSERT_TRUE(SaveConfig(config_path_, c).ok());
  }

  int Pim(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    Context ctx{.out = out_,
                .err = err_,
                .in = in_,
                .prompter = prompter_,
                .clock = clock_,
                .env =
                    [this](const char* name) {
                      auto it = env_.find(name);
                      return it == env_.end() ? std::string() : it->second;
                    },
                .make_transport = [this](const std::string&) -> std::unique_ptr<HttpTransport> {
                  return std::make_unique<ForwardingTransport>(server_);
                },
                .config_path = config_path_};
    return cli::Run(args, ctx);
  }

  void ExpectRoleDefinitions() {
    server_.Expect("GET", "/v1.0/roleManagement/directory/roleDefinitions", 200,
                   std::string(R"({"value":[{"id":")") + kGlobalAdmin +
                       R"(","displayName":"Global Administrator"},)"
                       R"({"id":"729827e3-9c14-49f7-bb1b-9608f156bbb8",)"
                       R"("displayName":"Helpdesk Administrator"}]})");
  }

  // GET of the signed-in user's authenticators, answered with `methods` (a JSON array).
  void ExpectAuthenticators(const std::string& methods) {
    server_.Expect("GET", "/v1.0/me/authentication/softwareOathMethods", 200,
                   R"({"value":)" + methods + "}");
  }

  json::value SentJson(size_t i) { return *ParseJson(server_.sent().at(i).body); }

  TempDir temp_{"pim-cli-commands"};
  std::string dir_ = temp_.path();
  std::string config_path_;
  ScriptedServer server_;
  ScriptedPrompter prompter_;
  FakeClock clock_{Timestamp::FromSeconds(1795651200)};  // 2026-11-26T00:00:00Z
  std::map<std::string, std::string> env_;
  std::stringstream in_, out_, err_;
};

}  // namespace pim::cli
