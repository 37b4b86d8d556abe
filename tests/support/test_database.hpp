#pragma once

#include <string>
#include <string_view>

// Databases on the throwaway PostgreSQL cluster that scripts/test.sh starts (SHOPD_TEST_PG_URL).
namespace shop::test {

// The cluster's superuser URL; fails the test with a clear message when the harness did not set it.
std::string test_cluster_url();

// Replaces the database name in a libpq URI: "postgresql://u@h:1/a" -> "postgresql://u@h:1/b".
std::string with_database(std::string_view url, std::string_view database);

// Runs SQL over a fresh libpq connection and returns the first column of the first row ("" if none);
// throws std::runtime_error with the server's message on failure.
std::string query_value(const std::string& url, const std::string& sql);

// A fresh, empty database for one test, dropped (with any connections) when it goes out of scope.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

}  // namespace shop::test
