#include "statement_catalog.hpp"

#include "shop/infra/metrics/registry.hpp"

#include <chrono>
#include <stdexcept>

namespace shop::infra::db {
namespace {

// PostgreSQL truncates longer statement names, which could make two of them one.
constexpr std::size_t kMaxNameBytes = 63;

// Statements mostly take tens of microseconds to a few milliseconds; the HTTP buckets start too high.
std::vector<double> statement_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const StatementCatalog::Entry& StatementCatalog::entry(const Statement& statement) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(statement.name);
  if (found != entries_.end()) {
    if (found->second.sql != statement.sql) {
      throw std::logic_error("two statements are named " + found->second.name);
    }
    return found->second;
  }
  if (statement.name.empty() || statement.name.size() > kMaxNameBytes) {
    throw std::logic_error("a statement name must be 1 to 63 bytes: '" + std::string(statement.name) + "'");
  }
  Entry entry{std::string(statement.name), std::string(statement.sql)};
  if (metrics_ != nullptr) {
    entry.latency = &metrics_->histogram("shopd_db_statement_seconds",
                                         "Database statement latency by statement name, failures included.",
                                         {{"statement", entry.name}}, statement_buckets());
  }
  return entries_.emplace(entry.name, std::move(entry)).first->second;
}

StatementTimer::StatementTimer(const StatementCatalog::Entry& entry) : entry_(entry), started_ns_(now_ns()) {}

StatementTimer::~StatementTimer() {
  if (entry_.latency != nullptr) entry_.latency->observe(static_cast<double>(now_ns() - started_ns_) * 1e-9);
}

}  // namespace shop::infra::db
