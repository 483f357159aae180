#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "auth/crypto.h"

namespace pim {
namespace {

class TotpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto().ok()); }
  const std::string secret_ = "12345678901234567890";  // RFC 6238 Appendix B, SHA-1
};

TEST_F(TotpTest, Rfc6238AppendixBVectors) {
  const struct {
    int64_t unix;
    const char* code;
  } kVectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                  {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& v : kVectors) {
    EXPECT_EQ(TotpCode(secret_, Timestamp::FromSeconds(v.unix), 8), v.code) << v.unix;
  }
  EXPECT_EQ(TotpCode(secret_, Timestamp::FromSeconds(59)), "287082");
}

// Runs the reference implementation; empty on failure.
std::string Oathtool(const std::string& base32, int64_t unix) {
  const std::string cmd =
      "/usr/bin/oathtool --totp -b " + base32 + " -N @" + std::to_string(unix) + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  char buf[64] = {};
  std::string out;
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST_F(TotpTest, MatchesOathtool) {
  for (int i = 0; i < 3; ++i) {
    const std::string secret = NewTotpSecret();
    ASSERT_EQ(secret.size(), 20u);
    const std::string b32 = Base32Encode(secret);
    for (int64_t t : {int64_t{0}, int64_t{59}, int64_t{1111111109}, int64_t{1795651200},
                      int64_t{1795651229}, int64_t{4102444800}}) {
      const std::string expected = Oathtool(b32, t);
      ASSERT_EQ(expected.size(), 6u) << "oathtool failed for " << b32;
      EXPECT_EQ(TotpCode(secret, Timestamp::FromSeconds(t)), expected) << b32 << " @" << t;
    }
  }
}

TEST_F(TotpTest, AcceptsCurrentAndAdjacentStepsAndReturnsTheStep) {
  const Timestamp now = Timestamp::FromSeconds(1795651215);  // step 59855040
  const int64_t step = 1795651215 / 30;
  EXPECT_EQ(VerifyTotp(secret_, TotpCode(secret_, now), now, 0), step);
  EXPECT_EQ(VerifyTotp(secret_, TotpCode(secret_, now - Duration::Seconds(30)), now, 0), step - 1);
  EXPECT_EQ(VerifyTotp(secret_, TotpCode(secret_, now + Duration::Seconds(30)), now, 0), step + 1);
}

TEST_F(TotpTest, RefusesStepsTwoAway) {
  const Timestamp now = Timestamp::FromSeconds(1795651215);
  EXPECT_FALSE(VerifyTotp(secret_, TotpCode(secret_, now - Duration::Seconds(60)), now, 0));
  EXPECT_FALSE(VerifyTotp(secret_, TotpCode(secret_, now + Duration::Seconds(60)), now, 0));
}

TEST_F(TotpTest, ReplayRefused) {
  const Timestamp now = Timestamp::FromSeconds(1795651215);
  const std::string code = TotpCode(secret_, now);
  std::optional<int64_t> step = VerifyTotp(secret_, code, now, 0);
  ASSERT_TRUE(step.has_value());
  EXPECT_FALSE(VerifyTotp(secret_, code, now, *step));
  EXPECT_FALSE(VerifyTotp(secret_, code, now + Duration::Seconds(10), *step));
  // An older code is refused once a newer step was used.
  EXPECT_FALSE(VerifyTotp(secret_, TotpCode(secret_, now - Duration::Seconds(30)), now, *step));
  // The next step's code is still accepted.
  const Timestamp later = now + Duration::Seconds(30);
  EXPECT_EQ(VerifyTotp(secret_, TotpCode(secret_, later), later, *step), *step + 1);
}

TEST_F(TotpTest, MalformedCodesRefused) {
  const Timestamp now = Timestamp::FromSeconds(1795651215);
  const std::string code = TotpCode(secret_, now);
  EXPECT_FALSE(VerifyTotp(secret_, "", now, 0));
  EXPECT_FALSE(VerifyTotp(secret_, code.substr(0, 5), now, 0));
  EXPECT_FALSE(VerifyTotp(secret_, code + "0", now, 0));
  EXPECT_FALSE(VerifyTotp(secret_, "12a456", now, 0));
  EXPECT_FALSE(VerifyTotp("another secret bytes", code, now, 0));
}

TEST_F(TotpTest, Base32KnownVectorsAndRoundTrip) {
  EXPECT_EQ(Base32Encode(secret_), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");  // padding dropped
  Result<std::string> lower = Base32Decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, secret_);
  for (size_t n = 0; n < 30; ++n) {
    const std::string bytes = RandomBytes(n);
    Result<std::string> back = Base32Decode(Base32Encode(bytes));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, bytes) << n;
  }
  EXPECT_FALSE(Base32Decode("MZXW61").ok());
}

TEST_F(TotpTest, OtpauthUri) {
  EXPECT_EQ(OtpauthUri("pim", "alice@example.com", secret_),
            "otpauth://totp/pim:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=pim&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(OtpauthUri("My Org", "bob smith&co", "\x01"),
            "otpauth://totp/My%20Org:bob%20smith%26co?secret=AE&issuer=My%20Org"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace pim
