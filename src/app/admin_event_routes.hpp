#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/router.hpp"

namespace shop::app {

// GET /api/v1/admin/events/dead-letters and POST /api/v1/admin/events/dead-letters/{id}/replay:
// the HTTP face of `shopd dead-letters`, for admins.
void register_admin_event_routes(infra::http::Router& router, infra::db::Database& db,
                                 const infra::clock::Clock& clock);

}  // namespace shop::app
