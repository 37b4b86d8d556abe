// The catalog's input rules and list keys, without a database.
#include "product_list.hpp"
#include "product_rules.hpp"

#include "shop/infra/domain/text_rule.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using shop::catalog::ListQuery;
using shop::catalog::Sort;
using shop::infra::domain::text_error;

TEST_CASE("categories are slugs", "[unit][catalog]") {
  for (const char* good : {"tea", "green-tea", "a1", "2024-sale"}) {
    INFO(good);
    CHECK(shop::catalog::valid_slug(good));
  }
  for (const char* bad : {"", "-tea", "tea-", "green--tea", "Green", "green tea", "차", "tea_pot"}) {
    INFO(bad);
    CHECK_FALSE(shop::catalog::valid_slug(bad));
  }
  CHECK(text_error(std::string(51, 'a'), shop::catalog::category_rule()));
}

TEST_CASE("image URLs are https with a host and nothing that breaks out of an attribute", "[unit][catalog]") {
  for (const char* good :
       {"https://img.example/a.png", "https://cdn.example:8443/p/1?w=200#top", "https://x.io"}) {
    INFO(good);
    CHECK_FALSE(text_error(good, shop::catalog::image_url_rule()));
  }
  for (const char* bad :
       {"http://img.example/a.png", "https://", "https:///path", "javascript:alert(1)",
        "https://good.example@evil.example/", "https://img.example/a b.png", "https://img.example/\"onload=x",
        "ftp://img.example/a.png", "//img.example/a.png"}) {
    INFO(bad);
    CHECK(text_error(bad, shop::catalog::image_url_rule()));
  }
}

TEST_CASE("product texts: names are one line, descriptions keep line feeds, times are RFC 3339",
          "[unit][catalog]") {
  CHECK_FALSE(text_error("녹차 티백 50개", shop::catalog::name_rule()));
  CHECK(text_error("Tea\nPot", shop::catalog::name_rule()));
  CHECK(text_error("", shop::catalog::name_rule()));
  CHECK(text_error(std::string(101, 'x'), shop::catalog::name_rule()));
  CHECK_FALSE(text_error("Line one.\n\tLine two.", shop::catalog::description_rule()));
  CHECK_FALSE(text_error("", shop::catalog::description_rule()));
  CHECK(text_error("Evil\u202Eoverride", shop::catalog::description_rule()));
  CHECK(text_error(std::string(5001, 'x'), shop::catalog::description_rule()));
  CHECK_FALSE(text_error("2026-11-20T09:30:00Z", shop::catalog::time_rule()));
  CHECK_FALSE(text_error("2026-11-20T18:30:00+09:00", shop::catalog::time_rule()));
  CHECK(text_error("2026-11-20", shop::catalog::time_rule()));
  CHECK(text_error("2026-02-30T09:30:00Z", shop::catalog::time_rule()));
}

TEST_CASE("list sorts, their cursors' keys and the cache key of a query", "[unit][catalog]") {
  CHECK(shop::catalog::parse_sort("price_desc") == Sort::kPriceDesc);
  CHECK_FALSE(shop::catalog::parse_sort("cheapest"));
  const std::string id = "6f1c2a4e-0d5b-4c3e-9a7f-1b2c3d4e5f60";
  CHECK(shop::catalog::valid_sort_key(Sort::kNewest, {"2026-11-20T09:30:00.123456Z", id}));
  CHECK_FALSE(shop::catalog::valid_sort_key(Sort::kNewest, {"12000", id}));
  CHECK(shop::catalog::valid_sort_key(Sort::kPriceAsc, {"12000", id}));
  CHECK_FALSE(shop::catalog::valid_sort_key(Sort::kPriceAsc, {"12000", "x"}));
  CHECK_FALSE(shop::catalog::valid_sort_key(Sort::kPriceAsc, {"12000"}));
  CHECK(shop::catalog::cursor_list(Sort::kPriceAsc) != shop::catalog::cursor_list(Sort::kPriceDesc));

  // Queries that answer differently never share a cached page.
  std::set<std::string> keys;
  const std::vector<ListQuery> queries{
      {},
      {.sort = Sort::kPriceAsc},
      {.q = "tea"},
      {.seller_id = "tea"},
      {.category = "tea"},
      {.limit = 21},
      {.after = std::vector<std::string>{"12000", id}},
      {.q = "tea", .category = "pot"},
      {.q = "tea pot"},
  };
  for (const auto& q : queries) keys.insert(shop::catalog::cache_key(q));
  CHECK(keys.size() == queries.size());
}
