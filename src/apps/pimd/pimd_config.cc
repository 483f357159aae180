#include "apps/pimd/pimd_config.h"

#include <boost/url/parse.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

namespace pim::pimd {

namespace {
constexpr size_t kMinPasswordLength = 12;
}  // namespace

Result<std::string> ParsePublicUrl(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("--public-url: " + std::string(why) + ", got '" + std::string(text) +
                           "'");
  };
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return bad("expected an absolute http:// or https:// URL");
  if (url->scheme_id() != boost::urls::scheme::http &&
      url->scheme_id() != boost::urls::scheme::https) {
    return bad("expected an http:// or https:// URL");
  }
  if (url->encoded_host().empty()) return bad("the URL has no host");
  if (url->has_userinfo()) return bad("a user name or password does not belong in it");
  if (url->has_query() || url->has_fragment()) return bad("it cannot carry a query or fragment");
  std::string out(text);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

Result<ListenAddress> ParseListen(std::string_view text) {
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgument("--listen: expected [IPV6]:PORT, got '" + std::string(text) + "'");
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return InvalidArgument("--listen: expected HOST:PORT, got '" + std::string(text) + "'");
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (out.host.empty() || port_text.empty() || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port > 65535) {
    return InvalidArgument("--listen: bad host or port in '" + std::string(text) + "'");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

std::string ListenUrl(bool tls, const std::string& host, uint16_t port) {
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + shown + ":" + std::to_string(port);
}

Result<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("Cannot read the password file " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string password = buffer.str();
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument("The password in " + path + " is shorter than " +
                           std::to_string(kMinPasswordLength) + " characters");
  }
  return password;
}

}  // namespace pim::pimd
