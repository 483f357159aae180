#include "auth/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "core/temp_dir_testing.h"

namespace pim {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto().ok()); }

  TempDir temp_{"pim-crypto"};
  std::string dir_ = temp_.path();
};

constexpr PasswordCost kCheapCost{8ull << 20, 1};

TEST_F(CryptoTest, PasswordRoundTripAndWrongPasswordRefused) {
  Result<std::string> phc = HashPassword("correct horse battery", kCheapCost);
  ASSERT_TRUE(phc.ok()) << phc.status().ToString();
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0), 0u) << *phc;
  EXPECT_TRUE(VerifyPassword("correct horse battery", *phc));
  EXPECT_FALSE(VerifyPassword("correct horse batterz", *phc));
  EXPECT_FALSE(VerifyPassword("", *phc));
  EXPECT_FALSE(VerifyPassword("correct horse battery", "not a phc string"));
  EXPECT_FALSE(VerifyPassword("correct horse battery", ""));
}

TEST_F(CryptoTest, PasswordHashesAreSalted) {
  Result<std::string> a = HashPassword("same password!", kCheapCost);
  Result<std::string> b = HashPassword("same password!", kCheapCost);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("same password!", *b));
}

TEST_F(CryptoTest, PasswordCostOutOfRangeRefused) {
  EXPECT_EQ(HashPassword("x", PasswordCost{8ull << 20, 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword("x", PasswordCost{1024, 1}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CryptoTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two parts hash as their concatenation, wherever the split falls; the same thread hashes
  // one input after another with one context.
  const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(
        Sha256Hex(std::string_view(text).substr(0, split), std::string_view(text).substr(split)),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        << split;
  }
}

TEST_F(CryptoTest, RandomTokensAreBase64UrlAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string t = RandomToken();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(RandomBytes(17).size(), 17u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST_F(CryptoTest, RandomIdsAreV4Guids) {
  RandomIdGenerator gen;
  std::string a = gen.NewId();
  std::string b = gen.NewId();
  EXPECT_TRUE(IsGuid(a)) << a;
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
  EXPECT_EQ(a, ToLower(a));
  EXPECT_NE(a, b);
}

TEST_F(CryptoTest, RandomIdsStayDistinctAcrossRefillsAndThreads) {
  // Ids come from a per-thread buffer refilled every 32 ids: many refills, on several threads.
  RandomIdGenerator gen;
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& ids : per_thread) {
    threads.emplace_back([&gen, &ids] {
      for (int i = 0; i < 1000; ++i) ids.push_back(gen.NewId());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& ids : per_thread) {
    for (const auto& id : ids) {
      ASSERT_TRUE(IsGuid(id)) << id;
      ASSERT_EQ(id[14], '4') << id;
      seen.insert(id);
    }
  }
  EXPECT_EQ(seen.size(), 4000u);
}

TEST_F(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST_F(CryptoTest, Base64KnownVectorsAndRoundTrip) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("client:s3cret"), "Y2xpZW50OnMzY3JldA==");
  for (size_t n = 0; n < 40; ++n) {
    std::string bytes = RandomBytes(n);
    Result<std::string> back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, bytes) << n;
  }
  EXPECT_FALSE(Base64Decode("Zg=").ok());
  EXPECT_FALSE(Base64Decode("Z!==").ok());
}

TEST_F(CryptoTest, SecretBoxRoundTripAndTamperRefused) {
  SecretBox box = SecretBox::FromKey(std::string(32, 'k'));
  std::string sealed = box.Seal("totp secret bytes");
  EXPECT_EQ(sealed.size(), 24u + 16u + 17u);
  EXPECT_EQ(sealed.find("totp secret"), std::string::npos);
  Result<std::string> opened = box.Open(sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "totp secret bytes");
  EXPECT_NE(box.Seal("x"), box.Seal("x"));  // fresh nonce each time

  for (size_t i : {size_t{0}, size_t{30}, sealed.size() - 1}) {
    std::string tampered = sealed;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(box.Open(tampered).ok()) << "byte " << i;
  }
  EXPECT_FALSE(box.Open(sealed.substr(0, 20)).ok());
  SecretBox other = SecretBox::FromKey(std::string(32, 'j'));
  EXPECT_FALSE(other.Open(sealed).ok());
}

TEST_F(CryptoTest, KeyFileCreatedWithMode0600AndReloaded) {
  const std::string path = dir_ + "/secretbox.key";
  Result<SecretBox> first = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  std::string sealed = first->Seal("hello");
  Result<SecretBox> second = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(second.ok());
  Result<std::string> opened = second->Open(sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "hello");
}

TEST_F(CryptoTest, KeyFileOfWrongSizeRefused) {
  const std::string path = dir_ + "/short.key";
  std::ofstream(path) << "too short";
  Result<SecretBox> box = SecretBox::LoadOrCreate(path);
  EXPECT_FALSE(box.ok());
  EXPECT_NE(box.status().message().find("32 bytes"), std::string::npos);
}

TEST_F(CryptoTest, KeyFileInMissingDirectoryIsAnError) {
  EXPECT_FALSE(SecretBox::LoadOrCreate(dir_ + "/no/such/dir/key").ok());
}

}  // namespace
}  // namespace pim
