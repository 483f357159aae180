// Unit tests of the client's pure helpers and its config file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/api_client.h"
#include "cli/config.h"
#include "cli/format.h"
#include "cli/prompt.h"
#include "cli/qr.h"
#include "core/temp_dir_testing.h"

namespace pim::cli {
namespace {

TEST(ParseDurationArgTest, Shorthands) {
  EXPECT_EQ(*ParseDurationArg("1h"), "PT1H");
  EXPECT_EQ(*ParseDurationArg("90m"), "PT1H30M");
  EXPECT_EQ(*ParseDurationArg("1h30m"), "PT1H30M");
  EXPECT_EQ(*ParseDurationArg("45s"), "PT45S");
  EXPECT_EQ(*ParseDurationArg("2d"), "P2D");
  EXPECT_EQ(*ParseDurationArg("1w"), "P7D");
  EXPECT_EQ(*ParseDurationArg("1D2H"), "P1DT2H");
  EXPECT_EQ(*ParseDurationArg(" 8h "), "PT8H");
}

TEST(ParseDurationArgTest, IsoIsCanonicalised) {
  EXPECT_EQ(*ParseDurationArg("PT1H"), "PT1H");
  EXPECT_EQ(*ParseDurationArg("PT90M"), "PT1H30M");
  EXPECT_EQ(*ParseDurationArg("pt2h"), "PT2H");
  EXPECT_EQ(*ParseDurationArg("P90D"), "P90D");
}

TEST(ParseDurationArgTest, RefusesNonsense) {
  for (const char* bad :
       {"", "h", "1", "1x", "1h30", "-1h", "0m", "PT0S", "P1M", "1.5h", "1234567890h", "PT",
        // Past what a Duration holds (microseconds in 64 bits, about 292,000 years): refused,
        // not silently clamped to another duration.
        "999999999w", "99999999w1d", "999999999d999999999d999999999d999999999d"}) {
    Result<std::string> r = ParseDurationArg(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' -> " << (r.ok() ? *r : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(FormatTimeLeftTest, Units) {
  const Timestamp now = Timestamp::FromSeconds(1795651200);
  EXPECT_EQ(FormatTimeLeft(now + Duration::Minutes(83), now), "1h 23m");
  EXPECT_EQ(FormatTimeLeft(now + Duration::Hours(1), now), "1h 0m");
  EXPECT_EQ(FormatTimeLeft(now + Duration::Minutes(5) + Duration::Seconds(59), now), "5m");
  EXPECT_EQ(FormatTimeLeft(now + Duration::Seconds(42), now), "42s");
  EXPECT_EQ(
      FormatTimeLeft(now + Duration::Days(2) + Duration::Hours(3) + Duration::Minutes(1), now),
      "2d 3h");
  EXPECT_EQ(FormatTimeLeft(now, now), "expired");
  EXPECT_EQ(FormatTimeLeft(now - Duration::Seconds(1), now), "expired");
  EXPECT_EQ(FormatTimeLeft(Timestamp::Max(), now), "permanent");
}

TEST(RenderTableTest, AlignsColumnsAndPadsShortRows) {
  const std::string table =
      RenderTable({"ROLE", "SCOPE", "LEFT"}, {{"Global Administrator", "/", "1h 0m"},
                                              {"Helpdesk Administrator", "/units/emea"},
                                              {"Rôle", "/", "permanent"}});
  EXPECT_EQ(table,
            "ROLE                    SCOPE        LEFT\n"
            "Global Administrator    /            1h 0m\n"
            "Helpdesk Administrator  /units/emea\n"
            "Rôle                    /            permanent\n");
}

TEST(RenderTableTest, HeaderOnly) { EXPECT_EQ(RenderTable({"A", "B"}, {}), "A  B\n"); }

// A requester writes the justification an approver's table shows: a newline must not make a row
// of its own, nor an escape sequence reach the approver's terminal (clear it, retitle it, move
// the cursor over the real role name).
TEST(RenderTableTest, ControlCharactersAreShownEscapedNotSentToTheTerminal) {
  const std::string table =
      RenderTable({"ROLE", "JUSTIFICATION", "TICKET"},
                  {{"Global Administrator", "ok\nFAKE  Approved\x1b[2J\x1b]0;t\x07", "T\t1"},
                   {"Reader",
                    "\xc2\x9b"
                    "1A \xe2\x80\xae"
                    "dlrow",
                    "\x7f"}});
  EXPECT_EQ(table,
            "ROLE                  JUSTIFICATION                          TICKET\n"
            "Global Administrator  ok\\nFAKE  Approved\\x1b[2J\\x1b]0;t\\x07  T\\t1\n"
            "Reader                \\u009b1A \\u202edlrow                   \\x7f\n");
}

// Columns are measured in terminal cells: East Asian wide characters take two, combining marks
// none.
TEST(RenderTableTest, WideAndCombiningCharactersKeepColumnsAligned) {
  const std::string table = RenderTable(
      {"ROLE", "SCOPE"},
      {{"管理者ロール", "/"}, {"Cafe\xcc\x81 Admin", "/"}, {"Global Administrator", "/"}});
  EXPECT_EQ(table,
            "ROLE                  SCOPE\n"
            "管理者ロール          /\n"
            "Cafe\xcc\x81 Admin            /\n"
            "Global Administrator  /\n");
}

TEST(FormatErrorBodyTest, GraphErrors) {
  EXPECT_EQ(FormatErrorBody(400, R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",
      "message":"The following policy rules failed: [\"JustificationRule\"]",
      "innerError":{"code":"MfaRequired"}}})"),
            "RoleAssignmentRequestPolicyValidationFailed: The following policy rules failed: "
            "[\"JustificationRule\"]");
  EXPECT_EQ(FormatErrorBody(404, R"({"error":{"code":"NotFound","message":""}})"), "NotFound");
}

TEST(FormatErrorBodyTest, OAuthErrors) {
  EXPECT_EQ(FormatErrorBody(400, R"({"error":"invalid_grant","error_description":"bad password"})"),
            "invalid_grant: bad password");
  EXPECT_EQ(FormatErrorBody(400, R"({"error":"unsupported_grant_type"})"),
            "unsupported_grant_type");
}

TEST(FormatErrorBodyTest, NonJsonBodies) {
  EXPECT_EQ(FormatErrorBody(502, "<html>Bad Gateway</html>\nmore"),
            "HTTP 502: <html>Bad Gateway</html>");
  EXPECT_EQ(FormatErrorBody(503, ""), "HTTP 503");
  EXPECT_EQ(FormatErrorBody(500, R"({"something":"else"})"), R"(HTTP 500: {"something":"else"})");
}

TEST(QueryTest, EncodesValuesKeepsODataKeys) {
  EXPECT_EQ(WithQuery("/v1.0/x", {{"$filter", "scopeId eq '/' and a+b=c&d"}, {"$top", "5"}}),
            "/v1.0/x?$filter=scopeId%20eq%20'/'%20and%20a%2Bb%3Dc%26d&$top=5");
  EXPECT_EQ(WithQuery("/v1.0/x?$top=1", {{"$skiptoken", "abc"}}), "/v1.0/x?$top=1&$skiptoken=abc");
  EXPECT_EQ(FormEncode({{"grant_type", "password"}, {"password", "p@ss w+rd&="}}),
            "grant_type=password&password=p%40ss%20w%2Brd%26%3D");
}

TEST(IsMfaRequiredTest, ReadsInnerErrorCode) {
  EXPECT_TRUE(IsMfaRequired(Status(StatusCode::kInvalidArgument, "x",
                                   "RoleAssignmentRequestPolicyValidationFailed",
                                   R"({"code":"MfaRequired","failedRules":["MfaRule"]})")));
  EXPECT_FALSE(IsMfaRequired(Status(StatusCode::kInvalidArgument, "x",
                                    "RoleAssignmentRequestPolicyValidationFailed",
                                    R"({"failedRules":["JustificationRule"]})")));
  // MFA and more: a step-up would not make the request pass, only spend the code.
  EXPECT_FALSE(IsMfaRequired(Status(StatusCode::kInvalidArgument, "x",
                                    "RoleAssignmentRequestPolicyValidationFailed",
                                    R"({"code":"MfaRequired","failedRules":["MfaRule",)"
                                    R"("JustificationRule"]})")));
  EXPECT_FALSE(IsMfaRequired(Status::Ok()));
}

// Ctrl-D at a prompt: the terminal echoes nothing for it, so without a newline the error would
// be printed on the prompt's line ("Authenticator code: pim: ...").
TEST(TerminalPrompterTest, EndOfInputAtAPromptEndsThePromptLine) {
  for (bool secret : {false, true}) {
    std::istringstream in("");
    std::ostringstream out;
    TerminalPrompter prompter(in, out, /*interactive=*/true);
    Result<std::string> r =
        secret ? prompter.ReadSecret("Password: ") : prompter.ReadLine("Authenticator code: ");
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(out.str(), secret ? "Password: \n" : "Authenticator code: \n");
  }
}

TEST(TerminalPrompterTest, NotATerminalReadsTheNextLineWithoutPrompting) {
  std::istringstream in("123456\r\n");
  std::ostringstream out;
  TerminalPrompter prompter(in, out, /*interactive=*/false);
  EXPECT_EQ(*prompter.ReadLine("Authenticator code: "), "123456");
  EXPECT_EQ(prompter.ReadLine("Authenticator code: ").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(out.str(), "");
}

TEST(RenderQrTest, SquareOfHalfBlockLines) {
  Result<std::string> qr = RenderQr("otpauth://totp/pim:alice@pim.local?secret=GEZDGNBV");
  ASSERT_TRUE(qr.ok());
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = qr->find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(qr->substr(start, nl - start));
  }
  ASSERT_FALSE(lines.empty());
  auto glyphs = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  const size_t width = glyphs(lines[0]);
  EXPECT_EQ((width - 4) % 4, 1u) << "QR symbols are 17+4k modules wide";
  EXPECT_EQ(lines.size(), (width + 1) / 2);
  for (const std::string& l : lines) EXPECT_EQ(glyphs(l), width);
  // The quiet zone is light: the first line is all full blocks.
  EXPECT_EQ(lines[0].find(' '), std::string::npos);
  // The top-left finder pattern's dark border starts right after the 2-module margin.
  EXPECT_NE(lines[1].find(' '), std::string::npos);
}

class ConfigTest : public ::testing::Test {
 protected:
  TempDir temp_{"pim-cli-config"};
  std::string dir_ = temp_.path();
};

TEST_F(ConfigTest, PathResolutionOrder) {
  EXPECT_EQ(ResolveConfigPath("/x/pim.json", "/xdg", "/home/a"), "/x/pim.json");
  EXPECT_EQ(ResolveConfigPath(nullptr, "/xdg", "/home/a"), "/xdg/pim/config.json");
  EXPECT_EQ(ResolveConfigPath("", "", "/home/a"), "/home/a/.config/pim/config.json");
  EXPECT_EQ(ResolveConfigPath(nullptr, nullptr, nullptr), "");
}

TEST_F(ConfigTest, WrittenMode0600InNewDirectory0700AndReadBack) {
  const std::string path = dir_ + "/xdg/pim/config.json";
  CliConfig c;
  c.server = "https://pim.example.com";
  c.cacert = "/etc/pim/ca.pem";
  c.access_token = "at";
  c.refresh_token = "rt";
  c.user_id = "00000000-0000-4000-8000-000000000001";
  c.user_principal_name = "alice@pim.local";
  ASSERT_TRUE(SaveConfig(path, c).ok());

  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ + "/xdg/pim").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  Result<CliConfig> back = LoadConfig(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->server, c.server);
  EXPECT_EQ(back->cacert, c.cacert);
  EXPECT_EQ(back->access_token, "at");
  EXPECT_EQ(back->refresh_token, "rt");
  EXPECT_EQ(back->user_id, c.user_id);
  EXPECT_EQ(back->user_principal_name, "alice@pim.local");
  EXPECT_TRUE(back->signed_in());
}

TEST_F(ConfigTest, RewriteTightensAWorldReadableFile) {
  const std::string path = dir_ + "/config.json";
  std::ofstream(path) << "{}";
  chmod(path.c_str(), 0644);
  CliConfig c;
  c.server = "http://localhost:1";
  ASSERT_TRUE(SaveConfig(path, c).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(LoadConfig(path)->server, "http://localhost:1");
  EXPECT_FALSE(LoadConfig(path)->signed_in());
}

TEST_F(ConfigTest, AFileOthersCanReadIsTightenedOnLoadAndReported) {
  const std::string path = dir_ + "/config.json";
  CliConfig c;
  c.server = "http://localhost:1";
  c.access_token = "secret";
  ASSERT_TRUE(SaveConfig(path, c).ok());
  Result<CliConfig> fine = LoadConfig(path);
  ASSERT_TRUE(fine.ok());
  EXPECT_FALSE(fine->was_exposed);
  chmod(path.c_str(), 0644);
  Result<CliConfig> exposed = LoadConfig(path);
  ASSERT_TRUE(exposed.ok());
  EXPECT_TRUE(exposed->was_exposed);
  EXPECT_EQ(exposed->access_token, "secret");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(LoadConfig(path)->was_exposed);
}

TEST_F(ConfigTest, MissingAndMalformedFiles) {
  EXPECT_EQ(LoadConfig(dir_ + "/none.json").status().code(), StatusCode::kNotFound);
  std::ofstream(dir_ + "/bad.json") << "not json";
  EXPECT_EQ(LoadConfig(dir_ + "/bad.json").status().code(), StatusCode::kInvalidArgument);
  // The message says what to do: the file blocks every command, 'pim login' included.
  std::ofstream(dir_ + "/empty.json").flush();
  for (const char* name : {"/bad.json", "/empty.json"}) {
    const std::string message = LoadConfig(dir_ + name).status().message();
    EXPECT_NE(message.find(dir_ + name), std::string::npos) << message;
    EXPECT_NE(message.find("remove it"), std::string::npos) << message;
    EXPECT_NE(message.find("pim login"), std::string::npos) << message;
  }
}

TEST(IsLoopbackServer, OnlyThisMachine) {
  EXPECT_TRUE(IsLoopbackServer("http://127.0.0.1:8080"));
  EXPECT_TRUE(IsLoopbackServer("http://127.1.2.3/pim"));
  EXPECT_TRUE(IsLoopbackServer("http://[::1]:8080"));
  EXPECT_TRUE(IsLoopbackServer("http://LocalHost:8080"));
  EXPECT_FALSE(IsLoopbackServer("http://pim.example.org"));
  EXPECT_FALSE(IsLoopbackServer("http://10.0.0.1:8080"));
  EXPECT_FALSE(IsLoopbackServer("http://128.0.0.1"));
  EXPECT_FALSE(IsLoopbackServer("http://localhost.example.org"));
  EXPECT_FALSE(IsLoopbackServer("http://[::2]"));
  EXPECT_FALSE(IsLoopbackServer("not a url"));
}

}  // namespace
}  // namespace pim::cli
