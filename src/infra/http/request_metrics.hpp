#pragma once

#include "string_hash.hpp"

#include "shop/infra/http/message.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

// Private to infra/http: the series every answered request adds to, shopd_http_requests_total and
// shopd_http_request_duration_seconds. The registry finds a series by building its labels as strings
// and comparing them under its one lock, which cost a cached product page more than the rest of its
// bookkeeping; here each (route, method, status) is looked up there once and remembered.
namespace shop::infra::http {

// The route label of a request: its matched pattern, or "unmatched" when no route took it.
std::string_view route_label(std::string_view route);

class RequestMetrics {
 public:
  explicit RequestMetrics(metrics::Registry& registry) : registry_(registry) {}

  // `route` is the matched pattern, or empty for a request no route took.
  void record(std::string_view route, Method method, unsigned status, double seconds);

 private:
  struct Series {
    metrics::Counter* requests;
    metrics::Histogram* duration;
  };
  Series& series(std::string_view route, Method method, unsigned status);

  metrics::Registry& registry_;
  std::mutex mutex_;
  std::unordered_map<std::string, Series, StringHash, std::equal_to<>> known_;  // "status method route"
};

}  // namespace shop::infra::http
