#include "cli/api_client.h"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cstdlib>

#include "cli/format.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

// Characters left as they are in query values: unreserved plus those OData literals use often
// and that need no escaping in a query ("'", "/", ":", ",", "(", ")", "$", "@").
constexpr boost::urls::grammar::lut_chars kQueryChars =
    boost::urls::unreserved_chars + boost::urls::grammar::lut_chars("'/:,()$@");

std::string Encode(std::string_view s, const boost::urls::grammar::lut_chars& chars) {
  return boost::urls::encode(s, chars);
}

StatusCode CodeForHttp(int status) {
  switch (status) {
    case 400:
    case 405:
    case 413:
    case 431:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kAlreadyExists;
    case 429:
      return StatusCode::kResourceExhausted;
    default:
      return StatusCode::kUnavailable;
  }
}

Status ErrorFromResponse(const HttpResponse& r) {
  std::string message = FormatErrorBody(r.status, r.body);
  std::string code;
  std::string inner;
  if (Result<json::value> v = ParseJson(r.body); v.ok()) {
    code = StrAt(*v, {"error", "code"});
    if (code.empty()) code = Str(*v, "error");
    if (const json::value* ie = Path(*v, {"error", "innerError"}); ie != nullptr) {
      inner = json::serialize(*ie);
    }
  }
  if (r.status == 429 && !r.retry_after.empty()) {
    message += " (retry after " + r.retry_after + " s)";
  }
  Status st(CodeForHttp(r.status), std::move(message), std::move(code), std::move(inner));
  if (r.status == 429 && !r.retry_after.empty()) {
    st.set_retry_after(std::atoi(r.retry_after.c_str()));
  }
  return st;
}

}  // namespace

std::string WithQuery(std::string path, const QueryParams& params) {
  char sep = path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    path += sep;
    path += Encode(k, kQueryChars);
    path += '=';
    path += Encode(v, kQueryChars);
    sep = '&';
  }
  return path;
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += Encode(k, boost::urls::unreserved_chars);
    out += '=';
    out += Encode(v, boost::urls::unreserved_chars);
  }
  return out;
}

bool IsLoopbackServer(const std::string& server) {
  auto url = boost::urls::parse_uri(server);
  if (!url) return false;
  // The host without IPv6's brackets, as pimd checks the address it listens on.
  return IsLoopbackHost(url->host_type() == boost::urls::host_type::ipv6
                            ? url->host_ipv6_address().to_string()
                            : std::string(url->encoded_host()));
}

bool IsMfaRequired(const Status& status) {
  if (status.ok()) return false;
  if (status.error_code() == "MfaRequired") return true;
  if (status.details_json().empty()) return false;
  Result<json::value> inner = ParseJson(status.details_json());
  if (!inner.ok() || Str(*inner, "code") != "MfaRequired") return false;
  // Other rules failed as well (no justification, say): a retry after the step-up would fail
  // on them, having spent the one-time code. Report them instead.
  for (const json::value& rule : Arr(*inner, "failedRules")) {
    if (!rule.is_string() || rule.get_string() != "MfaRule") return false;
  }
  return true;
}

ApiClient::ApiClient(HttpTransport& transport, CliConfig& session, std::function<Status()> save,
                     RefreshGuard guard)
    : transport_(transport), session_(session), save_(std::move(save)), guard_(std::move(guard)) {}

Status ApiClient::Guarded(const std::function<Status(bool adopted)>& refresh) {
  return guard_ ? guard_(refresh) : refresh(false);
}

std::string ApiClient::Url(std::string_view path) const {
  std::string base = session_.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (path.starts_with("http://") || path.starts_with("https://")) {
    // A link the server made (@odata.nextLink). Under the configured server (pimd behind a proxy
    // with --public-url, which may carry a path), it is followed as it is. Otherwise it names
    // the scheme and host pimd was reached by: behind a proxy that terminates TLS that is
    // http://, and a Host header can say anything. The bearer token goes only to the configured
    // server, so only pimd's path and query are kept, under the server's.
    if (path.starts_with(base + "/")) return std::string(path);
    const size_t start = path.find('/', path.find("://") + 3);
    return base + std::string(start == std::string_view::npos ? "/" : path.substr(start));
  }
  return base + std::string(path);
}

Result<HttpResponse> ApiClient::Send(const std::string& method, const std::string& url,
                                     const std::string* body, bool with_token) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers.emplace_back("Accept", "application/json");
  if (with_token) req.headers.emplace_back("Authorization", "Bearer " + session_.access_token);
  if (body != nullptr) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = *body;
  }
  return transport_.Send(req);
}

Result<json::value> ApiClient::Call(const std::string& method, std::string_view path,
                                    const std::string* body) {
  if (session_.server.empty()) return FailedPrecondition("not signed in; run 'pim login'");
  const std::string url = Url(path);
  ASSIGN_OR_RETURN(HttpResponse r, Send(method, url, body, true));
  if (r.status == 401 && !session_.refresh_token.empty()) {
    Status refreshed = Guarded([this](bool adopted) {
      // Another pim refreshed meanwhile: its tokens are ours now, and ours are spent.
      if (adopted) return Status::Ok();
      return RequestToken(
          {{"grant_type", "refresh_token"}, {"refresh_token", session_.refresh_token}});
    });
    if (!refreshed.ok()) {
      // invalid_grant: the server no longer knows the refresh token. Anything else (the server
      // unreachable or failing, the account locked for a while) says nothing about the session.
      if (refreshed.error_code() != "invalid_grant" ||
          refreshed.code() == StatusCode::kResourceExhausted) {
        return refreshed;
      }
      return Unauthenticated("the session has ended: it expired, was signed out or was revoked (" +
                             refreshed.message() + "); run 'pim login'");
    }
    ASSIGN_OR_RETURN(r, Send(method, url, body, true));
  }
  if (r.status == 401) {
    Status st = ErrorFromResponse(r);
    return Unauthenticated(st.message() + "; run 'pim login'");
  }
  if (r.status < 200 || r.status >= 300) return ErrorFromResponse(r);
  if (r.status == 204 || r.body.empty()) return json::value(nullptr);
  Result<json::value> v = ParseJson(r.body);
  if (!v.ok()) return Status(StatusCode::kUnavailable, "server sent " + v.status().message());
  return v;
}

Result<json::value> ApiClient::Get(std::string_view path) { return Call("GET", path, nullptr); }

Result<json::value> ApiClient::Post(std::string_view path, const json::value& body) {
  const std::string text = json::serialize(body);
  return Call("POST", path, &text);
}

Result<json::value> ApiClient::Patch(std::string_view path, const json::value& body) {
  const std::string text = json::serialize(body);
  return Call("PATCH", path, &text);
}

Result<json::value> ApiClient::Delete(std::string_view path) {
  return Call("DELETE", path, nullptr);
}

Result<json::array> ApiClient::GetAll(std::string_view path) {
  json::array all;
  std::string next(path);
  // A server that keeps returning the same link would loop forever; cap the pages.
  for (int page = 0; page < 100000 && !next.empty(); ++page) {
    ASSIGN_OR_RETURN(json::value v, Get(next));
    for (const json::value& item : Arr(v, "value")) all.push_back(item);
    std::string link = Str(v, "@odata.nextLink");
    if (link == next) return Status(StatusCode::kUnavailable, "server repeated its nextLink");
    next = std::move(link);
  }
  return all;
}

Result<HttpResponse> ApiClient::PostForm(std::string_view path, const FormFields& form) {
  if (session_.server.empty()) return FailedPrecondition("no server; run 'pim login --server URL'");
  HttpRequest req;
  req.method = "POST";
  req.url = Url(path);
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = FormEncode(form);
  return transport_.Send(req);
}

Status ApiClient::RevokeSession() {
  const bool refresh = !session_.refresh_token.empty();
  ASSIGN_OR_RETURN(HttpResponse r,
                   PostForm("/oauth2/v2.0/revoke",
                            {{"token", refresh ? session_.refresh_token : session_.access_token},
                             {"token_type_hint", refresh ? "refresh_token" : "access_token"}}));
  return r.status == 200 ? Status::Ok() : ErrorFromResponse(r);
}

Status ApiClient::RequestToken(const FormFields& form) {
  ASSIGN_OR_RETURN(HttpResponse r, PostForm("/oauth2/v2.0/token", form));
  if (r.status != 200) return ErrorFromResponse(r);
  Result<json::value> v = ParseJson(r.body);
  if (!v.ok())
    return Status(StatusCode::kUnavailable, "token endpoint sent " + v.status().message());
  const std::string access = Str(*v, "access_token");
  if (access.empty())
    return Status(StatusCode::kUnavailable, "token endpoint sent no access_token");
  session_.access_token = access;
  if (std::string refresh = Str(*v, "refresh_token"); !refresh.empty()) {
    session_.refresh_token = refresh;
  }
  session_.mfa_time = Str(*v, "mfa_time");  // a new session's, or this one's, kept by a refresh
  return save_ ? save_() : Status::Ok();
}

Status ApiClient::RefreshWithOtp(const std::string& otp) {
  if (session_.refresh_token.empty()) return Unauthenticated("not signed in; run 'pim login'");
  return Guarded([this, &otp](bool) {  // with the newest refresh token, adopted or not
    return RequestToken(
        {{"grant_type", "refresh_token"}, {"refresh_token", session_.refresh_token}, {"otp", otp}});
  });
}

}  // namespace pim::cli
