#pragma once

#include "order_context.hpp"

#include "shop/infra/http/router.hpp"

namespace shop::order {

// POST/GET /orders, GET /orders/{id}, POST /orders/{id}/cancel and GET /seller/orders.
void register_order_routes(infra::http::Router& router, OrderContext& ctx);

}  // namespace shop::order
