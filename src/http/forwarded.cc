#include "http/forwarded.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace pim::http {
namespace ip = boost::asio::ip;

namespace {

// The address as IPv6 bytes (IPv4 mapped), or false when `text` is not an address.
bool Bytes(std::string_view text, std::array<unsigned char, 16>& out) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return false;
  out = a.is_v4() ? ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes() : a.to_v6().to_bytes();
  return true;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "10.0.0.1/8" may mean the host or the network: say which network it would be.
Status HostBits(std::string_view text, const std::string& network) {
  return InvalidArgument("--trusted-proxy: '" + std::string(text) +
                         "' has bits set past its prefix; write the network (" + network +
                         ") or the address alone");
}

}  // namespace

Status TrustedProxies::Add(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument(
        "--trusted-proxy: expected an IPv4 or IPv6 address or network "
        "(ADDR or ADDR/BITS), got '" +
        std::string(text) + "'");
  };
  const std::string s(text);
  boost::system::error_code ec;
  Network n;
  if (s.find('/') == std::string::npos) {
    if (!Bytes(s, n.bytes)) return bad();
    n.bits = 128;
  } else if (s.find(':') == std::string::npos) {
    ip::network_v4 net = ip::make_network_v4(s, ec);
    if (ec) return bad();
    if (net != net.canonical()) return HostBits(text, net.canonical().to_string());
    n.bytes = ip::make_address_v6(ip::v4_mapped, net.network()).to_bytes();
    n.bits = 96 + net.prefix_length();
  } else {
    ip::network_v6 net = ip::make_network_v6(s, ec);
    if (ec) return bad();
    if (net != net.canonical()) return HostBits(text, net.canonical().to_string());
    n.bytes = net.network().to_bytes();
    n.bits = net.prefix_length();
  }
  networks_.push_back(n);
  return Status::Ok();
}

bool TrustedProxies::Contains(std::string_view text) const {
  std::array<unsigned char, 16> a;
  if (networks_.empty() || !Bytes(text, a)) return false;
  for (const Network& n : networks_) {
    int bits = n.bits;
    size_t i = 0;
    for (; bits >= 8; bits -= 8, ++i) {
      if (a[i] != n.bytes[i]) break;
    }
    if (bits >= 8) continue;  // a whole byte differed
    const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - bits));
    if (bits == 0 || (a[i] & mask) == (n.bytes[i] & mask)) return true;
  }
  return false;
}

std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  std::string client = peer;
  while (trusted.Contains(client)) {
    if (forwarded_for.empty()) return client;
    size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    std::array<unsigned char, 16> unused;
    if (!Bytes(hop, unused)) return client;
    client = std::string(hop);
  }
  return client;
}

}  // namespace pim::http
