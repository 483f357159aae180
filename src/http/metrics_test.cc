#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace pim::http {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.RecordRequest("users.get", "GET", 200, 0.001);
  metrics.RecordRequest("users.get", "GET", 200, 0.002);
  metrics.RecordRequest("users.get", "GET", 404, 0.001);
  metrics.RecordRequest("unmatched", "BREW", 404, 0.001);
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE pim_http_requests_total counter"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_requests_total{route="users.get",method="GET",status="200"} 2)"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_requests_total{route="users.get",method="GET",status="404"} 1)"));
  EXPECT_TRUE(Contains(
      text, R"(pim_http_requests_total{route="unmatched",method="other",status="404"} 1)"));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.RecordRequest("r", "GET", 200, 0.0004);  // first bucket
  metrics.RecordRequest("r", "GET", 200, 0.003);   // le=0.005
  metrics.RecordRequest("r", "GET", 200, 7.0);     // only +Inf
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE pim_http_request_duration_seconds histogram"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_request_duration_seconds_bucket{route="r",le="0.0005"} 1)"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_request_duration_seconds_bucket{route="r",le="0.0025"} 1)"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_request_duration_seconds_bucket{route="r",le="0.005"} 2)"));
  EXPECT_TRUE(Contains(text, R"(pim_http_request_duration_seconds_bucket{route="r",le="5"} 2)"));
  EXPECT_TRUE(Contains(text, R"(pim_http_request_duration_seconds_bucket{route="r",le="+Inf"} 3)"));
  EXPECT_TRUE(Contains(text, R"(pim_http_request_duration_seconds_count{route="r"} 3)"));
  EXPECT_TRUE(Contains(text, R"(pim_http_request_duration_seconds_sum{route="r"} 7.0034)"));
}

TEST(MetricsTest, GaugesAreReadAtRenderTime) {
  Metrics metrics;
  double value = 1;
  metrics.AddGauge("pim_active_assignments", "Active role assignments.",
                   [&value] { return value; });
  EXPECT_TRUE(Contains(metrics.Render(), "pim_active_assignments 1"));
  value = 42;
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# HELP pim_active_assignments Active role assignments."));
  EXPECT_TRUE(Contains(text, "# TYPE pim_active_assignments gauge"));
  EXPECT_TRUE(Contains(text, "pim_active_assignments 42"));
}

TEST(MetricsTest, CountersAreReadAtRenderTimeAndTypedAsCounters) {
  Metrics metrics;
  double value = 7;
  metrics.AddCounter("pim_activations_total", "Activations.", [&value] { return value; });
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE pim_activations_total counter"));
  EXPECT_TRUE(Contains(text, "pim_activations_total 7"));
  value = 9;
  EXPECT_TRUE(Contains(metrics.Render(), "pim_activations_total 9"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.RecordRequest("a\"b\\c\nd", "GET", 200, 0.1);
  EXPECT_TRUE(
      Contains(metrics.Render(),
               R"(pim_http_requests_total{route="a\"b\\c\nd",method="GET",status="200"} 1)"));
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordRequest(i % 2 ? "odd" : "even", "GET", 200, 0.001);
        if (t == 0 && i % 100 == 0) metrics.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = metrics.Render();
  EXPECT_TRUE(
      Contains(text, R"(pim_http_requests_total{route="odd",method="GET",status="200"} 2000)"));
  EXPECT_TRUE(
      Contains(text, R"(pim_http_requests_total{route="even",method="GET",status="200"} 2000)"));
}

}  // namespace
}  // namespace pim::http
