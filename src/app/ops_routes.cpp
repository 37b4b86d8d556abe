#include "ops_routes.hpp"

#include "shop/infra/http/problem.hpp"
#include "shop/infra/log/log.hpp"

#include <boost/json.hpp>

#include <memory>

namespace shop::app {
namespace {

using infra::http::Method;
using infra::http::Request;
using infra::http::Response;

// /readyz is what load balancers poll: one primary-key read, prepared on the read pool.
constexpr infra::db::Statement kAppliedChecksum{
    "ops_applied_checksum", "SELECT checksum FROM shopd.schema_migrations WHERE version = $1"};

}  // namespace

void register_ops_routes(infra::http::Router& router, OpsDeps deps) {
  auto shared = std::make_shared<OpsDeps>(std::move(deps));

  router.add(Method::kGet, "/healthz", [](Request&) -> boost::asio::awaitable<Response> {
    co_return infra::http::json_response(200, {{"status", "ok"}});
  });

  // Ready when the database answers and the newest migration this binary knows is applied as shipped:
  // one primary-key read.
  router.add(Method::kGet, "/readyz", [shared](Request& request) -> boost::asio::awaitable<Response> {
    std::string reason;
    if (shared->latest_migration != nullptr) {
      try {
        const auto applied = co_await shared->db.query(kAppliedChecksum, shared->latest_migration->version);
        if (applied.size() != 1 || applied[0].text(0) != shared->latest_migration->checksum) {
          reason = "migrations are not current";
        }
      } catch (const infra::db::Unavailable& e) {
        infra::log::warn("ops", "database unavailable", {{"req", request.request_id}, {"error", e.what()}});
        reason = "the database does not answer";
      } catch (const infra::db::DbError& e) {
        infra::log::warn("ops", "readiness query failed", {{"req", request.request_id}, {"error", e.what()}});
        reason = "the readiness query failed";
      }
    }
    if (!reason.empty()) {
      co_return infra::http::Problem(503, "not_ready", "Not ready", reason)
          .header("Retry-After", "1")
          .to_response();
    }
    co_return infra::http::json_response(200, {{"status", "ready"}});
  });

  router.add(Method::kGet, "/openapi.json", [shared](Request&) -> boost::asio::awaitable<Response> {
    co_return infra::http::text_response(200, "application/json", shared->openapi_json);
  });
}

void register_metrics_route(infra::http::Router& router, infra::metrics::Registry& metrics) {
  router.add(Method::kGet, "/metrics", [&metrics](Request&) -> boost::asio::awaitable<Response> {
    co_return infra::http::text_response(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
  });
}

}  // namespace shop::app
