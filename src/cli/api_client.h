// ApiClient: the pim server's Graph-shaped API as seen by the client. Adds the bearer token,
// turns error responses into Status values, refreshes an expired access token once with the
// refresh token (persisting the new tokens), and pages collections through @odata.nextLink.
//
// Errors: the Status code follows the HTTP status (400 InvalidArgument, 401 Unauthenticated,
// 403 PermissionDenied, 404 NotFound, 409 AlreadyExists, 429 ResourceExhausted, else
// Unavailable); message() is FormatErrorBody's one line ("<code>: <message>"); error_code() is
// the Graph (or OAuth2) error code; details_json() is the innerError object as JSON text.
// Not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "cli/http_transport.h"
#include "cli/json_util.h"
#include "core/status.h"

namespace pim::cli {

using FormFields = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Appends "?k=v&..." to `path`, percent-encoding the values (keys such as "$filter" kept).
std::string WithQuery(std::string path, const QueryParams& params);
// application/x-www-form-urlencoded body.
std::string FormEncode(const FormFields& fields);
// True when `status` is a refusal for want of fresh MFA alone (innerError.code "MfaRequired", and
// no failed rule but MfaRule): a step-up and a retry can succeed.
bool IsMfaRequired(const Status& status);
// Whether `server` (a URL) names this machine: 127.0.0.0/8, ::1 or localhost, where plain HTTP
// crosses no network.
bool IsLoopbackServer(const std::string& server);

class ApiClient {
 public:
  // Runs a refresh so that no other client of the same saved session refreshes at the same
  // time: first takes the tokens another one saved meanwhile into the session, then calls
  // `refresh` with adopted = whether it did (a refresh is then unnecessary).
  using RefreshGuard = std::function<Status(const std::function<Status(bool adopted)>& refresh)>;

  // `session` supplies the server and tokens and receives refreshed tokens; `save` persists it
  // after every token change (may be empty in tests). Both must outlive the client. `guard`
  // (may be empty) serialises refreshes between processes: the server revokes a session whose
  // rotated-away refresh token is presented again, which two processes refreshing with the same
  // token would do.
  ApiClient(HttpTransport& transport, CliConfig& session, std::function<Status()> save,
            RefreshGuard guard = {});

  // `path` is "/v1.0/..." or an absolute URL (a nextLink); either way it is sent to the session's
  // server (of an absolute URL, only the path and query are used).
  // The JSON body of the answer; null for 204 or an empty body.
  Result<json::value> Get(std::string_view path);
  Result<json::value> Post(std::string_view path, const json::value& body);
  Result<json::value> Patch(std::string_view path, const json::value& body);
  Result<json::value> Delete(std::string_view path);
  // Every item of a collection, following @odata.nextLink.
  Result<json::array> GetAll(std::string_view path);

  // POST /oauth2/v2.0/token with `form`; on success stores access/refresh tokens in the session
  // and saves it. Never retried.
  Status RequestToken(const FormFields& form);
  // Ends the saved session on the server (RFC 7009 revocation of its refresh token, or of its
  // access token when it has none). Leaves the saved tokens as they are.
  Status RevokeSession();
  // Refresh grant carrying an OTP (fresh MFA), per the contract.
  Status RefreshWithOtp(const std::string& otp);

 private:
  Status Guarded(const std::function<Status(bool adopted)>& refresh);
  // POST of an application/x-www-form-urlencoded body, without the bearer token.
  Result<HttpResponse> PostForm(std::string_view path, const FormFields& form);
  Result<json::value> Call(const std::string& method, std::string_view path,
                           const std::string* body);
  Result<HttpResponse> Send(const std::string& method, const std::string& url,
                            const std::string* body, bool with_token);
  std::string Url(std::string_view path) const;

  HttpTransport& transport_;
  CliConfig& session_;
  std::function<Status()> save_;
  RefreshGuard guard_;
};

}  // namespace pim::cli
