// The one place where a Status becomes an HTTP status and a Graph-style error body.
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <random>
#include <string_view>

#include "core/clock.h"
#include "core/ids.h"
#include "core/time.h"
#include "http/router.h"

namespace pim::http {

namespace {

struct Mapping {
  int http_status;
  const char* default_code;
};

// HTTP status and default Graph error code of a StatusCode.
Mapping MapCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return {200, ""};
    case StatusCode::kInvalidArgument:
      return {400, "BadRequest"};
    case StatusCode::kUnauthenticated:
      return {401, "InvalidAuthenticationToken"};
    case StatusCode::kPermissionDenied:
      return {403, "Authorization_RequestDenied"};
    case StatusCode::kNotFound:
      return {404, "Request_ResourceNotFound"};
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return {409, "Conflict"};
    case StatusCode::kResourceExhausted:
      return {429, "TooManyRequests"};
    case StatusCode::kUnavailable:
      return {503, "ServiceUnavailable"};
    case StatusCode::kInternal:
      return {500, "InternalServerError"};
  }
  return {500, "InternalServerError"};
}

// Error codes whose HTTP status does not follow from the StatusCode.
int StatusForErrorCode(const std::string& error_code) {
  if (error_code == "MethodNotAllowed") return 405;
  if (error_code == "RequestTimeout") return 408;
  if (error_code == "RequestEntityTooLarge") return 413;
  if (error_code == "RequestHeaderFieldsTooLarge") return 431;
  return 0;
}

// A request id for innerError: unique enough to find a response in logs, not a secret.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  unsigned char bytes[16];
  for (int i = 0; i < 16; i += 8) {
    uint64_t v = rng();
    for (int j = 0; j < 8; ++j) bytes[i + j] = static_cast<unsigned char>(v >> (8 * j));
  }
  return FormatGuidV4(bytes);
}

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF) at the start of `s`, 0 when there is none.
size_t Utf8SequenceAt(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t n;
  uint32_t cp, min;
  if ((lead & 0xE0) == 0xC0) {
    n = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    n = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t n = Utf8SequenceAt(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    }
  }
  return out;
}

HttpResponse ErrorResponse(const Status& status) {
  Mapping mapping = MapCode(status.code());
  int http_status = StatusForErrorCode(status.error_code());
  if (http_status == 0) http_status = mapping.http_status;
  if (http_status < 400) http_status = 500;  // an OK status is not an error: a caller's bug

  HttpResponse response;
  boost::json::object inner;
  // As Graph: when (UTC, whole seconds) and which request, to find it in the server's logs.
  const int64_t now_us = SystemClock().Now().micros();
  inner["date"] = FormatTimestamp(Timestamp::FromMicros(now_us - now_us % 1000000));
  std::string request_id = NewRequestId();
  inner["request-id"] = request_id;
  response.headers.emplace_back("request-id", std::move(request_id));
  if (!status.details_json().empty()) {
    boost::system::error_code ec;
    boost::json::value details = boost::json::parse(status.details_json(), ec);
    if (!ec && details.is_object()) {
      for (const auto& [key, value] : details.as_object()) inner[key] = value;
    }
  }
  // 405: the router lists the methods the path does accept; they become the Allow header.
  if (const auto* allowed = inner.if_contains("allowedMethods");
      http_status == 405 && allowed != nullptr && allowed->is_array()) {
    std::string allow;
    for (const auto& m : allowed->as_array()) {
      if (!m.is_string()) continue;
      if (!allow.empty()) allow += ", ";
      allow += m.as_string().c_str();
    }
    response.headers.emplace_back("Allow", std::move(allow));
  }
  boost::json::object error;
  error["code"] = status.error_code().empty() ? mapping.default_code : status.error_code();
  error["message"] = ValidUtf8(status.message());
  error["innerError"] = std::move(inner);

  response.status = http_status;
  response.body = boost::json::serialize(boost::json::object{{"error", std::move(error)}});
  if (http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (http_status == 429 && status.retry_after() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after()));
  }
  return response;
}

void AddRequestIds(HttpResponse& response, std::string_view client_request_id) {
  // Only what carries information: pimd logs no request ids, so a fresh one on every success
  // would correlate with nothing, and it costs GET role definition ~5% of its rate.
  if (client_request_id.empty()) return;
  const std::string client_id(client_request_id);
  response.headers.emplace_back("client-request-id", client_id);
  if (response.status < 400) return;
  // A Graph error body names the caller's id in innerError too (other error bodies, such as
  // the token endpoint's RFC 6749 ones, have no innerError and are left alone).
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object()) return;
  auto* error = body.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return;
  auto* inner = error->as_object().if_contains("innerError");
  if (inner == nullptr || !inner->is_object()) return;
  inner->as_object()["client-request-id"] = ValidUtf8(client_id);
  response.body = boost::json::serialize(body);
}

HttpResponse JsonResponse(int status, std::string json_body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(json_body);
  return response;
}

}  // namespace pim::http
