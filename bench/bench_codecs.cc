// Decoding a selfActivate body, the one every activation pays on pimd's I/O thread, next to
// boost::json::parse of the same bytes (the baseline, same run): what the strict reading adds,
// the check for a member named twice included.
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <string>

#include "http/graph/codecs_schedule.h"
#include "http/graph/json_fields.h"

namespace {

const std::string kBody = R"({"action": "selfActivate",
  "principalId": "00000000-0000-4000-8000-000000000001",
  "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "directoryScopeId": "/",
  "justification": "Investigating incident INC0042 on the payroll tenant",
  "ticketInfo": {"ticketNumber": "INC0042", "ticketSystem": "ServiceNow"},
  "scheduleInfo": {"startDateTime": "2026-11-27T12:00:00Z",
                   "expiration": {"type": "afterDuration", "duration": "PT1H"}}})";

void BM_BoostJsonParse(benchmark::State& state) {
  for (auto _ : state) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(kBody, ec);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_BoostJsonParse);

void BM_ParseJsonObject(benchmark::State& state) {
  for (auto _ : state) {
    auto object = pim::http::ParseJsonObject(kBody);
    benchmark::DoNotOptimize(object);
  }
}
BENCHMARK(BM_ParseJsonObject);

void BM_DecodeScheduleRequest(benchmark::State& state) {
  for (auto _ : state) {
    auto input = pim::http::DecodeScheduleRequest(pim::ScheduleKind::kAssignment, kBody);
    if (!input.ok()) state.SkipWithError("the body did not decode");
    benchmark::DoNotOptimize(input);
  }
}
BENCHMARK(BM_DecodeScheduleRequest);

}  // namespace

BENCHMARK_MAIN();
