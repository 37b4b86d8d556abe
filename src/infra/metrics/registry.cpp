#include "shop/infra/metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace shop::infra::metrics {
namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string render_labels(const Labels& labels, const std::string& extra_key = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return {};
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += fmt::format("{}=\"{}\"", k, escape_label(v));
  }
  if (!extra_key.empty()) {
    if (out.size() > 1) out += ',';
    out += fmt::format("{}=\"{}\"", extra_key, extra_value);
  }
  return out + "}";
}

// HELP text escapes backslash and newline (exposition format 0.0.4).
std::string escape_help(const std::string& help) {
  std::string out;
  for (char c : help) {
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

std::string format_bound(double bound) {
  return fmt::format("{}", bound);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size()]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (it != bounds_.end())
    buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(std::max(value, 0.0) * 1e6)),
                        std::memory_order_relaxed);
}

double Histogram::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type) {
  auto [it, inserted] = families_.try_emplace(name, Family{type, help, {}});
  if (!inserted && it->second.type != type)
    throw std::logic_error("metric " + name + " registered twice with different types");
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Type::kCounter).series[labels];
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Type::kHistogram).series[labels];
  if (!series.histogram) series.histogram = std::make_unique<Histogram>(bounds);
  return *series.histogram;
}

void Registry::gauge(const std::string& name, const std::string& help, const Labels& labels,
                     std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::kGauge).series[labels].gauge = std::move(read);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    const char* type = fam.type == Type::kCounter     ? "counter"
                       : fam.type == Type::kHistogram ? "histogram"
                                                      : "gauge";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(fam.help), name, type);
    for (const auto& [labels, series] : fam.series) {
      switch (fam.type) {
        case Type::kCounter:
          out += fmt::format("{}{} {}\n", name, render_labels(labels), series.counter->value());
          break;
        case Type::kGauge:
          out += fmt::format("{}{} {}\n", name, render_labels(labels), series.gauge());
          break;
        case Type::kHistogram: {
          const Histogram& h = *series.histogram;
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < h.bounds().size(); ++i) {
            cumulative += h.bucket(i);
            out += fmt::format("{}_bucket{} {}\n", name,
                               render_labels(labels, "le", format_bound(h.bounds()[i])), cumulative);
          }
          out += fmt::format("{}_bucket{} {}\n", name, render_labels(labels, "le", "+Inf"), h.count());
          out += fmt::format("{}_sum{} {}\n", name, render_labels(labels), h.sum());
          out += fmt::format("{}_count{} {}\n", name, render_labels(labels), h.count());
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace shop::infra::metrics
