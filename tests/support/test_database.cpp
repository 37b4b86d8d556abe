#include "support/test_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shop::test {

std::string test_cluster_url() {
  const char* url = std::getenv("SHOPD_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    FAIL(
        "SHOPD_TEST_PG_URL is not set: run the tests through scripts/test.sh, which starts a throwaway "
        "PostgreSQL");
  }
  return url;
}

std::string with_database(std::string_view url, std::string_view database) {
  const auto query = url.find('?');
  const auto path = url.substr(0, query);
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash < path.find("//") + 2) {
    throw std::invalid_argument("not a postgresql:// URI with a database: " + std::string(url));
  }
  std::string out(path.substr(0, slash + 1));
  out += database;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

std::string query_value(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect: " + message);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(result);
  std::string value;
  std::string error;
  if (status == PGRES_TUPLES_OK) {
    if (PQntuples(result) > 0 && !PQgetisnull(result, 0, 0)) value = PQgetvalue(result, 0, 0);
  } else if (status != PGRES_COMMAND_OK) {
    error = PQresultErrorMessage(result);
  }
  PQclear(result);
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error(fmt::format("{}: {}", sql, error));
  return value;
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  name_ = fmt::format("test_{}_{}", ::getpid(), counter++);
  const auto admin = test_cluster_url();
  query_value(admin, fmt::format("CREATE DATABASE {}", name_));
  url_ = with_database(admin, name_);
}

TestDatabase::~TestDatabase() {
  try {
    query_value(test_cluster_url(), fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  } catch (const std::exception&) {
    // A database left behind dies with the throwaway cluster.
  }
}

}  // namespace shop::test
