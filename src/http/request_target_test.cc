#include "http/request_target.h"

#include <gtest/gtest.h>

namespace pim::http {
namespace {

TEST(ParseTargetTest, DecodesPathAndQueryInOrder) {
  HttpRequest request;
  ASSERT_TRUE(
      ParseTarget("/v1.0/users/a%40b?%24filter=x+eq+%27a%2Bb%27&%24top=2&bare", request).ok());
  EXPECT_EQ(request.path, "/v1.0/users/a@b");
  ASSERT_EQ(request.query.size(), 3u);
  EXPECT_EQ(request.query[0], (std::pair<std::string, std::string>("$filter", "x eq 'a+b'")));
  EXPECT_EQ(request.query[1], (std::pair<std::string, std::string>("$top", "2")));
  EXPECT_EQ(request.query[2], (std::pair<std::string, std::string>("bare", "")));
}

TEST(ParseTargetTest, QuotesAndParenthesesMayBeEscaped) {
  HttpRequest request;
  ASSERT_TRUE(ParseTarget("/r/filterByCurrentUser%28on%3D%27principal%27%29", request).ok());
  EXPECT_EQ(request.path, "/r/filterByCurrentUser(on='principal')");
  EXPECT_TRUE(request.query.empty());
}

// A server must accept the absolute form too (RFC 9112 section 3.2.2); its path and query count.
TEST(ParseTargetTest, AcceptsTheAbsoluteForm) {
  HttpRequest request;
  ASSERT_TRUE(ParseTarget("HTTP://127.0.0.1:8080/v1.0/me?$select=id", request).ok());
  EXPECT_EQ(request.path, "/v1.0/me");
  ASSERT_EQ(request.query.size(), 1u);
  EXPECT_EQ(request.query[0].second, "id");
  ASSERT_TRUE(ParseTarget("https://pim.example", request).ok());
  EXPECT_EQ(request.path, "/");
}

TEST(ParseTargetTest, RefusesWhatIsNotAnOriginOrAbsoluteFormTarget) {
  for (const char* bad :
       {"", "*", "ftp://host/path", "http://ho st/", "/a b", "/bad%zz", "relative"}) {
    HttpRequest request;
    Status status = ParseTarget(bad, request);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(BaseUrlTest, UsesAPlausibleHostHeaderElseTheFallback) {
  EXPECT_EQ(BaseUrl(false, "pim.example:8443", "127.0.0.1:1"), "http://pim.example:8443");
  EXPECT_EQ(BaseUrl(true, "[::1]:8443", "127.0.0.1:1"), "https://[::1]:8443");
  EXPECT_EQ(BaseUrl(false, "", "127.0.0.1:1"), "http://127.0.0.1:1");
  EXPECT_EQ(BaseUrl(false, "evil.com/x?", "127.0.0.1:1"), "http://127.0.0.1:1");
  EXPECT_EQ(BaseUrl(false, "a\r\nb", "127.0.0.1:1"), "http://127.0.0.1:1");
}

TEST(AddHeaderTest, LowercasesNamesAndJoinsRepeats) {
  HttpRequest request;
  AddHeader(request, "Accept", "a");
  AddHeader(request, "ACCEPT", "b");
  AddHeader(request, "X-One", "1");
  EXPECT_EQ(request.Header("accept"), "a, b");
  EXPECT_EQ(request.Header("x-one"), "1");
}

}  // namespace
}  // namespace pim::http
