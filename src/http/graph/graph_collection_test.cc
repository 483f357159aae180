// Query options and paging of in-memory collections, without an engine.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/graph/collection.h"
#include "http/graph/serve.h"
#include "http/request_target.h"

namespace pim::http {
namespace {

namespace json = boost::json;

const CollectionSpec kSpec{"users",
                           {"id", "displayName", "createdDateTime"},
                           {"id", "displayName", "mail", "createdDateTime"},
                           {"principal", "policy($expand=rules)"}};

// Clients percent-encode spaces; the tests write them plainly.
HttpRequest Request(std::string target) {
  for (size_t i = target.find(' '); i != std::string::npos; i = target.find(' ', i)) {
    target.replace(i, 1, "%20");
  }
  HttpRequest r;
  r.method = "GET";
  r.target = target;
  EXPECT_TRUE(ParseTarget(target, r).ok()) << target;
  r.base_url = "http://127.0.0.1:8080";
  return r;
}

Status Parse(const std::string& query) {
  return ParseQueryOptions(Request("/v1.0/users?" + query), kSpec).status();
}

std::vector<json::object> Items(int n) {
  std::vector<json::object> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(json::object{{"id", "u" + std::to_string(i)},
                               {"displayName", i % 2 == 0 ? "even" : "odd"},
                               {"mail", "m"}});
  }
  return out;
}

TEST(QueryOptionsTest, Defaults) {
  auto o = ParseQueryOptions(Request("/v1.0/users"), kSpec);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->top, 100);
  EXPECT_FALSE(o->skiptoken);
  EXPECT_FALSE(o->has_filter);
  EXPECT_TRUE(o->select.empty());
  EXPECT_FALSE(o->count);
}

TEST(QueryOptionsTest, TopMustBeOneTo999) {
  for (const char* bad : {"0", "-1", "abc", "1000", "2.5", "", "+5", "5x"}) {
    Status st = Parse(std::string("$top=") + bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("$top"), std::string::npos);
  }
  EXPECT_EQ(ParseQueryOptions(Request("/v1.0/users?$top=999"), kSpec)->top, 999);
  EXPECT_EQ(ParseQueryOptions(Request("/v1.0/users?$top=1"), kSpec)->top, 1);
}

TEST(QueryOptionsTest, UnknownRepeatedAndMalformedOptionsAreRefused) {
  EXPECT_NE(Parse("$orderby=displayName").message().find("$orderby"), std::string::npos);
  EXPECT_NE(Parse("$search=x").message().find("$search"), std::string::npos);
  EXPECT_NE(Parse("$top=2&$top=3").message().find("more than once"), std::string::npos);
  EXPECT_NE(Parse("$count=maybe").message().find("$count"), std::string::npos);
  EXPECT_NE(Parse("$select=id,shoeSize").message().find("shoeSize"), std::string::npos);
  EXPECT_NE(Parse("$select=id,,mail").message().find("$select"), std::string::npos);
  EXPECT_NE(Parse("$expand=manager").message().find("manager"), std::string::npos);
  EXPECT_NE(Parse("$filter=shoeSize eq 4").message().find("$filter"), std::string::npos);
  EXPECT_FALSE(Parse("$filter=startswith(displayName,'a')").ok());
  EXPECT_FALSE(Parse("$filter=").ok());
  EXPECT_TRUE(Parse("api-version=1&foo=bar").ok());  // non-$ parameters are not OData options
  EXPECT_TRUE(Parse("$expand=principal,policy($expand=rules)&$count=TRUE").ok());
}

TEST(QueryOptionsTest, EntityRequestsAllowOnlySelectAndExpand) {
  EXPECT_TRUE(ParseEntityQueryOptions(Request("/v1.0/users/x?$select=mail"), kSpec).ok());
  EXPECT_FALSE(ParseEntityQueryOptions(Request("/v1.0/users/x?$top=5"), kSpec).ok());
  EXPECT_FALSE(ParseEntityQueryOptions(Request("/v1.0/users/x?$filter=id eq 'a'"), kSpec).ok());
}

TEST(SkipTokenTest, RoundTripsAndRefusesForgeries) {
  for (int64_t n : {0, 1, 2, 62, 63, 1000000007}) {
    std::string token = EncodeSkipToken("offset", n);
    EXPECT_EQ(token.find_first_of("+/="), std::string::npos) << token;
    auto back = DecodeSkipToken(token, "offset");
    ASSERT_TRUE(back.ok()) << token;
    EXPECT_EQ(*back, n);
    EXPECT_FALSE(DecodeSkipToken(token, "seq").ok());  // a token of another collection kind
  }
  for (const char* forged :
       {"not-a-token", "", "b2Zmc2V0Oi0x" /* offset:-1 */, "b2Zmc2V0OjAx" /* offset:01 */,
        "b2Zmc2V0Og" /* offset: */, "!!!!", "b2Zmc2V0OjE=" /* padded */}) {
    Status st = DecodeSkipToken(forged, "offset").status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << forged;
  }
}

TEST(NextLinkTest, IsAbsoluteAndKeepsTheOtherOptions) {
  HttpRequest r =
      Request("/v1.0/users?$top=2&$filter=displayName%20eq%20'a+b'&$skiptoken=old&$select=id");
  std::string link = NextLink(r, "NEW");
  EXPECT_EQ(link.rfind("http://127.0.0.1:8080/v1.0/users?", 0), 0u) << link;
  // Following the link gives back the same options with the new token.
  HttpRequest next = Request(link.substr(std::string("http://127.0.0.1:8080").size()));
  EXPECT_EQ(next.Query("$top"), "2");
  EXPECT_EQ(next.Query("$filter"), "displayName eq 'a b'");  // '+' in the original was a space
  EXPECT_EQ(next.Query("$select"), "id");
  EXPECT_EQ(next.Query("$skiptoken"), "NEW");
  int tokens = 0;
  for (const auto& [k, v] : next.query) tokens += k == "$skiptoken";
  EXPECT_EQ(tokens, 1);
}

TEST(NextLinkTest, EscapesPlusSoTimestampsSurvive) {
  HttpRequest r = Request("/v1.0/x?$filter=createdDateTime%20ge%202026-11-26T05:00:00%2B01:00");
  ASSERT_EQ(r.Query("$filter"), "createdDateTime ge 2026-11-26T05:00:00+01:00");
  HttpRequest next = Request(NextLink(r, "T").substr(std::string("http://127.0.0.1:8080").size()));
  EXPECT_EQ(next.Query("$filter"), r.Query("$filter"));
}

// pimd behind a proxy that serves it under a path (--public-url https://proxy/pim): links keep it.
TEST(NextLinkTest, KeepsThePathOfAPublicUrl) {
  HttpRequest r = Request("/v1.0/users?$top=2");
  r.base_url = "https://pim.example.org/pim";
  EXPECT_EQ(NextLink(r, "T"), "https://pim.example.org/pim/v1.0/users?$top=2&$skiptoken=T");
}

TEST(BuildPageTest, PagesToTheEndWithFilterCountAndSelect) {
  std::string target = "/v1.0/users?$top=2&$filter=displayName eq 'even'&$count=true&$select=mail";
  std::vector<std::string> seen;
  int pages = 0;
  while (!target.empty()) {
    HttpRequest r = Request(target);
    auto options = ParseQueryOptions(r, kSpec);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    auto page = BuildPage(r, kSpec, *options, Items(9));
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    EXPECT_EQ(page->at("@odata.context"), "http://127.0.0.1:8080/v1.0/$metadata#users");
    EXPECT_EQ(page->at("@odata.count"), 5);
    for (const json::value& item : page->at("value").as_array()) {
      const json::object& o = item.as_object();
      EXPECT_EQ(o.size(), 2u) << json::serialize(o);  // id (always) + mail
      EXPECT_FALSE(o.contains("displayName"));
      seen.emplace_back(o.at("id").as_string());
    }
    target.clear();
    if (const json::value* link = page->if_contains("@odata.nextLink")) {
      EXPECT_EQ(page->at("value").as_array().size(), 2u);
      target = std::string(link->as_string()).substr(std::string("http://127.0.0.1:8080").size());
    }
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"u0", "u2", "u4", "u6", "u8"}));
}

// A scanned collection: items at positions 10, 20, ... 90 (u1..u9), at most three per chunk.
// Counts the chunks asked for, so the test sees the scan stop once a page is full.
struct FakeScan {
  int chunks = 0;
  std::vector<size_t> limits;
  std::vector<std::string> principals;
  Result<EncodedChunk> operator()(uint64_t from, size_t limit, const std::string& principal) {
    ++chunks;
    limits.push_back(limit);
    principals.push_back(principal);
    EncodedChunk out;
    std::vector<json::object> items = Items(10);
    for (uint64_t seq = 10; seq <= 90; seq += 10) {
      if (seq < from) continue;
      if (out.items.size() == std::min<size_t>(limit, 3)) {
        out.resume = seq;
        break;
      }
      out.items.emplace_back(seq, items[seq / 10]);
    }
    return out;
  }
};

json::object ScannedPage(const std::string& target, FakeScan& scan, int* status = nullptr,
                         const CollectionSpec& spec = kSpec) {
  HttpResponse response = ServeScannedCollection(
      Request(target), spec, [&](uint64_t from, size_t limit, const std::string& principal) {
        return scan(from, limit, principal);
      });
  if (status) *status = response.status;
  return json::parse(response.body).as_object();
}

TEST(ScannedPageTest, PagesByPositionWithFilterCountAndSelect) {
  std::string target = "/v1.0/users?$top=2&$filter=displayName eq 'even'&$count=true&$select=mail";
  std::vector<std::string> seen;
  FakeScan scan;
  int pages = 0;
  while (!target.empty()) {
    int status = 0;
    json::object page = ScannedPage(target, scan, &status);
    ASSERT_EQ(status, 200) << json::serialize(page);
    ++pages;
    EXPECT_EQ(page.at("@odata.count"), 4);  // u2 u4 u6 u8, wherever the page starts
    for (const json::value& item : page.at("value").as_array()) {
      const json::object& o = item.as_object();
      EXPECT_EQ(o.size(), 2u) << json::serialize(o);
      seen.emplace_back(o.at("id").as_string());
    }
    target.clear();
    if (const json::value* link = page.if_contains("@odata.nextLink")) {
      target = std::string(link->as_string()).substr(std::string("http://127.0.0.1:8080").size());
    }
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"u2", "u4", "u6", "u8"}));
}

TEST(ScannedPageTest, StopsScanningOnceThePageIsFullAndResumesThere) {
  FakeScan scan;
  json::object first = ScannedPage("/v1.0/users?$top=2", scan);
  ASSERT_EQ(first.at("value").as_array().size(), 2u);
  EXPECT_EQ(scan.chunks, 1);  // u1 u2 fill the page and u3, in the same chunk, is next
  EXPECT_EQ(scan.limits, std::vector<size_t>{3});  // one more than the page
  std::string next(first.at("@odata.nextLink").as_string());
  std::vector<std::string> seen;
  while (!next.empty()) {
    json::object page = ScannedPage(next.substr(std::string("http://127.0.0.1:8080").size()), scan);
    for (const json::value& item : page.at("value").as_array()) {
      seen.emplace_back(item.as_object().at("id").as_string());
    }
    const json::value* link = page.if_contains("@odata.nextLink");
    next = link ? std::string(link->as_string()) : "";
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"u3", "u4", "u5", "u6", "u7", "u8", "u9"}));
  FakeScan whole;
  EXPECT_EQ(ScannedPage("/v1.0/users", whole).at("value").as_array().size(), 9u);
  EXPECT_EQ(whole.chunks, 3);
  EXPECT_EQ(whole.limits, (std::vector<size_t>{101, 202, 404}));  // $top 100, doubling
}

TEST(ScannedPageTest, AsksForOnePrincipalWhenTheFilterPinsIt) {
  const CollectionSpec spec{"requests", {"id", "principalId", "displayName"}, {"id"}, {}};
  FakeScan scan;
  auto hint = [&](const std::string& filter) {
    scan.principals.clear();
    int status = 0;
    ScannedPage("/v1.0/requests?$filter=" + filter, scan, &status, spec);
    EXPECT_EQ(status, 200) << filter;
    return scan.principals.empty() ? std::string("<none>") : scan.principals.front();
  };
  EXPECT_EQ(hint("principalId eq 'ABC'"), "abc");  // ids are lower case; the filter ignores case
  EXPECT_EQ(hint("displayName eq 'odd' and principalId eq 'abc'"), "abc");
  EXPECT_EQ(hint("principalId eq 'abc' or displayName eq 'odd'"), "");  // could match others
  EXPECT_EQ(hint("not (principalId eq 'abc')"), "");
  EXPECT_EQ(hint("displayName eq 'odd'"), "");
}

TEST(ScannedPageTest, RefusesAnOffsetOrForgedSkipToken) {
  FakeScan scan;
  for (const std::string& token :
       {EncodeSkipToken("offset", 2), std::string("c2VxOjIw=="), std::string("nonsense")}) {
    int status = 0;
    json::object page = ScannedPage("/v1.0/users?$skiptoken=" + token, scan, &status);
    EXPECT_EQ(status, 400) << token;
    EXPECT_EQ(page.at("error").as_object().at("code"), "BadRequest") << json::serialize(page);
  }
  EXPECT_EQ(scan.chunks, 0);
}

TEST(BuildPageTest, ExpandRunsOnlyOnReturnedItems) {
  HttpRequest r = Request("/v1.0/users?$top=3&$expand=principal");
  auto options = ParseQueryOptions(r, kSpec);
  ASSERT_TRUE(options.ok());
  int calls = 0;
  auto page = BuildPage(r, kSpec, *options, Items(10),
                        [&](json::object& item, const std::set<std::string>& expand) {
                          ++calls;
                          EXPECT_EQ(expand.count("principal"), 1u);
                          item["principal"] = json::object{{"id", "p"}};
                          return Status::Ok();
                        });
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(page->at("value").as_array()[0].as_object().at("principal").as_object().at("id"), "p");
}

}  // namespace
}  // namespace pim::http
