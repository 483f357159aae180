#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>

#include "core/clock.h"
#include "core/ids.h"
#include "core/time.h"
#include "http/router.h"

namespace pim::http {
namespace {

namespace json = boost::json;

std::string Header(const HttpResponse& response, const std::string& name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return "";
}

// Messages echo what a client sent (a path, an id, a query option), which need not be UTF-8.
// The body stays JSON (RFC 8259: UTF-8), with U+FFFD for each byte that is not.
TEST(ErrorResponseTest, InvalidUtf8InTheMessageBecomesReplacementCharacters) {
  HttpResponse response =
      ErrorResponse(NotFound("user '\xff\xfe' not found; '\xc3' at 6; caf\xc3\xa9; \xe2\x82"));
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  ASSERT_FALSE(ec) << ec.message() << ": " << response.body;
  EXPECT_EQ(body.at("error").at("message"),
            "user '\xef\xbf\xbd\xef\xbf\xbd' not found; '\xef\xbf\xbd' at 6; caf\xc3\xa9; "
            "\xef\xbf\xbd\xef\xbf\xbd");
}

// The client's request id is echoed in innerError, with the same care.
TEST(ErrorResponseTest, NonUtf8ClientRequestIdKeepsTheBodyJson) {
  HttpResponse response = ErrorResponse(NotFound("gone"));
  AddRequestIds(response,
                "a\xff"
                "b");
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  ASSERT_FALSE(ec) << ec.message() << ": " << response.body;
  EXPECT_EQ(body.at("error").at("innerError").at("client-request-id"),
            "a\xef\xbf\xbd"
            "b");
}

TEST(ErrorResponseTest, MapsEveryStatusCode) {
  struct Case {
    Status status;
    int http;
    const char* code;
  };
  const Case cases[] = {
      {InvalidArgument("bad"), 400, "BadRequest"},
      {Unauthenticated("who"), 401, "InvalidAuthenticationToken"},
      {PermissionDenied("no"), 403, "Authorization_RequestDenied"},
      {NotFound("gone"), 404, "Request_ResourceNotFound"},
      {AlreadyExists("dup"), 409, "Conflict"},
      {FailedPrecondition("state"), 409, "Conflict"},
      {Status(StatusCode::kResourceExhausted, "slow down"), 429, "TooManyRequests"},
      {Status(StatusCode::kUnavailable, "later"), 503, "ServiceUnavailable"},
      {Internal("bug"), 500, "InternalServerError"},
      {Status(StatusCode::kFailedPrecondition, "m", "MethodNotAllowed"), 405, "MethodNotAllowed"},
      {Status(StatusCode::kInvalidArgument, "big", "RequestEntityTooLarge"), 413,
       "RequestEntityTooLarge"},
      {Status(StatusCode::kInvalidArgument, "hdr", "RequestHeaderFieldsTooLarge"), 431,
       "RequestHeaderFieldsTooLarge"},
  };
  for (const Case& c : cases) {
    HttpResponse response = ErrorResponse(c.status);
    EXPECT_EQ(response.status, c.http) << c.code;
    EXPECT_EQ(response.content_type, "application/json");
    json::value body = json::parse(response.body);
    EXPECT_EQ(body.at("error").at("code"), c.code);
    EXPECT_EQ(body.at("error").at("message").as_string(), c.status.message());
    EXPECT_TRUE(IsGuid(body.at("error").at("innerError").at("request-id").as_string()));
    Result<Timestamp> date =
        ParseTimestamp(body.at("error").at("innerError").at("date").as_string().c_str());
    ASSERT_TRUE(date.ok());
    EXPECT_EQ(date->micros() % 1000000, 0);
    EXPECT_LT(std::abs(date->micros() - SystemClock().Now().micros()), int64_t{60} * 1000000);
  }
}

TEST(ErrorResponseTest, UnauthenticatedAsksForBearer) {
  EXPECT_EQ(Header(ErrorResponse(Unauthenticated("no token")), "WWW-Authenticate"), "Bearer");
}

TEST(ErrorResponseTest, ThrottlingCarriesRetryAfter) {
  Status locked(StatusCode::kResourceExhausted, "locked");
  locked.set_retry_after(900);
  HttpResponse response = ErrorResponse(locked);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(Header(response, "Retry-After"), "900");
  EXPECT_EQ(Header(ErrorResponse(Status(StatusCode::kResourceExhausted, "x")), "Retry-After"), "");
}

TEST(ErrorResponseTest, GraphCodeAndDetailsGoIntoTheBody) {
  Status refused(StatusCode::kInvalidArgument, "MfaRule failed",
                 "RoleAssignmentRequestPolicyValidationFailed",
                 R"({"failedRules":["MfaRule"],"code":"MfaRequired"})");
  HttpResponse response = ErrorResponse(refused);
  EXPECT_EQ(response.status, 400);
  json::value body = json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code"), "RoleAssignmentRequestPolicyValidationFailed");
  const json::value& inner = body.at("error").at("innerError");
  EXPECT_EQ(inner.at("code"), "MfaRequired");
  EXPECT_EQ(inner.at("failedRules").at(0), "MfaRule");
  EXPECT_TRUE(inner.as_object().contains("request-id"));
}

TEST(ErrorResponseTest, MalformedDetailsAreIgnoredNotFatal) {
  HttpResponse response = ErrorResponse(Status(StatusCode::kInvalidArgument, "m", "", "{oops"));
  EXPECT_EQ(response.status, 400);
  // Only what every error carries: date and request-id.
  EXPECT_EQ(json::parse(response.body).at("error").at("innerError").as_object().size(), 2u);
}

TEST(ErrorResponseTest, OkIsNotAnErrorAndBecomes500) {
  EXPECT_EQ(ErrorResponse(Status::Ok()).status, 500);
}

TEST(JsonResponseTest, KeepsStatusAndBody) {
  HttpResponse response = JsonResponse(201, R"({"id":"x"})");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"id":"x"})");
  EXPECT_EQ(response.content_type, "application/json");
}

}  // namespace
}  // namespace pim::http
