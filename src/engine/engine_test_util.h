// Test fixture for PimService: MemoryStore, FakeClock, SequentialIdGenerator, a bootstrapped
// break-glass administrator, and helpers to create users, eligibilities and activations.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/role_catalog.h"
#include "core/temp_dir_testing.h"
#include "engine/pim_service.h"
#include "store/memory_store.h"

namespace pim {
namespace testing_util {

inline constexpr const char* kGA = role_ids::kGlobalAdministrator;
inline constexpr const char* kPRA = role_ids::kPrivilegedRoleAdministrator;
inline constexpr const char* kUA = role_ids::kUserAdministrator;
inline constexpr const char* kSecAdmin = role_ids::kSecurityAdministrator;
inline constexpr const char* kReader = role_ids::kGlobalReader;
inline constexpr const char* kPassword = "correct horse battery staple";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto signer = AuditSigner::LoadOrCreate(dir_ + "/audit.key");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_ = std::make_unique<AuditSigner>(std::move(signer).value());
    options_.password_cost = {8192, 1};
    options_.checkpoint_file = dir_ + "/checkpoint";
    Start();
    auto admin = svc_->Bootstrap("admin@pim.local", kPassword);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = Sign(admin->id);
  }
  void TearDown() override { svc_.reset(); }

  // A new PimService over the same store (a restart).
  void Start() {
    svc_.reset();
    svc_ = std::make_unique<PimService>(store_, clock_, ids_, *signer_, secrets_, options_);
    Status st = svc_->Load();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // A caller for `id` with MFA proven now (or never).
  Caller Sign(const std::string& id, bool mfa = true) {
    Caller c;
    c.principal_id = id;
    c.ip = "192.0.2.1";
    if (mfa) c.mfa_time = clock_.Now();
    return c;
  }

  std::string NewUser(const std::string& name) {
    NewUser_ u;
    u.display_name = name;
    u.user_principal_name = name + "@pim.local";
    u.password = kPassword;
    auto p = svc_->CreateUser(admin_, u);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->id : "";
  }

  ScheduleRequestInput Input(ScheduleKind kind, RequestAction action, const std::string& who,
                             const std::string& role, const std::string& scope = "/") {
    ScheduleRequestInput in;
    in.kind = kind;
    in.action = action;
    in.principal_id = who;
    in.role_definition_id = role;
    in.directory_scope_id = scope;
    in.justification = "needed for the change window";
    return in;
  }

  // adminAssign of a permanent eligibility; returns the request.
  ScheduleRequest MakeEligible(const std::string& who, const std::string& role,
                               const std::string& scope = "/") {
    auto r = svc_->SubmitRequest(
        admin_, Input(ScheduleKind::kEligibility, RequestAction::kAdminAssign, who, role, scope));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ScheduleRequest{};
  }

  // adminAssign of an eligibility that ends after `d`.
  void MakeEligibleFor(const std::string& who, const std::string& role, Duration d) {
    ScheduleRequestInput in =
        Input(ScheduleKind::kEligibility, RequestAction::kAdminAssign, who, role);
    in.schedule_info.duration = d;
    auto r = svc_->SubmitRequest(admin_, in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // selfExtend of `who`'s eligibility by `d` (decided by an administrator).
  ScheduleRequestInput EligibilityExtensionInput(const std::string& who, const std::string& role,
                                                 Duration d) {
    ScheduleRequestInput in =
        Input(ScheduleKind::kEligibility, RequestAction::kSelfExtend, who, role);
    in.schedule_info.duration = d;
    return in;
  }

  ScheduleRequestInput ActivationInput(const std::string& who, const std::string& role, Duration d,
                                       const std::string& scope = "/") {
    ScheduleRequestInput in =
        Input(ScheduleKind::kAssignment, RequestAction::kSelfActivate, who, role, scope);
    in.schedule_info.type = ExpirationType::kAfterDuration;
    in.schedule_info.duration = d;
    return in;
  }

  Result<ScheduleRequest> Activate(const std::string& who, const std::string& role, Duration d,
                                   const std::string& scope = "/") {
    return svc_->SubmitRequest(Sign(who), ActivationInput(who, role, d, scope));
  }

  bool Holds(const std::string& who, const std::string& role, const std::string& scope = "/") {
    return svc_->HasRole(who, role, scope, clock_.Now()).allowed;
  }

  // Replaces one rule of the effective policy of (role, "/") after `edit` changes its JSON.
  template <typename F>
  void EditRule(const std::string& role, const std::string& rule_id, F&& edit) {
    auto policy = svc_->EffectivePolicy(role, "/");
    ASSERT_TRUE(policy.ok());
    auto rule = RuleToGraph(*policy, rule_id);
    ASSERT_TRUE(rule.ok());
    boost::json::object json = *rule;
    edit(json);
    auto st = svc_->PatchPolicyRule(admin_, policy->id, rule_id, boost::json::serialize(json));
    ASSERT_TRUE(st.ok()) << st.status().ToString();
  }

  // Activity names of every audit record, oldest first.
  std::vector<std::string> Activities() {
    std::vector<std::string> out;
    auto records = store_.ReadAuditAscending(0, 1 << 30);
    EXPECT_TRUE(records.ok());
    for (const auto& r : *records) out.push_back(r.activity);
    return out;
  }
  int CountActivity(const std::string& activity) {
    int n = 0;
    for (const auto& a : Activities()) n += a == activity ? 1 : 0;
    return n;
  }
  // The payloads of the outbox's events of `type`, oldest first.
  std::vector<boost::json::object> OutboxPayloads(const std::string& type) {
    std::vector<boost::json::object> out;
    auto outbox = store_.PendingOutbox(1000);
    EXPECT_TRUE(outbox.ok());
    if (!outbox.ok()) return out;
    for (const auto& ev : *outbox) {
      if (ev.type == type) out.push_back(boost::json::parse(ev.payload).as_object());
    }
    return out;
  }

  using NewUser_ = ::pim::NewUser;

  TempDir temp_{"pim-engine"};
  std::string dir_ = temp_.path();
  MemoryStore store_;
  FakeClock clock_;
  SequentialIdGenerator ids_;
  std::unique_ptr<AuditSigner> signer_;
  SecretBox secrets_ = SecretBox::FromKey(std::string(32, 'k'));
  EngineOptions options_;
  std::unique_ptr<PimService> svc_;
  Caller admin_;
};

}  // namespace testing_util
}  // namespace pim
