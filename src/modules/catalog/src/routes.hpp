#pragma once

#include "catalog_context.hpp"

#include "shop/infra/http/message.hpp"
#include "shop/infra/http/problem.hpp"
#include "shop/infra/http/router.hpp"

// The catalog's HTTP routes, all under /api/v1/products. Route files parse the request, call the
// domain and map its outcome to a response or a problem document.
namespace shop::catalog {

void register_product_routes(infra::http::Router& router, CatalogContext& ctx);
void register_stock_routes(infra::http::Router& router, CatalogContext& ctx);

// The signed-in caller as the domain sees it.
Actor actor_of(const infra::http::Request& request);
// The one table from the catalog's refusals to problem documents.
infra::http::Problem to_problem(ChangeRefused refused);

}  // namespace shop::catalog
