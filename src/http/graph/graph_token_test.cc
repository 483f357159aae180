// The OAuth2 token endpoint over a real PimService.
#include "auth/crypto.h"
#include "http/graph/graph_test_util.h"

namespace pim::http::testing {
namespace {

class TokenTest : public GraphFixture {
 protected:
  Reply Token(const std::string& form, std::map<std::string, std::string> headers = {}) {
    headers.emplace("content-type", "application/x-www-form-urlencoded");
    return Call("POST", "/oauth2/v2.0/token", form, "", headers);
  }
  static void ExpectOAuthError(const Reply& r, int status, const std::string& error) {
    EXPECT_EQ(r.status, status) << Dump(r);
    EXPECT_EQ(r.Str("error"), error) << Dump(r);
    EXPECT_FALSE(r.Str("error_description").empty()) << Dump(r);
  }
};

TEST_F(TokenTest, PasswordGrantIssuesBearerTokensThatAuthenticate) {
  Reply r = Token(
      "grant_type=password&username=ADMIN%40pim.local&password=Admin-password-123"
      "&client_id=cli&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
  ASSERT_EQ(r.status, 200) << Dump(r);
  EXPECT_TRUE(last_blocking_);
  EXPECT_EQ(last_route_, "oauth2.token");
  EXPECT_EQ(r.Str("token_type"), "Bearer");
  EXPECT_EQ(r.obj().at("expires_in"), 3600);
  EXPECT_FALSE(r.Str("refresh_token").empty());
  EXPECT_FALSE(r.obj().contains("mfa_time"));
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  Reply me = Get("/v1.0/me", r.Str("access_token"));
  EXPECT_EQ(me.status, 200) << Dump(me);
  EXPECT_EQ(me.Str("id"), admin_id_);
}

TEST_F(TokenTest, TenantSegmentIsIgnored) {
  Reply r = Call("POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token",
                 "grant_type=password&username=admin@pim.local&password=Admin-password-123", "",
                 {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}});
  EXPECT_EQ(r.status, 200) << Dump(r);
}

TEST_F(TokenTest, RefreshTokenRotates) {
  Reply first = Token("grant_type=password&username=admin@pim.local&password=Admin-password-123");
  ASSERT_EQ(first.status, 200);
  Reply second = Token("grant_type=refresh_token&refresh_token=" + first.Str("refresh_token"));
  ASSERT_EQ(second.status, 200) << Dump(second);
  EXPECT_NE(second.Str("access_token"), first.Str("access_token"));
  EXPECT_EQ(Get("/v1.0/me", second.Str("access_token")).status, 200);
  ExpectOAuthError(Token("grant_type=refresh_token&refresh_token=nonsense"), 400, "invalid_grant");
}

TEST_F(TokenTest, MalformedRequestsAreRfc6749Errors) {
  ExpectOAuthError(Token("username=a&password=b"), 400, "invalid_request");
  ExpectOAuthError(Token("grant_type=password&username=admin@pim.local"), 400, "invalid_request");
  ExpectOAuthError(Token("grant_type=password&grant_type=password&username=a&password=b"), 400,
                   "invalid_request");
  ExpectOAuthError(Token("grant_type=authorization_code&code=x"), 400, "unsupported_grant_type");
  ExpectOAuthError(Call("POST", "/oauth2/v2.0/token", R"({"grant_type":"password"})"), 400,
                   "invalid_request");  // JSON instead of a form
  ExpectOAuthError(Token("grant_type=password&username=admin@pim.local&password=wrong-password"),
                   400, "invalid_grant");
  EXPECT_EQ(Call("GET", "/oauth2/v2.0/token").status, 405);
}

// An error description that echoes the request (here the grant type) is still JSON when the
// request was not UTF-8.
TEST_F(TokenTest, ErrorDescriptionEchoingNonUtf8IsStillJson) {
  Reply r = Token("grant_type=%FF%C3");
  ExpectOAuthError(r, 400, "unsupported_grant_type");
  EXPECT_NE(r.Str("error_description").find("\xef\xbf\xbd\xef\xbf\xbd"), std::string::npos)
      << Dump(r);
}

TEST_F(TokenTest, LockoutIs429WithRetryAfter) {
  std::string id = CreateUser("Locky", "locky@pim.local");
  ASSERT_FALSE(id.empty());
  for (int i = 0; i < 5; ++i) {
    Reply r = Token("grant_type=password&username=locky@pim.local&password=not-the-password");
    EXPECT_EQ(r.status, 400) << i << Dump(r);
  }
  Reply locked =
      Token(std::string("grant_type=password&username=locky@pim.local&password=") + kUserPassword);
  EXPECT_EQ(locked.status, 429) << Dump(locked);
  EXPECT_FALSE(locked.Header("Retry-After").empty());
  EXPECT_FALSE(locked.Str("error").empty());
}

TEST_F(TokenTest, ClientCredentialsByFormAndByHttpBasic) {
  Reply sp = Post("/v1.0/servicePrincipals", json::object{{"displayName", "Robot"}}, admin_token_);
  ASSERT_EQ(sp.status, 201) << Dump(sp);
  Reply secret =
      Post("/v1.0/servicePrincipals/" + sp.Str("id") + "/addPassword",
           json::object{{"passwordCredential", json::object{{"displayName", "ci"}}}}, admin_token_);
  ASSERT_EQ(secret.status, 200) << Dump(secret);
  EXPECT_EQ(secret.Str("displayName"), "ci");
  const std::string text = secret.Str("secretText");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(secret.Str("hint"), text.substr(0, 3));

  // The secret may hold characters that must be form-encoded.
  std::string encoded;
  for (char c : text) {
    static const char* kHex = "0123456789ABCDEF";
    if (isalnum(static_cast<unsigned char>(c))) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[(c >> 4) & 0xF];
      encoded += kHex[c & 0xF];
    }
  }
  Reply form = Token("grant_type=client_credentials&client_id=" + sp.Str("id") +
                     "&client_secret=" + encoded);
  ASSERT_EQ(form.status, 200) << Dump(form);
  EXPECT_FALSE(form.obj().contains("refresh_token"));
  Reply basic = Token("grant_type=client_credentials",
                      {{"authorization", "Basic " + Base64Encode(sp.Str("id") + ":" + encoded)}});
  EXPECT_EQ(basic.status, 200) << Dump(basic);

  Reply wrong = Token("grant_type=client_credentials",
                      {{"authorization", "Basic " + Base64Encode(sp.Str("id") + ":nope")}});
  ExpectOAuthError(wrong, 401, "invalid_client");
  EXPECT_NE(wrong.Header("WWW-Authenticate").find("Basic"), std::string::npos);
  ExpectOAuthError(
      Token("grant_type=client_credentials&client_id=" + sp.Str("id") + "&client_secret=nope"), 400,
      "invalid_client");
  ExpectOAuthError(Token("grant_type=client_credentials&client_id=" + sp.Str("id")), 400,
                   "invalid_request");
}

TEST_F(TokenTest, RemovePasswordAndDeleteStopAServicePrincipal) {
  Reply sp = Post("/v1.0/servicePrincipals", json::object{{"displayName", "Robot"}}, admin_token_);
  ASSERT_EQ(sp.status, 201) << Dump(sp);
  const std::string base = "/v1.0/servicePrincipals/" + sp.Str("id");
  Reply secret = Post(base + "/addPassword", json::object{}, admin_token_);
  ASSERT_EQ(secret.status, 200) << Dump(secret);
  auto grant = [&] {
    return Token("grant_type=client_credentials",
                 {{"authorization",
                   "Basic " + Base64Encode(sp.Str("id") + ":" + secret.Str("secretText"))}});
  };
  Reply token = grant();
  ASSERT_EQ(token.status, 200) << Dump(token);
  for (const std::string& body :
       {std::string("{}"), std::string(R"({"keyId": 7})"), std::string(R"({"keyId": "x"})"),
        std::string(R"({"keyId": ")") + secret.Str("keyId") + R"(", "extra": 1})"}) {
    Reply bad = Call("POST", base + "/removePassword", body, admin_token_);
    EXPECT_EQ(bad.status, 400) << body << " " << Dump(bad);
  }
  Reply unknown =
      Post(base + "/removePassword",
           json::object{{"keyId", "11111111-2222-4333-8444-555555555555"}}, admin_token_);
  EXPECT_EQ(unknown.status, 404) << Dump(unknown);
  ASSERT_EQ(grant().status, 200);  // nothing changed
  Reply removed =
      Post(base + "/removePassword", json::object{{"keyId", secret.Str("keyId")}}, admin_token_);
  EXPECT_EQ(removed.status, 204) << Dump(removed);
  EXPECT_EQ(Get(base, token.Str("access_token")).status, 401);
  ExpectOAuthError(grant(), 401, "invalid_client");

  Reply deleted = Call("DELETE", base, "", admin_token_);
  EXPECT_EQ(deleted.status, 204) << Dump(deleted);
  EXPECT_EQ(Get(base, admin_token_).status, 404);
  EXPECT_EQ(Call("DELETE", base, "", admin_token_).status, 404);
}

TEST_F(TokenTest, MissingOrForgedBearerIs401WithChallenge) {
  for (const std::string& header :
       {std::string(), std::string("Bearer"), std::string("Bearer ") + std::string(43, 'A'),
        std::string("Basic dXNlcjpwdw=="), "Bearer " + admin_token_ + "x"}) {
    std::map<std::string, std::string> headers;
    if (!header.empty()) headers["authorization"] = header;
    Reply r = Call("GET", "/v1.0/me", "", "", headers);
    EXPECT_EQ(r.status, 401) << header << Dump(r);
    EXPECT_FALSE(r.ErrorCode().empty());
    EXPECT_NE(ToLower(r.Header("WWW-Authenticate")).find("bearer"), std::string::npos);
  }
}

TEST_F(TokenTest, RevocationEndsTheSessionOfAnyOfItsTokens) {
  auto sign_in = [&] {
    return Token("grant_type=password&username=admin@pim.local&password=Admin-password-123");
  };
  auto revoke = [&](const std::string& form) {
    return Call("POST", "/oauth2/v2.0/revoke", form, "",
                {{"content-type", "application/x-www-form-urlencoded"}});
  };
  // By refresh token: both of the session's tokens stop working; another session does not.
  Reply laptop = sign_in();
  Reply phone = sign_in();
  ASSERT_EQ(laptop.status, 200);
  ASSERT_EQ(phone.status, 200);
  Reply r = revoke("token=" + laptop.Str("refresh_token") + "&token_type_hint=refresh_token");
  EXPECT_EQ(r.status, 200) << Dump(r);
  EXPECT_TRUE(r.body.is_null()) << Dump(r);
  EXPECT_EQ(r.Header("Content-Type"), "");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_TRUE(last_blocking_);
  EXPECT_EQ(last_route_, "oauth2.revoke");
  EXPECT_EQ(Get("/v1.0/me", laptop.Str("access_token")).status, 401);
  ExpectOAuthError(Token("grant_type=refresh_token&refresh_token=" + laptop.Str("refresh_token")),
                   400, "invalid_grant");
  EXPECT_EQ(Get("/v1.0/me", phone.Str("access_token")).status, 200);

  // By access token, with a wrong hint (a hint is only a hint), under a tenant segment.
  r = Call("POST", "/contoso.onmicrosoft.com/oauth2/v2.0/revoke",
           "token=" + phone.Str("access_token") + "&token_type_hint=refresh_token", "",
           {{"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200) << Dump(r);
  ExpectOAuthError(Token("grant_type=refresh_token&refresh_token=" + phone.Str("refresh_token")),
                   400, "invalid_grant");

  // By a refresh token the session already rotated away.
  Reply tablet = sign_in();
  Reply rotated = Token("grant_type=refresh_token&refresh_token=" + tablet.Str("refresh_token"));
  ASSERT_EQ(rotated.status, 200) << Dump(rotated);
  EXPECT_EQ(revoke("token=" + tablet.Str("refresh_token")).status, 200);
  EXPECT_EQ(Get("/v1.0/me", rotated.Str("access_token")).status, 401);

  // Unknown and already revoked tokens get the same answer as live ones (RFC 7009 2.2).
  EXPECT_EQ(revoke("token=" + std::string(43, 'A')).status, 200);
  EXPECT_EQ(revoke("token=" + laptop.Str("refresh_token")).status, 200);
  ExpectOAuthError(revoke("token_type_hint=access_token"), 400, "invalid_request");
  ExpectOAuthError(Call("POST", "/oauth2/v2.0/revoke", "{\"token\":\"x\"}", "",
                        {{"content-type", "application/json"}}),
                   400, "invalid_request");

  // Each live session ended is one sign-out in the audit log, its initiator the session's user.
  Reply audits = Get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Sign-out'",
                     admin_token_);
  ASSERT_EQ(audits.status, 200) << Dump(audits);
  const json::array& records = audits.obj().at("value").as_array();
  ASSERT_EQ(records.size(), 3u) << Dump(audits);
  for (const json::value& record : records) {
    EXPECT_EQ(record.at("initiatedBy").at("user").at("id").as_string(), admin_id_);
  }
}

}  // namespace
}  // namespace pim::http::testing
