// The OAuth2 token endpoint (RFC 6749 section 4.3, 4.4, 6; CONTRACT.md "Authentication"):
// POST /oauth2/v2.0/token and POST /{tenant}/oauth2/v2.0/token (tenant ignored), form-encoded.
// And token revocation (RFC 7009): POST /oauth2/v2.0/revoke, /{tenant}/oauth2/v2.0/revoke.
// Errors use RFC 6749 bodies {"error","error_description"}: invalid_request,
// unsupported_grant_type, invalid_grant (400), invalid_client (401 when HTTP Basic was used,
// else 400), 429 with Retry-After when the account is locked out or throttled.
#include <boost/json/object.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <map>
#include <variant>

#include "auth/crypto.h"
#include "core/ids.h"
#include "http/graph/route_families.h"

namespace pim::http {
namespace json = boost::json;
namespace {

using Form = std::map<std::string, std::string>;

HttpResponse OAuthError(int status, std::string_view error, std::string_view description) {
  json::object body{{"error", error}, {"error_description", ValidUtf8(description)}};
  HttpResponse response = JsonResponse(status, ToJson(body));
  response.status = status;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Pragma", "no-cache");
  return response;
}

bool IsRfcError(std::string_view code) {
  return code == "invalid_request" || code == "invalid_client" || code == "invalid_grant" ||
         code == "unauthorized_client" || code == "unsupported_grant_type" ||
         code == "invalid_scope";
}

// Maps an engine refusal to an RFC 6749 response. `client_error` is the error for bad
// credentials ("invalid_grant" for users, "invalid_client" for service principals).
HttpResponse GrantError(const Status& st, std::string_view client_error, bool used_basic) {
  switch (st.code()) {
    case StatusCode::kResourceExhausted: {
      HttpResponse r = OAuthError(429, "invalid_grant", st.message());
      r.headers.emplace_back("Retry-After",
                             std::to_string(st.retry_after() > 0 ? st.retry_after() : 60));
      return r;
    }
    case StatusCode::kInternal:
      return OAuthError(500, "server_error", "The server could not complete the request.");
    case StatusCode::kUnavailable:
      return OAuthError(503, "temporarily_unavailable", st.message());
    default:
      break;
  }
  std::string_view error =
      IsRfcError(st.error_code()) ? std::string_view(st.error_code()) : client_error;
  if (error == "invalid_client") {
    HttpResponse r = OAuthError(used_basic ? 401 : 400, error, st.message());
    if (used_basic) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"pim\"");
    return r;
  }
  return OAuthError(400, error, st.message());
}

HttpResponse GrantResponse(const TokenGrant& grant) {
  json::object body;
  body["access_token"] = grant.access_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = grant.expires_in;
  if (!grant.refresh_token.empty()) body["refresh_token"] = grant.refresh_token;
  if (grant.mfa_time) body["mfa_time"] = FormatTimestamp(*grant.mfa_time);
  HttpResponse response = JsonResponse(200, ToJson(body));
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Pragma", "no-cache");
  return response;
}

// Parses an application/x-www-form-urlencoded body. Repeated parameters are refused (RFC 6749
// section 3.2).
Result<Form> ParseForm(std::string_view body) {
  auto query = boost::urls::parse_query(body);
  if (!query) return InvalidArgument("The request body is not valid form encoding.");
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  Form form;
  // Valid (checked above), so this constructor does not throw.
  for (auto param : boost::urls::params_view(body, opts)) {
    if (param.key.empty()) continue;
    if (!form.emplace(param.key, param.value).second) {
      return InvalidArgument("The parameter '" + std::string(param.key) +
                             "' is included more than once.");
    }
  }
  return form;
}

// Decodes one form-urlencoded part of an HTTP Basic credential (RFC 6749 section 2.3.1).
Result<std::string> FormDecode(std::string_view s) {
  auto pct = boost::urls::make_pct_string_view(s);
  if (!pct) return InvalidArgument("Malformed client credentials in the Authorization header.");
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  return pct->decode(opts);
}

std::optional<std::string> Param(const Form& form, const char* name) {
  auto it = form.find(name);
  if (it == form.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The form of a request to the token or revocation endpoint, or the error to answer.
std::variant<Form, HttpResponse> ReadForm(const HttpRequest& request) {
  std::string content_type = ToLower(request.Header("content-type"));
  if (content_type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    return OAuthError(400, "invalid_request",
                      "The request body must be application/x-www-form-urlencoded.");
  }
  Result<Form> parsed = ParseForm(request.body);
  if (!parsed.ok()) return OAuthError(400, "invalid_request", parsed.status().message());
  return std::move(*parsed);
}

// RFC 7009: POST /oauth2/v2.0/revoke with token=... (token_type_hint is optional and only a
// hint: every kind of token is looked for). 200 with an empty body whether or not the token
// was known, so the endpoint tells nobody which tokens exist.
HttpResponse HandleRevoke(PimService& service, const HttpRequest& request) {
  std::variant<Form, HttpResponse> read = ReadForm(request);
  if (auto* error = std::get_if<HttpResponse>(&read)) return std::move(*error);
  const Form& form = std::get<Form>(read);
  std::optional<std::string> token = Param(form, "token");
  if (!token) return OAuthError(400, "invalid_request", "The parameter 'token' is missing.");
  Status st = service.RevokeToken(*token, request.remote_ip);
  if (!st.ok()) return GrantError(st, "invalid_request", false);
  HttpResponse response;
  response.content_type.clear();
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Pragma", "no-cache");
  return response;
}

HttpResponse HandleToken(PimService& service, const HttpRequest& request) {
  std::variant<Form, HttpResponse> read = ReadForm(request);
  if (auto* error = std::get_if<HttpResponse>(&read)) return std::move(*error);
  const Form& form = std::get<Form>(read);
  std::optional<std::string> grant_type = Param(form, "grant_type");
  if (!grant_type)
    return OAuthError(400, "invalid_request", "The parameter 'grant_type' is missing.");
  const std::string& ip = request.remote_ip;

  if (*grant_type == "password") {
    auto username = Param(form, "username");
    auto password = Param(form, "password");
    if (!username)
      return OAuthError(400, "invalid_request", "The parameter 'username' is missing.");
    if (!password)
      return OAuthError(400, "invalid_request", "The parameter 'password' is missing.");
    Result<TokenGrant> grant = service.PasswordGrant(*username, *password, Param(form, "otp"), ip);
    if (!grant.ok()) return GrantError(grant.status(), "invalid_grant", false);
    return GrantResponse(*grant);
  }
  if (*grant_type == "refresh_token") {
    auto token = Param(form, "refresh_token");
    if (!token) {
      return OAuthError(400, "invalid_request", "The parameter 'refresh_token' is missing.");
    }
    Result<TokenGrant> grant = service.RefreshGrant(*token, Param(form, "otp"), ip);
    if (!grant.ok()) return GrantError(grant.status(), "invalid_grant", false);
    return GrantResponse(*grant);
  }
  if (*grant_type == "client_credentials") {
    auto client_id = Param(form, "client_id");
    auto secret = Param(form, "client_secret");
    std::string authorization = request.Header("authorization");
    const bool basic = authorization.size() > 6 &&
                       EqualsIgnoreCase(std::string_view(authorization).substr(0, 6), "basic ");
    if (basic) {
      if (secret) {
        return OAuthError(400, "invalid_request",
                          "Use either HTTP Basic or client_secret in the body, not both.");
      }
      Result<std::string> decoded = Base64Decode(authorization.substr(6));
      size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        return OAuthError(400, "invalid_request", "Malformed HTTP Basic client credentials.");
      }
      Result<std::string> id = FormDecode(std::string_view(*decoded).substr(0, colon));
      Result<std::string> pw = FormDecode(std::string_view(*decoded).substr(colon + 1));
      if (!id.ok() || !pw.ok()) {
        return OAuthError(400, "invalid_request", "Malformed HTTP Basic client credentials.");
      }
      if (client_id && *client_id != *id) {
        return OAuthError(400, "invalid_request",
                          "client_id in the body differs from the HTTP Basic client.");
      }
      client_id = *id;
      secret = *pw;
    }
    if (!client_id)
      return OAuthError(400, "invalid_request", "The parameter 'client_id' is missing.");
    if (!secret) {
      return OAuthError(400, "invalid_request", "The parameter 'client_secret' is missing.");
    }
    Result<TokenGrant> grant = service.ClientCredentialsGrant(*client_id, *secret, ip);
    if (!grant.ok()) return GrantError(grant.status(), "invalid_client", basic);
    return GrantResponse(*grant);
  }
  return OAuthError(400, "unsupported_grant_type",
                    "The grant type '" + *grant_type +
                        "' is not supported; use password, client_credentials or refresh_token.");
}

}  // namespace

void RegisterTokenRoutes(Router& router, const GraphContext& context) {
  PimService& service = context.service;
  Handler handler = Guarded([&service](const HttpRequest& request, const RouteParams&) {
    return HandleToken(service, request);
  });
  router.Add("POST", "/oauth2/v2.0/token", "oauth2.token", handler, /*blocking=*/true);
  router.Add("POST", "/{tenant}/oauth2/v2.0/token", "oauth2.token", handler, /*blocking=*/true);
  Handler revoke = Guarded([&service](const HttpRequest& request, const RouteParams&) {
    return HandleRevoke(service, request);
  });
  router.Add("POST", "/oauth2/v2.0/revoke", "oauth2.revoke", revoke, /*blocking=*/true);
  router.Add("POST", "/{tenant}/oauth2/v2.0/revoke", "oauth2.revoke", revoke, /*blocking=*/true);
}

}  // namespace pim::http
