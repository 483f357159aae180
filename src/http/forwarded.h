// Which peers pimd believes about the client's address (--trusted-proxy), and the client's
// address they report in X-Forwarded-For. Beast-free, unit-tested without sockets.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pim::http {

class TrustedProxies {
 public:
  // "ADDR" or "ADDR/BITS", IPv4 or IPv6 (e.g. "127.0.0.1", "10.0.0.0/8", "fd00::/8").
  // InvalidArgument naming the text otherwise; nothing is added then.
  Status Add(std::string_view network);
  bool empty() const { return networks_.empty(); }
  // True when `ip` (an address as text; IPv4-mapped IPv6 counts as IPv4) is in one of them.
  bool Contains(std::string_view ip) const;

 private:
  struct Network {
    std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int bits = 0;                           // of the 128
  };
  std::vector<Network> networks_;
};

// The address of the client a request came from. `peer` (the TCP peer) unless it is a trusted
// proxy; then X-Forwarded-For (`forwarded_for`, repeated headers joined with ", ") is read from
// the right, each trusted proxy naming the hop before it, and the first address that is not a
// trusted proxy is the client's. An entry that is not an address ends the walk at the last
// trusted hop, as does the start of the list: what a trusted proxy did not write is not believed.
std::string ClientAddress(const std::string& peer, std::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace pim::http
