#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/db/migrator.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <string>

namespace shop::app {

// /healthz, /readyz, /metrics and /openapi.json: what operators and load balancers ask.
struct OpsDeps {
  infra::db::Database& db;
  const infra::db::Migration* latest_migration;  // /readyz requires it applied, unedited
  infra::metrics::Registry& metrics;
  std::string openapi_json;
};
void register_ops_routes(infra::http::Router& router, OpsDeps deps);

}  // namespace shop::app
