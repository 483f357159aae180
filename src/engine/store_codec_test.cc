#include "engine/store_codec.h"

#include <gtest/gtest.h>

namespace pim {
namespace {

TEST(StoreCodecTest, ScheduleRoundTripsEveryField) {
  Schedule s;
  s.id = "00000000-0000-4000-8000-000000000001";
  s.kind = ScheduleKind::kAssignment;
  s.principal_id = "p";
  s.role_definition_id = "r";
  s.directory_scope_id = "/a/b";
  s.member_type = "Group";
  s.assignment_type = "Activated";
  s.status = "Revoked";
  s.created_using = "req";
  s.activated_using = "elig";
  s.created = Timestamp::FromMicros(1);
  s.modified = Timestamp::FromMicros(2);
  s.start = Timestamp::FromMicros(3);
  s.end = Timestamp::FromMicros(4);
  s.expiration_type = ExpirationType::kAfterDuration;
  s.duration = Duration::Micros(1);
  s.removed = Timestamp::FromMicros(4);
  auto d = DecodeSchedule(EncodeSchedule(s));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(EncodeSchedule(*d), EncodeSchedule(s));
  EXPECT_EQ(d->removed, s.removed);
  EXPECT_EQ(d->end, s.end);

  Schedule forever;
  auto f = DecodeSchedule(EncodeSchedule(forever));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->end.is_max());
  EXPECT_FALSE(f->removed.has_value());
}

TEST(StoreCodecTest, RequestApprovalPrincipalAndCredentialRoundTrip) {
  ScheduleRequest r;
  r.id = "id";
  r.kind = ScheduleKind::kEligibility;
  r.action = RequestAction::kSelfRenew;
  r.justification = "why \"quoted\"";
  r.schedule_info.start = Timestamp::FromSeconds(10);
  r.schedule_info.type = ExpirationType::kAfterDateTime;
  r.schedule_info.end = Timestamp::FromSeconds(20);
  r.completed = Timestamp::FromSeconds(30);
  r.cancel_reason = "Approval stage timed out";
  auto rd = DecodeRequest(EncodeRequest(r));
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ(EncodeRequest(*rd), EncodeRequest(r));
  EXPECT_EQ(rd->action, RequestAction::kSelfRenew);
  EXPECT_EQ(rd->schedule_info.end, r.schedule_info.end);

  Approval a;
  a.id = "a";
  a.request_id = "r";
  ApprovalStep st;
  st.id = "s";
  st.quorum = 2;
  st.approver_group_ids = {"g"};
  st.reviews.push_back({"u", "Approve", "fine", Timestamp::FromSeconds(5), true});
  st.started = Timestamp::FromSeconds(4);
  st.escalation_minutes = 45;
  st.escalation_user_ids = {"e"};
  st.escalation_group_ids = {"eg"};
  a.steps.push_back(st);
  auto ad = DecodeApproval(EncodeApproval(a));
  ASSERT_TRUE(ad.ok());
  EXPECT_EQ(EncodeApproval(*ad), EncodeApproval(a));
  EXPECT_EQ(ad->steps[0].escalation_minutes, 45);
  EXPECT_EQ(ad->steps[0].escalation_user_ids, st.escalation_user_ids);
  EXPECT_EQ(ad->steps[0].escalation_group_ids, st.escalation_group_ids);
  EXPECT_TRUE(ad->steps[0].reviews[0].escalation);
  // An approval stored before escalation was implemented does not escalate.
  auto old = DecodeApproval(R"({"id": "a", "requestId": "r", "steps": [{"id": "s",
      "status": "InProgress", "userIds": ["u"], "reviews": [{"reviewerId": "u",
      "result": "Approve", "at": 5000000}], "started": 4000000}]})");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->steps[0].escalation_minutes, 0);
  EXPECT_FALSE(old->steps[0].reviews[0].escalation);

  Principal p;
  p.id = "p";
  p.kind = PrincipalKind::kGroup;
  p.members = {"x", "y"};
  p.deleted = Timestamp::FromSeconds(9);
  auto pd = DecodePrincipal(EncodePrincipal(p));
  ASSERT_TRUE(pd.ok());
  EXPECT_EQ(EncodePrincipal(*pd), EncodePrincipal(p));

  CredentialRecord c;
  c.principal_id = "p";
  c.password_hash = "$argon2id$...";
  c.failed_attempts = 3;
  c.locked_until = Timestamp::FromSeconds(99);
  c.last_totp_step = 1234;
  c.client_secrets.push_back(
      {"k", "ci", "abc", "hash", Timestamp::FromSeconds(1), Timestamp::FromSeconds(2)});
  auto cd = DecodeCredential(EncodeCredential(c));
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(EncodeCredential(*cd), EncodeCredential(c));

  SessionRecord s;
  s.id = "s";
  s.mfa_time = Timestamp::FromSeconds(7);
  auto sd = DecodeSession(EncodeSession(s));
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(EncodeSession(*sd), EncodeSession(s));
  s.used_refresh_hashes = {"h1", "h2"};
  sd = DecodeSession(EncodeSession(s));
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->used_refresh_hashes, s.used_refresh_hashes);

  SignInThrottle t{"2001:db8:1:2::/64", 3, Timestamp::FromSeconds(5), Timestamp::FromSeconds(65)};
  auto td = DecodeSignInThrottle(EncodeSignInThrottle(t));
  ASSERT_TRUE(td.ok());
  EXPECT_EQ(td->source, t.source);
  EXPECT_EQ(td->failures, 3);
  EXPECT_EQ(td->last_failure, t.last_failure);
  EXPECT_EQ(td->blocked_until, t.blocked_until);
}

TEST(StoreCodecTest, GarbageIsAnInternalError) {
  EXPECT_EQ(DecodeSchedule("not json").status().code(), StatusCode::kInternal);
  EXPECT_EQ(DecodeRequest("[1,2]").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace pim
