#include "http/router.h"

#include <gtest/gtest.h>

namespace pim::http {
namespace {

Handler Named(std::string name) {
  return [name](const HttpRequest&, const RouteParams&) { return JsonResponse(200, name); };
}

std::string Call(const RouteMatch& match) {
  return (*match.handler)(HttpRequest{}, match.params).body;
}

TEST(RouterTest, MatchesLiteralsAndCapturesSegments) {
  Router router;
  router.Add("GET", "/v1.0/users", "users.list", Named("list"));
  router.Add("GET", "/v1.0/users/{id}", "users.get", Named("get"));
  auto list = router.Find("GET", "/v1.0/users");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->route_name, "users.list");
  EXPECT_EQ(Call(*list), "list");
  auto get = router.Find("GET", "/v1.0/users/alice@pim.local");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->route_name, "users.get");
  EXPECT_EQ(get->params.at("id"), "alice@pim.local");
  EXPECT_FALSE(get->blocking);
}

TEST(RouterTest, LiteralSegmentsAreCaseInsensitiveAndCapturesKeepCase) {
  Router router;
  router.Add("GET", "/v1.0/users/{id}", "users.get", Named("get"));
  auto match = router.Find("GET", "/V1.0/Users/MixedCase");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->params.at("id"), "MixedCase");
}

TEST(RouterTest, PartialCaptureBeatsWholeSegmentCapture) {
  Router router;
  const char* base = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests";
  router.Add("GET", std::string(base) + "/{id}", "requests.get", Named("get"));
  router.Add("GET", std::string(base) + "/filterByCurrentUser(on='{on}')", "requests.mine",
             Named("mine"));
  router.Add("POST", std::string(base) + "/{id}/cancel", "requests.cancel", Named("cancel"),
             /*blocking=*/true);
  auto mine = router.Find("GET", std::string(base) + "/filterByCurrentUser(on='approver')");
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->route_name, "requests.mine");
  EXPECT_EQ(mine->params.at("on"), "approver");
  auto get = router.Find("GET", std::string(base) + "/0000-1");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->route_name, "requests.get");
  auto cancel = router.Find("POST", std::string(base) + "/abc/cancel");
  ASSERT_TRUE(cancel.ok());
  EXPECT_TRUE(cancel->blocking);
  EXPECT_EQ(cancel->params.at("id"), "abc");
}

TEST(RouterTest, LiteralBeatsCaptureRegardlessOfRegistrationOrder) {
  Router router;
  router.Add("GET", "/v1.0/{what}", "any", Named("any"));
  router.Add("GET", "/v1.0/me", "me", Named("me"));
  EXPECT_EQ(router.Find("GET", "/v1.0/me")->route_name, "me");
  EXPECT_EQ(router.Find("GET", "/v1.0/you")->route_name, "any");
}

TEST(RouterTest, UnknownPathIsNotFound) {
  Router router;
  router.Add("GET", "/v1.0/users/{id}", "users.get", Named("get"));
  for (const char* path : {"/v1.0/users", "/v1.0/users/", "/v1.0/users/a/b", "", "/"}) {
    auto match = router.Find("GET", path);
    ASSERT_FALSE(match.ok()) << path;
    EXPECT_EQ(match.status().code(), StatusCode::kNotFound) << path;
  }
}

TEST(RouterTest, OtherMethodIsMethodNotAllowedListingTheAllowedOnes) {
  Router router;
  router.Add("GET", "/v1.0/users/{id}", "users.get", Named("get"));
  router.Add("PATCH", "/v1.0/users/{id}", "users.update", Named("patch"), true);
  auto match = router.Find("PUT", "/v1.0/users/x");
  ASSERT_FALSE(match.ok());
  EXPECT_EQ(match.status().error_code(), "MethodNotAllowed");
  EXPECT_EQ(match.status().details_json(), R"({"allowedMethods":["GET","PATCH"]})");
  HttpResponse response = ErrorResponse(match.status());
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, PATCH");
}

TEST(HttpRequestTest, HeaderAndQueryLookups) {
  HttpRequest request;
  request.headers["authorization"] = "Bearer x";
  request.query = {{"$top", "5"}, {"$top", "6"}, {"empty", ""}};
  EXPECT_EQ(request.Header("authorization"), "Bearer x");
  EXPECT_EQ(request.Header("missing"), "");
  EXPECT_EQ(request.Query("$top"), "5");
  EXPECT_EQ(request.Query("empty"), "");
  EXPECT_EQ(request.Query("$filter"), std::nullopt);
}

}  // namespace
}  // namespace pim::http
