#include "admin_event_routes.hpp"

#include "shop/infra/clock/time_text.hpp"

#include "shop/infra/events/dead_letters.hpp"
#include "shop/infra/http/problem.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

namespace shop::app {
namespace {

namespace http = infra::http;
namespace events = infra::events;

// A decimal id, or nullopt.
std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

boost::json::object to_json(const events::DeadLetter& d) {
  return {{"id", std::to_string(d.id)},
          {"subscriber", d.subscriber},
          {"event",
           {{"id", d.event.id},
            {"type", d.event.type},
            {"version", d.event.version},
            {"occurred_at", infra::clock::format_rfc3339(d.event.occurred_at)}}},
          {"attempts", d.attempts},
          {"last_error", d.last_error},
          {"failed_at", infra::clock::format_rfc3339(d.failed_at)}};
}

}  // namespace

void register_admin_event_routes(http::Router& router, infra::db::Database& db,
                                 const infra::clock::Clock& clock) {
  const auto admin = http::Access::roles({"admin"});
  router.add(
      http::Method::kGet, "/api/v1/admin/events/dead-letters",
      [&db](http::Request& req) -> boost::asio::awaitable<http::Response> {
        std::vector<http::FieldError> errors;
        const auto limit = parse_id(req.query_param("limit").value_or("20"));
        if (!limit || *limit < 1 || *limit > 100) errors.push_back({"limit", "must be between 1 and 100"});
        // The cursor is the id of the last dead letter of the previous page.
        const auto after = parse_id(req.query_param("cursor").value_or("0"));
        if (!after) errors.push_back({"cursor", "is not a cursor this endpoint gave"});
        if (!errors.empty()) throw http::Problem(400, "validation_failed", "Invalid request", "", errors);
        auto fetch = [&](infra::db::Tx& s) {
          return events::list_dead_letters(s, static_cast<std::size_t>(*limit), *after);
        };
        const auto page = co_await db.transact(fetch);
        boost::json::array items;
        for (const auto& d : page.items) items.push_back(to_json(d));
        co_return http::json_response(
            200, {{"items", items},
                  {"next_cursor",
                   page.next_after ? boost::json::value(std::to_string(*page.next_after)) : nullptr}});
      },
      admin);
  router.add(
      http::Method::kPost, "/api/v1/admin/events/dead-letters/{id}/replay",
      [&db, &clock](http::Request& req) -> boost::asio::awaitable<http::Response> {
        const auto id = parse_id(req.param("id"));
        auto replay = [&](infra::db::Tx& tx) {
          return id && events::replay_dead_letter(tx, *id, clock.now());
        };
        if (!co_await db.transact(replay)) {
          throw http::Problem(404, "not_found", "Not found", "There is no dead letter with this id.");
        }
        co_return http::json_response(202, {{"id", std::to_string(*id)}, {"status", "pending"}});
      },
      admin);
}

}  // namespace shop::app
