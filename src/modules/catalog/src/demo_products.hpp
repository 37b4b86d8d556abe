#pragma once

#include "catalog_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace shop::catalog {

// `shopd seed-demo`'s products for the demo seller (CatalogModule::seed_demo_products).
boost::asio::awaitable<int> seed_demo_products(CatalogContext& ctx, std::string seller_id);

}  // namespace shop::catalog
