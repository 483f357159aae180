#include "http/request_target.h"

#include <boost/url/parse.hpp>

#include "core/ids.h"

namespace pim::http {

Status ParseTarget(std::string_view target, HttpRequest& request) {
  // Origin form ("/path?query"), or absolute form ("http://host/path?query"), which a server
  // must accept too (RFC 9112 section 3.2.2); only its path and query are used.
  auto starts = [&](std::string_view scheme) {
    return target.size() >= scheme.size() &&
           EqualsIgnoreCase(target.substr(0, scheme.size()), scheme);
  };
  const bool absolute = starts("http://") || starts("https://");
  auto url =
      absolute ? boost::urls::parse_absolute_uri(target) : boost::urls::parse_origin_form(target);
  if (!url) {
    return InvalidArgument("The request target '" + std::string(target) +
                           "' is not a valid path and query: " + url.error().message());
  }
  request.path = url->path();
  if (request.path.empty()) request.path = "/";
  request.query.clear();
  if (url->has_query()) {
    for (auto param : url->params(boost::urls::encoding_opts(/*space_as_plus=*/true))) {
      request.query.emplace_back(std::move(param.key), std::move(param.value));
    }
  }
  return Status::Ok();
}

std::string BaseUrl(bool tls, std::string_view host_header, std::string_view fallback_host_port) {
  bool plausible = !host_header.empty() && host_header.size() <= 255;
  for (char c : host_header) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) plausible = false;
  }
  std::string url = tls ? "https://" : "http://";
  url += plausible ? host_header : fallback_host_port;
  return url;
}

void AddHeader(HttpRequest& request, std::string_view name, std::string_view value) {
  auto [it, inserted] = request.headers.try_emplace(ToLower(name), value);
  if (!inserted) {
    it->second += ", ";
    it->second += value;
  }
}

}  // namespace pim::http
