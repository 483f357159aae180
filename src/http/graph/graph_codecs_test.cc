// Codec strictness: every class of bad input is a 400 whose message names the field.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/graph/codecs_approval.h"
#include "http/graph/codecs_directory.h"
#include "http/graph/codecs_role.h"
#include "http/graph/codecs_schedule.h"
#include "http/graph/json_fields.h"
#include "http/router.h"

namespace pim::http {
namespace {

namespace json = boost::json;

const char* kGoodRequest = R"({
  "action": "selfActivate", "principalId": "00000000-0000-4000-8000-000000000001",
  "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/",
  "justification": "fix prod", "ticketInfo": {"ticketNumber": "INC1", "ticketSystem": "Jira"},
  "scheduleInfo": {"startDateTime": "2026-11-26T05:21:04Z",
                   "expiration": {"type": "afterDuration", "duration": "PT1H"}},
  "isValidationOnly": false})";

// The good request with `path` (dotted) replaced by `value` (JSON text), or removed when
// `value` is empty.
std::string With(const std::string& path, const std::string& value) {
  json::value doc = json::parse(kGoodRequest);
  json::object* obj = &doc.as_object();
  std::string rest = path;
  size_t dot;
  while ((dot = rest.find('.')) != std::string::npos) {
    obj = &(*obj)[rest.substr(0, dot)].as_object();
    rest = rest.substr(dot + 1);
  }
  if (value.empty()) {
    obj->erase(rest);
  } else {
    (*obj)[rest] = json::parse(value);
  }
  return json::serialize(doc);
}

// Expects a 400 whose message contains every one of `needles`.
void Expect400(const Status& st, std::initializer_list<std::string> needles) {
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(ErrorResponse(st).status, 400);
  for (const std::string& needle : needles) {
    EXPECT_NE(st.message().find(needle), std::string::npos)
        << "message '" << st.message() << "' does not name '" << needle << "'";
  }
}

Status Decode(const std::string& body) {
  return DecodeScheduleRequest(ScheduleKind::kAssignment, body).status();
}

TEST(ScheduleRequestCodecTest, DecodesTheDocumentedBody) {
  auto in = DecodeScheduleRequest(ScheduleKind::kAssignment, kGoodRequest);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->kind, ScheduleKind::kAssignment);
  EXPECT_EQ(in->action, RequestAction::kSelfActivate);
  EXPECT_EQ(in->principal_id, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(in->role_definition_id, "62e90394-69f5-4237-9190-012177145e10");
  EXPECT_EQ(in->directory_scope_id, "/");
  EXPECT_EQ(in->justification, "fix prod");
  EXPECT_EQ(in->ticket_number, "INC1");
  EXPECT_EQ(in->ticket_system, "Jira");
  EXPECT_EQ(in->schedule_info.start, ParseTimestamp("2026-11-26T05:21:04Z").value());
  EXPECT_EQ(in->schedule_info.type, ExpirationType::kAfterDuration);
  EXPECT_EQ(in->schedule_info.duration, Duration::Hours(1));
  EXPECT_FALSE(in->is_validation_only);
}

TEST(ScheduleRequestCodecTest, AcceptsEnumsCaseInsensitivelyAndODataType) {
  auto in = DecodeScheduleRequest(
      ScheduleKind::kEligibility,
      With("action", R"("ADMINassign")").replace(1, 0, R"("@odata.type":"#x",)"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->action, RequestAction::kAdminAssign);
  EXPECT_EQ(ActionName(in->action), "adminAssign");
  auto upper = DecodeScheduleRequest(ScheduleKind::kAssignment,
                                     With("scheduleInfo.expiration.type", R"("AFTERDURATION")"));
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(ExpirationTypeName(upper->schedule_info.type), "afterDuration");
}

TEST(ScheduleRequestCodecTest, RefusesMalformedJson) {
  Expect400(Decode(R"({"action":)"), {"not valid JSON"});
  Expect400(Decode("[]"), {"JSON object"});
  Expect400(Decode(""), {"empty"});
  Expect400(Decode(R"({"action":"selfActivate",})"), {"JSON"});
}

// A member named twice would be read as its last copy here and may be read as its first by a
// proxy or a log in front of pimd; either way one of them decides unseen. Refused at any depth,
// even when both copies agree.
TEST(ScheduleRequestCodecTest, RefusesAMemberNamedTwice) {
  std::string body = kGoodRequest;
  std::string twice = body;
  twice.insert(1, R"("principalId": "00000000-0000-4000-8000-000000000002", )");
  Expect400(Decode(twice), {"principalId", "more than once"});
  std::string nested = body;
  nested.insert(nested.find("\"ticketNumber\""), R"("ticketNumber": "INC1", )");
  Expect400(Decode(nested), {"ticketInfo.ticketNumber", "more than once"});
  std::string in_array = R"({"a": [1, {"x": 1, "y": {"z": 1, "z": 1}}]})";
  Result<json::object> parsed = ParseJsonObject(in_array);
  Expect400(parsed.status(), {"a[1].y.z", "more than once"});
  // Escapes name the same member: "\u0061" is "a".
  Expect400(ParseJsonObject(R"({"a": 1, "\u0061": 2})").status(), {"'a'", "more than once"});
  // The same name in sibling objects is not a repeat.
  EXPECT_TRUE(ParseJsonObject(R"({"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]})").ok());
}

TEST(ScheduleRequestCodecTest, RefusesWrongJsonTypes) {
  Expect400(Decode(With("principalId", "5")), {"principalId", "string"});
  Expect400(Decode(With("justification", "[\"x\"]")), {"justification"});
  Expect400(Decode(With("isValidationOnly", R"("false")")), {"isValidationOnly"});
  Expect400(Decode(With("scheduleInfo", R"("tomorrow")")), {"scheduleInfo", "object"});
  Expect400(Decode(With("ticketInfo.ticketNumber", "7")), {"ticketInfo.ticketNumber"});
  Expect400(Decode(With("scheduleInfo.expiration.duration", "3600")),
            {"scheduleInfo.expiration.duration"});
}

TEST(ScheduleRequestCodecTest, RefusesUnknownEnumValues) {
  Expect400(Decode(With("action", R"("selfActivateNow")")), {"action", "selfActivateNow"});
  Expect400(Decode(With("scheduleInfo.expiration.type", R"("sometimes")")),
            {"scheduleInfo.expiration.type", "sometimes", "afterDuration"});
}

TEST(ScheduleRequestCodecTest, RefusesMissingRequiredFields) {
  for (const char* field : {"action", "principalId", "roleDefinitionId", "directoryScopeId"}) {
    Expect400(Decode(With(field, "")), {field, "required"});
  }
  Expect400(Decode(With("principalId", R"("")")), {"principalId"});
  Expect400(Decode(With("action", "null")), {"action", "required"});
}

TEST(ScheduleRequestCodecTest, RefusesUnknownProperties) {
  Expect400(Decode(With("colour", R"("red")")), {"colour"});
  Expect400(Decode(With("ticketInfo.ticketUrl", R"("x")")), {"ticketInfo.ticketUrl"});
  Expect400(Decode(With("scheduleInfo.expiration.endTime", R"("x")")),
            {"scheduleInfo.expiration.endTime"});
  Expect400(Decode(With("appScopeId", R"("/apps/1")")), {"appScopeId"});
}

TEST(ScheduleRequestCodecTest, RefusesBadInstantsAndDurations) {
  for (const char* d : {"-PT1H", "PT-1H", "PT1X", "1 hour", "P1M", "P1Y", "PT1.5H", "", "PT0S"}) {
    Expect400(Decode(With("scheduleInfo.expiration.duration", "\"" + std::string(d) + "\"")),
              {"scheduleInfo.expiration.duration"});
  }
  for (const char* t :
       {"2026-13-45T00:00:00Z", "yesterday", "26/11/2026 05:21", "", "2026-11-26T05:21:04"}) {
    Expect400(Decode(With("scheduleInfo.startDateTime", "\"" + std::string(t) + "\"")),
              {"scheduleInfo.startDateTime"});
  }
}

TEST(ScheduleRequestCodecTest, RefusesInconsistentExpirations) {
  Expect400(Decode(With("scheduleInfo.expiration", R"({"type":"afterDuration"})")),
            {"scheduleInfo.expiration.duration", "required"});
  Expect400(Decode(With("scheduleInfo.expiration", R"({"type":"afterDateTime"})")),
            {"scheduleInfo.expiration.endDateTime", "required"});
  Expect400(Decode(With("scheduleInfo.expiration", R"({"type":"noExpiration","duration":"PT1H"})")),
            {"scheduleInfo.expiration.duration"});
  Expect400(Decode(With("scheduleInfo.expiration",
                        R"({"type":"afterDateTime","endDateTime":"2026-11-26T05:00:00Z"})")),
            {"endDateTime", "after"});
  auto inferred = DecodeScheduleRequest(
      ScheduleKind::kAssignment,
      With("scheduleInfo.expiration", R"({"endDateTime":"2026-11-27T00:00:00+01:00"})"));
  ASSERT_TRUE(inferred.ok()) << inferred.status().ToString();
  EXPECT_EQ(inferred->schedule_info.type, ExpirationType::kAfterDateTime);
  EXPECT_EQ(FormatTimestamp(*inferred->schedule_info.end), "2026-11-26T23:00:00Z");
}

TEST(ScheduleRequestCodecTest, RefusesRecurrence) {
  Expect400(Decode(With("scheduleInfo.recurrence", R"({"pattern":{"type":"daily"}})")),
            {"scheduleInfo.recurrence", "not supported"});
  EXPECT_TRUE(Decode(With("scheduleInfo.recurrence", "null")).ok());
}

TEST(ScheduleCodecTest, PermanentScheduleHasNullEndAndNoExpiration) {
  Schedule s;
  s.id = "s1";
  s.kind = ScheduleKind::kAssignment;
  s.assignment_type = "Assigned";
  s.start = Timestamp::FromSeconds(1795651200);
  json::object g = ScheduleToGraph(s);
  const json::object& exp = g["scheduleInfo"].as_object()["expiration"].as_object();
  EXPECT_EQ(exp.at("type"), "noExpiration");
  EXPECT_TRUE(exp.at("endDateTime").is_null());
  EXPECT_EQ(g["scheduleInfo"].as_object()["startDateTime"], "2026-11-26T00:00:00Z");
  EXPECT_EQ(g["assignmentType"], "Assigned");
  EXPECT_TRUE(g["activatedUsing"].is_null());

  ScheduleInstance i{"s1", s};
  json::object gi = InstanceToGraph(i);
  EXPECT_TRUE(gi["endDateTime"].is_null());
  EXPECT_EQ(gi["roleAssignmentScheduleId"], "s1");
  EXPECT_EQ(gi["roleAssignmentOriginId"], "s1");
}

TEST(ScheduleCodecTest, TimedActivationCarriesEndDurationAndLink) {
  Schedule s;
  s.id = "a1";
  s.kind = ScheduleKind::kAssignment;
  s.assignment_type = "Activated";
  s.activated_using = "e1";
  s.start = Timestamp::FromSeconds(1795651200);
  s.end = s.start + Duration::Hours(2);
  s.expiration_type = ExpirationType::kAfterDuration;
  s.duration = Duration::Hours(2);
  json::object g = ScheduleToGraph(s);
  const json::object& exp = g["scheduleInfo"].as_object()["expiration"].as_object();
  EXPECT_EQ(exp.at("type"), "afterDuration");
  EXPECT_EQ(exp.at("endDateTime"), "2026-11-26T02:00:00Z");
  EXPECT_EQ(exp.at("duration"), "PT2H");
  EXPECT_EQ(g["activatedUsing"].as_object()["id"], "e1");

  s.kind = ScheduleKind::kEligibility;
  json::object ge = InstanceToGraph(ScheduleInstance{"a1", s});
  EXPECT_EQ(ge["roleEligibilityScheduleId"], "a1");
  EXPECT_EQ(ge["endDateTime"], "2026-11-26T02:00:00Z");
  EXPECT_FALSE(ge.contains("assignmentType"));
}

// The members of schedules and instances, in order, as Graph lists them.
TEST(ScheduleCodecTest, ScheduleAndInstanceGoldenText) {
  Schedule s;
  s.id = "a1";
  s.kind = ScheduleKind::kAssignment;
  s.principal_id = "p";
  s.role_definition_id = "d";
  s.directory_scope_id = "/";
  s.member_type = "Direct";
  s.assignment_type = "Activated";
  s.status = "Provisioned";
  s.created_using = "r1";
  s.activated_using = "e1";
  s.created = s.modified = s.start = Timestamp::FromSeconds(1795651200);
  s.end = s.start + Duration::Hours(2);
  s.expiration_type = ExpirationType::kAfterDuration;
  s.duration = Duration::Hours(2);
  EXPECT_EQ(
      json::serialize(ScheduleToGraph(s)),
      R"json({"id":"a1","principalId":"p","roleDefinitionId":"d","directoryScopeId":"/","appScopeId":null,"createdUsing":"r1","createdDateTime":"2026-11-26T00:00:00Z","modifiedDateTime":"2026-11-26T00:00:00Z","status":"Provisioned","memberType":"Direct","assignmentType":"Activated","activatedUsing":{"id":"e1"},"scheduleInfo":{"startDateTime":"2026-11-26T00:00:00Z","recurrence":null,"expiration":{"type":"afterDuration","endDateTime":"2026-11-26T02:00:00Z","duration":"PT2H"}}})json");
  EXPECT_EQ(
      json::serialize(InstanceToGraph(ScheduleInstance{"a1", s})),
      R"json({"id":"a1","principalId":"p","roleDefinitionId":"d","directoryScopeId":"/","appScopeId":null,"startDateTime":"2026-11-26T00:00:00Z","endDateTime":"2026-11-26T02:00:00Z","memberType":"Direct","assignmentType":"Activated","roleAssignmentOriginId":"a1","roleAssignmentScheduleId":"a1","activatedUsing":{"id":"e1"}})json");
  Schedule e = s;
  e.kind = ScheduleKind::kEligibility;
  e.end = Timestamp::Max();
  e.duration.reset();
  e.created_using.clear();
  EXPECT_EQ(
      json::serialize(ScheduleToGraph(e)),
      R"json({"id":"a1","principalId":"p","roleDefinitionId":"d","directoryScopeId":"/","appScopeId":null,"createdUsing":null,"createdDateTime":"2026-11-26T00:00:00Z","modifiedDateTime":"2026-11-26T00:00:00Z","status":"Provisioned","memberType":"Direct","scheduleInfo":{"startDateTime":"2026-11-26T00:00:00Z","recurrence":null,"expiration":{"type":"noExpiration","endDateTime":null,"duration":null}}})json");
  EXPECT_EQ(
      json::serialize(InstanceToGraph(ScheduleInstance{"e1", e})),
      R"json({"id":"e1","principalId":"p","roleDefinitionId":"d","directoryScopeId":"/","appScopeId":null,"startDateTime":"2026-11-26T00:00:00Z","endDateTime":null,"memberType":"Direct","roleEligibilityScheduleId":"a1"})json");
}

TEST(ScheduleCodecTest, RequestShape) {
  ScheduleRequest r;
  r.id = "r1";
  r.status = "Granted";
  r.principal_id = "p";
  r.role_definition_id = "d";
  r.created_by = "p";
  r.ticket_number = "INC1";
  r.created = Timestamp::FromSeconds(1795651200);
  r.schedule_info.type = ExpirationType::kAfterDuration;
  r.schedule_info.duration = Duration::Minutes(90);
  json::object g = RequestToGraph(r);
  EXPECT_EQ(g["action"], "selfActivate");
  EXPECT_EQ(g["createdBy"].as_object()["user"].as_object()["id"], "p");
  EXPECT_EQ(g["ticketInfo"].as_object()["ticketNumber"], "INC1");
  EXPECT_TRUE(g["ticketInfo"].as_object()["ticketSystem"].is_null());
  EXPECT_TRUE(g["approvalId"].is_null());
  EXPECT_TRUE(g["completedDateTime"].is_null());
  EXPECT_EQ(g["createdDateTime"], "2026-11-26T00:00:00Z");
  EXPECT_EQ(g["scheduleInfo"].as_object()["expiration"].as_object()["duration"], "PT1H30M");
  for (const char* key : {"id", "status", "principalId", "roleDefinitionId", "directoryScopeId",
                          "justification", "targetScheduleId", "isValidationOnly"}) {
    EXPECT_TRUE(g.contains(key)) << key;
  }
}

// The entity response's text (RequestToGraphJson) is the listing's tree (RequestToGraph)
// serialised, members in Graph's order, for a bare request and a full one.
TEST(ScheduleCodecTest, RequestTextIsTheTreeSerialised) {
  ScheduleRequest bare;
  bare.id = "r1";
  bare.status = "Provisioned";
  bare.principal_id = "p";
  bare.role_definition_id = "d";
  bare.directory_scope_id = "/";
  bare.created = Timestamp::FromSeconds(1795651200);
  EXPECT_EQ(
      RequestToGraphJson(bare),
      R"json({"id":"r1","status":"Provisioned","action":"selfActivate","principalId":"p","roleDefinitionId":"d","directoryScopeId":"/","appScopeId":null,"justification":null,"isValidationOnly":false,"targetScheduleId":null,"approvalId":null,"customData":null,"createdDateTime":"2026-11-26T00:00:00Z","completedDateTime":null,"createdBy":{"application":null,"device":null,"user":{"id":null}},"ticketInfo":{"ticketNumber":null,"ticketSystem":null},"scheduleInfo":{"startDateTime":null,"recurrence":null,"expiration":{"type":"notSpecified","endDateTime":null,"duration":null}}})json");
  EXPECT_EQ(RequestToGraphJson(bare), json::serialize(RequestToGraph(bare)));

  ScheduleRequest full = bare;
  full.action = RequestAction::kAdminExtend;
  full.justification = "needs \"quotes\" and a\nnewline, caf\xc3\xa9";
  full.is_validation_only = true;
  full.target_schedule_id = "s1";
  full.approval_id = "a1";
  full.custom_data = "{}";
  full.completed = Timestamp::FromSeconds(1795651260);
  full.created_by = "admin";
  full.ticket_number = "INC1";
  full.ticket_system = "Jira";
  full.schedule_info.start = Timestamp::FromSeconds(1795651200);
  full.schedule_info.type = ExpirationType::kAfterDateTime;
  full.schedule_info.end = Timestamp::FromSeconds(1795658400);
  full.schedule_info.duration = Duration::Hours(2);
  EXPECT_EQ(RequestToGraphJson(full), json::serialize(RequestToGraph(full)));
  EXPECT_NE(RequestToGraphJson(full).find(R"("justification":"needs \"quotes\" and a\nnewline)"),
            std::string::npos);
  EXPECT_EQ(
      json::serialize(RequestScheduleToGraph(full.schedule_info)),
      R"json({"startDateTime":"2026-11-26T00:00:00Z","recurrence":null,"expiration":{"type":"afterDateTime","endDateTime":"2026-11-26T02:00:00Z","duration":"PT2H"}})json");
}

TEST(DirectoryCodecTest, NewUserIsStrict) {
  const std::string good =
      R"({"displayName":"A","userPrincipalName":"a@x","passwordProfile":{"password":"pw-long-enough"}})";
  auto user = DecodeNewUser(good);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->user_principal_name, "a@x");
  EXPECT_TRUE(user->account_enabled);
  Expect400(DecodeNewUser(R"({"displayName":5})").status(), {"displayName"});
  Expect400(DecodeNewUser(R"({"displayName":"A","userPrincipalName":"a@x"})").status(),
            {"passwordProfile", "required"});
  Expect400(DecodeNewUser(R"({"displayName":"A","userPrincipalName":"a@x",
                              "passwordProfile":"pw"})")
                .status(),
            {"passwordProfile"});
  Expect400(DecodeNewUser(R"({"displayName":"A","userPrincipalName":"a@x","accountEnabled":"yes",
                              "passwordProfile":{"password":"pw-long-enough"}})")
                .status(),
            {"accountEnabled"});
  Expect400(DecodeNewUser(R"({"displayName":"A","userPrincipalName":"a@x","shoeSize":44,
                              "passwordProfile":{"password":"pw-long-enough"}})")
                .status(),
            {"shoeSize"});
}

TEST(DirectoryCodecTest, MemberReferences) {
  auto id = DecodeMemberRef(
      R"({"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/abc-123"})");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "abc-123");
  Expect400(DecodeMemberRef(R"({"@odata.id":"https://x/v1.0/roles/abc"})").status(), {"@odata.id"});
  Expect400(DecodeMemberRef(R"({})").status(), {"@odata.id", "required"});
  auto group = DecodeNewGroup(
      R"({"displayName":"Ops","mailEnabled":false,"mailNickname":"ops","securityEnabled":true,
          "members@odata.bind":["https://x/v1.0/users/u1","https://x/v1.0/directoryObjects/u2"]})");
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ(group->member_ids, (std::vector<std::string>{"u1", "u2"}));
  Expect400(DecodeNewGroup(R"({"displayName":"Ops","mailEnabled":true})").status(),
            {"mailEnabled"});
}

TEST(DirectoryCodecTest, DirectoryObjectsCarryTheirType) {
  Principal g;
  g.kind = PrincipalKind::kGroup;
  g.id = "g";
  EXPECT_EQ(DirectoryObjectToGraph(g)["@odata.type"], "#microsoft.graph.group");
  Principal sp;
  sp.kind = PrincipalKind::kServicePrincipal;
  EXPECT_EQ(DirectoryObjectToGraph(sp)["@odata.type"], "#microsoft.graph.servicePrincipal");
}

TEST(RoleDefinitionCodecTest, CreateAndPatch) {
  auto def = DecodeNewRoleDefinition(
      R"({"displayName":"Reader","rolePermissions":[{"allowedResourceActions":["a/b/read"]}]})");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->role_permissions.at(0).allowed_resource_actions.at(0), "a/b/read");
  Expect400(DecodeNewRoleDefinition(R"({"displayName":"Reader"})").status(),
            {"rolePermissions", "required"});
  Expect400(DecodeNewRoleDefinition(
                R"({"displayName":"R","rolePermissions":[{"allowedResourceActions":"x"}]})")
                .status(),
            {"rolePermissions[0].allowedResourceActions"});
  auto patched = DecodeRoleDefinitionPatch(R"({"isEnabled":false})", *def);
  ASSERT_TRUE(patched.ok());
  EXPECT_FALSE(patched->is_enabled);
  EXPECT_EQ(patched->display_name, "Reader");
  Expect400(DecodeRoleDefinitionPatch(R"({"templateId":"x"})", *def).status(), {"templateId"});
}

TEST(ApprovalCodecTest, ReviewResultIsAnEnum) {
  auto review = DecodeStepReview(R"({"reviewResult":"approve","justification":"ok"})");
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->review_result, "Approve");
  EXPECT_EQ(DecodeStepReview(R"({"reviewResult":"Denied"})")->review_result, "Deny");
  Expect400(DecodeStepReview(R"({"reviewResult":"maybe"})").status(), {"reviewResult", "maybe"});
  Expect400(DecodeStepReview(R"({"justification":"x"})").status(), {"reviewResult", "required"});
  Expect400(DecodeStepReview(R"({"reviewResult":"Approve","comment":"x"})").status(), {"comment"});
}

TEST(ApprovalCodecTest, StepShapeWithQuorumAndReviews) {
  ApprovalStep step;
  step.id = "s";
  step.status = "InProgress";
  step.quorum = 2;
  step.reviews.push_back({"u1", "Approve", "fine", Timestamp::FromSeconds(1795651200)});
  json::object g = StepToGraph(step, true, [](const std::string& id) { return "Name " + id; });
  EXPECT_EQ(g["assignedToMe"], true);
  EXPECT_EQ(g["pimQuorum"], 2);
  EXPECT_TRUE(g["reviewedBy"].is_null());
  const json::object& review = g["pimReviews"].as_array().at(0).as_object();
  EXPECT_EQ(review.at("reviewedBy").as_object().at("displayName"), "Name u1");
  EXPECT_EQ(review.at("reviewedDateTime"), "2026-11-26T00:00:00Z");
}

}  // namespace
}  // namespace pim::http
