// Helpers that turn the raw parts of an HTTP request into HttpRequest fields. Private to http/
// (the server uses them); Beast-free so they are unit-tested without sockets.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "http/router.h"

namespace pim::http {

// Sets request.path (percent-decoded) and request.query (percent-decoded, '+' read as a space,
// in order; a key without '=' has an empty value) from an origin-form target ("/p?q").
// InvalidArgument naming the problem when the target is not origin-form or badly escaped.
Status ParseTarget(std::string_view target, HttpRequest& request);

// "http://HOST" or "https://HOST" where HOST is the Host header when it is a plausible
// host[:port] (letters, digits, '.', '-', ':', '[', ']'), else `fallback_host_port`.
std::string BaseUrl(bool tls, std::string_view host_header, std::string_view fallback_host_port);

// Appends a header value; a repeated header is joined with ", " (RFC 9110 field combination).
void AddHeader(HttpRequest& request, std::string_view name, std::string_view value);

}  // namespace pim::http
