#include "apps/pimd/pimd_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_testing.h"

namespace pim::pimd {
namespace {

TEST(ParseListenTest, AcceptsHostPortAndBracketedIpv6) {
  auto v4 = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto any = ParseListen("0.0.0.0:0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->port, 0);
  auto v6 = ParseListen("[::1]:443");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 443);
}

TEST(ParseListenTest, RefusesMalformed) {
  for (const char* bad : {"", "8080", ":8080", "host:", "host:http", "host:65536", "::1:80",
                          "[::1]", "[::1]80", "host:80x"}) {
    EXPECT_FALSE(ParseListen(bad).ok()) << bad;
  }
}

TEST(ListenUrlTest, FormatsSchemeHostAndPort) {
  EXPECT_EQ(ListenUrl(false, "127.0.0.1", 8080), "http://127.0.0.1:8080");
  EXPECT_EQ(ListenUrl(true, "::1", 8443), "https://[::1]:8443");
}

TEST(PublicUrlTest, AcceptsHttpAndHttpsUrlsWithAHostAndDropsATrailingSlash) {
  EXPECT_EQ(ParsePublicUrl("https://pim.example.org").value(), "https://pim.example.org");
  EXPECT_EQ(ParsePublicUrl("https://pim.example.org/").value(), "https://pim.example.org");
  EXPECT_EQ(ParsePublicUrl("http://[::1]:8443/pim/").value(), "http://[::1]:8443/pim");
  EXPECT_EQ(ParsePublicUrl("HTTPS://Pim.Example.org:443").value(), "HTTPS://Pim.Example.org:443");
}

TEST(PublicUrlTest, RefusesWhatCannotBeALinkBase) {
  for (const char* bad :
       {"", "pim.example.org", "/pim", "ftp://pim.example.org", "https://", "https:///x",
        "https://user:pw@pim.example.org", "https://pim.example.org/?a=1",
        "https://pim.example.org/#top", "https://pim example.org", "https://pim.example.org/\"x"}) {
    Result<std::string> url = ParsePublicUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_NE(url.status().message().find("--public-url"), std::string::npos) << bad;
  }
}

class PasswordFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content) {
    std::string path = dir_ + "/pw";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  TempDir temp_{"pimd-password-file"};
  std::string dir_ = temp_.path();
};

TEST_F(PasswordFileTest, IgnoresOneTrailingNewline) {
  EXPECT_EQ(*ReadPasswordFile(Write("correct horse battery\n")), "correct horse battery");
  EXPECT_EQ(*ReadPasswordFile(Write("correct horse battery\r\n")), "correct horse battery");
  EXPECT_EQ(*ReadPasswordFile(Write("correct horse battery")), "correct horse battery");
  EXPECT_EQ(*ReadPasswordFile(Write("twelve chars  \n\n")), "twelve chars  \n");
}

TEST_F(PasswordFileTest, RefusesShortPasswordsAndMissingFiles) {
  auto short_pw = ReadPasswordFile(Write("elevenchars\n"));
  ASSERT_FALSE(short_pw.ok());
  EXPECT_NE(short_pw.status().message().find("12"), std::string::npos);
  EXPECT_TRUE(ReadPasswordFile(Write("twelve chars\n")).ok());
  auto missing = ReadPasswordFile(dir_ + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir_ + "/nope"), std::string::npos);
}

}  // namespace
}  // namespace pim::pimd
