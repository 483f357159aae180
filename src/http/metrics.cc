#include "http/metrics.h"

#include <fmt/format.h>

#include <mutex>
#include <utility>

namespace pim::http {

namespace {

std::string_view NormaliseMethod(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// HELP text escapes backslash and newline.
std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

struct Metrics::RouteSeries {
  std::mutex mu;
  std::map<std::pair<std::string, int>, uint64_t> requests;  // (method, status) -> count
  std::array<uint64_t, kDurationBuckets.size()> buckets{};   // non-cumulative
  uint64_t count = 0;
  double sum = 0;
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::RouteSeries& Metrics::SeriesFor(std::string_view route) {
  {
    std::shared_lock lock(mu_);
    auto it = routes_.find(route);
    if (it != routes_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = routes_.try_emplace(std::string(route), nullptr);
  if (inserted) it->second = std::make_unique<RouteSeries>();
  return *it->second;
}

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            double seconds) {
  RouteSeries& series = SeriesFor(route);
  std::lock_guard lock(series.mu);
  ++series.requests[{std::string(NormaliseMethod(method)), status}];
  for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
    if (seconds <= kDurationBuckets[i]) {
      ++series.buckets[i];
      break;
    }
  }
  ++series.count;
  series.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read), "gauge"});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read), "counter"});
}

std::string Metrics::Render() const {
  std::string out;
  std::string histogram;
  std::vector<Gauge> gauges;
  out +=
      "# HELP pim_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE pim_http_requests_total counter\n";
  histogram +=
      "# HELP pim_http_request_duration_seconds Time from a complete request to its response.\n"
      "# TYPE pim_http_request_duration_seconds histogram\n";
  {
    std::shared_lock lock(mu_);
    for (const auto& [route, series_ptr] : routes_) {
      RouteSeries& series = *series_ptr;
      std::lock_guard series_lock(series.mu);
      std::string label = EscapeLabel(route);
      for (const auto& [key, count] : series.requests) {
        out +=
            fmt::format("pim_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                        label, key.first, key.second, count);
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
        cumulative += series.buckets[i];
        histogram +=
            fmt::format("pim_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                        label, kDurationBuckets[i], cumulative);
      }
      histogram += fmt::format(
          "pim_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
          "pim_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
          "pim_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
          label, series.count, label, series.sum, label, series.count);
    }
    gauges = gauges_;
  }
  out += histogram;
  // Gauges are read from a copy, outside the lock: their callbacks may take other locks.
  for (const Gauge& gauge : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", gauge.name, EscapeHelp(gauge.help),
                       gauge.name, gauge.type, gauge.name, gauge.read());
  }
  return out;
}

}  // namespace pim::http
