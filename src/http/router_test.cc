#include "http/router.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/ids.h"

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
  EXPECT_EQ(match.status().details_json(), R"({"allowedMethods":["GET","HEAD","PATCH"]})");
  HttpResponse response = ErrorResponse(match.status());
  EXPECT_EQ(response.status, 405);
  std::string allow;
  for (const auto& [name, value] : response.headers) {
    if (name == "Allow") allow = value;
  }
  EXPECT_EQ(allow, "GET, HEAD, PATCH");
}

// HEAD is GET without the content: every GET route answers it; a path without GET does not.
TEST(RouterTest, HeadIsAnsweredByTheGetRoute) {
  Router router;
  router.Add("GET", "/v1.0/users/{id}", "users.get", Named("get"));
  router.Add("POST", "/v1.0/users", "users.create", Named("create"), true);
  auto head = router.Find("HEAD", "/v1.0/users/x");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->route_name, "users.get");
  EXPECT_EQ(head->params.at("id"), "x");
  auto none = router.Find("HEAD", "/v1.0/users");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().details_json(), R"({"allowedMethods":["POST"]})");
}

TEST(RouterTest, ALessSpecificRouteOfTheMethodBeatsAMoreSpecificOneOfAnother) {
  Router router;
  router.Add("GET", "/v1.0/{what}/x", "any", Named("any"));
  router.Add("POST", "/v1.0/me/x", "me", Named("me"), true);
  EXPECT_EQ(router.Find("GET", "/v1.0/me/x")->route_name, "any");
  EXPECT_EQ(router.Find("POST", "/v1.0/me/x")->route_name, "me");
  auto put = router.Find("PUT", "/v1.0/me/x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().details_json(), R"({"allowedMethods":["GET","HEAD","POST"]})");
}

// The most specific at the first segment where two matching patterns differ, whichever part of
// the tree they sit in; the first registered of equally specific ones.
TEST(RouterTest, SpecificityIsDecidedSegmentBySegmentAcrossPartialCaptures) {
  Router router;
  router.Add("GET", "/a/f{x}/{id}", "f-id", Named("1"));
  router.Add("GET", "/a/f{y}/lit", "f-lit", Named("2"));
  router.Add("GET", "/a/fo{z}/lit2", "fo-lit2", Named("3"));
  router.Add("GET", "/a/{any}/lit2", "any-lit2", Named("4"));
  router.Add("GET", "/a/f{x}/{id}", "f-id-again", Named("5"));
  EXPECT_EQ(router.Find("GET", "/a/fz/lit")->route_name, "f-lit");
  EXPECT_EQ(router.Find("GET", "/a/fz/other")->route_name, "f-id");
  EXPECT_EQ(router.Find("GET", "/a/foo/lit2")->route_name, "fo-lit2");
  EXPECT_EQ(router.Find("GET", "/a/xyz/lit2")->route_name, "any-lit2");
  EXPECT_EQ(router.Find("GET", "/a/F/x").status().code(), StatusCode::kNotFound);  // empty capture
}

// Random route tables and paths against a direct reading of the rules: every route tried, the
// lexicographically most specific match of the method wins, else 405 with the methods that
// match, else 404.
TEST(RouterTest, AgreesWithTryingEveryRoute) {
  struct Pattern {
    std::string method;
    std::vector<std::string> segments;
    std::string name;
  };
  const std::vector<std::string> pieces = {"a", "B", "ab", "{c}", "a{c}", "{c}b", "A{c}B"};
  const std::vector<std::string> path_pieces = {"a", "b", "ab", "AB", "aab", "abb", "x", ""};
  auto matches = [](const std::string& pattern, std::string_view part) {
    const size_t open = pattern.find('{');
    if (open == std::string::npos) return EqualsIgnoreCase(part, pattern);
    const std::string prefix = pattern.substr(0, open);
    const std::string suffix = pattern.substr(pattern.find('}') + 1);
    return part.size() > prefix.size() + suffix.size() &&
           EqualsIgnoreCase(part.substr(0, prefix.size()), prefix) &&
           EqualsIgnoreCase(part.substr(part.size() - suffix.size()), suffix);
  };
  auto specificity = [](const std::string& segment) {
    if (segment.find('{') == std::string::npos) return 2;
    return segment.front() == '{' && segment.back() == '}' ? 0 : 1;
  };
  std::mt19937 rng(20261126);
  for (int table = 0; table < 200; ++table) {
    Router router;
    std::vector<Pattern> patterns;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int r = 0; r < n; ++r) {
      Pattern p{rng() % 3 == 0 ? "POST" : "GET", {}, "r" + std::to_string(r)};
      const int depth = 1 + static_cast<int>(rng() % 3);
      std::string text;
      for (int d = 0; d < depth; ++d) {
        p.segments.push_back(pieces[rng() % pieces.size()]);
        text += "/" + p.segments.back();
      }
      router.Add(p.method, text, p.name, Named(p.name));
      patterns.push_back(std::move(p));
    }
    for (int q = 0; q < 100; ++q) {
      std::vector<std::string> parts;
      std::string path;
      const int depth = 1 + static_cast<int>(rng() % 3);
      for (int d = 0; d < depth; ++d) {
        parts.push_back(path_pieces[rng() % path_pieces.size()]);
        path += "/" + parts.back();
      }
      const std::string method = rng() % 2 == 0 ? "GET" : "POST";
      const Pattern* best = nullptr;
      std::vector<int> best_key;
      std::set<std::string> methods;
      for (const Pattern& p : patterns) {
        if (p.segments.size() != parts.size()) continue;
        bool all = true;
        std::vector<int> key;
        for (size_t i = 0; i < parts.size() && all; ++i) {
          all = matches(p.segments[i], parts[i]);
          key.push_back(specificity(p.segments[i]));
        }
        if (!all) continue;
        methods.insert(p.method);
        if (p.method != method) continue;
        if (best == nullptr || key > best_key) {
          best = &p;
          best_key = key;
        }
      }
      Result<RouteMatch> found = router.Find(method, path);
      SCOPED_TRACE(method + " " + path);
      if (best != nullptr) {
        ASSERT_TRUE(found.ok()) << found.status().ToString();
        EXPECT_EQ(found->route_name, best->name);
      } else if (!methods.empty()) {
        ASSERT_FALSE(found.ok());
        EXPECT_EQ(found.status().error_code(), "MethodNotAllowed");
      } else {
        ASSERT_FALSE(found.ok());
        EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
      }
    }
  }
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
