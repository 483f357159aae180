// Test fixture for the Graph handlers: a real PimService over a MemoryStore with a FakeClock and
// deterministic ids, the routes registered on a Router, and requests driven through
// Router::Find + the handler (no sockets). Test-only.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/temp_dir_testing.h"
#include "engine/pim_service.h"
#include "http/graph/graph_routes.h"
#include "http/request_target.h"
#include "http/router.h"
#include "store/memory_store.h"

namespace pim::http::testing {

namespace json = boost::json;

inline constexpr const char* kBaseUrl = "http://127.0.0.1:8080";
inline constexpr const char* kAdminUpn = "admin@pim.local";
inline constexpr const char* kAdminPassword = "Admin-password-123";
inline constexpr const char* kUserPassword = "User-password-1234";

// A response with its body parsed (null when not JSON).
struct Reply {
  int status = 0;
  json::value body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (EqualsIgnoreCase(k, name)) return v;
    }
    return "";
  }
  const json::object& obj() const {
    static const json::object kEmpty;
    return body.is_object() ? body.get_object() : kEmpty;
  }
  std::string Str(std::string_view key) const {
    const json::value* v = obj().if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  }
  std::string ErrorCode() const {
    const json::value* e = obj().if_contains("error");
    if (e == nullptr || !e->is_object()) return "";
    const json::value* c = e->get_object().if_contains("code");
    return c != nullptr && c->is_string() ? std::string(c->get_string()) : "";
  }
  std::string ErrorMessage() const {
    const json::value* e = obj().if_contains("error");
    if (e == nullptr || !e->is_object()) return "";
    const json::value* m = e->get_object().if_contains("message");
    return m != nullptr && m->is_string() ? std::string(m->get_string()) : "";
  }
  const json::array& Value() const {
    static const json::array kEmpty;
    const json::value* v = obj().if_contains("value");
    return v != nullptr && v->is_array() ? v->get_array() : kEmpty;
  }
};

inline std::string Dump(const Reply& r) {
  return std::to_string(r.status) + " " + json::serialize(r.body);
}

class GraphFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto signer = AuditSigner::LoadOrCreate(dir_ + "/audit.key");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_.emplace(std::move(signer).value());
    secrets_.emplace(SecretBox::FromKey(std::string(32, 'k')));
    EngineOptions options;
    options.password_cost.memory_bytes = 8192;  // libsodium's minimum: fast tests
    options.password_cost.passes = 1;
    service_ = std::make_unique<PimService>(store_, clock_, ids_, *signer_, *secrets_, options);
    Status loaded = service_->Load();
    ASSERT_TRUE(loaded.ok()) << loaded.ToString();
    auto admin = service_->Bootstrap(kAdminUpn, kAdminPassword);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_id_ = admin->id;
    RegisterGraphRoutes(router_, *service_, store_, clock_);
    admin_token_ = SignIn(kAdminUpn, kAdminPassword);
    ASSERT_FALSE(admin_token_.empty());
  }

  void TearDown() override {
    service_.reset();
    store_.Close();
  }

  // Sends one request; `target` is "/path?query" or an absolute URL under kBaseUrl.
  Reply Call(const std::string& method, std::string target, const std::string& body = "",
             const std::string& token = "",
             const std::map<std::string, std::string>& headers = {}) {
    if (target.rfind(kBaseUrl, 0) == 0) target = target.substr(std::string(kBaseUrl).size());
    // Clients percent-encode spaces; the tests write them plainly.
    for (size_t i = target.find(' '); i != std::string::npos; i = target.find(' ', i)) {
      target.replace(i, 1, "%20");
    }
    HttpRequest request;
    request.method = method;
    request.target = target;
    Status parsed = ParseTarget(target, request);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString();
    request.body = body;
    request.remote_ip = "127.0.0.1";
    request.base_url = kBaseUrl;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    if (!body.empty()) request.headers["content-type"] = "application/json";
    for (const auto& [k, v] : headers) request.headers[ToLower(k)] = v;
    HttpResponse response;
    Result<RouteMatch> match = router_.Find(method, request.path);
    if (match.ok()) {
      last_route_ = match->route_name;
      last_blocking_ = match->blocking;
      last_inline_if_ = match->inline_if != nullptr && (*match->inline_if)();
      response = (*match->handler)(request, match->params);
      if (response.defer) {  // as the server does: answer once the changes are durable
        std::promise<void> sent;
        response.defer([&sent] { sent.set_value(); });
        sent.get_future().wait();
        deferred_responses_++;
      }
    } else {
      response = ErrorResponse(match.status());
    }
    Reply reply;
    reply.status = response.status;
    reply.headers = response.headers;
    boost::system::error_code ec;
    if (!response.body.empty()) reply.body = json::parse(response.body, ec);
    return reply;
  }

  Reply Get(const std::string& target, const std::string& token) {
    return Call("GET", target, "", token);
  }
  Reply Post(const std::string& target, const json::object& body, const std::string& token) {
    return Call("POST", target, json::serialize(body), token);
  }
  // The policy assignment of `role_id` (the seed makes exactly one, at "/"); {} and a failure
  // otherwise.
  json::object PolicyAssignmentOf(const std::string& role_id) {
    Reply r = Get("/v1.0/policies/roleManagementPolicyAssignments?$filter=roleDefinitionId eq '" +
                      role_id + "'",
                  admin_token_);
    EXPECT_EQ(r.Value().size(), 1u) << Dump(r);
    return r.Value().size() == 1 ? r.Value()[0].as_object() : json::object();
  }
  // "/v1.0/policies/roleManagementPolicies/{id}" of that assignment's policy.
  std::string PolicyPathOf(const std::string& role_id) {
    const json::object assignment = PolicyAssignmentOf(role_id);
    const json::value* id = assignment.if_contains("policyId");
    return "/v1.0/policies/roleManagementPolicies/" +
           (id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string());
  }

  // Password grant through the token endpoint (with a one-time code when `otp` is given); ""
  // on failure.
  std::string SignIn(const std::string& upn, const std::string& password,
                     const std::string& otp = "") {
    std::string form = "grant_type=password&username=" + upn + "&password=" + password;
    if (!otp.empty()) form += "&otp=" + otp;
    Reply r = Call("POST", "/oauth2/v2.0/token", form, "",
                   {{"content-type", "application/x-www-form-urlencoded"}});
    return r.status == 200 ? r.Str("access_token") : "";
  }

  // Enrolls TOTP for the holder of `token` and returns the raw secret ("" on failure).
  std::string EnrollTotp(const std::string& token) {
    Reply enrolled = Call("POST", "/v1.0/me/authentication/softwareOathMethods", "{}", token);
    EXPECT_EQ(enrolled.status, 201) << Dump(enrolled);
    Result<std::string> secret = Base32Decode(enrolled.Str("secretKey"));
    if (!secret.ok()) return "";
    Reply verified = Call(
        "POST", "/v1.0/me/authentication/softwareOathMethods/" + enrolled.Str("id") + "/verify",
        R"({"code":")" + TotpCode(*secret, clock_.Now()) + R"("})", token);
    EXPECT_EQ(verified.status, 204) << Dump(verified);
    return *secret;
  }

  // Signs in with password and a fresh one-time code (the clock moves to the next 30 s step so
  // the code has not been used yet).
  std::string SignInWithMfa(const std::string& upn, const std::string& password,
                            const std::string& secret) {
    clock_.Advance(Duration::Seconds(30));
    return SignIn(upn, password, TotpCode(secret, clock_.Now()));
  }

  // Creates a user through POST /v1.0/users; returns its id.
  std::string CreateUser(const std::string& name, const std::string& upn) {
    Reply r = Post("/v1.0/users",
                   json::object{{"displayName", name},
                                {"userPrincipalName", upn},
                                {"passwordProfile", json::object{{"password", kUserPassword}}}},
                   admin_token_);
    EXPECT_EQ(r.status, 201) << Dump(r);
    return r.Str("id");
  }

  TempDir temp_{"pim-graph"};
  std::string dir_ = temp_.path();
  MemoryStore store_;
  FakeClock clock_;
  SequentialIdGenerator ids_;
  std::optional<AuditSigner> signer_;
  std::optional<SecretBox> secrets_;
  std::unique_ptr<PimService> service_;
  Router router_;
  std::string admin_id_;
  std::string admin_token_;
  std::string last_route_;
  bool last_blocking_ = false;
  bool last_inline_if_ = false;  // the route's inline predicate said "run on the I/O thread"
  int deferred_responses_ = 0;   // responses that waited for durability (HttpResponse::defer)
};

}  // namespace pim::http::testing
