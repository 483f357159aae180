// HttpTransport: one HTTP exchange, abstracted so the client logic can be tested without a
// server. CurlTransport is the libcurl implementation used by the `pim` binary.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace pim::cli {

struct HttpRequest {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string url;     // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, when present
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Performs the exchange. Any HTTP status is a successful Result; Unavailable when no response
  // was received (connection refused, TLS failure, timeout), naming the cause.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// libcurl with TLS verification always on; `cacert` (PEM file) replaces the system trust store
// when not empty. curl_global_init must have been called (pim::cli::Main does it).
// Not thread-safe: use one instance per thread.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(std::string cacert) : cacert_(std::move(cacert)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  std::string cacert_;
};

}  // namespace pim::cli
