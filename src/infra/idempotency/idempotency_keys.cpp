#include "shop/infra/idempotency/idempotency_keys.hpp"

#include "shop/infra/crypto/digest.hpp"
#include "shop/infra/http/problem.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>

namespace shop::infra::idempotency {
namespace {

using db::Statement;

constexpr Statement kClaim{
    "idempotency.claim",
    "INSERT INTO shopd.idempotency_keys (owner_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT DO NOTHING"};
constexpr Statement kFind{"idempotency.find",
                          "SELECT fingerprint, status, content_type, body FROM shopd.idempotency_keys"
                          " WHERE owner_id = $1 AND key = $2"};
constexpr Statement kStore{"idempotency.store",
                           "UPDATE shopd.idempotency_keys SET status = $3, content_type = $4, body = $5"
                           " WHERE owner_id = $1 AND key = $2"};
constexpr Statement kPurge{"idempotency.purge",
                           "DELETE FROM shopd.idempotency_keys WHERE (owner_id, key) IN (SELECT owner_id, "
                           "key FROM shopd.idempotency_keys"
                           " WHERE created_at < $1 LIMIT 5000)"};

std::string read_key(const http::Request& request) {
  const auto key = request.header("Idempotency-Key");
  const bool printable =
      key && std::all_of(key->begin(), key->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!key || key->empty() || key->size() > 255 || !printable) {
    throw http::Problem(400, "idempotency_key_required", "Idempotency-Key required",
                        "Send an Idempotency-Key header of 1 to 255 printable ASCII characters.");
  }
  return std::string(*key);
}

http::Response stored_response(const db::Row& row) {
  return http::Response{static_cast<unsigned>(row.integer(1)), row.string(2), row.string(3), {}};
}

}  // namespace

std::string request_fingerprint(const http::Request& request) {
  boost::system::error_code ec;
  const auto body = boost::json::parse(request.body, ec);
  // A body that is not JSON is compared as sent; the handler refuses it anyway.
  const std::string canonical = ec ? request.body : boost::json::serialize(body);
  return crypto::sha256_hex(
      fmt::format("{} {}\n{}", http::method_name(request.method), request.route, canonical));
}

IdempotencyKeys::IdempotencyKeys(db::Database& db, const clock::Clock& clock, metrics::Registry* metrics)
    : db_(db), clock_(clock), metrics_(metrics) {}

boost::asio::awaitable<http::Response> IdempotencyKeys::run(const http::Request& request, std::string owner,
                                                            Work work) const {
  const std::string key = read_key(request);
  const std::string fingerprint = request_fingerprint(request);
  enum class Kind { kDone, kReplayed, kReused };
  auto attempt = [&](db::Tx& tx) -> std::pair<Kind, http::Response> {
    if (tx.exec(kClaim, owner, key, fingerprint, clock_.now()) == 0) {
      // Claimed before: a concurrent holder has committed by now (the INSERT waited for it).
      const auto row = tx.query(kFind, owner, key)[0];
      if (row.text(0) != fingerprint) return {Kind::kReused, {}};
      return {Kind::kReplayed, stored_response(row)};
    }
    http::Response response = work(tx);
    tx.defer(kStore, owner, key, response.status, response.content_type, response.body);
    return {Kind::kDone, std::move(response)};
  };
  auto [kind, response] = co_await db_.transact(attempt);
  if (kind == Kind::kReused) {
    throw http::Problem(422, "idempotency_key_reused", "Idempotency key reused",
                        "This Idempotency-Key was sent before with a different request.");
  }
  if (kind == Kind::kReplayed) {
    replayed(request, response);
  }
  co_return response;
}

void IdempotencyKeys::replayed(const http::Request& request, http::Response& response) const {
  if (metrics_ != nullptr) {
    metrics_
        ->counter("shopd_idempotent_replays_total", "Requests answered from an earlier response by key.",
                  {{"route", request.route}})
        .add();
  }
  response.headers.emplace_back("Idempotent-Replayed", "true");
}

std::int64_t IdempotencyKeys::purge(db::Tx& tx, clock::TimePoint cutoff) const {
  return tx.exec(kPurge, cutoff);
}

}  // namespace shop::infra::idempotency
