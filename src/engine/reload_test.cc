#include <gmock/gmock.h>

#include <fstream>
#include <iterator>

#include "engine/engine_test_util.h"

namespace pim {
namespace {

using testing_util::EngineTest;
using testing_util::kGA;
using testing_util::kPassword;
using testing_util::kSecAdmin;

class ReloadTest : public EngineTest {};

TEST_F(ReloadTest, RestartReproducesTheStateAndTheAuditChainVerifies) {
  std::string alice = NewUser("alice"), bob = NewUser("bob");
  auto group = svc_->CreateGroup(admin_, {"ops", "on call", true, {bob}});
  ASSERT_TRUE(group.ok());
  MakeEligible(alice, kSecAdmin);
  MakeEligible(alice, kGA);
  auto active = Activate(alice, kSecAdmin, Duration::Hours(4));
  ASSERT_TRUE(active.ok());
  auto pending = Activate(alice, kGA, Duration::Hours(1));
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->status, "PendingApproval");
  (void)svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "");
  auto token = svc_->PasswordGrant("bob@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(token.ok());
  RoleDefinition def;
  def.display_name = "Custom";
  def.role_permissions.push_back({{"pim.custom/thing/read"}, {}, ""});
  auto custom = svc_->CreateRoleDefinition(admin_, def);
  ASSERT_TRUE(custom.ok());

  auto before_requests = svc_->ListRequests(admin_, ScheduleKind::kAssignment);
  auto before_schedules = svc_->ListSchedules(admin_, ScheduleKind::kEligibility, false);
  auto before_roles = svc_->ListRoleDefinitions(admin_);
  auto before_policies = svc_->ListPolicies(admin_);
  auto before_users = svc_->ListPrincipals(admin_, PrincipalKind::kUser);
  auto verify = svc_->VerifyAuditLog(admin_);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->message;

  Start();
  EXPECT_TRUE(svc_->IsInitialized());
  EXPECT_TRUE(Holds(alice, kSecAdmin));
  EXPECT_FALSE(Holds(alice, kGA));
  EXPECT_EQ(svc_->ListRequests(admin_, ScheduleKind::kAssignment)->size(), before_requests->size());
  EXPECT_EQ(svc_->ListSchedules(admin_, ScheduleKind::kEligibility, false)->size(),
            before_schedules->size());
  EXPECT_EQ(svc_->ListRoleDefinitions(admin_)->size(), before_roles->size());
  EXPECT_EQ(svc_->ListPolicies(admin_)->size(), before_policies->size());
  EXPECT_EQ(svc_->ListPrincipals(admin_, PrincipalKind::kUser)->size(), before_users->size());
  EXPECT_EQ(svc_->GetPrincipal(admin_, group->id)->members, std::vector<std::string>{bob});
  EXPECT_TRUE(svc_->Authenticate(token->access_token, "").ok());
  EXPECT_EQ(svc_->PendingApprovalCount(), 1);

  // The pending approval continues after the restart and the chain keeps verifying.
  auto r = svc_->GetRequest(admin_, ScheduleKind::kAssignment, pending->id);
  ASSERT_TRUE(r.ok());
  auto approval = svc_->GetApproval(admin_, r->approval_id);
  ASSERT_TRUE(approval.ok());
  ASSERT_TRUE(
      svc_->ReviewApprovalStep(admin_, r->approval_id, approval->steps[0].id, "Approve", "ok")
          .ok());
  EXPECT_TRUE(Holds(alice, kGA));
  EXPECT_EQ(Activate(alice, kSecAdmin, Duration::Hours(1)).status().code(),
            StatusCode::kAlreadyExists);
  verify = svc_->VerifyAuditLog(admin_);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->message;
  EXPECT_GT(verify->records_checked, 10);
}

TEST_F(ReloadTest, AFailedCommitAbortsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TmpdirForChildren children(dir_);
  EXPECT_DEATH(
      {
        store_.FailNextCommits(1);
        (void)NewUser("alice");
      },
      "store commit failed");
}

TEST_F(ReloadTest, TamperingIsDetected) {
  std::string alice = NewUser("alice");
  MakeEligible(alice, kSecAdmin);
  ASSERT_TRUE(Activate(alice, kSecAdmin, Duration::Hours(1)).ok());
  store_.TamperWithAudit(
      [](std::vector<SealedAuditRecord>& records) { records[2].canonical += " "; });
  auto verify = svc_->VerifyAuditLog(admin_);
  ASSERT_TRUE(verify.ok());
  EXPECT_FALSE(verify->ok);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A checkpoint file behind the log (a crash between a commit and the file's replacement) is
// normal; one the log does not reach, or whose record the log has with another hash, is the
// evidence of a truncation or an older copy: it is kept, not replaced by the next commit.
TEST_F(ReloadTest, ACheckpointFileTheLogDoesNotMatchIsKeptAsEvidence) {
  const std::string file = options_.checkpoint_file;
  std::string alice = NewUser("alice");
  const std::string behind = ReadFile(file);
  MakeEligible(alice, kSecAdmin);
  ASSERT_NE(ReadFile(file), behind);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << behind;
  }
  Start();
  EXPECT_EQ(svc_->CheckpointFileProblem(), "");
  ASSERT_TRUE(Activate(alice, kSecAdmin, Duration::Hours(1)).ok());
  EXPECT_NE(ReadFile(file), behind);  // replaced again after the commit

  // The newest two records go (the database's own checkpoints too, as a careful attacker would).
  const std::string covering = ReadFile(file);
  store_.TamperWithAudit(
      [](std::vector<SealedAuditRecord>& records) { records.resize(records.size() - 2); });
  Start();
  EXPECT_THAT(svc_->CheckpointFileProblem(),
              ::testing::HasSubstr("the newest records were removed"));
  NewUser("bob");
  NewUser("carol");
  NewUser("dave");  // the log is now longer than the file's checkpoint, with other records
  EXPECT_EQ(ReadFile(file), covering);
  auto verify = svc_->VerifyAuditLog(admin_);
  ASSERT_TRUE(verify.ok());
  EXPECT_FALSE(verify->ok);
  EXPECT_EQ(verify->problem, "altered") << verify->message;

  Start();  // still the same log: still kept
  EXPECT_THAT(svc_->CheckpointFileProblem(), ::testing::HasSubstr("is not the one"));
  NewUser("erin");
  EXPECT_EQ(ReadFile(file), covering);
}

TEST_F(ReloadTest, AuditIsReadableByReadersOnly) {
  std::string alice = NewUser("alice");
  EXPECT_EQ(svc_->CheckCanReadAudit(Sign(alice)).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->VerifyAuditLog(Sign(alice)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(svc_->CheckCanReadAudit(admin_).ok());
  ScheduleRequestInput in =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, alice, testing_util::kReader);
  in.schedule_info.duration = Duration::Days(7);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  EXPECT_TRUE(svc_->CheckCanReadAudit(Sign(alice)).ok());
  // A reader sees every request; an ordinary user only their own.
  std::string bob = NewUser("bob");
  MakeEligible(bob, role_ids::kHelpdeskAdministrator);
  ASSERT_TRUE(Activate(bob, role_ids::kHelpdeskAdministrator, Duration::Hours(1)).ok());
  EXPECT_EQ(svc_->ListRequests(Sign(alice), ScheduleKind::kAssignment)->size(), 2u);
  EXPECT_EQ(svc_->ListRequests(Sign(bob), ScheduleKind::kAssignment)->size(), 1u);
  EXPECT_EQ(svc_->ListInstances(Sign(bob), ScheduleKind::kAssignment, false)->size(), 1u);
}

}  // namespace
}  // namespace pim
