#include <algorithm>
#include <boost/json.hpp>

#include "engine/engine_test_util.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

constexpr const char* kUnknownId = "11111111-2222-4333-8444-555555555555";

using testing_util::EngineTest;
using testing_util::kPassword;

class AuthTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = NewUser("alice");
  }
  // Enrolls and verifies a TOTP method for alice; returns the raw secret.
  std::string EnrollAlice() {
    Caller c = Sign(alice_, /*mfa=*/false);
    auto e = svc_->EnrollTotp(c);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    auto secret = Base32Decode(e->secret_key);
    EXPECT_TRUE(secret.ok());
    EXPECT_TRUE(svc_->VerifyTotpEnrollment(c, e->method.id, TotpCode(*secret, clock_.Now())).ok());
    clock_.Advance(Duration::Seconds(30));  // the enrollment code's step is now used
    return *secret;
  }
  std::string alice_;
};

TEST_F(AuthTest, PasswordGrantIssuesOpaqueTokensThatAuthenticate) {
  auto g = svc_->PasswordGrant("ALICE@pim.local", kPassword, std::nullopt, "10.0.0.1");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->access_token.size(), 43u);
  EXPECT_FALSE(g->refresh_token.empty());
  EXPECT_EQ(g->expires_in, 3600);
  EXPECT_FALSE(g->mfa_time.has_value());
  auto c = svc_->Authenticate(g->access_token, "10.0.0.1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->principal_id, alice_);
  EXPECT_FALSE(c->mfa_time.has_value());
  EXPECT_EQ(svc_->Authenticate("not-a-token", "").status().code(), StatusCode::kUnauthenticated);
  clock_.Advance(Duration::Hours(1));
  EXPECT_EQ(svc_->Authenticate(g->access_token, "").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, WrongPasswordIsInvalidGrantAndAudited) {
  auto g = svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "10.0.0.1");
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(g.status().error_code(), "invalid_grant");
  auto u = svc_->PasswordGrant("nobody@pim.local", kPassword, std::nullopt, "10.0.0.1");
  EXPECT_EQ(u.status().error_code(), "invalid_grant");
  EXPECT_EQ(CountActivity("Sign-in failed"), 2);
  auto missing = svc_->PasswordGrant("alice@pim.local", "", std::nullopt, "");
  EXPECT_EQ(missing.status().error_code(), "invalid_request");
}

// Password spraying tries names that do not exist: the record of each attempt must still say
// where it came from, though no user initiated it (an "app" initiator has no ipAddress member).
TEST_F(AuthTest, AFailedSignInOfAnUnknownNameRecordsItsSourceAddress) {
  ASSERT_FALSE(
      svc_->PasswordGrant("nobody@pim.local", kPassword, std::nullopt, "198.51.100.7").ok());
  auto records = store_.ReadAuditAscending(0, 1 << 30);
  ASSERT_TRUE(records.ok());
  ASSERT_FALSE(records->empty());
  const std::string& last = records->back().canonical;
  EXPECT_NE(last.find("Sign-in failed"), std::string::npos) << last;
  EXPECT_NE(last.find(R"({"key":"ipAddress","value":"198.51.100.7"})"), std::string::npos) << last;
}

TEST_F(AuthTest, FiveFailuresLockFor15MinutesDurablyAcrossRestart) {
  for (int i = 0; i < 5; ++i) {
    auto g = svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "10.0.0.1");
    EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument) << i;
  }
  EXPECT_EQ(CountActivity("Account locked"), 1);
  auto locked = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.1");
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(locked.status().retry_after(), 15 * 60 + 1);

  Start();  // restart over the same store: the lock survives
  clock_.Advance(Duration::Minutes(15) - Duration::Seconds(1));
  EXPECT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").status().code(),
            StatusCode::kResourceExhausted);
  clock_.Advance(Duration::Seconds(1));
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").ok());
}

// Each "Sign-in failed" record counts the consecutive failures up to and including itself, the
// one that locks the account too (the counter restarts only after it).
TEST_F(AuthTest, FailureRecordsCountUpToTheOneThatLocks) {
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "10.0.0.1");
  }
  std::vector<std::string> counts;
  auto records = store_.ReadAuditAscending(0, 1 << 30);
  ASSERT_TRUE(records.ok());
  for (const auto& r : *records) {
    if (r.activity != "Sign-in failed") continue;
    const boost::json::value record = boost::json::parse(r.canonical);
    for (const auto& d : record.at("additionalDetails").as_array()) {
      if (d.at("key") == "consecutiveFailures") {
        counts.push_back(std::string(d.at("value").as_string()));
      }
    }
  }
  EXPECT_EQ(counts, (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

TEST_F(AuthTest, SuccessResetsTheFailureCounter) {
  for (int i = 0; i < 4; ++i) {
    (void)svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "");
  }
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").ok());
  for (int i = 0; i < 4; ++i) {
    (void)svc_->PasswordGrant("alice@pim.local", "wrong password!", std::nullopt, "");
  }
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").ok());
}

TEST_F(AuthTest, BreakGlassIsNeverLockedButThrottledPerAddress) {
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.9");
  }
  EXPECT_EQ(
      svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9").status().code(),
      StatusCode::kResourceExhausted);
  // Another address is not throttled, and the account itself is not locked.
  auto g = svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.10");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_GE(CountActivity("Break-glass account used"), 1);
  // Its event says what happened: a source throttled, not the account locked.
  EXPECT_TRUE(OutboxPayloads("accountLocked").empty());
  const auto throttled = OutboxPayloads("breakGlassSignInThrottled");
  ASSERT_EQ(throttled.size(), 1u);
  EXPECT_EQ(throttled[0].at("source").as_string(), "10.0.0.9");
  clock_.Advance(Duration::Minutes(1));
  EXPECT_TRUE(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9").ok());
}

// Break-glass accounts bypass the workflow and set off alarms: each transaction they make (a
// sign-in, a change) puts a "breakGlassUsed" event in the outbox with the audit record, for
// whoever delivers notifications.
TEST_F(AuthTest, BreakGlassUseEmitsAnAlarmEventWithEachRecord) {
  auto g = svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const std::string bob = NewUser("bob");  // a change by the break-glass administrator
  ASSERT_FALSE(bob.empty());
  const std::vector<boost::json::object> alarms = OutboxPayloads("breakGlassUsed");
  ASSERT_GE(alarms.size(), 2u);
  const boost::json::object& sign_in = alarms[alarms.size() - 2];
  EXPECT_EQ(sign_in.at("activity"), "Sign-in");
  EXPECT_EQ(sign_in.at("ipAddress"), "10.0.0.9");
  EXPECT_EQ(sign_in.at("userPrincipalName"), "admin@pim.local");
  EXPECT_EQ(sign_in.at("activityDateTime").as_string(), FormatTimestamp(clock_.Now()));
  EXPECT_EQ(alarms.back().at("activity"), "Add user");
  EXPECT_EQ(alarms.back().at("principalId"), sign_in.at("principalId"));
  EXPECT_EQ(CountActivity("Break-glass account used"), static_cast<int>(alarms.size()));
  // An ordinary user's sign-in sets off nothing.
  ASSERT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.9").ok());
  EXPECT_EQ(OutboxPayloads("breakGlassUsed").size(), alarms.size());
}

// The stored throttles (kind "signInThrottle"), decoded.
std::vector<SignInThrottle> StoredThrottles(Store& store) {
  std::vector<SignInThrottle> out;
  auto objects = store.LoadObjects(kinds::kSignInThrottle);
  EXPECT_TRUE(objects.ok());
  for (const StoredObject& o : objects.ok() ? *objects : std::vector<StoredObject>{}) {
    auto t = DecodeSignInThrottle(o.body);
    EXPECT_TRUE(t.ok());
    if (t.ok()) out.push_back(*t);
  }
  return out;
}

TEST_F(AuthTest, BreakGlassThrottleSurvivesARestartAndIsErasedWhenItNoLongerMatters) {
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.9");
  }
  Start();  // restart over the same store: the throttle survives, like a lock
  auto g = svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9");
  EXPECT_EQ(g.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(g.status().retry_after(), 61);
  ASSERT_EQ(StoredThrottles(store_).size(), 1u);
  EXPECT_EQ(StoredThrottles(store_)[0].source, "10.0.0.9");

  // A failure from another address starts a throttle of its own; a success from it ends that
  // one at once. The first ends by itself: it stops blocking after a minute and, once its
  // failures are older than the lockout duration, the timer erases it.
  (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.10");
  EXPECT_EQ(StoredThrottles(store_).size(), 2u);
  ASSERT_TRUE(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.10").ok());
  EXPECT_EQ(StoredThrottles(store_).size(), 1u);
  clock_.Advance(Duration::Minutes(15) - Duration::Seconds(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_EQ(StoredThrottles(store_).size(), 1u);
  clock_.Advance(Duration::Seconds(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_TRUE(StoredThrottles(store_).empty());
  Start();
  EXPECT_TRUE(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9").ok());
}

TEST_F(AuthTest, BreakGlassFailuresOlderThanTheLockoutDurationAreForgotten) {
  for (int i = 0; i < 4; ++i) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.9");
  }
  clock_.Advance(Duration::Minutes(15));
  (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.9");
  EXPECT_EQ(CountActivity("Break-glass sign-in throttled"), 0);
  ASSERT_EQ(StoredThrottles(store_).size(), 1u);
  EXPECT_EQ(StoredThrottles(store_)[0].failures, 1);
  EXPECT_TRUE(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9").ok());
}

TEST_F(AuthTest, BreakGlassThrottlesIPv6AddressesByTheirSlash64) {
  // Five failures spread over one /64 throttle all of it, in either spelling of an address.
  const char* same_64[] = {"2001:db8:1:2::1", "2001:db8:1:2:ffff::7", "2001:0db8:0001:0002::9",
                           "2001:db8:1:2:a:b:c:d", "2001:db8:1:2::1"};
  for (const char* ip : same_64) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, ip);
  }
  EXPECT_EQ(CountActivity("Break-glass sign-in throttled"), 1);
  EXPECT_EQ(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "2001:db8:1:2::abcd")
                .status()
                .code(),
            StatusCode::kResourceExhausted);
  ASSERT_EQ(StoredThrottles(store_).size(), 1u);
  EXPECT_EQ(StoredThrottles(store_)[0].source, "2001:db8:1:2::/64");
  // The next /64 is another source; an IPv4-mapped address is its IPv4 address.
  EXPECT_TRUE(
      svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "2001:db8:1:3::1").ok());
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt,
                              "::ffff:10.0.0.9");
  }
  EXPECT_EQ(
      svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "10.0.0.9").status().code(),
      StatusCode::kResourceExhausted);
}

TEST_F(AuthTest, BreakGlassThrottlesAreBoundedByTheirCapacity) {
  options_.sign_in_throttle_capacity = 2;
  Start();
  (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.1");
  clock_.Advance(Duration::Seconds(1));
  (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.2");
  clock_.Advance(Duration::Seconds(1));
  (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "10.0.0.3");
  // The throttle that would have expired first (10.0.0.1's) made room, in memory and in the store.
  std::vector<std::string> sources;
  for (const SignInThrottle& t : StoredThrottles(store_)) sources.push_back(t.source);
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(sources, (std::vector<std::string>{"10.0.0.2", "10.0.0.3"}));
  Start();
  EXPECT_EQ(StoredThrottles(store_).size(), 2u);
}

// Password spraying: a few guesses at each of many accounts (unknown names too), every account
// staying under its own lockout threshold. The source's 20th failure within the lockout duration
// blocks every sign-in from it, without a password being checked, until the duration ends.
TEST_F(AuthTest, TwentyFailedSignInsFromOneSourceBlockEverySignInFromItForTheLockoutDuration) {
  const std::string bob = NewUser("bob");
  for (int i = 0; i < 16; ++i) {
    auto g = svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                                 "203.0.113.7");
    EXPECT_EQ(g.status().error_code(), "invalid_grant") << i;
  }
  for (const char* name : {"alice@pim.local", "bob@pim.local"}) {
    for (int i = 0; i < 2; ++i) {
      auto g = svc_->PasswordGrant(name, "wrong password!", std::nullopt, "203.0.113.7");
      EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument) << name << i;
    }
  }
  EXPECT_EQ(CountActivity("Sign-in source throttled"), 1);
  EXPECT_EQ(CountActivity("Account locked"), 0);

  // The right password, a known or an unknown name: the same 429 with the wait.
  auto blocked = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.7");
  EXPECT_EQ(blocked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(blocked.status().retry_after(), 15 * 60 + 1);
  auto unknown = svc_->PasswordGrant("nobody@pim.local", kPassword, std::nullopt, "203.0.113.7");
  EXPECT_EQ(unknown.status().code(), StatusCode::kResourceExhausted);
  // Guesses while blocked test nothing and count against no account.
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("bob@pim.local", "wrong password!", std::nullopt, "203.0.113.7");
  }
  EXPECT_EQ(CountActivity("Account locked"), 0);
  // Other sources are not blocked.
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.8").ok());

  Start();  // stored like a lock: a restart does not lift it
  clock_.Advance(Duration::Minutes(15) - Duration::Seconds(1));
  EXPECT_EQ(
      svc_->PasswordGrant("bob@pim.local", kPassword, std::nullopt, "203.0.113.7").status().code(),
      StatusCode::kResourceExhausted);
  clock_.Advance(Duration::Seconds(1));
  EXPECT_TRUE(svc_->PasswordGrant("bob@pim.local", kPassword, std::nullopt, "203.0.113.7").ok());
  EXPECT_FALSE(bob.empty());
}

// An attacker who holds one account must not be able to wipe the source's count by signing in
// with it between guesses; failures older than the lockout duration are forgotten.
TEST_F(AuthTest, ASuccessDoesNotResetTheSourceCountButTimeDoes) {
  for (int i = 0; i < 19; ++i) {
    (void)svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                              "203.0.113.7");
  }
  ASSERT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.7").ok());
  (void)svc_->PasswordGrant("user19@pim.local", kPassword, std::nullopt, "203.0.113.7");
  EXPECT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.7")
                .status()
                .code(),
            StatusCode::kResourceExhausted);

  for (int i = 0; i < 19; ++i) {
    (void)svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                              "203.0.113.9");
  }
  clock_.Advance(Duration::Minutes(15));
  (void)svc_->PasswordGrant("user19@pim.local", kPassword, std::nullopt, "203.0.113.9");
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.9").ok());
}

// Break-glass accounts have their own per-source throttle (one minute after five failures) and
// are never shut out by a source block: emergency access must survive somebody else's spraying
// from a shared address.
TEST_F(AuthTest, ABlockedSourceStillLetsBreakGlassAccountsSignIn) {
  for (int i = 0; i < 20; ++i) {
    (void)svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                              "203.0.113.7");
  }
  ASSERT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.7")
                .status()
                .code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(svc_->PasswordGrant("admin@pim.local", kPassword, std::nullopt, "203.0.113.7").ok());
  // Nor do its failures count against the source.
  for (int i = 0; i < 4; ++i) {
    (void)svc_->PasswordGrant("admin@pim.local", "wrong password!", std::nullopt, "203.0.113.9");
  }
  for (int i = 0; i < 19; ++i) {
    (void)svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                              "203.0.113.9");
  }
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.9").ok());
}

TEST_F(AuthTest, FailedClientCredentialsCountAgainstTheSourceAndABlockedSourceGetsNoToken) {
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok());
  auto secret = svc_->AddServicePrincipalPassword(admin_, sp->id, "ci");
  ASSERT_TRUE(secret.ok());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(svc_->ClientCredentialsGrant(sp->app_id, "guess " + std::to_string(i), "10.1.1.1")
                  .status()
                  .error_code(),
              "invalid_client");
  }
  auto g = svc_->ClientCredentialsGrant(sp->app_id, secret->secret_text, "10.1.1.1");
  EXPECT_EQ(g.status().code(), StatusCode::kResourceExhausted);
  EXPECT_GT(g.status().retry_after(), 0);
  // The source's users are blocked too; elsewhere the secret works.
  EXPECT_EQ(
      svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.1.1.1").status().code(),
      StatusCode::kResourceExhausted);
  EXPECT_TRUE(svc_->ClientCredentialsGrant(sp->app_id, secret->secret_text, "10.1.1.2").ok());
}

TEST_F(AuthTest, TheSourceLimitCanBeTurnedOff) {
  options_.source_lockout_threshold = 0;
  Start();
  for (int i = 0; i < 40; ++i) {
    (void)svc_->PasswordGrant("user" + std::to_string(i) + "@pim.local", kPassword, std::nullopt,
                              "203.0.113.7");
  }
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "203.0.113.7").ok());
  EXPECT_EQ(CountActivity("Sign-in source throttled"), 0);
}

// A user replaces the password an administrator gave them. Every other session ends (a stolen
// token, a forgotten laptop); the one that changed it goes on.
TEST_F(AuthTest, ChangingOnesPasswordEndsEveryOtherSession) {
  auto laptop = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.1");
  auto phone = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.2");
  ASSERT_TRUE(laptop.ok() && phone.ok());
  auto caller = svc_->Authenticate(laptop->access_token, "10.0.0.1");
  ASSERT_TRUE(caller.ok());
  const std::string fresh = "a brand new passphrase";
  ASSERT_TRUE(svc_->ChangeOwnPassword(*caller, kPassword, fresh).ok());

  EXPECT_TRUE(svc_->Authenticate(laptop->access_token, "10.0.0.1").ok());
  EXPECT_EQ(svc_->Authenticate(phone->access_token, "10.0.0.2").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->RefreshGrant(phone->refresh_token, std::nullopt, "10.0.0.2").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", fresh, std::nullopt, "").ok());
  EXPECT_EQ(CountActivity("Change user password"), 1);
  // Its owner hears of it (in case it was not them).
  const auto changed = OutboxPayloads("passwordChanged");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].at("userId").as_string(), alice_);
}

// Whoever holds only a token cannot take the account over: the current password is required,
// and guessing it counts like failed sign-ins, up to the lock.
TEST_F(AuthTest, AWrongCurrentPasswordIsRefusedAndCountsTowardTheLock) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.1");
  ASSERT_TRUE(g.ok());
  auto caller = svc_->Authenticate(g->access_token, "10.0.0.1");
  ASSERT_TRUE(caller.ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(svc_->ChangeOwnPassword(*caller, "guess number " + std::to_string(i),
                                      "a brand new passphrase")
                  .code(),
              StatusCode::kPermissionDenied)
        << i;
  }
  EXPECT_EQ(CountActivity("Account locked"), 1);
  Status locked = svc_->ChangeOwnPassword(*caller, kPassword, "a brand new passphrase");
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted);
  EXPECT_GT(locked.retry_after(), 0);
  clock_.Advance(Duration::Minutes(15));
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").ok());
}

TEST_F(AuthTest, APasswordChangeThatBreaksARuleChangesNothing) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "10.0.0.1");
  ASSERT_TRUE(g.ok());
  auto caller = svc_->Authenticate(g->access_token, "10.0.0.1");
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(svc_->ChangeOwnPassword(*caller, kPassword, kPassword).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->ChangeOwnPassword(*caller, kPassword, "too short").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->ChangeOwnPassword(*caller, "", "a brand new passphrase").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->ChangeOwnPassword(Caller{}, kPassword, "a brand new passphrase").code(),
            StatusCode::kUnauthenticated);
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok());
  Caller app;
  app.principal_id = sp->id;
  app.kind = PrincipalKind::kServicePrincipal;
  EXPECT_EQ(svc_->ChangeOwnPassword(app, "anything at all", "a brand new passphrase").code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(svc_->Authenticate(g->access_token, "10.0.0.1").ok());
  EXPECT_TRUE(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").ok());
  EXPECT_EQ(CountActivity("Change user password"), 0);
}

// A first authenticator needs only the password: its owner hears that one was registered, in
// case whoever did it was not them.
TEST_F(AuthTest, RegisteringAnAuthenticatorPutsAnEventInTheOutbox) {
  EXPECT_TRUE(OutboxPayloads("authenticatorRegistered").empty());
  EnrollAlice();
  const auto registered = OutboxPayloads("authenticatorRegistered");
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].at("userId").as_string(), alice_);
  EXPECT_FALSE(registered[0].at("methodId").as_string().empty());
}

TEST_F(AuthTest, TotpCodeIsAcceptedOnceAndProvesMfa) {
  std::string secret = EnrollAlice();
  std::string code = TotpCode(secret, clock_.Now());
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, code, "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_TRUE(g->mfa_time.has_value());
  EXPECT_EQ(*g->mfa_time, clock_.Now());
  auto c = svc_->Authenticate(g->access_token, "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mfa_time, clock_.Now());
  // Replay of the same code is refused (and counts as a failure).
  auto replay = svc_->PasswordGrant("alice@pim.local", kPassword, code, "");
  EXPECT_EQ(replay.status().error_code(), "invalid_grant");
  auto wrong = svc_->PasswordGrant("alice@pim.local", kPassword, "000000", "");
  EXPECT_FALSE(wrong.ok());
}

// A second authenticator's first code is accepted in the step in which the first one just gave
// a code (the user enrolling it quickly): it has never given a code, so it is no replay. Once
// verified, every method is guarded by the user's last step again.
TEST_F(AuthTest, ASecondAuthenticatorIsVerifiedInTheStepTheFirstWasJustUsed) {
  std::string first = EnrollAlice();
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, TotpCode(first, clock_.Now()), "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  Caller c = Sign(alice_);  // MFA just proven
  auto e = svc_->EnrollTotp(c);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto second = Base32Decode(e->secret_key);
  ASSERT_TRUE(second.ok());
  const std::string code = TotpCode(*second, clock_.Now());
  ASSERT_TRUE(svc_->VerifyTotpEnrollment(c, e->method.id, code).ok());
  EXPECT_EQ(CountActivity("Sign-in failed"), 0);
  // Its code, and the first's, of this step are both used now.
  EXPECT_FALSE(svc_->PasswordGrant("alice@pim.local", kPassword, code, "").ok());
  EXPECT_FALSE(
      svc_->PasswordGrant("alice@pim.local", kPassword, TotpCode(first, clock_.Now()), "").ok());
  EXPECT_FALSE(svc_->VerifyTotpEnrollment(c, e->method.id, code).ok());
}

TEST_F(AuthTest, FailedCodesCountTowardsTheLockout) {
  EnrollAlice();
  for (int i = 0; i < 5; ++i) {
    (void)svc_->PasswordGrant("alice@pim.local", kPassword, "999999", "");
  }
  EXPECT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").status().code(),
            StatusCode::kResourceExhausted);
}

TEST_F(AuthTest, RefreshRotatesAndNeverFreshensMfaWithoutACode) {
  std::string secret = EnrollAlice();
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, TotpCode(secret, clock_.Now()), "");
  ASSERT_TRUE(g.ok());
  Timestamp proven = *g->mfa_time;
  clock_.Advance(Duration::Minutes(10));
  auto r = svc_->RefreshGrant(g->refresh_token, std::nullopt, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mfa_time, proven);  // not fresher
  EXPECT_NE(r->refresh_token, g->refresh_token);
  // The old access token is dead (the old refresh token: AReusedRefreshTokenRevokesTheSession).
  EXPECT_FALSE(svc_->Authenticate(g->access_token, "").ok());
  EXPECT_TRUE(svc_->Authenticate(r->access_token, "").ok());
  // With a valid code the session's MFA becomes fresh.
  auto r2 = svc_->RefreshGrant(r->refresh_token, TotpCode(secret, clock_.Now()), "");
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->mfa_time, clock_.Now());
  EXPECT_EQ(svc_->Authenticate(r2->access_token, "")->mfa_time, clock_.Now());
}

// Rotation makes a stolen refresh token detectable: the thief and the client each hold a copy,
// and whichever presents it second presents one already rotated away. The whole session is then
// revoked, so the tokens of whoever refreshed first die too; also across a restart.
TEST_F(AuthTest, AReusedRefreshTokenRevokesTheSession) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(g.ok());
  auto thief = svc_->RefreshGrant(g->refresh_token, std::nullopt, "203.0.113.9");
  ASSERT_TRUE(thief.ok()) << thief.status().ToString();
  auto other = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(other.ok());  // another session of the same user, untouched below
  Start();
  EXPECT_EQ(svc_->RefreshGrant(g->refresh_token, std::nullopt, "192.0.2.1").status().error_code(),
            "invalid_grant");
  EXPECT_FALSE(svc_->Authenticate(thief->access_token, "").ok());
  EXPECT_EQ(svc_->RefreshGrant(thief->refresh_token, std::nullopt, "").status().error_code(),
            "invalid_grant");
  EXPECT_TRUE(svc_->Authenticate(other->access_token, "").ok());
  EXPECT_EQ(CountActivity("Refresh token reused: session revoked"), 1);
  // Only the last kUsedRefreshHashes rotations are remembered; within them, any one counts.
  auto h = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(h.ok());
  std::vector<std::string> tokens{h->refresh_token};
  for (int i = 0; i < 3; ++i) {
    auto next = svc_->RefreshGrant(tokens.back(), std::nullopt, "");
    ASSERT_TRUE(next.ok());
    tokens.push_back(next->refresh_token);
  }
  EXPECT_FALSE(svc_->RefreshGrant(tokens[1], std::nullopt, "").ok());
  EXPECT_FALSE(svc_->RefreshGrant(tokens.back(), std::nullopt, "").ok());
}

TEST_F(AuthTest, SignOutAndDisablingTheUserKillTokens) {
  auto g1 = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  auto g2 = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(g1.ok() && g2.ok());
  auto c1 = svc_->Authenticate(g1->access_token, "");
  ASSERT_TRUE(c1.ok());
  ASSERT_TRUE(svc_->RevokeSession(*c1).ok());
  EXPECT_FALSE(svc_->Authenticate(g1->access_token, "").ok());
  EXPECT_TRUE(svc_->Authenticate(g2->access_token, "").ok());

  UserPatch patch;
  patch.account_enabled = false;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice_, patch).ok());
  EXPECT_FALSE(svc_->Authenticate(g2->access_token, "").ok());
  EXPECT_FALSE(svc_->RefreshGrant(g2->refresh_token, std::nullopt, "").ok());
  EXPECT_EQ(svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "").status().code(),
            StatusCode::kInvalidArgument);
  patch.account_enabled = true;
  ASSERT_TRUE(svc_->UpdateUser(admin_, alice_, patch).ok());
  EXPECT_FALSE(svc_->Authenticate(g2->access_token, "").ok());  // revoked for good
}

TEST_F(AuthTest, TokensSurviveRestart) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(g.ok());
  Start();
  EXPECT_TRUE(svc_->Authenticate(g->access_token, "").ok());
  EXPECT_TRUE(svc_->RefreshGrant(g->refresh_token, std::nullopt, "").ok());
}

// Session ids in the store (live or dead: the store keeps whatever was not purged).
std::vector<std::string> StoredSessions(MemoryStore& store) {
  std::vector<std::string> ids;
  auto objects = store.LoadObjects(kinds::kSession);
  EXPECT_TRUE(objects.ok());
  if (objects.ok()) {
    for (const auto& o : *objects) ids.push_back(o.id);
  }
  return ids;
}

TEST_F(AuthTest, SessionsArePurgedWhenTheirRefreshTokenExpires) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  auto kept = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(g.ok() && kept.ok());
  const std::string dying = svc_->Authenticate(g->access_token, "")->session_id;
  const std::string living = svc_->Authenticate(kept->access_token, "")->session_id;
  auto stored = [&](const std::string& id) {
    std::vector<std::string> ids = StoredSessions(store_);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  ASSERT_TRUE(stored(dying) && stored(living));
  // Refreshing a session moves its end: the deadline it had does not purge it.
  clock_.Advance(Duration::Days(13));
  auto refreshed = svc_->RefreshGrant(kept->refresh_token, std::nullopt, "");
  ASSERT_TRUE(refreshed.ok());
  clock_.Advance(Duration::Days(1) - Duration::Seconds(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_TRUE(stored(dying));  // one second before its refresh token expires
  clock_.Advance(Duration::Seconds(1));
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_FALSE(stored(dying));
  EXPECT_TRUE(stored(living));
  EXPECT_EQ(svc_->RefreshGrant(g->refresh_token, std::nullopt, "").status().error_code(),
            "invalid_grant");
  EXPECT_TRUE(svc_->RefreshGrant(refreshed->refresh_token, std::nullopt, "").ok());
}

TEST_F(AuthTest, SessionsThatDiedWhileStoppedArePurgedAfterRestart) {
  auto g = svc_->PasswordGrant("alice@pim.local", kPassword, std::nullopt, "");
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(svc_->RevokeSession(*svc_->Authenticate(g->access_token, "")).ok());
  const size_t stored = StoredSessions(store_).size();
  svc_.reset();
  clock_.Advance(Duration::Days(15));
  Start();
  EXPECT_EQ(StoredSessions(store_).size(), stored);  // nothing is written by Load()
  ASSERT_TRUE(svc_->RunDueTimers().ok());
  EXPECT_TRUE(StoredSessions(store_).empty());  // alice's and the administrator's
  EXPECT_EQ(svc_->NextDeadline(), Timestamp::Max());
}

TEST_F(AuthTest, ClientCredentialsForServicePrincipals) {
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok()) << sp.status().ToString();
  auto secret = svc_->AddServicePrincipalPassword(admin_, sp->id, "ci");
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->hint, secret->secret_text.substr(0, 3));
  auto g = svc_->ClientCredentialsGrant(sp->app_id, secret->secret_text, "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->refresh_token.empty());
  auto c = svc_->Authenticate(g->access_token, "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, PrincipalKind::kServicePrincipal);
  EXPECT_TRUE(svc_->ClientCredentialsGrant(sp->id, secret->secret_text, "").ok());
  auto bad = svc_->ClientCredentialsGrant(sp->app_id, "nope", "");
  EXPECT_EQ(bad.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.status().error_code(), "invalid_client");
}

// A leaked secret is removed, or the whole service principal deleted: either stops it at once,
// tokens already issued included.
TEST_F(AuthTest, RemovingASecretOrTheServicePrincipalStopsItsTokens) {
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok());
  auto leaked = svc_->AddServicePrincipalPassword(admin_, sp->id, "leaked");
  auto kept = svc_->AddServicePrincipalPassword(admin_, sp->id, "kept");
  ASSERT_TRUE(leaked.ok() && kept.ok());
  auto token = svc_->ClientCredentialsGrant(sp->app_id, leaked->secret_text, "");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(svc_->Authenticate(token->access_token, "").ok());

  EXPECT_EQ(svc_->RemoveServicePrincipalPassword(Sign(alice_), sp->id, leaked->key_id).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->RemoveServicePrincipalPassword(admin_, sp->id, kUnknownId).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(svc_->RemoveServicePrincipalPassword(admin_, sp->id, leaked->key_id).ok());
  EXPECT_EQ(svc_->Authenticate(token->access_token, "").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->ClientCredentialsGrant(sp->app_id, leaked->secret_text, "").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->RemoveServicePrincipalPassword(admin_, sp->id, leaked->key_id).code(),
            StatusCode::kNotFound);
  auto again = svc_->ClientCredentialsGrant(sp->app_id, kept->secret_text, "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(CountActivity("Remove service principal credentials"), 2);  // alice's refusal too

  ScheduleRequestInput in =
      Input(ScheduleKind::kAssignment, RequestAction::kAdminAssign, sp->id, testing_util::kReader);
  in.schedule_info.duration = Duration::Days(30);
  ASSERT_TRUE(svc_->SubmitRequest(admin_, in).ok());
  EXPECT_TRUE(Holds(sp->id, testing_util::kReader));
  EXPECT_EQ(svc_->DeleteServicePrincipal(Sign(alice_), sp->id).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->DeleteServicePrincipal(admin_, sp->id).ok());
  EXPECT_FALSE(Holds(sp->id, testing_util::kReader));
  EXPECT_EQ(svc_->Authenticate(again->access_token, "").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->ClientCredentialsGrant(sp->app_id, kept->secret_text, "").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(svc_->DeleteServicePrincipal(admin_, sp->id).code(), StatusCode::kNotFound);
  Start();  // all of it is durable
  EXPECT_FALSE(Holds(sp->id, testing_util::kReader));
  EXPECT_EQ(svc_->ClientCredentialsGrant(sp->app_id, kept->secret_text, "").status().code(),
            StatusCode::kUnauthenticated);
}

// Deleting a principal revokes each of its schedules once: an activation is ended with the
// eligibility it came from, not again on its own.
TEST_F(AuthTest, DeletingAServicePrincipalRevokesEachScheduleOnce) {
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok());
  MakeEligible(sp->id, testing_util::kSecAdmin);
  auto active = Activate(sp->id, testing_util::kSecAdmin, Duration::Hours(1));
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  ASSERT_TRUE(svc_->DeleteServicePrincipal(admin_, sp->id).ok());
  EXPECT_FALSE(Holds(sp->id, testing_util::kSecAdmin));
  auto records = store_.ReadAuditAscending(0, 1 << 30);
  ASSERT_TRUE(records.ok());
  std::string deleted;
  for (const auto& r : *records) {
    if (r.activity == "Delete service principal") deleted = r.canonical;
  }
  ASSERT_FALSE(deleted.empty());
  size_t revoked = 0;
  for (size_t at = deleted.find("revokedScheduleId"); at != std::string::npos;
       at = deleted.find("revokedScheduleId", at + 1)) {
    ++revoked;
  }
  EXPECT_EQ(revoked, 2u);  // the eligibility and the activation
}

// A service principal has no one-time codes: a refusal for missing MFA says what to do instead
// of asking for a code it can never give.
TEST_F(AuthTest, AServicePrincipalRefusedForMfaIsToldWhatWouldWork) {
  auto sp = svc_->CreateServicePrincipal(admin_, {"deployer", "CI"});
  ASSERT_TRUE(sp.ok());
  MakeEligible(sp->id, testing_util::kSecAdmin);
  EditRule(testing_util::kSecAdmin, "Enablement_EndUser_Assignment", [](boost::json::object& r) {
    r["enabledRules"] = boost::json::array{"MultiFactorAuthentication"};
  });
  Caller app = Sign(sp->id, /*mfa=*/false);
  app.kind = PrincipalKind::kServicePrincipal;
  auto refused = svc_->SubmitRequest(
      app, ActivationInput(sp->id, testing_util::kSecAdmin, Duration::Hours(1)));
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().error_code(), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_NE(refused.status().details_json().find("MfaRequired"), std::string::npos);
  EXPECT_NE(refused.status().message().find("a service principal cannot prove MFA"),
            std::string::npos)
      << refused.status().message();
  // A user refused for the same rule is not told that.
  const std::string bob = NewUser("bob");
  MakeEligible(bob, testing_util::kSecAdmin);
  auto user = svc_->SubmitRequest(
      Sign(bob, /*mfa=*/false), ActivationInput(bob, testing_util::kSecAdmin, Duration::Hours(1)));
  ASSERT_EQ(user.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(user.status().message().find("service principal"), std::string::npos);
}

TEST_F(AuthTest, TotpEnrollmentNeedsAValidCodeAndASecondMethodNeedsFreshMfa) {
  Caller c = Sign(alice_, /*mfa=*/false);
  auto e = svc_->EnrollTotp(c);
  ASSERT_TRUE(e.ok());
  EXPECT_NE(e->otpauth_uri.find("secret=" + e->secret_key), std::string::npos);
  EXPECT_EQ(svc_->VerifyTotpEnrollment(c, e->method.id, "123456").code(),
            StatusCode::kInvalidArgument);
  auto methods = svc_->ListTotpMethods(c, alice_);
  ASSERT_TRUE(methods.ok());
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_FALSE((*methods)[0].verified);
  auto secret = Base32Decode(e->secret_key);
  ASSERT_TRUE(svc_->VerifyTotpEnrollment(c, e->method.id, TotpCode(*secret, clock_.Now())).ok());
  EXPECT_TRUE((*svc_->ListTotpMethods(c, alice_))[0].verified);
  EXPECT_EQ(svc_->EnrollTotp(c).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(svc_->EnrollTotp(Sign(alice_, /*mfa=*/true)).ok());
  // Another user cannot list alice's methods.
  std::string bob = NewUser("bob");
  EXPECT_EQ(svc_->ListTotpMethods(Sign(bob), alice_).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, CompletingAnEnrollmentStartedBeforeAnotherWasVerifiedNeedsFreshMfa) {
  // Someone holding only alice's password starts an enrollment before she sets up her own.
  Caller thief = Sign(alice_, /*mfa=*/false);
  auto stolen = svc_->EnrollTotp(thief);
  ASSERT_TRUE(stolen.ok()) << stolen.status().ToString();
  auto thief_secret = Base32Decode(stolen->secret_key);
  ASSERT_TRUE(thief_secret.ok());
  EnrollAlice();
  // Completing it now would give the thief a second factor of alice's without ever proving hers.
  Status st =
      svc_->VerifyTotpEnrollment(thief, stolen->method.id, TotpCode(*thief_secret, clock_.Now()));
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.details_json().find("MfaRequired"), std::string::npos);
  auto methods = svc_->ListTotpMethods(Sign(alice_), alice_);
  ASSERT_TRUE(methods.ok());
  ASSERT_EQ(methods->size(), 2u);
  EXPECT_FALSE((*methods)[0].verified);
  // With a code of her own proven just now, alice may complete it.
  EXPECT_TRUE(svc_->VerifyTotpEnrollment(Sign(alice_, /*mfa=*/true), stolen->method.id,
                                         TotpCode(*thief_secret, clock_.Now()))
                  .ok());
}

}  // namespace
}  // namespace pim
