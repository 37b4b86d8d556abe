#pragma once

#include "payment_context.hpp"

namespace shop::payment {

// POST /payments/confirm, GET /payments/{id} and GET /seller/settlements.
void register_payment_routes(infra::http::Router& router, PaymentContext& ctx);

}  // namespace shop::payment
