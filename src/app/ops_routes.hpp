#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/db/migrator.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <string>

namespace shop::app {

// /healthz, /readyz and /openapi.json: what operators and load balancers ask.
struct OpsDeps {
  infra::db::Database& db;
  const infra::db::Migration* latest_migration;  // /readyz requires it applied, unedited
  std::string openapi_json;
};
void register_ops_routes(infra::http::Router& router, OpsDeps deps);

// /metrics, on the main router or on one of its own for server.metrics_listen.
void register_metrics_route(infra::http::Router& router, infra::metrics::Registry& metrics);

}  // namespace shop::app
