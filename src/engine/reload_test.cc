#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

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

// A Store that passes everything to another, except that a submitter waiting for a commit that
// failed hears of it only late (up to 10 s): a thread the scheduler wakes after the writer has
// moved on to the next batch.
class LateFailureStore final : public Store {
 public:
  explicit LateFailureStore(Store& inner) : inner_(inner) {}
  Result<std::vector<StoredObject>> LoadObjects(const std::string& kind) override {
    return inner_.LoadObjects(kind);
  }
  Status ForEachObject(const std::function<Status(StoredObject)>& visit) override {
    return inner_.ForEachObject(visit);
  }
  std::shared_future<Status> Submit(ChangeSet changes,
                                    std::function<void()> after_commit) override {
    std::shared_future<Status> inner = inner_.Submit(std::move(changes), std::move(after_commit));
    submitted_.fetch_add(1);
    return std::async(std::launch::deferred,
                      [inner] {
                        Status status = inner.get();
                        if (!status.ok()) std::this_thread::sleep_for(std::chrono::seconds(10));
                        return status;
                      })
        .share();
  }
  void Enqueue(ChangeSet changes, std::function<void()> after_commit) override {
    inner_.Enqueue(std::move(changes), std::move(after_commit));
  }
  Result<std::vector<SealedAuditRecord>> ReadAuditDescending(int64_t before_seq,
                                                             int limit) override {
    return inner_.ReadAuditDescending(before_seq, limit);
  }
  Result<std::vector<SealedAuditRecord>> ReadAuditAscending(int64_t from_seq, int limit) override {
    return inner_.ReadAuditAscending(from_seq, limit);
  }
  Result<std::optional<SealedAuditRecord>> FindAuditRecord(const std::string& id) override {
    return inner_.FindAuditRecord(id);
  }
  Result<std::optional<AuditCheckpoint>> LatestCheckpoint() override {
    return inner_.LatestCheckpoint();
  }
  Result<std::vector<OutboxEvent>> PendingOutbox(int limit) override {
    return inner_.PendingOutbox(limit);
  }
  void Close() override { inner_.Close(); }
  int submitted() const { return submitted_.load(); }

 private:
  Store& inner_;
  std::atomic<int> submitted_{0};
};

// The engine's memory already holds a failed change set when the next one is sealed after it:
// committing that one would leave a gap in the audit chain (a false "removed" alarm) and objects
// written over state that never reached the disk. So the process must stop before the store
// commits anything submitted after a failure, however late the failed submitter wakes up.
TEST_F(ReloadTest, NothingSubmittedAfterAFailedCommitIsCommitted) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TmpdirForChildren children(dir_);
  EXPECT_DEATH(
      {
        LateFailureStore late(store_);
        svc_.reset();
        svc_ = std::make_unique<PimService>(late, clock_, ids_, *signer_, secrets_, options_);
        if (!svc_->Load().ok()) std::_Exit(2);
        store_.FailNextCommits(1);
        std::thread failing([&] { (void)NewUser("alice"); });
        while (late.submitted() == 0) std::this_thread::yield();
        (void)NewUser("bob");
        std::fprintf(stderr, "a change set submitted after a failed commit was committed\n");
        std::_Exit(0);
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

// WriteCheckpointFile writes a temporary file beside the checkpoint file, then renames it: a
// crash in between leaves the temporary file, one more with each such crash. The next start
// removes them (only names of that shape).
TEST_F(ReloadTest, StartRemovesTemporaryCheckpointFilesACrashLeftBehind) {
  const std::string file = options_.checkpoint_file;
  for (const char* suffix : {".a1B2c3", ".ZZZZZZ"}) std::ofstream(file + suffix) << "pim-audit";
  for (const char* suffix : {".bak", "-old", ".a1B2c3d"}) std::ofstream(file + suffix) << "keep";
  Start();
  EXPECT_FALSE(std::filesystem::exists(file + ".a1B2c3"));
  EXPECT_FALSE(std::filesystem::exists(file + ".ZZZZZZ"));
  for (const char* suffix : {".bak", "-old", ".a1B2c3d"}) {
    EXPECT_TRUE(std::filesystem::exists(file + suffix)) << suffix;
  }
  EXPECT_TRUE(std::filesystem::exists(file));
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
