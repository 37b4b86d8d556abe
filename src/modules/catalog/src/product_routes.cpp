#include "product_list.hpp"
#include "product_rules.hpp"
#include "products.hpp"
#include "routes.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/page.hpp"
#include "shop/infra/http/problems.hpp"

#include <boost/json/serialize.hpp>

#include <set>

namespace shop::catalog {
namespace {

namespace http = infra::http;
using infra::domain::FieldErrors;

const std::set<std::string_view> kListParameters{"q", "seller_id", "category", "sort", "limit", "cursor"};

// A query-string parameter held to `rule`, trimmed; empty counts as absent.
std::optional<std::string> query_text(const http::Request& req, std::string_view name, const TextRule& rule,
                                      FieldErrors& errors) {
  auto value = req.query_param(name);
  if (!value) return std::nullopt;
  auto text = *value;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (auto error = infra::domain::text_error(text, rule)) {
    errors.push_back({std::string(name), std::move(*error)});
    return std::nullopt;
  }
  return std::string(text);
}

ListQuery read_list_query(const http::Request& req) {
  FieldErrors errors;
  ListQuery query;
  if (const auto sort = req.query_param("sort")) {
    if (const auto parsed = parse_sort(*sort)) {
      query.sort = *parsed;
    } else {
      errors.push_back({"sort", "must be newest, price_asc or price_desc"});
    }
  }
  const auto page = http::read_page_request(req, cursor_list(query.sort), errors);
  if (page.after && !valid_sort_key(query.sort, *page.after)) {
    errors.push_back({"cursor", "is not a cursor of this list; pass next_cursor as it came"});
  }
  query.limit = page.limit;
  query.after = page.after;
  query.q = query_text(req, "q", query_rule(), errors);
  query.seller_id = query_text(
      req, "seller_id",
      {.min = 36, .max = 36, .check = infra::domain::is_uuid, .check_message = "must be a seller's id"},
      errors);
  query.category = query_text(req, "category", category_rule(), errors);
  for (const auto& [name, value] : req.query) {
    if (!kListParameters.contains(name)) errors.push_back({name, "is not a parameter of this list"});
  }
  if (!errors.empty()) throw http::validation_failed(std::move(errors));
  return query;
}

std::optional<infra::clock::TimePoint> parse_time(const std::optional<std::string>& text) {
  return text ? infra::clock::parse_rfc3339(*text) : std::nullopt;
}

// The fields POST and PATCH share. A nullable field sent as null clears it (a PATCH) or is absent
// (a POST): the outer optional says whether it was given.
struct EditableFields {
  std::optional<std::string> name, description;
  std::optional<std::int64_t> price;
  Clearable<std::string> category;
  std::optional<std::vector<std::string>> image_urls;
  Clearable<infra::clock::TimePoint> sale_opens_at;
  Clearable<std::int64_t> purchase_limit;
};

template <class T, class Read>
Clearable<T> clearable(http::FieldReader& r, std::string_view field, Read read) {
  if (r.is_null(field)) return std::optional<T>();
  if (auto value = read()) return std::optional<T>(std::move(*value));
  return std::nullopt;
}

EditableFields read_editable(http::FieldReader& r, Presence presence) {
  return {
      .name = r.text("name", name_rule(presence)),
      .description = r.text("description", description_rule()),
      .price = r.integer("price", 1, kMaxPrice, presence),
      .category = clearable<std::string>(r, "category", [&] { return r.text("category", category_rule()); }),
      .image_urls = r.texts("image_urls", image_url_rule(), kMaxImages, Presence::kOptional),
      .sale_opens_at = clearable<infra::clock::TimePoint>(
          r, "sale_opens_at", [&] { return parse_time(r.text("sale_opens_at", time_rule())); }),
      .purchase_limit = clearable<std::int64_t>(r, "purchase_limit", [&] {
        return r.integer("purchase_limit", 1, kMaxPurchaseLimit, Presence::kOptional);
      })};
}

boost::asio::awaitable<http::Response> list_route(CatalogContext& ctx, http::Request& req) {
  auto query = read_list_query(req);
  co_return http::text_response(200, "application/json", co_await ctx.storefront.list_page(std::move(query)));
}

boost::asio::awaitable<http::Response> get_route(CatalogContext& ctx, http::Request& req) {
  auto body = co_await ctx.storefront.product_page(std::string(req.param("id")));
  if (!body) throw to_problem(ChangeRefused::kNotFound);
  co_return http::text_response(200, "application/json", std::move(*body));
}

boost::asio::awaitable<http::Response> create_route(CatalogContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto& r = in.root();
  auto f = read_editable(r, Presence::kRequired);
  const auto stock = r.integer("stock", 0, kMaxStock);
  in.finish();
  NewProduct product{.name = std::move(*f.name),
                     .description = f.description.value_or(""),
                     .price = *f.price,
                     .stock = *stock,
                     .category = f.category.value_or(std::nullopt),
                     .image_urls = f.image_urls.value_or(std::vector<std::string>{}),
                     .sale_opens_at = f.sale_opens_at.value_or(std::nullopt),
                     .purchase_limit = f.purchase_limit.value_or(std::nullopt)};
  const auto created = co_await create_product(ctx, req.caller->id, std::move(product));
  co_return http::json_response(201, to_json(created));
}

boost::asio::awaitable<http::Response> patch_route(CatalogContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto f = read_editable(in.root(), Presence::kOptional);
  in.finish();
  ProductChange change{.name = std::move(f.name),
                       .description = std::move(f.description),
                       .price = f.price,
                       .category = std::move(f.category),
                       .image_urls = std::move(f.image_urls),
                       .sale_opens_at = f.sale_opens_at,
                       .purchase_limit = f.purchase_limit};
  // Named, not passed as temporaries: g++ 12 frees a temporary aggregate's strings twice when it is
  // a coroutine's argument (see the user module).
  auto actor = actor_of(req);
  const auto changed =
      co_await change_product(ctx, std::move(actor), std::string(req.param("id")), std::move(change));
  if (!changed) throw to_problem(changed.error());
  co_return http::json_response(200, to_json(*changed));
}

boost::asio::awaitable<http::Response> delete_route(CatalogContext& ctx, http::Request& req) {
  auto actor = actor_of(req);
  const auto deleted = co_await delete_product(ctx, std::move(actor), std::string(req.param("id")));
  if (!deleted) throw to_problem(deleted.error());
  co_return http::no_content();
}

}  // namespace

Actor actor_of(const http::Request& req) {
  return {req.caller->id, req.caller->role == "admin"};
}

http::Problem to_problem(ChangeRefused refused) {
  switch (refused) {
    case ChangeRefused::kNotFound:
      return http::not_found("There is no such product.");
    case ChangeRefused::kForbidden:
      return http::forbidden("Only the product's seller or an admin may change it.");
    case ChangeRefused::kBelowReserved:
      return http::conflict("insufficient_stock", "Insufficient stock",
                            "Units on hand may not fall below the units orders have reserved.");
  }
  throw std::logic_error("unknown ChangeRefused");
}

void register_product_routes(http::Router& router, CatalogContext& ctx) {
  using http::Method;
  const auto sellers = http::Access::roles({"seller", "admin"});
  router.add(Method::kGet, "/api/v1/products", [&ctx](http::Request& r) { return list_route(ctx, r); });
  router.add(Method::kGet, "/api/v1/products/{id}", [&ctx](http::Request& r) { return get_route(ctx, r); });
  router.add(
      Method::kPost, "/api/v1/products", [&ctx](http::Request& r) { return create_route(ctx, r); }, sellers);
  router.add(
      Method::kPatch, "/api/v1/products/{id}", [&ctx](http::Request& r) { return patch_route(ctx, r); },
      sellers);
  router.add(
      Method::kDelete, "/api/v1/products/{id}", [&ctx](http::Request& r) { return delete_route(ctx, r); },
      sellers);
}

}  // namespace shop::catalog
