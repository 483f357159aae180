// Metrics: the server's Prometheus exposition (text format 0.0.4).
//
//   pim_http_requests_total{route,method,status}      counter, one per finished request
//   pim_http_request_duration_seconds{route}          histogram (buckets kDurationBuckets)
//   any gauge registered with AddGauge                 read from its callback at render time
//
// The route label is the RouteMatch route name ("unmatched" when no route matched); methods
// outside the usual HTTP set are counted as "other" so client input cannot grow the label set.
// Thread-safety: every method may be called concurrently. Recording takes a shared lock on the
// route table and a per-route mutex; rendering reads a consistent snapshot per route.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pim::http {

class Metrics {
 public:
  // Upper bounds (seconds) of the duration histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 13> kDurationBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Counts one finished request and observes its duration.
  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);
  // Registers a gauge `name` (a valid Prometheus metric name) whose value `read` returns; `read`
  // is called on every Render(), from the rendering thread, and must be thread-safe.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // The same for a value that only grows (exposed as a counter; by convention `name` ends in
  // "_total").
  void AddCounter(std::string name, std::string help, std::function<double()> read);
  // The exposition text: requests counter, duration histogram, then the gauges and counters in
  // registration order.
  std::string Render() const;

 private:
  struct RouteSeries;
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    const char* type;  // "gauge" or "counter"
  };

  RouteSeries& SeriesFor(std::string_view route);

  mutable std::shared_mutex mu_;  // guards the maps' shape, not the series' values
  std::map<std::string, std::unique_ptr<RouteSeries>, std::less<>> routes_;
  std::vector<Gauge> gauges_;
};

}  // namespace pim::http
