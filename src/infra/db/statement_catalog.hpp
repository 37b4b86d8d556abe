#pragma once

#include "shop/infra/db/statement.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace shop::infra::metrics {
class Histogram;
class Registry;
}  // namespace shop::infra::metrics

// Private to infra/db: every statement this process has run, by name. It holds each one's latency
// histogram and refuses a second SQL text under a known name, since the name is also what the
// statement is prepared under on every connection.
namespace shop::infra::db {

class StatementCatalog {
 public:
  struct Entry {
    std::string name;
    std::string sql;
    metrics::Histogram* latency = nullptr;  // null without a registry
  };

  explicit StatementCatalog(metrics::Registry* metrics) : metrics_(metrics) {}

  // Thread-safe. Throws std::logic_error for a name that is too long or already names other SQL.
  const Entry& entry(const Statement& statement);

 private:
  metrics::Registry* metrics_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

// Records the time since construction in the entry's histogram.
class StatementTimer {
 public:
  explicit StatementTimer(const StatementCatalog::Entry& entry);
  ~StatementTimer();
  StatementTimer(const StatementTimer&) = delete;
  StatementTimer& operator=(const StatementTimer&) = delete;

 private:
  const StatementCatalog::Entry& entry_;
  long long started_ns_;
};

}  // namespace shop::infra::db
