#include "engine/demo_seed.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/role_catalog.h"
#include "core/temp_dir_testing.h"
#include "store/memory_store.h"

namespace pim {
namespace {

class DemoSeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto signer = AuditSigner::LoadOrCreate(dir_ + "/audit.pem");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_.emplace(std::move(signer).value());
    EngineOptions options;
    options.password_cost = PasswordCost{8 << 10, 1};
    service_ = std::make_unique<PimService>(store_, clock_, ids_, *signer_, secrets_, options);
    ASSERT_TRUE(service_->Load().ok());
    ASSERT_TRUE(service_->Bootstrap("admin@pim.local", "admin-password-1").ok());
    admin_ = SignIn("admin@pim.local", "admin-password-1");
  }
  void TearDown() override { service_.reset(); }

  Caller SignIn(const std::string& upn, const std::string& password,
                std::optional<std::string> otp = std::nullopt) {
    auto grant = service_->PasswordGrant(upn, password, otp, "127.0.0.1");
    EXPECT_TRUE(grant.ok()) << upn << ": " << grant.status().ToString();
    if (!grant.ok()) return Caller{};
    auto caller = service_->Authenticate(grant->access_token, "127.0.0.1");
    EXPECT_TRUE(caller.ok());
    return caller.ok() ? *caller : Caller{};
  }

  // The value after "<label>: " in the block of `upn` in the credentials file.
  static std::string Field(const std::string& text, const std::string& upn,
                           const std::string& label) {
    size_t block = text.find(upn + "\n");
    if (block == std::string::npos) return "";
    std::smatch m;
    std::string rest = text.substr(block);
    if (!std::regex_search(rest, m, std::regex(label + ": *([A-Za-z0-9]+)"))) return "";
    return m[1];
  }

  TempDir temp_{"pim-demo-seed"};
  std::string dir_ = temp_.path();
  FakeClock clock_;
  SequentialIdGenerator ids_;
  MemoryStore store_;
  std::optional<AuditSigner> signer_;
  SecretBox secrets_ = SecretBox::FromKey(std::string(32, 'k'));
  std::unique_ptr<PimService> service_;
  Caller admin_;
};

TEST_F(DemoSeedTest, SeedsUsersRolesApproverAndTotp) {
  const std::string path = dir_ + "/demo-credentials.txt";
  Status seeded = SeedDemoTenant(*service_, clock_, admin_, path, "http://127.0.0.1:18080");
  ASSERT_TRUE(seeded.ok()) << seeded.ToString();

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  // The examples point at the URL pimd will serve.
  EXPECT_NE(text.find("pim login --server http://127.0.0.1:18080 --user requester@pim.local"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("curl -s http://127.0.0.1:18080/oauth2/v2.0/token"), std::string::npos);
  EXPECT_EQ(text.find(":8080"), std::string::npos);

  // Every user signs in with the password written in the file.
  std::string requester_password = Field(text, "requester@pim.local", "password");
  std::string secret = Field(text, "requester@pim.local", "TOTP secret \\(base32\\)");
  ASSERT_EQ(requester_password.size(), 24u) << text;
  ASSERT_FALSE(secret.empty()) << text;
  Caller auditor = SignIn("auditor@pim.local", Field(text, "auditor@pim.local", "password"));
  Caller approver = SignIn("approver@pim.local", Field(text, "approver@pim.local", "password"));
  ASSERT_FALSE(auditor.anonymous());
  ASSERT_FALSE(approver.anonymous());

  // The requester's TOTP enrollment is complete: a later code proves MFA at sign-in.
  auto raw = Base32Decode(secret);
  ASSERT_TRUE(raw.ok());
  clock_.Advance(Duration::Seconds(30));
  auto grant = service_->PasswordGrant("requester@pim.local", requester_password,
                                       TotpCode(*raw, clock_.Now()), "127.0.0.1");
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  EXPECT_TRUE(grant->mfa_time.has_value());
  auto requester = service_->Authenticate(grant->access_token, "127.0.0.1");
  ASSERT_TRUE(requester.ok());

  // Eligible for Global Administrator and Security Administrator, not active.
  auto eligibilities = service_->ListSchedules(*requester, ScheduleKind::kEligibility, true);
  ASSERT_TRUE(eligibilities.ok());
  std::set<std::string> eligible_roles;
  for (const Schedule& s : *eligibilities) eligible_roles.insert(s.role_definition_id);
  EXPECT_EQ(eligible_roles, (std::set<std::string>{role_ids::kGlobalAdministrator,
                                                   role_ids::kSecurityAdministrator}));
  EXPECT_FALSE(
      service_->HasRole(requester->principal_id, role_ids::kGlobalAdministrator, "/", clock_.Now())
          .allowed);

  // The auditor holds Global Reader now.
  EXPECT_TRUE(
      service_->HasRole(auditor.principal_id, role_ids::kGlobalReader, "/", clock_.Now()).allowed);

  // Global Administrator activations need the approver's approval.
  auto policy = service_->EffectivePolicy(role_ids::kGlobalAdministrator, "/");
  ASSERT_TRUE(policy.ok());
  const ApprovalRule& approval = policy->approval_enduser_assignment;
  EXPECT_TRUE(approval.is_approval_required);
  ASSERT_EQ(approval.approval_stages.size(), 1u);
  ASSERT_EQ(approval.approval_stages[0].primary_approvers.size(), 1u);
  EXPECT_EQ(approval.approval_stages[0].primary_approvers[0].user_id, approver.principal_id);

  // The file shows how to sign in.
  EXPECT_NE(text.find("pim login --server"), std::string::npos);
  EXPECT_NE(text.find("/oauth2/v2.0/token"), std::string::npos);
}

TEST(GenerateRandomPasswordTest, AlphanumericOfTheRequestedLengthAndDistinct) {
  ASSERT_TRUE(InitCrypto().ok());
  std::string a = GenerateRandomPassword(24);
  std::string b = GenerateRandomPassword(24);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(GenerateRandomPassword(100).size(), 100u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](char c) { return std::isalnum(c) != 0; }));
}

}  // namespace
}  // namespace pim
