#include "request_metrics.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>

namespace shop::infra::http {

std::string_view route_label(std::string_view route) {
  return route.empty() ? "unmatched" : route;
}

void RequestMetrics::record(std::string_view route, Method method, unsigned status, double seconds) {
  const Series found = series(route, method, status);
  found.requests->add();
  found.duration->observe(seconds);
}

RequestMetrics::Series& RequestMetrics::series(std::string_view route, Method method, unsigned status) {
  fmt::memory_buffer key;
  fmt::format_to(std::back_inserter(key), FMT_COMPILE("{} {} {}"), status, method_name(method),
                 route_label(route));
  const std::string_view key_text(key.data(), key.size());
  std::lock_guard lock(mutex_);
  if (const auto known = known_.find(key_text); known != known_.end()) return known->second;
  const std::string method_label(method_name(method));
  Series created{&registry_.counter("shopd_http_requests_total", "HTTP requests by route, method and status.",
                                    {{"route", std::string(route_label(route))},
                                     {"method", method_label},
                                     {"status", std::to_string(status)}}),
                 &registry_.histogram("shopd_http_request_duration_seconds", "HTTP request latency by route.",
                                      {{"route", std::string(route_label(route))}, {"method", method_label}},
                                      metrics::latency_buckets())};
  return known_.emplace(std::string(key_text), created).first->second;
}

}  // namespace shop::infra::http
