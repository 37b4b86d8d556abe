// The catalog through the real binary: products and who may change them, stock and its history,
// lists with their filters, sorts and cursors, and the demo data.
#include "support/problem_assertions.hpp"
#include "support/products.hpp"

#include "support/eventually.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <set>

using shop::test::code_of;
using shop::test::create_product;
using shop::test::HttpResponse;
using shop::test::id_of;
using shop::test::query_value;
using shop::test::Shop;
using shop::test::SignedIn;

namespace {

std::set<std::string> error_fields(const HttpResponse& r) {
  std::set<std::string> fields;
  const auto body = r.json();  // a named value: the loop would outlive a temporary's
  for (const auto& e : body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  return fields;
}

// The ids of a list, in order, and the cursor of the page after.
std::pair<std::vector<std::string>, std::optional<std::string>> page_of(const HttpResponse& r) {
  REQUIRE(r.status == 200);
  std::vector<std::string> ids;
  const auto body = r.json();
  for (const auto& item : body.at("items").as_array()) ids.push_back(id_of(item));
  const auto& next = body.at("next_cursor");
  return {ids, next.is_null() ? std::nullopt : std::optional(std::string(next.as_string()))};
}

}  // namespace

TEST_CASE("sellers create, change and delete their own products; anyone reads them", "[http][catalog]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto rival = shop.account("seller_two", "seller");
  const auto& customer = shop.customer();
  const auto& admin = shop.admin();

  const auto created = create_product(shop, seller,
                                      {{"description", "보성 녹차.\n\t50 bags."},
                                       {"category", "tea"},
                                       {"image_urls", {"https://img.example/tea.png"}},
                                       {"sale_opens_at", "2030-01-01T09:00:00+09:00"},
                                       {"purchase_limit", 2}});
  const auto id = id_of(created);
  CHECK(created.at("seller_id").as_string() == seller.id);
  CHECK(created.at("stock_available") == 10);
  CHECK(created.at("sale_opens_at") == "2030-01-01T00:00:00Z");
  CHECK(created.at("purchase_limit") == 2);
  CHECK(created.at("image_urls").as_array().size() == 1);
  const auto read = shop.call("GET", "/products/" + id);
  REQUIRE(read.status == 200);
  CHECK(read.json() == boost::json::value(created));

  const boost::json::object valid{{"name", "x"}, {"price", 1}, {"stock", 0}};
  CHECK(shop.call("POST", "/products", valid, customer.access_token).status == 403);
  CHECK(shop.call("POST", "/products", valid).status == 401);

  const auto patched = shop.call(
      "PATCH", "/products/" + id,
      {{"name", "Sejak green tea"}, {"price", 15000}, {"category", nullptr}, {"purchase_limit", nullptr}},
      seller.access_token);
  REQUIRE(patched.status == 200);
  CHECK(patched.json().at("name") == "Sejak green tea");
  CHECK(patched.json().at("category").is_null());
  CHECK(patched.json().at("purchase_limit").is_null());
  CHECK(patched.json().at("sale_opens_at") == "2030-01-01T00:00:00Z");  // absent fields stay
  CHECK(shop.call("GET", "/products/" + id).json().at("price") == 15000);
  const auto with_stock = shop.call("PATCH", "/products/" + id, {{"stock", 99}}, seller.access_token);
  CHECK(with_stock.status == 400);
  CHECK(code_of(with_stock) == "unknown_field");

  for (const auto* token : {&rival.access_token, &customer.access_token}) {
    const auto refused = shop.call("PATCH", "/products/" + id, {{"price", 1}}, *token);
    CHECK(refused.status == 403);
    CHECK(code_of(refused) == "forbidden");
    CHECK(shop.call("DELETE", "/products/" + id, nullptr, *token).status == 403);
  }
  CHECK(shop.call("GET", "/products/" + id).json().at("price") == 15000);
  CHECK(shop.call("PATCH", "/products/" + id, {{"price", 14000}}, admin.access_token).status == 200);

  CHECK(shop.call("DELETE", "/products/" + id, nullptr, seller.access_token).status == 204);
  for (const auto& [method, body] : std::vector<std::pair<std::string, boost::json::value>>{
           {"GET", nullptr}, {"PATCH", {{"price", 1}}}, {"DELETE", nullptr}}) {
    const auto gone = shop.call(method, "/products/" + id, body, seller.access_token);
    INFO(method);
    CHECK(gone.status == 404);
    CHECK(code_of(gone) == "not_found");
  }
  CHECK(shop.call("GET", "/products/not-a-product").status == 404);
  CHECK(shop.call("GET", "/products/00000000-0000-4000-8000-000000000000").status == 404);
  // created, two changes by the owner and the admin, deleted: each published with its change.
  CHECK(query_value(shop.db().url(),
                    "SELECT string_agg(payload->>'change', ',' ORDER BY position) FROM shopd.outbox_events"
                    " WHERE type = 'catalog.ProductChanged'") == "created,updated,updated,deleted");
}

TEST_CASE("an invalid product is refused naming every bad field, and nothing is written", "[http][catalog]") {
  Shop shop;
  const auto& seller = shop.seller();
  boost::json::array too_many;
  for (int i = 0; i < 11; ++i)
    too_many.emplace_back(boost::json::string("https://img.example/" + std::to_string(i)));
  const auto bad = shop.call("POST", "/products",
                             {{"name", ""},
                              {"description", "bell\x07"},
                              {"price", 0},
                              {"stock", -1},
                              {"category", "Green Tea"},
                              {"image_urls", {"http://img.example/a.png", 5}},
                              {"sale_opens_at", "tomorrow"},
                              {"purchase_limit", 0}},
                             seller.access_token);
  REQUIRE(bad.status == 400);
  CHECK(code_of(bad) == "validation_failed");
  CHECK(error_fields(bad) == std::set<std::string>{"name", "description", "price", "stock", "category",
                                                   "image_urls[0]", "image_urls[1]", "sale_opens_at",
                                                   "purchase_limit"});
  const auto missing = shop.call("POST", "/products", {{"image_urls", too_many}}, seller.access_token);
  CHECK(error_fields(missing) == std::set<std::string>{"name", "price", "stock", "image_urls"});
  CHECK(
      code_of(shop.call("POST", "/products", {{"name", "x"}, {"price", 1}, {"stock", 1}, {"seller_id", "me"}},
                        seller.access_token)) == "unknown_field");
  CHECK(shop.call("PATCH", "/products/00000000-0000-4000-8000-000000000000", {{"price", "cheap"}},
                  seller.access_token)
            .status == 400);
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM catalog.products") == "0");
}

TEST_CASE("stock: anyone sees what is available, owners see more and adjust it, never below reserved",
          "[http][catalog][stock]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto rival = shop.account("seller_two", "seller");
  const auto id = id_of(create_product(shop, seller));
  const auto stock = "/products/" + id + "/stock";
  const auto adjustments = "/products/" + id + "/stock-adjustments";

  const auto anonymous = shop.call("GET", stock).json().as_object();
  CHECK(anonymous == boost::json::object{{"product_id", id}, {"available", 10}});
  CHECK(shop.call("GET", stock, nullptr, rival.access_token).json().as_object() == anonymous);
  const auto owner = shop.call("GET", stock, nullptr, seller.access_token).json();
  CHECK(owner.at("on_hand") == 10);
  CHECK(owner.at("reserved") == 0);
  CHECK(shop.call("GET", stock, nullptr, "not-a-token").status == 401);
  CHECK(shop.call("GET", "/products/00000000-0000-4000-8000-000000000000/stock").status == 404);

  const auto added =
      shop.call("POST", adjustments, {{"delta", 5}, {"reason", "delivery"}}, seller.access_token);
  REQUIRE(added.status == 200);
  CHECK(added.json().as_object() == boost::json::object{{"on_hand", 15}, {"reserved", 0}, {"available", 15}});
  CHECK(error_fields(shop.call("POST", adjustments, {{"delta", 0}}, seller.access_token)) ==
        std::set<std::string>{"delta"});
  const auto below = shop.call("POST", adjustments, {{"delta", -16}}, seller.access_token);
  CHECK(below.status == 409);
  CHECK(code_of(below) == "insufficient_stock");

  // Orders hold 12 of the 15: on hand may fall to 12, not below.
  query_value(shop.db().url(),
              "UPDATE catalog.products SET reserved = 12 WHERE id = '" + id + "' RETURNING 1");
  CHECK(code_of(shop.call("POST", adjustments, {{"delta", -4}}, seller.access_token)) ==
        "insufficient_stock");
  const auto down =
      shop.call("POST", adjustments, {{"delta", -3}, {"reason", "breakage"}}, seller.access_token);
  REQUIRE(down.status == 200);
  CHECK(down.json().at("available") == 0);
  CHECK(shop.call("GET", stock).json().at("available") == 0);

  for (const auto* token : {&rival.access_token, &shop.customer().access_token}) {
    CHECK(shop.call("POST", adjustments, {{"delta", 1}}, *token).status == 403);
    CHECK(shop.call("GET", adjustments, nullptr, *token).status == 403);
  }
  CHECK(shop.call("POST", "/products/00000000-0000-4000-8000-000000000000/stock-adjustments", {{"delta", 1}},
                  seller.access_token)
            .status == 404);
  CHECK(shop.call("GET", adjustments).status == 401);

  // Newest first, a cursor page: who, by how much, why, and on hand after.
  const auto first = shop.call("GET", adjustments + "?limit=2", nullptr, seller.access_token);
  REQUIRE(first.status == 200);
  const auto items = first.json().at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("delta") == -3);
  CHECK(items[0].at("reason") == "breakage");
  CHECK(items[0].at("on_hand_after") == 12);
  CHECK(items[0].at("actor_id").as_string() == seller.id);
  CHECK(items[1].at("delta") == 5);
  const auto cursor = std::string(first.json().at("next_cursor").as_string());
  const auto rest = shop.call("GET", adjustments + "?limit=2&cursor=" + cursor, nullptr, seller.access_token);
  REQUIRE(rest.status == 200);
  REQUIRE(rest.json().at("items").as_array().size() == 1);
  CHECK(rest.json().at("items").as_array()[0].at("reason") == "initial stock");
  CHECK(rest.json().at("next_cursor").is_null());
  CHECK(shop.call("GET", adjustments, nullptr, shop.admin().access_token).status == 200);
  CHECK(error_fields(shop.call("GET", adjustments + "?limit=0&cursor=x", nullptr, seller.access_token)) ==
        std::set<std::string>{"limit", "cursor"});
  CHECK(query_value(shop.db().url(),
                    "SELECT count(*) FROM shopd.outbox_events WHERE type = 'catalog.StockChanged'") == "2");
}

TEST_CASE("lists filter by name (Hangul too), seller and category, sort, page, and hide deleted products",
          "[http][catalog][lists]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto rival = shop.account("seller_two", "seller");
  std::map<std::string, std::string> ids;
  const auto add = [&](const SignedIn& who, const char* name, int price, const char* category) {
    ids[name] = id_of(create_product(shop, who, {{"name", name}, {"price", price}, {"category", category}}));
  };
  add(seller, "보성 녹차", 9000, "tea");
  add(seller, "Green Tea bags", 7000, "tea");
  add(seller, "배 선물세트", 45000, "fruit");
  add(rival, "사과 1kg", 12900, "fruit");
  add(rival, "Teapot", 38000, "kitchen");
  add(rival, "Discontinued tea", 1000, "tea");
  REQUIRE(shop.call("DELETE", "/products/" + ids["Discontinued tea"], nullptr, rival.access_token).status ==
          204);

  const auto names = [&](const std::string& query) {
    const auto r = shop.call("GET", "/products" + query);
    REQUIRE(r.status == 200);
    std::vector<std::string> out;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) out.emplace_back(item.at("name").as_string());
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(names("") == V{"Teapot", "사과 1kg", "배 선물세트", "Green Tea bags", "보성 녹차"});  // newest first
  CHECK(names("?sort=price_asc") == V{"Green Tea bags", "보성 녹차", "사과 1kg", "Teapot", "배 선물세트"});
  CHECK(names("?sort=price_desc&limit=2") == V{"배 선물세트", "Teapot"});
  CHECK(names("?q=TEA") == V{"Teapot", "Green Tea bags"});
  CHECK(names("?q=%EB%85%B9%EC%B0%A8") == V{"보성 녹차"});  // 녹차
  CHECK(names("?q=%EB%B0%B0") == V{"배 선물세트"});         // 배, one syllable
  CHECK(names("?q=100%25") == V{});                         // % matches itself
  CHECK(names("?category=fruit&sort=price_asc") == V{"사과 1kg", "배 선물세트"});
  CHECK(names("?seller_id=" + rival.id) == V{"Teapot", "사과 1kg"});
  CHECK(names("?seller_id=" + seller.id + "&category=tea&q=tea") == V{"Green Tea bags"});

  const auto [first, cursor] = page_of(shop.call("GET", "/products?sort=price_asc&limit=3"));
  REQUIRE(cursor);
  const auto [second, end] = page_of(shop.call("GET", "/products?sort=price_asc&limit=3&cursor=" + *cursor));
  CHECK(second == V{ids["Teapot"], ids["배 선물세트"]});
  CHECK_FALSE(end);
  CHECK(first.size() == 3);

  const auto bad = shop.call("GET", "/products?limit=101&sort=cheapest&seller_id=me&category=Tea&colour=red");
  REQUIRE(bad.status == 400);
  CHECK(error_fields(bad) == std::set<std::string>{"limit", "sort", "seller_id", "category", "colour"});
  const auto foreign = shop.call("GET", "/products?sort=price_desc&cursor=" + *cursor);
  CHECK(error_fields(foreign) == std::set<std::string>{"cursor"});
  CHECK(shop.call("GET", "/products?q=" + std::string(101, 'a')).status == 400);
}

TEST_CASE("paging neither skips nor repeats a product while others are added, for each sort",
          "[http][catalog][lists]") {
  Shop shop;
  const auto& seller = shop.seller();
  std::set<std::string> before;
  for (int i = 0; i < 24; ++i) {
    const boost::json::object fields{{"name", "Item " + std::to_string(i)},
                                     {"price", 1000 + (i * 7) % 10 * 100}};
    before.insert(id_of(create_product(shop, seller, fields)));
  }
  for (const char* sort : {"newest", "price_asc", "price_desc"}) {
    INFO(sort);
    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    do {
      const auto [ids, next] = page_of(shop.call(
          "GET", std::string("/products?limit=5&sort=") + sort + (cursor ? "&cursor=" + *cursor : "")));
      seen.insert(seen.end(), ids.begin(), ids.end());
      cursor = next;
      // Between two pages, products land before, inside and after the part already seen.
      for (int price : {500, 1450, 2500}) create_product(shop, seller, {{"name", "Late"}, {"price", price}});
    } while (cursor);
    const std::set<std::string> unique(seen.begin(), seen.end());
    CHECK(unique.size() == seen.size());                       // nothing repeated
    for (const auto& id : before) CHECK(unique.contains(id));  // nothing that was there skipped
  }
}

TEST_CASE("seed-demo makes the demo seller's products once, one of them a limited sale", "[http][catalog]") {
  Shop shop;
  for (int run = 0; run < 2; ++run) {
    const auto seeded = shop::test::run_shopd({"seed-demo"}, shop.env());
    INFO(seeded.output);
    REQUIRE(seeded.exit_code == 0);
    CHECK_THAT(seeded.output, Catch::Contains(run == 0 ? "36 created" : "0 created"));
  }
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM catalog.products") == "36");
  CHECK(query_value(shop.db().url(),
                    "SELECT count(*) FROM catalog.products WHERE sale_opens_at > now()"
                    " AND purchase_limit = 1") == "1");
  const auto [page, cursor] = page_of(shop.call("GET", "/products?category=tea"));
  CHECK(page.size() == 8);
  CHECK_FALSE(cursor);
}
