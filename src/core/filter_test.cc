#include "core/filter.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace pim {
namespace {

namespace json = boost::json;

const std::set<std::string> kAllowed = {"principalId",
                                        "roleDefinitionId",
                                        "directoryScopeId",
                                        "status",
                                        "action",
                                        "createdDateTime",
                                        "displayName",
                                        "id",
                                        "isBuiltIn",
                                        "count",
                                        "initiatedBy/user/id",
                                        "category",
                                        "justification"};

const char* kPrincipal = "00000000-0000-4000-8000-00000000000a";

class FilterTest : public ::testing::Test {
 protected:
  json::object Object() const {
    return json::parse(R"({
      "id": "req-1", "principalId": "00000000-0000-4000-8000-00000000000a",
      "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/",
      "status": "Provisioned", "action": "selfActivate", "displayName": "O'Brien",
      "createdDateTime": "2026-11-26T05:21:04.5Z", "isBuiltIn": true, "count": 3,
      "category": null, "initiatedBy": {"user": {"id": "admin-1"}}})")
        .as_object();
  }
  // Parses and evaluates against Object(); fails the test on a parse error.
  bool Match(const std::string& text) const {
    Result<Filter> f = Filter::Parse(text, kAllowed);
    EXPECT_TRUE(f.ok()) << text << ": " << f.status().ToString();
    return f.ok() && f->Matches(Object());
  }
  std::string Error(const std::string& text) const {
    Result<Filter> f = Filter::Parse(text, kAllowed);
    EXPECT_FALSE(f.ok()) << text << " should be refused";
    if (f.ok()) return "";
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
    return f.status().message();
  }
};

TEST_F(FilterTest, StringEqualityIsCaseInsensitive) {
  EXPECT_TRUE(Match("status eq 'Provisioned'"));
  EXPECT_TRUE(Match("status eq 'PROVISIONED'"));
  EXPECT_FALSE(Match("status eq 'Granted'"));
  EXPECT_TRUE(Match("status ne 'Granted'"));
  EXPECT_FALSE(Match("status ne 'provisioned'"));
  EXPECT_TRUE(Match("displayName eq 'O''Brien'"));
  EXPECT_TRUE(Match("directoryScopeId eq '/'"));
}

TEST_F(FilterTest, KeywordsAreCaseInsensitive) {
  EXPECT_TRUE(Match("status EQ 'Provisioned' AND action Eq 'selfActivate'"));
  EXPECT_TRUE(Match("NOT status eq 'Granted' OR id eq 'x'"));
  EXPECT_TRUE(Match("isBuiltIn eq TRUE"));
}

TEST_F(FilterTest, OrderingOperatorsOnStrings) {
  EXPECT_TRUE(Match("action gt 'self'"));
  EXPECT_TRUE(Match("action ge 'SELFACTIVATE'"));
  EXPECT_TRUE(Match("action le 'selfactivate'"));
  EXPECT_FALSE(Match("action lt 'selfActivate'"));
  EXPECT_TRUE(Match("action lt 'T'"));  // case-insensitive: "selfactivate" < "t"
}

TEST_F(FilterTest, GuidLiteralsUnquotedAndQuoted) {
  EXPECT_TRUE(Match("principalId eq 00000000-0000-4000-8000-00000000000A"));
  EXPECT_TRUE(Match("roleDefinitionId eq '62E90394-69F5-4237-9190-012177145E10'"));
  EXPECT_FALSE(Match("principalId eq 00000000-0000-4000-8000-00000000000b"));
}

TEST_F(FilterTest, BooleanNullAndIntegerLiterals) {
  EXPECT_TRUE(Match("isBuiltIn eq true"));
  EXPECT_FALSE(Match("isBuiltIn eq false"));
  EXPECT_TRUE(Match("isBuiltIn ne false"));
  EXPECT_TRUE(Match("category eq null"));
  EXPECT_TRUE(Match("justification eq null"));  // missing compares as null
  EXPECT_FALSE(Match("status eq null"));
  EXPECT_TRUE(Match("status ne null"));
  EXPECT_FALSE(Match("justification gt null"));
  EXPECT_FALSE(Match("justification eq 'x'"));
  EXPECT_TRUE(Match("justification ne 'x'"));
  EXPECT_TRUE(Match("count eq 3"));
  EXPECT_TRUE(Match("count gt -1"));
  EXPECT_TRUE(Match("count ge 3 and count le 3 and count lt 4"));
  EXPECT_FALSE(Match("count gt 3"));
  EXPECT_FALSE(Match("status eq 3"));  // type mismatch never equals
  EXPECT_TRUE(Match("status ne 3"));
}

TEST_F(FilterTest, DateTimeOffsetsCompareAsInstants) {
  EXPECT_TRUE(Match("createdDateTime ge 2026-11-26T05:21:04Z"));
  EXPECT_FALSE(Match("createdDateTime le 2026-11-26T05:21:04Z"));
  EXPECT_TRUE(Match("createdDateTime lt 2026-11-26T05:21:05Z"));
  EXPECT_TRUE(Match("createdDateTime eq 2026-11-26T05:21:04.500Z"));
  EXPECT_TRUE(Match("createdDateTime eq 2026-11-26T06:21:04.5+01:00"));
  EXPECT_TRUE(
      Match("createdDateTime gt 2026-11-26T00:00:00Z and createdDateTime lt "
            "2026-11-27T00:00:00Z"));
  EXPECT_FALSE(Match("status gt 2020-01-01T00:00:00Z"));  // not a timestamp: no ordering
  EXPECT_TRUE(Match("status ne 2020-01-01T00:00:00Z"));
}

TEST_F(FilterTest, NestedPaths) {
  EXPECT_TRUE(Match("initiatedBy/user/id eq 'ADMIN-1'"));
  EXPECT_FALSE(Match("initiatedBy/user/id eq 'admin-2'"));
  json::object no_user = json::parse(R"({"initiatedBy": {"app": {"id": "x"}}})").as_object();
  Result<Filter> f = Filter::Parse("initiatedBy/user/id eq null", kAllowed);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches(no_user));
  EXPECT_TRUE(f->Matches(json::parse(R"({"initiatedBy": "flat"})").as_object()));
}

TEST_F(FilterTest, PrecedenceNotThenAndThenOr) {
  // a or (b and c): true although c is false.
  EXPECT_TRUE(Match("status eq 'Provisioned' or id eq 'nope' and count eq 99"));
  // (a or b) and c with parentheses: false.
  EXPECT_FALSE(Match("(status eq 'Provisioned' or id eq 'nope') and count eq 99"));
  // (not a) and b: false, because a holds.
  EXPECT_FALSE(Match("not status eq 'Provisioned' and count eq 3"));
  // not (a and b): true because b fails.
  EXPECT_TRUE(Match("not (status eq 'Provisioned' and count eq 4)"));
  EXPECT_TRUE(Match("not not status eq 'Provisioned'"));
  EXPECT_TRUE(Match("((status eq 'Provisioned'))"));
}

TEST_F(FilterTest, EqualityValueForIndexes) {
  auto eq = [](const std::string& text, const char* prop) {
    Result<Filter> f = Filter::Parse(text, kAllowed);
    EXPECT_TRUE(f.ok()) << text;
    return f.ok() ? f->EqualityValue(prop) : std::string("<error>");
  };
  EXPECT_EQ(eq("principalId eq 'abc' and status eq 'Granted'", "principalId"), "abc");
  EXPECT_EQ(eq("status eq 'Granted' and (count eq 1 and principalId eq 'abc')", "principalId"),
            "abc");
  EXPECT_EQ(eq("principalId eq 00000000-0000-4000-8000-00000000000A", "principalId"), kPrincipal);
  EXPECT_EQ(eq("principalId eq 'abc' or status eq 'Granted'", "principalId"), "");
  EXPECT_EQ(eq("not principalId eq 'abc'", "principalId"), "");
  EXPECT_EQ(eq("principalId ne 'abc'", "principalId"), "");
  EXPECT_EQ(eq("status eq 'Granted'", "principalId"), "");
  EXPECT_EQ(Filter().EqualityValue("principalId"), "");
}

TEST_F(FilterTest, DefaultFilterMatchesEverything) {
  EXPECT_TRUE(Filter().Matches(Object()));
  EXPECT_TRUE(Filter().Matches(json::object{}));
}

TEST_F(FilterTest, EmptyFilter) {
  EXPECT_NE(Error("").find("empty"), std::string::npos);
  EXPECT_NE(Error("   ").find("empty"), std::string::npos);
}

TEST_F(FilterTest, UnknownPropertyIsNamedAlone) {
  std::string msg = Error("colour eq 'red'");
  EXPECT_NE(msg.find("'colour'"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("principalId"), std::string::npos) << msg;
  EXPECT_NE(Error("Status eq 'x'").find("'Status'"), std::string::npos);  // names are exact
  EXPECT_NE(Error("initiatedBy/user eq 'x'").find("initiatedBy/user"), std::string::npos);
}

TEST_F(FilterTest, FunctionsAndLambdasAreRefused) {
  EXPECT_NE(Error("startswith(displayName,'O')").find("function 'startswith'"), std::string::npos);
  EXPECT_NE(Error("contains(displayName, 'x') eq true").find("function 'contains'"),
            std::string::npos);
  EXPECT_NE(Error("status eq 'x' and endswith(displayName,'n')").find("function"),
            std::string::npos);
  EXPECT_NE(Error("initiatedBy/any(u: u eq 'x')").find("lambda"), std::string::npos);
  EXPECT_NE(Error("members/all(m: m/id eq 'x')").find("lambda"), std::string::npos);
}

TEST_F(FilterTest, ArithmeticIsRefused) {
  EXPECT_NE(Error("count add 1 eq 4").find("arithmetic"), std::string::npos);
  EXPECT_NE(Error("count eq 1 add 2").find("arithmetic"), std::string::npos);
  EXPECT_NE(Error("count mul 2 eq 6").find("arithmetic"), std::string::npos);
  EXPECT_NE(Error("count*2 eq 6").find("arithmetic"), std::string::npos);
  EXPECT_NE(Error("count+1 eq 4").find("arithmetic"), std::string::npos);
}

TEST_F(FilterTest, MissingOperands) {
  EXPECT_NE(Error("status eq").find("missing operand"), std::string::npos);
  EXPECT_NE(Error("status").find("missing comparison operator"), std::string::npos);
  EXPECT_NE(Error("and status eq 'x'").find("missing operand"), std::string::npos);
  EXPECT_NE(Error("status eq 'x' and").find("missing operand"), std::string::npos);
  EXPECT_NE(Error("status eq 'x' or or id eq 'y'").find("missing operand"), std::string::npos);
  EXPECT_NE(Error("not").find("missing operand"), std::string::npos);
  EXPECT_NE(Error("status eq and").find("missing operand"), std::string::npos);
}

TEST_F(FilterTest, UnbalancedParentheses) {
  EXPECT_NE(Error("(status eq 'x'").find("missing ')'"), std::string::npos);
  EXPECT_NE(Error("status eq 'x')").find("unbalanced ')'"), std::string::npos);
  EXPECT_NE(Error("()").find("unbalanced"), std::string::npos);
  EXPECT_NE(Error("((status eq 'x')").find("missing ')'"), std::string::npos);
}

TEST_F(FilterTest, TrailingTokensAndBadSyntax) {
  EXPECT_NE(Error("status eq 'x' 'y'").find("trailing"), std::string::npos);
  EXPECT_NE(Error("status eq 'x' id").find("trailing"), std::string::npos);
  EXPECT_NE(Error("status = 'x'").find("unexpected character '='"), std::string::npos);
  EXPECT_NE(Error("status has 'x'").find("expected eq, ne, gt, ge, lt or le"), std::string::npos);
  EXPECT_NE(Error("status in ('x')").find("expected eq"), std::string::npos);
  EXPECT_NE(Error("'x' eq status").find("expected a property name"), std::string::npos);
  EXPECT_NE(Error("status eq id").find("comparing properties"), std::string::npos);
  EXPECT_NE(Error("status eq \"x\"").find("single quotes"), std::string::npos);
}

TEST_F(FilterTest, UnterminatedStringAndBadDates) {
  std::string msg = Error("status eq 'abc");
  EXPECT_NE(msg.find("unterminated string"), std::string::npos) << msg;
  EXPECT_NE(msg.find("position 10"), std::string::npos) << msg;
  EXPECT_NE(Error("status eq 'it''s").find("unterminated"), std::string::npos);
  EXPECT_NE(Error("createdDateTime ge 2026-13-01T00:00:00Z").find("DateTimeOffset"),
            std::string::npos);
  EXPECT_NE(Error("createdDateTime ge 2026-11-26").find("DateTimeOffset"), std::string::npos);
}

TEST_F(FilterTest, DeepNestingIsRefusedNotOverflowed) {
  std::string deep = std::string(5000, '(') + "status eq 'x'" + std::string(5000, ')');
  EXPECT_NE(Error(deep).find("nesting"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_NE(Error(nots + "status eq 'x'").find("nesting"), std::string::npos);
  EXPECT_TRUE(Match(std::string(30, '(') + "status eq 'Provisioned'" + std::string(30, ')')));
}

TEST_F(FilterTest, ErrorsCarryPositions) {
  EXPECT_NE(Error("status eq 'x' and colour eq 'y'").find("position 18"), std::string::npos);
  EXPECT_NE(Error("status eq 'x')").find("position 13"), std::string::npos);
}

}  // namespace
}  // namespace pim
