#include "http/forwarded.h"

#include <gtest/gtest.h>

namespace pim::http {
namespace {

TrustedProxies Trust(std::initializer_list<const char*> networks) {
  TrustedProxies t;
  for (const char* n : networks) EXPECT_TRUE(t.Add(n).ok()) << n;
  return t;
}

TEST(TrustedProxiesTest, MatchesAddressesAndNetworksOfBothFamilies) {
  TrustedProxies t = Trust({"127.0.0.2", "10.1.0.0/16", "fd00::/8", "2001:db8::7"});
  for (const char* yes :
       {"127.0.0.2", "::ffff:127.0.0.2", "10.1.255.3", "fd12::1", "2001:db8::7"}) {
    EXPECT_TRUE(t.Contains(yes)) << yes;
  }
  for (const char* no :
       {"127.0.0.1", "10.2.0.1", "fe00::1", "2001:db8::8", "", "10.1.0.0/16", "not-an-address"}) {
    EXPECT_FALSE(t.Contains(no)) << no;
  }
  TrustedProxies odd = Trust({"192.168.1.128/25"});
  EXPECT_TRUE(odd.Contains("192.168.1.200"));
  EXPECT_FALSE(odd.Contains("192.168.1.127"));
  EXPECT_TRUE(Trust({"0.0.0.0/0"}).Contains("203.0.113.9"));
  EXPECT_FALSE(Trust({"0.0.0.0/0"}).Contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNotAnAddressOrNetwork) {
  for (const char* bad : {"", "localhost", "10.0.0.0/33", "10.0.0.1/8", "fd00::/129", "10.0.0/8",
                          "1.2.3.4:80", "/8"}) {
    TrustedProxies t;
    Status st = t.Add(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("--trusted-proxy"), std::string::npos) << bad;
    EXPECT_TRUE(t.empty()) << bad;
  }
}

TEST(ClientAddressTest, BelievesOnlyWhatTrustedProxiesWrote) {
  TrustedProxies t = Trust({"127.0.0.2", "10.0.0.0/8"});
  // No trusted proxy: the peer, whatever the header says.
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", t), "127.0.0.1");
  EXPECT_EQ(ClientAddress("198.51.100.4", "", TrustedProxies()), "198.51.100.4");
  // The proxy appended the address it saw; what the client sent before it is not believed.
  EXPECT_EQ(ClientAddress("127.0.0.2", "203.0.113.9, 198.51.100.4", t), "198.51.100.4");
  // Through two trusted proxies, and with repeated headers joined.
  EXPECT_EQ(ClientAddress("127.0.0.2", "198.51.100.4,10.0.0.5", t), "198.51.100.4");
  EXPECT_EQ(ClientAddress("127.0.0.2", " 2001:db8::1 , 10.0.0.5 ", t), "2001:db8::1");
  // Nothing, garbage or only trusted hops: the last trusted hop.
  EXPECT_EQ(ClientAddress("127.0.0.2", "", t), "127.0.0.2");
  EXPECT_EQ(ClientAddress("127.0.0.2", "198.51.100.4, unknown", t), "127.0.0.2");
  EXPECT_EQ(ClientAddress("127.0.0.2", "198.51.100.4, 10.0.0.5:8080", t), "127.0.0.2");
  EXPECT_EQ(ClientAddress("127.0.0.2", "10.0.0.9, 10.0.0.5", t), "10.0.0.9");
  EXPECT_EQ(ClientAddress("127.0.0.2", ",", t), "127.0.0.2");
}

}  // namespace
}  // namespace pim::http
