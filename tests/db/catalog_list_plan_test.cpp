// Every shape of product list the storefront runs answers from an index on a table of 10,000
// products: the plans of the very statements the catalog prepares, with the parameters it passes.
#include "product_list.hpp"

#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using shop::catalog::ListQuery;
using shop::catalog::ListShape;
using shop::catalog::Sort;

namespace {

// One session, so that a prepared statement and its EXPLAINs share it.
class Session {
 public:
  explicit Session(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_.get()));
  }
  // Every row's first column, joined by newlines.
  std::string run(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn_.get(), sql.c_str()), PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
    }
    std::string out;
    for (int i = 0; i < PQntuples(result.get()); ++i)
      out += std::string(PQgetvalue(result.get(), i, 0)) + "\n";
    return out;
  }
  std::string literal(const std::string& value) {
    std::unique_ptr<char, decltype(&PQfreemem)> quoted(
        PQescapeLiteral(conn_.get(), value.c_str(), value.size()), PQfreemem);
    return quoted.get();
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

constexpr const char* kSeller = "00000000-0000-4000-8000-000000000003";

}  // namespace

TEST_CASE("every list query form is served by an index, never a scan of the products table",
          "[db][catalog][plans]") {
  shop::test::TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  Session s(t.url());
  s.run(
      "INSERT INTO catalog.products (id, seller_id, name, price, category, on_hand, created_at, updated_at)"
      " SELECT gen_random_uuid(), ('00000000-0000-4000-8000-00000000000' || (i % 10))::uuid,"
      "  (ARRAY['사과 주스', 'Apple pie', '우유', 'Green tea', '배 선물세트', 'Coffee beans', '김치', 'Rice "
      "cake'])"
      "  [1 + i % 8] || ' ' || i, 1000 + (i * 37) % 50000, (ARRAY['fruit', 'tea', 'kitchen', NULL])[1 + i % "
      "4],"
      "  100, now() - i * interval '1 minute', now() FROM generate_series(1, 10000) AS i");
  s.run("ANALYZE catalog.products");

  // Names matched at 1, 2, 3 and more characters, Hangul and Latin, common and rare.
  const std::vector<std::string> searches{"배", "사과", "apple", "우유 12", "zzq"};
  for (const auto& shape : shop::catalog::all_list_shapes()) {
    const auto& statement = shop::catalog::list_statement(shape);
    for (const auto& q : shape.by_name ? searches : std::vector<std::string>{""}) {
      for (bool first_page : {true, false}) {
        // Built in one expression: g++ 12 under ASan warned of the optionals assigned one by one as
        // maybe uninitialized (a false positive that -Werror makes fatal).
        const auto when = [](bool yes, std::string value) {
          return yes ? std::optional(value) : std::nullopt;
        };
        ListQuery query{.sort = shape.sort,
                        .q = when(shape.by_name, q),
                        .seller_id = when(shape.by_seller, std::string(kSeller)),
                        .category = when(shape.by_category, "tea")};
        if (!first_page) {
          query.after =
              shape.sort == Sort::kNewest
                  ? std::vector<std::string>{"2020-01-01T00:00:00Z", "80000000-0000-4000-8000-000000000000"}
                  : std::vector<std::string>{"20000", "80000000-0000-4000-8000-000000000000"};
        }
        std::vector<std::string> arguments;
        for (const auto& param : shop::catalog::list_params(query))
          arguments.push_back(s.literal(param.c_str()));
        s.run(fmt::format("PREPARE list AS {}", statement.sql));
        // Past the fifth execution PostgreSQL may switch to a generic plan: check those too.
        for (int run = 0; run < 7; ++run) {
          const auto plan = s.run(fmt::format("EXPLAIN EXECUTE list({})", fmt::join(arguments, ", ")));
          INFO(statement.name << " q=" << q << " first_page=" << first_page << " run " << run << "\n"
                              << plan);
          CHECK(plan.find("Seq Scan") == std::string::npos);
          CHECK(plan.find("Index") != std::string::npos);
        }
        s.run("DEALLOCATE list");
      }
    }
  }
}
